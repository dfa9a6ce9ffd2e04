/* omp.c: batched OMP (sparse_coding.md 4, 13) in the Gram form of Rubinstein, Zibulevsky, Elad,
 * "Efficient implementation of the K-SVD algorithm using batch orthogonal matching pursuit" (2008):
 * with C0 = Y D' (one dgemm per batch), the correlations of signal i after refitting on its active
 * set S are C0_i - coef_S G_S, equal to D r in exact arithmetic at O(p |S|) instead of O(p dim).
 * The signals advance step by step together, and only the Gram rows G_j = D_j D' of atoms selected
 * so far are computed (one dgemm per step for the new ones): fewer than p rows, no full Gram matrix.
 * Selection is on |<D_j, r>|, atoms not rescaled, first index on ties; coefficients from an
 * incremental Cholesky factor of G_SS. */
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
    double *rows;        /* Gram rows D_j D' of the atoms selected so far: at most pmax x pmax */
    int *slot;           /* pmax: row of atom j in rows, -1 if not computed */
    double *C0;          /* nmax x pmax: Y D' */
    double *nrm2;        /* pmax: ||D_j||^2 */
    double *L;           /* nmax x kmax x kmax: lower Cholesky factors of the active Gram matrices */
    double *b;           /* nmax x kmax: C0 on the active atoms */
    double *gath;        /* pmax x dmax: the atoms whose rows are computed next, gathered */
    int *newat;          /* pmax */
    double *corr;        /* pmax */
    double *tiny;        /* nmax: the vanishing threshold of each signal */
    unsigned char *done; /* nmax: signal stopped early */
};

double slt_omp_bytes(size_t nmax, size_t pmax, size_t dmax, size_t kmax)
{
    return 8.0 * ((double)pmax * pmax + (double)pmax * dmax + (double)nmax * pmax + 3.0 * pmax + nmax + (double)nmax * kmax * (kmax + 1)) +
           4.0 * pmax + nmax;
}

void slt_omp_free(slt_omp *w)
{
    if (!w)
        return;
    free(w->rows); free(w->slot); free(w->C0); free(w->nrm2); free(w->L); free(w->b); free(w->gath);
    free(w->newat); free(w->done); free(w->corr); free(w->tiny);
    free(w);
}

slt_omp *slt_omp_alloc(size_t nmax, size_t pmax, size_t dmax, size_t kmax)
{
    slt_omp *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->nmax = nmax; w->pmax = pmax; w->kmax = kmax;
    w->rows = malloc(pmax * pmax * sizeof(double));
    w->slot = malloc(pmax * sizeof(int));
    w->C0 = malloc(nmax * pmax * sizeof(double));
    w->nrm2 = malloc(pmax * sizeof(double));
    w->L = calloc(nmax * kmax * kmax + 1, sizeof(double));
    w->b = malloc((nmax * kmax + 1) * sizeof(double));
    w->newat = malloc(pmax * sizeof(int));
    w->done = malloc(nmax + 1);
    w->corr = malloc(pmax * sizeof(double));
    w->gath = malloc(pmax * dmax * sizeof(double));
    w->tiny = malloc((nmax + 1) * sizeof(double));
    if (!w->corr || !w->gath || !w->tiny || !w->rows || !w->slot || !w->C0 || !w->nrm2 || !w->L || !w->b || !w->newat || !w->done) {
        slt_omp_free(w);
        return NULL;
    }
    return w;
}

/* Adds atom j to the Cholesky factor L of the t active atoms S (their Gram rows are cached);
 * 0 if j is numerically in their span. */
static int chol_add(const slt_omp *w, double *L, const int *S, size_t t, int j)
{
    size_t km = w->kmax;
    double s = 0;
    for (size_t a = 0; a < t; a++) {
        double v = w->rows[(size_t)w->slot[S[a]] * w->pmax + (size_t)j];
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

/* The inactive atom with the largest |<D_j, r>|, r the residual of the fit x on the t active atoms
 * S: <D_j, r> = c0_j - sum_a x_a G_{S_a j} (daxpy), the active entries set to 0 (their exact
 * value), then idamax, which returns the first index of the largest |.|: the tie rule. If every
 * inactive correlation is 0 the result may be active, with best = 0: the caller stops. */
static int select_atom(const slt_omp *w, size_t p, const double *c0, const int *S, const double *x, size_t t,
                       double *best)
{
    if (t == 0) { /* nothing active: the correlations are C0's row */
        size_t j = cblas_idamax((int)p, c0, 1);
        *best = fabs(c0[j]);
        return (int)j;
    }
    double *corr = w->corr;
    memcpy(corr, c0, p * sizeof(double));
    for (size_t a = 0; a < t; a++)
        cblas_daxpy((int)p, -x[a], w->rows + (size_t)w->slot[S[a]] * w->pmax, 1, corr, 1);
    for (size_t a = 0; a < t; a++)
        corr[S[a]] = 0;
    size_t j = cblas_idamax((int)p, corr, 1);
    *best = fabs(corr[j]);
    return (int)j;
}

/* Gram rows of the atoms chosen at this step that have none yet: one dgemm. */
static void add_rows(slt_omp *w, const double *D, size_t ldd, size_t p, size_t dim, size_t *nrows, const int *idx,
                    size_t n, size_t k, size_t t)
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
        memcpy(w->gath + a * dim, D + (size_t)w->newat[a] * ldd, dim * sizeof(double));
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nn, (int)p, (int)dim, 1.0, w->gath, (int)dim, D, (int)ldd,
                0.0, w->rows + *nrows * w->pmax, (int)w->pmax);
    *nrows += nn;
}

/* Step t of signal i: select, extend the factor, refit; 0 if it stops here. */
static int omp_step(slt_omp *w, size_t p, size_t i, size_t k, size_t t, double tiny, int *S, double *x)
{
    const double *c0 = w->C0 + i * p;
    double best, *L = w->L + i * w->kmax * w->kmax, *b = w->b + i * w->kmax;
    int j = select_atom(w, p, c0, S, x, t, &best);
    if (j < 0 || !(best > tiny) || !chol_add(w, L, S, t, j))
        return 0;
    S[t] = j;
    b[t] = c0[j];
    chol_solve(L, w->kmax, t + 1, b, x);
    return 1;
}

size_t slt_omp_run(slt_omp *w, const double *D, size_t ldd, size_t p, size_t dim, const double *Y, size_t ldy,
                   size_t n, size_t k, int *idx, double *coef)
{
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)p, (int)dim, 1.0, Y, (int)ldy, D, (int)ldd, 0.0,
                w->C0, (int)p);
    double gmax = 0;
    for (size_t j = 0; j < p; j++) {
        w->nrm2[j] = cblas_ddot((int)dim, D + j * ldd, 1, D + j * ldd, 1);
        gmax = fmax(gmax, w->nrm2[j]);
        w->slot[j] = -1;
    }
    for (size_t i = 0; i < n * k; i++) {
        idx[i] = -1;
        coef[i] = 0;
    }
    memset(w->done, 0, n);
    for (size_t i = 0; i < n; i++)
        w->tiny[i] = OMP_VANISH * cblas_dnrm2((int)dim, Y + i * ldy, 1) * sqrt(gmax);
    size_t nrows = 0, early = 0;
    for (size_t t = 0; t < k; t++) {
        for (size_t i = 0; i < n; i++) {
            if (w->done[i])
                continue;
            if (!omp_step(w, p, i, k, t, w->tiny[i], idx + i * k, coef + i * k)) {
                w->done[i] = 1;
                early++;
            }
        }
        /* rows are needed by the next step's selection, and by every later Cholesky update */
        if (t + 1 < k)
            add_rows(w, D, ldd, p, dim, &nrows, idx, n, k, t);
    }
    return early;
}
