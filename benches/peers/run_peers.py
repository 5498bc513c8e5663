#!/usr/bin/env python3
"""peakplan against pyworkforce on the same Erlang C staffing problems.

Usage (from the repository root; needs network access to PyPI once):

    python3 benches/peers/run_peers.py

It creates a throwaway virtualenv in target/peers-venv (Python 3.12 from
~/.pyenv if present, else the python3 running this script), installs
pyworkforce there, builds the peakplan example `erlang_peers` in release
mode, and prints one side-by-side table: solves per second on identical
inputs, the ratio, and every interval where pyworkforce errs, overflows or
returns a different number of agents than peakplan.

Inputs (identical to `cargo bench --bench erlang`): SplitMix64-seeded
30-minute intervals, AHT 300 s, target 80 % answered within 20 s —
10,000 intervals of 1–300 Erlangs (seed 2025), 200 of 4,900–5,100 Erlangs
(seed 2026) and 50 of 19,900–20,100 Erlangs (seed 2027), plus 1,000 quiet
intervals of 0–2 Erlangs (seed 2028, some with no call at all). Volumes are
rounded to whole calls.

peakplan's agent counts are exact (checked against a 50-digit reference by
`cargo test`), so a different count from a peer is the peer's error.

erlangccmath is not measured: every call goes to its vendor's web service,
which cannot be reached from an offline machine, and no figure is made up
for it.
"""

import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK = os.path.join(ROOT, "target", "peers")
VENV = os.path.join(ROOT, "target", "peers-venv")
PY312 = os.path.expanduser("~/.pyenv/versions/3.12.1/bin/python3")
INTERVAL_S = 1800.0
AHT_S = 300.0

SETS = [
    ("0–2 E (quiet hours)", 2028, 1_000, 0.0, 2.0),
    ("1–300 E", 2025, 10_000, 1.0, 300.0),
    ("5,000 E", 2026, 200, 4_900.0, 5_100.0),
    ("20,000 E", 2027, 50, 19_900.0, 20_100.0),
]
# pyworkforce gets at most this long per set: it is O(N²) per interval.
PEER_BUDGET_S = 60.0


class SplitMix64:
    """Same generator and mapping as benches/erlang.rs."""

    MASK = (1 << 64) - 1

    def __init__(self, seed):
        self.state = seed & self.MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & self.MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.MASK
        return z ^ (z >> 31)

    def uniform(self):
        return (self.next() >> 11) / float(1 << 53)


def volumes(seed, count, lo, hi):
    rng = SplitMix64(seed)
    out = []
    for _ in range(count):
        erlangs = lo + (hi - lo) * rng.uniform()
        # Rust's f64::round rounds half away from zero; so does this.
        v = erlangs * INTERVAL_S / AHT_S
        out.append(float(int(v + 0.5)))
    return out


def ensure_venv():
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        base = PY312 if os.path.exists(PY312) else sys.executable
        subprocess.run([base, "-m", "venv", VENV], check=True)
    probe = subprocess.run([py, "-c", "import pyworkforce"],
                           capture_output=True)
    if probe.returncode != 0:
        subprocess.run([py, "-m", "pip", "install", "-q", "pyworkforce"],
                       check=True)
    return py


PEER_CODE = r"""
import json, sys, time, math
from importlib.metadata import version
from pyworkforce.queuing import ErlangC
vols = [float(l) for l in open(sys.argv[1]) if l.strip()]
budget = float(sys.argv[2])
agents, errors = [], {}
start = time.perf_counter()
done = 0
for i, v in enumerate(vols):
    try:
        e = ErlangC(transactions=v, aht=300 / 60, asa=20 / 60, interval=30)
        r = e.required_positions(service_level=0.8, max_occupancy=1.0)
        agents.append(r["raw_positions"])
    except (OverflowError, ValueError, ZeroDivisionError) as exc:
        agents.append(None)
        errors[i] = type(exc).__name__ + ": " + str(exc)
    done += 1
    if time.perf_counter() - start > budget:
        break
elapsed = time.perf_counter() - start
print(json.dumps({"version": version("pyworkforce"), "done": done,
                  "rate": done / elapsed, "agents": agents,
                  "errors": errors}))
"""


def run_peakplan(vol_file, out_file):
    exe = os.path.join(ROOT, "target", "release", "examples", "erlang_peers")
    out = subprocess.run([exe, vol_file, out_file], check=True,
                         capture_output=True, text=True)
    rate = float(out.stdout.strip())
    agents = [int(l) for l in open(out_file) if l.strip()]
    return rate, agents


def main():
    os.makedirs(WORK, exist_ok=True)
    py = ensure_venv()
    subprocess.run(["cargo", "build", "--release", "--example",
                    "erlang_peers"], cwd=ROOT, check=True)
    import json
    rows = []
    notes = []
    version = "?"
    for name, seed, count, lo, hi in SETS:
        vols = volumes(seed, count, lo, hi)
        vol_file = os.path.join(WORK, f"volumes_{seed}.txt")
        with open(vol_file, "w") as f:
            f.writelines(f"{v!r}\n" for v in vols)
        pp_rate, pp_agents = run_peakplan(vol_file,
                                          os.path.join(WORK, f"agents_{seed}.txt"))
        peer = json.loads(subprocess.run(
            [py, "-c", PEER_CODE, vol_file, str(PEER_BUDGET_S)],
            check=True, capture_output=True, text=True).stdout)
        version = peer["version"]
        diffs = [(i, pp_agents[i], a) for i, a in enumerate(peer["agents"])
                 if a is not None and a != pp_agents[i]]
        for i, ours, theirs in diffs[:5]:
            notes.append(f"{name}: volume {vols[i]:g} "
                         f"({vols[i] * AHT_S / INTERVAL_S:g} E): peakplan "
                         f"{ours}, pyworkforce {theirs}")
        if len(diffs) > 5:
            notes.append(f"{name}: … {len(diffs) - 5} more differences")
        by_msg = {}
        for i, msg in peer["errors"].items():
            by_msg.setdefault(msg, []).append(vols[int(i)])
        for msg, vs in by_msg.items():
            shown = ", ".join(f"{v:g}" for v in sorted(set(vs))[:5])
            notes.append(f"{name}: {len(vs)} intervals (volumes {shown}): "
                         f"pyworkforce {msg}")
        rows.append((name, count, pp_rate, peer["rate"], peer["done"],
                     len(diffs), len(peer["errors"])))

    print(f"\nErlang C minimal staffing, 80 % in 20 s, AHT 300 s, "
          f"30-minute intervals (pyworkforce {version})\n")
    head = ("intervals", "n", "peakplan solves/s", "pyworkforce solves/s",
            "ratio", "peer solved", "agents differ", "peer errors")
    table = [head]
    for name, n, pp, pw, done, ndiff, nerr in rows:
        table.append((name, str(n), f"{pp:,.0f}", f"{pw:,.1f}",
                      f"{pp / pw:,.0f}×", str(done), str(ndiff), str(nerr)))
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for k, r in enumerate(table):
        print("  ".join(c.rjust(w) if j else c.ljust(w)
                        for j, (c, w) in enumerate(zip(r, widths))))
        if k == 0:
            print("  ".join("-" * w for w in widths))
    print("\nerlangccmath: not measured (its functions call the vendor's web "
          "service; no network here).")
    if notes:
        print("\nDifferences and errors:")
        for n in notes:
            print("  " + n)
    else:
        print("\npyworkforce agreed with peakplan on every interval it solved.")


if __name__ == "__main__":
    main()
