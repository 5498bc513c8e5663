//! Erlang B by recursion, and the Erlang C measures built on it.
//!
//! The table holds `R(n) = 1/B(n, A)` for a window of `n`, from
//! `R(n) = 1 + (n/A)·R(n−1)`: one fused multiply-add per agent, no
//! factorial, no power of `A`. `R` is kept as `m·2^e` (`m` below `2^512`) so
//! that it never overflows, even when `B` is far below the smallest double.
//!
//! # Where the recursion starts
//!
//! Unrolled, `R(n) = Σ_{k≥0} T_k` with `T_k = Π_{i=n−k+1..n} (i/A)`. Starting
//! the recursion at `s` with `R(s) := 1` instead of its true value drops
//! exactly the terms `k > n − s`, whose ratios `(s−j)/A` are all below
//! `s/A < 1`. Relative to the largest term they sum to at most
//! `Π_{i=s+1..min(n,A)} (i/A) · A/(A−s)`. Since `ln(i/A) ≤ (i−A)/A`, taking
//! `Σ_{i=s+1..min(n,A)} (A−i)/A ≥ 50 + ln A + 1` makes the dropped part
//! smaller than `e^−50 ≈ 2e−22` of the result: `s ≈ min(n, A) − 11·√A`. So
//! a 50,000-Erlang interval costs about 2,500 steps, not 50,000, and the
//! forward recursion's own rounding (stable: each step damps earlier errors)
//! stays near `1e−13`.

/// Exponent step used to keep the mantissa of `R` below `2^512`.
const RESCALE: i32 = 512;

/// The largest binary exponent of `R` kept: `1/B` beyond `2^(2^30)` is
/// saturated there. Every measure has long flushed to its limit (`P(wait)`
/// below `2^−1074` is 0), so the cap changes no result, and it keeps the
/// exponent far from `i32` overflow however many agents are asked about.
const MAX_EXP: i32 = 1 << 30;

/// Entries a fresh table reserves past its first accurate count.
const RESERVE_BEYOND: usize = 16;

/// `1/B(n, A)` for `n` from `lo` upward, computed on demand.
#[derive(Clone, Debug)]
pub(crate) struct InvB {
    a: f64,
    /// `n` of `m[0]`.
    start: u64,
    /// First `n` whose value is accurate (the dropped start is below
    /// `e^−50` of it).
    valid_from: u64,
    /// `1/B(n)` from `n = start` on.
    v: Vec<Scaled>,
}

/// `1/B(n)` as `m·2^e`, with `R(n) − 1 = (n/A)·R(n−1)` alongside.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scaled {
    pub m: f64,
    pub e: i32,
}

impl Scaled {
    /// Natural log of the value.
    pub fn ln(self) -> f64 {
        self.m.ln() + f64::from(self.e) * std::f64::consts::LN_2
    }

    /// The value as a plain double, `+∞` if it does not fit.
    #[cfg(test)]
    pub fn value(self) -> f64 {
        if self.e == 0 { self.m } else { self.m * 2f64.powi(self.e) }
    }
}

impl InvB {
    /// A table for traffic `a` that is accurate from `n0` upward.
    pub fn new(a: f64, n0: u64) -> InvB {
        let mut t = InvB::empty();
        t.reset(a, n0);
        t
    }

    /// A table with no traffic and no value yet: [`Self::reset`] fills it.
    /// Allocates nothing, so that a thread can keep one to reuse.
    pub const fn empty() -> InvB {
        InvB { a: 0.0, start: 0, valid_from: 0, v: Vec::new() }
    }

    /// Makes this table the one [`Self::new`]`(a, n0)` builds, keeping
    /// the memory it already holds: a solver reusing one table per thread
    /// allocates nothing per interval once the table has grown.
    pub fn reset(&mut self, a: f64, n0: u64) {
        self.a = a;
        self.v.clear();
        if let Some(first) = far_above(a, n0) {
            self.start = n0 - 1;
            self.valid_from = n0;
            self.v.push(first);
        } else {
            let start = start_for(a, n0);
            self.start = start;
            self.valid_from = n0.max(start);
            // Room for the table up to `n0` and a few agents beyond, where
            // the staffing searches end: the table then grows in one
            // allocation instead of doubling its way up.
            self.v.reserve((n0 - start) as usize + RESERVE_BEYOND);
            self.v.push(Scaled { m: 1.0, e: 0 });
        }
        self.extend_to(n0);
    }

    /// The recursion [`Self::reset`]`(a, n0)` runs before its first
    /// accurate entry, not yet run: [`run_chains`] runs many of them side
    /// by side, and [`Self::set_from`] makes a table of its end.
    pub fn chain(a: f64, n0: u64) -> Chain {
        let (first, from) = match far_above(a, n0) {
            Some(first) => (first, n0 - 1),
            None => (Scaled { m: 1.0, e: 0 }, start_for(a, n0)),
        };
        Chain {
            inv_a: 1.0 / a,
            x: (from + 1) as f64,
            m: first.m,
            e: first.e,
            one: 2f64.powi(-first.e),
            left: n0 - from,
        }
    }

    /// Makes this table the one [`Self::reset`]`(a, n0)` builds, from the
    /// end of `chain`, which [`Self::chain`]`(a, n0)` started: its entries
    /// from `n0` on are the same bits. Those below `n0`, which no read
    /// uses (a read below rebuilds the table lower), are not kept.
    pub fn set_from(&mut self, a: f64, n0: u64, chain: &Chain) {
        debug_assert_eq!(chain.left, 0);
        self.a = a;
        self.start = n0;
        self.valid_from = n0;
        self.v.clear();
        self.v.push(Scaled { m: chain.m, e: chain.e });
    }

    /// The traffic.
    pub fn traffic(&self) -> f64 {
        self.a
    }

    fn extend_to(&mut self, n: u64) {
        self.extend_while(n, |_, _| true);
    }

    /// Extends the table one `n` at a time up to `max` while `go(n, 1/B(n))`
    /// holds for each new entry; the first `n` refused, if any, is kept and
    /// returned. Checking as the recursion runs lets a solver stop right
    /// where its targets are met, without a second pass over the table.
    pub fn extend_while(
        &mut self,
        max: u64,
        go: impl FnMut(f64, Scaled) -> bool,
    ) -> Option<u64> {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("fma") {
            // SAFETY: the processor has FMA, checked just above.
            return unsafe { self.extend_while_fma(max, go) };
        }
        self.extend_body(max, go)
    }

    /// [`Self::extend_while`] with the fused multiply-add inlined as one
    /// instruction instead of a library call: the same correctly rounded
    /// result, several times cheaper per step.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "fma")]
    unsafe fn extend_while_fma(
        &mut self,
        max: u64,
        go: impl FnMut(f64, Scaled) -> bool,
    ) -> Option<u64> {
        self.extend_body(max, go)
    }

    #[inline(always)]
    fn extend_body(
        &mut self,
        max: u64,
        mut go: impl FnMut(f64, Scaled) -> bool,
    ) -> Option<u64> {
        let last = self.start + self.v.len() as u64 - 1;
        if max <= last {
            return None;
        }
        self.v.reserve((max - last) as usize);
        let Scaled { mut m, mut e } = self.v[self.v.len() - 1];
        // `one` is 1 in the current scale (2^−e); it flushes to 0 once the
        // value dwarfs it, which is exact to double precision.
        let mut one = 2f64.powi(-e);
        // A multiplication instead of a division per step: the rounding of
        // 1/A is the same at every step, and dominant terms carry at most a
        // few thousand factors, so it stays below 1e−12.
        let inv_a = 1.0 / self.a;
        let (big, small) = (2f64.powi(RESCALE), 2f64.powi(-RESCALE));
        // `n` counted in a double: exact (a table never nears 2^53
        // entries) and cheaper than converting the integer at each step.
        let mut x = (last + 1) as f64;
        for i in last + 1..=max {
            m = (x * inv_a).mul_add(m, one);
            if m > big {
                if e >= MAX_EXP {
                    m = big;
                } else {
                    m *= small;
                    e += RESCALE;
                    one *= small;
                }
            }
            let value = Scaled { m, e };
            self.v.push(value);
            if !go(x, value) {
                return Some(i);
            }
            x += 1.0;
        }
        None
    }

    /// `1/B(n, A)` (requires `a > 0`). Rebuilds the table from a lower
    /// start if `n` lies below the accurate window (rare: the solver walks
    /// upward).
    pub fn inv_b(&mut self, n: u64) -> Scaled {
        // Most reads are of an entry already made.
        if n >= self.valid_from
            && let Some(&value) = self.v.get((n - self.start) as usize)
        {
            return value;
        }
        if n < self.valid_from {
            // Go twice as far down as asked so that a walk downward does
            // not rebuild at every step.
            let lower = n.saturating_sub(self.valid_from - n);
            self.reset(self.a, lower);
        }
        self.extend_to(n);
        self.v[(n - self.start) as usize]
    }

    /// `ln(1/B(n) − 1) = ln(n/A) + ln(1/B(n−1))`, exact of cancellation
    /// (requires `n ≥ 1`, `a > 0`).
    pub fn ln_inv_b_minus_one(&mut self, n: u64) -> f64 {
        let prev = self.inv_b(n - 1);
        (n as f64 / self.a).ln() + prev.ln()
    }
}

/// `2^RESCALE` and its inverse, as constants.
const BIG: f64 = f64::from_bits(((1023 + RESCALE) as u64) << 52);
const SMALL: f64 = f64::from_bits(((1023 - RESCALE) as u64) << 52);

/// The recursion `R(n) = 1 + (n/A)·R(n−1)` of [`InvB`], held in
/// registers: the steps before a table's first accurate entry, which
/// nothing reads but the next step.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Chain {
    inv_a: f64,
    /// `n` of the next step.
    x: f64,
    m: f64,
    e: i32,
    /// 1 in the scale of `m`.
    one: f64,
    /// Steps left.
    left: u64,
}

impl Chain {
    /// A chain with no work, for a lane with nothing to run: its value
    /// stays 1 (`0·m + 1`), so it never asks for a rescaling.
    const IDLE: Chain =
        Chain { inv_a: 0.0, x: 1.0, m: 1.0, e: 0, one: 1.0, left: u64::MAX };
}

/// Runs every chain of `chains` to its end.
///
/// One chain is a run of dependent fused multiply-adds, each waiting for
/// the last: the processor idles most of each step. Eight chains run side
/// by side (a lane that ends takes the next chain), their values held
/// lane by lane in arrays so that each step is a few vector operations,
/// with each chain's arithmetic unchanged.
pub(crate) fn run_chains(chains: &mut [Chain]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("fma")
        && std::arch::is_x86_feature_detected!("avx")
    {
        // SAFETY: the processor has FMA and AVX, checked just above.
        return unsafe { run_chains_fma(chains) };
    }
    run_chains_body(chains);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx,fma")]
unsafe fn run_chains_fma(chains: &mut [Chain]) {
    run_chains_body(chains);
}

/// Chains run side by side.
const LANES: usize = 8;

/// The chains of the lanes, field by field.
struct Lanes {
    inv_a: [f64; LANES],
    x: [f64; LANES],
    m: [f64; LANES],
    one: [f64; LANES],
    e: [i32; LANES],
    left: [u64; LANES],
}

impl Lanes {
    fn get(&self, i: usize) -> Chain {
        Chain {
            inv_a: self.inv_a[i],
            x: self.x[i],
            m: self.m[i],
            e: self.e[i],
            one: self.one[i],
            left: self.left[i],
        }
    }

    fn set(&mut self, i: usize, c: &Chain) {
        self.inv_a[i] = c.inv_a;
        self.x[i] = c.x;
        self.m[i] = c.m;
        self.e[i] = c.e;
        self.one[i] = c.one;
        self.left[i] = c.left;
    }

    /// `steps` steps of every lane, each the arithmetic of
    /// [`InvB::extend_while`] operation for operation (so that a chain
    /// ends on the bits a table reaches); the rare rescaling of a lane
    /// past `2^512` is done apart, so that the common step has no branch.
    #[inline(always)]
    fn run(&mut self, steps: u64) {
        for _ in 0..steps {
            let mut over = false;
            for i in 0..LANES {
                self.m[i] = (self.x[i] * self.inv_a[i])
                    .mul_add(self.m[i], self.one[i]);
                self.x[i] += 1.0;
                over |= self.m[i] > BIG;
            }
            if over {
                for i in 0..LANES {
                    if self.m[i] > BIG {
                        if self.e[i] >= MAX_EXP {
                            self.m[i] = BIG;
                        } else {
                            self.m[i] *= SMALL;
                            self.e[i] += RESCALE;
                            self.one[i] *= SMALL;
                        }
                    }
                }
            }
        }
        for left in &mut self.left {
            *left = left.saturating_sub(steps);
        }
    }
}

#[inline(always)]
fn run_chains_body(chains: &mut [Chain]) {
    let idle = Chain::IDLE;
    let mut lanes = Lanes {
        inv_a: [idle.inv_a; LANES],
        x: [idle.x; LANES],
        m: [idle.m; LANES],
        one: [idle.one; LANES],
        e: [idle.e; LANES],
        left: [idle.left; LANES],
    };
    // The chain each lane runs, by index.
    let mut owner = [usize::MAX; LANES];
    let mut next = 0;
    loop {
        for (lane, owner) in owner.iter_mut().enumerate() {
            // An idle lane, or one whose chain has ended, takes the next
            // chain (which may have no step at all).
            while lanes.left[lane] == 0 || *owner == usize::MAX {
                if let Some(done) = chains.get_mut(*owner) {
                    *done = lanes.get(lane);
                }
                let Some(c) = chains.get(next) else {
                    lanes.set(lane, &Chain::IDLE);
                    *owner = usize::MAX;
                    break;
                };
                lanes.set(lane, c);
                *owner = next;
                next += 1;
            }
        }
        let Some(steps) = (0..LANES)
            .filter(|&i| owner[i] != usize::MAX)
            .map(|i| lanes.left[i])
            .min()
        else {
            return;
        };
        lanes.run(steps);
    }
}

/// `1/B(n0 − 1)` when `n0` is so far above `a` that `B(n0 − 1) < e^−1000`,
/// which flushes every measure to its limit (`P(wait) = 0`, `SL = 1`):
/// then `ln(1/B(n)) = ln Γ(n+1) + A − n·ln A + ln P(Poisson(A) ≤ n)`, the
/// last term being 0 to double precision, replaces millions of steps.
fn far_above(a: f64, n0: u64) -> Option<Scaled> {
    let n = n0.checked_sub(1)? as f64;
    if a <= 0.0 || n < a + 10.0 * a.sqrt() + 10.0 {
        return None;
    }
    let ln_r = statrs::function::gamma::ln_gamma(n + 1.0) + a - n * a.ln();
    if ln_r.is_nan() || ln_r <= 1000.0 {
        return None;
    }
    let ln_r = ln_r.min(f64::from(MAX_EXP) * std::f64::consts::LN_2);
    let e = (ln_r / std::f64::consts::LN_2).floor() as i32 - 500;
    let m = (ln_r - f64::from(e) * std::f64::consts::LN_2).exp();
    Some(Scaled { m, e })
}

/// The first `n` of a table accurate from `n0` (see the module docs).
fn start_for(a: f64, n0: u64) -> u64 {
    if a <= 0.0 {
        return n0;
    }
    let m = (n0 as f64).min(a);
    let k = 51.0 + a.max(1.0).ln();
    // Smallest D with D·(2(A−m) + D − 1) / (2A) ≥ k.
    let b = 2.0 * (a - m) - 1.0;
    let d = (-b + (b * b + 8.0 * a * k).sqrt()) / 2.0;
    let s = (m - d.ceil()).floor();
    if s <= 0.0 { 0 } else { (s as u64).min(n0) }
}

/// Erlang C measures for `n > a` agents, in units of AHT.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ErlangC {
    /// P(wait) = C.
    pub p_wait: f64,
    /// SL at `tau` (waiting time in units of AHT).
    pub service_level: f64,
    /// ASA in units of AHT.
    pub asa: f64,
}

/// Erlang C at `n` agents, waiting-time threshold `tau` (in AHT); `None`
/// when `n ≤ a` (unstable).
pub(crate) fn erlang_c(table: &mut InvB, n: u64, tau: f64) -> Option<ErlangC> {
    let a = table.traffic();
    let nf = n as f64;
    if nf <= a {
        return None;
    }
    if a == 0.0 {
        return Some(ErlangC { p_wait: 0.0, service_level: 1.0, asa: 0.0 });
    }
    let r = table.inv_b(n);
    let gap = nf - a;
    // C = N / ((N−A)·R + A) and 1 − C = (N−A)(R−1) / ((N−A)·R + A).
    let (c, one_minus_c) = if r.e == 0 {
        let den = gap.mul_add(r.m, a);
        (nf / den, gap * (r.m - 1.0) / den)
    } else {
        // R ≥ 2^512: A and the 1 in R − 1 are far below rounding.
        ((nf.ln() - gap.ln() - r.ln()).exp(), 1.0)
    };
    let reach = -(-gap * tau).exp_m1();
    let service_level = (one_minus_c + c * reach).min(1.0);
    Some(ErlangC { p_wait: c, service_level, asa: c / gap })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Erlang B by the textbook recursion from 0, for comparison.
    fn b_plain(a: f64, n: u64) -> f64 {
        let mut b = 1.0;
        for i in 1..=n {
            b = a * b / (i as f64 + a * b);
        }
        b
    }

    #[test]
    fn late_start_matches_the_full_recursion() {
        for &a in &[0.5, 3.0, 10.0, 97.3, 1000.0, 5000.0, 20000.0] {
            for &n in &[1u64, 5, 12, 120, 1100, 5100, 5300, 20400] {
                let t = InvB::new(a, n);
                let mut t2 = t.clone();
                let got = 1.0 / t2.inv_b(n).value();
                let want = b_plain(a, n);
                if want < 1e-290 {
                    continue;
                }
                let rel = ((got - want) / want).abs();
                assert!(rel < 1e-11, "a={a} n={n} {got} {want} {rel}");
            }
        }
    }

    #[test]
    fn start_is_near_eleven_root_a_below() {
        let s = start_for(50_000.0, 50_000);
        let d = 50_000 - s;
        assert!((2_400..2_700).contains(&d), "{d}");
        assert_eq!(start_for(10.0, 14), 0);
        assert_eq!(start_for(0.0, 3), 3);
    }

    #[test]
    fn textbook_erlang_b() {
        // B(10, 5) = 0.018384...; B(1, 1) = 1/2.
        let mut t = InvB::new(5.0, 10);
        let b = 1.0 / t.inv_b(10).value();
        assert!((b - 0.018_384_570_336_648_133).abs() < 1e-15, "{b}");
        let mut t = InvB::new(1.0, 1);
        assert_eq!(1.0 / t.inv_b(1).value(), 0.5);
    }

    #[test]
    fn scaled_values_do_not_overflow() {
        let mut t = InvB::new(100.0, 60_000);
        let r = t.inv_b(60_000);
        assert!(r.e > 0 && r.m.is_finite());
        assert!(r.ln() > 200_000.0);
        let c = erlang_c(&mut t, 60_000, 0.1).unwrap();
        assert_eq!(c.p_wait, 0.0);
        assert_eq!(c.service_level, 1.0);
    }

    #[test]
    fn astronomically_many_agents_saturate_instead_of_overflowing() {
        // 4 billion agents for 800,000 Erlangs: `1/B` is about
        // `2^(1.3e11)`, beyond any exponent; the measures are the limits.
        let n = u64::from(u32::MAX);
        let mut t = InvB::new(792_939.157, n);
        let r = t.inv_b(n + 1_000);
        assert!(r.m.is_finite() && r.e <= MAX_EXP + RESCALE, "{r:?}");
        let c = erlang_c(&mut t, n + 2_000, 0.1).unwrap();
        assert_eq!((c.p_wait, c.service_level), (0.0, 1.0));
    }

    #[test]
    fn walking_down_rebuilds() {
        let mut t = InvB::new(1000.0, 1100);
        let hi = t.inv_b(1100).value();
        let lo = t.inv_b(900).value();
        let fresh = InvB::new(1000.0, 900).inv_b(900).value();
        assert!(((lo - fresh) / fresh).abs() < 1e-13);
        assert_eq!(t.inv_b(1100).value(), hi);
    }

    /// Chains run `LANES` at a time end where a reset table starts, bit for
    /// bit, whatever their lengths.
    #[test]
    fn chains_side_by_side_end_on_the_reset_bits() {
        let cases = [
            (3.5, 2),
            (1000.0, 1100),
            (0.2, 40_000),
            (50.0, 10),
            (150.0, 151),
            (7.0, 8),
            (20_000.0, 20_500),
            (1.0, 1),
            (300.0, 330),
            (92.4, 100),
        ];
        let mut chains: Vec<Chain> =
            cases.iter().map(|&(a, n0)| InvB::chain(a, n0)).collect();
        run_chains(&mut chains);
        let mut table = InvB::empty();
        for (&(a, n0), chain) in cases.iter().zip(&chains) {
            table.set_from(a, n0, chain);
            let mut fresh = InvB::new(a, n0);
            for n in [n0, n0 + 1, n0 + 37] {
                let (x, y) = (table.inv_b(n), fresh.inv_b(n));
                assert_eq!((x.m.to_bits(), x.e), (y.m.to_bits(), y.e));
            }
        }
    }

    #[test]
    fn a_reset_table_reads_as_a_new_one() {
        let mut reused = InvB::new(20_000.0, 20_500);
        for (a, n0) in [(3.5, 2), (1000.0, 1100), (0.2, 40_000), (50.0, 10)] {
            reused.reset(a, n0);
            let mut fresh = InvB::new(a, n0);
            for n in [n0, n0 + 1, n0 + 37, n0.saturating_sub(5).max(1)] {
                let (x, y) = (reused.inv_b(n), fresh.inv_b(n));
                assert_eq!((x.m.to_bits(), x.e), (y.m.to_bits(), y.e));
            }
        }
    }
}
