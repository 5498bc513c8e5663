//! From shift counts to people: the individual in-house roster that the
//! aggregate limits guarantee (see the module docs for the proof).

use super::{QueueInput, QueueSolution, Source};

/// One person's week.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Assignment {
    /// Indices into [`QueueSolution::rows`] of the in-house shifts worked.
    pub shifts: Vec<usize>,
    /// Indices of the overtime rows this person works (one person each).
    pub overtime: Vec<usize>,
    /// Paid shift hours.
    pub hours: f64,
    /// Overtime hours.
    pub overtime_hours: f64,
}

/// Hands week `week`'s in-house shift-days to the `people` of the team:
/// day after day, cyclically from where the previous day stopped, so no one
/// works twice on a day and no one more than `days_per_week` days. Within
/// a day the longest shifts go first, to whoever has fewest hours; the
/// people of an extended shift group work its overtime, fewest overtime
/// hours first.
pub fn individual_roster(
    q: &QueueInput,
    sol: &QueueSolution,
    week: usize,
) -> Vec<Assignment> {
    let f = q.team.people as usize;
    let mut out = vec![Assignment::default(); f];
    if f == 0 {
        return out;
    }
    let sh = q.slot_hours();
    let mut next = 0usize;
    for day in week * 7..week * 7 + 7 {
        // One entry per person-shift of the day, longest first.
        let mut todo: Vec<usize> = Vec::new();
        for (i, r) in sol.rows.iter().enumerate() {
            if r.day == day && r.source == Source::InHouse {
                todo.extend(std::iter::repeat_n(i, r.people as usize));
            }
        }
        todo.sort_by_key(|&i| {
            std::cmp::Reverse(sol.rows[i].end - sol.rows[i].start)
        });
        // The next `todo.len()` people of the cycle work today; the longest
        // shifts go to those of them with fewest hours.
        let mut who: Vec<usize> =
            (0..todo.len()).map(|k| (next + k) % f).collect();
        next = (next + todo.len()) % f;
        who.sort_by(|&a, &b| {
            out[a].hours.total_cmp(&out[b].hours).then(a.cmp(&b))
        });
        let mut holders: Vec<(usize, usize)> = Vec::new();
        for (&row, &p) in todo.iter().zip(&who) {
            let r = &sol.rows[row];
            out[p].shifts.push(row);
            out[p].hours += (r.end - r.start) as f64 * sh;
            holders.push((row, p));
        }
        for (i, r) in sol.rows.iter().enumerate() {
            if r.day != day || r.source != Source::Overtime {
                continue;
            }
            let Some(parent) = r.extends else { continue };
            let mut pool: Vec<usize> = holders
                .iter()
                .filter(|(row, p)| {
                    *row == parent
                        && !out[*p]
                            .overtime
                            .iter()
                            .any(|&o| sol.rows[o].day == day)
                })
                .map(|&(_, p)| p)
                .collect();
            pool.sort_by(|&a, &b| {
                out[a]
                    .overtime_hours
                    .total_cmp(&out[b].overtime_hours)
                    .then(a.cmp(&b))
            });
            for &p in pool.iter().take(r.people as usize) {
                out[p].overtime.push(i);
                out[p].overtime_hours += (r.end - r.start) as f64 * sh;
            }
        }
    }
    out
}
