#!/usr/bin/env python3
"""The fair NumPy reference: the simulator's model as an expert would vectorise it.

    python3 Benchmarks/numpy/fair.py SCENARIO --calibration CAL.yaml --portfolio START.csv \
        [--chunk 500] [--out FAIR.json] [--samples FAIR.npz]

The same model, inputs and outputs as simulate.py (the dense reference), written the way our
engine works rather than day by day over every slot:

  * **inversion by searchsorted**: per chunk of paths, the cumulative log-survival of the
    payment hazard, −Σ log(1 − min(cap, h × shock)), is tabulated per (path, segment) over
    the days past due the horizon can reach (with the calibration's band factors), and the
    write-off's once. An invoice with no lift running gets its payment day in one
    `np.searchsorted` on that table (the first day its clock's survival falls to its uniform
    threshold) and is not touched until then; the write-off day likewise, for every invoice;
  * **compaction**: the state is one row per open (path, invoice) pair, and the rows of
    invoices paid or written off are dropped at the end of each day, so the work per day
    follows the open invoices, not paths × invoices;
  * only invoices whose contact lift is running are stepped day by day (the lift changes the
    hazard every day; our engine steps those days too).

Supported: what the benchmark scenario uses (open invoices, portfolio shock, band factors,
cadence and completion, capacity with the balance_x_dpd / oldest_first / largest_first
priorities, promises, disputes, auto-pay offers and payments); new invoices, escalations and
the `risk` / `expected_gain` priorities are refused (simulate.py has the first three).
Random numbers: NumPy's PCG64, so it agrees with our engine statistically (check.py).
"""

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
           "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    os.environ[_v] = "1"

import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import simulate as ref  # noqa: E402

NONE = np.int64(2**31 - 1)
BAND_EDGES = np.array([-15, -8, 0, 1, 8, 15, 31, 61, 91])   # HazardBand.of


def band_of(dpd):
    """HazardBand.of(dpd:) for an integer array."""
    d = np.asarray(dpd)
    return np.select([d <= -15, d <= -8, d < 0, d == 0, d <= 7, d <= 14, d <= 30, d <= 60,
                      d <= 90], [0, 1, 2, 3, 4, 5, 6, 7, 8], 9)


class Fair:
    def __init__(self, book, params, policy, horizon, shock, seed):
        b, p = book, params
        if b.is_new.any():
            sys.exit("fair.py: new invoices are not implemented (simulate.py has them)")
        if policy.escalations:
            sys.exit("fair.py: escalation is not implemented (simulate.py has it)")
        if policy.priority not in ("balance_x_dpd", "oldest_first", "largest_first"):
            sys.exit(f"fair.py: priority {policy.priority} is not implemented")
        self.b, self.p, self.pol, self.h = b, p, policy, horizon
        self.shock = shock and p.shock_sigma > 0
        self.rng = np.random.default_rng(seed)
        self.r_decay = math.exp(-1 / p.reached_decay) if p.reached_decay > 0 else 0.0
        self.q_decay = math.exp(-1 / p.unreached_decay) if p.unreached_decay > 0 else 0.0
        self.r_jump = p.reached_lift * self.r_decay
        self.q_jump = p.unreached_lift * self.q_decay
        # Band hazards (before the shock) and write-off per band.
        self.hz = p.hazard[:, ref.BAND_BUCKET] * p.band_factor[None, :]
        self.wo = np.minimum(1, p.write_off[ref.BAND_BUCKET])
        # Days past due the horizon reaches: table index j ↔ dpd = lo − 1 + j (j = 0: before).
        self.lo = int((0 - b.due).min())
        hi = int((horizon - 1 - b.due).max())
        self.L = hi - self.lo + 2
        self.bands = band_of(np.arange(self.lo - 1, hi + 1))
        negw = np.concatenate([[0.0], np.cumsum(-np.log1p(-self.wo[self.bands[1:]]))])
        self.negw = negw
        self.wmax = negw[-1] + 1.0
        # Start state shared by every path.
        r0 = np.zeros(b.n)
        q0 = np.zeros(b.n)
        for i, cs in enumerate(b.contacts):
            r = q = 0.0
            for day, reached in cs:
                if reached:
                    r += p.reached_lift * math.exp(day / p.reached_decay)
                else:
                    q += p.unreached_lift * math.exp(day / p.unreached_decay)
            if r + q >= 1e-3:
                r0[i], q0[i] = r, q
        self.r0, self.q0 = r0, q0
        self.disputed = np.array([i for i in range(b.n) if b.dispute_opened[i] is not None],
                                 dtype=np.int64)
        self.opened = np.array([b.dispute_opened[i] for i in self.disputed], dtype=np.int64)
        self.share = p.resolution_share((-self.opened).astype(float))
        self.promised = np.array([i for i in range(b.n) if b.promise_day[i] is not None],
                                 dtype=np.int64)
        self.promised_day = np.array([b.promise_day[i] for i in self.promised], dtype=np.int64)

    def run_chunk(self, P):
        b, p, pol, rng, h = self.b, self.p, self.pol, self.rng, self.h
        n, S, L, lo = b.n, len(p.segments), self.L, self.lo
        if self.shock:
            z = rng.standard_normal(P)
            shock = np.exp(p.shock_sigma * z - p.shock_sigma ** 2 / 2)
        else:
            shock = np.ones(P)
        # Per (path, segment): the band hazards and the cumulative −log survival table.
        hz = np.minimum(ref.HAZARD_CAP, self.hz[None, :, :] * shock[:, None, None])  # P,S,10
        steps = -np.log1p(-hz[:, :, self.bands[1:]])                                  # P,S,L-1
        neg = np.zeros((P * S, L))
        np.cumsum(steps.reshape(P * S, L - 1), axis=1, out=neg[:, 1:])
        big = float(neg[:, -1].max()) + 2.0
        flat = (neg + (np.arange(P * S) * big)[:, None]).ravel()
        rowmax = neg[:, -1] + 1.0
        hzflat = hz.reshape(P * S, 10)
        negw, wmax = self.negw, self.wmax

        # One row per open (path, invoice).
        pi = np.repeat(np.arange(P), n)
        ii = np.tile(np.arange(n), P)
        st = {
            "pi": pi, "ii": ii, "due": b.due[ii].astype(np.int64),
            "row": pi * S + b.seg[ii], "bal": b.balance[ii].astype(np.int64),
            "ap": pi * b.customers + b.cust[ii],
            "ls": np.zeros(P * n), "lu": np.log(rng.random(P * n)),
            "lsw": np.zeros(P * n), "luw": np.log(rng.random(P * n)),
            "a": np.full(P * n, -1, dtype=np.int64), "aw": np.full(P * n, -1, dtype=np.int64),
            "ev": np.full(P * n, NONE), "evw": np.full(P * n, NONE),
            "r": self.r0[ii].copy(), "q": self.q0[ii].copy(),
            "blocked": np.full(P * n, -NONE), "resolved": np.full(P * n, NONE),
            "promise": np.full(P * n, NONE), "pending": np.full(P * n, NONE),
        }
        autopay = np.repeat(b.cust_autopay[None, :], P, axis=0).ravel()
        if len(self.disputed):
            u = rng.random((P, len(self.disputed)))
            res = p.resolution_value(self.share + u * (1 - self.share))
            until = np.maximum(0, self.opened + np.maximum(1, np.floor(res + 0.5)).astype(np.int64))
            rows = (np.arange(P)[:, None] * n + self.disputed[None, :]).ravel()
            st["blocked"][rows] = until.ravel()
            st["resolved"][rows] = until.ravel() + 1
        if len(self.promised):
            kept = rng.random((P, len(self.promised))) < p.p_kept
            rows = (np.arange(P)[:, None] * n + self.promised[None, :])
            st["promise"][rows[kept]] = np.broadcast_to(self.promised_day, kept.shape)[kept]

        def idx(day, due):
            return day - due - lo + 1

        def pay_day(k):
            """Payment day of rows k (no lift, not blocked) by inversion of their table."""
            row, due, a = st["row"][k], st["due"][k], st["a"][k]
            base = row * big
            target = (st["ls"][k] - st["lu"][k]) + neg[row, idx(a, due)]
            target = np.minimum(target, rowmax[row])
            j = np.searchsorted(flat, base + target, side="left") - row * L
            st["ev"][k] = np.where(j >= L, NONE, j + due + lo - 1)

        def wo_day(k):
            due, a = st["due"][k], st["aw"][k]
            target = (st["lsw"][k] - st["luw"][k]) + negw[idx(a, due)]
            j = np.searchsorted(negw, np.minimum(target, wmax), side="left")
            st["evw"][k] = np.where(j >= L, NONE, j + due + lo - 1)

        def sync(k, d):
            """Brings the payment clocks of rows k (no lift running) through day d."""
            row, due = st["row"][k], st["due"][k]
            st["ls"][k] -= neg[row, idx(d, due)] - neg[row, idx(st["a"][k], due)]
            st["a"][k] = d
            st["ev"][k] = NONE

        def sync_wo(k, d):
            due = st["due"][k]
            st["lsw"][k] -= negw[idx(d, due)] - negw[idx(st["aw"][k], due)]
            st["aw"][k] = d
            st["evw"][k] = NONE

        free = np.nonzero(st["blocked"] < 0)[0]
        wo_day(free)
        pay_day(free[(st["r"][free] + st["q"][free]) == 0])

        cash = np.zeros((P, h), dtype=np.int64)
        m = {k: np.zeros(P, dtype=np.int64) for k in (
            "calls_made", "calls_missed", "other_contacts", "autopay_enrollments",
            "agency_fees", "write_offs", "promises", "disputes", "invoice_days",
            "credit_sales")}
        cap_calls, cap_other = pol.calls_per_day, pol.other_per_day
        # CompiledPolicy.next: the next cadence step at or after each days-past-due value.
        nxt = np.full(len(pol.mask) + 1, NONE)
        for j in range(len(pol.mask) - 1, -1, -1):
            nxt[j] = j + ref.MIN_DPD if pol.mask[j] else nxt[j + 1]

        def priority(k, d):
            bal = st["bal"][k].astype(float)
            if pol.priority == "balance_x_dpd":
                return bal * np.maximum(d - st["due"][k], 1)
            if pol.priority == "oldest_first":
                return (d - st["due"][k]) * 1e12 + bal
            return bal

        def chosen(k, cap, d, extra=None):
            key = priority(k, d)
            inv_ = st["ii"][k]
            order = np.lexsort((extra if extra is not None else inv_, inv_, -key, st["pi"][k]))
            ranked = st["pi"][k][order]
            rank = np.arange(len(order)) - np.searchsorted(ranked, ranked, side="left")
            out = np.zeros(len(k), dtype=bool)
            out[order[rank < cap]] = True
            return out

        def contact(k, ch, d):
            if len(k) == 0:
                return
            pk = st["pi"][k]
            counter = m["calls_made"] if ch == 0 else m["other_contacts"]
            counter += np.bincount(pk, minlength=P)
            sync(k[~st["lifted"][k]], d)
            st["lifted"][k] = True
            w = rng.random((len(k), 4))
            reached = w[:, 0] < p.reach[ch]
            st["q"][k[~reached]] += self.q_jump
            kr, wr = k[reached], w[reached]
            st["r"][kr] += self.r_jump
            prom = wr[:, 1] < p.p_promise
            if prom.any():
                kp = kr[prom]
                m["promises"] += np.bincount(st["pi"][kp], minlength=P)
                x = rng.random((len(kp), 2))
                lead = np.maximum(1, p.lead_sample(x[:, 0]))
                kept = x[:, 1] < p.p_kept
                st["promise"][kp[kept]] = d + lead[kept]
            disp = ~prom & (wr[:, 2] < p.p_dispute)
            if disp.any():
                kd = kr[disp]
                m["disputes"] += np.bincount(st["pi"][kd], minlength=P)
                res = p.resolution_value(rng.random(len(kd)))
                st["blocked"][kd] = d + np.maximum(1, np.floor(res + 0.5)).astype(np.int64)
                st["resolved"][kd] = st["blocked"][kd] + 1
                st["pending"][kd] = NONE
                sync_wo(kd, d)
            if ch == 0 and pol.offer_autopay:
                acc = ~prom & ~disp & (wr[:, 3] < p.p_accept)
                ka = kr[acc]
                keys = st["ap"][ka]
                fresh = ~autopay[keys]
                keys = np.unique(keys[fresh])
                if len(keys):
                    autopay[keys] = True
                    m["autopay_enrollments"] += np.bincount(keys // b.customers, minlength=P)

        def close(k, d, paid):
            if len(k) == 0:
                return
            pk, amount = st["pi"][k], st["bal"][k]
            if paid:
                cash[:, d] += np.bincount(pk, weights=amount, minlength=P).astype(np.int64)
            else:
                m["write_offs"] += np.bincount(pk, weights=amount, minlength=P).astype(np.int64)
            m["invoice_days"] += np.bincount(pk, minlength=P) * (d + 1)
            st["bal"][k] = -1     # closed; the row is dropped at the next compaction
            st["wake"][k] = NONE
            st["lifted"][k] = False
            st["pending"][k] = NONE

        # The day each row next needs attention (a clock's event, a promise, its due date, the
        # end of a dispute, a cadence step, a waiting call); rows with a lift running are
        # stepped every day besides.
        def wake_of(k, d):
            w = np.minimum(st["ev"][k], st["evw"][k])
            for f in (st["promise"][k], st["due"][k], st["blocked"][k] + 1, st["nextc"][k]):
                w = np.minimum(w, np.where(f > d, f, NONE))
            st["wake"][k] = np.where(st["pending"][k] != NONE, np.minimum(w, d + 1), w)

        st["nextc"] = st["due"] + nxt[np.clip(-st["due"] - ref.MIN_DPD, 0, len(nxt) - 1)]
        st["nextc"] = np.where(-st["due"] > ref.MAX_DPD, NONE, st["nextc"])
        st["wake"] = np.full(len(st["pi"]), NONE)
        st["lifted"] = (st["r"] + st["q"]) > 0
        wake_of(np.arange(len(st["pi"])), -1)
        closed_since = 0
        for d in range(h):
            k = np.nonzero(st["wake"] == d)[0]
            lf = np.nonzero(st["lifted"])[0]
            # Disputes resolved yesterday: the clocks run again from today.
            u = k[st["blocked"][k] == d - 1]
            if len(u):
                st["a"][u] = d - 1
                st["aw"][u] = d - 1
                wo_day(u)
                pay_day(u[~st["lifted"][u]])
            # A kept promise pays on its day; auto-pay on the due date.
            free_k = st["blocked"][k] < d
            close(k[(st["promise"][k] == d) & free_k], d, True)
            a = k[(st["due"][k] == d) & free_k & (st["bal"][k] >= 0)]
            if len(a):
                a = a[autopay[st["ap"][a]]]
                close(a[rng.random(len(a)) < p.on_time], d, True)
            # The payment clock stepped on the rows with a lift running.
            s_ = lf[(st["blocked"][lf] < d) & (st["bal"][lf] >= 0)]
            if len(s_):
                row, due = st["row"][s_], st["due"][s_]
                hb = hzflat[row, self.bands[idx(d, due)]]
                hd = np.minimum(ref.HAZARD_CAP, hb * (1 + st["r"][s_] + st["q"][s_]))
                st["ls"][s_] += np.log1p(-hd)
                st["a"][s_] = d
                close(s_[st["ls"][s_] <= st["lu"][s_]], d, True)
            # The clocks' events found by inversion.
            close(k[(st["ev"][k] == d) & (st["bal"][k] >= 0)], d, True)
            close(k[(st["evw"][k] == d) & (st["bal"][k] >= 0)], d, False)
            # Lifts decay; a lift that ends hands the row back to the table.
            ended = lf[:0]
            if len(lf):
                st["r"][lf] *= self.r_decay
                st["q"][lf] *= self.q_decay
                ended = lf[(st["r"][lf] + st["q"][lf] < 1e-3) & (st["bal"][lf] >= 0)]
                st["r"][ended] = 0
                st["q"][ended] = 0
                st["lifted"][ended] = False
                pay_day(ended[st["blocked"][ended] < d])
            # A dispute resolved yesterday engages the customer like a reached contact.
            k = k[st["bal"][k] >= 0]
            res_ = k[st["resolved"][k] == d]
            if len(res_):
                sync(res_[~st["lifted"][res_]], d)
                st["r"][res_] += self.r_jump
                st["lifted"][res_] = True
                st["resolved"][res_] = NONE
            # Cadence steps due today.
            steps = k[st["nextc"][k] == d]
            dpd = d - st["due"][steps]
            nx = dpd + 1
            st["nextc"][steps] = np.where(
                nx > ref.MAX_DPD, NONE,
                st["due"][steps] + nxt[np.clip(nx - ref.MIN_DPD, 0, len(nxt) - 1)])
            ok = st["blocked"][steps] < d
            steps, dpd = steps[ok], dpd[ok]
            chan = pol.mask[np.clip(dpd - ref.MIN_DPD, 0, len(pol.mask) - 1)]
            others = []
            for ch in range(4):
                kc = steps[(chan >> ch) & 1 == 1]
                if len(kc) == 0:
                    continue
                if pol.completion < 1:
                    done = rng.random(len(kc)) < pol.completion
                    if ch == 0:
                        m["calls_missed"] += np.bincount(st["pi"][kc[~done]], minlength=P)
                    kc = kc[done]
                if ch == 0:
                    busy = st["pending"][kc] != NONE
                    m["calls_missed"] += np.bincount(st["pi"][kc[busy]], minlength=P)
                    st["pending"][kc[~busy]] = d
                else:
                    others.append((ch, kc))
            # The day's calls up to capacity (waiting calls wake every day).
            c_ = k[st["pending"][k] != NONE]
            ok = st["blocked"][c_] < d
            st["pending"][c_[~ok]] = NONE
            c_ = c_[ok]
            if len(c_):
                if cap_calls is not None:
                    made = chosen(c_, cap_calls, d)
                    missed = c_[~made & (st["pending"][c_] == d)]
                    m["calls_missed"] += np.bincount(st["pi"][missed], minlength=P)
                    c_ = c_[made]
                st["pending"][c_] = NONE
                contact(c_, 0, d)
            # E-mails, SMS and letters.
            if others:
                ok_ = np.concatenate([kc for _, kc in others])
                och = np.concatenate([np.full(len(kc), ch) for ch, kc in others])
                if cap_other is not None:
                    keep = chosen(ok_, cap_other, d, extra=och)
                    ok_, och = ok_[keep], och[keep]
                for ch in (1, 2, 3):
                    kc = ok_[och == ch]
                    kc = kc[(st["bal"][kc] >= 0) & (st["blocked"][kc] < d)]
                    contact(kc, ch, d)
            # Next wakes of the rows handled today, then compaction now and then.
            t = np.concatenate([k, ended])
            t = t[st["bal"][t] >= 0]
            wake_of(t, d)
            closed_since += 1
            if closed_since >= 8:
                keep = st["bal"] >= 0
                for key in st:
                    st[key] = st[key][keep]
                closed_since = 0
        last = h - 1
        live = st["bal"] >= 0
        pk = st["pi"][live]
        dpd_end = last - st["due"][live]
        bal = st["bal"][live]
        m["invoice_days"] += np.bincount(pk, minlength=P) * h
        out = {
            "cash": cash.sum(axis=1),
            "ending_ar": np.bincount(pk, weights=bal, minlength=P).astype(np.int64),
            "past_due": np.bincount(pk[dpd_end >= 1], weights=bal[dpd_end >= 1],
                                    minlength=P).astype(np.int64),
            "d90_plus": np.bincount(pk[dpd_end > 90], weights=bal[dpd_end > 90],
                                    minlength=P).astype(np.int64),
            "daily_cash": cash,
        }
        out.update(m)
        return out

    def run(self, paths, chunk):
        return ref.run_in_chunks(self.run_chunk, paths, chunk)


def main(argv=None):
    ap = ref.arguments(__doc__.split("\n")[0])
    ap.add_argument("--chunk", type=int, default=500, help="paths per chunk (default 500)")
    a = ap.parse_args(argv)
    _, params, policy, book, horizon, paths, seed, shock = ref.prepare(a)
    engine = Fair(book, params, policy, horizon, shock, seed)
    started = time.perf_counter()
    cpu_started = time.process_time()
    res = engine.run(paths, a.chunk)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    ref.report(a, res, book, policy, horizon, paths, seed, seconds, cpu_seconds,
               {"implementation": "numpy-fair", "numpy": np.__version__},
               {"chunk": a.chunk, "threads": 1}, "numpy (fair)")


if __name__ == "__main__":
    main()
