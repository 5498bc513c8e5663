//! SVG charts a planner reads at a glance.
//!
//! A chart is plain data: a [`Chart`] holds one [`Panel`] per queue,
//! stacked vertically, and each panel holds line series, shaded bands,
//! stacked areas, highlighted shortfalls and event markers on a time axis.
//! [`render_svg`] draws it with `plotters`' SVG backend into a
//! self-contained SVG document: white background, Okabe–Ito colour-blind
//! safe palette, ISO dates (`2025-11-28`), axis titles with units, one
//! legend under the chart title, and event names in lanes above each plot
//! so that no two labels overlap. Text stays text (`<text>` elements), so
//! no font is needed to build or render the file, and the same chart always
//! renders to the same bytes.
//!
//! The time axis is a type parameter: `Chart<NaiveDate>` for daily and
//! weekly views (a date covers its whole day), `Chart<NaiveDateTime>` for an
//! intraday view (local wall-clock time).
//!
//! Adapters build charts from peakplan's results:
//! [`forecast_daily_chart`], [`forecast_intraday_chart`], [`plan_chart`]
//! and [`backtest_chart`].

mod axis;
mod backtest;
mod forecast;
mod plan;
mod render;
pub mod simulate;

use std::fmt;
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

use crate::calendar::{Calendar, EventKind};
use crate::error::{Error, Result};

pub use backtest::{BacktestDay, backtest_chart};
pub use forecast::{
    DailyTotal, daily_totals, forecast_daily_chart, forecast_intraday_chart,
};
pub use plan::{PlanChartInterval, event_day_chart, plan_chart};

/// Default SVG width in pixels.
pub const WIDTH: u32 = 1200;
/// Default height of one panel (plot and its axes) in pixels.
pub const PANEL_HEIGHT: u32 = 320;

/// A chart: a title, a few lines of notes, and panels stacked vertically.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart<X> {
    /// Title at the top of the chart.
    pub title: String,
    /// Notes under the title, one per line (what the band means, the time
    /// zone, the source). May be empty.
    pub notes: Vec<String>,
    /// One panel per queue, drawn top to bottom.
    pub panels: Vec<Panel<X>>,
}

/// One plot: a time axis, a value axis starting at zero, and its series.
///
/// Layers are drawn back to front: event markers, bands, stacked areas,
/// shortfalls, lines.
#[derive(Clone, Debug, PartialEq)]
pub struct Panel<X> {
    /// Panel title (usually the queue and its headline figure).
    pub title: String,
    /// Title of the time axis, e.g. `date (Europe/Paris)`.
    pub x_label: String,
    /// Title of the value axis with its unit, e.g. `contacts per day`.
    pub y_label: String,
    /// When set, each value holds for this long from its time (a weekly
    /// plan: one value per Monday): series draw as steps and areas as
    /// blocks. When `None`, points are joined by straight lines.
    pub step: Option<TimeDelta>,
    /// The stretch of time to show, first and last day or instant
    /// (inclusive); `None` fits the data. Set it to show a whole requested
    /// horizon, or whole intervals on an intraday axis.
    pub x_range: Option<(X, X)>,
    /// Shaded ranges such as a p10–p90 band, drawn behind everything else.
    pub bands: Vec<Band<X>>,
    /// Areas stacked on top of each other, first one at the bottom (supply
    /// by source). A missing or non-finite value counts as zero.
    pub stack: Vec<Area<X>>,
    /// Ranges highlighted over the stacked areas (a staffing gap), in a
    /// warning colour.
    pub shortfalls: Vec<Band<X>>,
    /// Line series, drawn on top.
    pub lines: Vec<Line<X>>,
    /// Events: shaded day spans or vertical lines, with their names above
    /// the plot.
    pub markers: Vec<Marker<X>>,
}

impl<X> Panel<X> {
    /// An empty panel with these titles.
    pub fn new(
        title: impl Into<String>,
        x_label: impl Into<String>,
        y_label: impl Into<String>,
    ) -> Panel<X> {
        Panel {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            step: None,
            x_range: None,
            bands: vec![],
            stack: vec![],
            shortfalls: vec![],
            lines: vec![],
            markers: vec![],
        }
    }
}

/// A line series. A non-finite value breaks the line; points are joined in
/// the order given, so a NaN also separates, say, two backtest windows.
#[derive(Clone, Debug, PartialEq)]
pub struct Line<X> {
    /// Name shown in the legend.
    pub name: String,
    /// Colour.
    pub ink: Ink,
    /// Stroke width in pixels; 0 draws no line (dots only).
    pub width: u32,
    /// Dashed stroke, to tell a reference series apart without colour.
    pub dashed: bool,
    /// A dot on every point (observed values).
    pub dots: bool,
    /// Points `(time, value)`.
    pub points: Vec<(X, f64)>,
}

impl<X> Line<X> {
    /// A solid 2-pixel line.
    pub fn new(
        name: impl Into<String>,
        ink: Ink,
        points: Vec<(X, f64)>,
    ) -> Line<X> {
        Line {
            name: name.into(),
            ink,
            width: 2,
            dashed: false,
            dots: false,
            points,
        }
    }
}

/// A shaded range between a lower and an upper value. A non-finite bound
/// breaks the band.
#[derive(Clone, Debug, PartialEq)]
pub struct Band<X> {
    /// Name shown in the legend.
    pub name: String,
    /// Colour.
    pub ink: Ink,
    /// Fill opacity in `0..=1`.
    pub opacity: f64,
    /// Points `(time, low, high)`.
    pub points: Vec<(X, f64, f64)>,
}

/// One layer of a stacked area chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Area<X> {
    /// Name shown in the legend.
    pub name: String,
    /// Colour.
    pub ink: Ink,
    /// Points `(time, thickness of this layer)`.
    pub points: Vec<(X, f64)>,
}

/// An event on the time axis: a shaded span from `start` to `end`
/// (inclusive: on a daily axis both days are covered), or a vertical line
/// at `start` when `end` is `None`. Markers outside the plotted range are
/// left out, partly visible ones are clipped.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker<X> {
    /// Name written above the plot; empty for an unlabelled marker.
    pub label: String,
    /// Colour of the span or line.
    pub ink: Ink,
    /// First day or instant.
    pub start: X,
    /// Last day or instant, inclusive.
    pub end: Option<X>,
    /// Legend entry for this kind of marker (`peak event`, `closure`).
    pub legend: Option<String>,
}

/// The chart palette: Okabe & Ito's eight colours, distinguishable with
/// the common colour-vision deficiencies, plus a neutral grey.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ink {
    /// `#000000`: actual values, required staff.
    Black,
    /// `#E69F00`.
    Orange,
    /// `#56B4E9`.
    SkyBlue,
    /// `#009E73`.
    BluishGreen,
    /// `#F0E442`.
    Yellow,
    /// `#0072B2`: the forecast.
    Blue,
    /// `#D55E00`: warnings (staffing gaps).
    Vermillion,
    /// `#CC79A7`: peak events.
    ReddishPurple,
    /// `#8C8C8C`: closures and reference marks.
    Grey,
}

impl Ink {
    /// Red, green and blue components.
    pub fn rgb(self) -> (u8, u8, u8) {
        match self {
            Ink::Black => (0x00, 0x00, 0x00),
            Ink::Orange => (0xE6, 0x9F, 0x00),
            Ink::SkyBlue => (0x56, 0xB4, 0xE9),
            Ink::BluishGreen => (0x00, 0x9E, 0x73),
            Ink::Yellow => (0xF0, 0xE4, 0x42),
            Ink::Blue => (0x00, 0x72, 0xB2),
            Ink::Vermillion => (0xD5, 0x5E, 0x00),
            Ink::ReddishPurple => (0xCC, 0x79, 0xA7),
            Ink::Grey => (0x8C, 0x8C, 0x8C),
        }
    }

    /// The colour as SVG writes it, e.g. `#0072B2`.
    pub fn hex(self) -> String {
        let (r, g, b) = self.rgb();
        format!("#{r:02X}{g:02X}{b:02X}")
    }
}

/// A time axis: days (`NaiveDate`) or local wall-clock instants
/// (`NaiveDateTime`). Implemented by those two types only.
pub trait TimeAxis: Copy + Ord + fmt::Debug + sealed::Sealed {
    /// Where a point sits, in days since 1970-01-01: a date at its noon, an
    /// instant exactly.
    fn position(self) -> f64;
    /// Where a span starting here begins: a date at its midnight.
    fn span_start(self) -> f64;
    /// Where a span ending here (inclusive) ends: a date at the next
    /// midnight.
    fn span_end(self) -> f64;
}

/// Keeps [`TimeAxis`] implemented by the two types above only, and holds
/// how each chooses and labels its ticks (see `axis.rs`).
mod sealed {
    pub trait Sealed {
        /// Ticks for the range `lo..hi` (days), `px` pixels wide, for
        /// values that each hold `step` days (if any).
        fn ticks(
            lo: f64,
            hi: f64,
            px: f64,
            step: Option<f64>,
        ) -> super::axis::Ticks;
        /// The label of a tick at `pos`, knowing the plotted range.
        fn label(pos: f64, lo: f64, hi: f64) -> String;
    }
}

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();

impl TimeAxis for NaiveDate {
    fn position(self) -> f64 {
        self.span_start() + 0.5
    }

    fn span_start(self) -> f64 {
        (self - EPOCH).num_days() as f64
    }

    fn span_end(self) -> f64 {
        self.span_start() + 1.0
    }
}

impl TimeAxis for NaiveDateTime {
    fn position(self) -> f64 {
        let t = self - EPOCH.and_time(chrono::NaiveTime::MIN);
        t.num_seconds() as f64 / 86_400.0
    }

    fn span_start(self) -> f64 {
        self.position()
    }

    fn span_end(self) -> f64 {
        self.position()
    }
}

/// Why a chart could not be drawn.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChartError {
    /// Nothing to plot: no panel, or a panel without a single finite value.
    #[error("nothing to chart: {0}")]
    Empty(String),
    /// The requested size is too small to be readable or absurdly large.
    #[error("chart size {width}x{panel_height} is out of range: {expected}")]
    Size {
        /// Width asked for.
        width: u32,
        /// Panel height asked for.
        panel_height: u32,
        /// What is accepted.
        expected: &'static str,
    },
    /// The drawing backend failed (should not happen with an in-memory
    /// SVG).
    #[error("could not draw the chart: {0}")]
    Draw(String),
}

/// Renders `chart` as an SVG document `width` pixels wide. Every panel gets
/// `panel_height` pixels for its plot and axes, plus room for its title and
/// event labels, so the document grows with the number of panels.
///
/// # Errors
///
/// [`ChartError::Empty`] when the chart has no panel or a panel has no
/// finite value; [`ChartError::Size`] when `width` is outside 480..=8000 or
/// `panel_height` outside 160..=4000.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use peakplan::report::plot::{Chart, Ink, Line, Panel, render_svg};
///
/// let day = |d| NaiveDate::from_ymd_opt(2025, 11, d).unwrap();
/// let mut panel = Panel::new("main", "date", "contacts per day");
/// panel.lines.push(Line::new(
///     "forecast",
///     Ink::Blue,
///     vec![(day(27), 900.0), (day(28), 2100.0), (day(29), 1200.0)],
/// ));
/// let chart = Chart { title: "Forecast".into(), notes: vec![], panels: vec![panel] };
/// let svg = render_svg(&chart, 800, 240)?;
/// assert!(svg.starts_with("<svg"));
/// assert!(svg.contains("contacts per day"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render_svg<X: TimeAxis>(
    chart: &Chart<X>,
    width: u32,
    panel_height: u32,
) -> Result<String, ChartError> {
    render::render(chart, width, panel_height)
}

/// Renders `chart` at the default size and writes it to `path` atomically.
///
/// # Errors
///
/// A usage error (exit code 2) naming `path` when there is nothing to
/// chart; [`Error::Io`] when the file cannot be written.
pub fn write_svg<X: TimeAxis>(path: &Path, chart: &Chart<X>) -> Result<()> {
    let svg = render_svg(chart, WIDTH, PANEL_HEIGHT).map_err(|e| match e {
        ChartError::Draw(msg) => {
            Error::write(path, std::io::Error::other(msg))
        }
        e => Error::usage(format!("{}: {e}", path.display())),
    })?;
    crate::output::write_atomic(path, svg.as_bytes())
}

/// Groups `items` by queue, queues in order of first appearance.
fn by_queue<T>(
    items: &[T],
    queue: impl Fn(&T) -> &str,
) -> Vec<(&str, Vec<&T>)> {
    let mut out: Vec<(&str, Vec<&T>)> = vec![];
    for item in items {
        let q = queue(item);
        match out.iter_mut().find(|(name, _)| *name == q) {
            Some((_, v)) => v.push(item),
            None => out.push((q, vec![item])),
        }
    }
    out
}

/// The marker for a calendar event: closures in grey, others in purple.
fn event_marker(e: &crate::calendar::Event) -> Marker<NaiveDate> {
    let closure = e.kind == EventKind::Closure;
    Marker {
        label: e.name.clone(),
        ink: if closure { Ink::Grey } else { Ink::ReddishPurple },
        start: e.start,
        end: Some(e.end),
        legend: Some(
            if closure { "closure or public holiday" } else { "event" }
                .to_string(),
        ),
    }
}

/// Markers for the events of `calendar` that touch `queue` between `from`
/// and `to`.
fn event_markers(
    calendar: &Calendar,
    queue: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Marker<NaiveDate>> {
    calendar
        .events()
        .iter()
        .filter(|e| e.applies_to(queue) && e.end >= from && e.start <= to)
        .map(event_marker)
        .collect()
}

/// Test helpers shared by the chart modules.
#[cfg(test)]
pub(crate) mod testkit {
    use roxmltree::{Document, Node};

    /// Parses `svg`, panicking with the document on failure.
    pub fn parse(svg: &str) -> Document<'_> {
        match Document::parse(svg) {
            Ok(doc) => doc,
            Err(e) => panic!("invalid SVG ({e}):\n{svg}"),
        }
    }

    /// Every `<text>` content in document order.
    pub fn texts(doc: &Document<'_>) -> Vec<String> {
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| n.text().unwrap_or("").trim().to_string())
            .collect()
    }

    /// The panel groups, top to bottom.
    pub fn panels<'a>(doc: &'a Document<'a>) -> Vec<Node<'a, 'a>> {
        doc.descendants()
            .filter(|n| {
                n.has_tag_name("g") && n.attribute("class") == Some("panel")
            })
            .collect()
    }

    /// Elements named `tag` whose `attr` equals `value`, drawn inside the
    /// panels (so not the legend's swatches).
    pub fn drawn<'a>(
        doc: &'a Document<'a>,
        tag: &str,
        attr: &str,
        value: &str,
    ) -> Vec<Node<'a, 'a>> {
        panels(doc)
            .into_iter()
            .flat_map(|p| p.descendants())
            .filter(|n| {
                n.has_tag_name(tag) && n.attribute(attr) == Some(value)
            })
            .collect()
    }

    /// Number of points of a `<polyline>`.
    pub fn points(node: &Node<'_, '_>) -> usize {
        node.attribute("points").unwrap_or("").split_whitespace().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_svg_writes_a_file_or_names_it_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.svg");
        let day = NaiveDate::from_ymd_opt(2025, 11, 28).unwrap();
        let mut panel = Panel::new("main", "date", "contacts per day");
        panel.lines.push(Line::new("forecast", Ink::Blue, vec![(day, 3.0)]));
        let chart =
            Chart { title: "t".into(), notes: vec![], panels: vec![panel] };
        write_svg(&path, &chart).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        testkit::parse(&svg);

        let empty = Chart::<NaiveDate> { panels: vec![], ..chart };
        let err = write_svg(&path, &empty).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string().contains("plan.svg: nothing to chart"),
            "{err}"
        );
        // The good file is untouched.
        assert_eq!(std::fs::read_to_string(&path).unwrap(), svg);
    }

    #[test]
    fn palette_is_okabe_ito() {
        assert_eq!(Ink::Blue.hex(), "#0072B2");
        assert_eq!(Ink::Vermillion.hex(), "#D55E00");
        assert_eq!(Ink::ReddishPurple.hex(), "#CC79A7");
    }
}
