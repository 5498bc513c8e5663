//! Pieces the speed examples share.

/// User plus system time of the whole process so far (every thread), from
/// `/proc/self/stat` in its 1/100 s ticks; `None` where there is no such
/// file. On a machine shared with other work this says what the run cost,
/// where the wall clock also counts the time spent waiting for a core.
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses and may
    // hold spaces: state, ppid, …, utime (the 12th), stime (the 13th).
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((user + system) / 100.0)
}
