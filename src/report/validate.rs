//! The output of `peakplan validate`: what the files hold, as text for a
//! person or JSON for scripts (stable keys, dates as `YYYY-MM-DD`).
//! The checks themselves are [`crate::inputs::validate`]'s.

use std::fmt::Write as _;

use crate::error::Result;
use crate::inputs::history::{Listed, QueueSummary};
use crate::inputs::validate::{EventsSummary, Report, ScenarioSummary};
use crate::pipeline::plural;
use crate::report::fixed;
use crate::report::table::Table;
use crate::report::term::Look;

/// Items of each list shown in the table (JSON has more, see
/// `history::LIST_CAP`).
const SHOWN: usize = 10;

/// A validation report, as text or JSON (`validate` writes no CSV).
#[derive(Clone, Copy, Debug)]
pub struct ValidateReport<'a>(pub &'a Report);

impl ValidateReport<'_> {
    /// The text report, in `look`.
    pub fn table(&self, look: Look) -> String {
        text(self.0, look)
    }

    /// The JSON document (by [`super::json_bytes`]).
    ///
    /// # Errors
    ///
    /// Only on an internal encoding error.
    pub fn json_bytes(&self) -> Result<Vec<u8>> {
        super::json_bytes(self.0)
    }
}

/// The text report; on a colour terminal gaps and an unusable verdict are
/// red, a usable one bold.
fn text(report: &Report, look: Look) -> String {
    let h = &report.history;
    let mut out = String::new();
    let names: Vec<&str> = h.queues.iter().map(|q| q.name.as_str()).collect();
    let step = if h.source_interval_min == h.interval_min {
        format!("{}m", h.interval_min)
    } else {
        format!(
            "{}m in the file, summarised at {}m",
            h.source_interval_min, h.interval_min
        )
    };
    let mut head = vec![
        ("history", h.file.clone()),
        ("zone", h.tz.clone()),
        (
            "span",
            format!("{} to {} ({} days)", h.first_date, h.last_date, h.days),
        ),
        ("rows", h.rows.to_string()),
        ("intervals", step),
        ("queues", format!("{}: {}", names.len(), names.join(", "))),
        ("contacts", fixed(h.total_volume, 2)),
    ];
    let dst: Vec<String> = h
        .dst_days
        .iter()
        .map(|d| {
            let rows = if d.has_rows { "" } else { ", no rows" };
            format!("{} ({} h{rows})", d.date, d.hours)
        })
        .collect();
    head.push((
        "DST days",
        if dst.is_empty() { "none".into() } else { dst.join(", ") },
    ));
    if h.ambiguous_rows > 0 {
        head.push((
            "repeated hour",
            format!(
                "{} in an hour clocks repeat, read in order of appearance \
                 (first = summer time)",
                plural(h.ambiguous_rows as usize, "row")
            ),
        ));
    }
    if h.duplicates.total > 0 {
        head.push((
            "duplicates",
            format!(
                "{} added to an earlier row",
                plural(h.duplicates.total, "row")
            ),
        ));
    }
    for (key, value) in head {
        let _ = writeln!(out, "{key:<13} {value}");
    }
    for d in h.duplicates.items.iter().take(SHOWN) {
        let _ = writeln!(
            out,
            "  line {} repeats line {}: queue {:?} {}",
            d.line, d.first_line, d.queue, d.interval
        );
    }
    more(&mut out, "  ", &h.duplicates);
    for q in &h.queues {
        out.push('\n');
        queue(&mut out, q, look);
    }
    for e in &report.events {
        out.push('\n');
        events(&mut out, e);
    }
    if let Some(s) = &report.scenario {
        out.push('\n');
        scenario(&mut out, s);
    }
    out.push('\n');
    if report.usable {
        let _ = writeln!(out, "verdict: {}", look.bold("usable"));
    } else {
        let mut problems = h.problems.clone();
        if let Some(s) = &report.scenario {
            problems.extend(s.problems.iter().cloned());
        }
        let verdict = format!("NOT usable: {}", problems.join("; "));
        let _ = writeln!(out, "verdict: {}", look.alert(&verdict));
    }
    out
}

fn scenario(out: &mut String, s: &ScenarioSummary) {
    let _ = writeln!(out, "scenario {}", s.file);
    let _ = writeln!(
        out,
        "  as of {}, planning {} to {} ({}m intervals, {})",
        s.as_of, s.from, s.to, s.interval_min, s.tz
    );
    let _ = writeln!(
        out,
        "  forecast learns from {} before as_of, {} days ahead of the first \
         day planned",
        plural(s.history_days_before_as_of.max(0) as usize, "day"),
        s.lead_days
    );
    let mut t = Table::new([
        "queue",
        "channel",
        "target",
        "in history",
        "AHT",
        "patience",
        "shrinkage",
        "in-house FTE",
    ]);
    for q in &s.queues {
        t.row([
            q.name.clone(),
            q.channel.clone(),
            q.target.clone(),
            if q.in_history { "yes" } else { "NO" }.to_string(),
            match q.aht_s {
                Some(a) => format!("{} s ({})", fixed(a, 0), q.aht_source),
                None => "missing".to_string(),
            },
            q.patience_s.map_or("-".into(), |p| format!("{} s", fixed(p, 0))),
            format!("{}%", fixed(q.shrinkage * 100.0, 1)),
            fixed(q.in_house_fte, 1),
        ]);
    }
    for line in t.render().lines() {
        let _ = writeln!(out, "  {line}");
    }
    if !s.ignored_history_queues.is_empty() {
        let _ = writeln!(
            out,
            "  history queues not in the scenario (ignored): {}",
            s.ignored_history_queues.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "  team: {} FTE of {} h a week, overtime up to {} h per FTE and week",
        fixed(s.in_house_fte, 1),
        fixed(s.weekly_hours, 1),
        fixed(s.overtime_hours_per_week, 1)
    );
    match &s.hiring {
        Some(h) => {
            let _ = writeln!(
                out,
                "  hiring: up to {} for {}, {} weeks to recruit + {} of \
                 training, on the phones from the week of {} at the earliest",
                h.max_hires,
                h.queues.join(", "),
                h.recruit_weeks,
                h.train_weeks,
                h.earliest_productive_week
            );
        }
        None => out.push_str("  hiring: none\n"),
    }
    if s.partners.is_empty() {
        out.push_str("  partners: none\n");
    }
    for p in &s.partners {
        let _ = writeln!(
            out,
            "  partner {}: up to {} FTE on {}, {} weeks notice (from {})",
            p.name,
            fixed(p.max_fte, 1),
            p.queues.join(", "),
            p.notice_weeks,
            p.available_from
        );
    }
    if !s.whatifs.is_empty() {
        let _ = writeln!(out, "  what-ifs: {}", s.whatifs.join(", "));
    }
    for w in &s.warnings {
        let _ = writeln!(out, "  warning: {w}");
    }
    for p in &s.problems {
        let _ = writeln!(out, "  problem: {p}");
    }
}

fn queue(out: &mut String, q: &QueueSummary, look: Look) {
    let _ = writeln!(out, "queue {}", q.name);
    let aht = q
        .mean_aht_s
        .map(|a| format!(", mean AHT {} s", fixed(a, 1)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  {} contacts in {} intervals, {} to {}{aht}",
        fixed(q.total_volume, 2),
        q.slots,
        q.first_date,
        q.last_date
    );
    let _ = writeln!(
        out,
        "  days: {} open, {} at zero, {} closed (no rows)",
        q.days.open, q.days.zero, q.days.closed
    );
    let mut t =
        Table::new(["weekday", "days", "open", "first slot", "last slot"]);
    for w in &q.hours {
        t.row([
            w.weekday.clone(),
            w.days.to_string(),
            w.open_days.to_string(),
            w.first_slot.clone().unwrap_or_else(|| "-".into()),
            w.last_slot.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    for line in t.render_with(Look { width: None, ..look }).lines() {
        let _ = writeln!(out, "  {line}");
    }
    dates(out, "closed on a usually open weekday", &q.closed_days);
    dates(out, "at zero on a usually open weekday", &q.zero_days);
    if q.gaps.total > 0 {
        let _ = writeln!(
            out,
            "  gaps inside opening hours: {}",
            look.alert(&format!(
                "{} in {}",
                plural(q.gap_slots, "missing interval"),
                plural(q.gaps.total, "run")
            ))
        );
        for g in q.gaps.items.iter().take(SHOWN) {
            let n = plural(g.slots as usize, "interval");
            let _ = writeln!(out, "    {} {}-{} ({n})", g.date, g.from, g.to);
        }
        more(out, "    ", &q.gaps);
    } else {
        out.push_str("  gaps inside opening hours: none\n");
    }
    if q.spikes.total > 0 {
        let _ = writeln!(
            out,
            "  spikes above 5x the median of the same weekday and time: {}",
            q.spikes.total
        );
        for s in q.spikes.items.iter().take(SHOWN) {
            let _ = writeln!(
                out,
                "    {}  {} (median {}), line {}",
                s.start,
                fixed(s.volume, 2),
                fixed(s.median, 2),
                s.line
            );
        }
        more(out, "    ", &q.spikes);
    }
}

fn dates(out: &mut String, what: &str, list: &Listed<chrono::NaiveDate>) {
    if list.total == 0 {
        return;
    }
    let shown: Vec<String> =
        list.items.iter().take(SHOWN).map(|d| d.to_string()).collect();
    let rest = list.total - shown.len();
    let tail =
        if rest > 0 { format!(" and {rest} more") } else { String::new() };
    let _ =
        writeln!(out, "  {what}: {}: {}{tail}", list.total, shown.join(", "));
}

fn more<T>(out: &mut String, indent: &str, list: &Listed<T>) {
    let shown = list.items.len().min(SHOWN);
    if list.total > shown {
        let _ = writeln!(out, "{indent}... and {} more", list.total - shown);
    }
}

fn events(out: &mut String, e: &EventsSummary) {
    let span = match (e.first_date, e.last_date) {
        (Some(a), Some(b)) => format!(", {a} to {b}"),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "events {}: {}{span}, {} the history",
        e.file,
        plural(e.count, "event"),
        if e.within_history == 1 {
            "1 overlaps".to_string()
        } else {
            format!("{} overlap", e.within_history)
        }
    );
    let kinds: Vec<String> =
        e.kinds.iter().map(|k| format!("{} {}", k.kind, k.count)).collect();
    if !kinds.is_empty() {
        let _ = writeln!(out, "  {}", kinds.join(", "));
    }
}
