#!/usr/bin/env bash
# Whole-CLI timings on the bundled data with hyperfine (apt-get install hyperfine).
# Usage: bash benches/cli.sh   (from the repository root; builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
P=./target/release/peakplan
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
hyperfine -N --warmup 2 --runs 10 \
  "$P --no-config validate --history data/history.csv --events data/events.csv" \
  "$P --no-config forecast --history data/history.csv --events data/events.csv --from 2025-11-01 --to 2025-12-31 --out $out/forecast.csv" \
  "$P --no-config backtest --history data/history.csv --events data/events.csv" \
  "$P --no-config plan --scenario data/scenario.toml --out-dir $out/plan --quiet" \
  "$P --no-config erlang --volume 100 --interval 30m --aht 180 --sl 0.8 --target 20s"
