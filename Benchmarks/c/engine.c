/* The C reference of arcadence's event-driven cadence simulator (Benchmarks/c/README.md).
 *
 * The same algorithm as Sources/ArcadenceSimulation/Simulator.swift, in plain C, one thread:
 * Philox4x32-10 draws keyed by (path, invoice, day, decision); per invoice a payment clock and
 * a write-off clock (one uniform threshold each, survival products), jumped over spans of
 * constant hazard with one logarithm and stepped one multiplication a day while a contact's
 * lift decays; per-day intrusive wake lists so an invoice is touched only on days something
 * can happen to it; the day's calls up to capacity by priority (quickselect of the first
 * `capacity`, then a sort of those). It covers what the throughput benchmark's scenario uses
 * (open invoices, portfolio shock, band factors, cadence with completion, capacity, promises,
 * disputes, auto-pay offers and payments); run.py refuses scenarios that need more (new
 * invoices, escalations, `risk`/`expected_gain` priorities, parameter uncertainty).
 *
 *   engine INPUT OUTPUT     (INPUT written by run.py; OUTPUT: per-path values, text)
 *
 * Build: gcc -O3 -march=native -o engine engine.c -lm   (one thread, no OpenMP)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NONE INT32_MAX
#define NEVER INT32_MIN
#define BANDS 10
#define MIN_DPD (-400)
#define MAX_DPD 2000

enum { M_CASH, M_ENDING_AR, M_PAST_DUE, M_D90, M_CALLS_MADE, M_CALLS_MISSED, M_OTHER,
       M_AUTOPAY, M_WRITE_OFFS, M_PROMISES, M_DISPUTES, M_INVOICE_DAYS, M_COUNT };
enum { D_CLOCKS = 1, D_AUTOPAY = 2, D_COMPLETION = 16, D_CONTACT = 32, D_OUTCOME = 48,
       D_OPEN_DISPUTE = 64, D_OPEN_PROMISE = 65, D_SHOCK = 80 };
enum { EV_PAID = 1, EV_WRITTEN_OFF = 2 };
enum { ST_OPEN = 1, ST_PAID = 2, ST_WRITTEN_OFF = 3 };

/* ---- Philox4x32-10 (Salmon et al. 2011), as Philox.swift ---- */
static uint32_t key0, key1;
typedef struct { uint32_t v[4]; } W4;
static inline W4 philox(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3) {
  uint32_t x0 = c0, x1 = c1, x2 = c2, x3 = c3, k0 = key0, k1 = key1;
  for (int r = 0; r < 10; r++) {
    if (r > 0) { k0 += 0x9E3779B9u; k1 += 0xBB67AE85u; }
    uint64_t p0 = (uint64_t)0xD2511F53u * x0, p1 = (uint64_t)0xCD9E8D57u * x2;
    uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
    uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
    x0 = hi1 ^ x1 ^ k0; x1 = lo1; x2 = hi0 ^ x3 ^ k1; x3 = lo0;
  }
  W4 w = {{x0, x1, x2, x3}};
  return w;
}
static inline W4 draw(int path, int inv, int32_t day, uint32_t decision) {
  return philox((uint32_t)path, (uint32_t)inv, (uint32_t)day, decision);
}
static inline double unit1(uint32_t w) { return ((double)w + 0.5) * 0x1p-32; }
static inline double unit2(uint32_t a, uint32_t b) {
  uint64_t bits = ((uint64_t)a << 20) ^ (uint64_t)(b >> 12);
  return ((double)(bits & ((1ull << 52) - 1)) + 0.5) * 0x1p-52;
}

/* ---- inputs ---- */
static int H, PATHS, SHOCK_ON, S, NC, N;
static uint64_t SEED;
static double SHOCK_SIGMA, CAP;
static double HAZ[64 * BANDS], WO[BANDS], REACH[4];
static double RL, RDD, UL, UDD, P_PROMISE, P_KEPT, P_DISPUTE, P_ACCEPT, ON_TIME, COMPLETION;
static int NLEAD, NQ;
static int LEAD_DAYS[512];
static double LEAD_W[512], QV[64];
static long CALLS_CAP, OTHER_CAP;
static int PRIORITY, OFFER_AUTOPAY;
static uint8_t MASK[MAX_DPD - MIN_DPD + 1];
static int32_t NEXT[MAX_DPD - MIN_DPD + 2];
static uint8_t *CUST_AUTOPAY;
static int64_t *BAL0;
static int32_t *DUE, *SEGROW, *CUST, *DISP_OPENED, *PROMISE_DAY;
static double *DISP_SHARE, *R0, *Q0;

static FILE *in;
static double rd(void) {
  double x;
  if (fscanf(in, "%lf", &x) != 1) { fprintf(stderr, "engine: bad input\n"); exit(2); }
  return x;
}
static long rl(void) { return (long)rd(); }

/* ---- state ---- */
typedef struct {
  double s, sw, u, uw, r, q;
  int64_t balance;
  int32_t due, cust, row, anchor, blocked, promise, next_cadence, pending, event, resolved,
      wake_next;
  uint8_t state, event_kind, queued;
} Inv;

static Inv *inv;
static uint8_t *autopay;
static int32_t *wake_head;
static int32_t *pool, *queue;
static int npool, nqueue;
static int32_t *opool_i;
static uint8_t *opool_c;
static int nopool;
static int64_t counts[M_COUNT];
static int64_t *cash;
static double pay_h[64 * BANDS], log_pay[64 * BANDS], log_wo[BANDS];
static double r_decay, q_decay, r_jump, q_jump;
static int path;

static inline int band_of(int32_t dpd) {
  if (dpd < 0) return dpd <= -15 ? 0 : (dpd <= -8 ? 1 : 2);
  if (dpd == 0) return 3;
  if (dpd <= 7) return 4;
  if (dpd <= 14) return 5;
  if (dpd <= 30) return 6;
  if (dpd <= 60) return 7;
  if (dpd <= 90) return 8;
  return 9;
}
static const int32_t BAND_START[BANDS] = {INT32_MIN, -14, -7, 0, 1, 8, 15, 31, 61, 91};
static inline int32_t next_start(int b) { return b + 1 < BANDS ? BAND_START[b + 1] : NONE; }
static inline int32_t min32(int32_t a, int32_t b) { return a < b ? a : b; }
static inline int32_t max32(int32_t a, int32_t b) { return a > b ? a : b; }

static inline int32_t next_step(int32_t dpd) {
  if (dpd > MAX_DPD) return NONE;
  return NEXT[max32(dpd, MIN_DPD) - MIN_DPD];
}
static inline uint8_t channels_at(int32_t dpd) {
  if (dpd < MIN_DPD || dpd > MAX_DPD) return 0;
  return MASK[dpd - MIN_DPD];
}
static inline int32_t cadence_day(int i, int32_t dpd) {
  int32_t n = next_step(dpd);
  return n == NONE ? NONE : inv[i].due + n;
}

/* Advances invoice i from its anchor through limit - 1; returns 1 with (*day, *kind) of the
 * first event, or 0 (state advanced to limit - 1). */
static inline int advance(int i, int32_t limit, int32_t *eday, int *ekind) {
  Inv *v = &inv[i];
  int32_t d = v->anchor + 1;
  if (d >= limit) return 0;
  int32_t due = v->due;
  int row = v->row;
  double s = v->s, sw = v->sw, r = v->r, q = v->q, u = v->u, uw = v->uw;
  int32_t blocked = v->blocked;
  while (d < limit) {
    if (d <= blocked) {
      int32_t end = min32(blocked + 1, limit);
      if (r + q > 0) {
        double steps = (double)(end - d);
        r *= pow(r_decay, steps);
        q *= pow(q_decay, steps);
        if (r + q < 1e-3) { r = 0; q = 0; }
      }
      d = end;
      continue;
    }
    int b = band_of(d - due);
    int32_t nx = next_start(b);
    int32_t seg_end = nx == NONE ? limit : min32(limit, due + nx);
    if (r + q > 0) {
      double base = pay_h[row + b], wb = WO[b];
      int no_wo = wb == 0 && sw > uw;
      do {
        double x = base * (1 + r + q);
        double hd = x < CAP ? x : CAP;  /* Swift's min(cap, x), without a call to fmin */
        s *= 1 - hd;
        if (s <= u) { *eday = d; *ekind = EV_PAID; return 1; }
        if (!no_wo) {
          sw *= 1 - wb;
          if (sw <= uw) { *eday = d; *ekind = EV_WRITTEN_OFF; return 1; }
        }
        r *= r_decay;
        q *= q_decay;
        d += 1;
        if (r + q < 1e-3) { r = 0; q = 0; break; }
      } while (d < seg_end);
      continue;
    }
    int32_t span = seg_end - d;
    double lh = log_pay[row + b], lw = log_wo[b];
    int64_t kpay = INT64_MAX, kwo = INT64_MAX;
    if (lh < 0) {
      double k = ceil(log(u / s) / lh);
      kpay = k < 1 ? 1 : (k > 1e9 ? INT64_MAX : (int64_t)k);
    }
    if (lw < 0) {
      double k = ceil(log(uw / sw) / lw);
      kwo = k < 1 ? 1 : (k > 1e9 ? INT64_MAX : (int64_t)k);
    }
    int64_t kmin = kpay < kwo ? kpay : kwo;
    if (kmin <= span) {
      *eday = d + (int32_t)kmin - 1;
      *ekind = kpay <= kwo ? EV_PAID : EV_WRITTEN_OFF;
      return 1;
    }
    s *= exp((double)span * lh);
    sw *= exp((double)span * lw);
    d = seg_end;
  }
  v->s = s; v->sw = sw; v->r = r; v->q = q; v->anchor = limit - 1;
  return 0;
}

static inline void wake(int i, int32_t d) {
  inv[i].wake_next = wake_head[d];
  wake_head[d] = i;
}

static void schedule(int i, int32_t day) {
  Inv *v = &inv[i];
  int32_t limit = H;
  if (v->next_cadence > day) limit = min32(limit, v->next_cadence);
  if (v->due > day) limit = min32(limit, v->due);
  if (v->promise > day) limit = min32(limit, v->promise);
  if (v->resolved > day) limit = min32(limit, v->resolved);
  if (v->pending != NONE) limit = min32(limit, day + 1);
  int32_t ed;
  int ek;
  if (advance(i, limit, &ed, &ek)) {
    v->event = ed;
    v->event_kind = (uint8_t)ek;
    wake(i, ed);
  } else if (limit < H) {
    wake(i, limit);
  }
}

static void close_inv(int i, int32_t day, int kind) {
  int64_t b = inv[i].balance;
  if (kind == EV_PAID) {
    cash[day] += b;
    counts[M_CASH] += b;
    inv[i].state = ST_PAID;
  } else {
    counts[M_WRITE_OFFS] += b;
    inv[i].state = ST_WRITTEN_OFF;
  }
  counts[M_INVOICE_DAYS] += day + 1;
  inv[i].balance = 0;
  inv[i].pending = NONE;
}

static inline void enqueue(int i) {
  if (!inv[i].queued) {
    inv[i].queued = 1;
    queue[nqueue++] = i;
  }
}

static void process(int i, int32_t day) {
  Inv *v = &inv[i];
  if (v->state != ST_OPEN) return;
  if (v->event == day) { close_inv(i, day, v->event_kind); return; }
  int32_t dpd = day - v->due;
  if (day > v->blocked) {
    if (v->promise == day) { close_inv(i, day, EV_PAID); return; }
    if (dpd == 0 && autopay[v->cust]) {
      W4 w = draw(path, i, day, D_AUTOPAY);
      if (unit1(w.v[0]) < ON_TIME) { close_inv(i, day, EV_PAID); return; }
    }
  }
  int32_t ed;
  int ek;
  if (v->anchor < day && advance(i, day + 1, &ed, &ek)) { close_inv(i, day, ek); return; }
  if (v->resolved == day) { v->r += r_jump; v->resolved = NONE; }
  if (v->next_cadence == day) {
    if (day > v->blocked) {
      uint8_t ch_mask = channels_at(dpd);
      for (int ch = 0; ch < 4; ch++) {
        if (!(ch_mask & (1 << ch))) continue;
        W4 w = draw(path, i, day, D_COMPLETION + ch);
        if (COMPLETION < 1 && unit1(w.v[0]) >= COMPLETION) {
          if (ch == 0) counts[M_CALLS_MISSED]++;
          continue;
        }
        if (ch == 0) {
          if (v->pending == NONE) v->pending = day; else counts[M_CALLS_MISSED]++;
        } else {
          opool_i[nopool] = i;
          opool_c[nopool++] = (uint8_t)ch;
          enqueue(i);
        }
      }
    }
    v->next_cadence = cadence_day(i, dpd + 1);
  }
  if (v->pending != NONE && day > v->blocked) {
    pool[npool++] = i;
    enqueue(i);
  } else {
    v->pending = NONE;
  }
  if (!v->queued) schedule(i, day);
}

static void schedule_queued(int32_t day) {
  for (int k = 0; k < nqueue; k++) {
    int i = queue[k];
    inv[i].queued = 0;
    if (inv[i].state == ST_OPEN) schedule(i, day);
  }
  nqueue = 0;
}

/* ---- priority selection ---- */
typedef struct { double key; int32_t i; uint8_t ch; } Keyed;
static Keyed *keyed;
static inline int before(const Keyed *a, const Keyed *b) {
  if (a->key != b->key) return a->key > b->key;
  if (a->i != b->i) return a->i < b->i;
  return a->ch < b->ch;
}
static int cmp_keyed(const void *x, const void *y) {
  const Keyed *a = x, *b = y;
  return before(a, b) ? -1 : (before(b, a) ? 1 : 0);
}
static void select_first(Keyed *xs, int n, int k) {
  int lo = 0, hi = n - 1;
  while (lo < hi) {
    Keyed pivot = xs[lo + (hi - lo) / 2];
    int i = lo, j = hi;
    while (i <= j) {
      while (before(&xs[i], &pivot)) i++;
      while (before(&pivot, &xs[j])) j--;
      if (i <= j) { Keyed t = xs[i]; xs[i] = xs[j]; xs[j] = t; i++; j--; }
    }
    if (k - 1 <= j) hi = j;
    else if (k - 1 >= i) lo = i;
    else return;
  }
}
static inline double priority_key(int i, int32_t day) {
  int32_t dpd = day - inv[i].due;
  double b = (double)inv[i].balance;
  switch (PRIORITY) {
    case 1: return (double)dpd * 1e12 + b;
    case 2: return b;
    default: return b * (double)(dpd > 1 ? dpd : 1);
  }
}

static void contact(int i, int32_t day, int ch) {
  counts[ch == 0 ? M_CALLS_MADE : M_OTHER]++;
  W4 w = draw(path, i, day, D_CONTACT + ch);
  Inv *v = &inv[i];
  if (!(unit1(w.v[0]) < REACH[ch])) { v->q += q_jump; return; }
  v->r += r_jump;
  if (unit1(w.v[1]) < P_PROMISE) {
    counts[M_PROMISES]++;
    W4 x = draw(path, i, day, D_OUTCOME + ch);
    double t = 0, uu = unit1(x.v[0]);
    for (int k = 0; k < NLEAD; k++) t += LEAD_W[k];
    int lead = LEAD_DAYS[0];
    if (t > 0) {
      double acc = 0;
      lead = LEAD_DAYS[NLEAD - 1];
      for (int k = 0; k < NLEAD; k++) {
        acc += LEAD_W[k];
        if (uu * t < acc) { lead = LEAD_DAYS[k]; break; }
      }
    }
    if (lead < 1) lead = 1;
    if (unit1(x.v[1]) < P_KEPT) v->promise = day + lead;
  } else if (unit1(w.v[2]) < P_DISPUTE) {
    counts[M_DISPUTES]++;
    W4 x = draw(path, i, day, D_OUTCOME + ch);
    double uu = unit1(x.v[2]);
    double pos = fmin(fmax(uu, 0), 1) * (NQ - 1);
    int lo = (int)pos < NQ - 1 ? (int)pos : NQ - 1;
    int hi = lo + 1 < NQ - 1 ? lo + 1 : NQ - 1;
    double res = QV[lo] + (QV[hi] - QV[lo]) * (pos - lo);
    int32_t days = (int32_t)round(res);
    v->blocked = day + (days > 1 ? days : 1);
    v->resolved = v->blocked + 1;
    v->pending = NONE;
  } else if (ch == 0 && OFFER_AUTOPAY) {
    if (!autopay[v->cust] && unit1(w.v[3]) < P_ACCEPT) {
      autopay[v->cust] = 1;
      counts[M_AUTOPAY]++;
    }
  }
}

static void allocate_calls(int32_t day) {
  if (npool == 0) return;
  long cap = CALLS_CAP < 0 ? (long)npool : CALLS_CAP;
  int n = npool;
  npool = 0;
  if (n > cap) {
    for (int k = 0; k < n; k++) {
      keyed[k].key = priority_key(pool[k], day);
      keyed[k].i = pool[k];
      keyed[k].ch = 0;
    }
    int c = (int)cap;
    if (c > 0) {
      select_first(keyed, n, c);
      qsort(keyed, (size_t)c, sizeof(Keyed), cmp_keyed);
    }
    for (int k = 0; k < n; k++) {
      int i = keyed[k].i;
      if (k < c) {
        inv[i].pending = NONE;
        contact(i, day, 0);
      } else if (inv[i].pending == day) {
        counts[M_CALLS_MISSED]++;
      }
    }
  } else {
    for (int k = 0; k < n; k++) {
      int i = pool[k];
      inv[i].pending = NONE;
      contact(i, day, 0);
    }
  }
}

static void allocate_other(int32_t day) {
  if (nopool == 0) return;
  int n = nopool;
  nopool = 0;
  if (OTHER_CAP >= 0 && n > OTHER_CAP) {
    int c = (int)OTHER_CAP;
    if (c == 0) return;
    for (int k = 0; k < n; k++) {
      keyed[k].key = priority_key(opool_i[k], day);
      keyed[k].i = opool_i[k];
      keyed[k].ch = opool_c[k];
    }
    select_first(keyed, n, c);
    qsort(keyed, (size_t)c, sizeof(Keyed), cmp_keyed);
    for (int k = 0; k < c; k++) {
      int i = keyed[k].i;
      if (inv[i].state == ST_OPEN && day > inv[i].blocked) contact(i, day, keyed[k].ch);
    }
  } else {
    for (int k = 0; k < n; k++) {
      int i = opool_i[k];
      if (inv[i].state == ST_OPEN && day > inv[i].blocked) contact(i, day, opool_c[k]);
    }
  }
}

static void run_path(void) {
  double shock = 1;
  if (SHOCK_ON && SHOCK_SIGMA > 0) {
    W4 w = draw(path, 0, 0, D_SHOCK);
    double u1 = unit2(w.v[0], w.v[1]), u2 = unit2(w.v[2], w.v[3]);
    double z = sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
    shock = exp(SHOCK_SIGMA * z - SHOCK_SIGMA * SHOCK_SIGMA / 2);
  }
  for (int k = 0; k < S * BANDS; k++) {
    double x = HAZ[k] * shock;
    x = x < CAP ? x : CAP;
    pay_h[k] = x;
    log_pay[k] = log1p(-x);
  }
  for (int b = 0; b < BANDS; b++) log_wo[b] = log1p(-WO[b]);
  for (int d = 0; d <= H; d++) wake_head[d] = -1;
  memset(counts, 0, sizeof counts);
  memset(cash, 0, sizeof(int64_t) * (size_t)H);
  memcpy(autopay, CUST_AUTOPAY, (size_t)NC);
  for (int i = 0; i < N; i++) {
    Inv *v = &inv[i];
    W4 w = draw(path, i, 0, D_CLOCKS);
    v->u = unit2(w.v[0], w.v[1]);
    v->uw = unit2(w.v[2], w.v[3]);
    v->s = 1; v->sw = 1;
    v->balance = BAL0[i];
    v->due = DUE[i]; v->cust = CUST[i]; v->row = SEGROW[i];
    v->state = ST_OPEN; v->anchor = -1; v->event = NONE; v->pending = NONE;
    v->promise = NONE; v->blocked = NEVER; v->resolved = NONE; v->queued = 0;
    v->r = R0[i]; v->q = Q0[i];
    if (DISP_OPENED[i] != NEVER) {
      W4 x = draw(path, i, 0, D_OPEN_DISPUTE);
      double f = DISP_SHARE[i], uu = f + unit1(x.v[0]) * (1 - f);
      double pos = fmin(fmax(uu, 0), 1) * (NQ - 1);
      int lo = (int)pos < NQ - 1 ? (int)pos : NQ - 1;
      int hi = lo + 1 < NQ - 1 ? lo + 1 : NQ - 1;
      double res = QV[lo] + (QV[hi] - QV[lo]) * (pos - lo);
      int32_t days = (int32_t)round(res);
      v->blocked = max32(0, DISP_OPENED[i] + (days > 1 ? days : 1));
      v->resolved = v->blocked + 1;
    }
    if (PROMISE_DAY[i] != NONE) {
      W4 x = draw(path, i, 0, D_OPEN_PROMISE);
      if (unit1(x.v[0]) < P_KEPT) v->promise = PROMISE_DAY[i];
    }
    v->next_cadence = cadence_day(i, -v->due);
    schedule(i, -1);
  }
  for (int32_t day = 0; day < H; day++) {
    while (wake_head[day] >= 0) {
      int i = wake_head[day];
      wake_head[day] = inv[i].wake_next;
      process(i, day);
    }
    allocate_calls(day);
    allocate_other(day);
    schedule_queued(day);
  }
  int32_t last = H - 1;
  for (int i = 0; i < N; i++) {
    if (inv[i].state != ST_OPEN) continue;
    int64_t b = inv[i].balance;
    counts[M_ENDING_AR] += b;
    int32_t dpd = last - inv[i].due;
    if (dpd >= 1) counts[M_PAST_DUE] += b;
    if (dpd > 90) counts[M_D90] += b;
    counts[M_INVOICE_DAYS] += last + 1;
  }
}

static double now(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: engine INPUT OUTPUT\n"); return 2; }
  in = fopen(argv[1], "r");
  if (!in) { perror(argv[1]); return 1; }
  H = (int)rl(); PATHS = (int)rl(); SEED = (uint64_t)rl(); SHOCK_ON = (int)rl();
  SHOCK_SIGMA = rd(); CAP = rd();
  S = (int)rl();
  if (S < 1 || S > 64) { fprintf(stderr, "engine: 1 to 64 segments\n"); return 2; }
  for (int k = 0; k < S * BANDS; k++) HAZ[k] = rd();
  for (int b = 0; b < BANDS; b++) WO[b] = rd();
  for (int c = 0; c < 4; c++) REACH[c] = rd();
  RL = rd(); RDD = rd(); UL = rd(); UDD = rd();
  P_PROMISE = rd(); P_KEPT = rd(); P_DISPUTE = rd(); P_ACCEPT = rd(); ON_TIME = rd();
  COMPLETION = rd();
  NLEAD = (int)rl();
  if (NLEAD < 1 || NLEAD > 512) { fprintf(stderr, "engine: 1 to 512 lead days\n"); return 2; }
  for (int k = 0; k < NLEAD; k++) LEAD_DAYS[k] = (int)rl();
  for (int k = 0; k < NLEAD; k++) LEAD_W[k] = rd();
  NQ = (int)rl();
  if (NQ < 1 || NQ > 64) { fprintf(stderr, "engine: 1 to 64 quantiles\n"); return 2; }
  for (int k = 0; k < NQ; k++) QV[k] = rd();
  CALLS_CAP = rl(); OTHER_CAP = rl(); PRIORITY = (int)rl(); OFFER_AUTOPAY = (int)rl();
  for (int k = 0; k <= MAX_DPD - MIN_DPD; k++) MASK[k] = (uint8_t)rl();
  NC = (int)rl();
  CUST_AUTOPAY = malloc((size_t)NC + 1);
  for (int c = 0; c < NC; c++) CUST_AUTOPAY[c] = (uint8_t)rl();
  N = (int)rl();
  BAL0 = malloc(sizeof(int64_t) * (size_t)N);
  DUE = malloc(sizeof(int32_t) * (size_t)N);
  SEGROW = malloc(sizeof(int32_t) * (size_t)N);
  CUST = malloc(sizeof(int32_t) * (size_t)N);
  DISP_OPENED = malloc(sizeof(int32_t) * (size_t)N);
  PROMISE_DAY = malloc(sizeof(int32_t) * (size_t)N);
  DISP_SHARE = malloc(sizeof(double) * (size_t)N);
  R0 = malloc(sizeof(double) * (size_t)N);
  Q0 = malloc(sizeof(double) * (size_t)N);
  for (int i = 0; i < N; i++) {
    BAL0[i] = (int64_t)rl(); DUE[i] = (int32_t)rl(); SEGROW[i] = (int32_t)rl() * BANDS;
    CUST[i] = (int32_t)rl();
    long o = rl();
    DISP_OPENED[i] = o == -999999 ? NEVER : (int32_t)o;
    DISP_SHARE[i] = rd();
    long p = rl();
    PROMISE_DAY[i] = p == -999999 ? NONE : (int32_t)p;
    R0[i] = rd(); Q0[i] = rd();
  }
  fclose(in);
  int n = MAX_DPD - MIN_DPD + 1;
  NEXT[n] = NONE;
  for (int k = n - 1; k >= 0; k--) NEXT[k] = MASK[k] ? k + MIN_DPD : NEXT[k + 1];
  key0 = (uint32_t)SEED;
  key1 = (uint32_t)(SEED >> 32);
  r_decay = RDD > 0 ? exp(-1 / RDD) : 0;
  q_decay = UDD > 0 ? exp(-1 / UDD) : 0;
  r_jump = RL * r_decay;
  q_jump = UL * q_decay;

  inv = aligned_alloc(64, sizeof(Inv) * (size_t)(N + 1));
  autopay = malloc((size_t)NC + 1);
  wake_head = malloc(sizeof(int32_t) * (size_t)(H + 1));
  pool = malloc(sizeof(int32_t) * (size_t)(N + 1));
  queue = malloc(sizeof(int32_t) * (size_t)(N + 1));
  opool_i = malloc(sizeof(int32_t) * (size_t)(4 * N + 1));
  opool_c = malloc((size_t)(4 * N + 1));
  keyed = malloc(sizeof(Keyed) * (size_t)(4 * N + 1));
  cash = malloc(sizeof(int64_t) * (size_t)H);
  int64_t *out = malloc(sizeof(int64_t) * (size_t)PATHS * (M_COUNT + (size_t)H));

  double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
  for (path = 0; path < PATHS; path++) {
    run_path();
    int64_t *o = out + (size_t)path * (M_COUNT + (size_t)H);
    memcpy(o, counts, sizeof counts);
    memcpy(o + M_COUNT, cash, sizeof(int64_t) * (size_t)H);
  }
  double secs = now(CLOCK_MONOTONIC) - t0, cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;

  FILE *f = fopen(argv[2], "w");
  if (!f) { perror(argv[2]); return 1; }
  fprintf(f, "%.6f %.6f %d %d %d\n", secs, cpu, PATHS, H, M_COUNT);
  for (int p = 0; p < PATHS; p++) {
    int64_t *o = out + (size_t)p * (M_COUNT + (size_t)H);
    for (int k = 0; k < M_COUNT + H; k++) fprintf(f, k ? " %lld" : "%lld", (long long)o[k]);
    fputc('\n', f);
  }
  fclose(f);
  return 0;
}
