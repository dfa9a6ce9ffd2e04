/* rf_throughput.c: benchmark (not a test) of feature-map throughput, N = d features of one input,
 * at d = 1024, 4096, 8192: the FFTW / butterfly structured transforms of sims/structured.c against
 * the dense product with an N x d matrix (dgemv for one input, and dgemm per input over a batch
 * of 64 inputs, the dense method's best case). One thread, as in a sltsim trial. Prints a
 * Markdown table (microseconds per input, best of 3 timed runs of >= 0.2 s each). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_cblas.h>

#include "engine/rng.h"
#include "sims/structured.h"
#include "slt.h"

extern void openblas_set_num_threads(int);

#define BATCH 64

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

typedef struct {
    int what; /* 0 dgemv, 1 dgemm batch, 2 map apply */
    slt_sf_map *map;
    const double *theta, *X;
    double *out;
    size_t d;
} job_t;

static void run_once(const job_t *j)
{
    size_t d = j->d;
    if (j->what == 0)
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)d, (int)d, 1.0 / sqrt((double)d), j->theta, (int)d, j->X, 1,
                    0.0, j->out, 1);
    else if (j->what == 1)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, BATCH, (int)d, (int)d, 1.0 / sqrt((double)d), j->X,
                    (int)d, j->theta, (int)d, 0.0, j->out, (int)d);
    else
        slt_sf_apply(j->map, j->X, j->out);
}

/* microseconds per input, best of 3 */
static double time_job(const job_t *j)
{
    double best = INFINITY;
    int per = j->what == 1 ? BATCH : 1;
    for (int rep = 0; rep < 3; rep++) {
        long calls = 0;
        double t0 = now(), t;
        do {
            for (int k = 0; k < 8; k++)
                run_once(j);
            calls += 8;
        } while ((t = now() - t0) < 0.2);
        double us = 1e6 * t / (double)(calls * per);
        best = us < best ? us : best;
    }
    return best;
}

int main(void)
{
    openblas_set_num_threads(1);
    static const size_t dims[] = {1024, 4096, 8192};
    gsl_rng *r = slt_rng_alloc(1, 0, 0);
    printf("| d = N | dense dgemv | dense dgemm (batch of %d) | sorf (butterfly WHT) | sorf (FFTW WHT) | fastfood | "
           "circulant (FFTW r2c/c2r) | sorf speed-up vs dgemv / vs dgemm |\n",
           BATCH);
    printf("|---|---|---|---|---|---|---|---|\n");
    for (size_t k = 0; k < sizeof dims / sizeof dims[0]; k++) {
        size_t d = dims[k];
        slt_sf_plan *p = slt_sf_plan_alloc(d);
        double *theta = malloc(d * d * sizeof(double)), *X = malloc(BATCH * d * sizeof(double));
        double *out = malloc(BATCH * d * sizeof(double));
        if (!p || !theta || !X || !out) {
            fprintf(stderr, "out of memory at d = %zu\n", d);
            return 1;
        }
        for (size_t i = 0; i < BATCH; i++)
            slt_rng_sphere(r, X + i * d, d, sqrt((double)d));
        for (size_t i = 0; i < d; i++)
            slt_rng_sphere(r, theta + i * d, d, sqrt((double)d));
        job_t jv = {0, NULL, theta, X, out, d}, jm = {1, NULL, theta, X, out, d};
        double tv = time_job(&jv), tm = time_job(&jm), ts[4];
        static const int kinds[4] = {SLT_SF_SORF, SLT_SF_SORF, SLT_SF_FASTFOOD, SLT_SF_CIRCULANT};
        static const int methods[4] = {SLT_SF_WHT_BUTTERFLY, SLT_SF_WHT_FFTW, SLT_SF_WHT_BUTTERFLY,
                                       SLT_SF_WHT_BUTTERFLY};
        for (int q = 0; q < 4; q++) {
            slt_sf_map *m = slt_sf_map_alloc(p, kinds[q], d, methods[q]);
            slt_sf_map_draw(m, r);
            job_t js = {2, m, NULL, X, out, d};
            ts[q] = time_job(&js);
            slt_sf_map_free(m);
        }
        printf("| %zu | %.1f us | %.1f us | %.1f us | %.1f us | %.1f us | %.1f us | %.0fx / %.0fx |\n", d, tv, tm,
               ts[0], ts[1], ts[2], ts[3], tv / ts[0], tm / ts[0]);
        fflush(stdout);
        slt_sf_plan_free(p);
        free(theta);
        free(X);
        free(out);
    }
    gsl_rng_free(r);
    return 0;
}
