"""Turn a generated world's CSV folder into one whose invoice amounts drift: every amount of an
invoice issued t years after the first invoice is multiplied by a factor of t, and its payments and
adjustments with it (an invoice settled exactly stays settled exactly: the rounding goes to its
last settlement). Unapplied payments move with their own day. Other files are copied.

    python3 Benchmarks/drift/warp.py SRC DST MODE

growth: × 1.6^t (60 % a year); decline: × 0.7^t; season: × (1 + 0.35 sin 2πt); season2: × (1 +
0.2 cos(2πt + 1)), a smaller season in another phase. Changes of level that one year of data
cannot tell from a season (what YearlySeason must refuse before a quarter can check it): ramp:
× 0.1 in the first two months; concave: × (1 + 2(1 − e^(−6t))), growth × 3 that slows; step:
× 1.35 from month 6; loss: × 0.65 from month 9.
The worlds AmountDrift (Sources/ArcadenceSimulation/AmountDrift.swift) was measured on; the
generator knows nothing of it, so the drift is the only thing changed.
"""
import collections
import csv
import datetime
import math
import os
import shutil
import sys

FACTORS = {
    "growth": lambda t: 1.6 ** t,
    "decline": lambda t: 0.7 ** t,
    "season": lambda t: 1 + 0.35 * math.sin(2 * math.pi * t),
    "season2": lambda t: 1 + 0.2 * math.cos(2 * math.pi * t + 1.0),
    "ramp": lambda t: 0.1 if t < 2 / 12 else 1.0,
    "concave": lambda t: 1 + 2 * (1 - math.exp(-6 * t)),
    "step": lambda t: 1.35 if t >= 0.5 else 1.0,
    "loss": lambda t: 0.65 if t >= 0.75 else 1.0,
}


def day(s):
    return datetime.date.fromisoformat(s).toordinal()


def cents(s):
    # Amounts as the generator writes them: plain decimals with two places at most.
    whole, _, frac = s.lstrip("-").partition(".")
    v = int(whole) * 100 + int((frac + "00")[:2])
    return -v if s.startswith("-") else v


def text(c):
    return f"{'-' if c < 0 else ''}{abs(c) // 100}.{abs(c) % 100:02d}"


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def write(path, rs):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rs[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(rs)


def main(src, dst, mode):
    factor = FACTORS[mode]
    os.makedirs(dst, exist_ok=True)
    inv = rows(f"{src}/invoices.csv")
    first = min(day(r["issued_on"]) for r in inv)
    k = {}
    old = {}
    new = {}
    for r in inv:
        i = r["invoice_id"]
        k[i] = factor((day(r["issued_on"]) - first) / 365)
        old[i] = cents(r["amount"])
        new[i] = max(1, round(old[i] * k[i]))
        r["amount"] = text(new[i])
    pays = rows(f"{src}/payments.csv")
    adjs = rows(f"{src}/adjustments.csv")
    by = collections.defaultdict(list)
    for r in pays:
        if r["invoice_id"]:
            by[r["invoice_id"]].append((r["received_on"], r))
        else:
            f = factor((day(r["received_on"]) - first) / 365)
            r["amount"] = text(max(1, round(cents(r["amount"]) * f)))
    for r in adjs:
        by[r["invoice_id"]].append((r["posted_on"], r))
    for i, settled in by.items():
        if i not in k:
            continue
        settled.sort(key=lambda x: x[0])
        before = sum(cents(r["amount"]) for _, r in settled)
        after = 0
        for _, r in settled:
            c = cents(r["amount"])
            v = max(1, round(c * k[i])) if c > 0 else round(c * k[i])
            r["amount"] = text(v)
            after += v
        last = settled[-1][1]
        fixed = cents(last["amount"]) + new[i] - after
        if before == old[i] and fixed > 0:
            last["amount"] = text(fixed)
    write(f"{dst}/invoices.csv", inv)
    write(f"{dst}/payments.csv", pays)
    write(f"{dst}/adjustments.csv", adjs)
    for n in os.listdir(src):
        if n not in ("invoices.csv", "payments.csv", "adjustments.csv"):
            shutil.copy(f"{src}/{n}", f"{dst}/{n}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
