#!/usr/bin/env bash
# validate and forecast on a 1 GB, 22.6 M-row history, before and after.
#
# Usage (from the repository root):
#
#     benches/history_big.sh [BASELINE_BINARY] [RUNS]
#
# BASELINE_BINARY is another build of peakplan to compare with (default:
# $PEAKPLAN_BASELINE, else a release build of revision $BASE_REV, default
# main, made from `git archive` under target/history_big/base and kept
# between runs); RUNS (default 3) runs
# of each command alternate between the two binaries, and the medians are
# printed. The file (100 queues of 15-minute rows in ISO 8601 with offsets,
# from examples/parse_speed.rs) is written once to target/history_big/ and
# kept for the next run; delete it when done (rm -r target/history_big).
#
# Figures are whole processes under /usr/bin/time -v: wall time, CPU time
# (user + sys, the fairer figure on a shared machine) and maximum resident
# set size, with the ratio baseline / this build. The two binaries' outputs
# are compared byte for byte with cmp.
set -euo pipefail

cd "$(dirname "$0")/.."
BASE=${1:-${PEAKPLAN_BASELINE:-}}
if [[ -z $BASE ]]; then
    rev=${BASE_REV:-main}
    src=target/history_big/base/$(git rev-parse --short "$rev")
    if [[ ! -x $src/target/release/peakplan ]]; then
        mkdir -p "$src"
        git archive "$rev" | tar -x -C "$src"
        (cd "$src" && cargo build --release --quiet --locked --bin peakplan)
    fi
    BASE=$src/target/release/peakplan
fi
RUNS=${2:-3}
DIR=target/history_big
FILE=$DIR/iso-offset.csv

# NO_BUILD=1 uses the release build as it is.
[[ -n ${NO_BUILD:-} ]] || cargo build --release --quiet --bin peakplan --example parse_speed
NEW=target/release/peakplan
if [[ ! -s $FILE ]]; then
    target/release/examples/parse_speed --keep "$DIR" --layout iso-offset \
        --generate 1000 >/dev/null
fi
[[ -x $BASE ]] || { echo "no baseline binary at $BASE" >&2; exit 1; }

last=$(tail -n 1 "$FILE" | cut -c1-10)
from=$(date -I -d "$last + 1 day")
to=$(date -I -d "$last + 7 days")
mb=$(( $(stat -c %s "$FILE") / 1000000 ))
rows=$(( $(wc -l <"$FILE") - 1 ))
echo "history: $FILE, $mb MB, $rows rows; forecast $from to $to"
# Wall times mean little on a busy machine: say how busy it was.
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# run NAME BINARY ARGS...: one run, appending "wall cpu rss_mb" to NAME's log.
run() {
    local name=$1 bin=$2
    shift 2
    local out=$DIR/$name.out
    /usr/bin/time -v -o "$DIR/$name.time" "$bin" --no-config "$@" \
        >"$out" 2>"$DIR/$name.err" || {
        echo "$name failed:" >&2
        cat "$DIR/$name.err" >&2
        exit 1
    }
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0
            for (i = 1; i <= n; i++) w = w * 60 + t[i] }
        /User time/ { u = $2 } /System time/ { s = $2 }
        /Maximum resident set size/ { m = $2 / 1024 }
        END { printf "%.2f %.2f %.0f\n", w, u + s, m }' \
        "$DIR/$name.time" >>"$DIR/$name.log"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf '\n%-10s %-9s %8s %8s %9s\n' command binary "wall s" "cpu s" "max MB"
for cmd in validate forecast; do
    case $cmd in
        validate) args=(validate --history "$FILE") ;;
        forecast) args=(forecast --history "$FILE" --from "$from" --to "$to" --format csv) ;;
    esac
    rm -f "$DIR/$cmd-base.log" "$DIR/$cmd-new.log"
    for _ in $(seq "$RUNS"); do
        run "$cmd-base" "$BASE" "${args[@]}"
        run "$cmd-new" "$NEW" "${args[@]}"
    done
    declare -A fig=()
    for who in base new; do
        for col in 1 2 3; do
            fig[$who$col]=$(cut -d' ' -f$col "$DIR/$cmd-$who.log" | median)
        done
        printf '%-10s %-9s %8s %8s %9s\n' "$cmd" "$who" \
            "${fig[${who}1]}" "${fig[${who}2]}" "${fig[${who}3]}"
    done
    printf '%-10s %-9s %7.2fx %7.2fx %8.2fx\n' "$cmd" "ratio" \
        "$(echo "${fig[base1]} / ${fig[new1]}" | bc -l)" \
        "$(echo "${fig[base2]} / ${fig[new2]}" | bc -l)" \
        "$(echo "${fig[base3]} / ${fig[new3]}" | bc -l)"
    if cmp -s "$DIR/$cmd-base.out" "$DIR/$cmd-new.out"; then
        echo "$cmd: outputs identical (cmp)"
    else
        echo "$cmd: OUTPUTS DIFFER ($DIR/$cmd-base.out, $DIR/$cmd-new.out)"
    fi
    unset fig
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
