#!/usr/bin/env python3
"""Vectorised NumPy reference implementation of the arcadence cadence simulator.

The model is the contract /work/shared/spec/simulation.md as implemented by
Sources/ArcadenceSimulation/Simulator.swift: daily steps, invoice level, one policy.
Inputs are the three files the product itself uses or writes:

  * the scenario file (Benchmarks/numpy/bench-throughput.yaml): horizon, paths, portfolio
    shock, overrides and the policy (the first one, or --policy NAME);
  * the calibration file written by `arcadence calibrate --out` (the scenario must name
    the same file, so that both sides run on identical parameters);
  * the start state written by `arcadence simulate SCENARIO --portfolio-out FILE`.

It is vectorised across paths x invoices: every simulated day is a handful of array
operations on (paths, invoices) arrays, processed in chunks of paths (--chunk) so the
working set stays in cache. Random numbers come from NumPy's PCG64, not from our Philox
streams, so results agree with the Swift engine statistically, not bit for bit
(check.py tests that).

Payment and write-off are decided by clocks exactly like the Swift engine: one uniform U per
invoice and the running survival S = prod(1 - h_d); the invoice is paid on the first day
S <= U, which is a daily Bernoulli(h_d) draw without drawing a number per invoice-day.

An invoice-day is one invoice open on one day of one path: counted from the day the
invoice is issued (day 0 for invoices open at the start) through the day it is paid or
written off, inclusive, or through the last day. It is counted the same way as the Swift
engine's `invoiceDays` metric (Simulator.swift), per path, summed over paths.

Single-threaded: OMP/OPENBLAS/MKL thread counts are forced to 1 before NumPy is imported
(the model uses no BLAS anyway). The reported seconds cover the simulation only, not
reading the files.
"""

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
           "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    os.environ[_v] = "1"

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import yaml  # noqa: E402

CHANNELS = ["call", "email", "sms", "letter"]
BUCKETS = ["not_due", "dpd_0_7", "dpd_8_14", "dpd_15_30", "dpd_31_60", "dpd_61_90",
           "dpd_91_plus"]
BANDS = ["due_in_15_plus", "due_in_8_14", "due_in_1_7", "due_day", "dpd_1_7", "dpd_8_14",
         "dpd_15_30", "dpd_31_60", "dpd_61_90", "dpd_91_plus"]   # HazardBand.labels
BAND_BUCKET = np.array([0, 0, 0, 1, 1, 2, 3, 4, 5, 6])            # HazardBand.bucket
MIN_DPD, MAX_DPD = -400, 2000          # CompiledPolicy.minDpd / maxDpd
HAZARD_CAP = 0.95                      # ModelParameters.hazardCap (not in the file)
NONE = np.int32(2**31 - 1)             # "no day" (Int32.max in Swift)
NEVER_BLOCKED = np.int32(-2**31)       # blocked through no day (Int32.min)


# ---------------------------------------------------------------------------------------
# Inputs


def bucket_of(dpd):
    """AgingBucket.of(dpd:) for an integer array."""
    dpd = np.asarray(dpd)
    return np.select([dpd < 0, dpd <= 7, dpd <= 14, dpd <= 30, dpd <= 60, dpd <= 90],
                     [0, 1, 2, 3, 4, 5], 6).astype(np.int64)


def run_in_chunks(run_chunk, paths, chunk):
    """Runs `paths` paths `chunk` at a time (bounded memory) and joins the per-path outputs
    in path order; shared by the dense model and the fair one (fair.py)."""
    parts = []
    done = 0
    while done < paths:
        k = min(chunk, paths - done)
        parts.append(run_chunk(k))
        done += k
    return {key: np.concatenate([x[key] for x in parts]) for key in parts[0]}


class Params:
    """ModelParameters: the calibration's values with overrides applied."""

    def __init__(self, cal):
        self.segments = list(cal["segments"])
        self.hazard = np.array([[float(cal["hazard"][s][b]["value"]) for b in BUCKETS]
                                for s in self.segments])
        self.write_off = np.array([float(cal["write_off"][b]["value"]) for b in BUCKETS])
        # Per HazardBand, the factor on its bucket's hazard (1 when the file has none); used
        # by fair.py and the C reference (this dense model keeps the seven buckets).
        bf = cal.get("band_factor") or {}
        self.band_factor = np.array([float(bf[k]["value"]) if k in bf else 1.0
                                     for k in BANDS])
        self.reach = np.array([float(cal["reach"][c]["value"]) if c in cal["reach"]
                               else {"call": 0.35, "email": 0.05, "sms": 0.05,
                                     "letter": 0.02}[c] for c in CHANNELS])
        lifts = cal["lifts"]
        self.reached_lift = float(lifts.get("reached_lift", 2.0))
        self.reached_decay = float(lifts.get("reached_decay_days", 7))
        self.unreached_lift = float(lifts.get("unreached_lift", 0.3))
        self.unreached_decay = float(lifts.get("unreached_decay_days", 3))
        self.p_promise = float(cal["p_promise"]["value"])
        self.p_kept = float(cal["p_kept"]["value"])
        self.p_dispute = float(cal["p_dispute"]["value"])
        self.p_accept = float(cal["p_autopay_accept"]["value"])
        self.accept_events = float(cal["p_autopay_accept"].get("events", 0))
        self.on_time = float(cal["autopay_on_time"]["value"])
        self.completion = float(cal["completion"]["value"])
        lead = cal["promise_lead_days"]
        self.lead_days = np.array([int(d) for d in lead["days"]])
        self.lead_weights = np.array([float(w) for w in lead["counts"]])
        self.resolution = np.array([float(x) for x in cal["resolution_days"]["quantiles"]])
        self.shock_sigma = float(cal["shock_sigma"]["value"])
        cad = cal.get("cadence") or {}
        self.cadence = [(int(s["dpd"]), CHANNELS.index(s["channel"]))
                        for s in (cad.get("steps") or [])]
        rep = cad.get("repeat")
        self.repeat = (int(rep["every_days"]), CHANNELS.index(rep.get("channel", "call"))) \
            if rep else None
        capacity = cal.get("capacity") or {}
        self.reps = int(capacity.get("reps", 0))
        self.calls_per_rep = float(capacity.get("calls_per_rep_per_day", 0))

    def apply(self, key, v):
        """ModelParameters.apply(_:_:)."""
        v = float(v)
        if key == "reached_lift": self.reached_lift = v
        elif key == "reached_decay_days": self.reached_decay = v
        elif key == "unreached_lift": self.unreached_lift = v
        elif key == "unreached_decay_days": self.unreached_decay = v
        elif key.startswith("reach_"): self.reach[CHANNELS.index(key[6:])] = v
        elif key == "p_promise": self.p_promise = v
        elif key == "p_kept": self.p_kept = v
        elif key == "p_dispute": self.p_dispute = v
        elif key == "p_autopay_accept": self.p_accept = v
        elif key == "autopay_on_time": self.on_time = v
        elif key == "shock_sigma": self.shock_sigma = v
        elif key == "hazard_multiplier": self.hazard = np.minimum(1, self.hazard * v)
        else: raise ValueError(f"unknown override {key}")

    def lead_sample(self, u):
        """DayDistribution.sample(_:): inversion of the cumulative weights."""
        total = self.lead_weights.sum()
        if total <= 0:
            return np.full(np.shape(u), self.lead_days[0])
        cum = np.cumsum(self.lead_weights)
        k = np.searchsorted(cum, u * total, side="right")
        return self.lead_days[np.minimum(k, len(self.lead_days) - 1)]

    def resolution_value(self, u):
        """QuantileDistribution.value(at:): linear between the 21 quantiles."""
        q = self.resolution
        pos = np.clip(u, 0, 1) * (len(q) - 1)
        lo = np.minimum(pos.astype(np.int64), len(q) - 1)
        hi = np.minimum(lo + 1, len(q) - 1)
        return q[lo] + (q[hi] - q[lo]) * (pos - lo)

    def resolution_share(self, x):
        """QuantileDistribution.share(below:) for an array."""
        q = self.resolution
        out = np.empty(len(x))
        for j, v in enumerate(x):
            if v <= q[0]:
                out[j] = 0
            elif v >= q[-1]:
                out[j] = 1
            else:
                k = int(np.argmax(v < q))
                a, b = q[k - 1], q[k]
                f = (v - a) / (b - a) if b > a else 0
                out[j] = (k - 1 + f) / (len(q) - 1)
        return out


class Policy:
    """PolicySpec.resolve(_:) and CompiledPolicy: the policy in numbers."""

    def __init__(self, spec, params):
        self.name = spec["name"]
        cadence = spec.get("cadence", "observed")
        observed_steps, observed_repeat = params.cadence, params.repeat
        if cadence == "observed":
            steps, rep = observed_steps, observed_repeat
        elif cadence == "none":
            steps, rep = [], None
        else:
            stated = [(int(s["dpd"]), CHANNELS.index(s["channel"]))
                      for s in (cadence.get("steps") or [])]
            extends = cadence.get("extend") == "observed"
            r = cadence.get("repeat")
            if r is not None:
                rep = (int(r["every_days"]), CHANNELS.index(r.get("channel", "call")),
                       r.get("until_dpd"))
            else:
                rep = observed_repeat if extends else None
            steps = (observed_steps + stated) if extends else stated
        if rep is not None and len(rep) == 2:
            rep = (rep[0], rep[1], None)
        self.escalations = sorted(
            [(int(e["at_dpd"]), e["to"], float(e.get("lift", 0)), float(e.get("fee", 0)))
             for e in (spec.get("escalation") or [])], key=lambda e: e[0])
        offer = spec.get("offer_autopay", "observed")
        self.offer_autopay = (params.accept_events > 0) if offer == "observed" else bool(offer)
        completion = spec.get("completion", "observed")
        self.completion = params.completion if completion == "observed" else float(completion)
        cap = spec.get("capacity") or {}
        reps_spec = cap.get("reps", "observed")
        reps_change = int(cap.get("reps_change", 0))
        reps = (params.reps if reps_spec == "observed" else int(reps_spec)) + reps_change
        per = cap.get("calls_per_rep_per_day", "observed")
        per = params.calls_per_rep if per == "observed" else \
            (math.inf if per == "unlimited" else float(per))
        self.calls_per_day = None
        if math.isfinite(per) and (reps_spec != "observed" or params.reps > 0
                                   or reps_change != 0):
            self.calls_per_day = int(math.floor(reps * per))
        other = cap.get("other_per_day", "unlimited")
        self.other_per_day = None if other == "unlimited" else int(other)
        self.priority = spec.get("priority", "balance_x_dpd")
        self.overrides = dict(spec.get("overrides") or {})
        # Channel masks by dpd (CompiledPolicy.init).
        mask = np.zeros(MAX_DPD - MIN_DPD + 1, dtype=np.uint8)
        for dpd, ch in steps:
            if MIN_DPD <= dpd <= MAX_DPD:
                mask[dpd - MIN_DPD] |= 1 << ch
        if rep is not None and rep[0] >= 1:
            last = max([d for d, _ in steps], default=0)
            end = min(rep[2] if rep[2] is not None else MAX_DPD, MAX_DPD)
            d = last + rep[0]
            while d <= end:
                mask[d - MIN_DPD] |= 1 << rep[1]
                d += rep[0]
        self.mask = mask

    def channels(self, dpd):
        """CompiledPolicy.channels(at:) for an array of dpd values."""
        dpd = np.asarray(dpd)
        inside = (dpd >= MIN_DPD) & (dpd <= MAX_DPD)
        return np.where(inside, self.mask[np.clip(dpd - MIN_DPD, 0, len(self.mask) - 1)], 0)


class Book:
    """The start state, read from the CSV `arcadence simulate --portfolio-out` writes."""

    def __init__(self, path, segments):
        rows = list(csv.DictReader(open(path, newline="")))
        self.n = len(rows)
        self.is_new = np.array([r["kind"] == "new" for r in rows])
        self.open_count = int((~self.is_new).sum())
        if self.is_new[:self.open_count].any():
            raise ValueError("open invoices must come first")
        customers = {}
        self.cust = np.array([customers.setdefault(int(r["customer"]), len(customers))
                              for r in rows], dtype=np.int64)
        self.customers = len(customers)
        self.cust_autopay = np.zeros(self.customers, dtype=bool)
        for r, c in zip(rows, self.cust):
            self.cust_autopay[c] = r["autopay"] == "1"
        seg_index = {s: k for k, s in enumerate(segments)}
        self.seg = np.array([seg_index[r["segment"]] for r in rows], dtype=np.int64)
        self.balance = np.array([int(r["balance"]) for r in rows], dtype=np.int64)
        self.issue = np.array([int(r["issue_day"]) for r in rows], dtype=np.int64)
        self.due = np.array([int(r["due_day"]) for r in rows], dtype=np.int64)
        self.dispute_opened = [None if r["dispute_opened"] == "" else int(r["dispute_opened"])
                               for r in rows]
        self.promise_day = [None if r["promise_day"] == "" else int(r["promise_day"])
                            for r in rows]
        self.contacts = [[(int(x.split(":")[0]), x.split(":")[1] == "1")
                          for x in r["contacts"].split(";") if x] for r in rows]
        self.pools = [np.array([int(x) for x in r["amounts"].split(";") if x], dtype=np.int64)
                      for r in rows]


def read_scenario(path):
    with open(path) as f:
        s = yaml.safe_load(f)
    return s


# ---------------------------------------------------------------------------------------
# The engine


class Engine:
    def __init__(self, book, params, policy, horizon, shock, seed):
        self.b = book
        self.p = params
        self.pol = policy
        self.h = horizon
        self.shock = shock and params.shock_sigma > 0
        self.rng = np.random.default_rng(seed)
        p = params
        self.r_decay = math.exp(-1 / p.reached_decay) if p.reached_decay > 0 else 0.0
        self.q_decay = math.exp(-1 / p.unreached_decay) if p.unreached_decay > 0 else 0.0
        self.r_jump = p.reached_lift * self.r_decay
        self.q_jump = p.unreached_lift * self.q_decay
        n = book.n
        # Lifts of recent contacts still running on day 0 (same on every path).
        r0 = np.zeros(n)
        q0 = np.zeros(n)
        for i, cs in enumerate(book.contacts):
            for day, reached in cs:
                age = -day
                if reached:
                    r0[i] += p.reached_lift * math.exp(-age / p.reached_decay)
                else:
                    q0[i] += p.unreached_lift * math.exp(-age / p.unreached_decay)
        small = r0 + q0 < 1e-3
        r0[small] = 0
        q0[small] = 0
        r0[book.is_new] = 0
        q0[book.is_new] = 0
        self.r0, self.q0 = r0, q0
        # Open disputes: the rest of the resolution time given the age (share below age).
        self.disputed = np.array([i for i in range(book.open_count)
                                  if book.dispute_opened[i] is not None], dtype=np.int64)
        opened = np.array([book.dispute_opened[i] for i in self.disputed], dtype=np.int64)
        self.dispute_opened = opened
        self.dispute_share = p.resolution_share((-opened).astype(float))
        self.promised = np.array([i for i in range(book.open_count)
                                  if book.promise_day[i] is not None], dtype=np.int64)
        self.promised_day = np.array([book.promise_day[i] for i in self.promised],
                                     dtype=np.int32)
        # Priority keys for `risk`: probability of not paying in 30 days per segment and dpd
        # from the base hazards (EngineCore.notPay30).
        dpds = np.arange(MIN_DPD, MAX_DPD + 1)
        self.not_pay30 = np.ones((len(p.segments), len(dpds)))
        for k in range(30):
            self.not_pay30 *= 1 - p.hazard[:, bucket_of(dpds + k)]
        # New invoices by issue day.
        self.issued_on = [np.nonzero(book.is_new & (book.issue == d))[0] for d in range(horizon)]
        self.has_pool = np.array([len(x) > 0 for x in book.pools])
        # Escalations are a function of days past due only, the same on every path.
        self.esc_at = np.array([e[0] for e in policy.escalations], dtype=np.int64)

    # -- per chunk of paths ------------------------------------------------------------

    def run_chunk(self, paths):
        """Simulates `paths` paths; returns per-path outputs."""
        b, p, pol, rng, h = self.b, self.p, self.pol, self.rng, self.h
        n = b.n
        P = paths
        # The portfolio shock and the per-path hazards min(cap, base x shock).
        if self.shock:
            z = rng.standard_normal(P)
            shock = np.exp(p.shock_sigma * z - p.shock_sigma ** 2 / 2)
        else:
            shock = np.ones(P)
        hz_table = np.minimum(HAZARD_CAP, p.hazard.reshape(1, -1) * shock[:, None])
        # When no base x shock reaches the cap, base x shock needs no cap (checked once).
        capped = bool(p.hazard.max() * shock.max() >= HAZARD_CAP)
        wo = np.minimum(1, p.write_off)
        # Clocks: paid on the first day S = prod(1 - h) <= U.
        u_pay = rng.random((P, n))
        u_wo = rng.random((P, n))
        s_pay = np.ones((P, n))
        s_wo = np.ones((P, n))
        # Balances: open ones as at the start, new ones resampled from the customer's pool.
        bal = np.broadcast_to(b.balance, (P, n)).copy()
        for i in np.nonzero(b.is_new & self.has_pool)[0]:
            pool = b.pools[i]
            k = np.minimum(len(pool) - 1, (rng.random(P) * len(pool)).astype(np.int64))
            bal[:, i] = pool[k]
        open_ = np.zeros((P, n), dtype=bool)
        open_[:, :b.open_count] = True
        r = np.broadcast_to(self.r0, (P, n)).copy()
        q = np.broadcast_to(self.q0, (P, n)).copy()
        blocked = np.full((P, n), NEVER_BLOCKED, dtype=np.int32)
        unblocked = np.ones((P, n), dtype=bool)
        resolved = np.full((P, n), NONE, dtype=np.int32)
        promise = np.full((P, n), NONE, dtype=np.int32)
        pending = np.full((P, n), NONE, dtype=np.int32)
        autopay = np.broadcast_to(b.cust_autopay, (P, b.customers)).copy()
        # Sparse events by day: (paths, invoices) to look at on that day.
        promise_cal = [[] for _ in range(h)]
        resolved_cal = [[] for _ in range(h)]
        unblock_cal = [[] for _ in range(h)]

        def schedule(cal, days, pi, ii):
            days = np.asarray(days)
            for u in np.unique(days):
                if 0 <= u < h:
                    sel = days == u
                    cal[u].append((pi[sel], ii[sel]))

        def block(pi, ii, until):
            """A dispute: no payment, write-off or contact through `until`."""
            blocked[pi, ii] = until
            unblocked[pi, ii] = False
            resolved[pi, ii] = until + 1
            schedule(unblock_cal, until + 1, pi, ii)
            schedule(resolved_cal, until + 1, pi, ii)

        # Open disputes and promises at the start.
        if len(self.disputed):
            u = rng.random((P, len(self.disputed)))
            f = self.dispute_share
            res = p.resolution_value(f + u * (1 - f))
            until = np.maximum(
                0, self.dispute_opened + np.maximum(1, np.floor(res + 0.5)).astype(np.int64))
            pi, jj = np.nonzero(np.ones_like(u, dtype=bool))
            block(pi, self.disputed[jj], until[pi, jj])
        if len(self.promised):
            kept = rng.random((P, len(self.promised))) < p.p_kept
            pi, jj = np.nonzero(kept)
            promise[pi, self.promised[jj]] = self.promised_day[jj]
            schedule(promise_cal, self.promised_day[jj], pi, self.promised[jj])
        # Escalations depend on days past due only: the same on every path.
        escalated = np.zeros(n, dtype=np.int64)
        mult = np.ones(n)
        fee = np.zeros(n)
        agency = np.zeros(n, dtype=bool)

        def escalate(mask, dpd):
            for k, (at, to, lift, f) in enumerate(pol.escalations):
                e = mask & (escalated == k) & (at <= dpd)
                mult[e] *= 1 + lift
                if to == "agency":
                    agency[e] = True
                    fee[e] = f
                    pending[:, e] = NONE
                escalated[e] += 1

        if pol.escalations:
            escalate(~b.is_new, -b.due)

        # Outputs per path.
        cash = np.zeros((P, h), dtype=np.int64)
        m = {k: np.zeros(P, dtype=np.int64) for k in (
            "calls_made", "calls_missed", "other_contacts", "autopay_enrollments",
            "agency_fees", "write_offs", "promises", "disputes", "invoice_days",
            "credit_sales")}
        hz_col = b.seg * 7
        calls_cap = pol.calls_per_day
        other_cap = pol.other_per_day
        # Work arrays reused every day.
        can = np.empty((P, n), dtype=bool)
        hit = np.empty((P, n), dtype=bool)
        hd = np.empty((P, n))
        tmp = np.empty((P, n))

        def close(pi, ii, d, paid):
            """Closes invoices: paid in full (net of an agency fee) or written off."""
            if len(pi) == 0:
                return
            amount = bal[pi, ii]
            if paid:
                kept_amount = amount
                if fee.any():
                    f = fee[ii]
                    kept_amount = np.where(f > 0, np.floor(amount * (1 - f) + 0.5)
                                           .astype(np.int64), amount)
                    m["agency_fees"] += np.bincount(pi, weights=amount - kept_amount,
                                                    minlength=P).astype(np.int64)
                cash[:, d] += np.bincount(pi, weights=kept_amount, minlength=P).astype(np.int64)
            else:
                m["write_offs"] += np.bincount(pi, weights=amount, minlength=P).astype(np.int64)
            open_[pi, ii] = False
            pending[pi, ii] = NONE

        def contact(pi, ii, ch, d):
            """Contacts at (path, invoice) pairs on channel ch: reach, lift, outcomes."""
            k = len(pi)
            if k == 0:
                return
            counter = m["calls_made"] if ch == 0 else m["other_contacts"]
            counter += np.bincount(pi, minlength=P)
            w = rng.random((k, 4))
            reached = w[:, 0] < p.reach[ch]
            q[pi[~reached], ii[~reached]] += self.q_jump
            pr, ir, wr = pi[reached], ii[reached], w[reached]
            r[pr, ir] += self.r_jump
            prom = wr[:, 1] < p.p_promise
            if prom.any():
                pp, ip = pr[prom], ir[prom]
                m["promises"] += np.bincount(pp, minlength=P)
                x = rng.random((len(pp), 2))
                lead = np.maximum(1, p.lead_sample(x[:, 0]))
                kept = x[:, 1] < p.p_kept
                promise[pp[kept], ip[kept]] = d + lead[kept]
                schedule(promise_cal, d + lead[kept], pp[kept], ip[kept])
            disp = ~prom & (wr[:, 2] < p.p_dispute)
            if disp.any():
                pd_, id_ = pr[disp], ir[disp]
                m["disputes"] += np.bincount(pd_, minlength=P)
                res = p.resolution_value(rng.random(len(pd_)))
                block(pd_, id_, d + np.maximum(1, np.floor(res + 0.5)).astype(np.int64))
                pending[pd_, id_] = NONE
            if ch == 0 and pol.offer_autopay:
                acc = ~prom & ~disp & (wr[:, 3] < p.p_accept)
                pa, ca = pr[acc], b.cust[ir[acc]]
                fresh = ~autopay[pa, ca]
                pa, ca = pa[fresh], ca[fresh]
                if len(pa):
                    # Several invoices of one customer on one day enrol it once.
                    key = np.unique(pa * b.customers + ca)
                    pu, cu = key // b.customers, key % b.customers
                    autopay[pu, cu] = True
                    m["autopay_enrollments"] += np.bincount(pu, minlength=P)

        def priority_key(pi, ii, d):
            dpd = d - b.due[ii]
            bb = bal[pi, ii].astype(float)
            if pol.priority == "balance_x_dpd":
                return bb * np.maximum(dpd, 1)
            if pol.priority == "oldest_first":
                return dpd * 1e12 + bb
            if pol.priority == "largest_first":
                return bb
            idx = np.clip(dpd, MIN_DPD, MAX_DPD) - MIN_DPD
            return bb * self.not_pay30[b.seg[ii], idx]

        def over_capacity(pi, ii, cap, d, extra=None):
            """Selects at most `cap` entries per path by priority (ties: lower invoice, then
            `extra`, the channel); returns a boolean mask over the entries."""
            key = priority_key(pi, ii, d)
            order = np.lexsort((extra if extra is not None else ii, ii, -key, pi))
            ranked = pi[order]
            rank = np.arange(len(order)) - np.searchsorted(ranked, ranked, side="left")
            chosen = np.zeros(len(pi), dtype=bool)
            chosen[order[rank < cap]] = True
            return chosen

        for d in range(h):
            # New invoices.
            iss = self.issued_on[d]
            if len(iss):
                iss = iss[self.has_pool[iss]]
                open_[:, iss] = True
                m["credit_sales"] += bal[:, iss].sum(axis=1)
            m["invoice_days"] += np.count_nonzero(open_, axis=1)
            dpd = d - b.due
            bk = bucket_of(dpd)
            # Disputes resolved: payable again from today.
            for pi, ii in unblock_cal[d]:
                ok = blocked[pi, ii] < d
                unblocked[pi[ok], ii[ok]] = True
            np.logical_and(open_, unblocked, out=can)
            # A kept promise pays on its day.
            for pi, ii in promise_cal[d]:
                ok = can[pi, ii] & (promise[pi, ii] == d)
                pi, ii = pi[ok], ii[ok]
                close(pi, ii, d, paid=True)
                can[pi, ii] = False
            # Auto-pay on the due date.
            due_today = np.nonzero(b.due == d)[0]
            if len(due_today):
                ap = autopay[:, b.cust[due_today]] & can[:, due_today]
                ap &= rng.random((P, len(due_today))) < p.on_time
                pi, jj = np.nonzero(ap)
                ii = due_today[jj]
                close(pi, ii, d, paid=True)
                can[pi, ii] = False
            # The hazard: min(cap, h x shock x escalation x (1 + lifts)) on payable invoices.
            if capped:
                hd[...] = hz_table[:, hz_col + bk]
            else:
                np.multiply(shock[:, None], p.hazard[b.seg, bk][None, :], out=hd)
            if pol.escalations:
                hd *= mult
            np.add(r, q, out=tmp)
            tmp += 1
            hd *= tmp
            np.minimum(hd, HAZARD_CAP, out=hd)
            np.multiply(hd, can, out=hd)
            np.subtract(1, hd, out=hd)
            s_pay *= hd
            np.less_equal(s_pay, u_pay, out=hit)
            hit &= can
            pi, ii = np.nonzero(hit)
            close(pi, ii, d, paid=True)
            can[pi, ii] = False
            # The write-off clock, on the invoices in buckets with a write-off hazard.
            wc = np.nonzero(wo[bk] > 0)[0]
            if len(wc):
                sub = can[:, wc]
                sw = s_wo[:, wc]
                sw = np.where(sub, sw * (1 - wo[bk[wc]]), sw)
                s_wo[:, wc] = sw
                pi, jj = np.nonzero(sub & (sw <= u_wo[:, wc]))
                close(pi, wc[jj], d, paid=False)
            # Lifts decay (they were used for today's hazard).
            r *= self.r_decay
            q *= self.q_decay
            np.add(r, q, out=tmp)
            np.less(tmp, 1e-3, out=hit)
            np.copyto(r, 0, where=hit)
            np.copyto(q, 0, where=hit)
            # A dispute resolved yesterday engages the customer like a reached contact.
            for pi, ii in resolved_cal[d]:
                ok = open_[pi, ii] & (resolved[pi, ii] == d)
                pi, ii = pi[ok], ii[ok]
                r[pi, ii] += self.r_jump
                resolved[pi, ii] = NONE
            # Escalations due today.
            if pol.escalations:
                escalate(b.issue <= d, dpd)
            # Cadence steps due today (channel masks depend on dpd only).
            chan = pol.channels(dpd)
            chan[agency] = 0
            cols = np.nonzero(chan)[0]
            others = []
            if len(cols):
                due_step = open_[:, cols] & unblocked[:, cols]
                for ch in range(4):
                    has = (chan[cols] >> ch) & 1 == 1
                    if not has.any():
                        continue
                    cc = cols[has]
                    task = due_step[:, has]
                    if pol.completion < 1:
                        done = task & (rng.random(task.shape) < pol.completion)
                        if ch == 0:
                            m["calls_missed"] += (task & ~done).sum(axis=1)
                    else:
                        done = task
                    if ch == 0:
                        pend = pending[:, cc]
                        free = pend == NONE
                        m["calls_missed"] += (done & ~free).sum(axis=1)
                        pending[:, cc] = np.where(done & free, d, pend)
                    else:
                        others.append((ch, cc, done))
            # Pending calls go to today's pool (dropped when closed, disputed or at the agency).
            pi, ii = np.nonzero(pending != NONE)
            ok = open_[pi, ii] & unblocked[pi, ii] & ~agency[ii]
            pending[pi[~ok], ii[~ok]] = NONE
            pi, ii = pi[ok], ii[ok]
            if len(pi):
                if calls_cap is not None:
                    made = over_capacity(pi, ii, calls_cap, d)
                    missed = ~made & (pending[pi, ii] == d)
                    m["calls_missed"] += np.bincount(pi[missed], minlength=P)
                    pi, ii = pi[made], ii[made]
                pending[pi, ii] = NONE
                contact(pi, ii, 0, d)
            # Emails, SMS and letters, after the calls (a call's dispute blocks them).
            if others:
                cand = []
                for ch, cc, done in others:
                    op, oc = np.nonzero(done)
                    cand.append((op, cc[oc], np.full(len(op), ch)))
                op = np.concatenate([c[0] for c in cand])
                oi = np.concatenate([c[1] for c in cand])
                och = np.concatenate([c[2] for c in cand])
                if other_cap is not None:
                    keep = over_capacity(op, oi, other_cap, d, extra=och)
                    op, oi, och = op[keep], oi[keep], och[keep]
                for ch in (1, 2, 3):
                    sel = och == ch
                    cp, ci = op[sel], oi[sel]
                    ok = open_[cp, ci] & unblocked[cp, ci]
                    contact(cp[ok], ci[ok], ch, d)

        # Ending state.
        last = h - 1
        dpd_end = last - b.due
        end_bal = np.where(open_, bal, 0)
        out = {
            "cash": cash.sum(axis=1),
            "ending_ar": end_bal.sum(axis=1),
            "past_due": end_bal[:, dpd_end >= 1].sum(axis=1),
            "d90_plus": end_bal[:, dpd_end > 90].sum(axis=1),
            "daily_cash": cash,
        }
        out.update(m)
        return out

    def run(self, paths, chunk):
        return run_in_chunks(self.run_chunk, paths, chunk)


# ---------------------------------------------------------------------------------------
# Summaries (same definitions as SimulationResult.swift)


def summary(v, ci=False):
    v = np.asarray(v, dtype=float)
    out = {"mean": float(v.mean()), "sd": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
           "p5": float(np.quantile(v, 0.05)), "p50": float(np.quantile(v, 0.5)),
           "p95": float(np.quantile(v, 0.95))}
    if ci:
        out["ci95_half_width"] = 1.959963984540054 * out["sd"] / math.sqrt(len(v))
    return out


def arguments(description):
    """The command line shared by the references (simulate.py, fair.py, ../c/run.py)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("scenario", help="the scenario file (Benchmarks/numpy/bench-throughput.yaml)")
    ap.add_argument("--calibration", required=True,
                    help="the calibration YAML the scenario names (arcadence calibrate --out)")
    ap.add_argument("--portfolio", required=True,
                    help="the start state CSV (arcadence simulate --portfolio-out)")
    ap.add_argument("--policy", help="policy name (default: the scenario's first)")
    ap.add_argument("--paths", type=int, help="paths (default: the scenario's)")
    ap.add_argument("--horizon", type=int, help="days (default: the scenario's)")
    ap.add_argument("--seed", type=int, help="seed (default: the scenario's)")
    ap.add_argument("--samples", help="write per-path outputs to this .npz file")
    ap.add_argument("--out", help="write the JSON summary here as well as to stdout")
    return ap


def prepare(a):
    """The scenario, parameters, policy and book of parsed arguments `a`, with the horizon,
    paths, seed and whether the portfolio shock is on."""
    scenario = read_scenario(a.scenario)
    if scenario.get("parameter_uncertainty"):
        sys.exit("parameter_uncertainty: true is not implemented (needs the per-customer "
                 "calibration sample)")
    with open(a.calibration) as f:
        cal = yaml.safe_load(f)
    params = Params(cal)
    for k, v in (scenario.get("overrides") or {}).items():
        params.apply(k, v)
    specs = scenario["policies"]
    spec = specs[0] if a.policy is None else next(s for s in specs if s["name"] == a.policy)
    policy = Policy(spec, params)
    for k, v in policy.overrides.items():
        params.apply(k, v)
    book = Book(a.portfolio, params.segments)
    horizon = a.horizon or int(scenario.get("horizon_days", 90))
    paths = a.paths or int(scenario.get("paths", 1000))
    seed = a.seed if a.seed is not None else int(scenario.get("seed", 1))
    return (scenario, params, policy, book, horizon, paths, seed,
            bool(scenario.get("portfolio_shock", True)))


def main(argv=None):
    ap = arguments(__doc__.split("\n")[0])
    ap.add_argument("--chunk", type=int, default=250,
                    help="paths per vectorised chunk (default 250)")
    a = ap.parse_args(argv)
    _, params, policy, book, horizon, paths, seed, shock = prepare(a)
    engine = Engine(book, params, policy, horizon, shock, seed)

    started = time.perf_counter()
    cpu_started = time.process_time()
    res = engine.run(paths, a.chunk)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    report(a, res, book, policy, horizon, paths, seed, seconds, cpu_seconds,
           {"implementation": "numpy", "numpy": np.__version__},
           {"chunk": a.chunk, "threads": 1}, "numpy")


def report(a, res, book, policy, horizon, paths, seed, seconds, cpu_seconds, head, extra,
           label):
    """Writes the JSON summary (stdout and --out) and the per-path samples (--samples) of
    per-path outputs `res`; shared by the references (simulate.py, fair.py, ../c/run.py)."""
    invoice_days = int(res["invoice_days"].sum())
    daily = np.cumsum(res["daily_cash"], axis=1)
    dso = [ar / cs * horizon for ar, cs in zip(res["ending_ar"], res["credit_sales"]) if cs > 0]
    result = dict(head) | {
        "scenario": {"file": a.scenario, "policy": policy.name, "horizon_days": horizon,
                     "paths": paths, "seed": seed, "open_invoices": book.open_count,
                     "new_invoices": int(book.is_new.sum()),
                     "open_balance": int(book.balance[:book.open_count].sum())},
        "total_cash": summary(res["cash"], ci=True),
        "ending_ar": summary(res["ending_ar"], ci=True),
        "past_due": summary(res["past_due"]),
        "d90_plus": summary(res["d90_plus"]),
        "dso": summary(dso) if dso else None,
        "calls_made": summary(res["calls_made"]),
        "calls_missed": summary(res["calls_missed"]),
        "other_contacts": summary(res["other_contacts"]),
        "autopay_enrollments": summary(res["autopay_enrollments"]),
        "promises": summary(res["promises"]),
        "disputes": summary(res["disputes"]),
        "agency_fees": summary(res["agency_fees"]),
        "write_offs": summary(res["write_offs"]),
        "credit_sales": summary(res["credit_sales"]),
        "daily_cumulative_cash": {
            name: [float(x) for x in np.quantile(daily, qv, axis=0)]
            for name, qv in (("p5", 0.05), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75),
                             ("p95", 0.95))} | {"mean": [float(x) for x in daily.mean(axis=0)]},
        "throughput": {"invoice_days": invoice_days,
                       "nominal_invoice_days": book.open_count * horizon * paths,
                       "seconds": seconds, "cpu_seconds": cpu_seconds,
                       "invoice_days_per_second": invoice_days / seconds} | extra,
    }
    text = json.dumps(result, indent=1)
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    if a.samples:
        np.savez_compressed(a.samples, **{k: v for k, v in res.items() if k != "daily_cash"},
                            cumulative_cash=daily)
    print(f"{label}: {seconds:.2f} s ({cpu_seconds:.2f} s CPU), {invoice_days:,} invoice-days, "
          f"{invoice_days / seconds / 1e6:.2f} M invoice-days/s on 1 thread", file=sys.stderr)


if __name__ == "__main__":
    main()
