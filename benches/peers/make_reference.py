#!/usr/bin/env python3
"""Writes tests/data/erlang_reference.csv: Erlang C and Erlang A measures and
minimal staffing computed with mpmath at 60 significant digits.

Usage (from the repository root):

    python3 -m venv target/venv && target/venv/bin/pip install mpmath
    target/venv/bin/python benches/peers/make_reference.py

The Rust test tests/it/erlang.rs (`reference_table`) reads the CSV; it never
needs Python. Every input is written with repr() of the double the Rust side
parses, so both sides start from the same binary value.

Formulas (time in units of AHT, x = N/r, y = A/r, r = AHT/patience):

  Erlang B     B = Poisson(A) pmf at N / Poisson(A) cdf at N
  Erlang C     C = N·B/(N − A(1 − B)), SL(t) = 1 − C·exp(−(N − A)t/AHT),
               ASA = C·AHT/(N − A)
  Erlang A     P(N) = 1/(1/B − 1 + J), J = x·e^y·y^−x·γ(x, y)
               density of the offered wait V on (0, ∞):
                   P(N)·N·exp(−N·v + y(1 − e^{−rv}))
               Ans(τ) = ∫_0^τ density·e^{−rv} dv
                      = P(N)·(N/r)·e^y·y^−(x+1)·[γ(x+1, y) − γ(x+1, y·e^{−rτ})]
               W = ∫ density·v·e^{−rv} dv (by the derivative of γ in its
               shape, cross-checked by quadrature)
  measures     P(wait) = P(N)·J, P(ab) = P(wait) − Ans(∞), SL = 1 − P(wait)
               + Ans(τ), ASA = W/(1 − P(ab))·AHT, occupancy = A(1 − P(ab))/N

Small cases are also computed from the birth–death chain directly (series
over the queue length j, V | j = Σ_{i≤j} Exp(N + i·r)) and must agree.
"""

import csv
import math
import os
import sys

import mpmath as mp

mp.mp.dps = 60

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "data", "erlang_reference.csv")


def erlang_b(A, N):
    A = mp.mpf(A)
    if N == 0:
        return mp.mpf(1)
    log_pmf = N * mp.log(A) - A - mp.loggamma(N + 1)
    cdf = mp.gammainc(N + 1, A, mp.inf, regularized=True)
    return mp.exp(log_pmf) / cdf


def erlang_c(A, N, aht, within):
    A = mp.mpf(A)
    if N <= A:
        return None
    B = erlang_b(A, N)
    C = N * B / (N - A * (1 - B))
    sl = 1 - C * mp.exp(-(N - A) * mp.mpf(within) / mp.mpf(aht))
    asa = C * mp.mpf(aht) / (N - A)
    return dict(p_wait=C, service_level=sl, asa_s=asa, occupancy=A / N,
                p_abandon=None)


def erlang_a_gamma(A, N, aht, within, patience):
    """Erlang A by mpmath's incomplete gamma (moderate shapes only: its
    series gives up for shapes near 1e4 and above)."""
    A = mp.mpf(A)
    aht = mp.mpf(aht)
    r = aht / mp.mpf(patience)
    tau = mp.mpf(within) / aht
    x, y = N / r, A / r
    B = erlang_b(A, N)
    J = x * mp.exp(y) * y ** (-x) * mp.gammainc(x, 0, y)
    pN = 1 / (1 / B - 1 + J)
    pref = (N / r) * mp.exp(y) * y ** (-(x + 1))
    ans_inf = pref * mp.gammainc(x + 1, 0, y)
    ans_tau = pref * mp.gammainc(x + 1, y * mp.exp(-r * tau), y)
    # ∫_0^y ln(y/w) w^x e^{-w} dw = ln y·γ(x+1, y) − ∂_s γ(s, y)|_{s=x+1}
    dgam = mp.diff(lambda s: mp.gammainc(s, 0, y), x + 1)
    W = (N / r ** 2) * mp.exp(y) * y ** (-(x + 1)) * (
        mp.log(y) * mp.gammainc(x + 1, 0, y) - dgam)
    p_wait = pN * J
    p_ab = p_wait - pN * ans_inf
    answered = 1 - p_ab
    return dict(p_wait=p_wait, service_level=1 - p_wait + pN * ans_tau,
                asa_s=pN * W / answered * aht, occupancy=A * answered / N,
                p_abandon=p_ab, _W=pN * W)


def kummer(x, y, harmonic=False):
    """Σ_k y^k / ((x+1)…(x+1+k)), and with `harmonic` the same terms
    weighted by Σ_{i≤k} 1/(x+1+i): the series of the lower incomplete
    gamma function γ(x+1, y)·e^y·y^−(x+1) and of its derivative in the
    shape. Positive terms; summed until they no longer matter at 60 digits.
    """
    term = 1 / (x + 1)
    total = term
    h = 1 / (x + 1)
    wsum = term * h
    lost = term  # Σ (k+1)·term: the abandonment series
    k = 0
    eps = mp.mpf(10) ** -66
    while True:
        k += 1
        term = term * y / (x + 1 + k)
        h += 1 / (x + 1 + k)
        total += term
        wsum += term * h
        lost += (k + 1) * term
        if term * (k + 1) < eps * lost and y < x + 1 + k:
            break
    return (total, wsum, lost) if harmonic else total


def upper(x, z):
    """U(z) = Σ_k Π_{i=1..k} (x+1−i)/z^k, so that Γ(x+1, z) =
    z^x·e^−z·U(z); for z > x + 1 the terms fall geometrically."""
    term = mp.mpf(1)
    total = term
    k = 0
    eps = mp.mpf(10) ** -(mp.mp.dps + 5)
    while True:
        k += 1
        term = term * (x + 1 - k) / z
        total += term
        if abs(term) < eps * abs(total):
            return total


def erlang_a(A, N, aht, within, patience):
    """Erlang A from the incomplete gamma series (any size), at a working
    precision raised until the answered-within-τ difference keeps 50
    digits."""
    dps = 60
    while True:
        with mp.workdps(dps):
            m, lost_digits = erlang_a_at(A, N, aht, within, patience)
        if lost_digits < dps - 55:
            return m
        dps = max(2 * dps, int(lost_digits) + 70)


def erlang_a_at(A, N, aht, within, patience):
    A = mp.mpf(A)
    aht = mp.mpf(aht)
    r = aht / mp.mpf(patience)
    tau = mp.mpf(within) / aht
    x, y = N / r, A / r
    B = erlang_b(A, N)
    # J = 1 + y·Σ_k y^k/((x+1)_{k+1}) (Kummer's 1F1(1; x+1; y))
    g1, gw, gl = kummer(x, y, harmonic=True)
    J = 1 + y * g1
    pN = 1 / (1 / B - 1 + J)
    ans_inf = x * g1
    y2 = y * mp.exp(-r * tau)
    shift = mp.exp(y - y2 + (x + 1) * mp.log(y2 / y)) if tau > 0 else 1
    if y2 > x + 1 and y2 > 300:
        # [y2, y] lies above the mode of w^x·e^−w: take the difference of
        # upper incomplete gammas, Γ(x+1, z) = z^x·e^−z·U(z), which are far
        # apart there (no cancellation). U is an asymptotic series: its
        # smallest term is near e^−z, hence z > 300 for 60+ digits.
        ans_tau = x * (shift * upper(x, y2) / y2 - upper(x, y) / y)
        late = None
    else:
        # e^y·y^−(x+1)·γ(x+1, y2) = e^{y−y2}·(y2/y)^{x+1}·kummer(x, y2)
        late = shift * kummer(x, y2)
        ans_tau = x * (g1 - late)
    if late is None or late == 0:
        lost_digits = 0
    elif late >= g1:
        lost_digits = 2 * mp.mp.dps
    else:
        lost_digits = mp.log10(g1 / (g1 - late))
    W = (x / r) * gw
    p_wait = pN * J
    # Σ_j w_j·(j+1)/(x+j+1): positive terms, no cancellation.
    p_ab = pN * gl
    answered = 1 - p_ab
    no_wait = pN * (1 / B - 1)
    return dict(p_wait=p_wait, service_level=no_wait + pN * ans_tau,
                asa_s=pN * W / answered * aht, occupancy=A * answered / N,
                p_abandon=p_ab, _W=pN * W), lost_digits


def erlang_a_series(A, N, aht, within, patience):
    """The birth-death chain summed over the queue length (small cases)."""
    A = mp.mpf(A)
    aht = mp.mpf(aht)
    r = aht / mp.mpf(patience)
    tau = mp.mpf(within) / aht
    x = N / r
    # weights relative to π_N
    below = mp.fsum(mp.exp(k * mp.log(A) - mp.loggamma(k + 1) -
                           (N * mp.log(A) - mp.loggamma(N + 1)))
                    for k in range(N))
    p = 1 - mp.exp(-r * tau)
    total = below
    wait = ans = answ = ans_tau = mp.mpf(0)
    w = mp.mpf(1)
    j = 0
    while True:
        # arrival finds N + j: answered w.p. x/(x+j+1); E[V e^{-rV}] adds
        # Σ 1/(r(x+i+1)); answered within τ: times I_p(j+1, x+1).
        total += w
        wait += w
        e = x / (x + j + 1)
        ans += w * e
        answ += w * e * mp.fsum(1 / (r * (x + i + 1)) for i in range(j + 1))
        ans_tau += w * e * mp.betainc(j + 1, x + 1, 0, p, regularized=True)
        j += 1
        w = w * A / (N + j * r)
        if w < mp.mpf(10) ** -70 * total:
            break
    p_wait = wait / total
    p_ab = (wait - ans) / total
    return dict(p_wait=p_wait, service_level=1 - p_wait + ans_tau / total,
                asa_s=answ / total / (1 - p_ab) * aht,
                occupancy=A * (1 - p_ab) / N, p_abandon=p_ab)


def measures(model, A, N, aht, within, patience):
    if model == "C":
        return erlang_c(A, N, aht, within)
    return erlang_a(A, N, aht, within, patience)


def meets(m, sl, asa, occ):
    if m is None:
        return False
    if sl is not None and m["service_level"] < sl:
        return False
    if asa is not None and m["asa_s"] > asa:
        return False
    if occ is not None and m["occupancy"] > occ:
        return False
    return True


def minimal_agents(model, A, aht, within, patience, sl, asa, occ):
    lo = 0  # fails (no agent)
    hi = max(1, int(math.floor(A)) + 1)
    while not meets(measures(model, A, hi, aht, within, patience), sl, asa, occ):
        lo = hi
        hi = hi * 2 if hi < 64 else hi + max(1, int(math.sqrt(A)))
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if meets(measures(model, A, mid, aht, within, patience), sl, asa, occ):
            hi = mid
        else:
            lo = mid
    return hi


def check_series():
    for (A, N, aht, within, patience) in [
        (2.0, 3, 180.0, 20.0, 60.0), (5.0, 4, 300.0, 30.0, 300.0),
        (10.0, 12, 240.0, 20.0, 120.0), (8.0, 6, 300.0, 60.0, 900.0),
    ]:
        s = erlang_a_series(A, N, aht, within, patience)
        for g in (erlang_a(A, N, aht, within, patience),
                  erlang_a_gamma(A, N, aht, within, patience)):
            for k in s:
                rel = abs(g[k] - s[k]) / abs(s[k])
                assert rel < mp.mpf(10) ** -40, (A, N, k, g[k], s[k])
    print("incomplete gamma (mpmath and series) agrees with the birth-death chain", file=sys.stderr)


def check_w_by_quadrature(A, N, aht, patience, got):
    A = mp.mpf(A)
    r = mp.mpf(aht) / mp.mpf(patience)
    y = A / r
    B = erlang_b(A, N)
    x = N / r
    J = x * mp.exp(y) * y ** (-x) * mp.gammainc(x, 0, y)
    pN = 1 / (1 / B - 1 + J)
    def f(v):
        return N * mp.exp(-N * v + y * (1 - mp.exp(-r * v))) * v * mp.exp(-r * v)
    peak = max(mp.mpf(0), mp.log(A / (N + r)) / r)
    width = 1 / mp.sqrt(r * (N + r)) + 1 / abs(N + r - A) if A != N + r else 1
    pts = [mp.mpf(0)] + [peak + k * width for k in (-8, -4, -2, -1, 0, 1, 2, 4, 8, 16, 32, 64, 128) if peak + k * width > 0] + [mp.inf]
    W = pN * mp.quad(f, sorted(set(pts)))
    rel = abs(W - got) / W
    assert rel < mp.mpf(10) ** -25, (A, N, W, got)


def sqrt_range(A, ks):
    out = []
    for k in ks:
        n = int(math.floor(A + k * math.sqrt(A))) + 1
        if n >= 1 and n not in out:
            out.append(n)
    return out


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    if v == mp.inf:
        return "inf"
    return mp.nstr(v, 25, min_fixed=-mp.inf, max_fixed=mp.inf) if False else mp.nstr(v, 25)


def main():
    check_series()
    tick = [0]
    rows = []
    traffics_c = [0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 17.3, 42.0, 100.0, 150.7,
                  233.3, 300.0, 1000.0, 5000.0, 20000.0, 50000.0]
    # Erlang C: evaluations around the staffing level, plus unstable ones.
    for A in traffics_c:
        for aht, within in [(180.0, 20.0), (300.0, 60.0)]:
            ns = sqrt_range(A, [-0.5, 0.0, 0.5, 1.0, 2.0, 4.0, 8.0])
            if A == 50000.0:
                ns.append(60000)
            for N in ns:
                m = erlang_c(A, N, aht, within)
                rows.append(("eval", "C", A, aht, "", within, N, None, None, None, m))
    # Erlang C: minimal staffing for several targets.
    targets = [(0.8, 20.0, None, None), (0.9, 15.0, None, None),
               (0.95, 30.0, None, None), (0.7, 60.0, None, 0.85),
               (None, 20.0, 15.0, None), (0.8, 20.0, 30.0, 0.9),
               (0.5, 0.0, None, None)]
    for A in traffics_c:
        for (sl, within, asa, occ) in targets:
            aht = 300.0
            N = minimal_agents("C", A, aht, within, None, sl, asa, occ)
            m = erlang_c(A, N, aht, within)
            rows.append(("solve", "C", A, aht, "", within, N, sl, asa, occ, m))
    # Erlang A: evaluations, overloaded and not.
    traffics_a = [0.5, 3.0, 10.0, 42.0, 100.0, 300.0, 1000.0, 5000.0,
                  20000.0, 50000.0]
    for A in traffics_a:
        for aht, patience in [(300.0, 30.0), (300.0, 180.0), (180.0, 600.0),
                              (300.0, 3600.0)]:
            for N in sqrt_range(A, [-3.0, -1.0, 0.0, 1.0, 3.0]):
                m = erlang_a(A, N, aht, 20.0, patience)
                if N <= 12:
                    check_w_by_quadrature(A, N, aht, patience, m["_W"])
                rows.append(("eval", "A", A, aht, patience, 20.0, N, None, None, None, m))
    # Erlang A: heavily overloaded queue, and very long patience.
    for A, N, patience in [(100.0, 60, 120.0), (1000.0, 700, 60.0),
                           (50000.0, 40000, 600.0), (20000.0, 19000, 300.0),
                           (10.0, 14, 1.0e7), (300.0, 320, 1.0e8)]:
        m = erlang_a(A, N, 300.0, 20.0, patience)
        rows.append(("eval", "A", A, 300.0, patience, 20.0, N, None, None, None, m))
    # Erlang A: minimal staffing.
    for A in [3.0, 10.0, 100.0, 300.0, 5000.0]:
        for (sl, within, asa, occ), patience in [
                ((0.8, 20.0, None, None), 120.0),
                ((0.9, 30.0, None, None), 600.0),
                ((None, 20.0, 20.0, None), 300.0),
                ((0.8, 20.0, None, 0.9), 60.0)]:
            aht = 300.0
            N = minimal_agents("A", A, aht, within, patience, sl, asa, occ)
            m = erlang_a(A, N, aht, within, patience)
            rows.append(("solve", "A", A, aht, patience, within, N, sl, asa, occ, m))

    with open(OUT, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["kind", "model", "traffic", "aht_s", "patience_s",
                    "within_s", "agents", "sl_target", "asa_target_s",
                    "max_occupancy", "p_wait", "service_level", "asa_s",
                    "occupancy", "p_abandon"])
        for (kind, model, A, aht, patience, within, N, sl, asa, occ, m) in rows:
            if m is None:  # unstable Erlang C
                vals = ["1", "0", "inf", "", ""]
            else:
                vals = [fmt(m["p_wait"]), fmt(m["service_level"]),
                        fmt(m["asa_s"]), fmt(m["occupancy"]),
                        fmt(m["p_abandon"])]
            w.writerow([kind, model, repr(A), repr(aht),
                        repr(patience) if patience != "" else "",
                        repr(within), N,
                        "" if sl is None else repr(sl),
                        "" if asa is None else repr(asa),
                        "" if occ is None else repr(occ)] + vals)
    print(f"wrote {len(rows)} rows to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
