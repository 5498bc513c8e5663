//! Links the `peakplan` binary at a fixed address on Linux with glibc.
//!
//! A position-independent executable has its tables of pointers (the time
//! zone database above all, about 31,000 of them) patched by the dynamic
//! loader at every start, which writes about 280 pages: roughly a tenth of
//! the run time of a whole `peakplan erlang --input` of 10,000 rows. Linked
//! at a fixed address, the linker resolves them once and a start touches
//! only the pages it reads. Shared libraries, heap and stack stay at
//! random addresses.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
