#!/usr/bin/env python3
"""Runs the C reference of the event-driven simulator (engine.c) on a scenario.

    python3 Benchmarks/c/run.py SCENARIO --calibration CAL.yaml --portfolio START.csv \
        [--out C.json] [--samples C.npz]

The same command line and outputs as Benchmarks/numpy/simulate.py (JSON summary with
`throughput`, per-path samples for check.py). The inputs are read with simulate.py's readers
and written as one flat text file that engine.c reads; engine.c is built here with `gcc -O3`
(one thread) when missing or older than its source. The reported seconds are engine.c's own
clock from the first path to the last (input parsing excluded), as on our side.
"""

import math
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "numpy"))
import simulate as ref  # noqa: E402

SOURCE = os.path.join(HERE, "engine.c")
NO_DAY = -999999
PRIORITIES = {"balance_x_dpd": 0, "oldest_first": 1, "largest_first": 2}


def binary(build_dir):
    """The engine binary, built with gcc -O3 when missing or stale."""
    exe = os.path.join(build_dir, "c-engine")
    if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(SOURCE):
        os.makedirs(build_dir, exist_ok=True)
        subprocess.run(["gcc", "-O3", "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-o",
                        exe, SOURCE, "-lm"], check=True)
    return exe


def refuse(why):
    sys.exit(f"c/run.py: {why} is not implemented in the C reference (see engine.c)")


def write_input(path, params, policy, book, horizon, paths, seed, shock):
    p = params
    if book.is_new.any():
        refuse("new invoices")
    if policy.escalations:
        refuse("escalation")
    if policy.priority not in PRIORITIES:
        refuse(f"priority {policy.priority}")
    hz = p.hazard[:, ref.BAND_BUCKET] * p.band_factor[None, :]
    wo = np.minimum(1, p.write_off[ref.BAND_BUCKET])
    # Lifts of recent contacts still running on day 0 (EngineCore.startLifts).
    r0 = np.zeros(book.n)
    q0 = np.zeros(book.n)
    for i, cs in enumerate(book.contacts):
        r = q = 0.0
        for day, reached in cs:
            if reached:
                r += p.reached_lift * math.exp(-(-day) / p.reached_decay)
            else:
                q += p.unreached_lift * math.exp(-(-day) / p.unreached_decay)
        if r + q >= 1e-3:
            r0[i], q0[i] = r, q
    opened = [NO_DAY if x is None else x for x in book.dispute_opened]
    share = [0.0 if x is None else float(p.resolution_share(np.array([float(-x)]))[0])
             for x in book.dispute_opened]
    promise = [NO_DAY if x is None else x for x in book.promise_day]
    out = []
    w = out.append
    w(f"{horizon} {paths} {seed} {int(shock)} {p.shock_sigma!r} {ref.HAZARD_CAP!r}")
    w(f"{len(p.segments)}")
    w(" ".join(repr(float(x)) for x in hz.ravel()))
    w(" ".join(repr(float(x)) for x in wo))
    w(" ".join(repr(float(x)) for x in p.reach))
    w(f"{p.reached_lift!r} {p.reached_decay!r} {p.unreached_lift!r} {p.unreached_decay!r}")
    w(f"{p.p_promise!r} {p.p_kept!r} {p.p_dispute!r} {p.p_accept!r} {p.on_time!r} "
      f"{policy.completion!r}")
    w(f"{len(p.lead_days)} " + " ".join(str(int(x)) for x in p.lead_days) + " "
      + " ".join(repr(float(x)) for x in p.lead_weights))
    w(f"{len(p.resolution)} " + " ".join(repr(float(x)) for x in p.resolution))
    calls = -1 if policy.calls_per_day is None else policy.calls_per_day
    other = -1 if policy.other_per_day is None else policy.other_per_day
    w(f"{calls} {other} {PRIORITIES[policy.priority]} {int(policy.offer_autopay)}")
    w(" ".join(str(int(x)) for x in policy.mask))
    w(f"{book.customers} " + " ".join(str(int(x)) for x in book.cust_autopay))
    w(f"{book.n}")
    for i in range(book.n):
        w(f"{int(book.balance[i])} {int(book.due[i])} {int(book.seg[i])} {int(book.cust[i])} "
          f"{opened[i]} {share[i]!r} {promise[i]} {float(r0[i])!r} {float(q0[i])!r}")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main(argv=None):
    ap = ref.arguments(__doc__.split("\n")[0])
    ap.add_argument("--build", default=".bench/c", help="where to build the engine")
    a = ap.parse_args(argv)
    _, params, policy, book, horizon, paths, seed, shock = ref.prepare(a)
    exe = binary(a.build)
    with tempfile.TemporaryDirectory() as tmp:
        inp = os.path.join(tmp, "input.txt")
        outp = os.path.join(tmp, "output.txt")
        write_input(inp, params, policy, book, horizon, paths, seed, shock)
        subprocess.run([exe, inp, outp], check=True)
        with open(outp) as f:
            seconds, cpu, n, h, m = f.readline().split()
            rows = np.loadtxt(f, dtype=np.int64, ndmin=2)
    m = int(m)
    names = ["cash", "ending_ar", "past_due", "d90_plus", "calls_made", "calls_missed",
             "other_contacts", "autopay_enrollments", "write_offs", "promises", "disputes",
             "invoice_days"]
    res = {k: rows[:, j] for j, k in enumerate(names)}
    res["agency_fees"] = np.zeros(len(rows), dtype=np.int64)
    res["credit_sales"] = np.zeros(len(rows), dtype=np.int64)
    res["daily_cash"] = rows[:, m:]
    ref.report(a, res, book, policy, horizon, paths, seed, float(seconds), float(cpu),
               {"implementation": "c", "compiler": "gcc -O3"}, {"threads": 1}, "c")


if __name__ == "__main__":
    main()
