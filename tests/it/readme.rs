//! The README's figures about the bundled data, recomputed.
//!
//! A figure is tagged in README.md by an HTML comment right after it, which
//! Markdown does not show:
//!
//! ```text
//! total €795,910<!-- figure: plan /totals/cost € -->
//! 12.2<!-- figure: backtest /metrics[method=peakplan,scope=all,queue=all]/wape %.1 --> % WAPE
//! ```
//!
//! - the source: `plan` is `summary.json` of
//!   `peakplan plan --scenario data/scenario.toml`; `backtest` is
//!   `peakplan backtest --history data/history.csv --events data/events.csv
//!   --format json`; `simulate` is `peakplan simulate --runs 200 --seed
//!   7 --days 2025-11-28..2025-12-01 --format json` on that plan;
//! - a path into that JSON: `/`-separated keys, and `key[a=b,c=d]` for the
//!   first element of an array whose fields match;
//! - the format: `€` (whole euros, `,` between thousands), `.N` (N
//!   decimals) or `%.N` (a share as a percentage with N decimals).
//!
//! This test runs each source once and fails on any figure that differs:
//! whoever changes what the program prints updates the README in the same
//! change.

use std::path::Path;

use serde_json::Value;

use crate::util::peakplan;

const TAG: &str = "<!-- figure: ";

/// One tagged figure: what the README says and where it comes from.
#[derive(Debug)]
struct Figure {
    line: usize,
    shown: String,
    source: String,
    path: String,
    format: String,
}

fn figures(readme: &str) -> Vec<Figure> {
    let mut out = vec![];
    for (i, line) in readme.lines().enumerate() {
        let mut rest = line;
        let mut before = 0;
        while let Some(at) = rest.find(TAG) {
            let head = &line[..before + at];
            let shown: String = head
                .chars()
                .rev()
                .take_while(|c| !c.is_whitespace() && !"(`*".contains(*c))
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let body = &rest[at + TAG.len()..];
            // A tag in inline code documents the syntax.
            let quoted = head.ends_with('`');
            let end = body.find("-->").unwrap_or_else(|| {
                panic!("README.md:{}: a figure tag without -->", i + 1)
            });
            let words: Vec<&str> = body[..end].split_whitespace().collect();
            let [source, path, format] = words[..] else {
                panic!("README.md:{}: expected SOURCE PATH FORMAT", i + 1)
            };
            if !quoted {
                out.push(Figure {
                    line: i + 1,
                    shown,
                    source: source.into(),
                    path: path.into(),
                    format: format.into(),
                });
            }
            before += at + TAG.len() + end;
            rest = &line[before..];
        }
    }
    out
}

fn run(source: &str, dir: &Path) -> Value {
    let mut cmd = peakplan();
    cmd.arg("--no-config");
    let stdout =
        match source {
            "plan" => {
                cmd.args([
                    "plan",
                    "--scenario",
                    "data/scenario.toml",
                    "--out-dir",
                ])
                .arg(dir.join("plan"));
                cmd.assert().success();
                let text =
                    std::fs::read(dir.join("plan/summary.json")).unwrap();
                return serde_json::from_slice(&text).unwrap();
            }
            "backtest" => {
                cmd.args(["backtest", "--history", "data/history.csv"])
                    .args(["--events", "data/events.csv", "--format", "json"]);
                cmd.assert().success().get_output().stdout.clone()
            }
            "simulate" => {
                // On the bundled plan, which the `plan` source writes.
                let plan = dir.join("plan");
                if !plan.exists() {
                    run("plan", dir);
                }
                cmd.args(["simulate", "--plan"]).arg(&plan).args([
                    "--runs",
                    "200",
                    "--seed",
                    "7",
                    "--days",
                    "2025-11-28..2025-12-01",
                    "--format",
                    "json",
                ]);
                cmd.assert().success().get_output().stdout.clone()
            }
            other => panic!("unknown figure source {other:?}"),
        };
    serde_json::from_slice(&stdout).unwrap()
}

/// Follows `path` (see the module documentation) into `value`.
fn lookup<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    let mut here = value;
    for step in path.trim_start_matches('/').split('/') {
        let (key, filter) = match step.split_once('[') {
            Some((key, filter)) => (key, Some(filter.trim_end_matches(']'))),
            None => (step, None),
        };
        here = here.get(key)?;
        if let Some(filter) = filter {
            let wanted: Vec<(&str, &str)> = filter
                .split(',')
                .filter_map(|kv| kv.split_once('='))
                .collect();
            here = here.as_array()?.iter().find(|item| {
                wanted.iter().all(|(k, v)| {
                    item.get(*k).and_then(Value::as_str) == Some(*v)
                })
            })?;
        }
    }
    Some(here)
}

fn format(x: f64, format: &str) -> String {
    let decimals = |spec: &str| spec.parse::<usize>().unwrap_or(0);
    if format == "€" {
        let whole = format!("{:.0}", x.abs());
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let sign = if x < 0.0 { "-" } else { "" };
        format!("{sign}€{grouped}")
    } else if let Some(spec) = format.strip_prefix("%.") {
        format!("{:.*}", decimals(spec), x * 100.0)
    } else if let Some(spec) = format.strip_prefix('.') {
        format!("{:.*}", decimals(spec), x)
    } else {
        panic!("unknown figure format {format:?}")
    }
}

#[test]
fn formats_and_lookups() {
    assert_eq!(format(795_910.18, "€"), "€795,910");
    assert_eq!(format(23_793.75, "€"), "€23,794");
    assert_eq!(format(366.4, "€"), "€366");
    assert_eq!(format(0.12167, "%.1"), "12.2");
    assert_eq!(format(67.24, ".1"), "67.2");
    let v: Value =
        serde_json::json!({"m": [{"a": "x", "w": 1}, {"a": "y", "w": 2}]});
    assert_eq!(lookup(&v, "/m[a=y]/w"), Some(&Value::from(2)));
    assert_eq!(lookup(&v, "/m[a=z]/w"), None);
    assert!(figures("see `<!-- figure: plan /t € -->`").is_empty());
    let tagged = figures(
        "total €1,234<!-- figure: plan /t € --> and (5.5<!-- figure: plan /u .1 --> FTE)",
    );
    assert_eq!(tagged.len(), 2);
    assert_eq!(
        (tagged[0].shown.as_str(), tagged[1].shown.as_str()),
        ("€1,234", "5.5")
    );
}

#[test]
fn every_figure_the_readme_quotes_is_what_the_program_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let tagged = figures(&readme);
    assert!(
        tagged.iter().any(|f| f.source == "plan"),
        "the README's plan figures are tagged"
    );
    let dir = tempfile::tempdir().unwrap();
    let mut sources: Vec<&str> =
        tagged.iter().map(|f| f.source.as_str()).collect();
    sources.sort_unstable();
    sources.dedup();
    let outputs: Vec<(&str, Value)> =
        sources.iter().map(|s| (*s, run(s, dir.path()))).collect();
    let mut wrong = vec![];
    for f in &tagged {
        let value = &outputs.iter().find(|(s, _)| *s == f.source).unwrap().1;
        let x = lookup(value, &f.path).and_then(Value::as_f64).unwrap_or_else(
            || {
                panic!(
                    "README.md:{}: {} has no number at {}",
                    f.line, f.source, f.path
                )
            },
        );
        let expected = format(x, &f.format);
        if f.shown != expected {
            wrong.push(format!(
                "README.md:{}: says {}, {} {} gives {expected}",
                f.line, f.shown, f.source, f.path
            ));
        }
    }
    assert!(wrong.is_empty(), "update the README:\n{}", wrong.join("\n"));
}
