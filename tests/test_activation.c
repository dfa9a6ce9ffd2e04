/* test_activation.c: activation constants (random_features.md 1.2) and the array apply. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "slt.h"
#include "tests/check.h"
#include "theory/activation.h"

/* Callbacks for the general (callback) interface. */
static double relu_cb(double t, void *ctx)
{
    (void)ctx;
    return t > 0 ? t : 0;
}

/* Leaky ReLU with slope a on t < 0: mu0 = (1 - a)/sqrt(2 pi), mu1 = (1 + a)/2,
 * m2 = (1 + a^2)/2 (half-normal moments on each side). */
static double leaky_cb(double t, void *ctx)
{
    double a = *(const double *)ctx;
    return t > 0 ? t : a * t;
}

/* Hard clip at +-1 (kinks at -1 and 1): mu0 = 0, mu1 = E[1{|G|<1}] = erf(1/sqrt 2),
 * m2 = E[G^2 1{|G|<1}] + P(|G| > 1) = erf(1/sqrt2) - 2 phi(1) + erfc(1/sqrt2). */
static double clip_cb(double t, void *ctx)
{
    (void)ctx;
    return t > 1 ? 1 : (t < -1 ? -1 : t);
}

/* Shifted ReLU max(t - 1, 0): kink at 1, away from the default split at 0.
 * mu0 = phi(1) - Q(1), mu1 = Q(1), m2 = 2 Q(1) - phi(1), Q the Gaussian upper tail. */
static double shifted_cb(double t, void *ctx)
{
    (void)ctx;
    return t > 1 ? t - 1 : 0;
}

int main(void)
{
    gsl_set_error_handler_off();
    slt_act_consts c;
    const double tol = 1e-9;

    /* names */
    check_ok(slt_act_from_name("relu") == SLT_ACT_RELU && slt_act_from_name("tanh") == SLT_ACT_TANH
                 && slt_act_from_name("softplus") == SLT_ACT_SOFTPLUS
                 && slt_act_from_name("quad") == SLT_ACT_QUAD
                 && slt_act_from_name("erf") == SLT_ACT_ERF,
             "names map to kinds");
    check_ok(slt_act_from_name("sigmoid") == -1 && slt_act_from_name(NULL) == -1,
             "unknown names rejected");
    size_t nn = 0;
    while (slt_act_names[nn])
        nn++;
    check_ok(nn == SLT_ACT_COUNT, "names array is NULL-terminated with %zu words", nn);

    /* Table of random_features.md 1.2: ReLU closed forms to 1e-12 */
    check_ok(slt_act_constants(SLT_ACT_RELU, &c) == SLT_OK, "relu constants");
    check_close(c.mu0, 1 / sqrt(2 * M_PI), 1e-12, "relu mu0");
    check_close(c.mu0, 0.3989422804, 1e-10, "relu mu0 table");
    check_close(c.mu1, 0.5, 1e-12, "relu mu1");
    check_close(c.mustar, sqrt(0.25 - 1 / (2 * M_PI)), 1e-12, "relu mu*");
    check_close(c.mustar, 0.3014051375, 1e-10, "relu mu* table");
    check_close(c.zeta, 1.658896740, 1e-9, "relu zeta table");

    /* The quadrature path reproduces the ReLU closed forms (the table's own test of 1.2). */
    check_ok(slt_act_constants_fn(relu_cb, NULL, NULL, 0, &c) == SLT_OK, "relu by quadrature");
    check_close(c.mu0, 1 / sqrt(2 * M_PI), 1e-12, "relu mu0 (quadrature)");
    check_close(c.mu1, 0.5, 1e-12, "relu mu1 (quadrature)");
    check_close(c.mustar, sqrt(0.25 - 1 / (2 * M_PI)), 1e-12, "relu mu* (quadrature)");

    check_ok(slt_act_constants(SLT_ACT_TANH, &c) == SLT_OK, "tanh constants");
    check_close(c.mu0, 0, tol, "tanh mu0");
    check_close(c.mu1, 0.6057055096, tol, "tanh mu1");
    check_close(c.mustar, 0.1655757411, tol, "tanh mu*");
    /* The table's zeta, 3.658177860, is mu1/mu* rounded wrongly in the 9th decimal: the table's
     * own mu1/mu* is 3.6581778561, and 30-digit quadrature (mpmath) gives 3.65817785648. */
    check_close(c.zeta, 3.65817785648, tol, "tanh zeta (table 3.658177860 is off by 3.5e-9)");
    check_close(c.mustar, 0.165575741083742, 1e-12, "tanh mu* (30-digit reference)");

    check_ok(slt_act_constants(SLT_ACT_SOFTPLUS, &c) == SLT_OK, "softplus constants");
    check_close(c.mu0, 0.8060591833, tol, "softplus mu0");
    check_close(c.mu1, 0.5, tol, "softplus mu1 (= E sigmoid(G) = 1/2)");
    check_close(c.mustar, 0.1466782254, tol, "softplus mu*");
    /* Likewise the table's 3.408822260: mpmath gives 3.40882226183. */
    check_close(c.zeta, 3.40882226183, tol, "softplus zeta (table 3.408822260 is off by 1.8e-9)");
    check_close(c.mu0, 0.806059183347440, 1e-12, "softplus mu0 (30-digit reference)");
    check_close(c.mustar, 0.146678225379770, 1e-12, "softplus mu* (30-digit reference)");

    check_ok(slt_act_constants(SLT_ACT_QUAD, &c) == SLT_OK, "quad constants");
    check_close(c.mu0, 0.5, 1e-12, "quad mu0");
    check_close(c.mu1, 0, 1e-12, "quad mu1");
    check_close(c.mustar, 1 / sqrt(2.0), 1e-12, "quad mu*");
    check_close(c.zeta, 0, 1e-12, "quad zeta");

    /* erf: quadrature against Williams' closed forms */
    check_ok(slt_act_constants(SLT_ACT_ERF, &c) == SLT_OK, "erf constants");
    check_close(c.mu0, 0, 1e-12, "erf mu0");
    check_close(c.mu1, 2 / sqrt(3 * M_PI), 1e-12, "erf mu1 = 2/sqrt(3 pi)");
    check_close(c.m2, 2 / M_PI * asin(2.0 / 3.0), 1e-12, "erf E sigma^2 = (2/pi) asin(2/3)");

    /* General callbacks with kinks */
    double a = 0.1;
    check_ok(slt_act_constants_fn(leaky_cb, &a, NULL, 0, &c) == SLT_OK, "leaky relu");
    check_close(c.mu0, (1 - a) / sqrt(2 * M_PI), 1e-12, "leaky mu0");
    check_close(c.mu1, (1 + a) / 2, 1e-12, "leaky mu1");
    check_close(c.m2, (1 + a * a) / 2, 1e-12, "leaky m2");

    double kinks[] = {1, -1, 1}; /* unsorted, with a duplicate */
    double e1 = erf(M_SQRT1_2), phi1 = exp(-0.5) / sqrt(2 * M_PI), q1 = 0.5 * erfc(M_SQRT1_2);
    check_ok(slt_act_constants_fn(clip_cb, NULL, kinks, 3, &c) == SLT_OK, "hard clip");
    check_close(c.mu0, 0, 1e-12, "clip mu0");
    check_close(c.mu1, e1, 1e-12, "clip mu1");
    check_close(c.m2, e1 - 2 * phi1 + 2 * q1, 1e-12, "clip m2");

    double k1 = 1;
    check_ok(slt_act_constants_fn(shifted_cb, NULL, &k1, 1, &c) == SLT_OK, "shifted relu");
    check_close(c.mu0, phi1 - q1, 1e-12, "shifted mu0");
    check_close(c.mu1, q1, 1e-12, "shifted mu1");
    check_close(c.m2, 2 * q1 - phi1, 1e-12, "shifted m2");

    check_ok(slt_act_constants(99, &c) == SLT_EUSAGE, "unknown kind rejected");
    check_ok(slt_act_constants_fn(NULL, NULL, NULL, 0, &c) == SLT_EUSAGE, "NULL callback rejected");
    double bad = NAN;
    check_ok(slt_act_constants_fn(relu_cb, NULL, &bad, 1, &c) == SLT_EUSAGE,
             "non-finite kink rejected");

    /* Stable softplus at extremes */
    check_close(slt_act_eval(SLT_ACT_SOFTPLUS, 800), 800, 0, "softplus(800) = 800, no overflow");
    check_rel(slt_act_eval(SLT_ACT_SOFTPLUS, -50), exp(-50), 1e-15, "softplus(-50) = e^-50");
    check_close(slt_act_eval(SLT_ACT_SOFTPLUS, 0), log(2.0), 1e-16, "softplus(0) = log 2");

    /* apply == eval elementwise, for every kind */
    enum { n = 1001 };
    double *x = malloc(n * sizeof *x);
    for (int k = 0; k < SLT_ACT_COUNT; k++) {
        for (size_t i = 0; i < n; i++)
            x[i] = -10 + 20.0 * (double)i / (n - 1);
        slt_act_apply(k, x, n);
        int same = 1;
        for (size_t i = 0; i < n; i++) {
            double t = -10 + 20.0 * (double)i / (n - 1);
            if (x[i] != slt_act_eval(k, t))
                same = 0;
        }
        check_ok(same, "apply(%s) equals eval elementwise", slt_act_names[k]);
    }
    slt_act_apply(-1, x, n);
    check_ok(isnan(x[0]) && isnan(x[n - 1]), "apply of unknown kind gives NaN");
    free(x);
    return check_done();
}
