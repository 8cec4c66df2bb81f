# The ledger as the delay-curve prototypes read it (tail.py, competing.py, autopay.py): one
# loader for all three, so they differ only in the variant each measures.
import collections
import sqlite3

L = 1096  # days a curve covers (three years), as DelayCurves
K = 5.0   # the mix weight towards the segment's curve
H = 90    # the horizon, days


def load(db):
    """customers {id: (index, segment)}, sorted segments and their index, invoices
    (id, customer, issued, amount), per invoice its events sorted (day, 0 payment / 1
    adjustment, amount), the last event day, and the open connection."""
    c = sqlite3.connect(db)
    cust = {r[0]: (i, r[1] or '') for i, r in enumerate(
        c.execute("select customer_id, segment from customers order by customer_id"))}
    segs = sorted({v[1] for v in cust.values()})
    segi = {s: i for i, s in enumerate(segs)}
    inv = list(c.execute("select invoice_id, customer_id, issued_on, amount from invoices"))
    ev = collections.defaultdict(list)
    for iid, d, a in c.execute(
            "select invoice_id, received_on, amount from payments where invoice_id is not null"):
        ev[iid].append((d, 0, a))
    for iid, d, a in c.execute("select invoice_id, posted_on, amount from adjustments"):
        ev[iid].append((d, 1, a))
    for k in ev:
        ev[k].sort()
    last = max(d for l in ev.values() for d, _, _ in l)
    return c, cust, segs, segi, inv, ev, last
