//! Links the `peakplan` binary at a fixed address on x86-64 Linux.
//!
//! A position-independent executable is relocated by the dynamic loader
//! at every start: about 31,000 relocations, written into 1 MB of tables
//! (vtables, static strings, the time-zone database), which the process
//! then has to copy page by page. That was 0.9 ms of the 2.2 ms CPU a
//! `peakplan --version` costs, about a tenth of a 10,000-row `erlang
//! --input` (`perf stat -e task-clock,page-faults`: 423 page faults at
//! start, 154 without). Linked with `-no-pie` the executable has no
//! relocation left to apply. Shared libraries, the stack and the heap are
//! still placed at random; only the executable's own address is fixed.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let linux_gnu = var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu";
    if linux_gnu && var("CARGO_CFG_TARGET_ARCH") == "x86_64" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
