#!/usr/bin/env bash
# Peers side by side on the real bank call data (5-minute arrivals summed
# to 30 minutes, 4 origins x 14 days, the windows of `peakplan backtest`):
# peakplan, last-week naive, MSTL and AutoETS (statsforecast) and Prophet.
#
#   bash benches/peers/forecast_peers.sh [DATA_DIR]
#
# The Python peers go into a throwaway virtualenv under target/ (never a
# test dependency). DATA_DIR defaults to ../shared/data; the script
# exits cleanly when the data is absent.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${1:-../shared/data}
PY=${PYTHON:-python3}
VENV=target/peers-venv
if [ ! -f "$DATA/bank_calls_us_2003_5min.csv" ]; then
    echo "bank_calls_us_2003_5min.csv not found in $DATA: skipped"
    exit 0
fi
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import statsforecast, prophet" 2>/dev/null; then
    "$PY" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet statsforecast prophet pandas
fi
cargo build --release --quiet
target/release/peakplan backtest --no-config --calendar none \
    --history "$DATA/bank_calls_us_2003_5min.csv" \
    --events "$DATA/bank_calls_us_2003_events.csv" \
    --tz America/New_York --interval 30m --horizon 14d --origins 4 \
    --format json --out target/peers-peakplan.json
"$VENV/bin/python" benches/peers/forecast_peers.py "$DATA" target/peers-peakplan.json
