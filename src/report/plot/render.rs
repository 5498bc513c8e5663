//! Drawing a [`Chart`] with plotters' SVG backend.
//!
//! Layout, top to bottom: the chart title, its notes, one legend for every
//! panel, then each panel: its title, the lanes of event labels, the plot
//! with its axes. Series are first turned into plain polylines and polygons
//! in data coordinates ([`Geometry`]), then drawn; event labels are placed
//! greedily in as many lanes as it takes for none to overlap.

use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};

use super::axis::{Ticks, ValueScale, decimals_for, number};
use super::{Chart, ChartError, Ink, Panel, TimeAxis};

const MARGIN: i32 = 16;
const Y_AREA: i32 = 84;
const X_AREA: i32 = 48;
const PLOT_TOP: i32 = 6;
const PLOT_BOTTOM: i32 = 4;
const PANEL_TITLE_H: i32 = 30;
const LANE_H: i32 = 15;
const LEGEND_ROW_H: i32 = 20;
const SWATCH_W: i32 = 26;
const FONT: &str = "sans-serif";
const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);

/// A text style of `px` pixels. plotters' SVG backend writes
/// `font-size = size / 1.24`; the sizes used here survive the round trip
/// exactly, so the SVG says `font-size="12"`.
fn font(px: f64, bold: bool) -> TextStyle<'static> {
    let style = if bold { FontStyle::Bold } else { FontStyle::Normal };
    (FONT, px * 1.24, style).into_font().color(&TEXT)
}

/// Rough rendered width of `text`: about 0.58 em per character in a
/// sans-serif face. Used only to keep labels apart, so it errs wide.
fn text_px(text: &str, px: f64) -> i32 {
    (text.chars().count() as f64 * px * 0.58).ceil() as i32
}

fn rgb(ink: Ink) -> RGBColor {
    let (r, g, b) = ink.rgb();
    RGBColor(r, g, b)
}

fn draw_err<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// A linear axis with the ticks chosen in [`super::axis`]: labelled
/// (bold) grid lines at `major`, light ones at `minor`.
struct TickedAxis {
    lo: f64,
    hi: f64,
    ticks: Ticks,
}

impl Ranged for TickedAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.hi - self.lo;
        if span <= 0.0 || !value.is_finite() {
            return limit.0;
        }
        let t = ((value - self.lo) / span).clamp(-1.0, 2.0);
        limit.0 + (t * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.ticks.minor.clone()
        } else {
            self.ticks.major.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

/// A panel's series as polylines and polygons in data coordinates
/// (x in days since 1970-01-01).
#[derive(Debug)]
struct Geometry {
    lo: f64,
    hi: f64,
    step: Option<f64>,
    y: ValueScale,
    /// Half-width of the bar drawn for an isolated band point.
    bar: f64,
    polygons: Vec<(Vec<(f64, f64)>, RGBAColor)>,
    shortfalls: Vec<(Vec<(f64, f64)>, RGBAColor)>,
    bands: Vec<(Vec<(f64, f64)>, RGBAColor)>,
    lines: Vec<LineGeometry>,
    spans: Vec<(f64, f64, Ink)>,
    rules: Vec<(f64, Ink)>,
    labels: Vec<(f64, String, Ink)>,
}

#[derive(Debug)]
struct LineGeometry {
    ink: Ink,
    width: u32,
    dashed: bool,
    dots: bool,
    runs: Vec<Vec<(f64, f64)>>,
}

/// Cells a panel's values occupy: `(start, end, centre)` in days, clipped
/// to `range` once it is known.
struct Cells {
    step: Option<f64>,
    range: (f64, f64),
}

impl Cells {
    fn of<X: TimeAxis>(&self, x: X) -> (f64, f64, f64) {
        match self.step {
            Some(step) => {
                let s = x.span_start();
                (s, s + step, s + step / 2.0)
            }
            None => (x.span_start(), x.span_end(), x.position()),
        }
    }

    /// The cell of `x` clipped to the range, or `None` when it lies
    /// outside.
    fn visible<X: TimeAxis>(&self, x: X) -> Option<(f64, f64, f64)> {
        let (s, e, c) = self.of(x);
        let (lo, hi) = self.range;
        let inside = match self.step {
            Some(_) => e > lo && s < hi,
            None => c >= lo && c <= hi,
        };
        inside.then(|| (s.max(lo), e.min(hi), c))
    }
}

/// Splits `(x, value)` points into runs of finite values. With steps, each
/// value becomes a flat segment over its cell and a run also breaks where
/// cells are not adjacent.
fn runs<X: TimeAxis>(
    points: impl Iterator<Item = (X, f64)>,
    cells: &Cells,
) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![];
    let mut current: Vec<(f64, f64)> = vec![];
    let mut last_end = f64::NAN;
    for (x, y) in points {
        let Some((s, e, c)) = cells.visible(x) else {
            out.extend(
                (!current.is_empty()).then(|| std::mem::take(&mut current)),
            );
            continue;
        };
        if !y.is_finite() {
            out.extend(
                (!current.is_empty()).then(|| std::mem::take(&mut current)),
            );
            continue;
        }
        match cells.step {
            Some(_) => {
                if (s - last_end).abs() > 1e-6 && !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                current.push((s, y));
                current.push((e, y));
                last_end = e;
            }
            None => current.push((c, y)),
        }
    }
    out.extend((!current.is_empty()).then_some(current));
    out
}

/// A closed outline between `low` and `high` over the same x values.
fn outline(low: &[(f64, f64)], high: &[(f64, f64)]) -> Vec<(f64, f64)> {
    high.iter().copied().chain(low.iter().rev().copied()).collect()
}

/// The outline of a band; an isolated point (a single day) becomes a
/// narrow bar so that it stays visible.
fn band_polygons<X: TimeAxis>(
    points: &[(X, f64, f64)],
    cells: &Cells,
    bar: f64,
) -> Vec<Vec<(f64, f64)>> {
    let lows = runs(points.iter().map(|&(x, lo, hi)| (x, ok(lo, hi))), cells);
    let highs = runs(points.iter().map(|&(x, lo, hi)| (x, ok(hi, lo))), cells);
    lows.iter()
        .zip(&highs)
        .map(|(low, high)| match (low.as_slice(), high.as_slice()) {
            ([(x, lo)], [(_, hi)]) => {
                let w = bar;
                vec![(x - w, *hi), (x + w, *hi), (x + w, *lo), (x - w, *lo)]
            }
            _ => outline(low, high),
        })
        .collect()
}

/// `a` when both bounds are finite, NaN otherwise (so that both runs of a
/// band break at the same places).
fn ok(a: f64, b: f64) -> f64 {
    if a.is_finite() && b.is_finite() { a } else { f64::NAN }
}

fn extend_range(range: &mut Option<(f64, f64)>, lo: f64, hi: f64) {
    *range = Some(match *range {
        Some((a, b)) => (a.min(lo), b.max(hi)),
        None => (lo, hi),
    });
}

fn prepare<X: TimeAxis>(panel: &Panel<X>) -> Result<Geometry, ChartError> {
    let step = panel.step.map(|s| s.num_seconds() as f64 / 86_400.0);
    let all = (f64::NEG_INFINITY, f64::INFINITY);
    let mut cells = Cells { step, range: all };

    // Stacked areas: cumulative sums over the union of times.
    let mut cum: BTreeMap<X, Vec<f64>> = BTreeMap::new();
    let n = panel.stack.len();
    for (i, area) in panel.stack.iter().enumerate() {
        for &(x, v) in &area.points {
            let row = cum.entry(x).or_insert_with(|| vec![0.0; n]);
            if v.is_finite() {
                row[i] += v;
            }
        }
    }
    for row in cum.values_mut() {
        for i in 1..n {
            row[i] += row[i - 1];
        }
    }

    // Every finite value, to fit the axes.
    let mut values: Vec<(X, f64)> = vec![];
    for line in &panel.lines {
        values.extend(line.points.iter().copied());
    }
    for band in panel.bands.iter().chain(&panel.shortfalls) {
        for &(x, lo, hi) in &band.points {
            values.push((x, ok(lo, hi)));
            values.push((x, ok(hi, lo)));
        }
    }
    for (&x, row) in &cum {
        values.extend(row.iter().map(|&y| (x, y)));
        values.push((x, 0.0));
    }
    values.retain(|(_, y)| y.is_finite());
    let mut xr: Option<(f64, f64)> = None;
    for &(x, _) in &values {
        let (s, e, _) = cells.of(x);
        extend_range(&mut xr, s, e);
    }
    if let (Some(_), Some((a, b))) = (xr, panel.x_range) {
        xr = Some((a.span_start(), b.span_end().max(a.span_start())));
    }
    let Some((mut lo, mut hi)) = xr else {
        return Err(ChartError::Empty(format!(
            "panel {:?} has no finite value to plot",
            panel.title
        )));
    };
    if hi - lo < 1e-9 {
        // A single instant: show an hour either side.
        lo -= 1.0 / 24.0;
        hi += 1.0 / 24.0;
    }
    cells.range = (lo, hi);
    let mut yr: Option<(f64, f64)> = None;
    for &(x, y) in &values {
        if cells.visible(x).is_some() {
            extend_range(&mut yr, y, y);
        }
    }
    let (ymin, ymax) = yr.unwrap_or((0.0, 1.0));
    let mut g = Geometry {
        lo,
        hi,
        step,
        y: super::axis::value_scale(ymin, ymax),
        bar: ((hi - lo) * 0.01).min(0.2),
        polygons: vec![],
        shortfalls: vec![],
        bands: vec![],
        lines: vec![],
        spans: vec![],
        rules: vec![],
        labels: vec![],
    };

    for band in &panel.bands {
        let fill = rgb(band.ink).mix(band.opacity.clamp(0.0, 1.0));
        for poly in band_polygons(&band.points, &cells, g.bar) {
            g.bands.push((poly, fill));
        }
    }
    for band in &panel.shortfalls {
        let fill = rgb(band.ink).mix(band.opacity.clamp(0.0, 1.0));
        for poly in band_polygons(&band.points, &cells, g.bar) {
            g.shortfalls.push((poly, fill));
        }
    }
    for (i, area) in panel.stack.iter().enumerate() {
        let layer = |k: Option<usize>| {
            let pts = cum
                .iter()
                .map(move |(&x, row)| (x, k.map_or(0.0, |k| row[k])));
            runs(pts, &cells)
        };
        let fill = rgb(area.ink).mix(0.85);
        for (low, high) in layer(i.checked_sub(1)).iter().zip(&layer(Some(i)))
        {
            g.polygons.push((outline(low, high), fill));
        }
    }
    for line in &panel.lines {
        g.lines.push(LineGeometry {
            ink: line.ink,
            width: line.width,
            dashed: line.dashed,
            dots: line.dots,
            runs: runs(line.points.iter().copied(), &cells),
        });
    }
    for m in &panel.markers {
        let s = m.start.span_start();
        match m.end {
            Some(end) => {
                let e = end.span_end().max(s);
                if e <= lo || s >= hi {
                    continue;
                }
                g.spans.push((s.max(lo), e.min(hi), m.ink));
            }
            None => {
                if s < lo || s > hi {
                    continue;
                }
                g.rules.push((s, m.ink));
            }
        }
        if !m.label.trim().is_empty() {
            g.labels.push((s.max(lo), m.label.trim().to_string(), m.ink));
        }
    }
    Ok(g)
}

/// An event label placed in a lane.
#[derive(Debug, PartialEq)]
struct Placed {
    lane: i32,
    /// Pixel x of the marker (the leader line).
    anchor: i32,
    /// Left edge of the text.
    left: i32,
    text: String,
    ink: Ink,
}

const LANE_FONT: f64 = 11.0;
const LANE_GAP: i32 = 8;

/// Places labels greedily, sorted by position. Each goes in the first
/// existing lane (from the top) where
///
/// 1. it clears every label of that lane by `LANE_GAP` pixels,
/// 2. its leader, which runs down to the plot, crosses no label below, and
/// 3. no leader from a label above crosses its text;
///
/// failing that, in the first lane where (1) holds, and only then in a new
/// lane: dense calendars stay compact, and the few leaders that must cross
/// a label pass behind its white box. The text starts just right of its
/// marker, or ends just left of it when it would run off the chart.
fn place_labels(
    labels: &[(f64, String, Ink)],
    to_px: impl Fn(f64) -> i32,
    right_edge: i32,
) -> Vec<Placed> {
    let mut order: Vec<_> = labels.iter().collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let mut placed: Vec<Placed> = vec![];
    for (x, text, ink) in order {
        let anchor = to_px(*x);
        let w = text_px(text, LANE_FONT);
        let left = if anchor + 3 + w > right_edge {
            anchor - 3 - w
        } else {
            anchor + 3
        };
        let (lo, hi) = (left.min(anchor), (left + w).max(anchor));
        let fits = |lane: i32, strict: bool| {
            placed.iter().all(|p| {
                let (p_lo, p_hi) = (
                    p.left.min(p.anchor),
                    p.left + text_px(&p.text, LANE_FONT),
                );
                let p_hi = p_hi.max(p.anchor);
                if p.lane == lane {
                    p_hi + LANE_GAP <= lo || hi + LANE_GAP <= p_lo
                } else if !strict {
                    true
                } else if p.lane > lane {
                    !(p.left - 2..=p_hi + 2).contains(&anchor)
                } else {
                    !(left - 2..=left + w + 2).contains(&p.anchor)
                }
            })
        };
        let lanes = placed.iter().map(|p| p.lane + 1).max().unwrap_or(0);
        let lane = (0..lanes)
            .find(|&l| fits(l, true))
            .or_else(|| (0..lanes).find(|&l| fits(l, false)))
            .unwrap_or(lanes);
        placed.push(Placed {
            lane,
            anchor,
            left,
            text: text.clone(),
            ink: *ink,
        });
    }
    placed
}

/// One legend entry: a name and how its swatch looks.
#[derive(Clone, Debug, PartialEq)]
enum Swatch {
    Line { ink: Ink, width: u32, dashed: bool, dots: bool },
    Fill { ink: Ink, opacity: f64 },
}

fn legend<X>(chart: &Chart<X>) -> Vec<(String, Swatch)> {
    let mut out: Vec<(String, Swatch)> = vec![];
    let mut add = |name: &str, swatch: Swatch| {
        if !name.is_empty() && !out.iter().any(|(n, _)| n == name) {
            out.push((name.to_string(), swatch));
        }
    };
    for p in &chart.panels {
        for l in &p.lines {
            add(
                &l.name,
                Swatch::Line {
                    ink: l.ink,
                    width: l.width,
                    dashed: l.dashed,
                    dots: l.dots,
                },
            );
        }
    }
    for p in &chart.panels {
        for s in &p.shortfalls {
            add(&s.name, Swatch::Fill { ink: s.ink, opacity: s.opacity });
        }
        for a in p.stack.iter().rev() {
            add(&a.name, Swatch::Fill { ink: a.ink, opacity: 0.85 });
        }
        for b in &p.bands {
            add(&b.name, Swatch::Fill { ink: b.ink, opacity: b.opacity });
        }
    }
    for p in &chart.panels {
        for m in &p.markers {
            let swatch = match m.end {
                Some(_) => Swatch::Fill { ink: m.ink, opacity: 0.3 },
                None => Swatch::Line {
                    ink: m.ink,
                    width: 1,
                    dashed: false,
                    dots: false,
                },
            };
            if let Some(name) = &m.legend {
                add(name, swatch);
            }
        }
    }
    out
}

const LEGEND_FONT: f64 = 12.0;

/// Legend entries laid out left to right, wrapping: `(row, x)` of each.
fn legend_layout(entries: &[(String, Swatch)], width: i32) -> Vec<(i32, i32)> {
    let mut row = 0;
    let mut x = MARGIN;
    entries
        .iter()
        .map(|(name, _)| {
            // Legend gaps need no safety margin: estimate closer.
            let text =
                (name.chars().count() as f64 * LEGEND_FONT * 0.52) as i32;
            let w = SWATCH_W + 6 + text + 22;
            if x > MARGIN && x + w > width - MARGIN {
                row += 1;
                x = MARGIN;
            }
            let at = (row, x);
            x += w;
            at
        })
        .collect()
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

fn draw_swatch(
    root: &Area<'_>,
    x: i32,
    y: i32,
    swatch: &Swatch,
) -> Result<(), ChartError> {
    match *swatch {
        Swatch::Line { ink, width, dashed, dots } => {
            let style = rgb(ink).stroke_width(width.max(1));
            if width > 0 {
                let segs: &[(i32, i32)] =
                    if dashed { &[(0, 9), (13, 22)] } else { &[(0, 22)] };
                for &(a, b) in segs {
                    root.draw(&PathElement::new(
                        vec![(x + a + 2, y), (x + b + 2, y)],
                        style,
                    ))
                    .map_err(draw_err)?;
                }
            }
            if dots {
                root.draw(&Circle::new((x + 13, y), 3, rgb(ink).filled()))
                    .map_err(draw_err)?;
            }
        }
        Swatch::Fill { ink, opacity } => {
            root.draw(&Rectangle::new(
                [(x, y - 6), (x + SWATCH_W - 4, y + 6)],
                rgb(ink).mix(opacity.clamp(0.15, 1.0)).filled(),
            ))
            .map_err(draw_err)?;
        }
    }
    Ok(())
}

struct PanelLayout {
    geometry: Geometry,
    placed: Vec<Placed>,
    lanes: i32,
}

pub(super) fn render<X: TimeAxis>(
    chart: &Chart<X>,
    width: u32,
    panel_height: u32,
) -> Result<String, ChartError> {
    if !(480..=8000).contains(&width) || !(160..=4000).contains(&panel_height)
    {
        return Err(ChartError::Size {
            width,
            panel_height,
            expected: "width 480..=8000 and panel height 160..=4000 pixels",
        });
    }
    if chart.panels.is_empty() {
        return Err(ChartError::Empty("the chart has no panel".to_string()));
    }
    let w = width as i32;
    let ph = panel_height as i32;
    let plot_left = MARGIN + Y_AREA;
    let plot_right = w - MARGIN;

    let mut layouts = vec![];
    for panel in &chart.panels {
        let geometry = prepare(panel)?;
        let (lo, hi) = (geometry.lo, geometry.hi);
        let to_px = |x: f64| {
            plot_left
                + ((x - lo) / (hi - lo) * f64::from(plot_right - plot_left))
                    .round() as i32
        };
        let placed = place_labels(&geometry.labels, to_px, w - 4);
        let lanes = placed.iter().map(|p| p.lane + 1).max().unwrap_or(0);
        layouts.push(PanelLayout { geometry, placed, lanes });
    }

    let entries = legend(chart);
    let slots = legend_layout(&entries, w);
    let notes_top = 44;
    let legend_top = notes_top + 18 * chart.notes.len() as i32 + 6;
    let legend_rows = slots.last().map_or(0, |s| s.0 + 1);
    let header_h = legend_top + LEGEND_ROW_H * legend_rows + 6;
    let panel_h = |l: &PanelLayout| PANEL_TITLE_H + l.lanes * LANE_H + ph;
    let total_h = header_h + layouts.iter().map(panel_h).sum::<i32>() + 8;

    let header = with_svg(width, header_h, |root| {
        let top_left = Pos::new(HPos::Left, VPos::Top);
        root.draw(&Text::new(
            chart.title.clone(),
            (MARGIN, 14),
            font(20.0, true).pos(top_left),
        ))
        .map_err(draw_err)?;
        for (i, note) in chart.notes.iter().enumerate() {
            let style = font(12.0, false).color(&MUTED).pos(top_left);
            root.draw(&Text::new(
                note.clone(),
                (MARGIN, notes_top + 18 * i as i32),
                style,
            ))
            .map_err(draw_err)?;
        }
        for ((name, swatch), (row, x)) in entries.iter().zip(&slots) {
            let y = legend_top + row * LEGEND_ROW_H + LEGEND_ROW_H / 2;
            draw_swatch(root, *x, y, swatch)?;
            let style = font(LEGEND_FONT, false)
                .pos(Pos::new(HPos::Left, VPos::Center));
            root.draw(&Text::new(name.clone(), (x + SWATCH_W + 4, y), style))
                .map_err(draw_err)?;
        }
        Ok(())
    })?;

    // Each part is its own plotters document, nested in the chart's, so
    // that the file keeps its structure: a header, then one group per
    // panel (`<g class="panel">` with a `<title>` naming it).
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" \
         height=\"{total_h}\" viewBox=\"0 0 {width} {total_h}\">\n\
         <title>{}</title>\n\
         <rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{total_h}\" \
         fill=\"#FFFFFF\"/>\n<g class=\"header\">\n{header}</g>\n",
        escape(&chart.title)
    );
    let mut top = header_h;
    for (panel, layout) in chart.panels.iter().zip(&layouts) {
        let h = panel_h(layout);
        let body =
            with_svg(width, h, |root| draw_panel(root, panel, layout, w, ph))?;
        svg.push_str(&format!(
            "<g class=\"panel\" transform=\"translate(0,{top})\">\n\
             <title>{}</title>\n{body}</g>\n",
            escape(&panel.title)
        ));
        top += h;
    }
    svg.push_str("</svg>\n");
    Ok(svg)
}

/// Draws with `draw` on a fresh plotters SVG document `width` × `height`.
fn with_svg(
    width: u32,
    height: i32,
    draw: impl FnOnce(&Area<'_>) -> Result<(), ChartError>,
) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let size = (width, height.max(1) as u32);
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root)?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// `text` with XML's five special characters escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn draw_panel<X: TimeAxis>(
    root: &Area<'_>,
    panel: &Panel<X>,
    layout: &PanelLayout,
    w: i32,
    ph: i32,
) -> Result<(), ChartError> {
    let g = &layout.geometry;
    let top_left = Pos::new(HPos::Left, VPos::Top);
    root.draw(&Text::new(
        panel.title.clone(),
        (MARGIN, 8),
        font(16.0, true).pos(top_left),
    ))
    .map_err(draw_err)?;
    let lanes_top = PANEL_TITLE_H;
    let plot_top = lanes_top + layout.lanes * LANE_H;

    let area = root.clone().shrink((0, plot_top), (w, ph));
    let y = &g.y;
    let plot_px = f64::from(w - 2 * MARGIN - Y_AREA);
    let (lo, hi) = (g.lo, g.hi);
    let ticks = X::ticks(lo, hi, plot_px, g.step);
    let x_range = TickedAxis { lo, hi, ticks };
    let y_ticks = Ticks { major: y.ticks.clone(), minor: vec![] };
    let y_range = TickedAxis { lo: y.lo, hi: y.hi, ticks: y_ticks };
    let mut ctx = ChartBuilder::on(&area)
        .margin_left(MARGIN)
        .margin_right(MARGIN)
        .margin_top(PLOT_TOP)
        .margin_bottom(PLOT_BOTTOM)
        .x_label_area_size(X_AREA)
        .y_label_area_size(Y_AREA)
        .build_cartesian_2d(x_range, y_range)
        .map_err(draw_err)?;
    let decimals = decimals_for(y.step);
    let x_fmt = |v: &f64| X::label(*v, lo, hi);
    let y_fmt = |v: &f64| number(*v, decimals);
    ctx.configure_mesh()
        .x_desc(panel.x_label.as_str())
        .y_desc(panel.y_label.as_str())
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style(font(12.0, false))
        .axis_desc_style(font(14.0, false))
        .bold_line_style(RGBColor(0xD4, 0xD4, 0xD4).stroke_width(1))
        .light_line_style(RGBColor(0xEE, 0xEE, 0xEE).stroke_width(1))
        .axis_style(RGBColor(0x59, 0x59, 0x59).stroke_width(1))
        .draw()
        .map_err(draw_err)?;

    for &(s, e, ink) in &g.spans {
        let rect = Rectangle::new(
            [(s, y.hi), (e, y.lo)],
            rgb(ink).mix(0.16).filled(),
        );
        ctx.draw_series(std::iter::once(rect)).map_err(draw_err)?;
    }
    for &(x, ink) in &g.rules {
        // Dashed, so that a rule never reads as a grid line.
        let rule = DashedLineSeries::new(
            [(x, y.lo), (x, y.hi)],
            6,
            4,
            rgb(ink).stroke_width(2),
        );
        ctx.draw_series(rule).map_err(draw_err)?;
    }
    for (poly, fill) in g.bands.iter().chain(&g.polygons).chain(&g.shortfalls)
    {
        ctx.draw_series(std::iter::once(Polygon::new(
            poly.clone(),
            fill.filled(),
        )))
        .map_err(draw_err)?;
    }
    for line in &g.lines {
        let style = rgb(line.ink).stroke_width(line.width.max(1));
        for run in &line.runs {
            if line.width > 0 && run.len() > 1 {
                if line.dashed {
                    ctx.draw_series(DashedLineSeries::new(
                        run.iter().copied(),
                        8,
                        5,
                        style,
                    ))
                    .map_err(draw_err)?;
                } else {
                    ctx.draw_series(LineSeries::new(
                        run.iter().copied(),
                        style,
                    ))
                    .map_err(draw_err)?;
                }
            }
            // An isolated point would draw nothing as a line: dot it.
            if line.dots || run.len() == 1 {
                let r = if line.dots { 3 } else { line.width.max(2) + 1 };
                let dots = run
                    .iter()
                    .map(|&p| Circle::new(p, r, rgb(line.ink).filled()));
                ctx.draw_series(dots).map_err(draw_err)?;
            }
        }
    }

    // Event labels in their lanes, each tied to its marker by a leader.
    // Leaders first, then each text on a white box, so that a leader that
    // has to cross a lower label passes behind it.
    let plot_y0 = plot_top + PLOT_TOP;
    for p in &layout.placed {
        let lane_y = lanes_top + p.lane * LANE_H;
        let leader = rgb(p.ink).mix(0.8).stroke_width(1);
        root.draw(&PathElement::new(
            vec![(p.anchor, lane_y + 2), (p.anchor, plot_y0)],
            leader,
        ))
        .map_err(draw_err)?;
    }
    for p in &layout.placed {
        let lane_y = lanes_top + p.lane * LANE_H;
        let right = p.left + text_px(&p.text, LANE_FONT) - 4;
        root.draw(&Rectangle::new(
            [(p.left - 1, lane_y + 1), (right, lane_y + LANE_H - 1)],
            WHITE.filled(),
        ))
        .map_err(draw_err)?;
        let style = font(LANE_FONT, false).pos(top_left);
        root.draw(&Text::new(p.text.clone(), (p.left, lane_y + 1), style))
            .map_err(draw_err)?;
    }
    // A strip along the top edge of the plot for every span, so that an
    // event stays visible where opaque areas cover its shading.
    for &(s, e, ink) in &g.spans {
        let (x0, _) = ctx.backend_coord(&(s, y.hi));
        let (x1, _) = ctx.backend_coord(&(e, y.hi));
        let x1 = x1.max(x0 + 3);
        let strip = Rectangle::new(
            [(x0, plot_y0 - 5), (x1, plot_y0 - 1)],
            rgb(ink).filled(),
        );
        root.draw(&strip).map_err(draw_err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

    use super::*;
    use crate::report::plot::testkit::{drawn, panels, parse, texts};
    use crate::report::plot::{Area as Layer, Band, Line, Marker};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 11, d).unwrap()
    }

    fn sample(queues: usize) -> Chart<NaiveDate> {
        let panels = (0..queues)
            .map(|q| {
                let mut p = Panel::new(
                    format!("queue {q}"),
                    "date",
                    "contacts per day",
                );
                let pts: Vec<_> =
                    (1..=30).map(|d| (day(d), 100.0 + f64::from(d))).collect();
                p.lines.push(Line::new("forecast", Ink::Blue, pts.clone()));
                p.bands.push(Band {
                    name: "p10–p90".into(),
                    ink: Ink::Blue,
                    opacity: 0.2,
                    points: pts
                        .iter()
                        .map(|&(x, y)| (x, y - 10.0, y + 10.0))
                        .collect(),
                });
                p.markers.push(Marker {
                    label: "Soldes & <promo> \"VIP\"".into(),
                    ink: Ink::ReddishPurple,
                    start: day(10),
                    end: Some(day(12)),
                    legend: None,
                });
                p
            })
            .collect();
        Chart {
            title: "Demo & co".into(),
            notes: vec!["a note".into()],
            panels,
        }
    }

    fn height(svg: &str) -> u32 {
        let doc = parse(svg);
        doc.root_element().attribute("height").unwrap().parse().unwrap()
    }

    #[test]
    fn special_characters_are_escaped_and_the_height_grows() {
        let one = render(&sample(1), 1000, 300).unwrap();
        let three = render(&sample(3), 1000, 300).unwrap();
        let doc = parse(&three);
        assert_eq!(panels(&doc).len(), 3);
        assert!(texts(&doc).iter().any(|t| t == "Soldes & <promo> \"VIP\""));
        assert!(height(&three) > height(&one) + 2 * 300);
        // Determinism: same chart, same bytes.
        assert_eq!(three, render(&sample(3), 1000, 300).unwrap());
    }

    #[test]
    fn bad_sizes_and_empty_charts_are_errors_not_panics() {
        assert!(matches!(
            render(&sample(1), 100, 300),
            Err(ChartError::Size { .. })
        ));
        assert!(matches!(
            render(&sample(1), 1000, 10),
            Err(ChartError::Size { .. })
        ));
        let none = Chart::<NaiveDate> {
            title: "x".into(),
            notes: vec![],
            panels: vec![],
        };
        assert!(matches!(render(&none, 1000, 300), Err(ChartError::Empty(_))));
        let mut nan = sample(1);
        for l in &mut nan.panels[0].lines {
            l.points.iter_mut().for_each(|p| p.1 = f64::NAN);
        }
        nan.panels[0].bands.clear();
        let err = render(&nan, 1000, 300).unwrap_err();
        assert!(err.to_string().contains("queue 0"), "{err}");
    }

    #[test]
    fn data_outside_the_range_is_left_out() {
        let mut chart = sample(1);
        chart.panels[0].x_range = Some((day(5), day(9)));
        let svg = render(&chart, 1000, 300).unwrap();
        let doc = parse(&svg);
        let line = drawn(&doc, "polyline", "stroke", &Ink::Blue.hex());
        assert_eq!(line.len(), 1);
        assert_eq!(crate::report::plot::testkit::points(&line[0]), 5);
        // The marker (days 10–12) is outside: no label.
        assert!(!texts(&doc).iter().any(|t| t.starts_with("Soldes")));
    }

    #[test]
    fn stacked_areas_pile_up_and_nan_counts_as_zero() {
        let mut p = Panel::new("plan", "week", "FTE");
        p.step = Some(TimeDelta::days(7));
        let weeks = [day(3), day(10), day(17)];
        p.stack.push(Layer {
            name: "a".into(),
            ink: Ink::Blue,
            points: weeks.iter().map(|&w| (w, 10.0)).collect(),
        });
        p.stack.push(Layer {
            name: "b".into(),
            ink: Ink::SkyBlue,
            points: vec![(day(3), 5.0), (day(10), f64::NAN), (day(17), 5.0)],
        });
        let g = prepare(&p).unwrap();
        let top = g.polygons[1].0.iter().map(|&(_, y)| y).fold(0.0, f64::max);
        assert_eq!(top, 15.0);
        assert!(g.y.hi >= 15.0);
        let chart =
            Chart { title: "t".into(), notes: vec![], panels: vec![p] };
        let svg = render(&chart, 900, 240).unwrap();
        assert_eq!(
            drawn(&parse(&svg), "polygon", "fill", &Ink::SkyBlue.hex()).len(),
            1
        );
    }

    #[test]
    fn one_instant_renders_with_an_hour_either_side() {
        let at = day(28).and_hms_opt(11, 0, 0).unwrap();
        let mut p = Panel::<NaiveDateTime>::new("main", "time", "contacts");
        p.lines.push(Line::new("forecast", Ink::Blue, vec![(at, 12.0)]));
        let chart =
            Chart { title: "t".into(), notes: vec![], panels: vec![p] };
        let svg = render(&chart, 900, 240).unwrap();
        let doc = parse(&svg);
        assert!(texts(&doc).iter().any(|t| t == "11:00"), "{:?}", texts(&doc));
        assert_eq!(drawn(&doc, "circle", "fill", &Ink::Blue.hex()).len(), 1);
    }

    #[test]
    fn labels_never_overlap_in_a_lane() {
        let labels: Vec<(f64, String, Ink)> = (0..12)
            .map(|i| {
                (
                    f64::from(i) * 2.0,
                    format!("Event number {i}"),
                    Ink::ReddishPurple,
                )
            })
            .collect();
        let placed = place_labels(&labels, |x| 100 + (x * 20.0) as i32, 800);
        assert!(placed.iter().map(|p| p.lane).max().unwrap() >= 1);
        // Dense labels stay compact.
        assert!(placed.iter().map(|p| p.lane).max().unwrap() <= 3);
    }

    #[test]
    fn leaders_avoid_lower_labels_when_they_can() {
        let at = |x: f64, t: &str| (x, t.to_string(), Ink::ReddishPurple);
        // B overlaps A, so it goes below; C is clear of both.
        let labels = [
            at(100.0, "Soldes d'hiver"),
            at(150.0, "Saint-Valentin"),
            at(300.0, "Pâques"),
        ];
        let placed = place_labels(&labels, |x| x as i32, 1000);
        let lanes: Vec<i32> = placed.iter().map(|p| p.lane).collect();
        assert_eq!(lanes, [0, 1, 0]);
        for a in &placed {
            for b in placed.iter().filter(|b| b.lane > a.lane) {
                let b1 = b.left + text_px(&b.text, LANE_FONT);
                assert!(!(b.left..=b1).contains(&a.anchor), "{a:?} {b:?}");
            }
        }
        for a in &placed {
            for b in &placed {
                if a != b && a.lane == b.lane {
                    let (a0, a1) =
                        (a.left, a.left + text_px(&a.text, LANE_FONT));
                    let (b0, b1) =
                        (b.left, b.left + text_px(&b.text, LANE_FONT));
                    assert!(
                        a1 + LANE_GAP <= b0 || b1 + LANE_GAP <= a0,
                        "{a:?} {b:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_label_at_the_right_edge_ends_at_its_marker() {
        let labels = vec![(10.0, "Noël".to_string(), Ink::ReddishPurple)];
        let placed = place_labels(&labels, |_| 795, 800);
        assert!(placed[0].left + text_px("Noël", LANE_FONT) <= 795);
    }

    #[test]
    fn runs_break_on_nan_and_steps_on_holes() {
        use chrono::NaiveDate;
        let d = |day| NaiveDate::from_ymd_opt(2025, 11, day).unwrap();
        let pts =
            vec![(d(1), 1.0), (d(2), f64::NAN), (d(3), 2.0), (d(4), 3.0)];
        let all = (f64::NEG_INFINITY, f64::INFINITY);
        let got = runs(pts.into_iter(), &Cells { step: None, range: all });
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].len(), 2);
        let weekly = vec![(d(3), 1.0), (d(10), 2.0), (d(24), 3.0)];
        let got =
            runs(weekly.into_iter(), &Cells { step: Some(7.0), range: all });
        assert_eq!(got.iter().map(Vec::len).collect::<Vec<_>>(), [4, 2]);
    }
}
