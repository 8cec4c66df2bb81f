"""The ceiling of accuracy's invoice-level hits: how many invoices any per-customer date
predictor could place within ±3 / ±7 days, judged with hindsight.

    python3 Benchmarks/ceiling/hits.py STORE ACCURACY.json [HORIZON]

Reads the cutoffs from an `arcadence accuracy --format json` run on STORE and counts, as
accuracy does, the invoices open at a cutoff (not closed by an event before it) whose
balance a payment brings to 0 within HORIZON days (default 90; the closing event among the
invoice's payments and adjustments in day order, payments first on a tie). Two hindsight
predictors, both given more than any forecast can have — each customer's delays (issue to
paid day) over the WHOLE ledger, the invoice's own and later ones included — and both
conditioned on the invoice's age at the cutoff (only delays at least that long count):

  median   issue + the median of those delays: accuracy's rule (the predicted median) with a
           perfect knowledge of the customer.
  window   issue + the delay whose ±7-day window holds the most of them: the best any single
           predicted day could do for the ±7 hits of this customer, in-sample.

And one predictor a forecast could use, for scale:

  past     issue + the median of the customer's delays of invoices paid before the cutoff
           (at least the invoice's age; none: a miss).

Prints the three beside the model's hits from the JSON. A target above `window` is out of
reach for any forecast that predicts one day per invoice from the customer's behaviour. Both
hindsight figures are loose bounds where customers have few invoices (the invoice's own delay
is among the few it is judged against).
"""
import bisect
import collections
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "delaycurves"))
import store  # noqa: E402  (the one ledger loader of the Python prototypes)

EPOCH = datetime.date(1970, 1, 1)


def day(iso):
    return (datetime.date.fromisoformat(iso) - EPOCH).days


def ledger(path):
    """invoices {id: (customer, issued, amount)}, and per invoice the day it closed and
    whether a payment closed it. The events come from the delay-curve prototypes' loader
    (`Benchmarks/delaycurves/store.py`: payments and adjustments per invoice, sorted by day,
    payments first on a tie), so both read the ledger one way."""
    _, _, _, _, rows, events, _ = store.load(path)
    inv = {i: (c, d, a) for i, c, d, a in rows}
    closed = {}
    for i, evs in events.items():
        if i not in inv:
            continue
        balance = inv[i][2]
        for d, kind, a in evs:
            balance -= a
            if balance <= 0:
                closed[i] = (d, kind == 0)
                break
    return inv, closed


def window_centre(delays):
    """The centre c whose window [c − 7, c + 7] holds the most delays: some best window has
    an observed delay at its left or right edge, so the centres v + 7 and v − 7 of every
    delay v cover it (v itself too, for ties)."""
    best, count = delays[0], -1
    for v in delays:
        for c in (v - 7, v, v + 7):
            n = bisect.bisect_right(delays, c + 7) - bisect.bisect_left(delays, c - 7)
            if n > count:
                best, count = c, n
    return best


def main():
    store, report = sys.argv[1], sys.argv[2]
    horizon = int(sys.argv[3]) if len(sys.argv) > 3 else 90
    inv, closed = ledger(store)
    delays = collections.defaultdict(list)
    paid = collections.defaultdict(list)  # per customer (paid day, delay), for `past`
    for i, (d, by_payment) in closed.items():
        if by_payment:
            delays[inv[i][0]].append(d - inv[i][1])
            paid[inv[i][0]].append((d, d - inv[i][1]))
    for v in delays.values():
        v.sort()
    acc = json.load(open(report))
    cutoffs = sorted({day(e["cutoff"]) for e in acc["evaluations"]})
    n = 0
    hits = {"hindsight median": [0, 0], "hindsight window": [0, 0], "past median": [0, 0]}
    for c in cutoffs:
        for i, (d, by_payment) in closed.items():
            customer, issued, _ = inv[i]
            if not (by_payment and issued < c <= d < c + horizon):
                continue
            n += 1
            age = c - issued
            rest = delays[customer][bisect.bisect_left(delays[customer], age):]
            past = sorted(v for p, v in paid[customer] if p < c and v >= age)
            for name, centre in (("hindsight median", rest[(len(rest) - 1) // 2]),
                                 ("hindsight window", window_centre(rest)),
                                 ("past median", past[(len(past) - 1) // 2] if past else None)):
                if centre is None:
                    continue
                gap = abs(d - (issued + centre))
                hits[name][0] += gap <= 3
                hits[name][1] += gap <= 7
    model = next(s for s in acc["summary"]
                 if s["method"] == "model" and s["horizon_days"] == horizon)
    print(f"{store}: {len(cutoffs)} cutoffs, {n} invoices open at a cutoff and paid within "
          f"{horizon} days (accuracy counted {model['invoices_paid']})")
    print(f"  model (accuracy)        ±3 {100 * model['within_3_days']:5.1f} %   "
          f"±7 {100 * model['within_7_days']:5.1f} %")
    for name, (h3, h7) in hits.items():
        print(f"  {name:<23} ±3 {100 * h3 / n:5.1f} %   ±7 {100 * h7 / n:5.1f} %")


if __name__ == "__main__":
    main()
