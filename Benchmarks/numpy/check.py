#!/usr/bin/env python3
"""Statistical agreement of the Swift simulator and the NumPy reference model.

    check.py OURS.json NUMPY.json NUMPY.npz [--policy NAME] [--z 3]

OURS.json is `arcadence simulate SCENARIO --format json`; NUMPY.json and NUMPY.npz are
`simulate.py ... --out NUMPY.json --samples NUMPY.npz` on the same scenario, calibration
file and start state. The two use different random streams (Philox against PCG64), so they
can only agree within Monte Carlo error. For each statistic it prints both values, the
difference, its standard error under the hypothesis that both sample the same distribution,
and z = difference / SE.

The verdict rests on the primary statistics, the benchmark's criterion: the mean, P5 and
P95 (the 90 % band) of total cash collected and of the open balance at the horizon (ending
AR); they agree when each |z| <= 3 (--z). The other statistics (median, contacts, promises,
cumulative cash by days 30 and 60, ...) are diagnostics: with 18 of them, a |z| above 3
turns up by chance in about one run in twenty, so they are flagged against the Bonferroni
bound for a 1 % family-wise error (|z| > 3.45) and reported, without changing the verdict.

Standard errors: for a mean, sd x sqrt(1/n1 + 1/n2) with the NumPy sample's sd; for a
percentile, the NumPy sample's bootstrap SE (1,000 resamples) x sqrt(1 + n_numpy/n_ours).
Percentiles use NumPy's linear interpolation on both sides (Statistics.quantile in Swift).
"""

import argparse
import json
import math
import sys

import numpy as np

MONEY = {"total_cash", "ending_ar", "past_due", "d90_plus", "write_offs", "agency_fees",
         "credit_sales"}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ours")
    ap.add_argument("numpy_json")
    ap.add_argument("numpy_samples")
    ap.add_argument("--policy", help="our policy name (default: the first)")
    ap.add_argument("--z", type=float, default=3.0, help="agreement threshold (default 3)")
    a = ap.parse_args(argv)

    ours = json.load(open(a.ours))
    ref = json.load(open(a.numpy_json))
    smp = np.load(a.numpy_samples)
    pol = ours["policies"][0] if a.policy is None else \
        next(p for p in ours["policies"] if p["name"] == a.policy)
    n_ours = int(ours["scenario"]["paths"])
    n_np = int(ref["scenario"]["paths"])
    h = int(ours["scenario"]["horizon_days"])
    if h != ref["scenario"]["horizon_days"]:
        sys.exit("the two runs have different horizons")
    if ours["scenario"]["open_invoices"] != ref["scenario"]["open_invoices"]:
        sys.exit("the two runs start from different books")
    rng = np.random.default_rng(12345)
    boot_idx = rng.integers(0, n_np, size=(1000, n_np))

    samples = {
        "total_cash": smp["cash"], "ending_ar": smp["ending_ar"], "past_due": smp["past_due"],
        "d90_plus": smp["d90_plus"], "calls_made": smp["calls_made"],
        "calls_missed": smp["calls_missed"], "other_contacts": smp["other_contacts"],
        "promises": smp["promises"], "disputes": smp["disputes"],
        "autopay_enrollments": smp["autopay_enrollments"], "write_offs": smp["write_offs"],
        "credit_sales": smp["credit_sales"],
    }
    rows = []
    primary = {("total_cash", s) for s in ("mean", "p5", "p95")} | \
        {("ending_ar", s) for s in ("mean", "p5", "p95")}
    bonferroni = 3.45   # two-sided 1 % / 18 statistics

    def add(label, ours_value, values, stat, money):
        v = np.asarray(values, dtype=float) / (100.0 if money else 1.0)
        if stat == "mean":
            mine = float(v.mean())
            se = float(v.std(ddof=1)) * math.sqrt(1 / n_ours + 1 / n_np)
        else:
            q = {"p5": 0.05, "p50": 0.5, "p95": 0.95}[stat]
            mine = float(np.quantile(v, q))
            boots = np.quantile(v[boot_idx], q, axis=1)
            se = float(boots.std(ddof=1)) * math.sqrt(1 + n_np / n_ours)
        diff = ours_value - mine
        if se == 0:
            z = 0.0 if abs(diff) < 1e-9 else math.inf
        else:
            z = diff / se
        rows.append((label, stat, ours_value, mine, diff, se, z))

    for key in ("total_cash", "ending_ar"):
        for stat in ("mean", "p5", "p50", "p95"):
            add(key, float(pol[key][stat]), samples[key], stat, True)
    for key in ("past_due", "d90_plus", "write_offs", "credit_sales"):
        add(key, float(pol[key]["mean"]), samples[key], "mean", True)
    for key in ("calls_made", "calls_missed", "other_contacts", "promises", "disputes",
                "autopay_enrollments"):
        add(key, float(pol[key]["mean"]), samples[key], "mean", False)
    daily = pol["daily_cumulative_cash"]
    cum = smp["cumulative_cash"]
    for day in sorted({min(h, 30), min(h, 60)} - {h}):
        for stat in ("mean", "p5", "p95"):
            add(f"cash by day {day}", float(daily[stat][day - 1]), cum[:, day - 1], stat, True)

    print(f"Swift ({n_ours} paths) against NumPy ({n_np} paths), policy {pol['name']}, "
          f"{h} days, {ours['scenario']['open_invoices']} open invoices")
    print(f"{'statistic (* primary)':<23}{'':>5}{'ours':>16}{'numpy':>16}{'difference':>14}"
          f"{'SE':>12}{'z':>7}")
    for label, stat, o, m_, d, se, z in rows:
        is_primary = (label, stat) in primary
        flag = ""
        if is_primary and abs(z) > a.z:
            flag = "  <-- disagrees"
        elif not is_primary and abs(z) > bonferroni:
            flag = "  <-- beyond the Bonferroni bound"
        elif not is_primary and abs(z) > a.z:
            flag = "  (beyond 3)"
        print(f"{label + (' *' if is_primary else ''):<23}{stat:>5}{o:>16,.2f}{m_:>16,.2f}"
              f"{d:>14,.2f}{se:>12,.2f}{z:>7.2f}{flag}")
    prim = [r for r in rows if (r[0], r[1]) in primary]
    diag = [r for r in rows if (r[0], r[1]) not in primary]
    worst_p = max(abs(r[6]) for r in prim)
    worst_d = max(abs(r[6]) for r in diag)
    flagged = [f"{r[0]} {r[1]} (z = {r[6]:.2f})" for r in diag if abs(r[6]) > bonferroni]
    note = (f"; diagnostics: largest |z| = {worst_d:.2f}"
            + (f", beyond the Bonferroni bound: {', '.join(flagged)}" if flagged else
               f", none beyond the Bonferroni bound {bonferroni}"))
    if any(abs(r[6]) > a.z for r in prim):
        print(f"DISAGREE: a primary statistic differs by more than {a.z:g} standard errors "
              f"(largest |z| = {worst_p:.2f}){note}")
        return 1
    print(f"AGREE: the {len(prim)} primary statistics (mean, P5, P95 of total cash and of "
          f"ending AR) within {a.z:g} standard errors (largest |z| = {worst_p:.2f}){note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
