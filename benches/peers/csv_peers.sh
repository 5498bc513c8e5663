#!/usr/bin/env bash
# History parse throughput: peakplan against polars read_csv and xsv.
#
# Usage (from the repository root; needs PyPI and crates.io once):
#
#     benches/peers/csv_peers.sh [MB]
#
# All three read the same generated history (examples/parse_speed.rs, 100
# queues of 15-minute rows in ISO 8601 with offsets; MB defaults to 1000,
# kept in target/history_big/ as benches/history_big.sh leaves it). polars
# is installed into a throwaway virtualenv in target/csv-peers-venv and
# xsv into target/xsv (cargo install). Each figure is the best of three
# runs, as MB per second of wall time and of CPU time (user + sys of the
# whole process; polars, xsv count and peakplan's reader use every core).
#
# What each does differs, and the table says so: peakplan parses every
# timestamp in its zone, checks every value and sums the rows into
# intervals; polars builds typed columns (timestamps left as text); xsv
# count only splits records, xsv stats also types and summarises each
# column.
set -euo pipefail

cd "$(dirname "$0")/../.."
MB=${1:-1000}
DIR=target/history_big
FILE=$DIR/iso-offset.csv
[[ $MB == 1000 ]] || FILE=$DIR/iso-offset-$MB.csv
VENV=target/csv-peers-venv

# NO_BUILD=1 uses the release build as it is.
[[ -n ${NO_BUILD:-} ]] || cargo build --release --quiet --bin peakplan --example parse_speed
if [[ ! -s $FILE ]]; then
    tmp=$(mktemp -d "$DIR.XXXX")
    target/release/examples/parse_speed --keep "$tmp" --layout iso-offset \
        --generate "$MB" >/dev/null
    mkdir -p "$DIR"
    mv "$tmp/iso-offset.csv" "$FILE"
    rmdir "$tmp"
fi
if [[ ! -x $VENV/bin/python ]]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet polars
fi
if [[ ! -x target/xsv/bin/xsv ]]; then
    cargo install --quiet --locked --root target/xsv xsv
fi
size=$(stat -c %s "$FILE")

# best3 CMD...: the best wall and CPU seconds of three runs.
best3() {
    local best_w=1000000 best_c=1000000 out
    for _ in 1 2 3; do
        out=$( { /usr/bin/time -f '%e %U %S' "$@" >/dev/null; } 2>&1 | tail -n 1)
        read -r w u s <<<"$out"
        best_w=$(echo "if ($w < $best_w) $w else $best_w" | bc -l)
        best_c=$(echo "c = $u + $s; if (c < $best_c) c else $best_c" | bc -l)
    done
    echo "$best_w $best_c"
}

row() {
    local name=$1 what=$2
    shift 2
    read -r w c <<<"$(best3 "$@")"
    printf '%-22s %8.2f %8.0f %8.2f %8.0f   %s\n' "$name" "$w" \
        "$(echo "$size / 1000000 / $w" | bc -l)" "$c" \
        "$(echo "$size / 1000000 / $c" | bc -l)" "$what"
}

echo "file: $FILE ($((size / 1000000)) MB, $(($(wc -l <"$FILE") - 1)) rows), $(nproc) cores"
printf '%-22s %8s %8s %8s %8s   %s\n' tool "wall s" "MB/s" "cpu s" "MB/s" "work"
row "peakplan validate" "parse, check, sum, summarise" \
    target/release/peakplan --no-config validate --history "$FILE"
row "polars read_csv" "typed columns, all cores" \
    "$VENV/bin/python" -c 'import sys, polars as pl; pl.read_csv(sys.argv[1])' "$FILE"
row "polars read_csv (1 th)" "typed columns, one thread" \
    env POLARS_MAX_THREADS=1 "$VENV/bin/python" -c \
    'import sys, polars as pl; pl.read_csv(sys.argv[1])' "$FILE"
row "xsv count" "split records only" target/xsv/bin/xsv count "$FILE"
row "xsv stats" "type and summarise columns" target/xsv/bin/xsv stats "$FILE"
echo
echo "peakplan's reader alone (examples/parse_speed.rs, CPU of the whole process):"
target/release/examples/parse_speed "$FILE"
