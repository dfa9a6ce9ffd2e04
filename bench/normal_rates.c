/* normal_rates.c: benchmark helper (not a test) for bench/normals.sh: standard normals per second
 * from slt_rng_normals by each of its paths (scalar, AVX2, AVX-512) that this processor runs, one
 * thread, CPU time. The paths are timed in turn, round after round, and each keeps its best round,
 * so that a load that comes and goes on a shared machine touches them alike. Prints one line per
 * path: "NAME normals_per_s", or "NAME -" for a path this processor lacks, then "auto NAME", the path
 * slt_rng_normals uses.
 * Usage: normal_rates [ROUNDS] [N]   (default 20 rounds of 8 calls of N = 1000000 normals) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "engine/rng.h"

static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 20;
    long n = argc > 2 ? atol(argv[2]) : 1000000;
    if (rounds < 1 || n < 1)
        return 2;
    double *x = malloc((size_t)n * sizeof *x), best[SLT_ZIG_PATHS];
    gsl_rng *r = slt_rng_alloc(1, 0, 0);
    if (!x || !r)
        return 1;
    for (int p = 0; p < SLT_ZIG_PATHS; p++)
        best[p] = 1e300;
    for (int k = 0; k < rounds; k++)
        for (int p = 0; p < SLT_ZIG_PATHS; p++) {
            if (!slt_rng_path_supported(p))
                continue;
            double t0 = cpu();
            for (int i = 0; i < 8; i++)
                slt_rng_normals_by(r, x, (size_t)n, 1.0, p);
            double t = cpu() - t0;
            best[p] = t < best[p] ? t : best[p];
        }
    for (int p = 0; p < SLT_ZIG_PATHS; p++)
        if (slt_rng_path_supported(p))
            printf("%s %.4g\n", slt_rng_path_name(p), 8.0 * n / best[p]);
        else
            printf("%s -\n", slt_rng_path_name(p));
    printf("auto %s\n", slt_rng_path_name(slt_rng_path()));
    gsl_rng_free(r);
    free(x);
    return 0;
}
