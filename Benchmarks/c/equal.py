#!/usr/bin/env python3
"""Whether the C reference's outputs equal ours: `equal.py OURS.json C.json`.

engine.c runs our algorithm on our Philox draws, so on the scenarios it supports its per-path
outputs are ours exactly; this compares every summary both JSONs hold (money to the cent:
ours is written in currency units with two decimals, C's in cents) and prints "equal (N
values)" or the first differences, exiting 1 on any. Our JSON rounds count means to three
decimals, so counts agree within 0.0005.
"""

import json
import sys

MONEY = {"total_cash", "ending_ar", "past_due", "d90_plus", "write_offs", "credit_sales",
         "agency_fees"}
COUNTS = {"calls_made", "calls_missed", "other_contacts", "autopay_enrollments", "promises",
          "disputes"}


def main():
    ours = json.load(open(sys.argv[1]))
    c = json.load(open(sys.argv[2]))
    pol = ours["policies"][0]
    diffs, n = [], 0
    for key in sorted(MONEY | COUNTS):
        if key not in pol or key not in c or c[key] is None:
            continue
        for stat in ("mean", "p5", "p50", "p95"):
            if stat not in pol[key]:
                continue
            a = float(pol[key][stat])
            b = float(c[key][stat]) / (100 if key in MONEY else 1)
            n += 1
            if abs(a - b) > (0.006 if key in MONEY else 0.00051):
                diffs.append(f"{key} {stat}: ours {a} C {b}")
    daily = pol["daily_cumulative_cash"]
    for stat in ("mean", "p5", "p50", "p95"):
        for day, (a, b) in enumerate(zip(daily[stat], c["daily_cumulative_cash"][stat])):
            n += 1
            if abs(a - b / 100) > 0.006:
                diffs.append(f"cumulative cash day {day + 1} {stat}: ours {a} C {b / 100}")
    if diffs:
        print(f"DIFFER ({len(diffs)} of {n} values): " + "; ".join(diffs[:5]))
        return 1
    print(f"equal ({n} values)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
