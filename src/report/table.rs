//! Plain aligned text tables for people at a terminal.

/// A text table: a header, rows of cells, right-aligned numbers.
#[derive(Debug, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column titles.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(
        header: I,
    ) -> Table {
        Table {
            header: header.into_iter().map(Into::into).collect(),
            rows: vec![],
        }
    }

    /// Appends a row; cells beyond the header are ignored, missing cells are
    /// left blank.
    pub fn row<I: IntoIterator<Item = S>, S: Into<String>>(
        &mut self,
        cells: I,
    ) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// Renders the table with two spaces between columns. Cells that look
    /// like numbers are right-aligned, text is left-aligned.
    pub fn render(&self) -> String {
        let n = self.header.len();
        let mut width: Vec<usize> =
            self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (w, cell) in width.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let line = |cells: &[String], out: &mut String| {
            let mut text = String::new();
            for (i, w) in width.iter().enumerate().take(n) {
                let cell = cells.get(i).map(String::as_str).unwrap_or("");
                let pad = w - cell.chars().count();
                if i > 0 {
                    text.push_str("  ");
                }
                if looks_numeric(cell) {
                    text.extend(std::iter::repeat_n(' ', pad));
                    text.push_str(cell);
                } else {
                    text.push_str(cell);
                    text.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        line(&self.header, &mut out);
        let rule: Vec<String> = width.iter().map(|w| "-".repeat(*w)).collect();
        line(&rule, &mut out);
        for row in &self.rows {
            line(row, &mut out);
        }
        out
    }
}

fn looks_numeric(cell: &str) -> bool {
    let t = cell.trim_end_matches(['%', 's']);
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
}
