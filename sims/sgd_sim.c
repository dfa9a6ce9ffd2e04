/* sgd_sim.c: one Monte Carlo trial of SGD / ASGD on fresh Gaussian samples (sgd.md 2, 8). The
 * error w - w* obeys a recursion that is linear in (initial error, noise) given the samples, so
 * each query's error is the sum of a bias run and a variance run on the same x_t: the exact
 * bias/variance split of sgd.md 3, per trial, with no cross term lost.
 *
 * Speed: the runs with the same steps (one variance run and the bias runs of every init) advance
 * together as the LANES lanes of one vector per coordinate, and one pass over d does the update
 * of step t fused with the residual <x_{t+1}, u_{t+1}> of step t + 1 (x_{t+1} is drawn first).
 * Every lane does exactly the operations of the scalar recursion, in the same order (the
 * residual is summed over i = 1..d in order, lane by lane; no FMA contraction: the clones are
 * "avx2", not "fma"), so a trial's numbers do not depend on the grouping or the clone, and are
 * those of the plain two-pass loop (checked bit for bit, GCC and clang; a build with -mfma or
 * -march=native contracts, here as anywhere). The residual's sum is one chain of d dependent
 * additions per step, so the pass costs about d add latencies; drawing the d normals costs
 * several times more (about three quarters of a trial at d = 200). */
#include "sims/sgd_sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/rng.h"

/* AVX2 and generic clones of the passes, chosen at load time (as in sims/moons_sim.c). */
#if defined(__GNUC__) && !defined(__clang__)
#define SLT_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SLT_CLONES
#endif

#define LANES 4
typedef double lanes __attribute__((vector_size(LANES * sizeof(double))));

typedef struct {
    slt_sgd_steps s;
    int nlanes, accumulate; /* lanes in use; some query averages (P is kept) */
    int noise[LANES];       /* the variance run's lane: w_0 = w*, eps on */
    lanes r;                /* per lane: the residual <x_t, u_t> - eps_t of step t, the next to run */
    lanes *e, *v, *u, *P;   /* d each: w_t - w*, v_t - w*, u_t - w* (ASGD), sum of w_r - w* over r < t */
} group;

typedef struct {
    int noise;       /* the variance run: w_0 = w*, eps on */
    size_t from, to; /* the bias run: error 1 on from..to */
    size_t g;        /* its group and lane */
    int lane;
} run;

typedef struct {
    size_t nq, nruns, ngroups, d;
    run *runs;
    group *groups;
    long *brun, *nrun;      /* per query: its bias run and variance run, -1 if none */
    double *snapb, *snapn;  /* per query: P at the tail start s = N/2 */
    double *x, *xn, *sl;    /* x_t, x_{t+1}, sqrt(lambda) */
    lanes *block;
} plan;

static int same_steps(const slt_sgd_steps *a, const slt_sgd_steps *b)
{
    return a->algo == b->algo && a->delta == b->delta &&
           (a->algo != SLT_SGD_ACCEL || (a->alpha == b->alpha && a->beta == b->beta && a->gamma == b->gamma));
}

/* A group with these steps and a free lane, opened if none; its index. */
static size_t find_group(plan *p, const slt_sgd_steps *s)
{
    for (size_t g = 0; g < p->ngroups; g++)
        if (same_steps(&p->groups[g].s, s) && p->groups[g].nlanes < LANES)
            return g;
    group ng = {.s = *s};
    p->groups[p->ngroups] = ng;
    return p->ngroups++;
}

/* The run with these steps and role, added if new; its index. */
static long find_run(plan *p, const slt_sgd_steps *s, int noise, size_t from, size_t to)
{
    for (size_t r = 0; r < p->nruns; r++) {
        const run *R = &p->runs[r];
        if (same_steps(&p->groups[R->g].s, s) && R->noise == noise && (noise || (R->from == from && R->to == to)))
            return (long)r;
    }
    run nr = {noise, from, to, find_group(p, s), 0};
    group *G = &p->groups[nr.g];
    nr.lane = G->nlanes++;
    G->noise[nr.lane] = noise;
    p->runs[p->nruns] = nr;
    return (long)p->nruns++;
}

/* Coordinate i of array A (e, v or P of a group) in lane j. */
static double at(const lanes *A, size_t i, int j) { return A[i][j]; }

static void plan_start(plan *p, const double *lambda)
{
    size_t d = p->d;
    lanes *b = p->block;
    for (size_t g = 0; g < p->ngroups; g++, b += 4 * d) {
        group *G = &p->groups[g];
        G->e = b, G->v = b + d, G->u = b + 2 * d, G->P = b + 3 * d;
    }
    for (size_t r = 0; r < p->nruns; r++) {
        const run *R = &p->runs[r];
        group *G = &p->groups[R->g];
        for (size_t i = R->noise ? d : R->from - 1; i < R->to && i < d; i++)
            G->e[i][R->lane] = G->v[i][R->lane] = 1;
    }
    double *s = (double *)b;
    p->snapb = s, p->snapn = s + p->nq * d;
    s += 2 * p->nq * d;
    p->x = s, p->xn = s + d, p->sl = s + 2 * d;
    for (size_t i = 0; i < d; i++)
        p->sl[i] = sqrt(lambda[i]);
}

static int plan_alloc(plan *p, size_t d, double sigma2, const double *lambda, size_t nq, const slt_sgd_query *q)
{
    memset(p, 0, sizeof *p);
    p->d = d, p->nq = nq;
    p->runs = malloc(2 * nq * sizeof(run));
    p->groups = aligned_alloc(sizeof(lanes), 2 * nq * sizeof(group)); /* group holds a lanes */
    p->brun = malloc(2 * nq * sizeof(long));
    if (!p->runs || !p->groups || !p->brun)
        return 1;
    p->nrun = p->brun + nq;
    for (size_t k = 0; k < nq; k++) {
        size_t to = q[k].to < d ? q[k].to : d;
        int has_init = q[k].from >= 1 && q[k].from <= to;
        p->brun[k] = has_init ? find_run(p, &q[k].steps, 0, q[k].from, to) : -1;
        p->nrun[k] = sigma2 > 0 ? find_run(p, &q[k].steps, 1, 0, 0) : -1;
        for (int j = 0; j < 2; j++) {
            long r = j ? p->nrun[k] : p->brun[k];
            if (r >= 0 && q[k].avg != SLT_SGD_LAST)
                p->groups[p->runs[r].g].accumulate = 1;
        }
    }
    /* 4 d lanes per group; snapshots (2 nq d) and x, xn, sl (3 d) as doubles, in whole lanes */
    size_t nl = 4 * p->ngroups * d + (2 * nq * d + 3 * d + LANES - 1) / LANES, bytes = nl * sizeof(lanes);
    p->block = aligned_alloc(sizeof(lanes), bytes);
    if (!p->block)
        return 1;
    memset(p->block, 0, bytes);
    plan_start(p, lambda);
    return 0;
}

static void plan_free(plan *p)
{
    free(p->runs);
    free(p->groups);
    free(p->brun);
    free(p->block);
}

/* Per lane: -eps on the variance run's lane, 0 on the others (a select, not a product: +0, not -0). */
static inline __attribute__((always_inline)) void residual_start(const group *G, double eps, lanes *r)
{
    for (int j = 0; j < LANES; j++)
        (*r)[j] = G->noise[j] ? -eps : 0;
}

/* The residual of the first step: r_0 = <x_0, u_0> - eps_0 (u = e for SGD). */
SLT_CLONES static void first_residual(group *G, const double *x, double eps, size_t d)
{
    lanes r;
    residual_start(G, eps, &r);
    double al = G->s.alpha;
    for (size_t i = 0; i < d; i++) {
        G->u[i] = G->s.algo == SLT_SGD_ACCEL ? al * G->e[i] + (1 - al) * G->v[i] : G->e[i];
        r += x[i] * G->u[i];
    }
    G->r = r;
}

/* SGD step t on x (sgd.md 2: e -= delta r x), fused with the residual of step t + 1 on xn. */
static inline __attribute__((always_inline)) void sgd_body(group *G, const double *restrict x,
                                                          const double *restrict xn, double eps, size_t d,
                                                          const int accumulate)
{
    lanes rd = G->s.delta * G->r, r, *restrict e = G->e, *restrict P = G->P;
    residual_start(G, eps, &r);
    for (size_t i = 0; i < d; i++) {
        if (accumulate)
            P[i] += e[i];
        e[i] -= rd * x[i];
        r += xn[i] * e[i];
    }
    G->r = r;
}

/* ASGD step t on x (sgd.md 2: u = alpha e + (1 - alpha) v, e = u - delta r x,
 * v = beta u + (1 - beta) v - gamma r x), fused with the residual of step t + 1 on xn. */
static inline __attribute__((always_inline)) void asgd_body(group *G, const double *restrict x,
                                                           const double *restrict xn, double eps, size_t d,
                                                           const int accumulate)
{
    double al = G->s.alpha, be = G->s.beta;
    lanes rd = G->s.delta * G->r, rg = G->s.gamma * G->r, r;
    residual_start(G, eps, &r);
    lanes *restrict e = G->e, *restrict v = G->v, *restrict u = G->u, *restrict P = G->P;
    for (size_t i = 0; i < d; i++) {
        if (accumulate)
            P[i] += e[i];
        e[i] = u[i] - rd * x[i];
        v[i] = be * u[i] + (1 - be) * v[i] - rg * x[i];
        u[i] = al * e[i] + (1 - al) * v[i];
        r += xn[i] * u[i];
    }
    G->r = r;
}

SLT_CLONES static void pass(group *G, const double *x, const double *xn, double eps, size_t d)
{
    if (G->s.algo != SLT_SGD_ACCEL) {
        if (G->accumulate)
            sgd_body(G, x, xn, eps, d, 1);
        else
            sgd_body(G, x, xn, eps, d, 0);
    } else if (G->accumulate) {
        asgd_body(G, x, xn, eps, d, 1);
    } else {
        asgd_body(G, x, xn, eps, d, 0);
    }
}

/* Output coordinate i of a run's lane for query q (snap: P at the tail start). */
static double output(const plan *p, const run *R, const slt_sgd_query *q, const double *snap, size_t i)
{
    const group *G = &p->groups[R->g];
    if (q->avg == SLT_SGD_LAST)
        return at(G->e, i, R->lane);
    if (q->avg == SLT_SGD_UNIFORM)
        return at(G->P, i, R->lane) / (double)q->N;
    return (at(G->P, i, R->lane) - snap[i]) / (double)(q->N - q->N / 2);
}

static void readout(const plan *p, const double *lambda, size_t k, const slt_sgd_query *q, double *risk, double *bias,
                    double *var)
{
    const run *B = p->brun[k] >= 0 ? &p->runs[p->brun[k]] : NULL, *V = p->nrun[k] >= 0 ? &p->runs[p->nrun[k]] : NULL;
    double sr = 0, sb = 0, sv = 0;
    for (size_t i = 0; i < p->d; i++) {
        double ob = B ? output(p, B, q, p->snapb + k * p->d, i) : 0,
               ov = V ? output(p, V, q, p->snapn + k * p->d, i) : 0;
        sr += lambda[i] * (ob + ov) * (ob + ov);
        sb += lambda[i] * ob * ob;
        sv += lambda[i] * ov * ov;
    }
    risk[k] = 0.5 * sr, bias[k] = 0.5 * sb, var[k] = 0.5 * sv;
}

/* P of run r (if any) into snap. */
static void snapshot(const plan *p, long r, double *snap)
{
    if (r < 0)
        return;
    const run *R = &p->runs[r];
    for (size_t i = 0; i < p->d; i++)
        snap[i] = at(p->groups[R->g].P, i, R->lane);
}

/* At time t: snapshots of the tail starts and readouts of the checkpoints N = t. */
static void events(plan *p, const double *lambda, long t, size_t nq, const slt_sgd_query *q, double *risk,
                   double *bias, double *var)
{
    for (size_t k = 0; k < nq; k++) {
        if (q[k].avg == SLT_SGD_TAIL && q[k].N / 2 == t) {
            snapshot(p, p->brun[k], p->snapb + k * p->d);
            snapshot(p, p->nrun[k], p->snapn + k * p->d);
        }
        if (q[k].N == t)
            readout(p, lambda, k, &q[k], risk, bias, var);
    }
}

/* x = sqrt(lambda) o z with z ~ N(0, I_d), then eps = sigma xi: the order of sgd_sim.h. */
static double draw(const plan *p, gsl_rng *rng, double sigma, double *restrict x)
{
    const double *restrict sl = p->sl;
    slt_rng_normals(rng, x, p->d, 1.0);
#pragma omp simd
    for (size_t i = 0; i < p->d; i++)
        x[i] *= sl[i];
    return sigma * slt_rng_normal(rng);
}

int slt_sgd_sim(size_t d, const double *lambda, double sigma2, size_t nq, const slt_sgd_query *q, gsl_rng *rng,
                double *risk, double *bias, double *var, char *err)
{
    plan p;
    if (plan_alloc(&p, d, sigma2, lambda, nq, q)) {
        plan_free(&p);
        snprintf(err, 256, "out of memory for the SGD simulation at d = %zu", d);
        return 1;
    }
    long nmax = 0;
    for (size_t k = 0; k < nq; k++)
        nmax = q[k].N > nmax ? q[k].N : nmax;
    double sigma = sqrt(sigma2), eps = 0;
    if (nmax > 0) {
        eps = draw(&p, rng, sigma, p.x);
        for (size_t g = 0; g < p.ngroups; g++)
            first_residual(&p.groups[g], p.x, eps, d);
    }
    for (long t = 0;; t++) {
        events(&p, lambda, t, nq, q, risk, bias, var);
        if (t == nmax)
            break;
        if (t + 1 < nmax)
            eps = draw(&p, rng, sigma, p.xn);
        else /* the last step: no next residual */
            memset(p.xn, 0, d * sizeof(double)), eps = 0;
        for (size_t g = 0; g < p.ngroups; g++)
            pass(&p.groups[g], p.x, p.xn, eps, d);
        double *x = p.x;
        p.x = p.xn, p.xn = x;
    }
    plan_free(&p);
    return 0;
}

double slt_sgd_sim_bytes(size_t d, size_t nq)
{
    /* at most 2 nq groups (one per run) of 4 d lanes, snapshots 2 nq d, x, xn, sl */
    return 8.0 * (double)d * (4.0 * LANES * 2 * (double)nq + 2.0 * (double)nq + 3) + 2 * sizeof(lanes);
}
