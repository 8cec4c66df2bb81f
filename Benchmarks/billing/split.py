# One row per dataset: the future billing volume split (volume.py's JSON) and the cash shares (quietcash.py's logic).
import json, sys
sys.path.insert(0, '.')
from volume import load, cadence, day, H
def cash_shares(db, js):
    inv, paid = load(db)
    J = json.load(open(js))
    tot = {e['cutoff']: e for e in J['evaluations'] if e['horizon_days'] == 90 and e['method'] == 'model'}
    q = n = 0.0
    for cs in J['cutoffs']:
        s = day(cs); billed, hist = cadence(inv, s)
        Q = N = 0
        for iid, c, d, a in inv:
            if s <= d < s + H:
                v = sum(x for pd, x in paid.get(iid, []) if pd < s + H)
                if c not in hist: N += v
                elif c not in billed: Q += v
        A = tot[cs]['actual'] * 100
        q += Q / A / len(J['cutoffs']); n += N / A / len(J['cutoffs'])
    return q, n
print('| dataset | invoices issued in 90 days, forecast / actual | amount, forecast vs actual | of which: count, billed customers | amount per invoice | new customers | silent customers billing again | actual cash in the 90 days from new customers | from silent ones |')
print('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
for i in range(1, len(sys.argv), 4):
    label, vol, db, js = sys.argv[i:i + 4]
    rows = json.load(open(vol)); k = len(rows)
    m = lambda f: sum(f(r) for r in rows) / k
    q, n = cash_shares(db, js)
    print('| %s | %.0f / %.0f | %+.1f%% | %+.1f%% | %+.1f%% | %+.1f%% | %+.1f%% | %.2f%% | %.2f%% |' % (
        label, m(lambda r: r['fc_n']), m(lambda r: r['act_n']), 100 * m(lambda r: (r['fc_a'] - r['act_a']) / r['act_a']),
        100 * m(lambda r: r['count_eff'] / r['act_a']), 100 * m(lambda r: r['amount_eff'] / r['act_a']),
        100 * m(lambda r: -r['new_a'] / r['act_a']), 100 * m(lambda r: -r['quiet_a'] / r['act_a']), 100 * n, 100 * q))
