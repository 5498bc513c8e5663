//! What the terminal can show: colour and width.
//!
//! Tables are fitted and coloured only for a person at a terminal. Output
//! that goes to a pipe, a file or `--out` is plain text, the same bytes on
//! every run, whatever the terminal, so that cron jobs and `diff` can rely
//! on it.
//!
//! Colour is used when stdout is a terminal, `NO_COLOR` is unset or empty
//! (<https://no-color.org>) and `TERM` is not `dumb`. The width is
//! `COLUMNS` when set to a number, else the terminal's own width.

use std::io::IsTerminal;

/// How to draw text for its reader.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Look {
    /// Use ANSI colours and bold.
    pub colour: bool,
    /// Fit tables to this many columns; `None` never fits.
    pub width: Option<usize>,
}

impl Look {
    /// Plain text at natural width: for pipes, files and tests.
    pub const PLAIN: Look = Look { colour: false, width: None };

    /// The look for stdout: plain unless stdout is a terminal.
    pub fn stdout() -> Look {
        let width = terminal_size::terminal_size().map(|(w, _)| w.0 as usize);
        Look::decide(
            std::io::stdout().is_terminal(),
            std::env::var_os("NO_COLOR").as_deref(),
            std::env::var_os("TERM").as_deref(),
            std::env::var("COLUMNS").ok().as_deref(),
            width,
        )
    }

    /// The look for writing to `out`: a file is always plain.
    pub fn for_output(out: Option<&std::path::Path>) -> Look {
        match out {
            Some(p) if p != std::path::Path::new("-") => Look::PLAIN,
            _ => Look::stdout(),
        }
    }

    /// The decision, from the facts (separate from the environment so it
    /// can be tested).
    pub fn decide(
        terminal: bool,
        no_color: Option<&std::ffi::OsStr>,
        term: Option<&std::ffi::OsStr>,
        columns: Option<&str>,
        detected: Option<usize>,
    ) -> Look {
        if !terminal {
            return Look::PLAIN;
        }
        let colour = no_color.is_none_or(|v| v.is_empty())
            && term.is_none_or(|t| t != "dumb");
        let width = columns
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|w| *w > 0)
            .or(detected);
        Look { colour, width }
    }

    /// `text` in bold, if colour is on.
    pub fn bold(self, text: &str) -> String {
        self.paint(Emphasis::Bold, text)
    }

    /// `text` in red, if colour is on.
    pub fn alert(self, text: &str) -> String {
        self.paint(Emphasis::Alert, text)
    }

    /// `text` with `emphasis`, if colour is on (and unchanged otherwise).
    pub fn paint(self, emphasis: Emphasis, text: &str) -> String {
        match (self.colour, emphasis.code()) {
            (true, Some(code)) if !text.is_empty() => {
                format!("\x1b[{code}m{text}\x1b[0m")
            }
            _ => text.to_string(),
        }
    }
}

/// How a cell or row stands out on a colour terminal. Without colour it
/// looks like any other text, so it must never carry meaning alone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Emphasis {
    /// Normal text.
    #[default]
    None,
    /// Bold: event days, totals, headers.
    Bold,
    /// Red: gaps, misses, unusable input.
    Alert,
    /// Faint: closed days, secondary lines.
    Dim,
}

impl Emphasis {
    fn code(self) -> Option<&'static str> {
        match self {
            Emphasis::None => None,
            Emphasis::Bold => Some("1"),
            Emphasis::Alert => Some("31"),
            Emphasis::Dim => Some("2"),
        }
    }
}

/// Whether progress may be drawn on stderr: a terminal, and not `--quiet`.
/// Progress is never drawn into a file or pipe, so captured logs hold only
/// whole lines.
pub fn progress_allowed(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

/// One status line on stderr, redrawn in place: a progress bar or the
/// name of the stage running. Drawn only on a terminal and without
/// `--quiet`; cleared when the work is done, so the terminal keeps only
/// the real messages.
#[derive(Clone, Copy, Debug)]
pub struct Status {
    on: bool,
}

impl Status {
    /// A status line, shown only if `progress_allowed(quiet)`.
    pub fn new(quiet: bool) -> Status {
        Status { on: progress_allowed(quiet) }
    }

    /// A status line that never shows.
    pub fn off() -> Status {
        Status { on: false }
    }

    /// Shows `text` in place of the previous status.
    pub fn show(&self, text: &str) {
        if self.on {
            use std::io::Write as _;
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2Kpeakplan: {text}");
            let _ = err.flush();
        }
    }

    /// Shows a bar: `label [=====     ] done/total`.
    pub fn bar(&self, label: &str, done: usize, total: usize) {
        if self.on {
            self.show(&format!("{label} {}", bar(done, total, 24)));
        }
    }

    /// Erases the status line.
    pub fn clear(&self) {
        if self.on {
            eprint!("\r\x1b[2K");
        }
    }
}

/// `[=====     ] 3/10`, `slots` characters between the brackets.
pub fn bar(done: usize, total: usize, slots: usize) -> String {
    let filled = (done.min(total) * slots).checked_div(total).unwrap_or(slots);
    format!(
        "[{}{}] {done}/{total}",
        "=".repeat(filled),
        " ".repeat(slots - filled)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn bars_fill_in_proportion() {
        assert_eq!(bar(0, 4, 8), "[        ] 0/4");
        assert_eq!(bar(1, 4, 8), "[==      ] 1/4");
        assert_eq!(bar(4, 4, 8), "[========] 4/4");
        assert_eq!(bar(0, 0, 4), "[====] 0/0");
    }

    use std::ffi::OsStr;

    use super::*;

    #[test]
    fn a_pipe_is_always_plain() {
        let look = Look::decide(false, None, None, Some("40"), Some(80));
        assert_eq!(look, Look::PLAIN);
        assert_eq!(look.bold("x"), "x");
    }

    #[test]
    fn no_color_and_dumb_terminals_turn_colour_off() {
        let on = Look::decide(true, None, None, None, Some(80));
        assert_eq!(on, Look { colour: true, width: Some(80) });
        assert_eq!(on.alert("gap"), "\x1b[31mgap\x1b[0m");
        let set = Some(OsStr::new("1"));
        assert!(!Look::decide(true, set, None, None, None).colour);
        // An empty NO_COLOR does not count (no-color.org).
        assert!(
            Look::decide(true, Some(OsStr::new("")), None, None, None).colour
        );
        let dumb = Some(OsStr::new("dumb"));
        assert!(!Look::decide(true, None, dumb, None, None).colour);
    }

    #[test]
    fn columns_overrides_the_detected_width() {
        let look = Look::decide(true, None, None, Some("100"), Some(80));
        assert_eq!(look.width, Some(100));
        let look = Look::decide(true, None, None, Some("wide"), Some(80));
        assert_eq!(look.width, Some(80));
        assert_eq!(Look::decide(true, None, None, None, None).width, None);
    }
}
