/* sensitivity_sim.c: sensitivity of minimum-norm RF / NTK interpolators on pure-noise labels
 * (Bombari, Kiyani, Mondelli, ICML 2023, arXiv:2302.01629; extras.md 1): one draw of X, Y, z, W
 * serves every width k (first k columns of W) and sample size N (first N rows of X): the Gram
 * matrix of the largest N is accumulated over the column blocks of W, and each (N, k) solves with
 * its leading N x N block. */
#include "sims/sensitivity_sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>

#include "engine/rng.h"
#include "engine/slt.h"
#include "theory/sensitivity.h"

typedef struct {
    const slt_sens_design *ds;
    const double *X, *Y, *z, *W;
    long Nmax, kmax;
    double *A;       /* Nmax x kmax: phi(XW) (RF) or phi'(XW) (NTK) */
    double *G;       /* Nmax x Nmax upper: A_k A_k' for the current k */
    double *XX, *Xz; /* NTK: X X', X z */
    double *dh, *ddh; /* phi'(W'z), phi''(W'z) */
    double *K, *Kc, *al, *t, *u, *g;
} sens_ws;

/* S at (N, k) from the accumulated G (extras.md 1, kernel-trick gradients [D]) */
static int solve_point(sens_ws *w, long N, long k, double *S)
{
    long d = w->ds->d, ld = w->kmax;
    int ntk = w->ds->model == SLT_SENS_NTK;
    for (long i = 0; i < N; i++)
        for (long j = i; j < N; j++) {
            double v = w->G[i * w->Nmax + j] * (ntk ? w->XX[i * w->Nmax + j] : 1);
            w->Kc[i * N + j] = w->Kc[j * N + i] = v;
        }
    memcpy(w->K, w->Kc, (size_t)(N * N) * sizeof(double));
    memcpy(w->al, w->Y, (size_t)N * sizeof(double));
    if (slt_sens_solve(w->K, w->Kc, (size_t)N, w->al))
        return 1;
    memset(w->g, 0, (size_t)d * sizeof(double));
    if (!ntk) { /* theta = F_k' alpha, g = W_k (phi'(h) . theta) */
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)N, (int)k, 1, w->A, (int)ld, w->al, 1, 0, w->t, 1);
        for (long j = 0; j < k; j++)
            w->t[j] *= w->dh[j];
    } else { /* u = D phi'(h), v = D'(alpha . Xz), g = X'(alpha . u) + W (phi''(h) . v) */
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)N, (int)k, 1, w->A, (int)ld, w->dh, 1, 0, w->u, 1);
        for (long i = 0; i < N; i++) {
            w->u[i] *= w->al[i];
            w->al[i] *= w->Xz[i];
        }
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)N, (int)k, 1, w->A, (int)ld, w->al, 1, 0, w->t, 1);
        for (long j = 0; j < k; j++)
            w->t[j] *= w->ddh[j];
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)N, (int)d, 1, w->X, (int)d, w->u, 1, 0, w->g, 1);
    }
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)d, (int)k, 1, w->W, (int)ld, w->t, 1, 1, w->g, 1);
    *S = sqrt((double)d) * cblas_dnrm2((int)d, w->g, 1);
    return 0;
}

static void ws_free(sens_ws *w)
{
    free(w->A), free(w->G), free(w->XX), free(w->Xz), free(w->dh), free(w->ddh);
    free(w->K), free(w->Kc), free(w->al), free(w->t), free(w->u), free(w->g);
}

static int ws_alloc(sens_ws *w)
{
    size_t Nm = (size_t)w->Nmax, km = (size_t)w->kmax, d = (size_t)w->ds->d, b = sizeof(double);
    w->A = malloc(Nm * km * b), w->G = calloc(Nm * Nm, b), w->XX = malloc(Nm * Nm * b), w->Xz = malloc(Nm * b);
    w->dh = malloc(km * b), w->ddh = malloc(km * b), w->K = malloc(Nm * Nm * b), w->Kc = malloc(Nm * Nm * b);
    w->al = malloc(Nm * b), w->t = malloc(km * b), w->u = malloc(Nm * b), w->g = malloc(d * b);
    return !w->A || !w->G || !w->XX || !w->Xz || !w->dh || !w->ddh || !w->K || !w->Kc || !w->al || !w->t || !w->u ||
           !w->g;
}

/* tanh(a) = e/(e + 2), e = expm1(2a): accurate near 0, and about twice as fast as libm's tanh,
 * which was a third of a trial's time at N = 240, k = 40000 (9.6e6 calls) */
static double fast_tanh(double a)
{
    if (fabs(a) > 20)
        return a > 0 ? 1 : -1; /* 1 - tanh(20) = 8e-18: below rounding */
    double e = expm1(2 * a);
    return e / (e + 2);
}

/* A = phi(XW) or phi'(XW); h = W'z; NTK: X X' and X z */
static void features(sens_ws *w)
{
    const slt_sens_design *ds = w->ds;
    int Nm = (int)w->Nmax, km = (int)w->kmax, d = (int)ds->d, ord = ds->model == SLT_SENS_NTK;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Nm, km, d, 1, w->X, d, w->W, km, 0, w->A, km);
    size_t n = (size_t)Nm * (size_t)km;
    if (ds->act == SLT_SENS_TANH && !ord)
        for (size_t i = 0; i < n; i++)
            w->A[i] = fast_tanh(w->A[i]);
    else if (ds->act == SLT_SENS_TANH)
        for (size_t i = 0; i < n; i++) {
            double t = fast_tanh(w->A[i]);
            w->A[i] = 1 - t * t;
        }
    else
        for (size_t i = 0; i < n; i++)
            w->A[i] = slt_sens_phi(ds->act, w->A[i], ord);
    cblas_dgemv(CblasRowMajor, CblasTrans, d, km, 1, w->W, km, w->z, 1, 0, w->t, 1);
    for (int j = 0; j < km; j++) {
        w->dh[j] = slt_sens_phi(ds->act, w->t[j], 1);
        w->ddh[j] = slt_sens_phi(ds->act, w->t[j], 2);
    }
    if (ord) {
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Nm, d, 1, w->X, d, 0, w->XX, Nm);
        cblas_dgemv(CblasRowMajor, CblasNoTrans, Nm, d, 1, w->X, d, w->z, 1, 0, w->Xz, 1);
    }
}

int slt_sens_finite(const slt_sens_design *ds, const double *X, const double *Y, const double *z, const double *W,
                    long Nmax, long kmax, size_t npts, const slt_sens_point *pts, double *S, char *err)
{
    sens_ws w = {ds, X, Y, z, W, Nmax, kmax, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    if (ws_alloc(&w)) {
        ws_free(&w);
        snprintf(err, SLT_ERRLEN, "out of memory for N = %ld, k = %ld", Nmax, kmax);
        return 1;
    }
    features(&w);
    long kdone = 0;
    int rc = 0;
    for (;;) { /* the next width above kdone, accumulated, then every point at that width */
        long k = -1;
        for (size_t i = 0; i < npts; i++)
            if (pts[i].k > kdone && (k < 0 || pts[i].k < k))
                k = pts[i].k;
        if (k < 0 || rc)
            break;
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)Nmax, (int)(k - kdone), 1, w.A + kdone, (int)kmax, 1,
                    w.G, (int)Nmax);
        kdone = k;
        for (size_t i = 0; i < npts && !rc; i++)
            if (pts[i].k == k && (rc = solve_point(&w, pts[i].N, k, &S[i])))
                snprintf(err, SLT_ERRLEN, "Cholesky of the %s Gram matrix failed at N = %ld, k = %ld, even with jitter",
                         slt_sens_models[ds->model], pts[i].N, k);
    }
    ws_free(&w);
    return rc;
}

double slt_sens_sim_bytes(const slt_sens_design *ds, long Nmax, long kmax)
{
    double N = (double)Nmax, k = (double)kmax, d = (double)ds->d;
    return 8 * (N * d + d * k + N * k + 5 * N * N + 4 * k + 4 * N + 2 * d);
}

int slt_sens_sim(const slt_sens_design *ds, size_t npts, const slt_sens_point *pts, gsl_rng *rng, double *out,
                 char *err)
{
    long Nmax = 0, kmax = 0, d = ds->d;
    for (size_t i = 0; i < npts; i++) {
        Nmax = pts[i].N > Nmax ? pts[i].N : Nmax;
        kmax = pts[i].k > kmax ? pts[i].k : kmax;
    }
    double *X = malloc((size_t)(Nmax * d) * sizeof(double)), *Y = malloc((size_t)Nmax * sizeof(double)),
           *z = malloc((size_t)d * sizeof(double)), *W = malloc((size_t)d * (size_t)kmax * sizeof(double)),
           *S = malloc(npts * sizeof(double)), *Sinf = malloc(npts * sizeof(double));
    int rc = !X || !Y || !z || !W || !S || !Sinf;
    if (rc)
        snprintf(err, SLT_ERRLEN, "out of memory for N = %ld, k = %ld, d = %ld", Nmax, kmax, d);
    if (!rc) {
        slt_rng_normals(rng, X, (size_t)(Nmax * d), 1);
        slt_rng_normals(rng, Y, (size_t)Nmax, 1);
        slt_rng_normals(rng, z, (size_t)d, 1);
        slt_rng_normals(rng, W, (size_t)d * (size_t)kmax, 1 / sqrt((double)d));
        rc = slt_sens_finite(ds, X, Y, z, W, Nmax, kmax, npts, pts, S, err);
    }
    for (size_t i = 0; !rc && i < npts; i++) {
        out[2 * i] = S[i];
        int seen = 0; /* S_inf depends on N only: once per N */
        for (size_t j = 0; j < i; j++)
            if (pts[j].N == pts[i].N)
                seen = 1, Sinf[i] = Sinf[j];
        if (ds->act != SLT_SENS_TANH && !seen &&
            (rc = slt_sens_inf(ds->model, ds->act, X, Y, z, (size_t)pts[i].N, (size_t)d, &Sinf[i])))
            snprintf(err, SLT_ERRLEN, "Cholesky of the infinite-width kernel failed at N = %ld", pts[i].N);
        if (ds->act != SLT_SENS_TANH)
            out[2 * i + 1] = Sinf[i];
    }
    free(X), free(Y), free(z), free(W), free(S), free(Sinf);
    return rc;
}
