//! The discrete-event queue of one queue over one day.
//!
//! Two pools of servers, in house and at the partner, each with a FIFO
//! queue. Events are arrivals (drawn beforehand, in time order), service
//! completions, abandonments, redials and staff changes (in one binary
//! heap ordered by time, then by creation order, so ties resolve the same
//! way on every run). A server slot is an agent for voice and one of an
//! agent's sessions for chat.
//!
//! * An arrival is answered at once when a server is free and nobody
//!   waits; otherwise it joins the FIFO queue and, with patience, draws
//!   the time at which it hangs up.
//! * A completion frees a server; the head of the queue is answered if
//!   the pool's staff is still above the servers busy. So when the staff
//!   drops, agents finish the contact in hand before they leave.
//! * The day ends at its last slot's end: callers still waiting then are
//!   counted as waiting at the horizon (never answered), and the clock
//!   stops. Waiting callers carry over every slot boundary before that.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use rand::{Rng, RngExt};

use super::arrivals::DayArrivals;
use super::model::{OverflowRule, QueueModel, Redial, Staff};
use super::service::{Handle, exponential};
use super::stats::{DayTally, SlotTally};

/// A queue's service rules, ready to draw from.
#[derive(Clone, Debug)]
pub(crate) struct QueueRules {
    pub handle: Handle,
    pub aht_s: f64,
    pub patience_s: Option<f64>,
    pub redial: Option<Redial>,
    pub within_s: f64,
    pub concurrency: u32,
    pub overflow: Option<(f64, OverflowRule)>,
}

impl QueueRules {
    pub(crate) fn new(q: &QueueModel) -> QueueRules {
        QueueRules {
            handle: Handle::new(q.aht_s, q.handle),
            aht_s: q.aht_s,
            patience_s: q.patience_s,
            redial: q.redial,
            within_s: q.target.within_s,
            concurrency: q.channel.concurrency(),
            overflow: q.overflow.map(|o| (o.eligible_share, o.rule)),
        }
    }
}

/// One day ready to play.
#[derive(Clone, Debug)]
pub(crate) struct DaySetup {
    pub arrivals: DayArrivals,
    pub slots: usize,
    pub staff: Staff,
    pub partner_staff: Staff,
}

const HOUSE: usize = 0;
const PARTNER: usize = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Waiting,
    Answered,
    Abandoned,
}

#[derive(Clone, Copy, Debug)]
struct Caller {
    arrival: f64,
    state: State,
    pool: u8,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Complete(usize),
    Abandon(u32),
    Redial,
    Staff(usize, u32),
}

#[derive(Clone, Copy, Debug)]
struct Event {
    t: f64,
    seq: u64,
    kind: Kind,
}

impl PartialEq for Event {
    fn eq(&self, other: &Event) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Event) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    // Reversed: the heap pops the earliest, then the first created.
    fn cmp(&self, other: &Event) -> Ordering {
        other.t.total_cmp(&self.t).then(other.seq.cmp(&self.seq))
    }
}

#[derive(Clone, Debug, Default)]
struct Pool {
    staffed: u32,
    busy: u32,
    live: u32,
    fifo: VecDeque<u32>,
}

/// Buffers reused from one day to the next.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    arrivals: Vec<f64>,
    callers: Vec<Caller>,
    heap: BinaryHeap<Event>,
    pools: [Pool; 2],
}

struct Day<'a, R> {
    rules: &'a QueueRules,
    slot_s: f64,
    horizon: f64,
    rng: &'a mut R,
    s: &'a mut Scratch,
    seq: u64,
    tally: &'a mut DayTally,
    slots: &'a mut [SlotTally],
    now: f64,
}

/// Plays one day; adds its counts to `tally` and `slots` (one per slot)
/// and returns the number of events processed.
pub(crate) fn play_day<R: Rng>(
    rules: &QueueRules,
    day: &DaySetup,
    slot_s: f64,
    rng: &mut R,
    scratch: &mut Scratch,
    tally: &mut DayTally,
    slots: &mut [SlotTally],
) -> u64 {
    let mut arrivals = std::mem::take(&mut scratch.arrivals);
    day.arrivals.draw(slot_s, rng, &mut arrivals);
    scratch.callers.clear();
    scratch.heap.clear();
    for p in &mut scratch.pools {
        *p = Pool { fifo: std::mem::take(&mut p.fifo), ..Pool::default() };
        p.fifo.clear();
    }
    let horizon = day.slots as f64 * slot_s;
    let mut d = Day {
        rules,
        slot_s,
        horizon,
        rng,
        s: scratch,
        seq: 0,
        tally,
        slots,
        now: 0.0,
    };
    let k = rules.concurrency;
    for (pool, staff) in [(HOUSE, &day.staff), (PARTNER, &day.partner_staff)] {
        for &(t, n) in staff.steps() {
            d.push(t.max(0.0), Kind::Staff(pool, n.saturating_mul(k)));
        }
    }
    let mut events = 0u64;
    let mut next = 0;
    loop {
        let ta = arrivals.get(next).copied().unwrap_or(f64::INFINITY);
        let te = d.s.heap.peek().map_or(f64::INFINITY, |e| e.t);
        let t = ta.min(te);
        if t >= horizon {
            break;
        }
        d.advance(t);
        events += 1;
        if te <= ta {
            // The heap is not empty: te is finite.
            let Some(e) = d.s.heap.pop() else { break };
            d.handle(e.kind);
        } else {
            next += 1;
            d.arrive();
        }
    }
    d.advance(horizon);
    d.close();
    d.s.arrivals = arrivals;
    events
}

impl<R: Rng> Day<'_, R> {
    fn push(&mut self, t: f64, kind: Kind) {
        self.seq += 1;
        self.s.heap.push(Event { t, seq: self.seq, kind });
    }

    /// Moves the clock to `t`, integrating the in-house pool's busy and
    /// staffed server time.
    fn advance(&mut self, t: f64) {
        let dt = t - self.now;
        let p = &self.s.pools[HOUSE];
        self.tally.busy_s += f64::from(p.busy) * dt;
        self.tally.staffed_s += f64::from(p.busy.max(p.staffed)) * dt;
        self.now = t;
    }

    fn slot_of(&self, t: f64) -> usize {
        ((t / self.slot_s) as usize).min(self.slots.len().saturating_sub(1))
    }

    fn handle(&mut self, kind: Kind) {
        match kind {
            Kind::Complete(pool) => {
                self.s.pools[pool].busy -= 1;
                self.serve(pool);
            }
            Kind::Abandon(id) => self.abandon(id),
            Kind::Redial => self.arrive(),
            Kind::Staff(pool, n) => {
                self.s.pools[pool].staffed = n;
                self.serve(pool);
            }
        }
    }

    fn arrive(&mut self) {
        let t = self.now;
        let id = self.s.callers.len() as u32;
        self.s.callers.push(Caller {
            arrival: t,
            state: State::Waiting,
            pool: 0,
        });
        self.tally.arrivals += 1;
        let slot = self.slot_of(t);
        self.slots[slot].arrivals += 1;
        let pool = if self.overflows() {
            self.tally.overflowed += 1;
            PARTNER
        } else {
            HOUSE
        };
        self.s.callers[id as usize].pool = pool as u8;
        let p = &mut self.s.pools[pool];
        if p.live == 0 && p.busy < p.staffed {
            self.answer(pool, id);
            return;
        }
        self.tally.delayed += 1;
        p.fifo.push_back(id);
        p.live += 1;
        if let Some(mean) = self.rules.patience_s {
            let give_up = t + exponential(mean, self.rng);
            self.push(give_up, Kind::Abandon(id));
        }
    }

    /// Whether the contact arriving now is level 1 and the in-house
    /// queue is past the threshold.
    fn overflows(&mut self) -> bool {
        let Some((eligible, rule)) = self.rules.overflow else {
            return false;
        };
        let house = &self.s.pools[HOUSE];
        if house.live == 0 && house.busy < house.staffed {
            // An agent is free: no wait to judge.
            return false;
        }
        let over = match rule {
            OverflowRule::QueueLongerThan(n) => house.live > n,
            OverflowRule::ExpectedWaitAbove(w) => {
                let servers = house.staffed;
                servers == 0
                    || f64::from(house.live + 1) * self.rules.aht_s
                        / f64::from(servers)
                        > w
            }
        };
        // Only to a partner that would answer sooner: an unstaffed
        // partner (before its hours, say) would hold the call until its
        // agents arrive.
        let expected = |p: &Pool| {
            if p.live == 0 && p.busy < p.staffed {
                0.0
            } else if p.staffed == 0 {
                f64::INFINITY
            } else {
                f64::from(p.live + 1) / f64::from(p.staffed)
            }
        };
        let sooner = expected(&self.s.pools[PARTNER]) < expected(house);
        // Draw the level only when it matters, but always the same way.
        over && sooner && self.rng.random::<f64>() < eligible
    }

    fn answer(&mut self, pool: usize, id: u32) {
        let t = self.now;
        let c = &mut self.s.callers[id as usize];
        c.state = State::Answered;
        let wait = t - c.arrival;
        let arrival = c.arrival;
        self.tally.answered += 1;
        self.tally.wait_sum += wait;
        self.tally.longest_wait = self.tally.longest_wait.max(wait);
        if wait <= self.rules.within_s {
            self.tally.within += 1;
            let slot = self.slot_of(arrival);
            self.slots[slot].within += 1;
        }
        if wait > 0.0 {
            self.queue_time(arrival, t);
        }
        self.s.pools[pool].busy += 1;
        let h = self.rules.handle.draw(self.rng);
        self.push(t + h, Kind::Complete(pool));
    }

    /// Answers from the head of `pool`'s queue while it has free staff.
    fn serve(&mut self, pool: usize) {
        loop {
            let p = &mut self.s.pools[pool];
            if p.live == 0 || p.busy >= p.staffed {
                return;
            }
            let Some(id) = p.fifo.pop_front() else { return };
            if self.s.callers[id as usize].state == State::Waiting {
                self.s.pools[pool].live -= 1;
                self.answer(pool, id);
            }
        }
    }

    fn abandon(&mut self, id: u32) {
        let c = &mut self.s.callers[id as usize];
        if c.state != State::Waiting {
            return;
        }
        c.state = State::Abandoned;
        let arrival = c.arrival;
        // It stays in its FIFO, skipped when it reaches the head.
        self.s.pools[usize::from(c.pool)].live -= 1;
        self.tally.abandoned += 1;
        let wait = self.now - arrival;
        self.tally.longest_wait = self.tally.longest_wait.max(wait);
        self.queue_time(arrival, self.now);
        if let Some(r) = self.rules.redial
            && self.rng.random::<f64>() < r.probability
        {
            let again = self.now + exponential(r.mean_delay_s, self.rng);
            if again < self.horizon {
                self.tally.redials += 1;
                self.push(again, Kind::Redial);
            }
        }
    }

    /// Adds a wait from `a` to `b` to the queue length of the slots it
    /// spans.
    fn queue_time(&mut self, a: f64, b: f64) {
        let mut s = self.slot_of(a);
        let mut from = a;
        while from < b {
            let end = ((s + 1) as f64 * self.slot_s).min(b);
            let end = if s + 1 == self.slots.len() { b } else { end };
            self.slots[s].queue_s += end - from;
            from = end;
            s += 1;
        }
    }

    /// Counts the callers still waiting at the horizon.
    fn close(&mut self) {
        let end = self.horizon;
        for i in 0..self.s.callers.len() {
            let c = self.s.callers[i];
            if c.state == State::Waiting {
                self.tally.waiting_end += 1;
                self.tally.longest_wait =
                    self.tally.longest_wait.max(end - c.arrival);
                self.queue_time(c.arrival, end);
            }
        }
    }
}
