/* Tests of sims/mp_sim.c: the FFT convolution against a direct sum, the estimators on hand-made
 * spectra, the atom and the integrals, determinism, and simulation vs the Marchenko-Pastur law
 * (linear.md 1.1, 1.2) at a fixed seed.
 *
 * Tolerance of the simulation checks: |mean - target| <= 3 SE + b. Per check, a Gaussian mean
 * leaves 3 SE with probability 0.3%. Targets remove the estimators' smoothing bias exactly: the
 * KDE is compared with the limit density convolved with the same reflected kernel
 * (slt_mp_sim_smoothed), the histogram with the bin average of the limit density. What remains is
 * the finite-N bias of the mean eigenvalue density. For real (beta = 1) Gaussian matrices its
 * leading term in the bulk is of order 1/(2 pi N sqrt((l_+ - l)(l - l_-))) (the Laguerre analogue
 * of the GOE correction -1/(2 pi N sqrt(4 - x^2))), N the eigenvalue count of the matrix: 2.8e-4
 * to 4e-4 for x in [0.5, 2.5] at alpha = 0.5, N = 400, where 4000 trials measured KDE - smoothed
 * theory between +0.6e-4 and -6.5e-4 (SE 1.5e-4). b is twice the leading term,
 * b = 1/(pi N sqrt((l_+ - x)(x - l_-))), at most 8e-4 here, while 3 SE at 60 trials is about 4e-3:
 * the bias allowance is a small part of the tolerance. Points closer to the edges than 0.4 are
 * not tested: there the finite-N density has soft edges of width O(N^-2/3) and the bias is larger. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "engine/rng.h"
#include "sims/mp_sim.h"
#include "tests/check.h"
#include "theory/mp.h"

extern void openblas_set_num_threads(int);

static void fft_vs_direct(size_t M, double h, double bw, unsigned seed)
{
    slt_mp_kde *k = slt_mp_kde_alloc(M);
    double *w = malloc(M * sizeof(double)), *a = malloc(M * sizeof(double)), *b = malloc(M * sizeof(double));
    gsl_rng *r = slt_rng_alloc(seed, 0, 0);
    for (size_t i = 0; i < M; i++)
        w[i] = gsl_rng_uniform(r);
    int rc = slt_mp_kde_convolve(k, w, h, bw, a);
    double err = 0, big = 0;
    for (size_t j = 0; j < M; j++) {
        double s = 0; /* every pair, |j - i| < M: the linear convolution the FFT must equal */
        for (size_t i = 0; i < M; i++) {
            double u = ((double)j - (double)i) * h / bw;
            s += w[i] * exp(-0.5 * u * u) / (bw * sqrt(2 * M_PI));
        }
        b[j] = s;
        err = fmax(err, fabs(a[j] - s));
        big = fmax(big, fabs(s));
    }
    /* FFT rounding: about log2(2M) eps relative to the largest output; 1e-12 leaves a wide margin,
     * while one wrapped-around term would err by at least the smallest kernel value times w,
     * which the wide kernels (bw = M h) make of order the output itself */
    check_ok(rc == 0 && err <= 1e-12 * big, "FFT convolution = direct sum, M = %zu, bw/h = %g: max error %.3g of %.3g",
             M, bw / h, err, big);
    gsl_rng_free(r);
    free(w), free(a), free(b);
    slt_mp_kde_free(k);
}

typedef struct {
    double mean[3 * 64], se[3 * 64];
} stats_t;

/* T trials of design d at x[0..nx-1]; trial t uses stream (seed, 0, t) as the engine would */
static void run(const slt_mp_design *d, const slt_mp_kde *k, size_t nx, const double *x, int T, unsigned seed,
                stats_t *s)
{
    double s1[3 * 64] = {0}, s2[3 * 64] = {0}, out[3 * 64];
    char err[256];
    double bw = slt_mp_sim_bandwidth(d, 0);
    gsl_rng *r = slt_rng_alloc(seed, 0, 0);
    for (int t = 0; t < T; t++) {
        slt_rng_reseed(r, seed, 0, (uint64_t)t);
        if (slt_mp_sim(d, k, bw, nx, x, r, out, err))
            check_ok(0, "simulation failed: %s", err);
        for (size_t j = 0; j < 3 * nx; j++)
            s1[j] += out[j], s2[j] += out[j] * out[j];
    }
    gsl_rng_free(r);
    for (size_t j = 0; j < 3 * nx; j++) {
        s->mean[j] = s1[j] / T;
        s->se[j] = sqrt(fmax(s2[j] / T - s->mean[j] * s->mean[j], 0) / (T - 1));
    }
}

static double indicator(double l, void *p)
{
    const double *e = p;
    return l >= e[0] && l < e[1];
}

/* (1/w) int_bin rho_c: with the bin edges as break points every piece is a smooth integrand */
static double bin_average(const slt_mp_design *d, double lo, double hi)
{
    double e[2] = {lo, hi}, v;
    double br[2] = {lo, hi};
    slt_mp_integrate_split(d->ratio, 2, br, indicator, e, &v);
    return (d->norm == SLT_MP_HMRT ? v / d->ratio : v) / (hi - lo);
}

static void vs_theory(const char *name, const slt_mp_design *d, size_t nx, const double *x, double width, int T,
                      unsigned seed)
{
    /* histogram bins of `width` centred at x: give the x points and their neighbours at +-width
     * so that each tested bin is [x - width/2, x + width/2) */
    double xx[3 * 16];
    for (size_t i = 0; i < nx; i++)
        xx[3 * i] = x[i] - width, xx[3 * i + 1] = x[i], xx[3 * i + 2] = x[i] + width;
    slt_mp_kde *k = slt_mp_kde_alloc(slt_mp_kde_bins(d, slt_mp_sim_bandwidth(d, 0)));
    stats_t s;
    run(d, k, 3 * nx, xx, T, seed, &s);
    double lo = slt_mp_edge_lo(d->ratio), hi = slt_mp_edge_hi(d->ratio), bw = slt_mp_sim_bandwidth(d, 0);
    for (size_t i = 0; i < nx; i++) {
        size_t q = 3 * (3 * i + 1);
        /* N: the matrix's eigenvalue count (cols), the normalisation of the density in both
         * conventions; HMRT gamma = 2 at n = 200 is AS alpha = 1/2 at N = 400 scaled by 2 */
        double b = 1.0 / (M_PI * (double)d->cols * sqrt((hi - x[i]) * (x[i] - lo)));
        double sm;
        slt_mp_sim_smoothed(d, bw, x[i], &sm);
        double z = (s.mean[q] - sm) / s.se[q];
        check_ok(fabs(s.mean[q] - sm) <= 3 * s.se[q] + b,
                 "%s: KDE at x = %g: %.5f +- %.5f vs smoothed theory %.5f (z = %.2f; allowed 3 SE + %.1e)", name,
                 x[i], s.mean[q], s.se[q], sm, z, b);
        double ba = bin_average(d, x[i] - width / 2, x[i] + width / 2);
        z = (s.mean[q + 1] - ba) / s.se[q + 1];
        check_ok(fabs(s.mean[q + 1] - ba) <= 3 * s.se[q + 1] + b,
                 "%s: histogram at x = %g: %.5f +- %.5f vs bin average %.5f (z = %.2f; allowed 3 SE + %.1e)", name,
                 x[i], s.mean[q + 1], s.se[q + 1], ba, z, b);
    }
    slt_mp_kde_free(k);
}

/* sum over bins of hist * width for a grid 0:xmax:n, bins clipped at 0 */
static double hist_integral(const double *out, size_t n, double step)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += out[3 * i + 1] * (i == 0 ? step / 2 : step);
    return s;
}

int main(void)
{
    gsl_set_error_handler_off();
    openblas_set_num_threads(1); /* as in the engine: one BLAS thread per trial */

    /* 1. FFT = direct O(M^2) convolution, narrow kernels and kernels as wide as the grid */
    fft_vs_direct(8, 1.0, 0.7, 1);
    fft_vs_direct(37, 0.1, 0.35, 2);
    fft_vs_direct(64, 1.0, 64.0, 3);
    fft_vs_direct(250, 0.01, 2.5, 4);

    /* 2. estimators on a hand-made spectrum: total 6, eigenvalues 0, -1e-16 and 1e-15 (zeros:
     * below the rounding level 6 eps l_max = 2.7e-15), 1 and 2 */
    {
        double eig[] = {2, -1e-16, 1e-15, 1}, x[] = {1, 2}, out[6];
        slt_mp_kde *k = slt_mp_kde_alloc(4096);
        double bw = 0.1;
        slt_mp_sim_estimate(k, 4, eig, 6, bw, 2, x, out);
        check_close(out[2], 4.0 / 6.0, 1e-15, "atom: 4 zero eigenvalues of 6 (2 not given, 2 at rounding level)");
        check_close(out[1], 1.0 / 6.0, 1e-15, "histogram at 1: 1 eigenvalue / (6 x width 1)");
        check_close(out[4], 1.0 / 6.0, 1e-15, "histogram at 2: 1 eigenvalue / (6 x width 1)");
        /* KDE at an eigenvalue: phi(0)/bw/6 (the other is 10 bw away: e^-50). Grid spacing
         * h = (1 + 12 bw)/4095 = 5.4e-4 = bw/185: binning and interpolation err by ~(h/bw)^2 ~ 3e-5
         * relative; 1e-4 relative covers it. */
        double want = 1.0 / (sqrt(2 * M_PI) * bw * 6);
        check_rel(out[0], want, 1e-4, "KDE at an isolated eigenvalue = phi(0)/(bw total)");
        check_rel(out[3], want, 1e-4, "KDE at the other eigenvalue");
        /* reflection at 0: an eigenvalue at 0.05 with bw = 0.1 gives [phi(0.5) + phi(0.5)]/(bw n)
         * at x = 0 */
        double e2[] = {0.05}, x0 = 0, o2[3];
        slt_mp_sim_estimate(k, 1, e2, 1, bw, 1, &x0, o2);
        check_rel(o2[0], 2 * exp(-0.125) / (sqrt(2 * M_PI) * bw), 1e-4, "KDE reflected at 0");
        slt_mp_kde_free(k);
    }

    /* 3. atom fractions: (1 - alpha)_+ (AS), (1 - 1/gamma)_+ (HMRT), up to the rounding of P, p */
    {
        struct {
            int norm;
            double ratio;
            long N;
            double want;
        } c[] = {{SLT_MP_AS, 0.5, 400, 0.5},     {SLT_MP_AS, 0.3, 101, 71.0 / 101.0},
                 {SLT_MP_AS, 1.0, 60, 0.0},       {SLT_MP_AS, 2.0, 100, 0.0},
                 {SLT_MP_HMRT, 2.0, 100, 0.5},    {SLT_MP_HMRT, 0.5, 100, 0.0},
                 {SLT_MP_HMRT, 3.3, 30, 1.0 - 30.0 / 99.0}};
        double x = 1, out[3];
        char err[256];
        gsl_rng *r = slt_rng_alloc(5, 0, 0);
        for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
            slt_mp_design d = slt_mp_sim_design(c[i].norm, c[i].ratio, c[i].N);
            double bw = slt_mp_sim_bandwidth(&d, 0);
            slt_mp_kde *k = slt_mp_kde_alloc(slt_mp_kde_bins(&d, bw));
            slt_mp_sim(&d, k, bw, 1, &x, r, out, err);
            char what[96];
            snprintf(what, sizeof what, "atom fraction, %s ratio %g, N = %ld", c[i].norm ? "hmrt" : "as", c[i].ratio,
                     c[i].N);
            check_close(out[2], c[i].want, 1e-15, what);
            slt_mp_kde_free(k);
        }
        gsl_rng_free(r);
    }

    /* 4. integrals: histogram (exact: every nonzero eigenvalue lies in one bin of 0:10:201) and KDE
     * (trapezoid on a grid 50x finer than bw: error ~ 1e-7; the grid's 6 bw cut loses ~1e-9) equal
     * the continuous mass min(1, alpha) (AS), min(1, 1/gamma) (HMRT); one trial, same seed */
    {
        struct {
            int norm;
            double ratio, mass;
        } c[] = {{SLT_MP_AS, 0.5, 0.5}, {SLT_MP_AS, 1.0, 1.0}, {SLT_MP_AS, 2.0, 1.0}, {SLT_MP_HMRT, 2.0, 0.5}};
        enum { NX = 201, NF = 8001 };
        static double xg[NX], xf[NF], out[3 * NF];
        char err[256];
        for (int i = 0; i < NX; i++)
            xg[i] = 10.0 * i / (NX - 1);
        for (int i = 0; i < NF; i++)
            xf[i] = 10.0 * i / (NF - 1);
        for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
            slt_mp_design d = slt_mp_sim_design(c[i].norm, c[i].ratio, 200);
            double bw = slt_mp_sim_bandwidth(&d, 0);
            slt_mp_kde *k = slt_mp_kde_alloc(slt_mp_kde_bins(&d, bw));
            gsl_rng *r = slt_rng_alloc(9, 0, i);
            slt_mp_sim(&d, k, bw, NX, xg, r, out, err);
            char what[96];
            snprintf(what, sizeof what, "integral of the histogram = %g (%s, ratio %g)", c[i].mass,
                     c[i].norm ? "hmrt" : "as", c[i].ratio);
            check_close(hist_integral(out, NX, 10.0 / (NX - 1)), c[i].mass, 1e-12, what);
            slt_rng_reseed(r, 9, 0, i);
            slt_mp_sim(&d, k, bw, NF, xf, r, out, err);
            double s = 0, h = 10.0 / (NF - 1);
            for (int j = 0; j < NF; j++)
                s += out[3 * j] * (j == 0 || j == NF - 1 ? h / 2 : h);
            snprintf(what, sizeof what, "integral of the KDE = %g (%s, ratio %g, bw = %.3g)", c[i].mass,
                     c[i].norm ? "hmrt" : "as", c[i].ratio, bw);
            check_close(s, c[i].mass, 1e-5, what);
            gsl_rng_free(r);
            slt_mp_kde_free(k);
        }
    }

    /* 5. determinism: the same stream gives the same bytes */
    {
        slt_mp_design d = slt_mp_sim_design(SLT_MP_HMRT, 0.7, 150);
        double bw = slt_mp_sim_bandwidth(&d, 0), x[41], a[123], b[123];
        char err[256];
        for (int i = 0; i < 41; i++)
            x[i] = 0.1 * i;
        slt_mp_kde *k = slt_mp_kde_alloc(slt_mp_kde_bins(&d, bw));
        gsl_rng *r = slt_rng_alloc(3, 1, 2);
        slt_mp_sim(&d, k, bw, 41, x, r, a, err);
        slt_rng_reseed(r, 3, 1, 2);
        slt_mp_sim(&d, k, bw, 41, x, r, b, err);
        check_ok(memcmp(a, b, sizeof a) == 0, "same seed, same bytes");
        gsl_rng_free(r);
        slt_mp_kde_free(k);
    }

    /* 6. simulation vs theory in the bulk (tolerance: see the top of this file) */
    {
        double x[] = {0.5, 1.0, 1.5, 2.0, 2.5};
        slt_mp_design d = slt_mp_sim_design(SLT_MP_AS, 0.5, 400);
        vs_theory("as alpha=0.5 N=400", &d, 5, x, 0.05, 60, 21);
        double y[] = {1.0, 2.0, 3.0, 4.0, 5.0};
        d = slt_mp_sim_design(SLT_MP_AS, 2.0, 200);
        vs_theory("as alpha=2 N=200", &d, 5, y, 0.1, 60, 22);
        d = slt_mp_sim_design(SLT_MP_HMRT, 2.0, 200);
        vs_theory("hmrt gamma=2 N=200", &d, 5, y, 0.1, 60, 23);
    }
    return check_done();
}
