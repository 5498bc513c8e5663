//! Erlang staffing maths: how many agents an interval needs, and what
//! service a given number of agents gives.
//!
//! # Units and assumptions
//!
//! * `volume` is the number of contacts offered in one interval, `interval`
//!   its length in seconds, `aht` the average handle time in seconds (talk +
//!   hold + wrap-up). The offered traffic is
//!   `A = volume × aht / interval` Erlangs: the average number of agents
//!   busy if every contact were answered at once.
//! * Contacts arrive as a Poisson process, handle times are exponential, and
//!   the interval is in steady state (the textbook assumptions of every
//!   Erlang calculator). Agents are interchangeable and serve in order of
//!   arrival.
//! * Without patience ([`Params::with_patience`]) nobody hangs up: the
//!   **Erlang C** model (M/M/N). With a mean patience, callers hang up after
//!   an exponential time: the **Erlang A** model (M/M/N+M, Palm's queue).
//!
//! # Erlang C
//!
//! Erlang B by the stable recursion `B(0) = 1`,
//! `B(n) = A·B(n−1) / (n + A·B(n−1))`, then for `N > A`
//!
//! ```text
//! P(wait) = C = N·B / (N − A·(1 − B))
//! SL(t)       = 1 − C·exp(−(N − A)·t / AHT)
//! ASA         = C·AHT / (N − A)
//! occupancy   = A / N
//! ```
//!
//! With `N ≤ A` the queue is unstable: it grows without bound, so
//! `P(wait) = 1`, `SL = 0`, `ASA = ∞` and occupancy is 1.
//!
//! No factorial or power of `A` is ever formed. The recursion runs on
//! `1/B(n) = 1 + (n/A)·(1/B(n−1))` (one fused multiply-add per step), in
//! a scaled form (mantissa and power of two) so that it neither overflows
//! nor underflows at 60,000 agents, and it starts about `11·√A` below the
//! agents wanted instead of at 0: the recursion forgets its start value
//! geometrically, and the start is chosen so that the forgotten part is
//! below `e^−50` of the result (see `b_c.rs`). `SL` is evaluated as
//! `(1 − C) + C·(1 − e^{−(N−A)t/AHT})` with `1 − C` in closed form, so small
//! service levels keep their relative precision.
//!
//! # Erlang A
//!
//! Arrivals at rate `λ`, service rate `μ = 1/AHT`, patience rate
//! `θ = 1/patience`. Let `V` be an arrival's *offered wait*: the time it
//! would wait if it never hung up. It is answered iff its patience exceeds
//! `V`, which happens with probability `e^{−θV}`. peakplan reports:
//!
//! ```text
//! P(wait)    = P(V > 0)
//! P(abandon) = E[1 − e^{−θV}]
//! SL(t)      = P(V = 0) + E[e^{−θV}; 0 < V ≤ t]     (share of ALL arrivals
//!                                                  answered within t;
//!                                                  hang-ups count as missed)
//! ASA        = E[V·e^{−θV}] / E[e^{−θV}]           (mean wait of answered
//!                                                  calls, zero waits included)
//! occupancy  = A·(1 − P(abandon)) / N
//! ```
//!
//! Measured in units of AHT, with `x = N·AHT/patience` and
//! `y = A·AHT/patience`, the stationary law of the birth–death chain gives
//! (Garnett, Mandelbaum & Reiman 2002; Mandelbaum & Zeltyn 2007):
//!
//! ```text
//! P(wait) = J / (1/B − 1 + J),   J = x·e^y·y^−x·γ(x, y)
//! density of V on (0, ∞):  P(N)·N·exp(−N·v + y·(1 − e^{−v·AHT/patience}))
//! ```
//!
//! where `γ` is the lower incomplete gamma function and `P(N) = 1/(1/B − 1
//! + J)` the probability that exactly `N` agents are busy and nobody
//! waits. Every Erlang A measure is an integral of that density against
//! `1`, `e^{−θv}`, `1 − e^{−θv}` or `v·e^{−θv}`; the substitution
//! `w = y·e^{−θv}` turns the first three into incomplete gamma functions
//! of shape `x` and `x + 1` (the fourth is their derivative in the shape).
//! statrs' `gamma_lr` was measured (test `statrs_precision`): it forms
//! `exp(a·ln x − x − ln Γ(a))`, so its error grows like `a·5e−16` (1e−11
//! at shape 10⁵, 1e−9 at 2·10⁶, a shape reached by 60,000 agents when the
//! patience is 30 AHT); the service level needs a *difference* of two such
//! values (cancellation when `t` is short) and the ASA an integral that is
//! not an incomplete gamma at all. So peakplan evaluates these integrals
//! itself, in the `v` variable
//! where each integrand is log-concave: Gauss–Legendre panels laid out from
//! the peak outward, each a few local scale lengths wide, until the tail
//! (bounded by log-concavity) is below `10⁻¹⁸` of the sum. Every measure is
//! then a ratio of sums of positive terms, with no cancellation. Erlang A is
//! stable for any `N ≥ 1`, even `N ≤ A`, and tends to Erlang C as the
//! patience grows when `N > A`.
//!
//! # Range and precision
//!
//! Every measure agrees with a 50-digit reference to a relative error below
//! 1e-9 (`tests/data/erlang_reference.csv`), from a fraction of an Erlang to
//! 50,000 Erlangs and 60,000 agents. A probability smaller than about
//! `1e−300` (far more agents than the traffic needs) flushes to 0; nothing
//! else is rounded away. Traffic above [`MAX_TRAFFIC`] Erlangs is rejected.
//!
//! # Staffing
//!
//! [`required_agents`] finds the smallest `N` meeting every target given
//! (service level, ASA, maximum occupancy): each target is monotone in `N`
//! (tested), so the search walks up from a lower bound in steps that
//! double, then bisects; every probe reuses the same Erlang B table, so the
//! recursion runs once per solve. Scheduled FTE is `N / (1 − shrinkage)`.
//! Chat (several sessions per agent) and e-mail (a backlog with a deadline,
//! not a queue) are in [`channels`].

mod a;
mod b_c;
pub mod channels;
mod solve;

use std::fmt;

pub use solve::{required_agents, required_agents_each};

/// The largest offered traffic accepted, in Erlangs.
pub const MAX_TRAFFIC: f64 = 1_000_000.0;

/// A parameter outside its valid range, with the value found.
///
/// The message speaks of the quantity, not of a flag or a file: the caller
/// knows where the value came from and adds that (the `erlang` command
/// names its flag, `plan` the queue and interval).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ErlangError {
    /// Volume negative, NaN or infinite.
    #[error(
        "expected a number of contacts ≥ 0, found {}",
        show(*.0)
    )]
    Volume(f64),
    /// Interval length not positive and finite.
    #[error(
        "expected an interval length greater than 0, found {}",
        secs(*.0)
    )]
    Interval(f64),
    /// Average handle time not positive and finite.
    #[error(
        "expected an average handle time greater than 0, found {}",
        secs(*.0)
    )]
    Aht(f64),
    /// Offered traffic above [`MAX_TRAFFIC`].
    #[error(
        "the traffic is {} Erlangs (volume × AHT / interval), \
         above the supported {} Erlangs",
        show(*.0),
        MAX_TRAFFIC
    )]
    Traffic(f64),
    /// Patience not positive and finite.
    #[error(
        "expected a mean patience greater than 0, found {}",
        secs(*.0)
    )]
    Patience(f64),
    /// Service-level share outside (0, 1).
    #[error(
        "expected a service level strictly between 0 and 1 (0.8 for \
         80 %), found {}",
        show(*.0)
    )]
    ServiceLevel(f64),
    /// Service-level time negative or not finite.
    #[error(
        "expected a waiting time of 0 s or more, found {}",
        secs(*.0)
    )]
    Within(f64),
    /// ASA target not positive and finite.
    #[error(
        "expected an average speed of answer greater than 0, found {}",
        secs(*.0)
    )]
    Asa(f64),
    /// Maximum occupancy outside (0, 1].
    #[error(
        "expected a share greater than 0 and at most 1 \
         (0.85 for 85 %), found {}",
        show(*.0)
    )]
    MaxOccupancy(f64),
    /// Shrinkage outside [0, 1).
    #[error(
        "expected a share of paid time from 0 up to (not \
         including) 1 (0.3 for 30 %), found {}",
        show(*.0)
    )]
    Shrinkage(f64),
    /// Chat concurrency of zero.
    #[error("expected 1 or more sessions per agent, found 0")]
    Concurrency,
    /// Back-office deadline not positive and finite.
    #[error(
        "expected a time to clear the work greater than 0, \
         found {}",
        secs(*.0)
    )]
    Deadline(f64),
}

fn show(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { format!("{x:?}") }
}

fn secs(x: f64) -> String {
    format!("{} s", show(x))
}

/// Offered traffic in Erlangs: `volume × aht_s / interval_s`.
///
/// # Example
///
/// ```
/// // 100 calls in 30 minutes, 3 minutes each: 10 Erlangs.
/// assert_eq!(peakplan::erlang::traffic(100.0, 180.0, 1800.0), 10.0);
/// ```
pub fn traffic(volume: f64, aht_s: f64, interval_s: f64) -> f64 {
    volume * aht_s / interval_s
}

/// The load of one interval: offered traffic, handle time and, for
/// Erlang A, the callers' mean patience.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    traffic: f64,
    aht_s: f64,
    patience_s: Option<f64>,
}

impl Params {
    /// `volume` contacts offered in `interval_s` seconds, each taking
    /// `aht_s` seconds on average (Erlang C until
    /// [`with_patience`](Params::with_patience)).
    ///
    /// # Errors
    ///
    /// [`ErlangError::Volume`] for a negative, NaN or infinite volume,
    /// [`ErlangError::Interval`] / [`ErlangError::Aht`] for a length that is
    /// not greater than 0, [`ErlangError::Traffic`] above [`MAX_TRAFFIC`].
    ///
    /// # Example
    ///
    /// ```
    /// use peakplan::erlang::Params;
    /// let p = Params::new(100.0, 1800.0, 180.0)?;
    /// assert_eq!(p.traffic(), 10.0);
    /// assert!(Params::new(100.0, 1800.0, 0.0).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        volume: f64,
        interval_s: f64,
        aht_s: f64,
    ) -> Result<Params, ErlangError> {
        if !(volume.is_finite() && volume >= 0.0) {
            return Err(ErlangError::Volume(volume));
        }
        if !(interval_s.is_finite() && interval_s > 0.0) {
            return Err(ErlangError::Interval(interval_s));
        }
        check_aht(aht_s)?;
        Params::from_traffic(traffic(volume, aht_s, interval_s), aht_s)
    }

    /// A load given directly as `traffic` Erlangs.
    ///
    /// # Errors
    ///
    /// [`ErlangError::Traffic`] unless `0 ≤ traffic ≤ MAX_TRAFFIC`,
    /// [`ErlangError::Aht`] unless `aht_s > 0`.
    pub fn from_traffic(
        traffic: f64,
        aht_s: f64,
    ) -> Result<Params, ErlangError> {
        check_aht(aht_s)?;
        if !(0.0..=MAX_TRAFFIC).contains(&traffic) {
            return Err(ErlangError::Traffic(traffic));
        }
        // `0.0 * x` may be `-0.0`; keep the sign out of every output.
        Ok(Params { traffic: traffic + 0.0, aht_s, patience_s: None })
    }

    /// The same load with callers who hang up after an exponential time of
    /// mean `patience_s` seconds (Erlang A).
    ///
    /// # Errors
    ///
    /// [`ErlangError::Patience`] unless `patience_s` is finite and above 0.
    pub fn with_patience(
        self,
        patience_s: f64,
    ) -> Result<Params, ErlangError> {
        if !(patience_s.is_finite() && patience_s > 0.0) {
            return Err(ErlangError::Patience(patience_s));
        }
        Ok(Params { patience_s: Some(patience_s), ..self })
    }

    /// Offered traffic in Erlangs.
    pub fn traffic(&self) -> f64 {
        self.traffic
    }

    /// Average handle time in seconds.
    pub fn aht_s(&self) -> f64 {
        self.aht_s
    }

    /// Mean patience in seconds (Erlang A), if any.
    pub fn patience_s(&self) -> Option<f64> {
        self.patience_s
    }
}

fn check_aht(aht_s: f64) -> Result<(), ErlangError> {
    if aht_s.is_finite() && aht_s > 0.0 {
        Ok(())
    } else {
        Err(ErlangError::Aht(aht_s))
    }
}

/// What the staffing must achieve: a service level, an average speed of
/// answer, or both (all given must hold), optionally capped occupancy; and
/// the shrinkage that turns agents on the phones into scheduled FTE.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Target {
    service_level: Option<f64>,
    within_s: f64,
    asa_s: Option<f64>,
    max_occupancy: Option<f64>,
    shrinkage: f64,
}

impl Target {
    /// The threshold at which the service level is reported when no
    /// service-level target sets one.
    pub const DEFAULT_WITHIN_S: f64 = 20.0;

    /// At least `share` of contacts answered within `within_s` seconds
    /// (`0.8`, `20.0` for 80/20).
    ///
    /// # Errors
    ///
    /// [`ErlangError::ServiceLevel`] unless `0 < share < 1`,
    /// [`ErlangError::Within`] unless `within_s` is finite and `≥ 0`.
    ///
    /// # Example
    ///
    /// ```
    /// use peakplan::erlang::Target;
    /// let t = Target::service_level(0.8, 20.0)?.with_shrinkage(0.3)?;
    /// assert!(Target::service_level(1.0, 20.0).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn service_level(
        share: f64,
        within_s: f64,
    ) -> Result<Target, ErlangError> {
        Target::none().and_service_level(share, within_s)
    }

    /// An average speed of answer of at most `asa_s` seconds.
    ///
    /// # Errors
    ///
    /// [`ErlangError::Asa`] unless `asa_s` is finite and above 0.
    pub fn asa(asa_s: f64) -> Result<Target, ErlangError> {
        Target::none().and_asa(asa_s)
    }

    fn none() -> Target {
        Target {
            service_level: None,
            within_s: Target::DEFAULT_WITHIN_S,
            asa_s: None,
            max_occupancy: None,
            shrinkage: 0.0,
        }
    }

    /// Adds (or replaces) a service-level target.
    ///
    /// # Errors
    ///
    /// As [`Target::service_level`].
    pub fn and_service_level(
        self,
        share: f64,
        within_s: f64,
    ) -> Result<Target, ErlangError> {
        if !(share > 0.0 && share < 1.0) {
            return Err(ErlangError::ServiceLevel(share));
        }
        let t = self.reported_within(within_s)?;
        Ok(Target { service_level: Some(share), ..t })
    }

    /// Adds (or replaces) an ASA target.
    ///
    /// # Errors
    ///
    /// As [`Target::asa`].
    pub fn and_asa(self, asa_s: f64) -> Result<Target, ErlangError> {
        if !(asa_s.is_finite() && asa_s > 0.0) {
            return Err(ErlangError::Asa(asa_s));
        }
        Ok(Target { asa_s: Some(asa_s), ..self })
    }

    /// Sets the waiting time at which the service level is reported (and,
    /// with a service-level target, required).
    ///
    /// # Errors
    ///
    /// [`ErlangError::Within`] unless `within_s` is finite and `≥ 0`.
    pub fn reported_within(
        self,
        within_s: f64,
    ) -> Result<Target, ErlangError> {
        if !(within_s.is_finite() && within_s >= 0.0) {
            return Err(ErlangError::Within(within_s));
        }
        Ok(Target { within_s, ..self })
    }

    /// Caps occupancy (the share of staffed time agents are busy) at
    /// `share`.
    ///
    /// # Errors
    ///
    /// [`ErlangError::MaxOccupancy`] unless `0 < share ≤ 1`.
    pub fn with_max_occupancy(
        self,
        share: f64,
    ) -> Result<Target, ErlangError> {
        if !(share > 0.0 && share <= 1.0) {
            return Err(ErlangError::MaxOccupancy(share));
        }
        Ok(Target { max_occupancy: Some(share), ..self })
    }

    /// Sets the shrinkage: the share of paid time not spent available
    /// (breaks, training, absence).
    ///
    /// # Errors
    ///
    /// [`ErlangError::Shrinkage`] unless `0 ≤ share < 1`.
    pub fn with_shrinkage(self, share: f64) -> Result<Target, ErlangError> {
        if !(0.0..1.0).contains(&share) {
            return Err(ErlangError::Shrinkage(share));
        }
        Ok(Target { shrinkage: share + 0.0, ..self })
    }

    /// The service-level target share, if any.
    pub fn service_level_share(&self) -> Option<f64> {
        self.service_level
    }

    /// The waiting time (seconds) the service level is measured at.
    pub fn within_s(&self) -> f64 {
        self.within_s
    }

    /// The ASA target in seconds, if any.
    pub fn asa_s(&self) -> Option<f64> {
        self.asa_s
    }

    /// The occupancy cap, if any.
    pub fn max_occupancy(&self) -> Option<f64> {
        self.max_occupancy
    }

    /// The shrinkage share.
    pub fn shrinkage(&self) -> f64 {
        self.shrinkage
    }

    /// Agents on the phones turned into scheduled FTE:
    /// `agents / (1 − shrinkage)`.
    pub fn scheduled_fte(&self, agents: f64) -> f64 {
        agents / (1.0 - self.shrinkage)
    }

    /// Whether `m` meets every target.
    pub fn is_met_by(&self, m: &Measures) -> bool {
        self.service_level.is_none_or(|sl| m.service_level >= sl)
            && self.asa_s.is_none_or(|asa| m.asa_s <= asa)
            && self.max_occupancy.is_none_or(|occ| m.occupancy <= occ)
    }
}

/// What `agents` agents achieve on a load.
///
/// Values that do not exist are not numbers: `asa_s` is `+∞` when the
/// queue is unstable (Erlang C with `agents ≤ traffic`) and NaN when no call
/// is answered (0 agents); `occupancy` is NaN with 0 agents and some
/// traffic. Print them as `null` / empty, never as numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measures {
    /// Agents evaluated.
    pub agents: u64,
    /// Offered traffic in Erlangs.
    pub traffic_erlangs: f64,
    /// Share of all contacts answered within
    /// [`within_s`](Measures::within_s).
    pub service_level: f64,
    /// The waiting time the service level is measured at, in seconds.
    pub within_s: f64,
    /// Probability that a contact waits at all.
    pub p_wait: f64,
    /// Average speed of answer of answered contacts, in seconds.
    pub asa_s: f64,
    /// Share of staffed time agents are busy.
    pub occupancy: f64,
    /// Probability of hanging up before an answer (Erlang A only).
    pub p_abandon: Option<f64>,
    /// Whether the queue has a steady state (always, for Erlang A).
    pub stable: bool,
}

/// Agents an interval needs and what they achieve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Staffing {
    /// Agents on the phones (the smallest number meeting every target).
    pub agents: u64,
    /// Scheduled FTE: `agents / (1 − shrinkage)`.
    pub scheduled_fte: f64,
    /// The measures at `agents`.
    pub measures: Measures,
}

/// What `agents` agents achieve on `params`, with the service level taken
/// at `target`'s threshold.
///
/// Cost: `O(√A + |agents − A|)` steps of the Erlang B recursion, plus a
/// fixed-size quadrature for Erlang A.
///
/// # Example
///
/// ```
/// use peakplan::erlang::{evaluate, Params, Target};
/// let load = Params::new(100.0, 1800.0, 180.0)?; // 10 Erlangs
/// let m = evaluate(&load, &Target::service_level(0.8, 20.0)?, 14);
/// assert!((m.service_level - 0.888_350_019_179_466_9).abs() < 1e-12);
/// assert!((m.occupancy - 10.0 / 14.0).abs() < 1e-15);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn evaluate(params: &Params, target: &Target, agents: u64) -> Measures {
    let mut table = b_c::InvB::new(params.traffic, agents);
    solve::measures(params, target.within_s, &mut table, agents)
}

/// What `agents` agents achieve on `params`, with the service level taken
/// at `within_s` seconds: [`evaluate`] for callers that have no [`Target`]
/// (the capacity planner's "service level of N agents at volume V").
///
/// # Example
///
/// ```
/// use peakplan::erlang::{evaluate_at, Params};
/// let load = Params::new(100.0, 1800.0, 180.0)?.with_patience(120.0)?;
/// let m = evaluate_at(&load, 12, 20.0);
/// assert!(m.p_abandon.unwrap() > 0.0 && m.service_level > 0.8);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn evaluate_at(params: &Params, agents: u64, within_s: f64) -> Measures {
    let mut table = b_c::InvB::new(params.traffic, agents);
    solve::measures(params, within_s.max(0.0), &mut table, agents)
}

/// The measures of one load at any number of agents, keeping its Erlang B
/// table between calls: after the first call, moving the number of agents
/// up by one costs `O(1)` with Erlang C (one more step of the recursion),
/// so a caller stepping `N` upward over many loads at once (the capacity
/// planner's expected service level over a forecast's uncertainty) never
/// restarts the recursion.
///
/// # Example
///
/// ```
/// use peakplan::erlang::{evaluate_at, Evaluator, Params};
/// let load = Params::new(100.0, 1800.0, 180.0)?; // 10 Erlangs
/// let mut e = Evaluator::new(load, 11);
/// for n in 11..20 {
///     assert_eq!(e.measures(n, 20.0), evaluate_at(&load, n, 20.0));
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Evaluator {
    params: Params,
    table: b_c::InvB,
}

impl Evaluator {
    /// An evaluator of `params` whose table starts accurate at `agents`
    /// (a lower count still works: the table rebuilds itself lower).
    pub fn new(params: Params, agents: u64) -> Evaluator {
        let n0 = if params.traffic > 0.0 { agents } else { 0 };
        Evaluator { params, table: b_c::InvB::new(params.traffic, n0) }
    }

    /// The load.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// What `agents` agents achieve, the service level taken at `within_s`
    /// seconds (as [`evaluate_at`]).
    pub fn measures(&mut self, agents: u64, within_s: f64) -> Measures {
        solve::measures(
            &self.params,
            within_s.max(0.0),
            &mut self.table,
            agents,
        )
    }
}

/// [`evaluate`] plus the scheduled FTE of `agents`.
pub fn staffing_for(
    params: &Params,
    target: &Target,
    agents: u64,
) -> Staffing {
    Staffing {
        agents,
        scheduled_fte: target.scheduled_fte(agents as f64),
        measures: evaluate(params, target, agents),
    }
}

impl fmt::Display for Measures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} agents: SL {:.4} within {} s, P(wait) {:.4}, ASA {:.2} s, \
             occupancy {:.4}",
            self.agents,
            self.service_level,
            self.within_s,
            self.p_wait,
            self.asa_s,
            self.occupancy
        )
    }
}
