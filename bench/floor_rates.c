/* floor_rates.c: benchmark helper (not a test) for bench/floors.sh: the rates that set the floor of
 * a simulation on this machine, one thread, CPU time: standard normals per second from
 * slt_rng_normals (the generator every simulation uses), in calls of 8192 into one 64 kB buffer
 * that stays in cache (the simulations draw in such blocks; into a buffer of many megabytes the
 * rate is that of writing memory, which varied 2x here with other work on the machine), and dgemm
 * GFLOP/s (OpenBLAS, 1000 x 1000 x 1000, the best case of dense BLAS). Prints "normals_per_s
 * gflops", best of 7 and 3 runs.
 * With arguments n:m ... it also prints, for each, the seconds per call of the fastest LAPACK
 * route to the eigenvalues of W = G'G, G n x m standard normal, given its beta = 1 Laguerre
 * bidiagonal B (Dumitriu-Edelman; what the spectral gd-dynamics sampler needs): dsterf on the
 * tridiagonal B'B (formed in the timing) or dlasq1 (dqds) on B, the faster of the two, each the
 * mean over 20 draws, best of 3. The chi-squared entries are drawn outside the timing. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_randist.h>
#include <lapacke.h>

#include "engine/rng.h"

extern void openblas_set_num_threads(int);
extern void dlasq1_(const int *n, double *d, double *e, double *work, int *info);

static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* squared entries of a Laguerre bidiagonal: q = B_ii^2 (m), f = B_{i,i+1}^2 (m - 1) */
static void laguerre_sq(gsl_rng *r, long n, long m, double *q, double *f)
{
    for (long i = 0; i < m; i++)
        q[i] = gsl_ran_chisq(r, (double)(n - i));
    for (long i = 0; i + 1 < m; i++)
        f[i] = gsl_ran_chisq(r, (double)(m - 1 - i));
}

/* seconds per call of route 0 (dsterf on B'B) or 1 (dlasq1 on B), mean over K draws; -1 on failure */
static double eig_time(gsl_rng *r, long n, long m, int route)
{
    enum { K = 20 };
    double *q = malloc(8 * m * sizeof(double)), *f = q + m, *d = f + m, *e = d + m, *w = e + m, t = 0; /* w: 4m */
    if (!q)
        return -1;
    for (int k = 0; k < K; k++) {
        laguerre_sq(r, n, m, q, f);
        double t0 = cpu();
        int info = 0, mm = (int)m;
        if (route == 0) {
            memcpy(d, q, m * sizeof(double));
            for (long i = m - 2; i >= 0; i--) {
                e[i] = sqrt(d[i] * f[i]);
                d[i + 1] += f[i];
            }
            info = LAPACKE_dsterf((lapack_int)m, d, e);
        } else {
            for (long i = 0; i < m; i++)
                d[i] = sqrt(q[i]), e[i] = i + 1 < m ? sqrt(f[i]) : 0;
            dlasq1_(&mm, d, e, w, &info);
        }
        t += cpu() - t0;
        if (info) {
            free(q);
            return -1;
        }
    }
    free(q);
    return t / K;
}

int main(int argc, char **argv)
{
    enum { NN = 8192, CALLS = 4096, M = 1000 };
    openblas_set_num_threads(1);
    double *x = malloc(NN * sizeof(double)), *a = malloc(3 * (size_t)M * M * sizeof(double));
    gsl_rng *r = slt_rng_alloc(1, 0, 0);
    if (!x || !a || !r)
        return 1;
    double bn = 1e300, bg = 1e300;
    for (int k = 0; k < 7; k++) { /* 0.1 s a round: best of 7 (the shared machine's rate swings 1.5x) */
        double t0 = cpu();
        for (int i = 0; i < CALLS; i++)
            slt_rng_normals(r, x, NN, 1.0);
        double t1 = cpu();
        bn = t1 - t0 < bn ? t1 - t0 : bn;
    }
    slt_rng_normals(r, a, 2 * (size_t)M * M, 1.0);
    for (int k = 0; k < 3; k++) {
        double t0 = cpu();
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, M, M, 1.0, a, M, a + (size_t)M * M, M, 0.0,
                    a + 2 * (size_t)M * M, M);
        double t1 = cpu();
        bg = t1 - t0 < bg ? t1 - t0 : bg;
    }
    printf("%.4g %.4g", (double)CALLS * NN / bn, 2.0 * M * M * M / bg / 1e9);
    for (int a = 1; a < argc; a++) {
        long n = 0, m = 0;
        if (sscanf(argv[a], "%ld:%ld", &n, &m) != 2 || m < 1 || n < m || m > 100000)
            return 2;
        double b[2] = {1e300, 1e300};
        for (int k = 0; k < 6; k++) { /* routes alternate, 3 repeats each */
            double t = eig_time(r, n, m, k % 2);
            if (t < 0)
                return 1;
            b[k % 2] = t < b[k % 2] ? t : b[k % 2];
        }
        fprintf(stderr, "n = %ld, m = %ld: dsterf %.4g s, dlasq1 %.4g s\n", n, m, b[0], b[1]);
        printf(" %.4g", b[0] < b[1] ? b[0] : b[1]);
    }
    printf("\n");
    gsl_rng_free(r);
    free(x);
    free(a);
    return 0;
}
