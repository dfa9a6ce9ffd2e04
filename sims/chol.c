/* chol.c: Cholesky A = L L^T for the Gram matrices of the simulations (ridge_sim.c, rf_sim.c). Left-looking in
 * blocks of CHOL_NB columns: per block one dgemm with the columns of L already found (the whole
 * panel below the diagonal at once; the upper half of its diagonal block is wasted work, b^2 k/2),
 * then the panel unblocked and vectorised. At order 200 (100) this took 0.70x (0.63x) the time of
 * the same with a dsyrk, a dgemm, OpenBLAS's dtrsm (slow on 8-column panels) and a scalar diagonal
 * block per block, about 0.8 of the dgemm rate, and 0.58x (0.53x) that of OpenBLAS 0.3.21's dpotrf
 * (its recursive blocking leaves too much to small kernels); results agree to rounding. The panel
 * is compiled without FMA contraction, so every clone gives the same bits. */
#include "sims/chol.h"

#include <math.h>

#include <gsl/gsl_cblas.h>

#define CHOL_NB 8

#include "engine/clones.h" /* SLT_CLONES_512: AVX-512, AVX2 and generic clones of the panel */

/* the b columns of the rows x b panel A: the diagonal block and the rows below it in one pass
 * (BLAS dtrsm is slow at this width); its axpys are most of the time left outside the dgemm */
SLT_CLONES_512 __attribute__((optimize("fp-contract=off"))) static int chol_panel(long rows, long b, double *A,
                                                                               long ld)
{
    for (long j = 0; j < b; j++) {
        double *cj = A + j * ld, d = cj[j];
        for (long k = 0; k < j; k++)
            d -= A[j + k * ld] * A[j + k * ld];
        if (!(d > 0))
            return 1;
        d = sqrt(d);
        cj[j] = d;
        for (long k = 0; k < j; k++) {
            const double *ck = A + k * ld, f = A[j + k * ld];
#pragma omp simd
            for (long i = j + 1; i < rows; i++)
                cj[i] -= ck[i] * f;
        }
        double r = 1 / d; /* a division per entry would cost as much as the dgemm */
#pragma omp simd
        for (long i = j + 1; i < rows; i++)
            cj[i] *= r;
    }
    return 0;
}

int slt_chol_rows(long rows, long c, double *A, long ld)
{
    for (long k = 0; k < c; k += CHOL_NB) {
        long b = c - k < CHOL_NB ? c - k : CHOL_NB;
        double *Akk = A + k + k * ld;
        if (k)
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, rows - k, b, k, -1.0, A + k, ld, A + k, ld, 1.0, Akk, ld);
        if (chol_panel(rows - k, b, Akk, ld))
            return 1;
    }
    return 0;
}


int slt_chol_factor(long m, double *A)
{
    return slt_chol_rows(m, m, A, m);
}
