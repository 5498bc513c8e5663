//! Aligned text tables for people at a terminal.
//!
//! A column whose cells are all numbers (`n/a`, `-` and blanks aside) is
//! right-aligned, with its title; in other columns text is left-aligned
//! and numbers right-aligned. Columns
//! are two spaces apart, a dashed rule sits under the titles, and a totals
//! row, if any, sits under a second rule.
//!
//! [`Table::render`] gives plain text at natural width: the same bytes on
//! every run, for pipes and files. [`Table::render_with`] fits the table
//! to a terminal ([`Look`]): when the natural width is too wide, it first
//! hides the columns marked [`Table::droppable`], lowest priority first
//! (rank 1 goes first) and says which under the table; then it shortens
//! the one column marked [`Table::shrinkable`] (a free-text column such as
//! event names), cutting its cells with `…`. A table that still does not
//! fit is printed whole and the terminal wraps it: data is never silently
//! lost. With colour on, titles and totals are bold and rows or cells
//! marked with an [`Emphasis`] are coloured; the colour never carries
//! meaning alone.

use crate::report::term::{Emphasis, Look};

/// The narrowest a shrinkable column is cut to.
const MIN_SHRUNK: usize = 12;

/// A text table: titles, rows of cells, an optional totals row.
#[derive(Debug, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Row>,
    drop_rank: Vec<Option<u8>>,
    shrink: Option<usize>,
}

#[derive(Debug, Default)]
struct Row {
    cells: Vec<String>,
    emphasis: Emphasis,
    marks: Vec<(usize, Emphasis)>,
    total: bool,
}

impl Table {
    /// A table with these column titles (put units in them: `forecast
    /// (contacts)`, `wape (%)`).
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(
        header: I,
    ) -> Table {
        let header: Vec<String> = header.into_iter().map(Into::into).collect();
        let n = header.len();
        Table { header, rows: vec![], drop_rank: vec![None; n], shrink: None }
    }

    /// Appends a row; cells beyond the titles are ignored, missing cells
    /// are left blank.
    pub fn row<I: IntoIterator<Item = S>, S: Into<String>>(
        &mut self,
        cells: I,
    ) {
        self.row_with(cells, Emphasis::None);
    }

    /// Appends a row drawn with `emphasis` on a colour terminal.
    pub fn row_with<I: IntoIterator<Item = S>, S: Into<String>>(
        &mut self,
        cells: I,
        emphasis: Emphasis,
    ) {
        self.rows.push(Row {
            cells: cells.into_iter().map(Into::into).collect(),
            emphasis,
            ..Row::default()
        });
    }

    /// Marks cell `column` of the last row with `emphasis` (over the row's
    /// own).
    pub fn mark(&mut self, column: usize, emphasis: Emphasis) {
        if let Some(row) = self.rows.last_mut() {
            row.marks.push((column, emphasis));
        }
    }

    /// Appends a totals row, under a rule, bold on a colour terminal.
    pub fn total<I: IntoIterator<Item = S>, S: Into<String>>(
        &mut self,
        cells: I,
    ) {
        self.rows.push(Row {
            cells: cells.into_iter().map(Into::into).collect(),
            emphasis: Emphasis::Bold,
            marks: vec![],
            total: true,
        });
    }

    /// Lets column `column` be hidden when the terminal is too narrow;
    /// rank 1 is hidden first, then 2, and so on.
    pub fn droppable(&mut self, column: usize, rank: u8) -> &mut Table {
        if let Some(r) = self.drop_rank.get_mut(column) {
            *r = Some(rank);
        }
        self
    }

    /// Lets column `column` (free text) be cut short with `…` when the
    /// terminal is too narrow.
    pub fn shrinkable(&mut self, column: usize) -> &mut Table {
        self.shrink = Some(column);
        self
    }

    /// Plain text at natural width.
    pub fn render(&self) -> String {
        self.render_with(Look::PLAIN)
    }

    /// Text fitted to `look.width` and coloured if `look.colour` (see the
    /// module docs for the rules).
    pub fn render_with(&self, look: Look) -> String {
        let n = self.header.len();
        let cell = |row: &Row, c: usize| -> String {
            row.cells.get(c).cloned().unwrap_or_default()
        };
        let mut width: Vec<usize> =
            self.header.iter().map(|h| chars(h)).collect();
        for row in &self.rows {
            for (c, w) in width.iter_mut().enumerate() {
                *w = (*w).max(chars(&cell(row, c)));
            }
        }
        let numeric: Vec<bool> = (0..n)
            .map(|c| {
                let mut body = self
                    .rows
                    .iter()
                    .filter(|r| !r.total)
                    .map(|r| cell(r, c))
                    .filter(|s| !matches!(s.as_str(), "" | "-" | "n/a"))
                    .peekable();
                body.peek().is_some() && body.all(|s| looks_numeric(&s))
            })
            .collect();

        let mut shown: Vec<usize> = (0..n).collect();
        let mut hidden: Vec<usize> = vec![];
        let span = |shown: &[usize], width: &[usize]| -> usize {
            shown.iter().map(|&c| width[c]).sum::<usize>()
                + 2 * shown.len().saturating_sub(1)
        };
        if let Some(max) = look.width {
            let mut order: Vec<(u8, usize)> = self
                .drop_rank
                .iter()
                .enumerate()
                .filter_map(|(c, r)| r.map(|r| (r, c)))
                .collect();
            order.sort_unstable();
            for (_, c) in order {
                if span(&shown, &width) <= max {
                    break;
                }
                shown.retain(|&s| s != c);
                hidden.push(c);
            }
            if let Some(s) = self.shrink.filter(|s| shown.contains(s)) {
                let total = span(&shown, &width);
                if total > max {
                    let others = total - width[s];
                    let floor = MIN_SHRUNK.max(chars(&self.header[s]));
                    width[s] =
                        max.saturating_sub(others).max(floor).min(width[s]);
                }
            }
        }

        let mut out = String::new();
        let mut line = |cells: &[String], row: Option<&Row>, header: bool| {
            let mut text = String::new();
            for (i, &c) in shown.iter().enumerate() {
                let raw = cells.get(c).map(String::as_str).unwrap_or("");
                let shown_text = cut(raw, width[c]);
                let pad = width[c] - chars(&shown_text);
                let emphasis = if header {
                    Emphasis::Bold
                } else {
                    row.map_or(Emphasis::None, |r| {
                        r.marks
                            .iter()
                            .rev()
                            .find(|(m, _)| *m == c)
                            .map_or(r.emphasis, |(_, e)| *e)
                    })
                };
                let painted = look.paint(emphasis, &shown_text);
                if i > 0 {
                    text.push_str("  ");
                }
                // A number column is right-aligned whole, title too; in a
                // mixed column (a key-value table) numbers still are.
                if numeric[c] || (!header && looks_numeric(&shown_text)) {
                    text.extend(std::iter::repeat_n(' ', pad));
                    text.push_str(&painted);
                } else {
                    text.push_str(&painted);
                    text.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        let rule: Vec<String> = width.iter().map(|w| "-".repeat(*w)).collect();
        line(&self.header, None, true);
        line(&rule, None, false);
        let mut after_total = false;
        for row in &self.rows {
            if row.total && !after_total {
                line(&rule, None, false);
            }
            after_total = row.total;
            line(&row.cells, Some(row), false);
        }
        if !hidden.is_empty() {
            let names: Vec<&str> =
                hidden.iter().map(|&c| self.header[c].as_str()).collect();
            let note = format!(
                "(hidden to fit: {}; widen the terminal or use --format csv)",
                names.join(", ")
            );
            out.push_str(&look.paint(Emphasis::Dim, &note));
            out.push('\n');
        }
        out
    }
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// `s` cut to `width` characters, the last one replaced by `…` when cut.
fn cut(s: &str, width: usize) -> String {
    if chars(s) <= width {
        return s.to_string();
    }
    let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// A number, possibly with a unit after it: `12.5`, `80 %`, `15.4 s`,
/// `191100 €`.
fn looks_numeric(cell: &str) -> bool {
    let t = cell.trim_end_matches(['%', 's', '€']).trim_end();
    !t.is_empty() && t.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_text_left_and_numbers_right() {
        let mut t = Table::new(["queue", "agents"]);
        t.row(["commandes", "14"]);
        t.row(["sav", "7"]);
        assert_eq!(
            t.render(),
            "queue      agents\n---------  ------\ncommandes      14\nsav             7\n"
        );
    }

    #[test]
    fn a_totals_row_sits_under_a_rule_and_n_a_keeps_numbers_right() {
        let mut t = Table::new(["queue", "contacts", "wape (%)"]);
        t.row(["sav", "120", "n/a"]);
        t.row(["commandes", "1300 €", "12.5"]);
        t.total(["total", "1420", ""]);
        insta::assert_snapshot!(t.render(), @r"
        queue      contacts  wape (%)
        ---------  --------  --------
        sav             120       n/a
        commandes    1300 €      12.5
        ---------  --------  --------
        total          1420
        ");
    }

    fn wide() -> Table {
        let mut t = Table::new(["date", "queue", "forecast", "p10", "events"]);
        t.droppable(3, 1).shrinkable(4);
        t.row(["2025-11-28", "sav", "2100", "1900", "Black Friday, Soldes"]);
        t.row(["2025-11-29", "sav", "1500", "1300", ""]);
        t
    }

    #[test]
    fn a_narrow_terminal_hides_then_shortens_columns() {
        let t = wide();
        let natural = t.render();
        assert!(natural.lines().all(|l| l.chars().count() <= 58), "{natural}");
        // Wide enough: the same text as a pipe gets.
        let look = Look { colour: false, width: Some(80) };
        assert_eq!(t.render_with(look), natural);
        // 46 columns: p10 goes, events are cut.
        let look = Look { colour: false, width: Some(46) };
        insta::assert_snapshot!(t.render_with(look), @r"
        date        queue  forecast  events
        ----------  -----  --------  -----------------
        2025-11-28  sav        2100  Black Friday, So…
        2025-11-29  sav        1500
        (hidden to fit: p10; widen the terminal or use --format csv)
        ");
        // Far too narrow: printed whole rather than mangled further.
        let look = Look { colour: false, width: Some(10) };
        let text = t.render_with(look);
        assert!(text.contains("2025-11-28  sav        2100  Black Frida…"));
    }

    #[test]
    fn colour_wraps_cells_without_moving_columns() {
        let mut t = Table::new(["day", "gap"]);
        t.row(["mon", "0"]);
        t.row(["tue", "3"]);
        t.mark(1, Emphasis::Alert);
        let look = Look { colour: true, width: None };
        let text = t.render_with(look);
        assert!(text.contains("tue    \x1b[31m3\x1b[0m"), "{text:?}");
        assert!(text.starts_with("\x1b[1mday\x1b[0m"), "{text:?}");
        let plain: String = strip(&text);
        assert_eq!(plain, t.render());
    }

    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut esc = false;
        for ch in s.chars() {
            match (esc, ch) {
                (false, '\x1b') => esc = true,
                (true, 'm') => esc = false,
                (true, _) => {}
                (false, c) => out.push(c),
            }
        }
        out
    }
}
