//! The smallest number of agents meeting every target.
//!
//! Each target is monotone in the number of agents `N` (service level never
//! drops, ASA and occupancy never rise; checked by the property tests), so
//! the set of `N` meeting all of them is `{N*, N* + 1, …}`. The search:
//!
//! 1. a lower bound `L`: for Erlang C, `⌊A⌋ + 1` (below, the queue is
//!    unstable) and `⌈A/occupancy cap⌉`; for Erlang A, `⌈SL·A⌉` (at most
//!    `N/A` of the calls can be answered at all) and 1;
//! 2. a guess `G ≥ L`: for Erlang C, the first `N` at which a
//!    division-free form of the targets holds, checked at each step of the
//!    Erlang B recursion as it runs up from `L` (usually the answer or one
//!    off); for Erlang A, Erlang C's own answer (usually just above it).
//!    An Erlang C guess is the answer when its exact measures meet the
//!    targets and the rough form fails one agent below by more than its
//!    rounding (nearly always): one exact probe;
//! 3. otherwise, steps of 1, 2, 4, … from `G`, up while the targets fail,
//!    down while they hold, until a failing and a meeting count are known;
//! 4. regula falsi on the slack of the tightest target inside that bracket,
//!    falling back to bisection whenever the bracket does not halve.
//!
//! All probes read one Erlang B table, extended as the walk goes up: the
//! recursion is never restarted per candidate, and a probe costs `O(1)` for
//! Erlang C (a few flops and one `exp`) and one fixed-size quadrature for
//! Erlang A.

use super::a::erlang_a;
use super::b_c::{InvB, erlang_c, run_chains};
use super::{Measures, Params, Staffing, Target};

/// The measures at `n` agents, reading `table` for Erlang B.
pub(crate) fn measures(
    params: &Params,
    within_s: f64,
    table: &mut InvB,
    n: u64,
) -> Measures {
    let a = params.traffic;
    let nf = n as f64;
    let tau = within_s / params.aht_s;
    let mut m = Measures {
        agents: n,
        traffic_erlangs: a,
        service_level: 1.0,
        within_s,
        p_wait: 0.0,
        asa_s: 0.0,
        occupancy: if n == 0 { f64::NAN } else { a / nf },
        p_abandon: params.patience_s.map(|_| 0.0),
        stable: true,
    };
    if a == 0.0 {
        m.occupancy = 0.0;
        return m;
    }
    match params.patience_s {
        None => match erlang_c(table, n, tau) {
            Some(c) => {
                m.p_wait = c.p_wait;
                m.service_level = c.service_level;
                m.asa_s = c.asa * params.aht_s;
            }
            None => {
                m.stable = false;
                m.p_wait = 1.0;
                m.service_level = 0.0;
                m.asa_s = f64::INFINITY;
                m.occupancy = if n == 0 { f64::NAN } else { 1.0 };
            }
        },
        Some(_) if n == 0 => {
            // Everybody hangs up: nothing is answered, there is no ASA.
            m.p_wait = 1.0;
            m.service_level = 0.0;
            m.asa_s = f64::NAN;
            m.p_abandon = Some(1.0);
        }
        Some(patience) => {
            let r = params.aht_s / patience;
            let ln_q = table.ln_inv_b_minus_one(n);
            let e = erlang_a(a, nf, r, tau, ln_q);
            m.p_wait = e.p_wait;
            m.service_level = e.service_level;
            m.asa_s = e.asa * params.aht_s;
            m.p_abandon = Some(e.p_abandon);
            m.occupancy = (a * e.answered / nf).min(1.0);
        }
    }
    m
}

/// The smallest number of agents meeting every target of `target` on
/// `params`, with the measures it achieves and its scheduled FTE.
///
/// Cost: about `12·√A` Erlang B steps plus, for Erlang C, usually one
/// `O(1)` probe (Erlang A: a few dozen quadratures); 1–300-Erlang
/// intervals take about half a microsecond each with Erlang C.
///
/// # Example
///
/// ```
/// use peakplan::erlang::{required_agents, Params, Target};
/// // 100 calls in 30 minutes, AHT 3 minutes, 80 % answered within 20 s.
/// let load = Params::new(100.0, 1800.0, 180.0)?;
/// let target = Target::service_level(0.8, 20.0)?.with_shrinkage(0.3)?;
/// let s = required_agents(&load, &target);
/// assert_eq!(s.agents, 14);
/// assert!(s.measures.service_level >= 0.8);
/// assert_eq!(s.scheduled_fte, 20.0);
///
/// // With callers who hang up after 2 minutes on average (Erlang A).
/// let impatient = load.with_patience(120.0)?;
/// let s = required_agents(&impatient, &target);
/// assert!(s.agents <= 14 && s.measures.p_abandon.unwrap() > 0.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn required_agents(params: &Params, target: &Target) -> Staffing {
    with_table(|table| staffing_with(params, target, table))
}

/// [`required_agents`] for each load of `loads`, in order: the same
/// results, bit for bit, found faster for a batch.
///
/// Most of an Erlang C solve is the Erlang B recursion that leads up to
/// the lower bound, a chain of dependent steps; here the chains of
/// several loads run side by side (see `b_c::run_chains`).
///
/// # Example
///
/// ```
/// use peakplan::erlang::{required_agents, required_agents_each, Params, Target};
/// let target = Target::service_level(0.8, 20.0)?;
/// let loads = [
///     Params::new(100.0, 1800.0, 180.0)?,
///     Params::new(0.0, 1800.0, 180.0)?,
///     Params::new(2500.0, 1800.0, 300.0)?.with_patience(90.0)?,
/// ];
/// let each = required_agents_each(&loads, &target);
/// assert_eq!(each[0].agents, 14);
/// for (s, load) in each.iter().zip(&loads) {
///     assert_eq!(s.agents, required_agents(load, &target).agents);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn required_agents_each(
    loads: &[Params],
    target: &Target,
) -> Vec<Staffing> {
    with_table(|table| {
        SEEN.with(|cell| match cell.try_borrow_mut() {
            Ok(mut seen) => each_with(loads, target, table, &mut seen),
            Err(_) => each_with(loads, target, table, &mut Seen::new()),
        })
    })
}

/// [`required_agents_each`], reading and resetting `table`, and reading
/// and filling `seen`.
fn each_with(
    loads: &[Params],
    target: &Target,
    table: &mut InvB,
    seen: &mut Seen,
) -> Vec<Staffing> {
    let chained = |p: &Params| p.patience_s.is_none() && p.traffic > 0.0;
    seen.aim(target);
    // Whether each load is an Erlang C load seen before. `seen` is filled
    // only once every load is staffed, so that one found here is still
    // there below. (A flag, not the answer: a second copy of the answers,
    // 104 bytes a load, is fresh memory to fault in for every batch.)
    let known: Vec<bool> =
        loads.iter().map(|p| chained(p) && seen.holds(p)).collect();
    let (mut lowers, mut chains) =
        (Vec::with_capacity(loads.len()), Vec::with_capacity(loads.len()));
    let unknown = loads.iter().zip(&known).filter(|&(p, &k)| !k && chained(p));
    for (p, _) in unknown {
        let lower = lower_bound(p, target);
        lowers.push(lower);
        chains.push(InvB::chain(p.traffic, lower));
    }
    run_chains(&mut chains);
    let mut chains = chains.iter().zip(lowers);
    // `e^{−τ}` of the last AHT seen: most rows of a batch share one AHT,
    // and the same argument gives the same bits.
    let mut ratio = (f64::NAN, f64::NAN);
    let staffed = loads
        .iter()
        .zip(&known)
        .map(|(p, &known)| {
            if let Some(s) = known.then(|| seen.get(p, target)).flatten() {
                return s;
            }
            if !chained(p) {
                return staffing_with(p, target, table);
            }
            let (chain, lower) = chains.next().expect("a chain per load");
            table.set_from(p.traffic, lower, chain);
            if ratio.0.to_bits() != p.aht_s.to_bits() {
                ratio = (p.aht_s, step_decay(p, target));
            }
            let (n, measures) = search_c_on(p, target, table, lower, ratio.1);
            Staffing {
                agents: n,
                scheduled_fte: target.scheduled_fte(n as f64),
                measures,
            }
        })
        .collect::<Vec<_>>();
    let solved = loads.iter().zip(&staffed).zip(known);
    for ((p, s), _) in solved.filter(|&((p, _), k)| !k && chained(p)) {
        seen.put(p, s, target);
    }
    staffed
}

/// Erlang C loads staffed by this thread's batches, for a load seen again:
/// interval loads repeat (whole calls, one AHT per queue), and an answer
/// depends on its load and target alone, so it is the same found here or
/// solved again. A cache of [`Seen::SLOTS`] slots, each load in the slot
/// its bits hash to, the last one kept; emptied when the target changes.
struct Seen {
    target: Option<Target>,
    slots: Vec<Slot>,
}

/// A load's traffic and AHT bits (empty while the traffic's are 0: a
/// chained load's traffic is above 0), and what its answer does not share
/// with every answer of the target.
#[derive(Clone, Copy, Default)]
struct Slot {
    traffic: u64,
    aht: u64,
    agents: u64,
    service_level: f64,
    p_wait: f64,
    asa_s: f64,
    occupancy: f64,
}

impl Seen {
    /// Slots: a batch's distinct loads are often a few thousand (one per
    /// whole number of calls), and 2,048 slots take 112 KB.
    const SLOTS: usize = 1 << 11;

    const fn new() -> Seen {
        Seen { target: None, slots: Vec::new() }
    }

    /// Loads staffed for `target` from now on: the slots are emptied if
    /// they held another target's.
    fn aim(&mut self, target: &Target) {
        if self.target != Some(*target) {
            self.slots.clear();
            self.target = Some(*target);
        }
    }

    /// The slot `p` goes in.
    fn index(p: &Params) -> usize {
        let (t, a) = (p.traffic.to_bits(), p.aht_s.to_bits());
        let h = (t ^ a.rotate_left(32)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (h >> (64 - Self::SLOTS.trailing_zeros())) as usize
    }

    /// The slot holding `p`, if one does.
    fn find(&self, p: &Params) -> Option<&Slot> {
        let (t, a) = (p.traffic.to_bits(), p.aht_s.to_bits());
        let s = self.slots.get(Self::index(p))?;
        (s.traffic == t && s.aht == a).then_some(s)
    }

    fn holds(&self, p: &Params) -> bool {
        self.find(p).is_some()
    }

    /// The answer for `p`, if held, as [`search_c_on`] gives it: at or
    /// above the lower bound an Erlang C queue is stable.
    fn get(&self, p: &Params, target: &Target) -> Option<Staffing> {
        let s = self.find(p)?;
        Some(Staffing {
            agents: s.agents,
            scheduled_fte: target.scheduled_fte(s.agents as f64),
            measures: Measures {
                agents: s.agents,
                traffic_erlangs: p.traffic,
                service_level: s.service_level,
                within_s: target.within_s,
                p_wait: s.p_wait,
                asa_s: s.asa_s,
                occupancy: s.occupancy,
                p_abandon: None,
                stable: true,
            },
        })
    }

    fn put(&mut self, p: &Params, s: &Staffing, target: &Target) {
        let i = Self::index(p);
        if self.slots.is_empty() {
            self.slots.resize(Self::SLOTS, Slot::default());
        }
        let m = &s.measures;
        self.slots[i] = Slot {
            traffic: p.traffic.to_bits(),
            aht: p.aht_s.to_bits(),
            agents: s.agents,
            service_level: m.service_level,
            p_wait: m.p_wait,
            asa_s: m.asa_s,
            occupancy: m.occupancy,
        };
        debug_assert_eq!(self.get(p, target), Some(*s), "rebuilt as solved");
    }
}

std::thread_local! {
    /// The Erlang B table every solve on this thread reuses: once it has
    /// grown to the largest interval seen, a solve allocates nothing.
    static TABLE: std::cell::RefCell<InvB> =
        const { std::cell::RefCell::new(InvB::empty()) };
    /// The loads this thread's batches have staffed.
    static SEEN: std::cell::RefCell<Seen> =
        const { std::cell::RefCell::new(Seen::new()) };
}

/// `f` on this thread's [`TABLE`], which it resets before reading.
fn with_table<R>(f: impl FnOnce(&mut InvB) -> R) -> R {
    TABLE.with(|cell| match cell.try_borrow_mut() {
        Ok(mut table) => f(&mut table),
        // Only reachable if a caller nests a solve inside another on the
        // same thread; a table of its own keeps the answer the same.
        Err(_) => f(&mut InvB::empty()),
    })
}

/// [`required_agents`], reading and resetting `table`.
fn staffing_with(
    params: &Params,
    target: &Target,
    table: &mut InvB,
) -> Staffing {
    let a = params.traffic;
    let (n, measures) = if a == 0.0 {
        table.reset(a, 0);
        (0, measures(params, target.within_s, table, 0))
    } else if params.patience_s.is_none() {
        search_c(params, target, table)
    } else {
        let n = search_a(params, target, table);
        // A probe below the table's window rebuilds it, which may move the
        // last bits of a measure probed before: read the answer again.
        (n, measures(params, target.within_s, table, n))
    };
    Staffing {
        agents: n,
        scheduled_fte: target.scheduled_fte(n as f64),
        measures,
    }
}

/// Erlang C's smallest `n` meeting `target` (`a > 0`), with its measures.
///
/// No candidate lies below the lower bound `L`, so the table is built once,
/// accurate from `L`, and never rebuilt: every measure is read from the
/// same values whichever candidates were probed. The recursion runs up from
/// `L`, checking at each step a multiplication-only form of the targets
/// ([`Rough`]); where it first holds, the exact measures there usually
/// settle the answer (one agent below, the rough form fails by far more
/// than its rounding: [`Rough::surely_fails`]), else the bracketing walk
/// of [`walk`] takes over from that guess.
fn search_c(
    params: &Params,
    target: &Target,
    table: &mut InvB,
) -> (u64, Measures) {
    let lower = lower_bound(params, target);
    table.reset(params.traffic, lower);
    let ratio = step_decay(params, target);
    search_c_on(params, target, table, lower, ratio)
}

/// `e^{−τ}`, `τ` the service level's waiting time in AHT: the factor by
/// which one more agent shrinks the share still waiting after `τ`.
fn step_decay(params: &Params, target: &Target) -> f64 {
    (-(target.within_s / params.aht_s)).exp()
}

/// [`search_c`] on `table`, already [`InvB::reset`] to `lower`, with
/// `ratio` the [`step_decay`] of `params`.
fn search_c_on(
    params: &Params,
    target: &Target,
    table: &mut InvB,
    lower: u64,
    ratio: f64,
) -> (u64, Measures) {
    let a = params.traffic;
    let mut rough = Rough::new(params, target, lower, ratio);
    // Far enough for any realistic target (SL 80/20 needs about √A above
    // A); a target that needs more is left to the walk.
    let reach = lower + 4 * (a.sqrt() as u64) + 64;
    let guess = if rough.holds(lower as f64, table.inv_b(lower)) {
        Some(lower)
    } else {
        table.extend_while(reach, |n, r| {
            rough.step();
            !rough.holds(n, r)
        })
    };
    // Whether the targets surely fail one agent below the guess (the
    // decay there is one step back, a rounding or two from the running
    // product's).
    let fails_below = match guess {
        Some(g) if g > lower => {
            rough.decay /= rough.ratio;
            rough.surely_fails((g - 1) as f64, table.inv_b(g - 1))
        }
        _ => false,
    };
    let guess = guess.unwrap_or(reach);
    if fails_below {
        // The usual case: only the guess needs its exact measures.
        let m = measures(params, target.within_s, table, guess);
        if target.is_met_by(&m) {
            return (guess, m);
        }
    }
    let mut at_answer = None;
    let n = walk(params, target, table, lower, guess, &mut at_answer);
    match at_answer {
        Some(m) if m.agents == n => (n, m),
        _ => (n, measures(params, target.within_s, table, n)),
    }
}

/// Erlang C's targets at `n` agents in a form the recursion can check at
/// every step: multiplications only, the decay `e^{−(n−A)τ}` of the
/// service level kept as a running product. Rounding may place its verdict
/// an agent off near the boundary; it only picks where the exact probes
/// start.
#[derive(Clone, Copy)]
struct Rough {
    a: f64,
    /// `1 − SL target`: the largest `C·e^{−(n−A)τ}` allowed.
    miss: Option<f64>,
    /// The ASA target in AHT: the largest `C/(n − A)` allowed.
    asa: Option<f64>,
    occupancy: Option<f64>,
    /// `e^{−(n−A)τ}` at the current `n`.
    decay: f64,
    /// `e^{−τ}`.
    ratio: f64,
}

impl Rough {
    /// The check from `n` agents on, `ratio` being [`step_decay`].
    fn new(params: &Params, target: &Target, n: u64, ratio: f64) -> Rough {
        let a = params.traffic;
        let tau = target.within_s / params.aht_s;
        Rough {
            a,
            miss: target.service_level.map(|sl| 1.0 - sl),
            asa: target.asa_s.map(|asa| asa / params.aht_s),
            occupancy: target.max_occupancy,
            decay: (-(n as f64 - a) * tau).exp(),
            ratio,
        }
    }

    /// On to the next `n`.
    fn step(&mut self) {
        self.decay *= self.ratio;
    }

    /// Whether the targets look met at `n` agents, `r = 1/B(n)`:
    /// `C = n / ((n − A)·R + A)`, compared without dividing.
    fn holds(&self, n: f64, r: super::b_c::Scaled) -> bool {
        let gap = n - self.a;
        if gap <= 0.0 {
            return false;
        }
        if r.e != 0 {
            // R ≥ 2^512: C is negligible; only the cap can fail.
            return self.occupancy.is_none_or(|occ| self.a <= occ * n);
        }
        let den = gap * r.m + self.a;
        self.miss.is_none_or(|miss| n * self.decay <= miss * den)
            && self.asa.is_none_or(|asa| n <= asa * gap * den)
            && self.occupancy.is_none_or(|occ| self.a <= occ * n)
    }

    /// Whether a target fails at `n` agents by so much that the exact
    /// measures fail it too, `r = 1/B(n)`.
    ///
    /// The running decay and the products here carry a relative error
    /// below `1e−12` (a few thousand roundings at most), the exact
    /// measures one of a few ulps. So a miss `C·e^{−(n−A)τ}` above the
    /// allowed one by `1e−9` (the service level is within `1e−15` of
    /// `1 − C·e^{−(n−A)τ}`), or an ASA or occupancy above its cap by a
    /// relative `1e−9`, fails exactly too. A subnormal decay or a huge `R`
    /// is left to the exact probe.
    fn surely_fails(&self, n: f64, r: super::b_c::Scaled) -> bool {
        const MARGIN: f64 = 1e-9;
        let gap = n - self.a;
        if gap <= 0.0 || r.e != 0 {
            return false;
        }
        let den = gap * r.m + self.a;
        let sl = self.miss.is_some_and(|miss| {
            self.decay >= f64::MIN_POSITIVE
                && n * self.decay > (miss + MARGIN) * den
        });
        let asa =
            self.asa.is_some_and(|asa| n > asa * gap * den * (1.0 + MARGIN));
        let occupancy = self
            .occupancy
            .is_some_and(|occ| self.a > occ * n * (1.0 + MARGIN));
        sl || asa || occupancy
    }
}

/// Erlang A's smallest `n` meeting `target` (`a > 0`), searched from
/// Erlang C's answer; `table` is left as the search read it.
fn search_a(params: &Params, target: &Target, table: &mut InvB) -> u64 {
    let a = params.traffic;
    let lower = lower_bound(params, target);
    // Erlang C's answer, a few microseconds away: close to Erlang A's
    // unless callers are very impatient.
    let c = Params { patience_s: None, ..*params };
    let guess = search_c(&c, target, table).0.max(lower);
    // Valid a little below the guess, so that a short walk down reads the
    // same table (below that, the table rebuilds itself lower).
    let floor = guess.saturating_sub(2 * a.sqrt() as u64 + 2).max(lower);
    table.reset(a, floor);
    walk(params, target, table, lower, guess, &mut None)
}

/// The smallest `n ≥ lower` meeting `target`, searched from `guess` on
/// `table`; `at_answer` receives the measures of the last count found to
/// meet the targets.
fn walk(
    params: &Params,
    target: &Target,
    table: &mut InvB,
    lower: u64,
    guess: u64,
    at_answer: &mut Option<Measures>,
) -> u64 {
    let mut probe = |n: u64, table: &mut InvB| {
        let m = measures(params, target.within_s, table, n);
        let ok = target.is_met_by(&m);
        if ok {
            *at_answer = Some(m);
        }
        (ok, slack(target, &m))
    };
    // Phase 1: from the guess, find a failing and a meeting count, with
    // steps of 1, 2, 4, … (the slack is too flat near the guess for a
    // secant to jump reliably).
    let mut bad: Option<(u64, f64)> = None;
    let mut good: Option<(u64, f64)> = None;
    let (mut n, mut step) = (guess, 1u64);
    let mut first = true;
    let ((mut b, mut fb), (mut g, mut fg)) = loop {
        let (ok, f) = probe(n, table);
        if ok {
            good = Some((n, f));
        } else {
            bad = Some((n, f));
        }
        if ok && n == lower {
            return n;
        }
        if let (Some(x), Some(y)) = (bad, good) {
            break (x, y);
        }
        if !first {
            step *= 2;
        }
        first = false;
        n = if ok { n.saturating_sub(step).max(lower) } else { n + step };
    };
    // Phase 2: regula falsi on the bracket, guarded by bisection whenever
    // the bracket fails to halve; a meeting probe is followed by a probe
    // just below it, which usually settles the answer.
    let mut width = u64::MAX;
    while g - b > 1 {
        let mid = b + (g - b) / 2;
        let next = if (g - b).saturating_mul(2) > width {
            // Last step did not halve the bracket.
            mid
        } else if fg > fb && fb.is_finite() && fg.is_finite() {
            let r = b as f64 + (-fb) / (fg - fb) * (g - b) as f64;
            (r.ceil() as u64).clamp(b + 1, g - 1)
        } else {
            mid
        };
        width = g - b;
        let (ok, f) = probe(next, table);
        if ok {
            (g, fg) = (next, f);
            if next - 1 > b {
                let (ok, f) = probe(next - 1, table);
                if ok {
                    (g, fg) = (next - 1, f);
                } else {
                    (b, fb) = (next - 1, f);
                }
            }
        } else {
            (b, fb) = (next, f);
        }
    }
    g
}

/// How far `m` is from failing its tightest target, each target scaled to
/// about [−1, 1]: positive when met. Only guides the search.
fn slack(target: &Target, m: &Measures) -> f64 {
    let mut s = f64::INFINITY;
    if let Some(sl) = target.service_level {
        s = s.min(m.service_level - sl);
    }
    if let Some(asa) = target.asa_s {
        let x = if m.asa_s.is_finite() { (asa - m.asa_s) / asa } else { -1.0 };
        s = s.min(x.max(-1.0));
    }
    if let Some(occ) = target.max_occupancy {
        let x = if m.occupancy.is_finite() { occ - m.occupancy } else { -1.0 };
        s = s.min(x);
    }
    s
}

/// A number of agents below which no target can be met (`a > 0`).
fn lower_bound(params: &Params, target: &Target) -> u64 {
    let a = params.traffic;
    let mut lower: f64 = 1.0;
    match params.patience_s {
        None => {
            // Stable only with N > A.
            lower = lower.max(a.floor() + 1.0);
            if let Some(occ) = target.max_occupancy {
                lower = lower.max((a / occ).ceil());
            }
        }
        Some(_) => {
            if let Some(sl) = target.service_level {
                // SL ≤ 1 − P(abandon) = carried / offered ≤ N / A.
                lower = lower.max((sl * a).ceil());
            }
        }
    }
    lower as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::Just;

    fn load(volume: f64, aht: f64) -> Params {
        Params::new(volume, 1800.0, aht).unwrap()
    }

    #[test]
    fn textbook_case_needs_fourteen_agents() {
        let p = load(100.0, 180.0);
        let t = Target::service_level(0.8, 20.0).unwrap();
        let s = required_agents(&p, &t);
        assert_eq!(s.agents, 14);
        let at13 = measures(&p, 20.0, &mut InvB::new(10.0, 13), 13);
        assert!(at13.service_level < 0.8);
    }

    #[test]
    fn zero_traffic_needs_nobody() {
        let p = load(0.0, 180.0);
        let t = Target::asa(10.0).unwrap();
        let s = required_agents(&p, &t);
        assert_eq!(s.agents, 0);
        assert_eq!(s.measures.service_level, 1.0);
        assert_eq!(s.measures.occupancy, 0.0);
    }

    #[test]
    fn unstable_erlang_c() {
        let p = load(100.0, 180.0);
        let m = measures(&p, 20.0, &mut InvB::new(10.0, 10), 10);
        assert!(!m.stable);
        assert_eq!(m.p_wait, 1.0);
        assert_eq!(m.service_level, 0.0);
        assert_eq!(m.asa_s, f64::INFINITY);
    }

    /// The smallest count by trying every one from the lower bound, each
    /// read from a table accurate from there.
    fn brute_force(params: &Params, target: &Target) -> (u64, Measures) {
        let lower = lower_bound(params, target);
        let mut table = InvB::new(params.traffic, lower);
        (lower..)
            .map(|n| (n, measures(params, target.within_s, &mut table, n)))
            .find(|(_, m)| target.is_met_by(m))
            .unwrap()
    }

    proptest::proptest! {
        /// Erlang C's answer is the first count meeting the targets, with
        /// the very bits of its measures, whatever the targets combine.
        #[test]
        fn erlang_c_answer_is_the_first_meeting_count(
            traffic in 0.01f64..3_000.0,
            aht in 20.0f64..1_200.0,
            sl in proptest::option::of(0.05f64..0.999),
            within in 1.0f64..300.0,
            asa in proptest::option::of(1.0f64..600.0),
            occ in proptest::option::of(0.3f64..0.99),
        ) {
            let p = Params::from_traffic(traffic, aht).unwrap();
            let mut t = match (sl, asa) {
                (Some(sl), asa) => {
                    let t = Target::service_level(sl, within).unwrap();
                    match asa {
                        Some(asa) => t.and_asa(asa).unwrap(),
                        None => t,
                    }
                }
                (None, asa) => Target::asa(asa.unwrap_or(within)).unwrap(),
            };
            if let Some(occ) = occ {
                t = t.with_max_occupancy(occ).unwrap();
            }
            let s = required_agents(&p, &t);
            let (n, m) = brute_force(&p, &t);
            proptest::prop_assert_eq!(s.agents, n);
            proptest::prop_assert_eq!(
                format!("{:?}", s.measures),
                format!("{m:?}")
            );
        }
    }

    proptest::proptest! {
        /// What the rough check calls a sure failure fails exactly, at
        /// every count from the lower bound to past the answer.
        #[test]
        fn a_sure_failure_is_a_failure(
            traffic in 0.01f64..3_000.0,
            aht in 20.0f64..1_200.0,
            sl in 0.05f64..0.999_999,
            within in 0.0f64..300.0,
            asa in proptest::option::of(0.5f64..600.0),
            occ in proptest::option::of(0.3f64..0.99),
        ) {
            let p = Params::from_traffic(traffic, aht).unwrap();
            let mut t = Target::service_level(sl, within).unwrap();
            if let Some(asa) = asa {
                t = t.and_asa(asa).unwrap();
            }
            if let Some(occ) = occ {
                t = t.with_max_occupancy(occ).unwrap();
            }
            let (answer, _) = brute_force(&p, &t);
            let lower = lower_bound(&p, &t);
            let mut table = InvB::new(traffic, lower);
            let mut rough = Rough::new(&p, &t, lower, step_decay(&p, &t));
            for n in lower..=answer + 2 {
                let m = measures(&p, t.within_s, &mut table, n);
                if rough.surely_fails(n as f64, table.inv_b(n)) {
                    proptest::prop_assert!(!t.is_met_by(&m), "n = {n}");
                }
                rough.step();
            }
        }
    }

    proptest::proptest! {
        /// A batch is each load solved alone, bit for bit: Erlang C and
        /// A, idle intervals and traffic from a fraction to thousands of
        /// Erlangs, in any order.
        #[test]
        fn a_batch_is_each_load_alone(
            loads in proptest::collection::vec(
                (
                    proptest::prop_oneof![
                        Just(0.0),
                        0.01f64..5.0,
                        1.0f64..300.0,
                        300.0f64..20_000.0,
                    ],
                    20.0f64..1_200.0,
                    proptest::option::weighted(0.1, 30.0f64..600.0),
                ),
                0..40,
            ),
            sl in 0.05f64..0.99,
            within in 1.0f64..120.0,
            occ in proptest::option::of(0.5f64..0.99),
        ) {
            let mut t = Target::service_level(sl, within).unwrap();
            if let Some(occ) = occ {
                t = t.with_max_occupancy(occ).unwrap();
            }
            let params: Vec<Params> = loads
                .iter()
                .map(|&(traffic, aht, patience)| {
                    let p = Params::from_traffic(traffic, aht).unwrap();
                    match patience {
                        Some(pat) => p.with_patience(pat).unwrap(),
                        None => p,
                    }
                })
                .collect();
            // The second time, each Erlang C load is one this thread's
            // batches have staffed.
            for _ in 0..2 {
                let each = required_agents_each(&params, &t);
                proptest::prop_assert_eq!(each.len(), params.len());
                for (s, p) in each.iter().zip(&params) {
                    proptest::prop_assert_eq!(
                        format!("{s:?}"),
                        format!("{:?}", required_agents(p, &t))
                    );
                }
            }
        }
    }

    #[test]
    fn a_load_seen_under_another_target_is_solved_again() {
        let loads: Vec<_> = [10.0, 55.5, 10.0, 300.0]
            .map(|a| Params::from_traffic(a, 180.0).unwrap())
            .to_vec();
        let sl = Target::service_level(0.8, 20.0).unwrap();
        let asa = Target::asa(15.0).unwrap();
        for t in [sl, asa, sl, sl.with_shrinkage(0.3).unwrap()] {
            let each = required_agents_each(&loads, &t);
            for (s, p) in each.iter().zip(&loads) {
                assert_eq!(*s, required_agents(p, &t));
            }
        }
    }

    #[test]
    fn occupancy_cap_binds() {
        let p = load(1000.0, 180.0); // 100 E
        let t = Target::service_level(0.5, 60.0)
            .unwrap()
            .with_max_occupancy(0.8)
            .unwrap();
        assert_eq!(required_agents(&p, &t).agents, 125);
    }
}
