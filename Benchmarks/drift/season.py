"""How far the pools new invoices are resampled from miss the level of the next 90 days'
billing, with AmountDrift's slope as chosen and with a yearly season of amounts added: always
(after its shrinkage), and only where the earlier quarters with a year of data before them chose
it (the rules of Sources/ArcadenceSimulation/AmountDrift.swift, written again in Python to check
them before they were built; needs NumPy).

    python3 Benchmarks/drift/season.py STORE ACCURACY.json

Prints the mean |log error| of the billed level at the accuracy run's cutoffs and why the season
was or was not used at each.
"""
import collections
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import level as L  # noqa: E402

WINDOW, SPAN, Z = 730, 365, 2.0
OMEGA = 2 * math.pi / 365.25


def season(by, u):
    """(a, b) of a·sin ωt + b·cos ωt within customers, with a trend, shrunk by (1 − z²/W)₊."""
    xs, ys, lo, hi = [], [], None, None
    for rs in by.values():
        r = [(t, math.log(a)) for t, a in rs if u - WINDOW < t <= u and a > 0]
        if len(r) < 2:
            continue
        t = np.array([x for x, _ in r], float)
        y = np.array([v for _, v in r])
        x = np.stack([t / 365.25, np.sin(OMEGA * t), np.cos(OMEGA * t)], 1)
        xs.append(x - x.mean(0))
        ys.append(y - y.mean())
        lo = t.min() if lo is None else min(lo, t.min())
        hi = t.max() if hi is None else max(hi, t.max())
    if not xs or hi - lo < SPAN:
        return None
    x, y = np.concatenate(xs), np.concatenate(ys)
    n, k = len(y), len(xs)
    if n <= k + 3:
        return None
    try:
        inv = np.linalg.inv(x.T @ x)
    except np.linalg.LinAlgError:
        return None
    beta = inv @ (x.T @ y)
    res = y - x @ beta
    s2 = res @ res / (n - k - 3)
    th = beta[1:]
    if not th.any():
        return (0.0, 0.0)
    wald = th @ np.linalg.solve(s2 * inv[1:, 1:], th) if s2 > 0 else math.inf
    shrink = max(0.0, 1 - Z * Z / wald) if wald > 0 else 0.0
    return (th[0] * shrink, th[1] * shrink)


def s(sea, t):
    return 0.0 if sea is None else sea[0] * math.sin(OMEGA * t) + sea[1] * math.cos(OMEGA * t)


def factor(g, sea, frm, to):
    return min(4.0, max(0.25, math.exp(g * (to - frm) + s(sea, to) - s(sea, frm))))


def level_error(by, p, g, sea):
    pred = act = 0.0
    for rs in by.values():
        pool = [(t, a) for t, a in rs if t <= p][-L.POOL:]
        if not pool:
            continue
        mean = sum(a * factor(g, sea, t, p) for t, a in pool) / len(pool)
        for t, a in rs:
            if p < t <= p + L.QUARTER:
                pred += mean * factor(g, sea, p, t)
                act += a
    return math.log(pred / act) if act > 0 and pred > 0 else None


def chosen(by, u, drift_used):
    sea = season(by, u)
    if sea is None or sea == (0.0, 0.0):
        return None, "none measured"
    checked = 0
    for q in range(1, 4):
        p = u - q * L.QUARTER
        sp = season(by, p)
        if sp is None:
            break
        gp = L.slope(by, p) if drift_used else 0.0
        e0, e1 = level_error(by, p, gp, None), level_error(by, p, gp, sp)
        if e0 is None or e1 is None:
            break
        if not abs(e1) < abs(e0):
            return None, "a quarter worse"
        checked += 1
    return (sea, "used") if checked else (None, "no quarter to check")


def main(db, acc):
    by, cuts = L.load(db, acc)
    why = collections.Counter()

    def errors(by, u):
        g = L.chosen(by, u)
        sea, w = chosen(by, u, g != 0)
        why[w] += 1
        return [level_error(by, u, g, None), level_error(by, u, g, season(by, u)),
                level_error(by, u, g, sea)]

    m = L.mean_abs(by, cuts, errors)
    print(f"{db}: mean |log error| of the billed level over {len(cuts)} cutoffs: drift as "
          f"chosen {m[0]:.1f} %, with the season always {m[1]:.1f} %, chosen {m[2]:.1f} % "
          f"({dict(why)})")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
