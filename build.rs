//! Packs the `peakplan` binary's relative relocations (x86-64 Linux).
//!
//! The executable is position-independent: at every start the dynamic
//! loader adds the load address to about 31,000 pointers in its tables
//! (vtables, static strings, the time-zone database). As classic `RELA`
//! entries those instructions take 760 KB, which the loader reads page by
//! page before the first line of `main`; packed as `RELR` (one address and
//! bitmaps of the words that follow) they take a few kilobytes. The
//! pointers are the same and so is the random load address. `RELR` needs
//! glibc 2.36 or later at run time.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let linux_gnu = var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu";
    if linux_gnu && var("CARGO_CFG_TARGET_ARCH") == "x86_64" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
