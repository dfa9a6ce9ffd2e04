/* The finite-d random-features kernel on the sphere (theory/rf_kernel.c, random_features.md 2 item 6):
 * against closed forms (quad at every d, relu = arc-cosine at every d), an independent nested adaptive
 * quadrature of the definition (conditional law of the second projection given the first), the
 * Gaussian limits at large d, Monte Carlo on the sphere, and the table against the series it is built
 * from. Deterministic except the Monte Carlo, whose seed is fixed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include "engine/rng.h"
#include "engine/slt.h"
#include "tests/check.h"
#include "theory/activation.h"
#include "theory/rf_kernel.h"

/* ---- the definition by nested adaptive quadrature ----
 * s = <e1, x> has density prop. to (1 - s^2/d)^((d-3)/2) on |s| < sqrt d; given s, x minus its e1 part
 * is uniform on a sphere of radius sqrt(d - s^2) in d - 1 dimensions, so <e_perp, x> = sqrt(d - s^2) t
 * with t prop. to (1 - t^2)^((d-4)/2). Substituting s = sqrt(d) sin w, t = sin p removes the endpoint
 * singularities: weights cos^(d-2) w and cos^(d-3) p. */
typedef struct {
    int act;
    long d;
    double rho, s;
    gsl_integration_workspace *wi;
} nested_t;

static double inner(double p, void *v)
{
    const nested_t *q = v;
    double t = sin(p), u = q->rho * q->s + sqrt(1 - q->rho * q->rho) * sqrt(fmax((double)q->d - q->s * q->s, 0)) * t;
    return pow(cos(p), (double)(q->d - 3)) * slt_act_eval(q->act, u);
}

/* int_{-pi/2}^{pi/2} cos^m = sqrt(pi) Gamma((m + 1)/2)/Gamma(m/2 + 1) */
static double norm_cos(double m)
{
    return sqrt(M_PI) * exp(lgamma(0.5 * (m + 1)) - lgamma(0.5 * m + 1));
}

static double outer(double w, void *v)
{
    nested_t *q = v;
    q->s = sqrt((double)q->d) * sin(w);
    gsl_function F = {inner, q};
    /* the kink of relu (or any activation) at u = 0, where t = -rho s/(sqrt(1 - rho^2) sqrt(d - s^2)) */
    double den = sqrt(1 - q->rho * q->rho) * sqrt(fmax((double)q->d - q->s * q->s, 0)), r, e;
    double tk = den > 0 ? -q->rho * q->s / den : 2, pts[3] = {-M_PI / 2, 0, M_PI / 2};
    size_t np = 2;
    if (fabs(tk) < 1) {
        pts[1] = asin(tk);
        np = 3;
    }
    if (np == 3)
        gsl_integration_qagp(&F, pts, np, 1e-14, 1e-12, 1000, q->wi, &r, &e);
    else
        gsl_integration_qags(&F, -M_PI / 2, M_PI / 2, 1e-14, 1e-12, 1000, q->wi, &r, &e);
    return pow(cos(w), (double)(q->d - 2)) * slt_act_eval(q->act, q->s) * r;
}

static double kappa_nested(int act, long d, double rho)
{
    gsl_integration_workspace *wo = gsl_integration_workspace_alloc(1000), *wi = gsl_integration_workspace_alloc(1000);
    nested_t q = {act, d, rho, 0, wi};
    gsl_function F = {outer, &q};
    double r, e, pts[3] = {-M_PI / 2, 0, M_PI / 2}; /* sigma(s): its kink at s = 0 */
    gsl_integration_qagp(&F, pts, 3, 1e-13, 1e-11, 1000, wo, &r, &e);
    r /= norm_cos((double)(d - 2)) * norm_cos((double)(d - 3));
    gsl_integration_workspace_free(wo);
    gsl_integration_workspace_free(wi);
    return r;
}

static void test_closed_forms(void)
{
    static const long ds[] = {2, 3, 7, 50, 119, 121, 200, 1000, 100000};
    for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++) {
        long d = ds[i];
        double dd = (double)d;
        /* quad t^2/2: E s1^2 s2^2 = (1 + 2 rho^2) d/(d + 2) on the sphere (E x1^4 = 3d/(d+2), E x1^2 x2^2 = d/(d+2)) */
        slt_rf_kernel *k = slt_rfk_alloc(SLT_ACT_QUAD, d);
        double worst = 0;
        for (int j = 0; j <= 200; j++) {
            double rho = -1 + j / 100.0, want = (1 + 2 * rho * rho) * dd / (4 * (dd + 2));
            worst = fmax(worst, fabs(slt_rfk_eval(k, rho) - want));
            worst = fmax(worst, fabs(slt_rfk_exact(k, rho) - want));
        }
        check_ok(worst < 1e-12, "quad, d = %ld: kernel = (1 + 2 rho^2) d/(4 (d + 2)) within %.1e", d, worst);
        slt_rfk_moments m = slt_rfk_get_moments(k);
        check_close(m.kappa1, 3 * dd / (4 * (dd + 2)), 1e-12, "quad: kappa(1) = E s^4/4");
        check_close(m.m0, 0.5, 1e-12, "quad: E sigma = E s^2/2 = 1/2");
        check_close(m.m1, 0, 1e-12, "quad: E s sigma = 0");
        check_close(m.mnl, dd / (dd + 2), 1e-12, "quad: d/(d-1) E (s^2 - 1) s^2/2 = d/(d + 2)");
        slt_rfk_free(k);
    }
}

/* the definition by nested quadrature, relu included: its closed form (arc-cosine) is exact at every d */
static void test_nested(void)
{
    static const long ds[] = {3, 5, 20, 100, 150, 300};
    static const double rhos[] = {-0.97, -0.4, 0, 0.15, 0.6, 0.93, 1};
    for (int act = 0; act < SLT_ACT_COUNT; act++)
        for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++) {
            slt_rf_kernel *k = slt_rfk_alloc(act, ds[i]);
            double worst = 0;
            for (size_t j = 0; j < sizeof rhos / sizeof rhos[0]; j++)
                worst = fmax(worst, fabs(slt_rfk_eval(k, rhos[j]) - kappa_nested(act, ds[i], rhos[j])));
            /* the nested rule is asked for 1e-11 (1e-12 inside); 1e-10 leaves its own error room */
            check_ok(worst < 1e-10, "%s, d = %ld: kernel = nested quadrature of the definition within %.1e",
                     slt_act_names[act], ds[i], worst);
            slt_rfk_free(k);
        }
}

/* the table against the series/closed form it interpolates, densely over [-1, 1] */
static void test_table(void)
{
    static const long ds[] = {2, 3, 10, 120, 200, 10000};
    for (int act = 0; act < SLT_ACT_COUNT; act++)
        for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++) {
            slt_rf_kernel *k = slt_rfk_alloc(act, ds[i]);
            double worst = 0, x[1001];
            for (int j = 0; j <= 100000; j++) {
                double rho = -1 + j / 50000.0;
                worst = fmax(worst, fabs(slt_rfk_eval(k, rho) - slt_rfk_exact(k, rho)));
            }
            for (int j = 0; j <= 1000; j++)
                x[j] = -1 + j / 500.0;
            slt_rfk_apply(k, x, 1001, 2.0);
            int same = 1;
            for (int j = 0; j <= 1000; j++)
                same &= x[j] == 2 * slt_rfk_eval(k, -1 + j / 500.0);
            check_ok(worst < 1e-12 && same, "%s, d = %ld: table = series within %.1e on 100001 points; apply = eval",
                     slt_act_names[act], ds[i], worst);
            slt_rfk_free(k);
        }
}

/* large d: the Gaussian limits (errors O(1/d)) */
static void test_gaussian_limit(void)
{
    long d = 100000;
    for (int act = 0; act < SLT_ACT_COUNT; act++) {
        slt_act_consts c;
        slt_act_constants(act, &c);
        slt_rf_kernel *k = slt_rfk_alloc(act, d);
        slt_rfk_moments m = slt_rfk_get_moments(k);
        /* the limits: kappa(1) -> E sigma(G)^2, m0 -> mu0, m1 -> mu1, mnl -> E (G^2 - 1) sigma(G) = 2 (the
         * Hermite coefficient) x ... checked through kappa(1) and m1 only; 1e-3 >> O(1/d) = 1e-5 x constants */
        check_close(m.kappa1, c.m2, 1e-3, "d = 1e5: kappa(1) -> E sigma(G)^2");
        check_close(m.m0, c.mu0, 1e-3, "d = 1e5: E sigma(s) -> mu0");
        check_close(m.m1, c.mu1, 1e-3, "d = 1e5: E s sigma(s) -> mu1");
        if (act == SLT_ACT_ERF) {
            double worst = 0;
            for (int j = 0; j <= 40; j++) {
                double rho = -1 + j / 20.0;
                worst = fmax(worst, fabs(slt_rfk_eval(k, rho) - 2 / M_PI * asin(2 * rho / 3)));
            }
            check_ok(worst < 1e-4, "erf, d = 1e5: kernel -> (2/pi) asin(2 rho/3) (Williams) within %.1e", worst);
        }
        slt_rfk_free(k);
    }
}

/* Monte Carlo on the sphere with the simulation's own sampler (d = 20, 400000 pairs): kernel and moments */
static void test_monte_carlo(void)
{
    long d = 20;
    const long T = 400000;
    const double rho = 0.45;
    gsl_rng *r = slt_rng_alloc(11, 0, 0);
    double *x = malloc(d * sizeof *x);
    for (int act = 0; act < SLT_ACT_COUNT; act++) {
        slt_rf_kernel *k = slt_rfk_alloc(act, d);
        slt_rfk_moments m = slt_rfk_get_moments(k);
        double sk = 0, sk2 = 0, sn = 0, sn2 = 0;
        for (long t = 0; t < T; t++) {
            slt_rng_sphere(r, x, (size_t)d, sqrt((double)d));
            /* e1 = first axis, e2 = rho e1 + sqrt(1 - rho^2) e2-axis; A = diag(1, -1, 0...)/..: e1'A e1 = 1 */
            double s1 = x[0], s2 = rho * x[0] + sqrt(1 - rho * rho) * x[1];
            double v = slt_act_eval(act, s1) * slt_act_eval(act, s2);
            double f = (x[0] * x[0] - x[1] * x[1]) * slt_act_eval(act, s1); /* x'Ax, A = diag(1, -1, 0, ...) */
            sk += v, sk2 += v * v, sn += f, sn2 += f * f;
        }
        double mk = sk / T, sek = sqrt((sk2 / T - mk * mk) / T), mn = sn / T, sen = sqrt((sn2 / T - mn * mn) / T);
        /* 4 SE: a false alarm has probability 6e-5 per check, 10 checks */
        check_se(mk, sek, slt_rfk_eval(k, rho), 4, "Monte Carlo kernel at d = 20, rho = 0.45");
        check_se(mn, sen, m.mnl, 4, "Monte Carlo E x'Ax sigma(<e, x>) = mnl e'Ae at d = 20");
        slt_rfk_free(k);
    }
    free(x);
    gsl_rng_free(r);
}

/* slt_rfk_apply (a vector path where the processor has AVX2, in chunks, with the exact tail)
 * against slt_rfk_eval value by value (the scalar table): the same doubles bit for bit, for every
 * activation, at d = 3 and 200, over 2e5 inner products in [-1, 1] (uniform, and crowded near the
 * ends and the tail edges), odd lengths so that the scalar leftovers run too. */
static void test_apply_paths(void)
{
    enum { NV = 100003 };
    double *x = malloc(NV * sizeof(double)), *y = malloc(NV * sizeof(double));
    const long dims[2] = {3, 200};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (int act = 0; act < SLT_ACT_COUNT; act++)
        for (int di = 0; di < 2; di++) {
            slt_rf_kernel *k = slt_rfk_alloc(act, dims[di]);
            long bad = 0;
            for (int pass = 0; pass < 2; pass++) {
                for (long i = 0; i < NV; i++) {
                    double u = gsl_rng_uniform(r);
                    x[i] = pass ? copysign(1 - pow(u, 8), u - 0.5) : 2 * u - 1;
                }
                x[0] = 1, x[1] = -1, x[2] = 0, x[3] = 0.9, x[4] = -0.9;
                memcpy(y, x, NV * sizeof(double));
                double scale = pass ? 2.0 : 1.0;
                slt_rfk_apply(k, y, NV, scale);
                for (long i = 0; i < NV; i++) {
                    double want = scale * slt_rfk_eval(k, x[i]);
                    bad += memcmp(&want, &y[i], sizeof want) != 0;
                }
            }
            check_ok(k && bad == 0, "apply = eval bit for bit: activation %d, d = %ld (%ld of %d differ)", act,
                     dims[di], bad, 2 * NV);
            slt_rfk_free(k);
        }
    gsl_rng_free(r);
    free(x);
    free(y);
}

int main(void)
{
    gsl_set_error_handler_off(); /* the nested rule's status is not needed: its value is compared */
    test_closed_forms();
    test_table();
    test_gaussian_limit();
    test_monte_carlo();
    test_nested();
    test_apply_paths();
    check_ok(slt_rfk_alloc(SLT_ACT_RELU, 1) == NULL && slt_rfk_alloc(-1, 10) == NULL, "d = 1, bad activation refused");
    return check_done();
}
