//! Channels other than voice: chat (several sessions per agent) and
//! e-mail / back-office work (a backlog with a deadline, not a queue).
//!
//! # Chat
//!
//! An agent handles up to `k` sessions at once. The handle time given is
//! the duration of one session *at that concurrency* (measure it on agents
//! working `k` sessions: it is longer than a one-to-one session). Each
//! agent then offers `k` session slots, and the sessions queue for slots
//! exactly as calls queue for agents: the Erlang C (or A, with patience)
//! maths gives the slots `S` needed, and the agents are `⌈S/k⌉`. The
//! measures reported are those of the `agents·k` slots staffed, so they meet
//! the target too; occupancy is the share of slots in use.
//!
//! # E-mail and back-office
//!
//! Items do not wait in a queue for a free agent: they sit in a backlog
//! that must be cleared before a deadline. The model is workload over
//! time: `volume` items of `aht` seconds each must be finished within a
//! window of `deadline` seconds, so the work is `volume × aht`
//! agent-seconds and the agents needed are
//! `⌈volume × aht / (deadline × max occupancy)⌉` (the cap, 1 when absent,
//! leaves room for everything else agents do while logged in). Items are
//! assumed divisible across the window, as in every workload model; use a
//! window no shorter than a few handle times. Occupancy reported is
//! `work / (agents × deadline)`.

use super::{ErlangError, Params, Staffing, Target, required_agents};
use super::{b_c::InvB, solve};

/// Agents for a chat queue where each agent handles `concurrency`
/// sessions at once; `params` is per session (AHT at that concurrency).
///
/// The returned staffing's measures are those of `agents × concurrency`
/// session slots.
///
/// # Errors
///
/// [`ErlangError::Concurrency`] when `concurrency` is 0.
///
/// # Example
///
/// ```
/// use peakplan::erlang::{channels::chat_agents, Params, Target};
/// // 300 chats in 30 minutes, 12 minutes each at 3 sessions per agent.
/// let load = Params::new(300.0, 1800.0, 720.0)?; // 120 Erlangs of slots
/// let target = Target::service_level(0.8, 60.0)?;
/// let s = chat_agents(&load, &target, 3)?;
/// assert_eq!(s.agents, s.measures.agents.div_ceil(3));
/// assert!(s.measures.service_level >= 0.8);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn chat_agents(
    params: &Params,
    target: &Target,
    concurrency: u32,
) -> Result<Staffing, ErlangError> {
    if concurrency == 0 {
        return Err(ErlangError::Concurrency);
    }
    let k = u64::from(concurrency);
    let slots = required_agents(params, target).agents;
    let agents = slots.div_ceil(k);
    let staffed = agents * k;
    let mut table = InvB::new(params.traffic(), staffed);
    let measures =
        solve::measures(params, target.within_s(), &mut table, staffed);
    Ok(Staffing {
        agents,
        scheduled_fte: target.scheduled_fte(agents as f64),
        measures,
    })
}

/// Agents needed to clear a backlog before a deadline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backlog {
    /// Work to do, in agent-hours.
    pub work_hours: f64,
    /// Agents needed during the window.
    pub agents: u64,
    /// Scheduled FTE after shrinkage.
    pub scheduled_fte: f64,
    /// Share of the window the agents spend on the items.
    pub occupancy: f64,
}

/// Agents to finish `volume` items of `aht_s` seconds within `deadline_s`
/// seconds, occupancy capped by `target`'s maximum occupancy (if any), FTE
/// after `target`'s shrinkage. Service-level and ASA targets do not apply
/// to a backlog and are ignored.
///
/// # Errors
///
/// [`ErlangError::Volume`], [`ErlangError::Aht`] or
/// [`ErlangError::Deadline`] for values out of range.
///
/// # Example
///
/// ```
/// use peakplan::erlang::{channels::backlog_agents, Target};
/// // 400 e-mails of 6 minutes, answered within a 4-hour window, 85 % cap.
/// let t = Target::asa(60.0)?.with_max_occupancy(0.85)?;
/// let b = backlog_agents(400.0, 360.0, 4.0 * 3600.0, &t)?;
/// assert_eq!(b.work_hours, 40.0);
/// assert_eq!(b.agents, 12); // 40 h / (4 h × 0.85) = 11.8
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn backlog_agents(
    volume: f64,
    aht_s: f64,
    deadline_s: f64,
    target: &Target,
) -> Result<Backlog, ErlangError> {
    if !(volume.is_finite() && volume >= 0.0) {
        return Err(ErlangError::Volume(volume));
    }
    if !(aht_s.is_finite() && aht_s > 0.0) {
        return Err(ErlangError::Aht(aht_s));
    }
    if !(deadline_s.is_finite() && deadline_s > 0.0) {
        return Err(ErlangError::Deadline(deadline_s));
    }
    let work = volume * aht_s;
    let cap = target.max_occupancy().unwrap_or(1.0);
    let exact = work / (deadline_s * cap);
    // Guard the ceiling against a quotient like 12.000000000000002 when
    // the work is an exact multiple.
    let agents = ((exact * (1.0 - 4.0 * f64::EPSILON)).ceil()).max(0.0);
    if !agents.is_finite() || agents > 1e15 {
        return Err(ErlangError::Volume(volume));
    }
    let agents = agents as u64;
    let occupancy =
        if agents == 0 { 0.0 } else { work / (agents as f64 * deadline_s) };
    Ok(Backlog {
        work_hours: work / 3600.0,
        agents,
        scheduled_fte: target.scheduled_fte(agents as f64),
        occupancy,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_agents_are_slots_over_concurrency() {
        let p = Params::new(300.0, 1800.0, 720.0).unwrap();
        let t = Target::service_level(0.8, 60.0).unwrap();
        let slots = required_agents(&p, &t).agents;
        for k in 1..=4 {
            let s = chat_agents(&p, &t, k).unwrap();
            assert_eq!(s.agents, slots.div_ceil(u64::from(k)));
            assert_eq!(s.measures.agents, s.agents * u64::from(k));
            assert!(s.measures.service_level >= 0.8);
        }
        assert_eq!(chat_agents(&p, &t, 0), Err(ErlangError::Concurrency));
    }

    #[test]
    fn backlog_is_work_over_window() {
        let t = Target::asa(10.0).unwrap();
        let b = backlog_agents(100.0, 360.0, 3600.0, &t).unwrap();
        assert_eq!(b.agents, 10);
        assert_eq!(b.occupancy, 1.0);
        let b = backlog_agents(101.0, 360.0, 3600.0, &t).unwrap();
        assert_eq!(b.agents, 11);
        assert_eq!(backlog_agents(0.0, 360.0, 3600.0, &t).unwrap().agents, 0);
        assert!(backlog_agents(1.0, 360.0, 0.0, &t).is_err());
        assert!(backlog_agents(-1.0, 360.0, 10.0, &t).is_err());
    }
}
