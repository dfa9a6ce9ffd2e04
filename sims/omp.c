/* omp.c: batched OMP (sparse_coding.md 4, 13) in the Gram form of Rubinstein, Zibulevsky, Elad,
 * "Efficient implementation of the K-SVD algorithm using batch orthogonal matching pursuit" (2008):
 * with G = D D' (dsyrk) and C0 = Y D' (dgemm) computed once per batch, the correlations of signal i
 * after refitting on its active set S are C0_i - coef_S G_S, which equals D r exactly in exact
 * arithmetic and costs O(p |S|) instead of O(p dim). Selection is on |<D_j, r>|, atoms not
 * rescaled, first index on ties; coefficients from an incremental Cholesky factor of G_SS. */
#include "omp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>

/* The pivot of the new atom relative to its own squared norm: below it the atom is numerically
 * in the span of the active atoms (1e-10 ~ a condition number of 1e5 for the active Gram). */
#define OMP_SINGULAR 1e-10
/* Correlations below this fraction of ||y|| max ||D_j|| are rounding noise of a zero residual. */
#define OMP_VANISH 1e-12

struct slt_omp {
    size_t nmax, pmax, kmax;
    double *G;    /* pmax x pmax, full symmetric */
    double *C0;   /* nmax x pmax */
    double *corr; /* pmax */
    double *L;    /* kmax x kmax lower Cholesky factor of the active Gram */
    double *b, *x;
    unsigned char *active; /* pmax */
};

double slt_omp_bytes(size_t nmax, size_t pmax, size_t kmax)
{
    return 8.0 * ((double)pmax * pmax + (double)nmax * pmax + pmax + kmax * kmax + 2 * kmax) + pmax;
}

void slt_omp_free(slt_omp *w)
{
    if (!w)
        return;
    free(w->G); free(w->C0); free(w->corr); free(w->L); free(w->b); free(w->x); free(w->active);
    free(w);
}

slt_omp *slt_omp_alloc(size_t nmax, size_t pmax, size_t kmax)
{
    slt_omp *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->nmax = nmax; w->pmax = pmax; w->kmax = kmax;
    w->G = malloc(pmax * pmax * sizeof(double));
    w->C0 = malloc(nmax * pmax * sizeof(double));
    w->corr = malloc(pmax * sizeof(double));
    w->L = calloc(kmax * kmax + 1, sizeof(double));
    w->b = malloc((kmax + 1) * sizeof(double));
    w->x = malloc((kmax + 1) * sizeof(double));
    w->active = malloc(pmax + 1);
    if (!w->G || !w->C0 || !w->corr || !w->L || !w->b || !w->x || !w->active) {
        slt_omp_free(w);
        return NULL;
    }
    return w;
}

/* G = D D', upper triangle by dsyrk, mirrored in blocks (cache-friendly transpose) */
static void gram(double *G, const double *D, size_t ldd, size_t p, size_t dim)
{
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)p, (int)dim, 1.0, D, (int)ldd, 0.0, G, (int)p);
    const size_t B = 32;
    for (size_t i0 = 0; i0 < p; i0 += B)
        for (size_t j0 = 0; j0 <= i0; j0 += B)
            for (size_t i = i0; i < i0 + B && i < p; i++)
                for (size_t j = j0; j < j0 + B && j < i; j++)
                    G[i * p + j] = G[j * p + i];
}

/* Adds atom j to the Cholesky factor of the t active atoms S; 0 if singular. */
static int chol_add(double *L, size_t kmax, const double *G, size_t p, const int *S, size_t t, int j)
{
    double s = 0;
    for (size_t a = 0; a < t; a++) {
        double v = G[(size_t)S[a] * p + (size_t)j];
        for (size_t c = 0; c < a; c++)
            v -= L[a * kmax + c] * L[t * kmax + c];
        v /= L[a * kmax + a];
        L[t * kmax + a] = v;
        s += v * v;
    }
    double piv = G[(size_t)j * p + (size_t)j] - s;
    if (!(piv > OMP_SINGULAR * G[(size_t)j * p + (size_t)j]))
        return 0;
    L[t * kmax + t] = sqrt(piv);
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

/* argmax_{j inactive} |corr_j|, first index on ties; -1 if none */
static int select_atom(const double *corr, const unsigned char *active, size_t p, double *best)
{
    int j = -1;
    double m = -1;
    for (size_t a = 0; a < p; a++)
        if (!active[a] && fabs(corr[a]) > m) {
            m = fabs(corr[a]);
            j = (int)a;
        }
    *best = m;
    return j;
}

/* One signal: k greedy steps from its correlations c0; 1 if it stopped early. */
static int omp_one(slt_omp *w, size_t p, const double *c0, double tiny, size_t k, int *idx, double *coef)
{
    const double *G = w->G;
    memset(w->active, 0, p);
    memcpy(w->corr, c0, p * sizeof(double));
    for (size_t t = 0; t < k; t++) {
        idx[t] = -1;
        coef[t] = 0;
    }
    for (size_t t = 0; t < k; t++) {
        double best;
        int j = select_atom(w->corr, w->active, p, &best);
        if (j < 0 || !(best > tiny) || !chol_add(w->L, w->kmax, G, p, idx, t, j))
            return 1;
        idx[t] = j;
        w->active[j] = 1;
        w->b[t] = c0[j];
        chol_solve(w->L, w->kmax, t + 1, w->b, coef);
        if (t + 1 == k)
            break;
        memcpy(w->corr, c0, p * sizeof(double));
        for (size_t a = 0; a <= t; a++)
            cblas_daxpy((int)p, -coef[a], G + (size_t)idx[a] * p, 1, w->corr, 1);
    }
    return 0;
}

size_t slt_omp_run(slt_omp *w, const double *D, size_t ldd, size_t p, size_t dim, const double *Y, size_t ldy,
                   size_t n, size_t k, int *idx, double *coef)
{
    gram(w->G, D, ldd, p, dim);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)p, (int)dim, 1.0, Y, (int)ldy, D, (int)ldd, 0.0,
                w->C0, (int)p);
    double gmax = 0;
    for (size_t a = 0; a < p; a++)
        gmax = fmax(gmax, w->G[a * p + a]);
    size_t early = 0;
    for (size_t i = 0; i < n; i++) {
        double yn = cblas_dnrm2((int)dim, Y + i * ldy, 1);
        early += (size_t)omp_one(w, p, w->C0 + i * p, OMP_VANISH * yn * sqrt(gmax), k, idx + i * k, coef + i * k);
    }
    return early;
}
