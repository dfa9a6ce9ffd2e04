/* sensitivity_sim.c: sensitivity of minimum-norm RF / NTK interpolators on pure-noise labels
 * (Bombari, Kiyani, Mondelli, ICML 2023, arXiv:2302.01629; extras.md 1): one draw of X, Y, z, W
 * serves every width k (first k columns of W) and sample size N (first N rows of X): the Gram
 * matrix of the largest N is accumulated over the column blocks of W, and each (N, k) solves with
 * its leading N x N block as soon as the accumulation reaches k. */
#include "sims/sensitivity_sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>

#include "engine/rng.h"
#include "engine/slt.h"
#include "theory/activation.h"
#include "theory/sensitivity.h"

/* Columns of W and of the features per block: a block's features go from the product through the
 * activation to the Gram update while in cache, and blocks (4 MB at N = 240) are reused across
 * trials by the allocator (slt_keep_trial_buffers) where one 77 MB matrix page-faulted anew in
 * every trial (a quarter of the CPU time at the defaults). */
enum { BLOCK = 2048 };

typedef struct {
    const slt_sens_design *ds;
    const double *X, *Y, *z;
    long Nmax, kmax, nb;
    const double **W; /* block c: columns [c BLOCK, c BLOCK + width(c)) of W, d x width(c) */
    long *ldw;        /* its leading dimension */
    double **A;       /* block c of phi(XW) (RF) or phi'(XW) (NTK), Nmax x width(c) */
    double *G;        /* Nmax x Nmax upper: A_k A_k' for the current k */
    double *XX, *Xz;  /* NTK: X X', X z */
    double *dh, *ddh; /* phi'(W'z), phi''(W'z) */
    double *K, *Kc, *al, *t, *u, *g;
} sens_ws;

/* columns of block c below width k (0 if none) */
static long cols(const sens_ws *w, long c, long k)
{
    long n = k - c * BLOCK;
    return n < 0 ? 0 : n < BLOCK ? n : BLOCK;
}

/* w->t[j] = (A_k' a)_j (first N rows), j < k */
static void At_times(const sens_ws *w, long N, long k, const double *a)
{
    for (long c = 0; c * BLOCK < k; c++)
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)N, (int)cols(w, c, k), 1, w->A[c], (int)cols(w, c, w->kmax), a, 1,
                    0, w->t + c * BLOCK, 1);
}

/* w->u = A_k v (first N rows) */
static void A_times(const sens_ws *w, long N, long k, const double *v)
{
    memset(w->u, 0, (size_t)N * sizeof(double));
    for (long c = 0; c * BLOCK < k; c++)
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)N, (int)cols(w, c, k), 1, w->A[c], (int)cols(w, c, w->kmax),
                    v + c * BLOCK, 1, 1, w->u, 1);
}

/* w->g += W_k w->t */
static void W_times_t(const sens_ws *w, long k)
{
    for (long c = 0; c * BLOCK < k; c++)
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)w->ds->d, (int)cols(w, c, k), 1, w->W[c], (int)w->ldw[c],
                    w->t + c * BLOCK, 1, 1, w->g, 1);
}

/* S at (N, k) from the accumulated G (extras.md 1, kernel-trick gradients [D]) */
static int solve_point(sens_ws *w, long N, long k, double *S)
{
    long d = w->ds->d;
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
        At_times(w, N, k, w->al);
        for (long j = 0; j < k; j++)
            w->t[j] *= w->dh[j];
    } else { /* u = D phi'(h), v = D'(alpha . Xz), g = X'(alpha . u) + W (phi''(h) . v) */
        A_times(w, N, k, w->dh);
        for (long i = 0; i < N; i++) {
            w->u[i] *= w->al[i];
            w->al[i] *= w->Xz[i];
        }
        At_times(w, N, k, w->al);
        for (long j = 0; j < k; j++)
            w->t[j] *= w->ddh[j];
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)N, (int)d, 1, w->X, (int)d, w->u, 1, 0, w->g, 1);
    }
    W_times_t(w, k);
    *S = sqrt((double)d) * cblas_dnrm2((int)d, w->g, 1);
    return 0;
}

static void ws_free(sens_ws *w)
{
    for (long c = 0; w->A && c < w->nb; c++)
        free(w->A[c]);
    free(w->A), free(w->G), free(w->XX), free(w->Xz), free(w->dh), free(w->ddh);
    free(w->K), free(w->Kc), free(w->al), free(w->t), free(w->u), free(w->g);
}

static int ws_alloc(sens_ws *w)
{
    size_t Nm = (size_t)w->Nmax, km = (size_t)w->kmax, d = (size_t)w->ds->d, b = sizeof(double);
    w->nb = (w->kmax + BLOCK - 1) / BLOCK;
    w->A = calloc((size_t)w->nb, sizeof *w->A);
    for (long c = 0; w->A && c < w->nb; c++)
        if (!(w->A[c] = malloc(Nm * (size_t)cols(w, c, w->kmax) * b)))
            return 1;
    w->G = calloc(Nm * Nm, b), w->XX = malloc(Nm * Nm * b), w->Xz = malloc(Nm * b);
    w->dh = malloc(km * b), w->ddh = malloc(km * b), w->K = malloc(Nm * Nm * b), w->Kc = malloc(Nm * Nm * b);
    w->al = malloc(Nm * b), w->t = malloc(km * b), w->u = malloc(Nm * b), w->g = malloc(d * b);
    return !w->A || !w->G || !w->XX || !w->Xz || !w->dh || !w->ddh || !w->K || !w->Kc || !w->al || !w->t ||
           !w->u || !w->g;
}

/* block c of A = phi(XW) or phi'(XW), and of phi'(h), phi''(h), h = W'z (in the scratch t) */
static void features(sens_ws *w, long c)
{
    const slt_sens_design *ds = w->ds;
    int Nm = (int)w->Nmax, n = (int)cols(w, c, w->kmax), d = (int)ds->d, ord = ds->model == SLT_SENS_NTK;
    double *A = w->A[c], *h = w->t;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Nm, n, d, 1, w->X, d, w->W[c], (int)w->ldw[c], 0, A, n);
    size_t nA = (size_t)Nm * (size_t)n;
    if (ds->act == SLT_SENS_TANH) {
        slt_tanh_array(A, nA);
        if (ord)
            for (size_t i = 0; i < nA; i++)
                A[i] = 1 - A[i] * A[i];
    } else if (ds->act == SLT_SENS_SQUARE) { /* slt_sens_phi's a^2/2 and a, in a loop that vectorises */
        if (!ord)
            for (size_t i = 0; i < nA; i++)
                A[i] = 0.5 * A[i] * A[i];
    } else
        for (size_t i = 0; i < nA; i++)
            A[i] = slt_sens_phi(ds->act, A[i], ord);
    cblas_dgemv(CblasRowMajor, CblasTrans, d, n, 1, w->W[c], (int)w->ldw[c], w->z, 1, 0, h, 1);
    for (int j = 0; j < n; j++) {
        w->dh[c * BLOCK + j] = slt_sens_phi(ds->act, h[j], 1);
        w->ddh[c * BLOCK + j] = slt_sens_phi(ds->act, h[j], 2);
    }
}

/* every point at width k, G holding A_k A_k' */
static int solve_width(sens_ws *w, long k, size_t npts, const slt_sens_point *pts, double *S, char *err)
{
    for (size_t i = 0; i < npts; i++)
        if (pts[i].k == k && solve_point(w, pts[i].N, k, &S[i])) {
            snprintf(err, SLT_ERRLEN, "Cholesky of the %s Gram matrix failed at N = %ld, k = %ld, even with jitter",
                     slt_sens_models[w->ds->model], pts[i].N, k);
            return 1;
        }
    return 0;
}

/* block by block: features, then G updated column range by column range up to each width of the
 * points, where they are solved */
static int run_blocks(sens_ws *w, size_t npts, const slt_sens_point *pts, double *S, char *err)
{
    int Nm = (int)w->Nmax;
    if (w->ds->model == SLT_SENS_NTK) {
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Nm, (int)w->ds->d, 1, w->X, (int)w->ds->d, 0, w->XX, Nm);
        cblas_dgemv(CblasRowMajor, CblasNoTrans, Nm, (int)w->ds->d, 1, w->X, (int)w->ds->d, w->z, 1, 0, w->Xz, 1);
    }
    long kdone = 0;
    for (long c = 0; c < w->nb; c++) {
        features(w, c);
        long end = c * BLOCK + cols(w, c, w->kmax);
        while (kdone < end) { /* up to the next width of a point, or the block's end */
            long k = end;
            for (size_t i = 0; i < npts; i++)
                if (pts[i].k > kdone && pts[i].k < k)
                    k = pts[i].k;
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Nm, (int)(k - kdone), 1, w->A[c] + (kdone - c * BLOCK),
                        (int)cols(w, c, w->kmax), 1, w->G, Nm);
            kdone = k;
            if (solve_width(w, k, npts, pts, S, err))
                return 1;
        }
    }
    return 0;
}

/* W given as blocks of columns (Wb[c], leading dimension ldw[c]) */
static int sens_blocks(const slt_sens_design *ds, const double *X, const double *Y, const double *z, const double **Wb,
                       long *ldw, long Nmax, long kmax, size_t npts, const slt_sens_point *pts, double *S, char *err)
{
    sens_ws w = {.ds = ds, .X = X, .Y = Y, .z = z, .Nmax = Nmax, .kmax = kmax, .W = Wb, .ldw = ldw};
    int rc = ws_alloc(&w);
    if (rc)
        snprintf(err, SLT_ERRLEN, "out of memory for N = %ld, k = %ld", Nmax, kmax);
    else
        rc = run_blocks(&w, npts, pts, S, err);
    ws_free(&w);
    return rc;
}

int slt_sens_finite(const slt_sens_design *ds, const double *X, const double *Y, const double *z, const double *W,
                    long Nmax, long kmax, size_t npts, const slt_sens_point *pts, double *S, char *err)
{
    long nb = (kmax + BLOCK - 1) / BLOCK;
    const double **Wb = malloc((size_t)nb * sizeof *Wb);
    long *ldw = malloc((size_t)nb * sizeof *ldw);
    int rc = !Wb || !ldw;
    if (rc)
        snprintf(err, SLT_ERRLEN, "out of memory for N = %ld, k = %ld", Nmax, kmax);
    for (long c = 0; !rc && c < nb; c++)
        Wb[c] = W + c * BLOCK, ldw[c] = kmax;
    if (!rc)
        rc = sens_blocks(ds, X, Y, z, Wb, ldw, Nmax, kmax, npts, pts, S, err);
    free(Wb), free(ldw);
    return rc;
}

double slt_sens_sim_bytes(const slt_sens_design *ds, long Nmax, long kmax)
{
    double N = (double)Nmax, k = (double)kmax, d = (double)ds->d;
    return 8 * (N * d + d * k + N * k + 5 * N * N + 4 * k + 4 * N + 2 * d);
}

/* W (d x kmax, N(0, 1/d) entries) drawn in row-major order, as one matrix, into blocks of BLOCK
 * columns: the same numbers as a contiguous W */
static double **draw_W(gsl_rng *rng, long d, long kmax, long *nb, long *ldw)
{
    *nb = (kmax + BLOCK - 1) / BLOCK;
    double **Wb = calloc((size_t)*nb, sizeof *Wb);
    for (long c = 0; Wb && c < *nb; c++) {
        ldw[c] = kmax - c * BLOCK < BLOCK ? kmax - c * BLOCK : BLOCK;
        if (!(Wb[c] = malloc((size_t)(d * ldw[c]) * sizeof(double)))) {
            while (c >= 0)
                free(Wb[c--]);
            free(Wb);
            return NULL;
        }
    }
    for (long l = 0; Wb && l < d; l++)
        for (long c = 0; c < *nb; c++)
            slt_rng_normals(rng, Wb[c] + l * ldw[c], (size_t)ldw[c], 1 / sqrt((double)d));
    return Wb;
}

int slt_sens_sim(const slt_sens_design *ds, size_t npts, const slt_sens_point *pts, gsl_rng *rng, double *out,
                 char *err)
{
    long Nmax = 0, kmax = 0, d = ds->d, nb = 0;
    for (size_t i = 0; i < npts; i++) {
        Nmax = pts[i].N > Nmax ? pts[i].N : Nmax;
        kmax = pts[i].k > kmax ? pts[i].k : kmax;
    }
    double *X = malloc((size_t)(Nmax * d) * sizeof(double)), *Y = malloc((size_t)Nmax * sizeof(double)),
           *z = malloc((size_t)d * sizeof(double)), **W = NULL, *S = malloc(npts * sizeof(double)),
           *Sinf = malloc(npts * sizeof(double));
    long *ldw = malloc((size_t)((kmax + BLOCK - 1) / BLOCK) * sizeof(long));
    int rc = !X || !Y || !z || !ldw || !S || !Sinf;
    if (!rc) {
        slt_rng_normals(rng, X, (size_t)(Nmax * d), 1);
        slt_rng_normals(rng, Y, (size_t)Nmax, 1);
        slt_rng_normals(rng, z, (size_t)d, 1);
        rc = !(W = draw_W(rng, d, kmax, &nb, ldw));
    }
    if (rc)
        snprintf(err, SLT_ERRLEN, "out of memory for N = %ld, k = %ld, d = %ld", Nmax, kmax, d);
    else
        rc = sens_blocks(ds, X, Y, z, (const double **)W, ldw, Nmax, kmax, npts, pts, S, err);
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
    for (long c = 0; W && c < nb; c++)
        free(W[c]);
    free(X), free(Y), free(z), free(W), free(ldw), free(S), free(Sinf);
    return rc;
}
