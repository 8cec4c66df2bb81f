# The return share of silent customers by class of silence (BillingCadence.returnShares), and how
# many silent customers it predicts to bill again against how many did: returns.py DB ACCURACY.json LAGS SHRINK
# (LAGS windows 30 days apart; the model uses 3 and 1). Classes here are 0..3 and "single" (the model: 1..4 and 0).
import sys, json, collections
sys.path.insert(0, '.')
from volume import *
db, js = sys.argv[1], sys.argv[2]
inv, paid = load(db)
first = min(d for _, _, d, _ in inv)
EDGES = [1.5, 2, 3, 1e9]
def bins(r):
    billed, hist = cadence(inv, r)
    out = collections.defaultdict(set)
    for c, l in hist.items():
        if c in billed: continue
        d = [x[0] for x in l]
        if len(d) < 2: 
            out['single'].add(c); continue
        g = max(1, round((d[-1] - d[0]) / (len(d) - 1)))
        lg = max(b - a for a, b in zip(d, d[1:]))
        thr = max(2 * g, 45, lg)
        rho = (r - 1 - d[-1]) / thr
        b = next(i for i, e in enumerate(EDGES) if rho <= e)
        out[b].add(c)
    return out
tp = ta = 0
for cs in json.load(open(js))['cutoffs']:
    s = day(cs)
    Q = collections.Counter(); R = collections.Counter()
    for k in range(int(sys.argv[3])):
        r = s - H - 30 * k
        if r - first < H: break
        back = {c for _, c, d, a in inv if r <= d < r + H}
        for b, cs_ in bins(r).items():
            Q[b] += len(cs_); R[b] += len(cs_ & back)
    now = bins(s)
    back = {c for _, c, d, a in inv if s <= d < s + H}
    pred = sum(len(v) * (R[b] / (Q[b] + float(sys.argv[4]))) for b, v in now.items())
    act = sum(len(v & back) for v in now.values())
    tp += pred; ta += act
    print(' ', cs, {b: '%d/%d' % (R[b], Q[b]) for b in sorted(Q, key=str)}, 'now', {b: len(v) for b, v in now.items()}, 'pred returners %.1f actual %d' % (pred, act))
print(' total pred %.0f actual %d' % (tp, ta))
