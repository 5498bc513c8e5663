#!/usr/bin/env python3
"""`peakplan erlang --input` as a whole process, against pyworkforce and
against a baseline build of peakplan, in one run.

Usage (from the repository root; needs PyPI once for pyworkforce):

    python3 benches/erlang_batch.py            # baseline: the `main` branch
    BASE_REV=v0.1 python3 benches/erlang_batch.py
    BASE_BIN=/path/to/peakplan python3 benches/erlang_batch.py

It builds this tree's release binary and the baseline's (from
`git archive $BASE_REV` into target/erl-bench/base, kept between runs),
installs pyworkforce into the throwaway virtualenv benches/peers/.venv,
writes the load files with benches/make_loads.py and prints:

- 10,000 intervals (1–300 Erlangs, AHT 300 s, 80 % in 20 s, 30 minutes)
  to stdout, twice: volumes in whole calls (as history is, so loads
  repeat), then the same volumes each with a different fraction of a
  call added (no load repeats, as in most forecasts): the median wall
  time and CPU time (user + system) of the
  whole process, this build and the baseline run in turn, against
  pyworkforce's in-process time for the same intervals (interpreter start
  and import not counted), and whether the three agree on every agent
  count. The runs come in rounds (ROUNDS, 7 by default): two passes of
  pyworkforce (the faster kept), then RUNS runs (3 by default) of each
  build in turn, so that all three see the machine as it is at that
  moment; the ratio against pyworkforce is also given round by round,
  lowest to highest;
- 1,000,000 intervals, to stdout and to `--out FILE`: wall time and
  maximum resident size (`/usr/bin/time -v`), best of 3 runs of this
  build and of the baseline, run in turn.

Figures depend on the machine and on what else runs on it; the ratios are
what the README quotes.
"""

import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "target", "erl-bench")
VENV = os.path.join(ROOT, "benches", "peers", ".venv")
ARGS = ["--no-config", "erlang", "--interval", "30m", "--aht", "300",
        "--sl", "0.8", "--target", "20s", "--format", "csv", "--input"]
ROUNDS = int(os.environ.get("ROUNDS", "7"))
RUNS_PER_ROUND = int(os.environ.get("RUNS", "3"))

PEER_CODE = r"""
import csv, json, sys, time
from importlib.metadata import version
from pyworkforce.queuing import ErlangC
rows = list(csv.DictReader(open(sys.argv[1])))
loads = [(float(r["volume"]), float(r["aht_s"] or 300)) for r in rows]
times, agents = [], []
for _ in range(int(sys.argv[2])):
    start = time.perf_counter()
    agents = []
    for v, aht in loads:
        e = ErlangC(transactions=v, aht=aht / 60, asa=20 / 60, interval=30)
        r = e.required_positions(service_level=0.8, max_occupancy=1.0)
        agents.append(r["raw_positions"])
    times.append(time.perf_counter() - start)
print(json.dumps({"version": version("pyworkforce"), "times": times,
                  "agents": agents}))
"""


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def build_current():
    run(["cargo", "build", "--release", "--quiet", "--bin", "peakplan"],
        cwd=ROOT)
    return os.path.join(ROOT, "target", "release", "peakplan")


def build_base():
    if os.environ.get("BASE_BIN"):
        return os.environ["BASE_BIN"]
    rev = os.environ.get("BASE_REV", "main")
    commit = run(["git", "rev-parse", rev], cwd=ROOT, capture_output=True,
                 text=True).stdout.strip()
    src = os.path.join(WORK, "base")
    stamp = os.path.join(src, ".commit")
    exe = os.path.join(src, "target", "release", "peakplan")
    if not (os.path.exists(exe) and open(stamp).read() == commit
            if os.path.exists(stamp) else False):
        run(["rm", "-rf", src])
        os.makedirs(src)
        archive = subprocess.Popen(["git", "archive", commit], cwd=ROOT,
                                   stdout=subprocess.PIPE)
        run(["tar", "-x", "-C", src], stdin=archive.stdout)
        archive.wait()
        run(["cargo", "build", "--release", "--quiet", "--bin", "peakplan"],
            cwd=src)
        with open(stamp, "w") as f:
            f.write(commit)
    return exe


def ensure_venv():
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        run([sys.executable, "-m", "venv", VENV])
    if subprocess.run([py, "-c", "import pyworkforce"],
                      capture_output=True).returncode != 0:
        run([py, "-m", "pip", "install", "-q", "pyworkforce"])
    return py


def loads(count, seed, *kind):
    name = "_".join([f"loads_{count}_{seed}", *kind])
    path = os.path.join(WORK, f"{name}.csv")
    if not os.path.exists(path):
        run([sys.executable, os.path.join(ROOT, "benches", "make_loads.py"),
             str(count), str(seed), path, *kind])
    return path


def timed(exe, path):
    """Wall time and CPU time (user + system, from the kernel's count for
    the child) of one whole run."""
    return timed_argv([exe, *ARGS, path])


def timed_argv(argv):
    """`timed` for any command line."""
    exe = argv[0]
    with open(os.devnull, "wb") as null:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=null)
        _, status, usage = os.wait4(child.pid, 0)
        wall_s = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise subprocess.CalledProcessError(child.returncode, exe)
    return wall_s, usage.ru_utime + usage.ru_stime


def alternate(exes, path, runs):
    """Wall and CPU times of each of `exes`, run in turn (A B A B ...) so
    that both see the same load."""
    times = {exe: [] for exe in exes}
    for _ in range(runs):
        for exe in exes:
            times[exe].append(timed(exe, path))
    return times


def medians(times):
    """Median wall time and median CPU time of `times`."""
    return (statistics.median(w for w, _ in times),
            statistics.median(c for _, c in times))


def rounds(py, new, base, path):
    """`ROUNDS` rounds of a pyworkforce time then `RUNS_PER_ROUND` runs
    of each build in turn: the peer's last result (version, agents), its
    time of each round, each build's times, and the ratio pyworkforce /
    this build of each round."""
    peer_times, times, ratios = [], {new: [], base: []}, []
    for _ in range(ROUNDS):
        # Two passes, the faster kept: a first pass in a fresh interpreter
        # may pay for warming up, which is not the peer's speed.
        peer = json.loads(run([py, "-c", PEER_CODE, path, "2"],
                              capture_output=True, text=True).stdout)
        peer_times.append(min(peer["times"]))
        round_times = alternate((new, base), path, RUNS_PER_ROUND)
        for exe in (new, base):
            times[exe] += round_times[exe]
        ratios.append(peer_times[-1] / medians(round_times[new])[0])
    return peer, peer_times, times, sorted(ratios)


def agents_of(exe, path):
    out = run([exe, *ARGS, path], capture_output=True, text=True).stdout
    lines = out.splitlines()
    col = lines[0].split(",").index("agents")
    return [int(l.split(",")[col]) for l in lines[1:]]


def time_v(exe, path, *extra):
    with open(os.devnull, "wb") as null:
        res = subprocess.run(["/usr/bin/time", "-v", exe, *ARGS, path, *extra],
                             stdout=null, stderr=subprocess.PIPE, text=True,
                             check=True)
    info = {}
    for line in res.stderr.splitlines():
        key, _, value = line.strip().rpartition(": ")
        info[key] = value
    m, s = info["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")[-2:]
    cpu = (float(info["User time (seconds)"])
           + float(info["System time (seconds)"]))
    rss = int(info["Maximum resident set size (kbytes)"]) / 1024
    return 60 * float(m) + float(s), rss, cpu


def big_runs(new, base, path, where, *extra):
    """Prints the run of best wall time of 3 runs of each build, in turn
    (`/usr/bin/time -v`): wall time, CPU time (user + system) and maximum
    resident size."""
    runs = {new: [], base: []}
    for _ in range(3):
        for exe in (new, base):
            runs[exe].append(time_v(exe, path, *extra))
    (new_t, new_rss, new_cpu), (base_t, base_rss, base_cpu) = (
        min(runs[new]), min(runs[base]))
    print(f"\nerlang --input, 1,000,000 intervals to {where} "
          "(/usr/bin/time -v; best of 3 each, in turn)\n")
    print("                          wall     CPU      max. resident")
    print(f"  peakplan (baseline)     {base_t:6.2f} s {base_cpu:6.2f} s "
          f"{base_rss:7.1f} MB")
    print(f"  peakplan (this build)   {new_t:6.2f} s {new_cpu:6.2f} s "
          f"{new_rss:7.1f} MB   "
          f"{compared(base_t, new_t, 'faster', 'slower')}, "
          f"{compared(base_rss, new_rss, 'less memory', 'more memory')}")


def compared(base, new, better, worse):
    """`base` against `new` (smaller is better) as a ratio above 1: "1.19×
    more memory" rather than "0.84× less memory"."""
    if new <= base:
        return f"{base / new:.2f}× {better}"
    return f"{new / base:.2f}× {worse}"


def ten_thousand(py, new, base, path, what):
    """Prints the 10,000-interval comparison on the load file `path`."""
    load_before = open("/proc/loadavg").read().split()[0]
    alternate((new, base), path, 3)  # warm the page cache
    peer, peer_times, times, ratios = rounds(py, new, base, path)
    peer_s = statistics.median(peer_times)
    (new_s, new_cpu), (base_s, base_cpu) = medians(times[new]), medians(
        times[base])
    load_after = open("/proc/loadavg").read().split()[0]
    runs_10k = ROUNDS * RUNS_PER_ROUND
    # What starting any process costs under this timer.
    floor_s = statistics.median(timed_argv(["/bin/true"])[0]
                                for _ in range(runs_10k))
    ours, theirs = agents_of(new, path), agents_of(base, path)
    differ_peer = sum(a != b for a, b in zip(ours, peer["agents"]))
    differ_base = sum(a != b for a, b in zip(ours, theirs))

    print(f"\nerlang --input, {what} to stdout "
          f"(median of {runs_10k} alternating runs in {ROUNDS} rounds; "
          f"pyworkforce {peer['version']} in-process, median of the "
          f"rounds; load average {load_before} → {load_after})\n")
    print("                          wall time    CPU time")
    print(f"  pyworkforce             {peer_s * 1e3:9.1f} ms")
    # One decimal on the ratios: 199.6× is not 200×.
    print(f"  peakplan (baseline)     {base_s * 1e3:9.2f} ms "
          f"{base_cpu * 1e3:8.2f} ms   {peer_s / base_s:6.1f}× pyworkforce")
    print(f"  peakplan (this build)   {new_s * 1e3:9.2f} ms "
          f"{new_cpu * 1e3:8.2f} ms   {peer_s / new_s:6.1f}× pyworkforce, "
          f"against the baseline "
          f"{compared(base_s, new_s, 'faster', 'slower')}, "
          f"{compared(base_cpu, new_cpu, 'less CPU', 'more CPU')}")
    print("  this build against pyworkforce, round by round: "
          + ", ".join(f"{r:.1f}×" for r in ratios))
    print(f"  /bin/true               {floor_s * 1e3:9.1f} ms"
          "               (the timer's floor: starting a process)")
    print(f"  agent counts differing: {differ_peer} of {len(ours)} "
          f"against pyworkforce, {differ_base} against the baseline")


def main():
    os.makedirs(WORK, exist_ok=True)
    new, base = build_current(), build_base()
    py = ensure_venv()
    small, big = loads(10_000, 2025), loads(1_000_000, 2025)

    ten_thousand(py, new, base, small, "10,000 intervals")
    ten_thousand(py, new, base, loads(10_000, 2025, "distinct"),
                 "10,000 intervals, no load repeated")

    big_runs(new, base, big, "stdout")
    out = os.path.join(WORK, "out.csv")
    big_runs(new, base, big, "--out FILE", "--out", out)
    os.remove(out)


if __name__ == "__main__":
    main()
