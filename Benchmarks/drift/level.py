"""How far the pools new invoices are resampled from (each customer's last 12 amounts) miss the
level of the next 90 days' billing, with and without AmountDrift's slope and check, at the month
starts an accuracy run used (the same rules as Sources/ArcadenceSimulation/AmountDrift.swift,
written again in Python to check them before they were built).

    python3 Benchmarks/drift/level.py STORE ACCURACY.json

Prints the mean |log error| of the billed level at the cutoffs: the pools as they are, with the
slope always, and with the slope only where the three earlier quarters chose it.
"""
import collections
import datetime
import json
import math
import sqlite3
import sys

WINDOW, QUARTER, POOL, Z = 365, 90, 12, 2.0


def slope(by, u):
    sxy = sxx = 0.0
    n = k = 0
    fits = []
    for rs in by.values():
        r = [(t, math.log(a)) for t, a in rs if u - WINDOW < t <= u and a > 0]
        if len(r) < 2:
            continue
        mt = sum(t for t, _ in r) / len(r)
        my = sum(y for _, y in r) / len(r)
        for t, y in r:
            sxy += (t - mt) * (y - my)
            sxx += (t - mt) ** 2
        n += len(r)
        k += 1
        fits.append((r, mt, my))
    if sxx == 0 or n <= k + 1:
        return 0.0
    b = sxy / sxx
    res = sum(((y - my) - b * (t - mt)) ** 2 for r, mt, my in fits for t, y in r)
    se = math.sqrt(res / (n - k - 1) / sxx)
    return b * max(0.0, 1 - (Z * se / b) ** 2) if b else 0.0


def factor(g, days):
    return min(4.0, max(0.25, math.exp(g * days)))


def level_error(by, p, g):
    pred = act = 0.0
    for rs in by.values():
        pool = [(t, a) for t, a in rs if t <= p][-POOL:]
        if not pool:
            continue
        mean = sum(a * factor(g, p - t) for t, a in pool) / len(pool)
        for t, a in rs:
            if p < t <= p + QUARTER:
                pred += mean * factor(g, t - p)
                act += a
    return math.log(pred / act) if act > 0 and pred > 0 else None


def chosen(by, u):
    g = slope(by, u)
    if g == 0:
        return 0.0
    for q in range(1, 4):
        p = u - q * QUARTER
        gp = slope(by, p)
        e0, e1 = level_error(by, p, 0.0), level_error(by, p, gp)
        if e0 is None or e1 is None or not abs(e1) < abs(e0):
            return 0.0
    return g


def load(db, acc):
    """Each customer's (issue day, amount), by day, and the accuracy run's cutoffs (days)."""
    con = sqlite3.connect(db)
    by = collections.defaultdict(list)
    for c, t, a in con.execute(
            "select customer_id, issued_on, amount from invoices order by issued_on"):
        by[c].append((t, a))
    x = json.load(open(acc))
    cuts = sorted({datetime.date.fromisoformat(e["cutoff"]).toordinal()
                   - datetime.date(1970, 1, 1).toordinal() for e in x["evaluations"]})
    return by, cuts


def mean_abs(by, cuts, errors):
    """errors(by, u) gives log errors at the day u before a cutoff; their mean |·| (%)."""
    tot = None
    for c in cuts:
        e = errors(by, c - 1)
        tot = tot or [0.0] * len(e)
        for j, v in enumerate(e):
            tot[j] += abs(v or 0.0)
    return [100 * t / len(cuts) for t in tot]


def main(db, acc):
    by, cuts = load(db, acc)
    m = mean_abs(by, cuts, lambda by, u: [
        level_error(by, u, 0.0), level_error(by, u, slope(by, u)),
        level_error(by, u, chosen(by, u))])
    print(f"{db}: mean |log error| of the billed level over {len(cuts)} cutoffs: "
          f"pools {m[0]:.1f} %, always the slope {m[1]:.1f} %, chosen {m[2]:.1f} %")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
