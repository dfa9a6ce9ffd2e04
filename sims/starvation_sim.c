/* starvation_sim.c: the gradient-starvation toy trained literally on theta (Pezeshki et al. 2021;
 * starvation.md 3, 5, 8): a random orthogonal V per trial must drop out of z = S V' theta. */
#include "starvation_sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_randist.h>

#include "engine/slt.h"

/* The problem of one trial: Phi (2 x d, row-major), labels y, the toy's U. */
typedef struct {
    const slt_starv_toy *m;
    long d;
    double *Phi, y[2], U[4];
} problem;

double slt_starv_curvature(const slt_starv_toy *m)
{
    double s = fmax(m->s[0], m->s[1]), s2 = s * s;
    if (m->reg == SLT_STARV_WD)
        return s2 / 4 + m->lambda;
    return m->reg == SLT_STARV_SD ? s2 * (0.25 + m->lambda) : s2;
}

/* V: two Gaussian d-vectors orthonormalised (Gram-Schmidt), Haar on the Stiefel manifold;
 * Phi = Y U S V'. */
static int draw_phi(problem *p, gsl_rng *rng)
{
    long d = p->d;
    double *v = malloc(2 * d * sizeof(double)), n0 = 0, dot = 0, n1 = 0;
    if (!v)
        return 1;
    for (long i = 0; i < 2 * d; i++)
        v[i] = gsl_ran_gaussian_ziggurat(rng, 1.0);
    double *a = v, *b = v + d;
    for (long i = 0; i < d; i++)
        n0 += a[i] * a[i];
    for (long i = 0; i < d; i++) {
        a[i] /= sqrt(n0);
        dot += a[i] * b[i];
    }
    for (long i = 0; i < d; i++) {
        b[i] -= dot * a[i];
        n1 += b[i] * b[i];
    }
    for (long i = 0; i < d; i++)
        b[i] /= sqrt(n1);
    for (int r = 0; r < 2; r++)
        for (long i = 0; i < d; i++)
            p->Phi[r * d + i] = p->y[r] * (p->U[2 * r] * p->m->s[0] * v[i] + p->U[2 * r + 1] * p->m->s[1] * v[d + i]);
    free(v);
    return 0;
}

/* grad L(theta) of starvation.md 8: WD -Phi'(y o sigma(-y o Phi theta)) + lambda theta;
 * SD the same + lambda Phi'Phi theta; MSE Phi'(Phi theta - y). */
static void gradient(const problem *p, const double *th, double *g)
{
    const slt_starv_toy *m = p->m;
    double yh[2] = {0, 0}, r[2];
    for (int i = 0; i < 2; i++)
        for (long j = 0; j < p->d; j++)
            yh[i] += p->Phi[i * p->d + j] * th[j];
    for (int i = 0; i < 2; i++) {
        if (m->reg == SLT_STARV_MSE)
            r[i] = yh[i] - p->y[i];
        else
            r[i] = -p->y[i] * slt_starv_sigm(p->y[i] * yh[i]) + (m->reg == SLT_STARV_SD ? m->lambda * yh[i] : 0);
    }
    for (long j = 0; j < p->d; j++)
        g[j] = p->Phi[j] * r[0] + p->Phi[p->d + j] * r[1] + (m->reg == SLT_STARV_WD ? m->lambda * th[j] : 0);
}

/* z = U' (y o Phi theta) */
static void responses(const problem *p, const double *th, double *z)
{
    double mg[2] = {0, 0};
    for (int i = 0; i < 2; i++) {
        for (long j = 0; j < p->d; j++)
            mg[i] += p->Phi[i * p->d + j] * th[j];
        mg[i] *= p->y[i];
    }
    z[0] = p->U[0] * mg[0] + p->U[2] * mg[1];
    z[1] = p->U[1] * mg[0] + p->U[3] * mg[1];
}

static int cmp_time(const void *a, const void *b)
{
    double x = **(const double *const *)a, y = **(const double *const *)b;
    return (x > y) - (x < y);
}

/* The record order: pointers into t, sorted by time. */
static const double **sorted_times(size_t nt, const double *t)
{
    const double **o = malloc(nt * sizeof *o);
    for (size_t i = 0; o && i < nt; i++)
        o[i] = &t[i];
    if (o)
        qsort(o, nt, sizeof *o, cmp_time);
    return o;
}

/* GD: record before the update of step k = round(t/eta). */
static int run_gd(const problem *p, double eta, size_t nt, const double *t, const double **o, double *z)
{
    long d = p->d, step = 0;
    double *th = calloc(2 * d, sizeof(double)), *g = th + d;
    if (!th)
        return 1;
    for (size_t r = 0; r < nt; r++) {
        long k = lround(*o[r] / eta);
        for (; step < k; step++) {
            gradient(p, th, g);
            for (long j = 0; j < d; j++)
                th[j] -= eta * g[j];
        }
        responses(p, th, &z[2 * (o[r] - t)]);
    }
    free(th);
    return 0;
}

static int flow_rhs(double t, const double y[], double f[], void *pp)
{
    const problem *p = pp;
    (void)t;
    gradient(p, y, f);
    for (long j = 0; j < p->d; j++)
        f[j] = -f[j];
    return GSL_SUCCESS;
}

/* Flow on theta, the same integrator and tolerance as the z-space theory (theory/starvation.c),
 * but in d dimensions through Phi: agreement tests the reduction, not the integrator. */
static int run_flow(const problem *p, size_t nt, const double *t, const double **o, double *z)
{
    gsl_odeiv2_system sys = {flow_rhs, NULL, (size_t)p->d, (void *)p};
    gsl_odeiv2_driver *dr = gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-3, 1e-12, 1e-10);
    double *th = calloc(p->d, sizeof(double)), now = 0;
    int st = dr && th ? GSL_SUCCESS : GSL_ENOMEM;
    if (dr)
        gsl_odeiv2_driver_set_nmax(dr, 0);
    for (size_t r = 0; r < nt && st == GSL_SUCCESS; r++) {
        if (*o[r] > now)
            st = gsl_odeiv2_driver_apply(dr, &now, *o[r], th);
        responses(p, th, &z[2 * (o[r] - t)]);
    }
    gsl_odeiv2_driver_free(dr);
    free(th);
    return st != GSL_SUCCESS;
}

/* theta of the dual variables (starvation.md 5): WD theta = C (Y Phi)' alpha; SD theta =
 * C (Y Phi)' K^{-1} alpha, the minimum-norm theta with S V' theta = C U' alpha. */
static void dual_theta(const problem *p, const double K[4], const double *al, double *th)
{
    double C = 1 / p->m->lambda, b[2] = {al[0], al[1]};
    if (p->m->reg == SLT_STARV_SD) {
        double det = K[0] * K[3] - K[1] * K[2];
        b[0] = (K[3] * al[0] - K[1] * al[1]) / det;
        b[1] = (K[0] * al[1] - K[2] * al[0]) / det;
    }
    for (long j = 0; j < p->d; j++)
        th[j] = C * (p->y[0] * p->Phi[j] * b[0] + p->y[1] * p->Phi[p->d + j] * b[1]);
}

/* Dual iteration from alpha = 1e-8; clipped into [1e-12, 1 - 1e-12] (the log term is then finite
 * and pushes alpha back inside at the next step: the clip only guards the first steps). */
static int run_dual(const problem *p, double eta, double eta_dual, size_t nt, const double *t, const double **o,
                    double *z)
{
    double K[4] = {0, 0, 0, 0}, Kd[4], C = 1 / p->m->lambda, al[2] = {1e-8, 1e-8}, *th;
    long d = p->d, step = 0;
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++)
            for (long j = 0; j < d; j++)
                K[2 * a + b] += p->y[a] * p->y[b] * p->Phi[a * d + j] * p->Phi[b * d + j];
    for (int i = 0; i < 4; i++) /* SD: the dual of the penalty on logits has K = I (starvation.md 5) */
        Kd[i] = p->m->reg == SLT_STARV_SD ? (i == 0 || i == 3) : K[i];
    if (!(th = malloc(d * sizeof(double))))
        return 1;
    for (size_t r = 0; r < nt; r++) {
        long k = lround(*o[r] / eta);
        for (; step < k; step++) {
            double g0 = C * (Kd[0] * al[0] + Kd[1] * al[1]) + log(al[0] / (1 - al[0]));
            double g1 = C * (Kd[2] * al[0] + Kd[3] * al[1]) + log(al[1] / (1 - al[1]));
            al[0] = fmin(fmax(al[0] - eta_dual * g0, 1e-12), 1 - 1e-12);
            al[1] = fmin(fmax(al[1] - eta_dual * g1, 1e-12), 1 - 1e-12);
        }
        dual_theta(p, K, al, th);
        responses(p, th, &z[2 * (o[r] - t)]);
    }
    free(th);
    return 0;
}

int slt_starv_sim(const slt_starv_toy *m, int method, double eta, double eta_dual, long d, size_t nt,
                  const double *t, gsl_rng *rng, double *z, char *err)
{
    problem p = {m, d, malloc(2 * d * sizeof(double)), {1, 1}, {0}};
    const double **o = sorted_times(nt, t);
    int rc;
    if (method == SLT_STARV_DUAL && m->reg == SLT_STARV_MSE) {
        snprintf(err, SLT_ERRLEN, "the dual iteration is defined for the logistic loss only (reg=wd or sd)");
        free(p.Phi);
        free(o);
        return 1;
    }
    slt_starv_U(m->delta, p.U);
    if (!p.Phi || !o || draw_phi(&p, rng)) {
        snprintf(err, SLT_ERRLEN, "out of memory");
        free(p.Phi);
        free(o);
        return 1;
    }
    if (method == SLT_STARV_GD)
        rc = run_gd(&p, eta, nt, t, o, z);
    else if (method == SLT_STARV_FLOW)
        rc = run_flow(&p, nt, t, o, z);
    else
        rc = run_dual(&p, eta, eta_dual, nt, t, o, z);
    if (rc)
        snprintf(err, SLT_ERRLEN, "%s", method == SLT_STARV_FLOW ? "gradient flow on theta (odeiv2 rk8pd) failed"
                                                           : "out of memory");
    free(p.Phi);
    free(o);
    return rc;
}
