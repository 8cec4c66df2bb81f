# Prototype of DelayCurves (Benchmarks/accuracy.md, "why the curves under-paid the standard world"):
# python3 competing.py STORE.sqlite CUTOFF_DAY... (days since 1970-01-01, e.g. 20513 = 2026-03-01)
# prints the open book's predicted ÷ actual cash within 90 days (and, autopay.py, the billing's) per variant.
import sys, numpy as np, collections
from store import L, K, H, load
db, cut = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else None
c, cust, segs, segi, inv, ev, last = load(db)
def analyse(cut, modes):
    u = cut - 1
    rows = []  # (cust, t, kind)
    for iid, cid, iss, amt in inv:
        if iss > u: continue
        b = amt; paid = None; bal = amt; closed = None
        for d, k, a in ev.get(iid, []):
            b -= a
            if d <= u: bal -= a
            if b <= 0:
                paid = d if k == 0 else None
                closed = d
                break
        if paid is not None and paid <= u: rows.append((cust[cid][0], min(L-1, paid - iss), 0))
        elif bal <= 0: rows.append((cust[cid][0], min(L-1, closed - iss), 2))
        else: rows.append((cust[cid][0], min(L-1, u - iss), 1))
    n = len(cust)
    def km(E, C, nev, tail=None):
        r = E.sum() + C.sum() + nev; s = 1.0; out = np.ones(L); lastT = -1; sl = 1.0; rl = r
        for t in range(L):
            e = E[t]
            if r > 0 and e > 0:
                s *= 1 - e / r; lastT = t
            out[t] = s; r -= e + C[t]
            if e > 0: sl = s; rl = r
        if tail is not None and lastT < L - 1 and rl > 0 and sl > 0:
            q = nev / rl; base = tail[lastT] if lastT >= 0 else 1.0
            for t in range(lastT + 1, L):
                ratio = tail[t] / base if base > 0 else 0.0
                out[t] = sl * (q + (1 - q) * ratio)
        return out
    segE = np.zeros((len(segs), L)); segC = np.zeros((len(segs), L)); segN = np.zeros(len(segs))
    by = collections.defaultdict(list)
    segof = [0] * n
    for cid, (i, s) in cust.items(): segof[i] = segi[s]
    for ci, t, k in rows:
        by[ci].append((t, k)); s = segof[ci]
        if k == 0: segE[s][t] += 1
        elif k == 1: segC[s][t] += 1
        else: segN[s] += 1
    segCurve = [km(segE[s], segC[s], segN[s]) for s in range(len(segs))]
    def cinc(rowsl):
        # Aalen-Johansen closure incidence: overall KM G over payment+closure, censored kind 1
        E = np.zeros(L); Cl = np.zeros(L); Ce = np.zeros(L)
        for t, k in rowsl:
            if k == 0: E[t] += 1
            elif k == 1: Ce[t] += 1
            else: Cl[t] += 1
        r = len(rowsl); g = 1.0; out = np.zeros(L); acc = 0.0
        for t in range(L):
            if r > 0:
                acc += g * Cl[t] / r
                g *= 1 - (E[t] + Cl[t]) / r
            out[t] = acc; r -= E[t] + Cl[t] + Ce[t]
        return out
    segrows = collections.defaultdict(list)
    for ci, t, k in rows: segrows[segof[ci]].append((t, k))
    segC = {sg: cinc(v) for sg, v in segrows.items()}
    CC = np.zeros((n, L))
    for ci in range(n):
        own = by.get(ci); sc = segC.get(segof[ci], np.zeros(L))
        if not own: CC[ci] = sc; continue
        w = len(own) / (len(own) + K)
        CC[ci] = w * cinc(own) + (1 - w) * sc
    curves = {}
    for mode in modes:
        S = np.ones((n, L))
        for ci in range(n):
            sc = segCurve[segof[ci]]; own = by.get(ci)
            if not own: S[ci] = sc; continue
            E = np.zeros(L); C = np.zeros(L); nv = 0
            for t, k in own:
                if k == 0: E[t] += 1
                elif k == 1: C[t] += 1
                else: nv += 1
            cu = km(E, C, nv, sc if mode != 'base' else None)
            w = len(own) / (len(own) + K)
            S[ci] = w * cu + (1 - w) * sc
        curves[mode] = S
    # open book: invoices issued before cut, open at u
    act = 0; pred = {m: 0.0 for m in modes}; byage = collections.defaultdict(lambda: [0, {m: 0.0 for m in modes}])
    for iid, cid, iss, amt in inv:
        if iss > u: continue
        bal = amt - sum(a for d, k, a in ev.get(iid, []) if d <= u)
        if bal <= 0: continue
        a = cut - iss; ci = cust[cid][0]
        got = sum(am for d, k, am in ev.get(iid, []) if k == 0 and cut <= d < cut + H)
        act += got
        g = '<=15' if a <= 15 else '16-30' if a <= 30 else '31-60' if a <= 60 else '61-90' if a <= 90 else '>90'
        byage[g][0] += got
        for m in modes:
            S = curves[m][ci]
            den = S[a - 1] if a >= 1 else 1.0
            if a >= L or den <= 0: continue
            if m == 'tailcr':
                cl = CC[ci][a - 1] if a >= 1 else 0.0
                den2 = den - cl
                p = (den - S[min(L - 1, a + H - 1)]) / den2 if den2 > 1e-12 else 0.0
            else:
                p = 1 - S[min(L - 1, a + H - 1)] / den
            pred[m] += bal * p; byage[g][1][m] += bal * p
    print(cut, 'actual', act, ' '.join(f'{m} {pred[m]/act:.3f}' for m in modes))
    for g in ['<=15', '16-30', '31-60', '61-90', '>90']:
        if g in byage: print('  ', g, byage[g][0], ' '.join(f'{m} {byage[g][1][m]/max(1,byage[g][0]):.3f}' for m in modes))
cuts = [int(x) for x in sys.argv[2:]] if len(sys.argv) > 2 else [last - 120]
for ct in cuts: analyse(ct, ['base', 'tail', 'tailcr'])
