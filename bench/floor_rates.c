/* floor_rates.c: benchmark helper (not a test) for bench/floors.sh: the two rates that set the
 * floor of a simulation on this machine, one thread, CPU time: standard normals per second from
 * slt_rng_normals (the generator every simulation uses) and dgemm GFLOP/s (OpenBLAS, 1000 x 1000
 * x 1000, the best case of dense BLAS). Prints "normals_per_s gflops", best of 3 runs each. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gsl/gsl_cblas.h>

#include "engine/rng.h"

extern void openblas_set_num_threads(int);

static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int main(void)
{
    enum { NN = 1 << 22, M = 1000 };
    openblas_set_num_threads(1);
    double *x = malloc(NN * sizeof(double)), *a = malloc(3 * (size_t)M * M * sizeof(double));
    gsl_rng *r = slt_rng_alloc(1, 0, 0);
    if (!x || !a || !r)
        return 1;
    double bn = 1e300, bg = 1e300;
    for (int k = 0; k < 3; k++) {
        double t0 = cpu();
        for (int i = 0; i < 8; i++)
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
    printf("%.4g %.4g\n", 8.0 * NN / bn, 2.0 * M * M * M / bg / 1e9);
    gsl_rng_free(r);
    free(x);
    free(a);
    return 0;
}
