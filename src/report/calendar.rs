//! The output of `peakplan calendar`: one row per event, `name,kind,start,
//! end`, sorted as given; JSON adds each event's `queues` and `uplift`.

use serde_json::Value;

use crate::calendar::{Event, EventKind};
use crate::error::Result;
use crate::report::csv::CsvWriter;
use crate::report::table::Table;
use crate::report::term::{Emphasis, Look};
use crate::report::{Dialect, Render};

/// The events of a calendar listing, in each format.
#[derive(Clone, Copy, Debug)]
pub struct CalendarReport<'a>(pub &'a [&'a Event]);

const HEADER: [&str; 4] = ["name", "kind", "start", "end"];

impl Render for CalendarReport<'_> {
    /// One row per event; on a colour terminal closures are faint, and
    /// the name column is cut short on a narrow one.
    fn table(&self, look: Look) -> String {
        let mut t = Table::new(HEADER);
        t.shrinkable(0);
        for e in self.0 {
            let closure = e.kind == EventKind::Closure;
            t.row_with(
                [
                    e.name.clone(),
                    e.kind.to_string(),
                    e.start.to_string(),
                    e.end.to_string(),
                ],
                if closure { Emphasis::Dim } else { Emphasis::None },
            );
        }
        t.render_with(look)
    }

    fn csv(&self, dialect: Dialect) -> Result<Vec<u8>> {
        let mut out = CsvWriter::new(Vec::new(), dialect, &HEADER)?;
        for e in self.0 {
            out.text(&e.name)?.show(e.kind)?.show(e.start)?.show(e.end)?;
            out.end()?;
        }
        out.finish()
    }

    fn json(&self) -> Value {
        serde_json::to_value(self.0).unwrap_or(Value::Null)
    }

    fn json_bytes(&self) -> Result<Vec<u8>> {
        super::json_bytes(&self.0)
    }
}
