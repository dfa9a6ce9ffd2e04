/* omp.c: batched OMP (sparse_coding.md 4, 13) in the Gram form of Rubinstein, Zibulevsky, Elad,
 * "Efficient implementation of the K-SVD algorithm using batch orthogonal matching pursuit" (2008):
 * with C0 = Y D', the correlations of signal i after refitting on its active set S are
 * C0_i - coef_S G_S, equal to D r in exact arithmetic at O(p |S|) instead of O(p dim). The signals
 * advance step by step together, and only the Gram rows G_j = D_j D' of atoms selected so far are
 * computed (one product per step for the new ones): fewer than p rows, no full Gram matrix.
 * Selection is on |<D_j, r>|, atoms not rescaled, first index on ties; coefficients from an
 * incremental Cholesky factor of G_SS.
 *
 * Filter and verify: C0 and the Gram rows are computed in single precision (sgemm, half the cost
 * of dgemm and half the memory traffic of the selection), which bounds every correlation within E
 * (a rigorous rounding bound, below). The atoms whose single-precision correlation is within 2E of
 * the largest are the only ones that can win; for them the correlation is recomputed in double
 * (C0 and Gram entries as dot products with one fused multiply-add per term, in order; then
 * c0_j - sum_a x_a G_{S_a j} one term at a time, as the BLAS daxpy does), and the largest wins,
 * first index on ties. The selected atoms, coefficients and stops are exactly those of OMP in double
 * precision with dot products in that order. It is the order of OpenBLAS's dgemm entries for most
 * shapes on processors with FMA (every product of the paper's regime, p = 1000, d = 100 or 90, but
 * one-row ones), so there the results are those of the former dgemm form bit for bit; where
 * OpenBLAS sums otherwise (p = 500, for one) they differ in the last bits. */
#include "omp.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>

/* SLT_CLONES: AVX2 and generic clones of the loops whose result does not depend on the
 * instructions; FMA_TARGET: the functions that use fused multiply-adds, called when the processor
 * has them (x86-64; elsewhere the plain forms are used) */
#include "engine/clones.h"
#if defined(__x86_64__) && defined(__GNUC__)
#define FMA_TARGET __attribute__((target("avx2,fma")))
#else
#define FMA_TARGET
#endif

/* The pivot of the new atom relative to its own squared norm: below it the atom is numerically
 * in the span of the active atoms (1e-10 ~ a condition number of 1e5 for the active Gram). */
#define OMP_SINGULAR 1e-10
/* Entries per block of the candidate search */
#define OMP_SCAN 128
/* Correlations below this fraction of ||y|| max ||D_j|| are rounding noise of a zero residual. */
#define OMP_VANISH 1e-12

struct slt_omp {
    size_t nmax, pmax, dmax, kmax;
    float *rows;         /* single-precision Gram rows D_j D' of the atoms selected so far: pmax x pmax */
    int *slot;           /* pmax: row of atom j in rows, -1 if not computed */
    float *C0;           /* nmax x pmax: Y D' in single precision */
    float *Df, *Yf;      /* pmax x dmax, nmax x dmax: D and Y rounded to single precision */
    double *nrm2;        /* pmax: ||D_j||^2 */
    double *L;           /* nmax x kmax x kmax: lower Cholesky factors of the active Gram matrices */
    double *b;           /* nmax x kmax: C0 on the active atoms (double) */
    double *gnew;        /* nmax x kmax: G_{S_a j} of the atom j selected at this step (double) */
    float *gath;         /* pmax x dmax: the atoms whose rows are computed next, gathered */
    int *newat;          /* pmax */
    float *corr;         /* pmax: one signal's single-precision correlations */
    float *bmax;         /* pmax / OMP_SCAN + 1: their largest |.| per block */
    double *ynrm;        /* nmax: ||y_i|| */
    unsigned char *done; /* nmax: signal stopped early */
    int fma;             /* the processor has fused multiply-add (and AVX2) */
};

double slt_omp_bytes(size_t nmax, size_t pmax, size_t dmax, size_t kmax)
{
    return 4.0 * ((double)pmax * pmax + 2.0 * pmax * dmax + (double)nmax * pmax + (double)nmax * dmax + pmax +
                  pmax / OMP_SCAN + 1) +
           8.0 * (pmax + nmax + (double)nmax * kmax * (kmax + 2)) + 4.0 * 2 * pmax + nmax;
}

void slt_omp_free(slt_omp *w)
{
    if (!w)
        return;
    free(w->rows); free(w->slot); free(w->C0); free(w->Df); free(w->Yf); free(w->nrm2); free(w->L); free(w->b);
    free(w->gnew); free(w->gath); free(w->newat); free(w->done); free(w->corr); free(w->bmax); free(w->ynrm);
    free(w);
}

slt_omp *slt_omp_alloc(size_t nmax, size_t pmax, size_t dmax, size_t kmax)
{
    slt_omp *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->nmax = nmax; w->pmax = pmax; w->dmax = dmax; w->kmax = kmax;
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    w->fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    w->rows = malloc(pmax * pmax * sizeof(float));
    w->slot = malloc(pmax * sizeof(int));
    w->C0 = malloc(nmax * pmax * sizeof(float));
    w->Df = malloc(pmax * dmax * sizeof(float));
    w->Yf = malloc(nmax * dmax * sizeof(float));
    w->nrm2 = malloc(pmax * sizeof(double));
    w->L = calloc(nmax * kmax * kmax + 1, sizeof(double));
    w->b = malloc((nmax * kmax + 1) * sizeof(double));
    w->gnew = malloc((nmax * kmax + 1) * sizeof(double));
    w->newat = malloc(pmax * sizeof(int));
    w->done = malloc(nmax + 1);
    w->corr = malloc(pmax * sizeof(float));
    w->bmax = malloc((pmax / OMP_SCAN + 1) * sizeof(float));
    w->gath = malloc(pmax * dmax * sizeof(float));
    w->ynrm = malloc((nmax + 1) * sizeof(double));
    if (!w->corr || !w->bmax || !w->gath || !w->ynrm || !w->rows || !w->slot || !w->C0 || !w->Df || !w->Yf ||
        !w->nrm2 || !w->L || !w->b || !w->gnew || !w->newat || !w->done) {
        slt_omp_free(w);
        return NULL;
    }
    return w;
}

/* out[r] = sum_k a_r[k] b[k] for r < 4, with one fused multiply-add per term, in order (most of
 * OpenBLAS's dgemm kernels with FMA compute their entries so); plain multiply-adds where the
 * processor has no FMA. Four independent chains at a time, to hide the latency of each. */
FMA_TARGET static void dot4_fma(const double *const *a, const double *b, size_t n, double *out)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (size_t k = 0; k < n; k++) {
        s0 = __builtin_fma(a[0][k], b[k], s0);
        s1 = __builtin_fma(a[1][k], b[k], s1);
        s2 = __builtin_fma(a[2][k], b[k], s2);
        s3 = __builtin_fma(a[3][k], b[k], s3);
    }
    out[0] = s0; out[1] = s1; out[2] = s2; out[3] = s3;
}

static void dot4_plain(const double *const *a, const double *b, size_t n, double *out)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (size_t k = 0; k < n; k++) {
        s0 = s0 + a[0][k] * b[k];
        s1 = s1 + a[1][k] * b[k];
        s2 = s2 + a[2][k] * b[k];
        s3 = s3 + a[3][k] * b[k];
    }
    out[0] = s0; out[1] = s1; out[2] = s2; out[3] = s3;
}

/* c - x g as the BLAS daxpy of the double algorithm computes it */
FMA_TARGET static double axpy1_fma(double c, double x, double g)
{
    return __builtin_fma(-x, g, c);
}

static double axpy1_plain(double c, double x, double g) { return c + -x * g; }

/* bm[b] = max |c_j| over block b of OMP_SCAN entries (the last one possibly shorter); NaN entries
 * are skipped. One pass: the candidates are then looked for in the blocks that reach the threshold. */
SLT_CLONES static void block_maxima(const float *c, size_t p, float *bm)
{
    for (size_t j0 = 0; j0 < p; j0 += OMP_SCAN) {
        size_t n = p - j0 < OMP_SCAN ? p - j0 : OMP_SCAN;
        float m = 0;
#pragma omp simd reduction(max : m)
        for (size_t j = j0; j < j0 + n; j++) {
            float a = fabsf(c[j]);
            m = a > m ? a : m;
        }
        bm[j0 / OMP_SCAN] = m;
    }
}

/* corr = c0 - sum_a x_a G_a over the t >= 1 cached single-precision Gram rows, in single precision,
 * and the largest |corr_j| of each block of OMP_SCAN into bm, in the last pass */
FMA_TARGET static void corr_fma(size_t p, const float *c0, const float *const *G, const float *x, size_t t,
                                float *corr, float *bm)
{
    for (size_t a = 0; a < t; a++) {
        const float *g = G[a], *c = a ? corr : c0;
        float xa = -x[a];
        if (a + 1 < t) {
#pragma omp simd
            for (size_t j = 0; j < p; j++)
                corr[j] = __builtin_fmaf(xa, g[j], c[j]);
            continue;
        }
        for (size_t j0 = 0; j0 < p; j0 += OMP_SCAN) {
            size_t n = p - j0 < OMP_SCAN ? p - j0 : OMP_SCAN;
            float m = 0;
#pragma omp simd reduction(max : m)
            for (size_t j = j0; j < j0 + n; j++) {
                float v = __builtin_fmaf(xa, g[j], c[j]), av = fabsf(v);
                corr[j] = v;
                m = av > m ? av : m;
            }
            bm[j0 / OMP_SCAN] = m;
        }
    }
}

static void corr_plain(size_t p, const float *c0, const float *const *G, const float *x, size_t t, float *corr,
                       float *bm)
{
    for (size_t a = 0; a < t; a++) {
        const float *g = G[a], *c = a ? corr : c0;
        float xa = -x[a];
#pragma omp simd
        for (size_t j = 0; j < p; j++)
            corr[j] = c[j] + xa * g[j];
    }
    block_maxima(corr, p, bm);
}

/* Adds atom j to the Cholesky factor L of the t active atoms, g = G_{S_a j} (a < t); 0 if j is
 * numerically in their span. */
static int chol_add(const slt_omp *w, double *L, const double *g, size_t t, int j)
{
    size_t km = w->kmax;
    double s = 0;
    for (size_t a = 0; a < t; a++) {
        double v = g[a];
        for (size_t c = 0; c < a; c++)
            v -= L[a * km + c] * L[t * km + c];
        v /= L[a * km + a];
        L[t * km + a] = v;
        s += v * v;
    }
    double piv = w->nrm2[j] - s;
    if (!(piv > OMP_SINGULAR * w->nrm2[j]))
        return 0;
    L[t * km + t] = sqrt(piv);
    return 1;
}

/* x = (L L')^-1 b, L of order t */
static void chol_solve(const double *L, size_t kmax, size_t t, const double *b, double *x)
{
    for (size_t a = 0; a < t; a++) {
        double v = b[a];
        for (size_t c = 0; c < a; c++)
            v -= L[a * kmax + c] * x[c];
        x[a] = v / L[a * kmax + a];
    }
    for (size_t a = t; a-- > 0;) {
        double v = x[a];
        for (size_t c = a + 1; c < t; c++)
            v -= L[c * kmax + a] * x[c];
        x[a] = v / L[a * kmax + a];
    }
}

/* The double-precision problem of one OMP call */
typedef struct {
    const double *D, *Y;
    size_t ldd, ldy, p, dim;
    double amax; /* max_j ||D_j|| */
} omp_problem;

/* The exact (double-algorithm) correlation of atom j with signal i's residual, S and x its t active
 * atoms and coefficients; G_{S_a j} into g, c0_j into *c0 */
static double exact_corr(const slt_omp *w, const omp_problem *P, size_t i, const int *S, const double *x, size_t t,
                         int j, double *g, double *c0)
{
    void (*dot4)(const double *const *, const double *, size_t, double *) = w->fma ? dot4_fma : dot4_plain;
    double (*axpy1)(double, double, double) = w->fma ? axpy1_fma : axpy1_plain;
    const double *dj = P->D + (size_t)j * P->ldd, *rows[t + 4];
    double out[t + 4];
    rows[0] = P->Y + i * P->ldy; /* c0_j, then G_{S_a j} */
    for (size_t a = 0; a < t + 3; a++)
        rows[a + 1] = a < t ? P->D + (size_t)S[a] * P->ldd : dj;
    for (size_t a = 0; a <= t; a += 4)
        dot4(rows + a, dj, P->dim, out + a);
    double c = *c0 = out[0];
    for (size_t a = 0; a < t; a++) {
        g[a] = out[a + 1];
        c = axpy1(c, x[a], g[a]);
    }
    return c;
}

/* Bound on |single-precision correlation - exact correlation| for a signal of norm ynrm with
 * coefficients x (t of them): each single-precision entry (C0, Gram) is a dot product of length dim
 * of rounded inputs, off by at most gamma_{dim+3} ||y|| ||D_j|| (resp. ||D_s|| ||D_j||), gamma_n =
 * n u / (1 - n u), u = 2^-24, in any summation order; rounding x and the t multiply-adds add at most
 * gamma_{2t+2} of the same scale. Doubled, which also covers the double algorithm's own rounding
 * (~1e-16 of that scale); plus n FLT_TRUE_MIN per unit of scale for underflow. */
static double corr_bound(const omp_problem *P, double ynrm, const double *x, size_t t)
{
    double n = (double)(P->dim + 2 * t + 5), u = FLT_EPSILON / 2, gam = n * u / (1 - n * u), sx = 0;
    for (size_t a = 0; a < t; a++)
        sx += fabs(x[a]);
    return 2 * (gam * P->amax * (ynrm + P->amax * sx) + n * FLT_TRUE_MIN * (1 + sx));
}

/* Step t's selection for signal i: the inactive atom with the largest exact |<D_j, r>|, first index
 * on ties (the active entries count as 0, their exact value), found among the atoms whose
 * single-precision correlation is within 2E of the largest; its G_{S_a j} into g, c0_j into *c0j.
 * -1 if no correlation exceeds 0 (the signal stops). */
static int select_atom(slt_omp *w, const omp_problem *P, size_t i, const int *S, const double *x, size_t t,
                       double *best, double *g, double *c0j)
{
    size_t p = P->p;
    const float *c = w->C0 + i * p;
    if (t > 0) {
        const float *G[t];
        float xf[t];
        for (size_t a = 0; a < t; a++) {
            G[a] = w->rows + (size_t)w->slot[S[a]] * w->pmax;
            xf[a] = (float)x[a];
        }
        /* the block maxima include the active atoms, whose single-precision values are within E of
         * their double-algorithm values, ~1e-16 cond(G_SS) of 0: at most a block searched in vain,
         * and the threshold below stays under the winner's single-precision value */
        (w->fma ? corr_fma : corr_plain)(p, c, G, xf, t, w->corr, w->bmax);
        for (size_t a = 0; a < t; a++)
            w->corr[S[a]] = 0;
        c = w->corr;
    } else {
        block_maxima(c, p, w->bmax);
    }
    size_t nbl = (p + OMP_SCAN - 1) / OMP_SCAN;
    float *bm = w->bmax, m = 0;
    for (size_t q = 0; q < nbl; q++)
        m = bm[q] > m ? bm[q] : m;
    double thr = (double)m - 2 * corr_bound(P, w->ynrm[i], x, t);
    if (!isfinite(thr)) /* out of single precision's range: verify every atom */
        thr = -INFINITY;
    float thrf = (float)thr; /* rounded down: |c_j| >= thr implies |c_j| >= thrf */
    if ((double)thrf > thr)
        thrf = nextafterf(thrf, -INFINITY);
    double gj[t + 1], c0;
    int jbest = -1;
    *best = 0;
    for (size_t j = 0; j < p; j++) {
        if (j % OMP_SCAN == 0 && bm[j / OMP_SCAN] < thrf) {
            j += OMP_SCAN - 1; /* no candidate in this block */
            continue;
        }
        if (!(fabsf(c[j]) >= thrf))
            continue;
        int active = 0;
        for (size_t a = 0; a < t; a++)
            active |= S[a] == (int)j;
        if (active)
            continue; /* exact value 0, which never wins */
        double v = fabs(exact_corr(w, P, i, S, x, t, (int)j, gj, &c0));
        if (v > *best) {
            *best = v;
            jbest = (int)j;
            *c0j = c0;
            memcpy(g, gj, t * sizeof(double));
        }
    }
    return jbest;
}

/* Single-precision Gram rows of the atoms chosen at this step that have none yet: one sgemm. */
static void add_rows(slt_omp *w, size_t p, size_t dim, size_t *nrows, const int *idx, size_t n, size_t k, size_t t)
{
    size_t nn = 0;
    for (size_t i = 0; i < n; i++) {
        int j = idx[i * k + t];
        if (j >= 0 && w->slot[j] < 0) {
            w->slot[j] = (int)(*nrows + nn);
            w->newat[nn++] = j;
        }
    }
    if (!nn)
        return;
    for (size_t a = 0; a < nn; a++)
        memcpy(w->gath + a * dim, w->Df + (size_t)w->newat[a] * dim, dim * sizeof(float));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nn, (int)p, (int)dim, 1.0f, w->gath, (int)dim, w->Df,
                (int)dim, 0.0f, w->rows + *nrows * w->pmax, (int)w->pmax);
    *nrows += nn;
}

/* Step t of signal i: select, extend the factor, refit; 0 if it stops here. */
static int omp_step(slt_omp *w, const omp_problem *P, size_t i, size_t k, size_t t, double tiny, int *S, double *x)
{
    double best, c0j = 0, *L = w->L + i * w->kmax * w->kmax, *b = w->b + i * w->kmax, *g = w->gnew + i * w->kmax;
    int j = select_atom(w, P, i, S, x, t, &best, g, &c0j);
    if (j < 0 || !(best > tiny) || !chol_add(w, L, g, t, j))
        return 0;
    S[t] = j;
    b[t] = c0j;
    chol_solve(L, w->kmax, t + 1, b, x);
    return 1;
}

/* rows of X (rows x dim, stride ld) rounded to single precision, stride dim */
static void to_float(const double *X, size_t rows, size_t dim, size_t ld, float *F)
{
    for (size_t i = 0; i < rows; i++)
#pragma omp simd
        for (size_t c = 0; c < dim; c++)
            F[i * dim + c] = (float)X[i * ld + c];
}

size_t slt_omp_run(slt_omp *w, const double *D, size_t ldd, size_t p, size_t dim, const double *Y, size_t ldy,
                   size_t n, size_t k, int *idx, double *coef)
{
    omp_problem P = {D, Y, ldd, ldy, p, dim, 0};
    to_float(D, p, dim, ldd, w->Df);
    to_float(Y, n, dim, ldy, w->Yf);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)p, (int)dim, 1.0f, w->Yf, (int)dim, w->Df,
                (int)dim, 0.0f, w->C0, (int)p);
    double gmax = 0;
    for (size_t j = 0; j < p; j++) {
        w->nrm2[j] = cblas_ddot((int)dim, D + j * ldd, 1, D + j * ldd, 1);
        gmax = fmax(gmax, w->nrm2[j]);
        w->slot[j] = -1;
    }
    P.amax = sqrt(gmax);
    for (size_t i = 0; i < n * k; i++) {
        idx[i] = -1;
        coef[i] = 0;
    }
    memset(w->done, 0, n);
    for (size_t i = 0; i < n; i++)
        w->ynrm[i] = cblas_dnrm2((int)dim, Y + i * ldy, 1);
    size_t nrows = 0, early = 0;
    for (size_t t = 0; t < k; t++) {
        for (size_t i = 0; i < n; i++) {
            if (w->done[i])
                continue;
            if (!omp_step(w, &P, i, k, t, OMP_VANISH * w->ynrm[i] * sqrt(gmax), idx + i * k, coef + i * k)) {
                w->done[i] = 1;
                early++;
            }
        }
        /* rows are needed by the next step's selection */
        if (t + 1 < k)
            add_rows(w, p, dim, &nrows, idx, n, k, t);
    }
    return early;
}
