/* test_structured.c: the Walsh-Hadamard transforms, structured feature maps against their dense
 * rows, row norms, orthogonality, and determinism (random_features.md section 3). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sims/structured.h"
#include "slt.h"
#include "tests/check.h"

static double max_abs_diff(const double *a, const double *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(a[i] - b[i]));
    return m;
}

/* x on the sphere of radius sqrt(d), as the simulations use */
static void sphere_point(gsl_rng *r, double *x, size_t d)
{
    double ss = 0;
    for (size_t i = 0; i < d; i++) {
        x[i] = gsl_ran_gaussian(r, 1.0);
        ss += x[i] * x[i];
    }
    for (size_t i = 0; i < d; i++)
        x[i] *= sqrt((double)d / ss);
}

static void test_wht(gsl_rng *r)
{
    for (size_t d = 1; d <= 4096; d *= 2) {
        slt_sf_plan *p = slt_sf_plan_alloc(d);
        double *x = fftw_malloc(d * sizeof *x), *y1 = fftw_malloc(d * sizeof *y1),
               *y2 = fftw_malloc(d * sizeof *y2), *ref = malloc(d * sizeof *ref);
        for (size_t i = 0; i < d; i++)
            x[i] = gsl_ran_gaussian(r, 1.0);
        /* the definition H_ij = (-1)^popcount(i & j), O(d^2) */
        double scale = 0;
        for (size_t i = 0; i < d; i++) {
            double s = 0;
            for (size_t j = 0; j < d; j++)
                s += (__builtin_popcountll(i & j) & 1) ? -x[j] : x[j];
            ref[i] = s;
            scale = fmax(scale, fabs(s));
        }
        memcpy(y1, x, d * sizeof *x);
        memcpy(y2, x, d * sizeof *x);
        int st1 = slt_sf_wht(p, SLT_SF_WHT_FFTW, y1), st2 = slt_sf_wht(p, SLT_SF_WHT_BUTTERFLY, y2);
        /* each output is a +-1 sum of d terms: rounding ~ log2(d) eps max|partial sums| */
        double tol = 1e-14 * (scale + 1) * (1 + log2((double)d));
        check_ok(p && st1 == SLT_OK && st2 == SLT_OK
                     && max_abs_diff(y1, ref, d) <= tol && max_abs_diff(y2, ref, d) <= tol
                     && max_abs_diff(y1, y2, d) <= tol,
                 "WHT d = %zu: FFTW vs dense %.2g, butterfly vs dense %.2g, FFTW vs butterfly %.2g",
                 d, max_abs_diff(y1, ref, d), max_abs_diff(y2, ref, d), max_abs_diff(y1, y2, d));
        if (d == 4096) {
            /* H H = d I */
            slt_sf_wht(p, SLT_SF_WHT_FFTW, y1);
            for (size_t i = 0; i < d; i++)
                y1[i] /= (double)d;
            check_ok(max_abs_diff(y1, x, d) < 1e-13, "H H = d I at d = 4096: %.2g",
                     max_abs_diff(y1, x, d));
            /* FFTW's new-array execute needs the planning alignment: reject anything else */
            double *mis = malloc((d + 1) * sizeof *mis);
            double *mx = fftw_alignment_of(mis) == fftw_alignment_of(x) ? mis + 1 : mis;
            check_ok(slt_sf_wht(p, SLT_SF_WHT_FFTW, mx) == SLT_EUSAGE,
                     "FFTW WHT rejects misaligned input");
            check_ok(slt_sf_wht(p, SLT_SF_WHT_BUTTERFLY, mx) == SLT_OK,
                     "butterfly WHT accepts any input");
            check_ok(slt_sf_wht(p, 7, x) == SLT_EUSAGE, "unknown WHT method rejected");
            free(mis);
        }
        fftw_free(x);
        fftw_free(y1);
        fftw_free(y2);
        free(ref);
        slt_sf_plan_free(p);
    }
    slt_sf_plan *p = slt_sf_plan_alloc(12);
    double *x = fftw_malloc(12 * sizeof *x);
    memset(x, 0, 12 * sizeof *x);
    check_ok(p && slt_sf_wht(p, SLT_SF_WHT_BUTTERFLY, x) == SLT_EUSAGE,
             "WHT at d = 12 (not a power of 2) rejected");
    fftw_free(x);
    slt_sf_plan_free(p);
}

/* Every check of one (kind, d, N, method): row norms, apply vs dense rows, batch vs apply. */
static void test_map(gsl_rng *r, slt_sf_plan *p, int kind, size_t N, int method)
{
    size_t d = slt_sf_plan_dim(p);
    const char *name = slt_sf_names[kind];
    const char *mname = method == SLT_SF_WHT_FFTW ? "fftw" : "butterfly";
    slt_sf_map *m = slt_sf_map_alloc(p, kind, N, method);
    if (!m) {
        check_ok(0, "%s d = %zu N = %zu: map_alloc", name, d, N);
        return;
    }
    check_ok(slt_sf_map_draw(m, r) == SLT_OK, "%s d = %zu N = %zu (%s): draw", name, d, N, mname);
    double *th = malloc(N * d * sizeof *th);
    check_ok(slt_sf_dense_rows(m, th) == SLT_OK, "%s: dense rows", name);

    double worst = 0;
    for (size_t a = 0; a < N; a++) {
        double ss = 0;
        for (size_t j = 0; j < d; j++)
            ss += th[a * d + j] * th[a * d + j];
        worst = fmax(worst, fabs(sqrt(ss) - sqrt((double)d)));
    }
    check_ok(worst <= 1e-10, "%s d = %zu N = %zu: row norms sqrt(d) (max dev %.2g)", name, d, N,
             worst);

    enum { n = 5 };
    double *X = malloc(n * d * sizeof *X), *Y = malloc(n * N * sizeof *Y),
           *y = malloc(N * sizeof *y), *ref = malloc(N * sizeof *ref);
    for (size_t i = 0; i < n; i++)
        sphere_point(r, X + i * d, d);
    double err = 0, berr = 0;
    for (size_t i = 0; i < n; i++) {
        slt_sf_apply(m, X + i * d, y);
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)N, (int)d, 1 / sqrt((double)d), th, (int)d,
                    X + i * d, 1, 0, ref, 1);
        err = fmax(err, max_abs_diff(y, ref, N));
    }
    slt_sf_apply_batch(m, X, n, Y);
    for (size_t i = 0; i < n; i++) {
        slt_sf_apply(m, X + i * d, y);
        berr = fmax(berr, max_abs_diff(Y + i * N, y, N));
    }
    /* pre-activations are O(1); the fast paths round ~ log2(d) eps times partial sums of size
     * sqrt(d): 1e-12 leaves a margin of ~100 at d = 1024 */
    check_ok(err <= 1e-12, "%s d = %zu N = %zu (%s): apply = Theta x / sqrt(d) (max err %.2g)",
             name, d, N, mname, err);
    check_ok(berr <= 1e-13, "%s d = %zu N = %zu: batch = apply row by row (max err %.2g)", name, d,
             N, berr);

    /* Orthogonal blocks (ORF and SORF): Gram of each full block = d I */
    if (kind == SLT_SF_ORTHOGONAL || kind == SLT_SF_SORF) {
        double go = 0, *G = malloc(d * d * sizeof *G);
        for (size_t b = 0; b * d < N; b++) {
            size_t nr = (b + 1) * d <= N ? d : N - b * d;
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)nr, (int)d, 1.0 / (double)d,
                        th + b * d * d, (int)d, 0.0, G, (int)d);
            for (size_t a1 = 0; a1 < nr; a1++)
                for (size_t a2 = a1; a2 < nr; a2++)
                    go = fmax(go, fabs(G[a1 * d + a2] - (a1 == a2 ? 1.0 : 0.0)));
        }
        free(G);
        check_ok(go <= 1e-12, "%s d = %zu: rows within a block orthogonal (max |G/d - I| %.2g)",
                 name, d, go);
    }
    /* Circulant: |Theta[k][j]| = |g[(k - j) mod d]| depends on k - j only, so it is unchanged
     * by the diagonal shift (k, j) -> (k + 1, j + 1 mod d) inside a block */
    if (kind == SLT_SF_CIRCULANT) {
        int circ = 1;
        for (size_t a = 0; a + 1 < N; a++) {
            if ((a + 1) % d == 0)
                continue; /* next row starts a new block */
            for (size_t j = 0; j < d; j++)
                if (fabs(th[a * d + j]) != fabs(th[(a + 1) * d + (j + 1) % d]))
                    circ = 0;
        }
        check_ok(circ, "circulant d = %zu: |Theta[k][j]| = |Theta[k+1][j+1]| in every block", d);
    }
    free(X);
    free(Y);
    free(y);
    free(ref);
    free(th);
    slt_sf_map_free(m);
}

static void test_determinism(slt_sf_plan *p, int kind, size_t N)
{
    size_t d = slt_sf_plan_dim(p);
    gsl_rng *r1 = gsl_rng_alloc(gsl_rng_mt19937), *r2 = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r1, 42);
    gsl_rng_set(r2, 42);
    slt_sf_map *m1 = slt_sf_map_alloc(p, kind, N, SLT_SF_WHT_FFTW),
               *m2 = slt_sf_map_alloc(p, kind, N, SLT_SF_WHT_FFTW);
    slt_sf_map_draw(m1, r1);
    slt_sf_map_draw(m2, r2);
    double *x = malloc(d * sizeof *x), *y1 = malloc(N * sizeof *y1), *y2 = malloc(N * sizeof *y2);
    double *t1 = malloc(N * d * sizeof *t1), *t2 = malloc(N * d * sizeof *t2);
    sphere_point(r1, x, d);
    slt_sf_apply(m1, x, y1);
    slt_sf_apply(m2, x, y2);
    slt_sf_dense_rows(m1, t1);
    slt_sf_dense_rows(m2, t2);
    int same = memcmp(y1, y2, N * sizeof *y1) == 0 && memcmp(t1, t2, N * d * sizeof *t1) == 0;
    /* a second draw from the advanced stream differs */
    slt_sf_map_draw(m2, r2);
    slt_sf_apply(m2, x, y2);
    int differs = memcmp(y1, y2, N * sizeof *y1) != 0;
    check_ok(same && differs, "%s d = %zu: same seed gives identical bytes, a new draw differs",
             slt_sf_names[kind], d);
    free(x);
    free(y1);
    free(y2);
    free(t1);
    free(t2);
    slt_sf_map_free(m1);
    slt_sf_map_free(m2);
    gsl_rng_free(r1);
    gsl_rng_free(r2);
}

int main(void)
{
    gsl_set_error_handler_off();
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1);

    /* names and support */
    int names_ok = 1;
    for (int k = 0; k < SLT_SF_COUNT; k++)
        names_ok &= slt_sf_from_name(slt_sf_names[k]) == k;
    check_ok(names_ok && slt_sf_names[SLT_SF_COUNT] == NULL && slt_sf_from_name("gauss") == -1,
             "kind names: iid orthogonal sorf circulant fastfood, NULL-terminated");
    check_ok(slt_sf_supported(SLT_SF_SORF, 12) == SLT_EUSAGE
                 && slt_sf_supported(SLT_SF_FASTFOOD, 100) == SLT_EUSAGE
                 && slt_sf_supported(SLT_SF_CIRCULANT, 12) == SLT_OK
                 && slt_sf_supported(SLT_SF_ORTHOGONAL, 12) == SLT_OK
                 && slt_sf_supported(SLT_SF_SORF, 64) == SLT_OK
                 && slt_sf_supported(SLT_SF_IID, 0) == SLT_EUSAGE,
             "sorf and fastfood need d a power of 2; circulant and orthogonal any d");

    test_wht(r);

    slt_sf_plan *p8 = slt_sf_plan_alloc(8), *p12 = slt_sf_plan_alloc(12),
                *p64 = slt_sf_plan_alloc(64), *p1000 = slt_sf_plan_alloc(1000),
                *p1024 = slt_sf_plan_alloc(1024);
    check_ok(p8 && p12 && p64 && p1000 && p1024, "plans for d = 8, 12, 64, 1000, 1024");
    check_ok(slt_sf_map_alloc(p12, SLT_SF_SORF, 24, SLT_SF_WHT_FFTW) == NULL
                 && slt_sf_map_alloc(p12, SLT_SF_FASTFOOD, 24, SLT_SF_WHT_FFTW) == NULL,
             "sorf / fastfood maps at d = 12 refused");
    check_ok(slt_sf_map_alloc(p8, SLT_SF_SORF, 0, SLT_SF_WHT_FFTW) == NULL, "N = 0 refused");
    slt_sf_map_free(NULL);
    slt_sf_plan_free(NULL);

    for (int k = 0; k < SLT_SF_COUNT; k++) {
        /* N = 20 at d = 8: three blocks, the last truncated to 4 rows; N = 5 < d: one block */
        test_map(r, p8, k, 20, SLT_SF_WHT_FFTW);
        test_map(r, p8, k, 5, SLT_SF_WHT_BUTTERFLY);
        test_map(r, p64, k, 160, SLT_SF_WHT_FFTW);
        if (k == SLT_SF_SORF || k == SLT_SF_FASTFOOD) {
            test_map(r, p64, k, 160, SLT_SF_WHT_BUTTERFLY);
            test_map(r, p1024, k, 1024, SLT_SF_WHT_BUTTERFLY);
            test_map(r, p1024, k, 1024, SLT_SF_WHT_FFTW);
        } else {
            test_map(r, p12, k, 30, SLT_SF_WHT_FFTW);
        }
    }
    test_map(r, p1000, SLT_SF_CIRCULANT, 1000, SLT_SF_WHT_FFTW); /* 3.2: error ~1e-13 */
    test_map(r, p1000, SLT_SF_ORTHOGONAL, 1000, SLT_SF_WHT_FFTW);

    /* SORF at d = 4096 without dense rows: a block is sqrt(d) times an orthogonal matrix, so
     * sum_a <theta_a, x>^2 / d = ||x||^2 over each full block, for both transforms */
    {
        size_t d = 4096, N = 2 * d;
        slt_sf_plan *p = slt_sf_plan_alloc(d);
        double *x = malloc(d * sizeof *x), *y1 = malloc(N * sizeof *y1),
               *y2 = malloc(N * sizeof *y2);
        gsl_rng *ra = gsl_rng_alloc(gsl_rng_mt19937), *rb = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(ra, 7);
        gsl_rng_set(rb, 7);
        slt_sf_map *m1 = slt_sf_map_alloc(p, SLT_SF_SORF, N, SLT_SF_WHT_FFTW),
                   *m2 = slt_sf_map_alloc(p, SLT_SF_SORF, N, SLT_SF_WHT_BUTTERFLY);
        slt_sf_map_draw(m1, ra);
        slt_sf_map_draw(m2, rb);
        sphere_point(r, x, d);
        slt_sf_apply(m1, x, y1);
        slt_sf_apply(m2, x, y2);
        double e = 0;
        for (size_t b = 0; b < 2; b++) {
            double ss = cblas_ddot((int)d, y1 + b * d, 1, y1 + b * d, 1);
            e = fmax(e, fabs(ss / (double)d - 1));
        }
        check_ok(e < 1e-12, "SORF d = 4096: block energy preserved (%.2g)", e);
        check_ok(max_abs_diff(y1, y2, N) < 1e-12, "SORF d = 4096: FFTW and butterfly agree (%.2g)",
                 max_abs_diff(y1, y2, N));
        slt_sf_map_free(m1);
        slt_sf_map_free(m2);
        gsl_rng_free(ra);
        gsl_rng_free(rb);
        free(x);
        free(y1);
        free(y2);
        slt_sf_plan_free(p);
    }

    for (int k = 0; k < SLT_SF_COUNT; k++)
        test_determinism(k == SLT_SF_CIRCULANT || k == SLT_SF_ORTHOGONAL ? p12 : p64, k, 100);

    slt_sf_plan_free(p8);
    slt_sf_plan_free(p12);
    slt_sf_plan_free(p64);
    slt_sf_plan_free(p1000);
    slt_sf_plan_free(p1024);
    gsl_rng_free(r);
    return check_done();
}
