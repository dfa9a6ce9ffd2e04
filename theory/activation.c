/* activation.c: activations and their Gaussian constants.
 * Reference: S. Mei, A. Montanari, arXiv:1908.05355, eq. (the constants mu0, mu1, mu* of
 * Assumption 1); random_features.md 1.2. The erf constants: C. K. I. Williams, "Computation with
 * infinite neural networks", Neural Computation 10(5), 1998 (arcsine kernel). */
#include "theory/activation.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include "engine/clones.h"
#include "slt.h"

const char *const slt_act_names[] = {"relu", "tanh", "softplus", "quad", "erf", NULL};

int slt_act_from_name(const char *word)
{
    if (!word)
        return -1;
    for (int k = 0; slt_act_names[k]; k++)
        if (strcmp(word, slt_act_names[k]) == 0)
            return k;
    return -1;
}

/* Stable softplus: log(1 + e^t) overflows for t > 709 and loses all digits for t < -37 when
 * written naively; this form is exact to rounding everywhere. */
static inline double softplus(double t)
{
    return fmax(t, 0.0) + log1p(exp(-fabs(t)));
}

double slt_act_eval(int kind, double t)
{
    switch (kind) {
    case SLT_ACT_RELU:
        return t > 0 ? t : 0.0;
    case SLT_ACT_TANH:
        return tanh(t);
    case SLT_ACT_SOFTPLUS:
        return softplus(t);
    case SLT_ACT_QUAD:
        return 0.5 * t * t;
    case SLT_ACT_ERF:
        return erf(t);
    default:
        return NAN;
    }
}

/* gcc -O2 does not vectorise, and a ReLU branch on random signs mispredicts half the time
 * (7 ns per element measured in the rf simulation); vectorised it is a compare-and-mask. */
__attribute__((optimize("tree-vectorize"))) void slt_act_apply(int kind, double *x, size_t n)
{
    /* One loop per kind, so that the branch is taken once and relu/quad vectorise. */
    switch (kind) {
    case SLT_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            x[i] = x[i] > 0 ? x[i] : 0.0;
        break;
    case SLT_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            x[i] = tanh(x[i]);
        break;
    case SLT_ACT_SOFTPLUS:
        for (size_t i = 0; i < n; i++)
            x[i] = softplus(x[i]);
        break;
    case SLT_ACT_QUAD:
        for (size_t i = 0; i < n; i++)
            x[i] = 0.5 * x[i] * x[i];
        break;
    case SLT_ACT_ERF:
        for (size_t i = 0; i < n; i++)
            x[i] = erf(x[i]);
        break;
    default:
        for (size_t i = 0; i < n; i++)
            x[i] = NAN;
        break;
    }
}

/* tanh for arrays, in a loop GCC vectorises (libm's tanh and expm1 are scalar calls). Two rational
 * forms from Cephes (S. L. Moshier, Methods and Programs for Mathematical Functions, 1989), chosen
 * per element by a select and finished with one division:
 *   |a| < 0.625: tanh a = a + a z P(z)/Q(z), z = a^2 (Cephes tanh);
 *   otherwise:   tanh |a| = 1 - 2/(e + 1), e = exp(2|a|) = 2^n (q + p)/(q - p) after the reduction
 *                2|a| = n ln 2 + r, |r| <= ln2 / 2 (Cephes exp; 2^n built in the exponent bits);
 *                2|a| is capped at 40, where 2/(e + 1) = 8e-18 already rounds away.
 * Max error against tanhl over 1.2e8 random arguments from 1e-310 to 1e308: 1.6 ulp (libm: 2.2);
 * tests/test_sensitivity.c checks it. The AVX-512 and AVX2 clones (x86-64) do the same operations
 * in the same order as the SSE2 one, with no fused multiply-adds (fp-contract=off), so the values do
 * not depend on the machine's vector width (checked bit for bit on 3e7 arguments against a scalar
 * -O0 build). no-trapping-math lets GCC if-convert the selects; it changes no value. */
SLT_CLONES_512 __attribute__((optimize("no-trapping-math", "fp-contract=off"))) void slt_tanh_array(double *x, size_t n)
{
#pragma omp simd
    for (size_t i = 0; i < n; i++) {
        double a = x[i], ax = fabs(a), z = a * a;
        double y = 2 * ax < 40 ? 2 * ax : 40;
        double kd = y * 1.4426950408889634074 + 0x1.8p52; /* n = round(y / ln 2) in the low bits */
        uint64_t nbits;
        memcpy(&nbits, &kd, sizeof nbits);
        kd -= 0x1.8p52;
        double r = y - kd * 6.93145751953125e-1 - kd * 1.42860682030941723212e-6, rr = r * r;
        double p = r * ((1.26177193074810590878e-4 * rr + 3.02994407707441961300e-2) * rr + 9.99999999999999999910e-1);
        double q = ((3.00198505138664455042e-6 * rr + 2.52448340349684104192e-3) * rr + 2.27265548208155028766e-1) * rr +
                   2.00000000000000000009e0;
        uint64_t sbits = (nbits << 52) + 0x3ff0000000000000u; /* 2^n */
        double s;
        memcpy(&s, &sbits, sizeof s);
        double P = (-9.64399179425052238628e-1 * z - 9.92877231001918586564e1) * z - 1.61468768441708447952e3;
        double Q = ((z + 1.12811678491632931402e2) * z + 2.23548839060100448583e3) * z + 4.84406305325125486048e3;
        int small = !(ax >= 0.625); /* NaN takes this branch and stays NaN */
        double f = (small ? z * P : 2 * (q - p)) / (small ? Q : s * (q + p) + (q - p));
        x[i] = copysign(small ? ax + ax * f : 1 - f, a);
    }
}

/* ---- quadrature of E[G^q sigma(G)^p] ---- */

typedef struct {
    slt_act_fn f;
    void *ctx;
    int p, q; /* integrand g^q sigma(g)^p phi(g) */
} moment_ctx;

static double moment_integrand(double g, void *params)
{
    const moment_ctx *m = params;
    /* phi underflows to 0 for |g| > 38.6; returning 0 there avoids 0 * inf when sigma grows. */
    double phi = exp(-0.5 * g * g);
    if (phi == 0.0)
        return 0.0;
    double s = m->f(g, m->ctx);
    double v = m->p == 2 ? s * s : s;
    if (m->q == 1)
        v *= g;
    return v * phi * (0.5 * M_2_SQRTPI * M_SQRT1_2); /* 1/sqrt(2 pi) */
}

static double builtin_cb(double t, void *ctx)
{
    return slt_act_eval(*(const int *)ctx, t);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

enum { QUAD_LIMIT = 1000 };
static const double QUAD_EPSABS = 1e-13, QUAD_EPSREL = 1e-12; /* random_features.md 1.2 */

/* E[G^q sigma^p] over the real line split at the sorted distinct breakpoints bp[0..nb-1]. */
static int moment(moment_ctx *m, const double *bp, size_t nb, gsl_integration_workspace *w,
                  double *res)
{
    gsl_function F = {moment_integrand, m};
    double sum = 0.0, r, err;
    int st = gsl_integration_qagil(&F, bp[0], QUAD_EPSABS, QUAD_EPSREL, QUAD_LIMIT, w, &r, &err);
    if (st)
        return st;
    sum += r;
    for (size_t i = 0; i + 1 < nb; i++) {
        st = gsl_integration_qags(&F, bp[i], bp[i + 1], QUAD_EPSABS, QUAD_EPSREL, QUAD_LIMIT, w,
                                  &r, &err);
        if (st)
            return st;
        sum += r;
    }
    st = gsl_integration_qagiu(&F, bp[nb - 1], QUAD_EPSABS, QUAD_EPSREL, QUAD_LIMIT, w, &r, &err);
    if (st)
        return st;
    *res = sum + r;
    return GSL_SUCCESS;
}

static void finish(slt_act_consts *c)
{
    double s2 = c->m2 - c->mu0 * c->mu0 - c->mu1 * c->mu1;
    /* Rounding may leave a tiny negative value for an affine sigma; mu* is 0 there. */
    c->mustar = s2 > 0 ? sqrt(s2) : 0.0;
    c->zeta = c->mustar > 0 ? c->mu1 / c->mustar : NAN;
}

int slt_act_constants_fn(slt_act_fn f, void *ctx, const double *kinks, size_t nkinks,
                         slt_act_consts *out)
{
    if (!f || !out || (nkinks > 0 && !kinks))
        return SLT_EUSAGE;
    double *bp = malloc((nkinks + 1) * sizeof *bp);
    if (!bp)
        return SLT_EFAIL;
    size_t nb = 0;
    bp[nb++] = 0.0;
    for (size_t i = 0; i < nkinks; i++) {
        if (!isfinite(kinks[i])) {
            free(bp);
            return SLT_EUSAGE;
        }
        bp[nb++] = kinks[i];
    }
    qsort(bp, nb, sizeof *bp, cmp_double);
    size_t u = 1; /* drop duplicates: qags on an empty interval is pointless */
    for (size_t i = 1; i < nb; i++)
        if (bp[i] != bp[u - 1])
            bp[u++] = bp[i];
    nb = u;

    gsl_integration_workspace *w = gsl_integration_workspace_alloc(QUAD_LIMIT);
    if (!w) {
        free(bp);
        return SLT_EFAIL;
    }
    moment_ctx m0 = {f, ctx, 1, 0}, m1 = {f, ctx, 1, 1}, m2 = {f, ctx, 2, 0};
    slt_act_consts c = {0};
    int st = moment(&m0, bp, nb, w, &c.mu0);
    if (!st)
        st = moment(&m1, bp, nb, w, &c.mu1);
    if (!st)
        st = moment(&m2, bp, nb, w, &c.m2);
    gsl_integration_workspace_free(w);
    free(bp);
    if (st)
        return SLT_EFAIL;
    finish(&c);
    *out = c;
    return SLT_OK;
}

int slt_act_constants(int kind, slt_act_consts *out)
{
    if (!out)
        return SLT_EUSAGE;
    slt_act_consts c;
    switch (kind) {
    case SLT_ACT_RELU:
        /* Half-normal moments: E G+ = 1/sqrt(2 pi), E G G+ = E G+^2 = 1/2. */
        c.mu0 = 0.5 * M_2_SQRTPI * M_SQRT1_2;
        c.mu1 = 0.5;
        c.m2 = 0.5;
        c.mustar = sqrt(0.25 - 0.5 / M_PI);
        c.zeta = c.mu1 / c.mustar;
        break;
    case SLT_ACT_QUAD:
        /* E G^2/2 = 1/2, odd moment 0, E G^4/4 = 3/4, so mu*^2 = 3/4 - 1/4 = 1/2. */
        c.mu0 = 0.5;
        c.mu1 = 0.0;
        c.m2 = 0.75;
        c.mustar = M_SQRT1_2;
        c.zeta = 0.0;
        break;
    case SLT_ACT_TANH:
    case SLT_ACT_SOFTPLUS:
    case SLT_ACT_ERF: {
        /* Smooth: the only breakpoint is 0 (the qagil/qagiu split of random_features.md 1.2).
         * For erf the closed forms (Williams 1998) are mu0 = 0, mu1 = 2/sqrt(3 pi),
         * m2 = (2/pi) asin(2/3); the tests compare them with this quadrature. */
        int k = kind;
        int st = slt_act_constants_fn(builtin_cb, &k, NULL, 0, &c);
        if (st)
            return st;
        break;
    }
    default:
        return SLT_EUSAGE;
    }
    *out = c;
    return SLT_OK;
}
