#!/usr/bin/env bash
# Every batch-engine figure of the README's speed table in one run, side
# by side with a baseline build.
#
# Usage (from the repository root; needs PyPI and crates.io once):
#
#     benches/batch_engine.sh [BASE_REV]
#
# BASE_REV (default main) is built once from `git archive` into
# target/bench-base/<rev> (the binary and the speed examples) and kept
# between runs. The run then goes through, in order:
#
# 1. `erlang --input`, 10k intervals against pyworkforce and 1 M intervals
#    (benches/erlang_batch.py);
# 2. `validate` and `forecast` on the 1 GB history, wall, CPU and maximum
#    resident size (benches/history_big.sh, one run each);
# 3. the reader's parse throughput (examples/parse_speed.rs), both builds,
#    on every core and then on one (RAYON_NUM_THREADS=1);
# 4. 100 queues × one year fitted and forecast 13 weeks ahead, and the fit
#    with 10k events (examples/forecast_speed.rs), both builds;
# 5. polars and xsv on 200 MB of the same rows (benches/peers/csv_peers.sh).
#
# Everything printed is also written to target/batch_engine.log, headed by
# the two revisions, the date and the load average: the README's table is
# read off one such log. On a shared machine read CPU time and memory
# rather than wall time.
set -euo pipefail

cd "$(dirname "$0")/.."
rev=${1:-main}
short=$(git rev-parse --short "$rev")
# BASE_DIR=DIR takes the baseline's peakplan and examples/ from DIR instead.
if [[ -n ${BASE_DIR:-} ]]; then
    bin=$BASE_DIR
    short=$(basename "$BASE_DIR")
else
    base=target/bench-base/$short
    bin=$base/target/release
    if [[ ! -x $bin/examples/forecast_speed ]]; then
        mkdir -p "$base"
        git archive "$rev" | tar -x -C "$base"
        (cd "$base" && cargo build --release --quiet --locked --bin peakplan \
            --example parse_speed --example forecast_speed)
    fi
fi
cargo build --release --quiet --bin peakplan --example parse_speed \
    --example forecast_speed
BASE_BIN=$bin/peakplan
LOG=target/batch_engine.log

{
    echo "# batch engine: $(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes') against $short"
    echo "# $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "## 1. erlang --input"
    BASE_BIN=$BASE_BIN python3 benches/erlang_batch.py
    echo
    echo "## 2. validate and forecast on the 1 GB history"
    NO_BUILD=1 bash benches/history_big.sh "$BASE_BIN" 1
    echo
    echo "## 3. parse throughput (this build, then $short; all cores, then one)"
    target/release/examples/parse_speed
    "$bin/examples/parse_speed"
    # Per core: the reader on one thread, without the hand-off between
    # the reading thread and the parsing ones.
    RAYON_NUM_THREADS=1 target/release/examples/parse_speed
    RAYON_NUM_THREADS=1 "$bin/examples/parse_speed"
    echo
    echo "## 4. forecast fit (this build, then $short)"
    target/release/examples/forecast_speed
    "$bin/examples/forecast_speed"
    target/release/examples/forecast_speed events 10000
    "$bin/examples/forecast_speed" events 10000
    echo
    echo "## 5. CSV peers"
    NO_BUILD=1 bash benches/peers/csv_peers.sh 200
    echo
    echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$LOG"
