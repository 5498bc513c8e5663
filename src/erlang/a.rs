//! Erlang A (M/M/N+M): the integrals over the offered wait.
//!
//! Time is measured in units of AHT (service rate 1), `r = AHT/patience`.
//! The offered wait `V` of an arrival has density
//! `P(N)·h(v)` on `(0, ∞)` with
//!
//! ```text
//! h(v) = N·exp(φ(v)),   φ(v) = −N·v + (A/r)·(1 − e^{−r·v})
//! ```
//!
//! (from the stationary law of the birth–death chain and
//! `V | j waiting = Σ_{i=0..j} Exp(N + i·r)`; see the parent module). With
//! `w = (A/r)·e^{−rv}` these are incomplete gamma integrals of shape `N/r`;
//! we integrate in `v`, where `φ` is concave, so every integrand below is
//! log-concave with a single peak:
//!
//! ```text
//! J   = ∫ h                   P(wait) = P(N)·J
//! Ans = ∫ h·e^{−rv}           answered after waiting
//! Ab  = ∫ h·(1 − e^{−rv})     abandoned
//! W   = ∫ h·v·e^{−rv}         total wait of answered calls
//! S   = ∫_0^τ h·e^{−rv}       answered after waiting at most τ
//! ```
//!
//! All are computed relative to `e^{φ(v*)}` at the peak `v*` of `h`, on the
//! shifted variable `d = v − v*`, where
//! `φ(v* + d) − φ(v*) = −(N − K)·d − K·r·d²·g(−r·d)` with
//! `K = A·e^{−r·v*}` and `g(z) = (e^z − 1 − z)/z²`: no large number is ever
//! subtracted from another.
//!
//! Quadrature: 12-point Gauss–Legendre panels, each at most three local
//! scale lengths wide (the scale being the inverse of the largest of the
//! integrands' log-slopes and of `√|φ''|`), laid from the peak outward. A
//! panel of three scale lengths integrates `e^{−3s}`-like shapes to about
//! `1e−20`. A side stops when every integrand's remaining tail, bounded by
//! log-concavity (`∫_x^∞ f ≤ f(x)/|(ln f)'(x)|`), is below `1e−18` of its
//! sum so far.

/// Gauss–Legendre nodes (positive half) and weights on [−1, 1], 12 points.
const GL12: [(f64, f64); 6] = [
    (0.9815606342467192, 0.04717533638651183),
    (0.9041172563704749, 0.10693932599531843),
    (0.7699026741943047, 0.16007832854334622),
    (0.5873179542866175, 0.20316742672306592),
    (0.3678314989981802, 0.2334925365383548),
    (0.1252334085114689, 0.24914704581340277),
];

/// Panel width in local scale lengths: 12-point Gauss–Legendre integrates
/// `e^{−6s}` over `[0, 1]` to about `1e−19` (error bound
/// `c^24·(12!)^4 / (25·(24!)^3)`).
const WIDTH: f64 = 6.0;
/// A tail below this share of its sum is dropped.
const TAIL: f64 = 1e-18;
/// Guard against a runaway march (never reached in tests).
const MAX_PANELS: usize = 20_000;

/// The sums, each relative to `e^{φ(v*)}`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Sums {
    pub j: f64,
    pub ans: f64,
    pub ab: f64,
    pub w: f64,
    pub s: f64,
    /// `φ(v*)`, the log of the scale.
    pub phi_max: f64,
    /// `S` is relative to `e^{φ(v*) + s_shift}`.
    pub s_shift: f64,
}

/// The shape of `h` around its peak.
struct Shape {
    n: f64,
    r: f64,
    /// `K = A·e^{−r·v*}`: `N` when `A > N` (peak inside), else `A`.
    k: f64,
    /// Peak of `h` (0 when `A ≤ N`).
    vstar: f64,
    /// `e^{−r·v*}`.
    evs: f64,
}

impl Shape {
    fn new(a: f64, n: f64, r: f64) -> Shape {
        if a > n {
            let vstar = ((a - n) / n).ln_1p() / r;
            Shape { n, r, k: n, vstar, evs: n / a }
        } else {
            Shape { n, r, k: a, vstar: 0.0, evs: 1.0 }
        }
    }

    /// `φ(v* + d) − φ(v*)`.
    fn phi(&self, d: f64) -> f64 {
        let z = -self.r * d;
        self.phi_with(d, z, z.exp_m1())
    }

    /// `φ(v* + d) − φ(v*)` given `z = −r·d` and `e^z − 1`.
    fn phi_with(&self, d: f64, z: f64, em: f64) -> f64 {
        -(self.n - self.k) * d - self.k * self.r * d * d * g_with(z, em)
    }

    /// `φ'(v* + d)`.
    fn slope(&self, d: f64) -> f64 {
        -(self.n - self.k) + self.k * (-self.r * d).exp_m1()
    }

    /// `√|φ''(v* + d)|`.
    fn curvature(&self, d: f64) -> f64 {
        (self.k * self.r * (-self.r * d).exp()).sqrt()
    }

    /// `φ(v*)`.
    fn phi_max(&self) -> f64 {
        if self.vstar > 0.0 {
            // (N/r)·(ρ − 1 − ln ρ) with ρ = A/N = 1/evs.
            let u = 1.0 / self.evs - 1.0;
            -(self.n / self.r) * (u.ln_1p() - u)
        } else {
            0.0
        }
    }
}

/// `(e^z − 1 − z) / z²`, accurate for every `z`.
#[cfg(test)]
fn g(z: f64) -> f64 {
    g_with(z, z.exp_m1())
}

/// `g(z)` given `em = e^z − 1`.
fn g_with(z: f64, em: f64) -> f64 {
    if z.abs() < 0.1 {
        // Taylor series: Σ z^k / (k+2)!, to z^8 (error below 3e−17).
        let mut term = 0.5;
        let mut sum = 0.5;
        for k in 1..=8 {
            term *= z / f64::from(k + 2);
            sum += term;
        }
        sum
    } else {
        (em - z) / (z * z)
    }
}

/// Which integrands still need panels.
#[derive(Clone, Copy)]
struct Active {
    /// `J` and `Ab` (slope of `h`).
    j: bool,
    /// `Ans` and `W` (slope of `h·e^{−rv}`).
    ans: bool,
    /// `S`.
    s: bool,
}

struct Integrator<'a> {
    sh: &'a Shape,
    /// `τ − v*`: the end of `S` in the shifted variable.
    dtau: f64,
    /// Log of the scaled weight of "nobody waits", which `S` is added to:
    /// `S` only needs precision relative to `S + q`.
    ln_q: f64,
    /// `S` is summed relative to `e^{φ(v*) + s_shift}`: when `τ` lies far
    /// in the left tail, `S` is too small for the peak's scale (think
    /// `e^−1500`) yet the service level it gives (`1e−58`) is not.
    s_shift: f64,
    sums: Sums,
}

impl Integrator<'_> {
    fn rate(&self, d: f64, act: Active) -> f64 {
        let sj = self.sh.slope(d);
        let mut rate = self.sh.curvature(d);
        if act.j {
            rate = rate.max(sj.abs());
        }
        if act.ans || act.s {
            rate = rate.max((sj - self.sh.r).abs());
        }
        rate.max(f64::MIN_POSITIVE)
    }

    /// Width of the next panel from `d` in direction `dir` (±1).
    fn width(&self, d: f64, dir: f64, act: Active) -> f64 {
        let mut w = WIDTH / self.rate(d, act);
        for _ in 0..3 {
            let far = WIDTH / self.rate(d + dir * w, act);
            if far >= w {
                break;
            }
            w = far;
        }
        w
    }

    fn panel(&mut self, lo: f64, hi: f64) {
        let mid = 0.5 * (lo + hi);
        let half = 0.5 * (hi - lo);
        let sh = self.sh;
        let s_side = hi <= self.dtau;
        let shifted = s_side && self.s_shift != 0.0;
        let mut acc = [0.0; 5];
        for &(x, wt) in &GL12 {
            for d in [mid - half * x, mid + half * x] {
                let z = -sh.r * d;
                let em = z.exp_m1();
                let phi = sh.phi_with(d, z, em);
                let h = wt * sh.n * phi.exp();
                // e^{−rv} = e^{−r·v*}·e^{−r·d}
                let e = sh.evs * (1.0 + em);
                let v = sh.vstar + d;
                let rv = sh.r * v;
                // 1 − e^{−rv}, without cancellation near v = 0.
                let lost = if sh.vstar == 0.0 {
                    -em
                } else if rv < 0.7 {
                    -(-rv).exp_m1()
                } else {
                    1.0 - e
                };
                acc[0] += h;
                acc[1] += h * e;
                acc[2] += h * lost;
                acc[3] += h * v * e;
                if shifted {
                    acc[4] += wt * sh.n * (phi - self.s_shift).exp() * e;
                }
            }
        }
        let s = &mut self.sums;
        s.j += half * acc[0];
        s.ans += half * acc[1];
        s.ab += half * acc[2];
        s.w += half * acc[3];
        if shifted {
            s.s += half * acc[4];
        } else if s_side {
            s.s += half * acc[1];
        }
    }

    /// Which integrands still have a tail beyond `d` worth a panel, going
    /// in direction `dir`.
    fn active(&self, d: f64, dir: f64) -> Active {
        let sh = self.sh;
        let s = &self.sums;
        let phi = sh.phi(d);
        let base = sh.n * phi.exp();
        let e = sh.evs * (-sh.r * d).exp();
        let v = sh.vstar + d;
        // Log-slopes along the march (negative once past the peak).
        let lj = dir * sh.slope(d);
        let la = dir * (sh.slope(d) - sh.r);
        let j = if lj < 0.0 {
            let tail = base / -lj;
            let tail_ab = if dir > 0.0 {
                // 1 − e^{−rv} ≤ r·v beyond d.
                tail.min(sh.r * base * (v / -lj + 1.0 / (lj * lj)))
            } else {
                tail * -(-sh.r * v).exp_m1()
            };
            tail > TAIL * s.j || tail_ab > TAIL * s.ab
        } else {
            true
        };
        let (ans, s_act) = if la < 0.0 {
            let tail = base * e / -la;
            let tail_w = if dir > 0.0 {
                base * e * (v / -la + 1.0 / (la * la))
            } else {
                tail * v
            };
            let s_needs = if dir > 0.0 { d < self.dtau } else { true };
            // The same tail on S's scale.
            let tail_s = sh.n * (phi - self.s_shift).exp() * e / -la;
            let q_s = (self.ln_q - self.s_shift).exp();
            (
                tail > TAIL * s.ans || tail_w > TAIL * s.w,
                s_needs && tail_s > TAIL * (s.s + q_s),
            )
        } else {
            (true, true)
        };
        Active { j, ans, s: s_act }
    }

    fn march_right(&mut self, from: f64) {
        let mut d = from;
        let mut act = Active { j: true, ans: true, s: from < self.dtau };
        for _ in 0..MAX_PANELS {
            let mut end = d + self.width(d, 1.0, act);
            if d < self.dtau && self.dtau < end {
                end = self.dtau;
            }
            self.panel(d, end);
            d = end;
            act = self.active(d, 1.0);
            if !(act.j || act.ans || act.s) || !d.is_finite() {
                return;
            }
        }
    }

    fn march_left(&mut self, from: f64, lo: f64) {
        let mut d = from;
        let mut act = Active { j: true, ans: true, s: true };
        for _ in 0..MAX_PANELS {
            if d <= lo {
                return;
            }
            if !(act.j || act.ans) && d > self.dtau {
                // Only S is left, and it lives left of τ: skip to it.
                if self.dtau <= lo {
                    return;
                }
                d = self.dtau;
            }
            let mut start = (d - self.width(d, -1.0, act)).max(lo);
            if start < self.dtau && self.dtau < d {
                start = self.dtau;
            }
            self.panel(start, d);
            d = start;
            act = self.active(d, -1.0);
            if !(act.j || act.ans || act.s) {
                return;
            }
        }
    }
}

/// The Erlang A integrals for traffic `a`, `n ≥ 1` agents,
/// `r = AHT/patience`, waiting-time threshold `tau` (in AHT), and the
/// log of the unscaled no-wait weight `ln(1/B − 1)`.
pub(crate) fn integrals(
    a: f64,
    n: f64,
    r: f64,
    tau: f64,
    ln_inv_b_minus_one: f64,
) -> Sums {
    let sh = Shape::new(a, n, r);
    let phi_max = sh.phi_max();
    // Peak of h·e^{−rv}: e^{−r·d} = (N + r)/K, left of the peak of h.
    let lo = -sh.vstar;
    let d1 = (-((n + r - sh.k) / sh.k).ln_1p() / r).max(lo);
    let dtau = tau - sh.vstar;
    let mut it = Integrator {
        sh: &sh,
        dtau,
        ln_q: ln_inv_b_minus_one - phi_max,
        // Left of the peak of h·e^{−rv}, S's largest integrand is at τ.
        s_shift: if dtau < d1 && dtau > lo { sh.phi(dtau) } else { 0.0 },
        sums: Sums { phi_max, ..Sums::default() },
    };
    it.sums.s_shift = it.s_shift;
    it.march_right(d1);
    it.march_left(d1, lo);
    it.sums
}

/// Erlang A measures, in units of AHT.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ErlangA {
    pub p_wait: f64,
    pub p_abandon: f64,
    pub service_level: f64,
    /// ASA of answered calls, in AHT.
    pub asa: f64,
    /// `1 − P(abandon)`, without cancellation.
    pub answered: f64,
}

/// Erlang A at `n ≥ 1` agents (see [`integrals`] for the arguments).
pub(crate) fn erlang_a(
    a: f64,
    n: f64,
    r: f64,
    tau: f64,
    ln_inv_b_minus_one: f64,
) -> ErlangA {
    let s = integrals(a, n, r, tau, ln_inv_b_minus_one);
    // With q = (1/B − 1)·e^{−φ(v*)}, the weight of "nobody waits":
    // P(wait) = J/(q + J), SL = (q + S)/(q + J), P(ab) = Ab/(q + J),
    // 1 − P(ab) = (q + Ans)/(q + J), ASA = W/(q + Ans). Divide through by
    // the larger of q and 1 so that nothing overflows.
    let lnq = ln_inv_b_minus_one - s.phi_max;
    let (q, unit) =
        if lnq > 0.0 { (1.0, (-lnq).exp()) } else { (lnq.exp(), 1.0) };
    let den = q + unit * s.j;
    // unit·S·e^{s_shift}/den without underflow in between.
    let served_early = if s.s > 0.0 {
        (s.s.ln() + s.s_shift + unit.ln() - den.ln()).exp()
    } else {
        0.0
    };
    ErlangA {
        p_wait: unit * s.j / den,
        p_abandon: unit * s.ab / den,
        service_level: (q / den + served_early).min(1.0),
        asa: unit * s.w / (q + unit * s.ans),
        answered: (q + unit * s.ans) / den,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_legendre_is_exact_on_polynomials() {
        for p in 0..24 {
            let mut sum = 0.0;
            for &(x, w) in &GL12 {
                sum += w * (x.powi(p) + (-x).powi(p));
            }
            let want = if p % 2 == 0 { 2.0 / f64::from(p + 1) } else { 0.0 };
            assert!((sum - want).abs() < 1e-15, "x^{p}: {sum} vs {want}");
        }
    }

    #[test]
    fn g_is_smooth_across_the_switch() {
        for z in [-0.1000001f64, -0.0999999, 0.0999999, 0.1000001, 1e-9, 0.0] {
            let want = 0.5 + z / 6.0 + z * z / 24.0 + z.powi(3) / 120.0;
            assert!((g(z) - want).abs() < 2e-7, "{z}");
        }
        assert!((g(-30.0) - (29.0 + (-30f64).exp()) / 900.0).abs() < 1e-16);
    }

    /// Kummer's series J = Σ_k y^k / ((x+1)…(x+k)), x = N/r, y = A/r: the
    /// incomplete gamma `x·e^y·y^−x·γ(x, y)` as a series, fine for small y.
    fn j_series(a: f64, n: f64, r: f64) -> f64 {
        let (x, y) = (n / r, a / r);
        let (mut term, mut sum) = (1.0, 1.0);
        for k in 1..100_000 {
            term *= y / (x + f64::from(k));
            sum += term;
            if term < 1e-18 * sum {
                break;
            }
        }
        sum
    }

    #[test]
    fn j_matches_the_incomplete_gamma_series() {
        for &(a, n, r) in &[
            (2.0, 3.0, 0.5),
            (10.0, 8.0, 2.0),
            (10.0, 14.0, 0.1),
            (50.0, 40.0, 1.0),
            (0.3, 1.0, 10.0),
            (100.0, 100.0, 0.01),
        ] {
            let s = integrals(a, n, r, 0.1, 0.0);
            let got = s.j * s.phi_max.exp();
            let want = j_series(a, n, r);
            let rel = ((got - want) / want).abs();
            assert!(rel < 1e-13, "a={a} n={n} r={r}: {got} vs {want} ({rel})");
        }
    }

    #[test]
    fn abandonment_identity_holds() {
        // P(ab | wait) = 1 − 1/ρ + 1/(ρ·J), ρ = A/N (Mandelbaum–Zeltyn):
        // here Ab/J = 1 − (N/A)(1 − 1/J).
        for &(a, n, r) in
            &[(10.0, 12.0, 1.0), (30.0, 25.0, 0.3), (400.0, 380.0, 4.0)]
        {
            let s = integrals(a, n, r, 0.0, 0.0);
            let j = s.j * s.phi_max.exp();
            let want = 1.0 - (n / a) * (1.0 - 1.0 / j);
            let got = s.ab / s.j;
            assert!(((got - want) / want).abs() < 1e-12, "{got} {want}");
            // Ans + Ab = J.
            assert!(((s.ans + s.ab - s.j) / s.j).abs() < 1e-14);
        }
    }
}
