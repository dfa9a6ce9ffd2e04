/* sgd_sim.c: Monte Carlo trials of SGD / ASGD on fresh Gaussian samples (sgd.md 2, 8). The
 * error w - w* obeys a recursion that is linear in (initial error, noise) given the samples, so
 * each query's error is the sum of a bias run and a variance run on the same x_t: the exact
 * bias/variance split of sgd.md 3, per trial, with no cross term lost.
 *
 * Speed: up to LANES trials advance together, one per vector lane, each on its own samples from
 * its own stream. One pass over d per run (the variance run, or the bias run of one init, for
 * given steps) does the update of step t fused with the residual <x_{t+1}, u_{t+1}> of step
 * t + 1 (x_{t+1} is drawn first). Every lane does exactly the operations of the scalar
 * recursion, in the same order (the residual is summed over i = 1..d in order; no FMA
 * contraction: the clones are "avx2", not "fma"), so a trial's numbers do not depend on which
 * trials share its pack, nor on the clone, and are those of the plain two-pass loop (checked bit
 * for bit, GCC and clang; a build with -mfma or -march=native contracts, here as anywhere). The
 * pass is bound by its multiplications (about 4 cycles per coordinate for ASGD whatever the
 * lanes in use), so a full pack divides its cost per trial by LANES; drawing the d normals of
 * each step is most of the rest (their scaling by sqrt(lambda) goes into the lanes by 4 x 4
 * transposes: element by element it cost as much as the pass). */
#include "sims/sgd_sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/rng.h"

#include "engine/clones.h" /* SLT_CLONES: AVX2 and generic clones of the passes */

#define LANES SLT_SGD_PACK
#define ZBLOCK 8192 /* normals per call and trial (64 KB): long enough for the vector ziggurat */
typedef double lanes __attribute__((vector_size(LANES * sizeof(double))));

/* Draws whose normals one call makes: about ZBLOCK normals, at least one draw. */
static size_t zcap_of(size_t d)
{
    return ZBLOCK / (d + 1) > 0 ? ZBLOCK / (d + 1) : 1;
}

/* One role, for every trial of the pack (a lane each): the variance run (w_0 = w*, eps on) or
 * the bias run of the init from..to (eps off), with given steps. */
typedef struct {
    slt_sgd_steps s;
    int noise, accumulate;  /* the variance run; some query averages it (P is kept) */
    size_t from, to;
    lanes r;                /* per lane: the residual <x_t, u_t> - eps_t of step t, the next to run */
    lanes *e, *v, *u, *P;   /* d each: w_t - w*, v_t - w*, u_t - w* (ASGD), sum of w_r - w* over r < t */
} run;

typedef struct {
    size_t nq, nruns, nsnap, d;
    int ntr;                /* trials in the pack: lanes 0..ntr-1 */
    run *runs;
    long *brun, *nrun;      /* per query: its bias run and variance run, -1 if none */
    lanes **snapb, **snapn; /* per query: P at the tail start s = N/2 (tail queries only, else NULL) */
    lanes *x, *xn, eps;     /* per lane: its trial's x_t, x_{t+1} and eps_{t+1} */
    double *sl, *zero;      /* sqrt(lambda); d zeros (the normals of lanes with no trial) */
    lanes *block;
    double *z;              /* zcap (d + 1) normals per trial: its next draws, in stream order */
    size_t zcap, zlen, zpos; /* draws a trial's buffer holds, draws filled, draws used (alike in every trial) */
    long left;              /* draws still to make */
} plan;

static int same_steps(const slt_sgd_steps *a, const slt_sgd_steps *b)
{
    return a->algo == b->algo && a->delta == b->delta &&
           (a->algo != SLT_SGD_ACCEL || (a->alpha == b->alpha && a->beta == b->beta && a->gamma == b->gamma));
}

/* The run with these steps and role, added if new; its index. */
static long find_run(plan *p, const slt_sgd_steps *s, int noise, size_t from, size_t to)
{
    for (size_t r = 0; r < p->nruns; r++) {
        const run *R = &p->runs[r];
        if (same_steps(&R->s, s) && R->noise == noise && (noise || (R->from == from && R->to == to)))
            return (long)r;
    }
    run nr = {.s = *s, .noise = noise, .from = from, .to = to};
    p->runs[p->nruns] = nr;
    return (long)p->nruns++;
}

/* Lanes of memory for nruns runs (4 d each), x and xn, nsnap snapshots, and sqrt(lambda) and the
 * normals of LANES trials as doubles. */
static size_t plan_lanes(size_t d, size_t nruns, size_t nsnap, size_t zcap)
{
    size_t doubles = 2 * d + LANES * zcap * (d + 1);
    return (4 * nruns + 2 + nsnap) * d + (doubles + LANES - 1) / LANES;
}

/* Memory carved from the block; initial errors in the lanes in use; snapshots of tail queries. */
static void plan_start(plan *p, const double *lambda, const slt_sgd_query *q)
{
    size_t d = p->d;
    lanes *b = p->block;
    for (size_t r = 0; r < p->nruns; r++, b += 4 * d) {
        run *R = &p->runs[r];
        R->e = b, R->v = b + d, R->u = b + 2 * d, R->P = b + 3 * d;
        for (size_t i = R->noise ? d : R->from - 1; i < R->to && i < d; i++)
            for (int j = 0; j < p->ntr; j++)
                R->e[i][j] = R->v[i][j] = 1;
    }
    p->x = b, p->xn = b + d, b += 2 * d;
    for (size_t k = 0; k < p->nq; k++)
        if (q[k].avg == SLT_SGD_TAIL) {
            if (p->brun[k] >= 0)
                p->snapb[k] = b, b += d;
            if (p->nrun[k] >= 0)
                p->snapn[k] = b, b += d;
        }
    p->sl = (double *)b, p->zero = p->sl + d, p->z = p->zero + d;
    for (size_t i = 0; i < d; i++)
        p->sl[i] = sqrt(lambda[i]);
}

static int plan_alloc(plan *p, size_t d, double sigma2, const double *lambda, size_t nq, const slt_sgd_query *q,
                      int ntr)
{
    memset(p, 0, sizeof *p);
    p->d = d, p->nq = nq, p->ntr = ntr;
    p->runs = aligned_alloc(sizeof(lanes), 2 * nq * sizeof(run)); /* run holds a lanes */
    p->brun = malloc(2 * nq * sizeof(long));
    p->snapb = calloc(2 * nq, sizeof(lanes *));
    if (!p->runs || !p->brun || !p->snapb)
        return 1;
    p->nrun = p->brun + nq, p->snapn = p->snapb + nq;
    for (size_t k = 0; k < nq; k++) {
        size_t to = q[k].to < d ? q[k].to : d;
        int has_init = q[k].from >= 1 && q[k].from <= to;
        p->brun[k] = has_init ? find_run(p, &q[k].steps, 0, q[k].from, to) : -1;
        p->nrun[k] = sigma2 > 0 ? find_run(p, &q[k].steps, 1, 0, 0) : -1;
        for (int j = 0; j < 2; j++) {
            long r = j ? p->nrun[k] : p->brun[k];
            if (r >= 0 && q[k].avg != SLT_SGD_LAST)
                p->runs[r].accumulate = 1;
            p->nsnap += r >= 0 && q[k].avg == SLT_SGD_TAIL;
        }
    }
    p->zcap = zcap_of(d);
    size_t bytes = plan_lanes(d, p->nruns, p->nsnap, p->zcap) * sizeof(lanes);
    if (!(p->block = aligned_alloc(sizeof(lanes), bytes)))
        return 1;
    memset(p->block, 0, bytes);
    plan_start(p, lambda, q);
    return 0;
}

static void plan_free(plan *p)
{
    free(p->runs);
    free(p->brun);
    free(p->snapb);
    free(p->block);
}

/* The residual's start: -eps of each lane's trial in the variance run, 0 in a bias run (a
 * select, not a product: +0, not -0). */
static inline __attribute__((always_inline)) void residual_start(const run *R, const lanes *eps, lanes *r)
{
    lanes zero = {0};
    *r = R->noise ? -*eps : zero;
}

/* The residual of the first step: r_0 = <x_0, u_0> - eps_0 (u = e for SGD). */
SLT_CLONES static void first_residual(run *R, const lanes *x, const lanes *eps, size_t d)
{
    lanes r;
    residual_start(R, eps, &r);
    double al = R->s.alpha;
    for (size_t i = 0; i < d; i++) {
        R->u[i] = R->s.algo == SLT_SGD_ACCEL ? al * R->e[i] + (1 - al) * R->v[i] : R->e[i];
        r += x[i] * R->u[i];
    }
    R->r = r;
}

/* SGD step t on x (sgd.md 2: e -= delta r x), fused with the residual of step t + 1 on xn. */
static inline __attribute__((always_inline)) void sgd_body(run *R, const lanes *restrict x, const lanes *restrict xn,
                                                          const lanes *eps, size_t d, const int accumulate)
{
    lanes rd = R->s.delta * R->r, r, *restrict e = R->e, *restrict P = R->P;
    residual_start(R, eps, &r);
    for (size_t i = 0; i < d; i++) {
        if (accumulate)
            P[i] += e[i];
        e[i] -= rd * x[i];
        r += xn[i] * e[i];
    }
    R->r = r;
}

/* ASGD step t on x (sgd.md 2: u = alpha e + (1 - alpha) v, e = u - delta r x,
 * v = beta u + (1 - beta) v - gamma r x), fused with the residual of step t + 1 on xn. */
static inline __attribute__((always_inline)) void asgd_body(run *R, const lanes *restrict x,
                                                           const lanes *restrict xn, const lanes *eps, size_t d,
                                                           const int accumulate)
{
    double al = R->s.alpha, be = R->s.beta;
    lanes rd = R->s.delta * R->r, rg = R->s.gamma * R->r, r;
    residual_start(R, eps, &r);
    lanes *restrict e = R->e, *restrict v = R->v, *restrict u = R->u, *restrict P = R->P;
    for (size_t i = 0; i < d; i++) {
        if (accumulate)
            P[i] += e[i];
        e[i] = u[i] - rd * x[i];
        v[i] = be * u[i] + (1 - be) * v[i] - rg * x[i];
        u[i] = al * e[i] + (1 - al) * v[i];
        r += xn[i] * u[i];
    }
    R->r = r;
}

SLT_CLONES static void pass(run *R, const lanes *x, const lanes *xn, const lanes *eps, size_t d)
{
    if (R->s.algo != SLT_SGD_ACCEL) {
        if (R->accumulate)
            sgd_body(R, x, xn, eps, d, 1);
        else
            sgd_body(R, x, xn, eps, d, 0);
    } else if (R->accumulate) {
        asgd_body(R, x, xn, eps, d, 1);
    } else {
        asgd_body(R, x, xn, eps, d, 0);
    }
}

/* Output coordinate i of a run in lane j for query q (snap: P at the tail start). */
static double output(const run *R, const slt_sgd_query *q, const lanes *snap, size_t i, int j)
{
    if (q->avg == SLT_SGD_LAST)
        return R->e[i][j];
    if (q->avg == SLT_SGD_UNIFORM)
        return R->P[i][j] / (double)q->N;
    return (R->P[i][j] - snap[i][j]) / (double)(q->N - q->N / 2);
}

/* Query k's risk, bias and variance in every trial of the pack (out layout of slt_sgd_sim_pack). */
static void readout(const plan *p, const double *lambda, size_t k, const slt_sgd_query *q, double *out)
{
    const run *B = p->brun[k] >= 0 ? &p->runs[p->brun[k]] : NULL, *V = p->nrun[k] >= 0 ? &p->runs[p->nrun[k]] : NULL;
    for (int j = 0; j < p->ntr; j++) {
        double sr = 0, sb = 0, sv = 0;
        for (size_t i = 0; i < p->d; i++) {
            double ob = B ? output(B, q, p->snapb[k], i, j) : 0, ov = V ? output(V, q, p->snapn[k], i, j) : 0;
            sr += lambda[i] * (ob + ov) * (ob + ov);
            sb += lambda[i] * ob * ob;
            sv += lambda[i] * ov * ov;
        }
        double *o = out + (size_t)j * 3 * p->nq;
        o[k] = 0.5 * sr, o[p->nq + k] = 0.5 * sb, o[2 * p->nq + k] = 0.5 * sv;
    }
}

/* At time t: snapshots of the tail starts and readouts of the checkpoints N = t. */
static void events(plan *p, const double *lambda, long t, const slt_sgd_query *q, double *out)
{
    for (size_t k = 0; k < p->nq; k++) {
        if (q[k].avg == SLT_SGD_TAIL && q[k].N / 2 == t) {
            if (p->snapb[k])
                memcpy(p->snapb[k], p->runs[p->brun[k]].P, p->d * sizeof(lanes));
            if (p->snapn[k])
                memcpy(p->snapn[k], p->runs[p->nrun[k]].P, p->d * sizeof(lanes));
        }
        if (q[k].N == t)
            readout(p, lambda, k, &q[k], out);
    }
}

/* x[i] = (z_0[i], ..., z_3[i]) * sl[i], i < d: four rows of normals scaled and transposed into
 * lanes, four coordinates at a time (each product is the scalar z_j[i] * sl[i]). */
SLT_CLONES static void spread(const double *const *z, const double *sl, lanes *restrict x, size_t d)
{
    size_t i = 0;
#if defined(__GNUC__) && !defined(__clang__)
    typedef long long sel __attribute__((vector_size(LANES * sizeof(long long))));
    for (; LANES == 4 && i + 4 <= d; i += 4) {
        lanes a, b, c, e, s;
        memcpy(&a, z[0] + i, sizeof a), memcpy(&b, z[1] + i, sizeof b), memcpy(&c, z[2] + i, sizeof c);
        memcpy(&e, z[3] + i, sizeof e), memcpy(&s, sl + i, sizeof s);
        a *= s, b *= s, c *= s, e *= s;
        lanes t0 = __builtin_shuffle(a, b, (sel){0, 4, 2, 6}), t1 = __builtin_shuffle(a, b, (sel){1, 5, 3, 7});
        lanes t2 = __builtin_shuffle(c, e, (sel){0, 4, 2, 6}), t3 = __builtin_shuffle(c, e, (sel){1, 5, 3, 7});
        x[i] = __builtin_shuffle(t0, t2, (sel){0, 1, 4, 5}), x[i + 1] = __builtin_shuffle(t1, t3, (sel){0, 1, 4, 5});
        x[i + 2] = __builtin_shuffle(t0, t2, (sel){2, 3, 6, 7}), x[i + 3] = __builtin_shuffle(t1, t3, (sel){2, 3, 6, 7});
    }
#endif
    for (; i < d; i++)
        for (int j = 0; j < LANES; j++)
            x[i][j] = z[j][i] * sl[i];
}

/* Per trial j of the pack: x = sqrt(lambda) o z with z ~ N(0, I_d), then eps = sigma xi, from
 * rng[j] in the order of sgd_sim.h, into lane j (lanes of no trial read zeros). The normals of up
 * to zcap draws come from one call (the ziggurat's vector paths gain on long calls; the stream is
 * the same as draw by draw), never more than the run still needs, so the stream ends where the
 * draw-by-draw order leaves it. */
static void draw(plan *p, gsl_rng *const *rng, double sigma, lanes *restrict x)
{
    size_t d = p->d, zd = p->zcap * (d + 1);
    if (p->zpos == p->zlen) {
        p->zlen = (size_t)p->left < p->zcap ? (size_t)p->left : p->zcap;
        p->zpos = 0;
        for (int j = 0; j < p->ntr; j++)
            slt_rng_normals(rng[j], p->z + j * zd, p->zlen * (d + 1), 1.0);
    }
    const double *z[LANES];
    for (int j = 0; j < LANES; j++)
        z[j] = j < p->ntr ? p->z + j * zd + p->zpos * (d + 1) : p->zero;
    spread(z, p->sl, x, d);
    for (int j = 0; j < p->ntr; j++)
        p->eps[j] = sigma * z[j][d];
    p->zpos++, p->left--;
}

int slt_sgd_sim_pack(size_t d, const double *lambda, double sigma2, size_t nq, const slt_sgd_query *q,
                     gsl_rng *const *rng, int ntr, double *out, char *err)
{
    if (ntr < 1 || ntr > LANES) {
        snprintf(err, 256, "%d trials in one SGD pack (1 to %d)", ntr, LANES);
        return 1;
    }
    plan p;
    if (plan_alloc(&p, d, sigma2, lambda, nq, q, ntr)) {
        plan_free(&p);
        snprintf(err, 256, "out of memory for the SGD simulation at d = %zu", d);
        return 1;
    }
    long nmax = 0;
    for (size_t k = 0; k < nq; k++)
        nmax = q[k].N > nmax ? q[k].N : nmax;
    double sigma = sqrt(sigma2);
    p.left = nmax; /* one draw before step 0, then one before each step t + 1 < nmax */
    if (nmax > 0) {
        draw(&p, rng, sigma, p.x);
        for (size_t r = 0; r < p.nruns; r++)
            first_residual(&p.runs[r], p.x, &p.eps, d);
    }
    for (long t = 0;; t++) {
        events(&p, lambda, t, q, out);
        if (t == nmax)
            break;
        if (t + 1 < nmax) {
            draw(&p, rng, sigma, p.xn);
        } else { /* the last step: no next residual */
            lanes zero = {0};
            memset(p.xn, 0, d * sizeof(lanes)), p.eps = zero;
        }
        for (size_t r = 0; r < p.nruns; r++)
            pass(&p.runs[r], p.x, p.xn, &p.eps, d);
        lanes *x = p.x;
        p.x = p.xn, p.xn = x;
    }
    plan_free(&p);
    return 0;
}

int slt_sgd_sim(size_t d, const double *lambda, double sigma2, size_t nq, const slt_sgd_query *q, gsl_rng *rng,
                double *risk, double *bias, double *var, char *err)
{
    double *out = malloc(3 * nq * sizeof(double));
    if (!out) {
        snprintf(err, 256, "out of memory for the SGD simulation at d = %zu", d);
        return 1;
    }
    int rc = slt_sgd_sim_pack(d, lambda, sigma2, nq, q, &rng, 1, out, err);
    if (!rc) {
        memcpy(risk, out, nq * sizeof(double));
        memcpy(bias, out + nq, nq * sizeof(double));
        memcpy(var, out + 2 * nq, nq * sizeof(double));
    }
    free(out);
    return rc;
}

double slt_sgd_sim_bytes(size_t d, size_t nq)
{
    /* at most 2 nq runs, 2 nq snapshots, and the normals of a pack */
    return (double)sizeof(lanes) * (double)plan_lanes(d, 2 * nq, 2 * nq, zcap_of(d));
}
