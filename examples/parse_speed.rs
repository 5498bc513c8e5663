//! Measures how fast the history reader parses, in MB/s.
//!
//! ```text
//! cargo run --release --example parse_speed            # generated 100 MB files
//! cargo run --release --example parse_speed -- 300     # 300 MB instead
//! cargo run --release --example parse_speed -- FILE... # your own files (Europe/Paris)
//! cargo run --release --example parse_speed -- --keep DIR [MB]  # keep the files
//! cargo run --release --example parse_speed -- --keep DIR --layout iso-offset --generate 1000
//! ```
//!
//! `--layout NAME` writes only that layout; `--generate` writes the files
//! (into `--keep DIR`) without reading them, for benches that time the
//! whole command (`benches/history_big.sh`).
//!
//! Each file is read three times and the best run is reported, as wall
//! time and, on Linux, as CPU time of the whole process (user + system,
//! every thread: the reader parses blocks on all cores; the fairer figure
//! on a busy machine).
//!
//! The generated files hold 100 queues of 15-minute intervals, one row per
//! queue and interval in time order (as contact-center exports write
//! them), in three layouts: ISO 8601 with offsets, naive local times, and
//! French Excel (`;`, `DD/MM/YYYY` split date and time, decimal commas).

mod common;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{Duration, NaiveDate, TimeZone};
use peakplan::inputs::history::{self, HistoryOptions};

const QUEUES: usize = 100;

const LAYOUTS: [&str; 3] = ["iso-offset", "naive", "fr-excel"];

/// Removes `flag` from `args`, saying whether it was there.
fn take_flag(args: &mut Vec<String>, flag: &str) -> bool {
    let before = args.len();
    args.retain(|a| a != flag);
    args.len() != before
}

/// Removes `flag VALUE` from `args`, returning the value.
fn take_value(args: &mut Vec<String>, flag: &str) -> Option<String> {
    let i = args.iter().position(|a| a == flag)?;
    if i + 1 >= args.len() {
        return None;
    }
    let value = args.remove(i + 1);
    args.remove(i);
    Some(value)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let keep = take_value(&mut args, "--keep").map(PathBuf::from);
    let generate_only = take_flag(&mut args, "--generate");
    let layouts: Vec<String> = match take_value(&mut args, "--layout") {
        Some(l) if LAYOUTS.contains(&l.as_str()) => vec![l],
        Some(l) => {
            return Err(format!(
                "unknown layout {l:?}, expected one of {LAYOUTS:?}"
            )
            .into());
        }
        None => LAYOUTS.iter().map(|l| l.to_string()).collect(),
    };
    let files: Vec<(String, PathBuf)>;
    let _tmp;
    if args.iter().any(|a| Path::new(a).is_file()) {
        files = args.iter().map(|a| (a.clone(), PathBuf::from(a))).collect();
    } else {
        let mb: usize = args.first().map_or(Ok(100), |a| a.parse())?;
        let tmp = tempfile::tempdir()?;
        let dir = keep.unwrap_or_else(|| tmp.path().to_path_buf());
        std::fs::create_dir_all(&dir)?;
        let mut list = vec![];
        for layout in &layouts {
            let path = dir.join(format!("{layout}.csv"));
            generate(&path, layout, mb * 1_000_000)?;
            list.push((layout.to_string(), path));
        }
        files = list;
        _tmp = tmp;
    }
    if generate_only {
        for (_, path) in &files {
            println!("{}", path.display());
        }
        return Ok(());
    }
    println!(
        "{:<12} {:>7} {:>9} {:>8} {:>8} {:>8} {:>8}",
        "layout", "MB", "rows", "wall s", "MB/s", "cpu s", "MB/s"
    );
    for (name, path) in &files {
        let bytes = std::fs::metadata(path)?.len() as f64 / 1e6;
        let (mut wall, mut cpu) = (f64::INFINITY, f64::INFINITY);
        let mut rows = 0;
        for _ in 0..3 {
            let (t, c0) = (Instant::now(), common::cpu_seconds());
            let (h, report) =
                history::read_with_report(path, &HistoryOptions::default())?;
            wall = wall.min(t.elapsed().as_secs_f64());
            if let (Some(c0), Some(c1)) = (c0, common::cpu_seconds()) {
                cpu = cpu.min(c1 - c0);
            }
            rows = report.rows;
            std::hint::black_box(h);
        }
        let (cpu_s, cpu_rate) = if cpu.is_finite() {
            (format!("{cpu:.3}"), format!("{:.0}", bytes / cpu))
        } else {
            ("-".to_string(), "-".to_string())
        };
        println!(
            "{name:<12} {bytes:>7.1} {rows:>9} {wall:>8.3} {:>8.0} \
             {cpu_s:>8} {cpu_rate:>8}",
            bytes / wall
        );
    }
    Ok(())
}

/// Writes about `size` bytes of history in `layout`.
fn generate(path: &Path, layout: &str, size: usize) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let header = match layout {
        "fr-excel" => "\u{feff}Date;Time;Queue;Volume;AHT_s\r\n",
        _ => "interval_start,queue,volume,aht_s\n",
    };
    out.write_all(header.as_bytes())?;
    let mut written = header.len();
    let tz = chrono_tz::Europe::Paris;
    let start = NaiveDate::from_ymd_opt(2023, 1, 2)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("valid date");
    let mut line = String::new();
    let mut seed: u64 = 42;
    'outer: for i in 0.. {
        let local = start + Duration::minutes(15 * i);
        // Skip the hour clocks skip; write the repeated hour once.
        let Some(t) = tz.from_local_datetime(&local).earliest() else {
            continue;
        };
        for q in 0..QUEUES {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            let volume = (seed >> 33) % 400;
            let aht = 180.0 + ((seed >> 20) % 3000) as f64 / 10.0;
            line.clear();
            let _ = match layout {
                "iso-offset" => writeln!(
                    line,
                    "{},queue_{q:02},{volume},{aht}",
                    t.format("%Y-%m-%dT%H:%M:%S%:z")
                ),
                "naive" => writeln!(
                    line,
                    "{},queue_{q:02},{volume},{aht}",
                    local.format("%Y-%m-%d %H:%M")
                ),
                _ => write!(
                    line,
                    "{};{};queue_{q:02};{volume};{}\r\n",
                    local.format("%d/%m/%Y"),
                    local.format("%H:%M:%S"),
                    aht.to_string().replace('.', ",")
                ),
            };
            out.write_all(line.as_bytes())?;
            written += line.len();
            if written >= size {
                break 'outer;
            }
        }
    }
    out.flush()
}
