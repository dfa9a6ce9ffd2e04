/* sgd_sim.c: one Monte Carlo trial of SGD / ASGD on fresh Gaussian samples (sgd.md 2, 8). The
 * error w - w* obeys a recursion that is linear in (initial error, noise) given the samples, so
 * each query's error is the sum of a bias run and a variance run on the same x_t: the exact
 * bias/variance split of sgd.md 3, per trial, with no cross term lost. */
#include "sims/sgd_sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/rng.h"

typedef struct {
    slt_sgd_steps s;
    int noise;          /* the variance run: w_0 = w*, eps on */
    size_t from, to;    /* the bias run: error 1 on from..to */
    double *e, *v, *P;  /* w - w*, v - w* (ASGD), sum of w_r - w* over r < t */
} run;

typedef struct {
    size_t nruns, d;
    run *runs;
    long *brun, *nrun;      /* per query: its bias run and variance run, -1 if none */
    double *snapb, *snapn;  /* per query: P at the tail start s = N/2 */
    double *block, *z, *u, *sl;
} plan;

static int same_steps(const slt_sgd_steps *a, const slt_sgd_steps *b)
{
    return a->algo == b->algo && a->delta == b->delta &&
           (a->algo != SLT_SGD_ACCEL || (a->alpha == b->alpha && a->beta == b->beta && a->gamma == b->gamma));
}

/* The run with these steps and role, added if new; its index. */
static long find_run(plan *p, const slt_sgd_steps *s, int noise, size_t from, size_t to)
{
    for (size_t r = 0; r < p->nruns; r++)
        if (same_steps(&p->runs[r].s, s) && p->runs[r].noise == noise && (noise || (p->runs[r].from == from &&
                                                                                       p->runs[r].to == to)))
            return (long)r;
    run nr = {*s, noise, from, to, NULL, NULL, NULL};
    p->runs[p->nruns] = nr;
    return (long)p->nruns++;
}

static int plan_alloc(plan *p, size_t d, double sigma2, const double *lambda, size_t nq, const slt_sgd_query *q)
{
    memset(p, 0, sizeof *p);
    p->d = d;
    p->runs = malloc(2 * nq * sizeof(run));
    p->brun = malloc(2 * nq * sizeof(long));
    if (!p->runs || !p->brun)
        return 1;
    p->nrun = p->brun + nq;
    for (size_t k = 0; k < nq; k++) {
        size_t to = q[k].to < d ? q[k].to : d;
        int has_init = q[k].from >= 1 && q[k].from <= to;
        p->brun[k] = has_init ? find_run(p, &q[k].steps, 0, q[k].from, to) : -1;
        p->nrun[k] = sigma2 > 0 ? find_run(p, &q[k].steps, 1, 0, 0) : -1;
    }
    p->block = calloc((3 * p->nruns + 2 * nq + 3) * d + 1, sizeof(double));
    if (!p->block)
        return 1;
    double *b = p->block;
    for (size_t r = 0; r < p->nruns; r++, b += 3 * d) {
        run *R = &p->runs[r];
        R->e = b, R->v = b + d, R->P = b + 2 * d;
        for (size_t i = R->noise ? d : R->from - 1; i < R->to && i < d; i++)
            R->e[i] = R->v[i] = 1;
    }
    p->snapb = b, p->snapn = b + nq * d, b += 2 * nq * d;
    p->z = b, p->u = b + d, p->sl = b + 2 * d;
    for (size_t i = 0; i < d; i++)
        p->sl[i] = sqrt(lambda[i]);
    return 0;
}

static void plan_free(plan *p)
{
    free(p->runs);
    free(p->brun);
    free(p->block);
}

/* One step on the shared sample x (in z), residual noise eps: sgd.md 2. */
static void step(run *R, const double *x, double eps, size_t d, double *u, int accumulate)
{
    const slt_sgd_steps *s = &R->s;
    double r = R->noise ? -eps : 0;
    if (accumulate)
        for (size_t i = 0; i < d; i++)
            R->P[i] += R->e[i];
    if (s->algo != SLT_SGD_ACCEL) {
        for (size_t i = 0; i < d; i++)
            r += x[i] * R->e[i];
        for (size_t i = 0; i < d; i++)
            R->e[i] -= s->delta * r * x[i];
        return;
    }
    double al = s->alpha, be = s->beta;
    for (size_t i = 0; i < d; i++) {
        u[i] = al * R->e[i] + (1 - al) * R->v[i];
        r += x[i] * u[i];
    }
    double rd = s->delta * r, rg = s->gamma * r;
    for (size_t i = 0; i < d; i++) {
        R->e[i] = u[i] - rd * x[i];
        R->v[i] = be * u[i] + (1 - be) * R->v[i] - rg * x[i];
    }
}

/* Output coordinate i of run R for query q (snap: P at the tail start). */
static double output(const run *R, const slt_sgd_query *q, const double *snap, size_t i)
{
    if (q->avg == SLT_SGD_LAST)
        return R->e[i];
    if (q->avg == SLT_SGD_UNIFORM)
        return R->P[i] / (double)q->N;
    return (R->P[i] - snap[i]) / (double)(q->N - q->N / 2);
}

static void readout(const plan *p, const double *lambda, size_t k, const slt_sgd_query *q, double *risk, double *bias,
                    double *var)
{
    const run *B = p->brun[k] >= 0 ? &p->runs[p->brun[k]] : NULL, *V = p->nrun[k] >= 0 ? &p->runs[p->nrun[k]] : NULL;
    double sr = 0, sb = 0, sv = 0;
    for (size_t i = 0; i < p->d; i++) {
        double ob = B ? output(B, q, p->snapb + k * p->d, i) : 0, ov = V ? output(V, q, p->snapn + k * p->d, i) : 0;
        sr += lambda[i] * (ob + ov) * (ob + ov);
        sb += lambda[i] * ob * ob;
        sv += lambda[i] * ov * ov;
    }
    risk[k] = 0.5 * sr, bias[k] = 0.5 * sb, var[k] = 0.5 * sv;
}

/* At time t: snapshots of the tail starts and readouts of the checkpoints N = t. */
static void events(plan *p, const double *lambda, long t, size_t nq, const slt_sgd_query *q, double *risk,
                   double *bias, double *var)
{
    for (size_t k = 0; k < nq; k++) {
        if (q[k].avg == SLT_SGD_TAIL && q[k].N / 2 == t) {
            if (p->brun[k] >= 0)
                memcpy(p->snapb + k * p->d, p->runs[p->brun[k]].P, p->d * sizeof(double));
            if (p->nrun[k] >= 0)
                memcpy(p->snapn + k * p->d, p->runs[p->nrun[k]].P, p->d * sizeof(double));
        }
        if (q[k].N == t)
            readout(p, lambda, k, &q[k], risk, bias, var);
    }
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
    int averaged = 0;
    for (size_t k = 0; k < nq; k++) {
        nmax = q[k].N > nmax ? q[k].N : nmax;
        averaged |= q[k].avg != SLT_SGD_LAST;
    }
    double sigma = sqrt(sigma2);
    for (long t = 0;; t++) {
        events(&p, lambda, t, nq, q, risk, bias, var);
        if (t == nmax)
            break;
        slt_rng_normals(rng, p.z, d, 1.0);
        for (size_t i = 0; i < d; i++)
            p.z[i] *= p.sl[i];
        double eps = sigma * slt_rng_normal(rng);
        for (size_t r = 0; r < p.nruns; r++)
            step(&p.runs[r], p.z, eps, d, p.u, averaged);
    }
    plan_free(&p);
    return 0;
}

double slt_sgd_sim_bytes(size_t d, size_t nq)
{
    return 8.0 * (double)d * (3.0 * 2 * (double)nq + 2.0 * (double)nq + 3);
}
