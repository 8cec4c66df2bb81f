# Future billing volume, forecast (the renewal billing as Portfolio/Simulator draw it) against
# actual, per cutoff: invoices issued in [cutoff, cutoff + H), count and amount, split by cause.
import collections, json, random, sqlite3, statistics, sys, datetime

H = 90
PATHS = 200

def day(s):
    return (datetime.date.fromisoformat(s) - datetime.date(1970, 1, 1)).days

def load(db):
    c = sqlite3.connect(db)
    inv = list(c.execute("select invoice_id, customer_id, issued_on, amount from invoices"))
    paid = collections.defaultdict(list)
    for iid, d, a in c.execute("select invoice_id, received_on, amount from payments where invoice_id is not null"):
        paid[iid].append((d, a))
    return inv, paid

def cadence(inv, s):
    """BillingCadence.fit(until: s-1) + addRenewalSlots: per billed customer (gaps, age, mean amount)."""
    days = collections.defaultdict(list)
    amts = collections.defaultdict(list)
    for iid, c, d, a in inv:
        if d < s:
            days[c].append((d, iid, a))
    own, longest = {}, {}
    for c, l in days.items():
        l.sort(key=lambda x: (x[0],))
        d = [x[0] for x in l]
        if len(d) >= 2 and d[-1] > d[0]:
            own[c] = max(1, round((d[-1] - d[0]) / (len(d) - 1)))
            longest[c] = max(b - a for a, b in zip(d, d[1:]))
    typical = round(statistics.median(own.values())) if own else 0
    out = {}
    for c, l in days.items():
        d = [x[0] for x in l]
        g = own.get(c, 0) if len(d) >= 2 else (typical if len(d) == 1 else 0)
        u = s - 1
        if g > 0 and u - d[-1] <= max(2 * g, 45, longest.get(c, 0)):
            gaps = [b - a for a, b in zip(d, d[1:])][-24:] if len(d) >= 2 else [g]
            am = [x[2] for x in l][-12:]
            out[c] = (gaps, s - d[-1], sum(am) / len(am), g)
    return out, days

def expected_count(gaps, age, g, rng):
    k = min(64, -(-3 * H // max(1, g)) + 3)  # ceil(3·H/g) + 3
    tot = 0
    for _ in range(PATHS):
        el = [x for x in gaps if x >= age]
        if not el:
            day = int(rng.random() * rng.choice(gaps))
        else:
            day = rng.choice(el) - age
        n = 0
        while n < k and day < H:
            n += 1
            day += rng.choice(gaps)
        tot += n
    return tot / PATHS

def run(db, cutoffs):
    inv, paid = load(db)
    rng = random.Random(1)
    rows = []
    for cs in cutoffs:
        s = day(cs)
        billed, hist = cadence(inv, s)
        fc_n = fc_a = 0.0
        per = {}
        for c, (gaps, age, mean, g) in billed.items():
            n = expected_count(gaps, age, g, rng)
            per[c] = (n, mean)
            fc_n += n
            fc_a += n * mean
        act = collections.defaultdict(lambda: [0, 0, 0])  # count, amount, cash paid in horizon
        for iid, c, d, a in inv:
            if s <= d < s + H:
                x = act[c]
                x[0] += 1
                x[1] += a
                x[2] += sum(v for pd, v in paid.get(iid, []) if pd < s + H)
        # causes
        new_n = new_a = 0; quiet_n = quiet_a = 0
        cont_n = cont_a = 0; count_eff = amount_eff = 0.0
        for c, (n, a, _) in act.items():
            if c not in hist:
                new_n += n; new_a += a
            elif c not in billed:
                quiet_n += n; quiet_a += a
            else:
                cont_n += n; cont_a += a
        for c, (fn, mean) in per.items():
            an, aa, _ = act.get(c, (0, 0, 0))
            count_eff += (fn - an) * mean           # forecast count − actual count, at the customer's mean
            if an: amount_eff += aa - an * mean     # actual amounts above their recent mean
        actual_a = sum(x[1] for x in act.values())
        actual_n = sum(x[0] for x in act.values())
        cash = sum(x[2] for x in act.values())
        # billing in the previous H days and the same window a year before
        prev = sum(a for _, _, d, a in inv if s - H <= d < s)
        yago = sum(a for _, _, d, a in inv if s - 365 <= d < s - 365 + H)
        yago_prev = sum(a for _, _, d, a in inv if s - 365 - H <= d < s - 365)
        rows.append(dict(cutoff=cs, fc_n=fc_n, act_n=actual_n, fc_a=fc_a, act_a=actual_a,
                         cash=cash, new_n=new_n, new_a=new_a, quiet_n=quiet_n, quiet_a=quiet_a,
                         cont_n=cont_n, cont_a=cont_a, count_eff=count_eff, amount_eff=-amount_eff,
                         prev=prev, yago=yago, yago_prev=yago_prev, billed=len(billed)))
    return rows

if __name__ == '__main__':
    db, js = sys.argv[1], sys.argv[2]
    cut = json.load(open(js))['cutoffs']
    rows = run(db, cut)
    print(json.dumps(rows))
