//! The peakplan side of `benches/peers/run_peers.py`: solves every interval
//! of an input file (one volume per line, 30-minute intervals, AHT 300 s,
//! 80 % within 20 s), repeatedly for at least a second, and prints the
//! solves per second; the agents found go to the output file, one per line.
//!
//! ```text
//! cargo run --release --example erlang_peers -- volumes.txt agents.txt
//! ```

use std::time::{Duration, Instant};

use peakplan::erlang::{Params, Target, required_agents};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (input, output) = match (args.next(), args.next()) {
        (Some(i), Some(o)) => (i, o),
        _ => return Err("usage: erlang_peers VOLUMES_FILE AGENTS_FILE".into()),
    };
    let volumes: Vec<f64> = std::fs::read_to_string(&input)?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().parse())
        .collect::<Result<_, _>>()?;
    let target = Target::service_level(0.8, 20.0)?;
    let params: Vec<Params> = volumes
        .iter()
        .map(|&v| Params::new(v, 1800.0, 300.0))
        .collect::<Result<_, _>>()?;
    let solve_all = || -> Vec<u64> {
        params.iter().map(|p| required_agents(p, &target).agents).collect()
    };
    let agents = solve_all();
    let start = Instant::now();
    let mut rounds = 0u64;
    while start.elapsed() < Duration::from_secs(1) {
        std::hint::black_box(solve_all());
        rounds += 1;
    }
    let rate =
        (rounds as f64 * params.len() as f64) / start.elapsed().as_secs_f64();
    let text: String = agents.iter().map(|a| format!("{a}\n")).collect();
    std::fs::write(&output, text)?;
    println!("{rate}");
    Ok(())
}
