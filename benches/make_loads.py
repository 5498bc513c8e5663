#!/usr/bin/env python3
"""Writes an `erlang --input` load file of seeded 30-minute intervals.

Usage: python3 benches/make_loads.py COUNT SEED OUT.csv [distinct]

Volumes are those of benches/peers/run_peers.py (SplitMix64, 1–300 Erlangs
at AHT 300 s, rounded to whole calls), so that the agents can be compared
with pyworkforce's on the same intervals; queues cycle over four names and
every seventh row leaves `aht_s` empty (the `--aht` default applies).
With `distinct`, row i's volume gains (i + 1) / (COUNT + 1) calls, so
that no two rows carry the same load (a forecast's volumes rarely
repeat; whole calls do).
"""

import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers"))
from run_peers import volumes  # noqa: E402


def main():
    count, seed, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    distinct = sys.argv[4:] == ["distinct"]
    start = datetime.datetime(2025, 1, 1)
    step = datetime.timedelta(minutes=30)
    queues = ["sav", "commandes", "retours", "pro"]
    with open(out, "w") as f:
        f.write("interval_start,queue,volume,aht_s\n")
        for i, v in enumerate(volumes(seed, count, 1.0, 300.0)):
            t = (start + step * (i // len(queues))).strftime("%Y-%m-%dT%H:%M:%S")
            aht = "" if i % 7 == 6 else "300"
            if distinct:
                volume = f"{v + (i + 1) / (count + 1):.6f}"
            else:
                volume = f"{v:g}"
            f.write(f"{t},{queues[i % len(queues)]},{volume},{aht}\n")


if __name__ == "__main__":
    main()
