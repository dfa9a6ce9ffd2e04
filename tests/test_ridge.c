/* test_ridge.c: unit tests of theory/ridge.c against linear.md sections 2-3 (worked values,
 * quadrature, limits, the general-covariance fixed point). TAP output. */
#include <math.h>
#include <stdio.h>

#include <gsl/gsl_errno.h>

#include "slt.h"
#include "tests/check.h"
#include "theory/mp.h"
#include "theory/ridge.h"

static slt_ridge_model iso(double r2, double sigma2, double eta2)
{
    slt_ridge_model m = { r2, sigma2, eta2, 0, NULL, NULL, NULL };
    return m;
}

static slt_ridge_result run(const slt_ridge_model *m, double gamma, double lam)
{
    slt_ridge_result r;
    int st = slt_ridge_risk(m, gamma, lam, &r);
    if (st)
        r.risk = r.bias = r.variance = r.kappa = NAN;
    return r;
}

/* linear.md 2.1 */
static void test_ridgeless(void)
{
    slt_ridge_model m = iso(1.0, 0.25, 0.0);
    slt_ridge_result r = run(&m, 0.5, 0.0);
    check_close(r.risk, 0.25, 1e-12, "2.1: R(0.5) = 0.25");
    check_close(r.bias, 0.0, 0.0, "2.1: B(0.5) = 0");
    r = run(&m, 2.0, 0.0);
    check_close(r.risk, 0.75, 1e-12, "2.1: R(2) = 0.75");
    check_close(r.bias, 0.5, 1e-12, "2.1: B(2) = 0.5");
    check_close(r.variance, 0.25, 1e-12, "2.1: V(2) = 0.25");
    check_rel(run(&m, 1.1, 0.0).risk, 2.590909, 1e-6, "2.1: R(1.1) = 2.590909");
    check_ok(isinf(run(&m, 1.0, 0.0).risk), "2.1: R(1) = +inf");
    /* local minimum at gamma = sqrt(SNR)/(sqrt(SNR) - 1) = 2 for SNR = 4 */
    double r0 = run(&m, 2.0, 0.0).risk;
    check_ok(run(&m, 1.98, 0.0).risk > r0 && run(&m, 2.02, 0.0).risk > r0,
             "2.1: gamma = 2 is a local minimum at SNR = 4");
    slt_ridge_model m0 = iso(1.0, 0.0, 0.0);
    check_close(run(&m0, 1.0, 0.0).risk, 0.0, 0.0, "2.1: noiseless interpolation at gamma = 1: 0");
}

/* linear.md 2.2 and 3 */
static void test_finite(void)
{
    slt_ridge_model m = iso(1.0, 0.25, 0.0);
    check_rel(slt_ridge_finite_risk(&m, 100, 90), 2.5, 1e-12, "2.2: (n, p) = (100, 90): 2.5");
    check_rel(slt_ridge_finite_risk(&m, 100, 110), 2.868687, 1e-6, "2.2: (100, 110): 2.868687");
    check_rel(slt_ridge_finite_risk(&m, 400, 360), 2.307692, 1e-6, "2.2: (400, 360): 2.307692");
    check_ok(isinf(slt_ridge_finite_risk(&m, 100, 99)) && isinf(slt_ridge_finite_risk(&m, 100, 100))
                 && isinf(slt_ridge_finite_risk(&m, 100, 101)),
             "2.2: E R = +inf for |p - n| <= 1");
    check_rel(slt_ridge_finite_risk(&m, 100, 98), 0.25 * 98.0, 1e-12, "2.2: p = n - 2 finite");
    /* large n tends to the limit 2.1 */
    check_rel(slt_ridge_finite_risk(&m, 1000000, 500000), run(&m, 0.5, 0.0).risk, 1e-5,
              "2.2: n = 1e6, gamma = 0.5 -> limit");
    check_rel(slt_ridge_finite_risk(&m, 1000000, 2000000), run(&m, 2.0, 0.0).risk, 1e-5,
              "2.2: n = 1e6, gamma = 2 -> limit");

    /* section 3, BHX: n = 100, D = 400, beta_j = 1/sqrt(D), sigma2 = 0.25, T = first p;
     * r2 = p/D, eta2 = 1 - p/D; the BHX test MSE is finite_risk + sigma2. */
    const long ps[] = { 20, 200, 400 };
    const double want[] = { 1.503797, 1.757576, 1.083612 };
    char what[96];
    for (int i = 0; i < 3; i++) {
        slt_ridge_model b = iso(ps[i] / 400.0, 0.25, 1.0 - ps[i] / 400.0);
        snprintf(what, sizeof what, "3: BHX p = %ld: %g", ps[i], want[i]);
        check_rel(slt_ridge_finite_risk(&b, 100, ps[i]) + 0.25, want[i], 1e-6, what);
    }
    double best = INFINITY;
    long pbest = 0;
    for (long p = 1; p <= 400; p++) {
        slt_ridge_model b = iso(p / 400.0, 0.25, 1.0 - p / 400.0);
        double v = slt_ridge_finite_risk(&b, 100, p);
        if (v < best) {
            best = v;
            pbest = p;
        }
    }
    check_ok(pbest == 400, "3: BHX minimum over p in 1..400 at p = 400 (got %ld)", pbest);
}

/* B and V of linear.md 2.3 in the literal m, m' form, and by quadrature against F_gamma. */
static double f_b(double s, void *c) { double r = s + *(double *)c; return 1.0 / (r * r); }
static double f_v(double s, void *c) { double r = s + *(double *)c; return s / (r * r); }

static void test_ridge_iso(void)
{
    slt_ridge_model m = iso(1.0, 0.25, 0.0);
    check_close(slt_ridge_lambda_opt(&m, 1.0), 0.25, 1e-15, "2.3: lam*(gamma = 1) = 0.25");
    slt_ridge_result r = run(&m, 1.0, 0.25);
    check_rel(r.risk, 0.3903882, 1e-6, "2.3: gamma = 1, lam* = 0.25: R = 0.3903882");
    check_rel(r.bias, 0.2425356, 1e-6, "2.3: gamma = 1, lam* = 0.25: B = 0.2425356");
    check_rel(r.variance, 0.1478526, 1e-6, "2.3: gamma = 1, lam* = 0.25: V = 0.1478526");
    check_rel(run(&m, 0.5, 0.01).risk, 0.2323538, 1e-6, "2.3: gamma = 0.5, lam = 0.01: 0.2323538");
    check_rel(run(&m, 2.0, 1.0).risk, 0.6553301, 1e-6, "2.3: gamma = 2, lam = 1: 0.6553301");

    const double ga[] = { 0.3, 0.9, 1.0, 1.2, 3.0 };
    const double la[] = { 1e-4, 0.05, 1.0, 20.0 };
    char what[128];
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 4; j++) {
            double g = ga[i], lam = la[j];
            double mm = slt_mp_stieltjes(g, lam), md = slt_mp_stieltjes_deriv(g, lam);
            r = run(&m, g, lam);
            snprintf(what, sizeof what, "2.3: gamma = %g, lam = %g: B = r2 lam^2 m'", g, lam);
            check_rel(r.bias, lam * lam * md, 1e-10, what);
            snprintf(what, sizeof what, "2.3: gamma = %g, lam = %g: V = s2 gamma (m - lam m')", g,
                     lam);
            check_rel(r.variance, 0.25 * g * (mm - lam * md), 1e-8, what);
            double qb, qv, atom = slt_mp_hmrt_atom(g);
            int st = slt_mp_hmrt_integrate(g, f_b, &lam, &qb) | slt_mp_hmrt_integrate(g, f_v, &lam, &qv);
            snprintf(what, sizeof what, "2.3: gamma = %g, lam = %g: B, V = quadrature", g, lam);
            check_ok(!st && fabs(r.bias - lam * lam * (qb + atom / (lam * lam))) <= 1e-10 * r.bias
                         && fabs(r.variance - 0.25 * g * qv) <= 1e-10 * r.variance,
                     "%s (B %.12g vs %.12g, V %.12g vs %.12g)", what, r.bias,
                     lam * lam * qb + atom, r.variance, 0.25 * g * qv);
        }
    /* R(lam*) = sigma2 gamma m(-lam*), it is a minimum in lam, and it increases with gamma */
    double prev = 0.0;
    int mono = 1;
    for (int i = 1; i <= 40; i++) {
        double g = 0.125 * i, ls = slt_ridge_lambda_opt(&m, g);
        double rs = run(&m, g, ls).risk;
        if (i % 8 == 0) {
            snprintf(what, sizeof what, "2.3: gamma = %g: R(lam*) = sigma2 gamma m(-lam*)", g);
            check_rel(rs, 0.25 * g * slt_mp_stieltjes(g, ls), 1e-12, what);
            snprintf(what, sizeof what, "2.3: gamma = %g: lam* minimises R", g);
            check_ok(run(&m, g, ls * 1.02).risk > rs && run(&m, g, ls / 1.02).risk > rs, "%s", what);
        }
        mono &= rs > prev;
        prev = rs;
    }
    check_ok(mono, "2.3: R(lam*) increases with gamma on (0, 5] (no peak)");
    /* lam -> 0: ridge tends to ridgeless (difference O(lam)) */
    const double g0[] = { 0.5, 2.0, 5.0 };
    for (int i = 0; i < 3; i++) {
        slt_ridge_result a = run(&m, g0[i], 1e-9), b = run(&m, g0[i], 0.0);
        snprintf(what, sizeof what, "2.3: gamma = %g: R(lam = 1e-9) -> ridgeless", g0[i]);
        check_rel(a.risk, b.risk, 1e-7, what);
        snprintf(what, sizeof what, "2.3: gamma = %g: kappa(lam = 1e-9) -> ridgeless kappa", g0[i]);
        check_close(a.kappa, b.kappa, 1e-7, what);
    }
}

static const double s2l[] = { 1.0, 5.0 }, w2l[] = { 0.75, 0.25 };
static const double gd5[] = { 0.0, 1.0 };

/* linear.md 2.4 */
static void test_general(void)
{
    slt_ridge_model m = { 1.0, 0.25, 0.0, 2, s2l, w2l, NULL };
    slt_ridge_result r = run(&m, 2.0, 0.0);
    check_rel(r.kappa, sqrt(6.0) - 1.0, 1e-12, "2.4: gamma = 2, lam = 0, G = H: kappa = sqrt(6) - 1");
    check_rel(r.variance, 0.3061862, 1e-6, "2.4: gamma = 2, lam = 0, G = H: V = 0.3061862");
    check_rel(r.risk, 1.030931, 1e-6, "2.4: gamma = 2, lam = 0, G = H: R = 1.030931");
    r = run(&m, 2.0, 0.1);
    check_rel(r.kappa, 1.658445, 1e-6, "2.4: gamma = 2, lam = 0.1, G = H: kappa = 1.658445");
    check_rel(r.risk, 0.9746274, 1e-6, "2.4: gamma = 2, lam = 0.1, G = H: R = 0.9746274");
    slt_ridge_model m5 = { 1.0, 0.25, 0.0, 2, s2l, w2l, gd5 };
    r = run(&m5, 4.0, 0.0);
    check_rel(r.kappa, 5.0, 1e-12, "2.4: gamma = 4, lam = 0, G = delta_5: kappa = 5");
    check_rel(r.risk, 2.0, 1e-12, "2.4: gamma = 4, lam = 0, G = delta_5: R = 2");
    check_rel(r.variance, 0.125, 1e-12, "2.4: gamma = 4, lam = 0, G = delta_5: V = 0.125");
    /* lam = 0, gamma < 1: V = sigma2 gamma/(1 - gamma) for every Sigma, B = 0 */
    r = run(&m5, 0.6, 0.0);
    check_rel(r.variance, 0.25 * 0.6 / 0.4, 1e-14, "2.4: lam = 0, gamma = 0.6: V independent of H");
    check_close(r.bias, 0.0, 0.0, "2.4: lam = 0, gamma = 0.6: B = 0");
    /* lam = 0, gamma > 1: c0 = 1/(gamma kappa) solves 1 - 1/gamma = int dH/(1 + c0 gamma s) */
    r = run(&m, 3.0, 0.0);
    double c0 = 1.0 / (3.0 * r.kappa);
    double rhs = 0.75 / (1.0 + c0 * 3.0) + 0.25 / (1.0 + c0 * 15.0);
    check_close(rhs, 1.0 - 1.0 / 3.0, 1e-13, "2.4: ridgeless c0 equation at gamma = 3");

    /* H = G = delta_1 reproduces 2.1 and 2.3 */
    const double one = 1.0, wone = 1.0;
    slt_ridge_model d1 = { 1.3, 0.4, 0.2, 1, &one, &wone, &wone }, iso1 = { 1.3, 0.4, 0.2, 0, NULL, NULL, NULL };
    const double ga[] = { 0.3, 0.5, 0.999, 1.001, 2.0, 5.0 };
    const double la[] = { 0.0, 1e-6, 1e-3, 0.1, 1.0, 50.0 };
    int worst_ok = 1;
    double worst = 0.0;
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) {
            slt_ridge_result a = run(&d1, ga[i], la[j]), b = run(&iso1, ga[i], la[j]);
            double e[4] = { fabs(a.risk - b.risk) / b.risk, fabs(a.bias - b.bias) / fmax(b.bias, 1e-300),
                            fabs(a.variance - b.variance) / b.variance,
                            fabs(a.kappa - b.kappa) / fmax(b.kappa, 1e-300) };
            for (int k = 0; k < 4; k++) {
                if (!(e[k] <= 1e-10) && !(k == 1 && a.bias == 0.0 && b.bias == 0.0)
                    && !(k == 3 && a.kappa == 0.0 && b.kappa == 0.0))
                    worst_ok = 0;
                if (isfinite(e[k]))
                    worst = fmax(worst, e[k]);
            }
        }
    check_ok(worst_ok, "2.4: H = G = delta_1 equals the isotropic closed forms on a 6x6 (gamma, lam) "
                       "grid incl. eta2 (max rel diff %.2g)", worst);

    /* optimal lam = sigma2 gamma / r2 also for general H when G = H (Dobriban-Wager) */
    const double gg[] = { 0.5, 2.0 };
    for (int i = 0; i < 2; i++) {
        double ls = slt_ridge_lambda_opt(&m, gg[i]), rs = run(&m, gg[i], ls).risk;
        check_ok(run(&m, gg[i], ls * 1.01).risk > rs && run(&m, gg[i], ls / 1.01).risk > rs,
                 "2.4: gamma = %g, two-level H, G = H: lam* = sigma2 gamma/r2 is the minimum", gg[i]);
    }
    /* zero-variance directions: H = 0.5 delta_0 + 0.5 delta_1 at gamma is isotropic at gamma/2
     * with half the signal (the Sigma-norm risk ignores the null directions). */
    const double s01[] = { 0.0, 1.0 }, w01[] = { 0.5, 0.5 };
    slt_ridge_model z = { 1.0, 0.25, 0.0, 2, s01, w01, NULL }, zi = iso(0.5, 0.25, 0.0);
    const double gz[] = { 1.0, 3.0 }, lz[] = { 0.0, 0.2 };
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            char what[128];
            snprintf(what, sizeof what, "2.4: H with a null level, gamma = %g, lam = %g = iso(gamma/2)",
                     gz[i], lz[j]);
            check_rel(run(&z, gz[i], lz[j]).risk, run(&zi, gz[i] / 2, lz[j]).risk, 1e-11, what);
        }
    /* many-decade spectrum: log-space root finding */
    const double sw[] = { 1e-8, 1.0, 1e8 }, ww[] = { 0.3, 0.4, 0.3 };
    slt_ridge_model wide = { 1.0, 0.25, 0.0, 3, sw, ww, NULL };
    const double lw[] = { 0.0, 1e-12, 1e-3, 1e6 };
    for (int j = 0; j < 4; j++) {
        r = run(&wide, 2.0, lw[j]);
        double acc = 0.0;
        for (int i = 0; i < 3; i++)
            acc += ww[i] * sw[i] / (sw[i] + r.kappa);
        double res = r.kappa * (1.0 - 2.0 * acc) - lw[j];
        check_ok(isfinite(r.risk) && fabs(res) <= 1e-12 * (lw[j] + r.kappa),
                 "2.4: spectrum over 16 decades, lam = %g: kappa = %.10g solves the fixed point "
                 "(residual %.2g)", lw[j], r.kappa, res);
    }
    check_rel(run(&wide, 2.0, 1e-12).risk, run(&wide, 2.0, 0.0).risk, 1e-6,
              "2.4: wide spectrum: lam = 1e-12 -> ridgeless");
    /* near the threshold from above (gamma_eff -> 1+): V ~ sigma2/(gamma - 1) stays accurate */
    r = run(&d1, 1.0 + 1e-9, 0.0);
    check_rel(r.variance, 0.6 / 1e-9, 1e-6, "2.4: gamma = 1 + 1e-9, H = delta_1: V = noise/(gamma-1)");

    /* invalid input */
    slt_ridge_result o;
    const double wbad[] = { 0.5, 0.4 };
    slt_ridge_model bad = { 1.0, 0.25, 0.0, 2, s2l, wbad, NULL };
    check_ok(slt_ridge_risk(&bad, 2.0, 0.0, &o) == SLT_EUSAGE && isnan(o.risk),
             "weights not summing to 1: SLT_EUSAGE, NaN result");
    check_ok(slt_ridge_risk(&m, -1.0, 0.0, &o) == SLT_EUSAGE, "gamma < 0: SLT_EUSAGE");
    check_ok(slt_ridge_risk(&m, 2.0, -0.1, &o) == SLT_EUSAGE, "lambda < 0: SLT_EUSAGE");
    check_ok(slt_ridge_risk(&m, 2.0, 0.1, &o) == SLT_OK, "valid input: SLT_OK");
}

/* linear.md 2.5 */
static void test_misspecified(void)
{
    slt_ridge_model m = iso(1.0, 0.25, 0.5);
    check_rel(run(&m, 0.5, 0.0).risk, 1.25, 1e-12, "2.5: R_mis(0.5) = 1.25");
    check_rel(run(&m, 2.0, 0.0).risk, 1.75, 1e-12, "2.5: R_mis(2) = 1.75");
    check_rel(run(&m, 5.0, 0.0).risk, 1.4875, 1e-12, "2.5: R_mis(5) = 1.4875");
    /* ridge with eta2: eta2 + R_iso(gamma, lam; r2, sigma2 + eta2) */
    slt_ridge_model e = iso(1.0, 0.75, 0.0);
    check_rel(run(&m, 2.0, 0.3).risk, 0.5 + run(&e, 2.0, 0.3).risk, 1e-14,
              "2.5: ridge lam = 0.3 with eta2 = eta2 + R_iso(sigma2 + eta2)");
    /* weak-feature sweep: delta = 4, r_tot2 = 1, sigma2 = 0.25 */
    char what[128];
    for (double g = 1.5; g <= 4.0; g += 0.5) {
        slt_ridge_model wf = iso(g / 4.0, 0.25, 1.0 - g / 4.0);
        snprintf(what, sizeof what, "2.5: weak features delta = 4, gamma = %g: closed form", g);
        check_rel(run(&wf, g, 0.0).risk, (1.0 - 0.25) + (0.25 + 1.0 - g / 4.0) / (g - 1.0), 1e-13,
                  what);
    }
}

int main(void)
{
    gsl_set_error_handler_off(); /* as the engine does: failures are reported, never abort */
    test_ridgeless();
    test_finite();
    test_ridge_iso();
    test_general();
    test_misspecified();
    return check_done();
}
