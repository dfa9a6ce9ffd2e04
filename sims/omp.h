/* omp.h: orthogonal matching pursuit with exactly k atoms for a batch of signals (sparse_coding.md
 * section 4), over BLAS: one correlation product per batch and the Gram rows of the selected atoms,
 * in single precision as a filter, the contending atoms verified in double (omp.c): the results of
 * OMP in double precision. The workspace is owned by the caller (slt_omp_alloc / slt_omp_free);
 * results go to caller arrays. */
#ifndef SLT_OMP_H
#define SLT_OMP_H

#include <stddef.h>

typedef struct slt_omp slt_omp;

/* Workspace for batches of up to nmax signals of dimension up to dmax, dictionaries of up to pmax
 * atoms, k <= kmax. NULL if out of memory. */
slt_omp *slt_omp_alloc(size_t nmax, size_t pmax, size_t dmax, size_t kmax);
void slt_omp_free(slt_omp *w);
/* Bytes a workspace of these sizes holds (for memory checks). */
double slt_omp_bytes(size_t nmax, size_t pmax, size_t dmax, size_t kmax);

/* Codes of the n signals Y (n x dim, row stride ldy) over the p atoms D (p x dim, row stride ldd,
 * atoms as rows, NOT rescaled). For each signal i, k greedy steps: select the inactive atom with the
 * largest |<D_j, r>| (the first index on ties), refit y on the active atoms by least squares
 * (incremental Cholesky of the active Gram matrix), r = y - coef D_active. A signal stops early
 * when the correlations vanish (|<D_j, r>| <= 1e-12 ||y|| max_j ||D_j||) or the new atom is
 * (numerically) in the span of the active ones. Output: idx[i k + t] the t-th atom chosen and
 * coef[i k + t] its coefficient; unused slots have idx -1, coef 0. Returns the number of signals
 * that stopped early. n <= nmax, p <= pmax, dim <= dmax, k <= kmax. */
size_t slt_omp_run(slt_omp *w, const double *D, size_t ldd, size_t p, size_t dim, const double *Y, size_t ldy,
                   size_t n, size_t k, int *idx, double *coef);

#endif
