/* tilting_sim.c: boundary-tilting Monte Carlo (extras.md 2; Tanay & Griffin, arXiv:1608.07690):
 * data x = y mu e1 + diag(s) xi, linear learners along a lambda path, the identity's two sides,
 * training, test and population error and mean distance to the boundary. */
#define _GNU_SOURCE
#include "sims/tilting_sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>
#include <lapacke.h>

#include "engine/rng.h"
#include "engine/slt.h"
#include "theory/tilting.h"

const char *const slt_tilt_learners[] = {"logreg", "ridge", "ncc", NULL};

#define NEWTON_MAXIT 500
/* Newton decrement g'H^-1 g at which the fit counts as converged. Its own rounding floor is
 * ~1e-17 (the gradient sums n terms of O(1)), so a smaller threshold can stall. At 1e-12 the
 * step is 1e-6 in the H-norm; the full step then taken leaves O(1e-12) (quadratic convergence),
 * far below the 1e-9 relative the worked values need. */
#define NEWTON_TOL 1e-12

void slt_tilt_scales(const slt_tilt_design *ds, double *sd)
{
    for (long l = 0; l < ds->d; l++)
        sd[l] = l < ds->m ? 1 : ds->s_low;
}

/* n_per rows of class -1, then n_per of class +1 */
static void draw(const slt_tilt_design *ds, const double *sd, long n_per, gsl_rng *rng, double *X, double *y)
{
    size_t d = (size_t)ds->d;
    for (long k = 0; k < 2 * n_per; k++) {
        y[k] = k < n_per ? -1 : 1;
        slt_rng_normals(rng, &X[k * d], d, 1);
        for (size_t l = 0; l < d; l++)
            X[k * d + l] *= sd[l];
        X[k * d] += y[k] * ds->mu;
    }
}

static void fit_ncc(const double *X, const double *y, size_t n, size_t d, double *w, double *b)
{
    double np = 0, nm = 0, *c = calloc(d, sizeof(double)); /* c = i + j, w = j - i */
    for (size_t k = 0; k < n; k++)
        y[k] > 0 ? np++ : nm++;
    memset(w, 0, d * sizeof(double));
    for (size_t k = 0; k < n; k++)
        for (size_t l = 0; l < d; l++) {
            double v = X[k * d + l] / (y[k] > 0 ? np : nm);
            w[l] += y[k] * v;
            c[l] += v;
        }
    *b = -0.5 * cblas_ddot((int)d, w, 1, c, 1);
    free(c);
}

/* Ridge with unpenalised intercept: centre, then w = (Xc'Xc + n lam I)^-1 Xc'yc through the
 * eigendecomposition of the smaller Gram (Xc Xc' if n <= d), one for every lambda. */
static int fit_ridge(const double *X, const double *y, size_t n, size_t d, size_t nlam, const double *lam,
                     double *W, double *B, char *err)
{
    int dual = n <= d;
    size_t m = dual ? n : d;
    double *Xc = malloc(n * d * sizeof(double)), *G = malloc(m * m * sizeof(double)), *ev = malloc(m * sizeof(double)),
           *xbar = calloc(d, sizeof(double)), *r = malloc(m * sizeof(double)), *c = malloc(m * sizeof(double)),
           *a = malloc(m * sizeof(double)), *yc = malloc(n * sizeof(double));
    int rc = !Xc || !G || !ev || !xbar || !r || !c || !a || !yc;
    double ybar = 0;
    for (size_t k = 0; !rc && k < n; k++) {
        ybar += y[k] / (double)n;
        for (size_t l = 0; l < d; l++)
            xbar[l] += X[k * d + l] / (double)n;
    }
    for (size_t k = 0; !rc && k < n; k++) {
        yc[k] = y[k] - ybar;
        for (size_t l = 0; l < d; l++)
            Xc[k * d + l] = X[k * d + l] - xbar[l];
    }
    if (!rc) {
        cblas_dsyrk(CblasRowMajor, CblasUpper, dual ? CblasNoTrans : CblasTrans, (int)m, dual ? (int)d : (int)n, 1, Xc,
                    (int)d, 0, G, (int)m);
        if (dual)
            memcpy(r, yc, n * sizeof(double));
        else
            cblas_dgemv(CblasRowMajor, CblasTrans, (int)n, (int)d, 1, Xc, (int)d, yc, 1, 0, r, 1);
        rc = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', (int)m, G, (int)m, ev) != 0;
    }
    if (!rc)
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)m, (int)m, 1, G, (int)m, r, 1, 0, c, 1);
    for (size_t q = 0; !rc && q < nlam; q++) {
        for (size_t i = 0; i < m; i++)
            r[i] = c[i] / (fmax(ev[i], 0) + (double)n * lam[q]);
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)m, (int)m, 1, G, (int)m, r, 1, 0, a, 1);
        if (dual)
            cblas_dgemv(CblasRowMajor, CblasTrans, (int)n, (int)d, 1, Xc, (int)d, a, 1, 0, &W[q * d], 1);
        else
            memcpy(&W[q * d], a, d * sizeof(double));
        B[q] = ybar - cblas_ddot((int)d, xbar, 1, &W[q * d], 1);
    }
    if (rc)
        snprintf(err, SLT_ERRLEN, "ridge: out of memory or LAPACKE dsyevd failed (n = %zu, d = %zu)", n, d);
    free(Xc), free(G), free(ev), free(xbar), free(r), free(c), free(a), free(yc);
    return rc;
}

/* log(1 + e^t) without overflow */
static double softplus(double t) { return t > 0 ? t + log1p(exp(-t)) : log1p(exp(t)); }

typedef struct {
    size_t n, q;         /* samples, unknowns d + 1 (the last one is b) */
    const double *A;     /* n x q: rows (x_k, 1) */
    const double *y;
    double *s, *Bm, *H, *g, *step, *trial;
} logreg_ws;

static double objective(logreg_ws *ws, const double *v, double lam)
{
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)ws->n, (int)ws->q, 1, ws->A, (int)ws->q, v, 1, 0, ws->s, 1);
    double f = 0;
    for (size_t k = 0; k < ws->n; k++)
        f += softplus(-ws->y[k] * ws->s[k]);
    double w2 = cblas_ddot((int)ws->q - 1, v, 1, v, 1);
    return f / (double)ws->n + lam * w2;
}

/* Gradient and Hessian at v (ws->s must hold A v); H = (1/n) A' diag(p(1-p)) A + 2 lam I_w. */
static void derivatives(logreg_ws *ws, const double *v, double lam)
{
    size_t n = ws->n, q = ws->q;
    memset(ws->g, 0, q * sizeof(double));
    for (size_t k = 0; k < n; k++) {
        double z = ws->y[k] * ws->s[k], sm = 1 / (1 + exp(z)), sp = 1 - sm; /* sigma(-z), sigma(z) */
        cblas_daxpy((int)q, -ws->y[k] * sm / (double)n, &ws->A[k * q], 1, ws->g, 1);
        double sc = sqrt(sm * sp / (double)n);
        for (size_t l = 0; l < q; l++)
            ws->Bm[k * q + l] = sc * ws->A[k * q + l];
    }
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)q, (int)n, 1, ws->Bm, (int)q, 0, ws->H, (int)q);
    for (size_t l = 0; l + 1 < q; l++) {
        ws->g[l] += 2 * lam * v[l];
        ws->H[l * q + l] += 2 * lam;
    }
}

/* Damped Newton from v (the warm start) at one lambda: Armijo backtracking; stops at a Newton
 * decrement below NEWTON_TOL or when rounding stops the decrease. 0, or 1 (no convergence). */
static int newton(logreg_ws *ws, double *v, double lam)
{
    size_t q = ws->q;
    double f = objective(ws, v, lam);
    for (int it = 0; it < NEWTON_MAXIT; it++) {
        derivatives(ws, v, lam);
        for (size_t l = 0; l < q; l++)
            ws->step[l] = -ws->g[l];
        if (LAPACKE_dposv(LAPACK_ROW_MAJOR, 'U', (int)q, 1, ws->H, (int)q, ws->step, 1))
            return 1;
        double dec = -cblas_ddot((int)q, ws->g, 1, ws->step, 1);
        if (dec < NEWTON_TOL) {
            cblas_daxpy((int)q, 1, ws->step, 1, v, 1); /* the last full step: quadratic convergence */
            return 0;
        }
        double t = 1, ft = 0;
        for (int h = 0; h < 60; h++, t *= 0.5) {
            for (size_t l = 0; l < q; l++)
                ws->trial[l] = v[l] + t * ws->step[l];
            ft = objective(ws, ws->trial, lam);
            if (ft <= f - 0.25 * t * dec)
                break;
        }
        if (!(ft <= f - 0.25 * t * dec) || t < 0x1p-30)
            return dec < 1e-10 ? 0 : 1; /* rounding-limited: accept when already tiny */
        memcpy(v, ws->trial, q * sizeof(double));
        f = ft;
    }
    return 1;
}

static int cmp_desc(const void *a, const void *b, void *lam)
{
    double x = ((const double *)lam)[*(const size_t *)a], y = ((const double *)lam)[*(const size_t *)b];
    return (x < y) - (x > y);
}

static int fit_logreg(const double *X, const double *y, size_t n, size_t d, size_t nlam, const double *lam,
                      double *W, double *B, char *err)
{
    size_t q = d + 1;
    logreg_ws ws = {n, q, NULL, y, malloc(n * sizeof(double)), malloc(n * q * sizeof(double)),
                    malloc(q * q * sizeof(double)), malloc(q * sizeof(double)), malloc(q * sizeof(double)),
                    malloc(q * sizeof(double))};
    double *A = malloc(n * q * sizeof(double)), *v = calloc(q, sizeof(double));
    size_t *ord = malloc(nlam * sizeof(size_t));
    int rc = !ws.s || !ws.Bm || !ws.H || !ws.g || !ws.step || !ws.trial || !A || !v || !ord;
    if (rc)
        snprintf(err, SLT_ERRLEN, "logreg: out of memory (d = %zu, n = %zu)", d, n);
    for (size_t k = 0; !rc && k < n; k++) {
        memcpy(&A[k * q], &X[k * d], d * sizeof(double));
        A[k * q + d] = 1;
    }
    ws.A = A;
    for (size_t i = 0; !rc && i < nlam; i++)
        ord[i] = i;
    if (!rc)
        qsort_r(ord, nlam, sizeof(size_t), cmp_desc, (void *)lam);
    for (size_t i = 0; !rc && i < nlam; i++) {
        size_t j = ord[i];
        if ((rc = newton(&ws, v, lam[j])))
            snprintf(err, SLT_ERRLEN, "logreg: Newton did not converge at lambda = %g (d = %zu, n = %zu)", lam[j], d, n);
        memcpy(&W[j * d], v, d * sizeof(double));
        B[j] = v[d];
    }
    free(ws.s), free(ws.Bm), free(ws.H), free(ws.g), free(ws.step), free(ws.trial), free(A), free(v), free(ord);
    return rc;
}

int slt_tilt_fit(int learner, const double *X, const double *y, size_t n, size_t d, size_t nlam,
                 const double *lam, double *W, double *B, char *err)
{
    if (learner == SLT_TILT_RIDGE)
        return fit_ridge(X, y, n, d, nlam, lam, W, B, err);
    if (learner == SLT_TILT_LOGREG)
        return fit_logreg(X, y, n, d, nlam, lam, W, B, err);
    for (size_t q = 0; q < nlam; q++)
        fit_ncc(X, y, n, d, &W[q * d], &B[q]);
    return 0;
}

#define TEST_BLOCK 256

/* Test error and mean |d| of every fit on n_test fresh points per class, drawn in blocks (class
 * -1 then +1) and scored against all fits at once: S = Xblk W' + B. */
static int test_eval(const slt_tilt_design *ds, const double *sd, size_t nlam, const double *W, const double *B,
                     const double *nw, gsl_rng *rng, double *terr, double *tabs)
{
    size_t d = (size_t)ds->d, ntot = 2 * (size_t)ds->n_test;
    double *X = malloc(TEST_BLOCK * d * sizeof(double)), *y = malloc(TEST_BLOCK * sizeof(double)),
           *S = malloc(TEST_BLOCK * nlam * sizeof(double));
    if (!X || !y || !S) {
        free(X), free(y), free(S);
        return 1;
    }
    memset(terr, 0, nlam * sizeof(double));
    memset(tabs, 0, nlam * sizeof(double));
    for (size_t k0 = 0; k0 < ntot; k0 += TEST_BLOCK) {
        size_t rows = ntot - k0 < TEST_BLOCK ? ntot - k0 : TEST_BLOCK;
        for (size_t r = 0; r < rows; r++) {
            y[r] = k0 + r < (size_t)ds->n_test ? -1 : 1;
            slt_rng_normals(rng, &X[r * d], d, 1);
            for (size_t l = 0; l < d; l++)
                X[r * d + l] *= sd[l];
            X[r * d] += y[r] * ds->mu;
        }
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)nlam, (int)d, 1, X, (int)d, W, (int)d, 0,
                    S, (int)nlam);
        for (size_t r = 0; r < rows; r++)
            for (size_t q = 0; q < nlam; q++) {
                double s = S[r * nlam + q] + B[q];
                terr[q] += y[r] * s <= 0;
                tabs[q] += fabs(s) / nw[q];
            }
    }
    for (size_t q = 0; q < nlam; q++) {
        terr[q] /= (double)ntot;
        tabs[q] /= (double)ntot;
    }
    free(X), free(y), free(S);
    return 0;
}

double slt_tilt_sim_bytes(const slt_tilt_design *ds, size_t nlam)
{
    double d = (double)ds->d, n = 2.0 * (double)ds->n_per, q = d + 1;
    return 8 * (2 * n * q + q * q + 4 * q + nlam * (d + 4) + TEST_BLOCK * (d + nlam + 1) + n * d + 3 * d);
}

int slt_tilt_sim(const slt_tilt_design *ds, size_t nlam, const double *lam, gsl_rng *rng, double *out, char *err)
{
    size_t d = (size_t)ds->d, n = 2 * (size_t)ds->n_per;
    double *sd = malloc(d * sizeof(double)), *X = malloc(n * d * sizeof(double)), *y = malloc(n * sizeof(double)),
           *W = malloc(nlam * d * sizeof(double)), *B = malloc(nlam * sizeof(double)),
           *nw = malloc(nlam * sizeof(double)), *terr = malloc(nlam * sizeof(double)),
           *tabs = malloc(nlam * sizeof(double));
    int rc = !sd || !X || !y || !W || !B || !nw || !terr || !tabs;
    if (rc)
        snprintf(err, SLT_ERRLEN, "out of memory");
    if (!rc) {
        slt_tilt_scales(ds, sd);
        draw(ds, sd, ds->n_per, rng, X, y);
        rc = slt_tilt_fit(ds->learner, X, y, n, d, nlam, lam, W, B, err);
    }
    for (size_t q = 0; !rc && q < nlam; q++)
        nw[q] = cblas_dnrm2((int)d, &W[q * d], 1);
    if (!rc && (rc = test_eval(ds, sd, nlam, W, B, nw, rng, terr, tabs)))
        snprintf(err, SLT_ERRLEN, "out of memory for the test set");
    for (size_t q = 0; !rc && q < nlam; q++) {
        slt_tilt_stats st;
        double *o = &out[q * SLT_TILT_NOUT], perr, pabs;
        if ((rc = slt_tilt_stats_of(X, y, n, d, &W[q * d], B[q], &st))) {
            snprintf(err, SLT_ERRLEN, "out of memory");
            break;
        }
        slt_tilt_population(&W[q * d], B[q], sd, d, ds->mu, &perr, &pabs);
        double v[SLT_TILT_NOUT] = {st.theta_deg, st.d_adv, st.half_dist_cos, st.train_err, terr[q],
                                   perr,         tabs[q],  pabs,             st.norm_w,    B[q]};
        memcpy(o, v, sizeof v);
    }
    free(sd), free(X), free(y), free(W), free(B), free(nw), free(terr), free(tabs);
    return rc;
}
