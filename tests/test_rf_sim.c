/* Simulation of random-features ridge regression (sims/rf_sim.c) against the Mei-Montanari limit
 * (random_features.md 1-2), its exact internal identities, and structured weights (3) for
 * running and determinism only. Fixed seeds; trials run on two OpenMP threads, each with its own
 * stream (seed, 0, trial), aggregated in trial order.
 *
 * Tolerance against theory: |mean - theory| <= 3.5 SE + b |theory|, b = 0.03.
 *  - 3.5 SE: a mean of T >= 30 i.i.d. draws is within 3.5 SE of its expectation except with
 *    probability ~5e-4 per check (~2% over the 39 checks, which share draws and so are not
 *    independent: fewer effective chances still);
 *  - b: finite-size bias. The limit is for d -> inf; the notes (2) measured d = 100 to be ~3% low
 *    at the peak psi1 = psi2 (lambda = 1e-3) and d >= 200 within statistics of ~1-2%. The bias is
 *    O(1/d), so ~1.5% at d = 200; b allows twice that. A wrong reading of the formula (zeta^2 for
 *    zeta, or lambda for lambar: notes 1.2) moves the error by ~40%, far outside 3.5 SE + 3%.
 *    The smooth activations are nearer that allowance at small errors: softplus at psi1 = 5,
 *    lambda = 0.01 measured -4.6%, -2.3%, -0.7% (SE ~1.5%) at d = 100, 200, 400: O(1/d) again.
 * The comparisons with theory use the exact test error (testerr=exact, the CLI default: no test-set
 * noise, the SE is the trial-to-trial spread); the sampled one (ntest inputs) is checked against the
 * exact one on the same draws (test_exact_vs_sample), and for the identities of one draw. Its SE
 * included the noise of the test set: measured at ~0.25 of the trial-to-trial spread for 4000 points
 * at d = 200, so it added ~3% to the SE. 40 trials near the peak psi1 = psi2 (notes 2), 30
 * elsewhere, to keep the test under a minute. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/rng.h"
#include "engine/slt.h"
#include "sims/rf_sim.h"
#include "sims/structured.h"
#include "tests/check.h"
#include "theory/activation.h"
#include "theory/mei_montanari.h"
#include "theory/rf_kernel.h"

extern void openblas_set_num_threads(int);

#define NMAXPTS 32
#define B_FINITE 0.03 /* finite-size allowance, see above */

typedef struct {
    double mean[NMAXPTS][SLT_RF_NOUT], se[NMAXPTS][SLT_RF_NOUT];
    int failed;
} stats_t;

/* T trials of one batch; raw (if non-NULL) receives every trial's outputs, T x npts x NOUT. */
static stats_t run(const slt_rf_design *dz, size_t npts, const slt_rf_point *pts, int T, uint64_t seed,
                   double *raw_out)
{
    stats_t s;
    memset(&s, 0, sizeof s);
    slt_sf_plan *plan = slt_sf_plan_alloc((size_t)dz->d);
    size_t per = npts * SLT_RF_NOUT;
    double *raw = malloc((size_t)T * per * sizeof(double));
    int failed = 0;
#pragma omp parallel for num_threads(2) schedule(dynamic, 1) reduction(| : failed)
    for (int t = 0; t < T; t++) {
        char err[SLT_ERRLEN];
        gsl_rng *r = slt_rng_alloc(seed, 0, (uint64_t)t);
        if (slt_rf_sim(dz, plan, npts, pts, r, raw + (size_t)t * per, err)) {
            printf("# simulation failed: %s\n", err);
            failed = 1;
        }
        gsl_rng_free(r);
    }
    s.failed = failed;
    for (size_t k = 0; k < npts; k++)
        for (int j = 0; j < SLT_RF_NOUT; j++) {
            double m = 0, q = 0;
            for (int t = 0; t < T; t++) /* Welford, in trial order */
            {
                double x = raw[(size_t)t * per + k * SLT_RF_NOUT + j], dm = x - m;
                m += dm / (t + 1);
                q += dm * (x - m);
            }
            s.mean[k][j] = m;
            s.se[k][j] = sqrt(q / (T - 1) / T);
        }
    if (raw_out)
        memcpy(raw_out, raw, (size_t)T * per * sizeof(double));
    free(raw);
    slt_sf_plan_free(plan);
    return s;
}

/* the exact test error for dz: its kernel, to be freed by the caller */
static slt_rf_kernel *exact(slt_rf_design *dz)
{
    return (slt_rf_kernel *)(dz->kern = slt_rfk_alloc(dz->act, dz->d));
}

static void vs_theory(double mean, double se, double th, const char *what)
{
    double z = (mean - th) / se, tol = 3.5 * se + B_FINITE * fabs(th);
    check_ok(fabs(mean - th) <= tol, "%s: sim %.5g +- %.2g vs theory %.5g (z = %.2f, %.1f%%; allowed 3.5 SE + 3%%)",
             what, mean, se, th, z, 100 * (mean - th) / th);
}

static slt_mm_result theory(int act, double psi1, double psi2, double lambda, double F1, double Fs, double tau2)
{
    slt_act_consts c;
    slt_act_constants(act, &c);
    slt_mm_result r;
    if (slt_mm_risk(psi1, psi2, lambda, c.mu1, c.mustar, F1 * F1, Fs * Fs, tau2, &r) != SLT_OK)
        r.test = r.bias = r.variance = NAN;
    return r;
}

/* ReLU, d = 200, psi2 = 3: the sweep of the notes' examples, 40 trials, one batch */
static void test_relu_sweep(void)
{
    slt_rf_design dz = {200, 600, SLT_ACT_RELU, SLT_SF_IID, 4000, NULL};
    static const double psi1[] = {0.5, 2, 3, 4.5, 6}, lam[] = {1e-3, 0.1};
    slt_rf_point pts[NMAXPTS];
    size_t np = 0;
    for (size_t i = 0; i < 5; i++)
        for (size_t l = 0; l < 2; l++)
            pts[np++] = (slt_rf_point){lround(psi1[i] * 200), lam[l], 1, 0, 0};
    pts[np++] = (slt_rf_point){400, 0.1, 1, 0, 0.25}; /* the warning example of notes 1.2 */
    slt_rf_kernel *kern = exact(&dz);
    stats_t s = run(&dz, np, pts, 40, 101, NULL);
    slt_rfk_free(kern);
    check_ok(!s.failed, "relu sweep ran");
    for (size_t k = 0; k + 1 < np; k++) {
        double p1 = pts[k].N / 200.0;
        slt_mm_result r = theory(SLT_ACT_RELU, p1, 3, pts[k].lambda, 1, 0, 0);
        char what[128];
        snprintf(what, sizeof what, "relu psi1 = %g, lambda = %g: test", p1, pts[k].lambda);
        vs_theory(s.mean[k][SLT_RF_TEST], s.se[k][SLT_RF_TEST], r.test, what);
        snprintf(what, sizeof what, "relu psi1 = %g, lambda = %g: variance", p1, pts[k].lambda);
        vs_theory(s.mean[k][SLT_RF_VARIANCE], s.se[k][SLT_RF_VARIANCE], r.variance, what);
        /* tau = F* = 0: the test error is the bias part, exactly */
        check_close(s.mean[k][SLT_RF_TEST], s.mean[k][SLT_RF_BIAS], 1e-12, "test = bias when tau = F* = 0");
    }
    size_t w = np - 1;
    vs_theory(s.mean[w][SLT_RF_TEST], s.se[w][SLT_RF_TEST], 0.444949, "notes 1.2 example (psi1 = 2, lambda = 0.1, tau2 = 0.25)");
    /* the two misreadings of the notes' warning are excluded */
    check_ok(fabs(s.mean[w][SLT_RF_TEST] - 0.280587) > 10 * s.se[w][SLT_RF_TEST],
             "zeta = mu1^2/mu*^2 reading (0.280587) excluded");
    check_ok(fabs(s.mean[w][SLT_RF_TEST] - 0.617156) > 10 * s.se[w][SLT_RF_TEST],
             "lambar = lambda reading (0.617156) excluded");
    /* the peak at lambda = 1e-3 is above its neighbours' errors only in variance (tau = 0): V
     * peaks at psi1 = psi2 (notes 1.3: V = 2.95 at psi1 = 3 against 1.63 at 2 and 1.70 at 4.5) */
    check_ok(s.mean[4][SLT_RF_VARIANCE] > s.mean[2][SLT_RF_VARIANCE] &&
                 s.mean[4][SLT_RF_VARIANCE] > s.mean[6][SLT_RF_VARIANCE],
             "variance peaks at psi1 = psi2 for small lambda");
    /* training error falls with N, and interpolation drives it near 0 past psi1 = psi2 */
    check_ok(s.mean[0][SLT_RF_TRAIN] > s.mean[2][SLT_RF_TRAIN] && s.mean[2][SLT_RF_TRAIN] > s.mean[8][SLT_RF_TRAIN],
             "training error decreases with psi1 (%.3g, %.3g, %.3g)", s.mean[0][SLT_RF_TRAIN],
             s.mean[2][SLT_RF_TRAIN], s.mean[8][SLT_RF_TRAIN]);
}

/* Ridgeless (lambda = 0, min-norm) away from the peak: notes 1.6, V = psi1/(psi2 - psi1) below the
 * threshold; the closed form of 1.5 everywhere; and the interpolation of the training labels. */
static void test_ridgeless(void)
{
    slt_rf_design dz = {200, 600, SLT_ACT_RELU, SLT_SF_IID, 2000, NULL};
    slt_rf_point pts[] = {{100, 0, 1, 0, 0.25}, {900, 0, 1, 0, 0.25}, {1200, 0, 1, 0, 0.25}};
    slt_rf_kernel *kern = exact(&dz);
    stats_t s = run(&dz, 3, pts, 40, 202, NULL);
    slt_rfk_free(kern);
    check_ok(!s.failed, "ridgeless runs");
    for (size_t k = 0; k < 3; k++) {
        double p1 = pts[k].N / 200.0;
        slt_mm_result r = theory(SLT_ACT_RELU, p1, 3, 0, 1, 0, 0.25);
        char what[128];
        snprintf(what, sizeof what, "ridgeless relu psi1 = %g, tau2 = 0.25: test", p1);
        vs_theory(s.mean[k][SLT_RF_TEST], s.se[k][SLT_RF_TEST], r.test, what);
        snprintf(what, sizeof what, "ridgeless relu psi1 = %g: variance", p1);
        vs_theory(s.mean[k][SLT_RF_VARIANCE], s.se[k][SLT_RF_VARIANCE], r.variance, what);
    }
    vs_theory(s.mean[0][SLT_RF_VARIANCE], s.se[0][SLT_RF_VARIANCE], 0.5 / 2.5, "ridgeless V = psi1/(psi2 - psi1) at psi1 = 0.5");
    /* N > n: the min-norm solution interpolates; the residual is rounding (Gram condition number
     * ~1e3 here, labels O(1)): below 1e-16 x 1e3^2 x 100 = 1e-8 */
    check_ok(s.mean[1][SLT_RF_TRAIN] < 1e-8 && s.mean[2][SLT_RF_TRAIN] < 1e-8,
             "ridgeless N > n interpolates: train %.3g, %.3g", s.mean[1][SLT_RF_TRAIN], s.mean[2][SLT_RF_TRAIN]);
    check_ok(s.mean[0][SLT_RF_TRAIN] > 0.1, "ridgeless N < n does not interpolate: train %.3g", s.mean[0][SLT_RF_TRAIN]);
}

/* Other activations and the nonlinear target (notes 1.2 table; 2 item 3). Away from the peak,
 * 30 trials, d = 200, the exact test error.
 * quad has mu1 = 0: the linear part cannot be learnt. */
static void test_activations(void)
{
    static const int acts[] = {SLT_ACT_TANH, SLT_ACT_SOFTPLUS, SLT_ACT_QUAD, SLT_ACT_ERF};
    for (size_t a = 0; a < 4; a++) {
        slt_rf_design dz = {200, 600, acts[a], SLT_SF_IID, 2000, NULL};
        slt_rf_point pts[] = {{400, 0.1, 1, 0, 0.25}, {1000, 1e-2, 1, 0, 0}};
        slt_rf_kernel *kern = exact(&dz);
        stats_t s = run(&dz, 2, pts, 30, 300 + a, NULL);
        slt_rfk_free(kern);
        check_ok(!s.failed, "%s runs", slt_act_names[acts[a]]);
        for (size_t k = 0; k < 2; k++) {
            double p1 = pts[k].N / 200.0;
            slt_mm_result r = theory(acts[a], p1, 3, pts[k].lambda, 1, 0, pts[k].tau2);
            char what[128];
            snprintf(what, sizeof what, "%s psi1 = %g, lambda = %g, tau2 = %g: test", slt_act_names[acts[a]], p1,
                     pts[k].lambda, pts[k].tau2);
            vs_theory(s.mean[k][SLT_RF_TEST], s.se[k][SLT_RF_TEST], r.test, what);
        }
    }
    /* nonlinear target: F* acts as noise in front of V and as an irreducible F*^2 (notes 1.3) */
    slt_rf_design dz = {200, 600, SLT_ACT_RELU, SLT_SF_IID, 2000, NULL};
    slt_rf_point pts[] = {{400, 0.1, 1, 0.5, 0}, {400, 0.1, 0, 1, 0}, {1000, 1e-3, 1, 0.5, 0.25}};
    slt_rf_kernel *kern = exact(&dz);
    stats_t s = run(&dz, 3, pts, 40, 350, NULL);
    slt_rfk_free(kern);
    for (size_t k = 0; k < 3; k++) {
        double p1 = pts[k].N / 200.0;
        slt_mm_result r = theory(SLT_ACT_RELU, p1, 3, pts[k].lambda, pts[k].F1, pts[k].Fstar, pts[k].tau2);
        char what[128];
        snprintf(what, sizeof what, "relu psi1 = %g, lambda = %g, F1 = %g, Fstar = %g, tau2 = %g: test", p1,
                 pts[k].lambda, pts[k].F1, pts[k].Fstar, pts[k].tau2);
        vs_theory(s.mean[k][SLT_RF_TEST], s.se[k][SLT_RF_TEST], r.test, what);
    }
}

/* Exact identities of one draw (no statistics). */
static void test_identities(void)
{
    slt_rf_design dz = {100, 300, SLT_ACT_RELU, SLT_SF_IID, 1000, NULL};
    slt_sf_plan *plan = slt_sf_plan_alloc(100);
    char err[SLT_ERRLEN];
    gsl_rng *r = slt_rng_alloc(5, 1, 0);
    double o1[NMAXPTS * SLT_RF_NOUT], o2[NMAXPTS * SLT_RF_NOUT];

    /* zero target, zero noise: a = 0 and both errors vanish exactly */
    slt_rf_point z = {150, 0.1, 0, 0, 0};
    slt_rf_sim(&dz, plan, 1, &z, r, o1, err);
    check_ok(o1[SLT_RF_TEST] == 0 && o1[SLT_RF_TRAIN] == 0, "zero target and noise: test = train = 0");

    /* amplitudes: test error is quadratic in (F1, F*, tau) on one draw */
    slt_rf_point q[] = {{150, 0.1, 2, 0, 0}, {150, 0.1, 0, 0, 0.25}, {150, 0.1, 1, 0, 0}};
    slt_rng_reseed(r, 5, 1, 1);
    slt_rf_sim(&dz, plan, 3, q, r, o1, err);
    check_rel(o1[SLT_RF_TEST], 4 * o1[2 * SLT_RF_NOUT + SLT_RF_TEST], 1e-12, "F1 = 2 gives 4 x the F1 = 1 error");
    check_rel(o1[SLT_RF_NOUT + SLT_RF_TEST], 0.25 * o1[SLT_RF_VARIANCE], 1e-12, "noise only: test = tau2 x variance");

    /* batching: a point's result does not depend on the other points of its batch, given the
     * same draws (the largest N, which sets the weights drawn, and whether some point has F* > 0,
     * which draws f_NL); only BLAS blocking may differ */
    slt_rf_point one = {400, 0.1, 1, 0.5, 0.25};
    slt_rf_point many[] = {{50, 0.1, 1, 0.5, 0.25}, {400, 0.1, 1, 0.5, 0.25}, {200, 1e-3, 1, 0, 0}, {400, 1e-3, 0, 0, 1}};
    slt_rng_reseed(r, 5, 1, 2);
    slt_rf_sim(&dz, plan, 1, &one, r, o1, err);
    slt_rng_reseed(r, 5, 1, 2);
    slt_rf_sim(&dz, plan, 4, many, r, o2, err);
    for (int j = 0; j < SLT_RF_NOUT; j++)
        check_rel(o2[SLT_RF_NOUT + j], o1[j], 1e-9, "the same point alone or in a batch of N = 50, 200, 400 (400 > n)");

    /* Cholesky per lambda (< 16 lambdas) and one eigendecomposition (>= 16) agree, N < n and N > n,
     * lambda = 0 included (the pseudo-inverse against Cholesky at c = 0, both well conditioned
     * at N = n/2 and 2n: relative agreement ~ cond x eps ~ 1e-12, checked at 1e-8) */
    for (int side = 0; side < 2; side++) {
        long N = side ? 600 : 150;
        slt_rf_point few[2] = {{N, 0.05, 1, 0, 1}, {N, 0, 1, 0, 1}}, lots[16];
        for (int l = 0; l < 16; l++)
            lots[l] = (slt_rf_point){N, l == 0 ? 0.05 : l == 1 ? 0 : 1e-4 * (l + 1), 1, 0, 1};
        slt_rng_reseed(r, 5, 2, (uint64_t)side);
        slt_rf_sim(&dz, plan, 2, few, r, o1, err);
        slt_rng_reseed(r, 5, 2, (uint64_t)side);
        slt_rf_sim(&dz, plan, 16, lots, r, o2, err);
        for (int k = 0; k < 2; k++) {
            char what[96];
            snprintf(what, sizeof what, "N = %ld, lambda = %g: Cholesky = eigendecomposition (test)", N, few[k].lambda);
            check_rel(o2[k * SLT_RF_NOUT + SLT_RF_TEST], o1[k * SLT_RF_NOUT + SLT_RF_TEST], 1e-8, what);
            /* train: relative where it is O(1); interpolation (N > n, lambda = 0) leaves rounding */
            snprintf(what, sizeof what, "N = %ld, lambda = %g: Cholesky = eigendecomposition (train)", N, few[k].lambda);
            check_close(o2[k * SLT_RF_NOUT + SLT_RF_TRAIN], o1[k * SLT_RF_NOUT + SLT_RF_TRAIN],
                        1e-8 * fabs(o1[k * SLT_RF_NOUT + SLT_RF_TRAIN]) + 1e-20, what);
        }
    }

    /* larger lambda shrinks a: with tau = 0, lambda -> inf gives f_hat -> 0, test -> F1^2 = 1 */
    slt_rf_point big = {150, 1e8, 1, 0, 0};
    slt_rng_reseed(r, 5, 3, 0);
    slt_rf_sim(&dz, plan, 1, &big, r, o1, err);
    /* the mean of 1000 squared N(0, 1)-like values: SD sqrt(2/1000) = 0.045; 0.2 is 4.5 SD */
    check_close(o1[SLT_RF_BIAS], 1, 0.2, "lambda = 1e8: bias near 1 (the test-set mean of <beta1, x>^2)");

    /* bad arguments are refused with a message */
    slt_rf_point bad = {0, 0.1, 1, 0, 0};
    check_ok(slt_rf_sim(&dz, plan, 1, &bad, r, o1, err) == 1 && err[0], "N = 0 refused: %s", err);
    slt_rf_design dz2 = dz;
    dz2.d = 64;
    check_ok(slt_rf_sim(&dz2, plan, 1, &z, r, o1, err) == 1, "a plan of another dimension refused: %s", err);
    gsl_rng_free(r);
    slt_sf_plan_free(plan);
}

/* Structured weights: they run at d = 128 for N below, at and above d, give finite errors, are
 * deterministic for a seed (FFTW_ESTIMATE plans) and independent of the thread running them.
 * Never compared with the i.i.d. formula (notes 3.3). */
static void test_structured(void)
{
    for (int kind = SLT_SF_ORTHOGONAL; kind < SLT_SF_COUNT; kind++) {
        slt_rf_design dz = {128, 384, SLT_ACT_RELU, kind, 1000, NULL};
        slt_rf_point pts[] = {{64, 1e-3, 1, 0, 0.25}, {128, 1e-3, 1, 0, 0.25}, {300, 1e-3, 1, 0, 0.25},
                              {768, 1e-3, 1, 0, 0.25}};
        double raw1[4 * 4 * SLT_RF_NOUT], raw2[4 * 4 * SLT_RF_NOUT];
        stats_t a = run(&dz, 4, pts, 4, 77, raw1);
        stats_t b = run(&dz, 4, pts, 4, 77, raw2);
        int finite = !a.failed;
        for (size_t i = 0; i < sizeof raw1 / sizeof raw1[0]; i++)
            finite &= isfinite(raw1[i]) && raw1[i] >= 0;
        check_ok(finite, "%s: runs for N = 64, 128, 300, 768 at d = 128, errors finite and >= 0",
                 slt_sf_names[kind]);
        check_ok(!memcmp(raw1, raw2, sizeof raw1), "%s: same seed, same bits (two threads, trials in any order)",
                 slt_sf_names[kind]);
        /* one thread, trials in reverse order: the same bits again */
        slt_sf_plan *plan = slt_sf_plan_alloc(128);
        int same = 1;
        for (int t = 3; t >= 0; t--) {
            double o[4 * SLT_RF_NOUT];
            char err[SLT_ERRLEN];
            gsl_rng *r = slt_rng_alloc(77, 0, (uint64_t)t);
            slt_rf_sim(&dz, plan, 4, pts, r, o, err);
            same &= !memcmp(o, raw1 + t * 4 * SLT_RF_NOUT, sizeof o);
            gsl_rng_free(r);
        }
        slt_sf_plan_free(plan);
        check_ok(same, "%s: serial in reverse order gives the same bits as two threads", slt_sf_names[kind]);
        stats_t c = run(&dz, 4, pts, 4, 78, NULL);
        check_ok(c.mean[1][SLT_RF_TEST] != a.mean[1][SLT_RF_TEST], "%s: another seed, other numbers",
                 slt_sf_names[kind]);
        (void)b;
    }
    /* sorf and fastfood need a power of 2: no plan-compatible map at d = 100 */
    slt_sf_plan *p = slt_sf_plan_alloc(100);
    slt_rf_design dz = {100, 300, SLT_ACT_RELU, SLT_SF_SORF, 1000, NULL};
    slt_rf_point pt = {100, 0.1, 1, 0, 0};
    double o[SLT_RF_NOUT];
    char err[SLT_ERRLEN] = "";
    gsl_rng *r = slt_rng_alloc(1, 0, 0);
    check_ok(slt_rf_sim(&dz, p, 1, &pt, r, o, err) == 1, "sorf at d = 100 refused: %s", err);
    gsl_rng_free(r);
    slt_sf_plan_free(p);
}

/* The exact test error against the sampled one on the same draws. The training draws are the same
 * (the test inputs come after them in the stream: train_sim is bitwise equal), and given a trial's
 * fit the sampled error is an unbiased estimate of the exact one, so the per-trial differences have
 * mean 0: their mean within 4 SE of 0 (a false alarm has probability 6e-5 per check, 68 checks).
 * N around n (lambda = 1e-3: finite near N = n) and far from it; relu and tanh, a nonlinear target
 * (the f_NL moment), structured weights (dense rows from the transforms). Then exact identities of
 * one draw on the exact path. */
static void test_exact_vs_sample(void)
{
    struct {
        int act, kind;
        long d;
        double Fs;
    } cs[] = {{SLT_ACT_RELU, SLT_SF_IID, 200, 0}, {SLT_ACT_TANH, SLT_SF_IID, 200, 0.5},
              {SLT_ACT_SOFTPLUS, SLT_SF_CIRCULANT, 128, 0.5}, {SLT_ACT_RELU, SLT_SF_SORF, 128, 0.5}};
    enum { T = 30, NP = 5 };
    for (size_t c = 0; c < sizeof cs / sizeof cs[0]; c++) {
        long d = cs[c].d, n = 3 * d;
        slt_rf_design ds = {d, n, cs[c].act, cs[c].kind, 4000, NULL}, de = ds;
        slt_rf_point pts[NP] = {{n / 6, 1e-3, 1, cs[c].Fs, 0.25}, {n / 2, 1e-3, 1, cs[c].Fs, 0.25},
                                {n - 10, 1e-3, 1, cs[c].Fs, 0.25}, {n + 10, 1e-3, 1, cs[c].Fs, 0.25},
                                {2 * n, 1e-3, 1, cs[c].Fs, 0.25}};
        static double rs[T * NP * SLT_RF_NOUT], re[T * NP * SLT_RF_NOUT];
        slt_rf_kernel *kern = exact(&de);
        stats_t a = run(&ds, NP, pts, T, 900 + c, rs), b = run(&de, NP, pts, T, 900 + c, re);
        slt_rfk_free(kern);
        check_ok(!a.failed && !b.failed, "%s %s: both test errors computed", slt_act_names[cs[c].act],
                 slt_sf_names[cs[c].kind]);
        int same_train = 1;
        for (int t = 0; t < T; t++)
            for (int k = 0; k < NP; k++)
                same_train &= rs[(t * NP + k) * SLT_RF_NOUT + SLT_RF_TRAIN] == re[(t * NP + k) * SLT_RF_NOUT + SLT_RF_TRAIN];
        check_ok(same_train, "%s %s: the same training draws (train_sim bitwise equal)", slt_act_names[cs[c].act],
                 slt_sf_names[cs[c].kind]);
        static const int qs[] = {SLT_RF_TEST, SLT_RF_BIAS, SLT_RF_VARIANCE};
        for (int k = 0; k < NP; k++)
            for (int q = 0; q < 3; q++) {
                double m = 0, m2 = 0;
                for (int t = 0; t < T; t++) {
                    size_t i = (size_t)(t * NP + k) * SLT_RF_NOUT + qs[q];
                    double x = rs[i] - re[i];
                    m += x / T;
                    m2 += x * x / T;
                }
                double se = sqrt((m2 - m * m) / (T - 1));
                char what[160];
                snprintf(what, sizeof what, "%s %s N = %ld (n = %ld), column %d: sampled - exact (exact %.4g)",
                         slt_act_names[cs[c].act], slt_sf_names[cs[c].kind], pts[k].N, n, qs[q], b.mean[k][qs[q]]);
                check_se(m, se, 0, 4, what);
            }
    }

    /* small d, where the sphere is far from Gaussian (d = 2: the circle; d = 3: the kernel's radial
     * law has an endpoint singularity): n = 10 d, N = d and 5 d, 200 paired trials, same 4 SE */
    for (int a = 0; a < 2; a++)
        for (long d = 2; d <= 3; d++) {
            enum { T2 = 200 };
            int act = a ? SLT_ACT_TANH : SLT_ACT_RELU;
            slt_rf_design ds = {d, 10 * d, act, SLT_SF_IID, 4000, NULL}, de = ds;
            slt_rf_point pts[2] = {{d, 0.1, 1, 0.5, 0.25}, {5 * d, 0.1, 1, 0.5, 0.25}};
            static double rs[T2 * 2 * SLT_RF_NOUT], re[T2 * 2 * SLT_RF_NOUT];
            slt_rf_kernel *kern = exact(&de);
            run(&ds, 2, pts, T2, 950 + d, rs);
            run(&de, 2, pts, T2, 950 + d, re);
            slt_rfk_free(kern);
            for (int k = 0; k < 2; k++) {
                double m = 0, m2 = 0;
                for (int t = 0; t < T2; t++) {
                    size_t i = (size_t)(t * 2 + k) * SLT_RF_NOUT + SLT_RF_TEST;
                    m += (rs[i] - re[i]) / T2;
                    m2 += (rs[i] - re[i]) * (rs[i] - re[i]) / T2;
                }
                char what[96];
                snprintf(what, sizeof what, "%s d = %ld, N = %ld: sampled - exact test error", slt_act_names[act], d,
                         pts[k].N);
                check_se(m, sqrt((m2 - m * m) / (T2 - 1)), 0, 4, what);
            }
        }

    /* identities of one draw on the exact path */
    slt_rf_design dz = {100, 300, SLT_ACT_TANH, SLT_SF_IID, 1000, NULL};
    slt_rf_kernel *kern = exact(&dz);
    slt_sf_plan *plan = slt_sf_plan_alloc(100);
    char err[SLT_ERRLEN];
    double o1[4 * SLT_RF_NOUT], o2[4 * SLT_RF_NOUT];
    gsl_rng *r = slt_rng_alloc(6, 1, 0);
    slt_rf_point z = {150, 0.1, 0, 0, 0};
    slt_rf_sim(&dz, plan, 1, &z, r, o1, err);
    check_ok(o1[SLT_RF_TEST] == 0, "exact: zero target and noise give test = 0");
    slt_rf_point q[] = {{150, 0.1, 2, 0, 0}, {150, 0.1, 0, 0, 0.25}, {150, 0.1, 1, 0, 0}};
    slt_rng_reseed(r, 6, 1, 1);
    slt_rf_sim(&dz, plan, 3, q, r, o1, err);
    check_rel(o1[SLT_RF_TEST], 4 * o1[2 * SLT_RF_NOUT + SLT_RF_TEST], 1e-12, "exact: F1 = 2 gives 4 x the F1 = 1 error");
    check_rel(o1[SLT_RF_NOUT + SLT_RF_TEST], 0.25 * o1[SLT_RF_VARIANCE], 1e-12, "exact: noise only, test = tau2 x variance");
    /* a point alone or in a batch (kernel blocks cut differently: 1e-9 as for the sampled path) */
    slt_rf_point one = {400, 0.1, 1, 0.5, 0.25};
    slt_rf_point many[] = {{50, 0.1, 1, 0.5, 0.25}, {400, 0.1, 1, 0.5, 0.25}, {200, 1e-3, 1, 0, 0}, {130, 1e-3, 0, 0, 1}};
    slt_rng_reseed(r, 6, 1, 2);
    slt_rf_sim(&dz, plan, 1, &one, r, o1, err);
    slt_rng_reseed(r, 6, 1, 2);
    slt_rf_sim(&dz, plan, 4, many, r, o2, err);
    for (int j = 0; j < SLT_RF_NOUT; j++)
        check_rel(o2[SLT_RF_NOUT + j], o1[j], 1e-9, "exact: the same point alone or in a batch");
    /* lambda -> inf: f_hat -> 0 and the exact error is E <beta1, x>^2 = 1 */
    slt_rf_point big = {150, 1e12, 1, 0, 0};
    slt_rng_reseed(r, 6, 1, 3);
    slt_rf_sim(&dz, plan, 1, &big, r, o1, err);
    check_close(o1[SLT_RF_BIAS], 1, 1e-6, "exact: lambda = 1e12, bias = E <beta1, x>^2 = 1");
    slt_rf_design bad = dz;
    bad.d = 64;
    check_ok(slt_rf_sim(&bad, plan, 1, &z, r, o1, err) == 1, "a kernel of another dimension refused: %s", err);
    gsl_rng_free(r);
    slt_sf_plan_free(plan);
    slt_rfk_free(kern);
}

int main(void)
{
    openblas_set_num_threads(1); /* as in the engine: one BLAS thread per trial */
    test_identities();
    test_structured();
    test_exact_vs_sample();
    test_relu_sweep();
    test_ridgeless();
    test_activations();
    return check_done();
}
