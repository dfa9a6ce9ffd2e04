/* mei_montanari.c: the Mei-Montanari asymptotic risk of random-features ridge regression.
 * Reference: S. Mei, A. Montanari, "The generalization error of random features regression:
 * Precise asymptotics and double descent curve", arXiv:1908.05355 (Theorem 1 and Definition 1
 * there); derivations and worked values in random_features.md 1.3-1.6. */
#include "theory/mei_montanari.h"

#include <math.h>
#include <stddef.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "slt.h"

/* random_features.md 1.3 (the paper's E0, E1, E2 of Definition 1). (psi1 psi2 - psi1 - psi2 + 1)
 * is written as (psi1 - 1)(psi2 - 1), which is exact near psi = 1. */
void slt_mm_polys(double psi1, double psi2, double zeta, double chi, double e[3])
{
    double z2 = zeta * zeta, z4 = z2 * z2, z6 = z4 * z2;
    double c2 = chi * chi, c3 = c2 * chi, c4 = c3 * chi, c5 = c4 * chi;
    double pp = psi1 * psi2;
    e[0] = -c5 * z6 + 3 * c4 * z4 + (psi1 - 1) * (psi2 - 1) * c3 * z6 - 2 * c3 * z4 - 3 * c3 * z2
           + (psi1 + psi2 - 3 * pp + 1) * c2 * z4 + 2 * c2 * z2 + c2 + 3 * pp * chi * z2 - pp;
    e[1] = psi2 * c3 * z4 - psi2 * c2 * z2 + pp * chi * z2 - pp;
    e[2] = c5 * z6 - 3 * c4 * z4 + (psi1 - 1) * c3 * z6 + 2 * c3 * z4 + 3 * c3 * z2
           - (psi1 + 1) * c2 * z4 - 2 * c2 * z2 - c2;
}

/* Sum of the absolute values of the terms of E0: with chi known to relative ~1e-15, E0 is known
 * to about 6e-15 times this (the chi error enters through dE0/dchi, whose terms are at most 5
 * times those of E0). Near psi1 = psi2 at tiny lambar, E0 -> 0 and B = E1/E0 loses all digits. */
static double e0_abs(double psi1, double psi2, double zeta, double chi)
{
    double z2 = zeta * zeta, z4 = z2 * z2, z6 = z4 * z2, pp = psi1 * psi2;
    double c = fabs(chi), c2 = c * c, c3 = c2 * c, c4 = c3 * c, c5 = c4 * c;
    return c5 * z6 + 3 * c4 * z4 + fabs((psi1 - 1) * (psi2 - 1)) * c3 * z6 + 2 * c3 * z4
           + 3 * c3 * z2 + fabs(psi1 + psi2 - 3 * pp + 1) * c2 * z4 + 2 * c2 * z2 + c2
           + 3 * pp * c * z2 + pp;
}

/* ---- 1.4: the bracketed one-dimensional solve ---- */

typedef struct {
    double pa, gap, s, z2;
} fp_params;

/* h(u) = u (s + v + z^2 v / (1 + z^2 u v)) - pa with v = u + gap: strictly increasing in u
 * (random_features.md 1.4), so a sign change brackets the unique root. */
static double fp_h(double u, void *p)
{
    const fp_params *q = p;
    double v = u + q->gap;
    return u * (q->s + v + q->z2 * v / (1 + q->z2 * u * v)) - q->pa;
}

/* Ridgeless chi (random_features.md 1.5): chi = -(t + sqrt(t^2 + 4 z^2 psi)) / (2 z^2) with
 * t = psi z^2 - z^2 - 1. For t < 0 the numerator cancels (completely as z -> 0), so use the
 * conjugate form -2 psi / (sqrt(t^2 + 4 z^2 psi) - t), which also gives chi = -psi at z = 0. */
static double ridgeless_chi(double psi, double z2)
{
    double t = psi * z2 - z2 - 1;
    double r = sqrt(t * t + 4 * z2 * psi);
    return t < 0 ? -2 * psi / (r - t) : -(t + r) / (2 * z2);
}

int slt_mm_chi(double psi1, double psi2, double zeta, double lambar, double *chi, double *b1,
               double *b2)
{
    if (!chi || !(psi1 > 0) || !(psi2 > 0) || !isfinite(psi1) || !isfinite(psi2)
        || !isfinite(zeta) || !(lambar >= 0))
        return SLT_EUSAGE;
    double z2 = zeta * zeta;
    if (lambar == 0) {
        *chi = ridgeless_chi(fmin(psi1, psi2), z2);
        if (b1)
            *b1 = NAN;
        if (b2)
            *b2 = NAN;
        return SLT_OK;
    }
    if (isinf(lambar)) { /* s -> inf: b_j ~ psi_j / s -> 0 */
        *chi = 0;
        if (b1)
            *b1 = 0;
        if (b2)
            *b2 = 0;
        return SLT_OK;
    }
    /* 1.4: s (b1 - b2) = psi1 - psi2 exactly; solve for the b of the smaller psi. The product
     * psi1 psi2 lambar may overflow where s itself does not, hence three square roots. */
    double s = sqrt(psi1) * sqrt(psi2) * sqrt(lambar);
    if (isinf(s))
        return slt_mm_chi(psi1, psi2, zeta, INFINITY, chi, b1, b2); /* chi ~ -1/lambar = 0 */
    double pa = fmin(psi1, psi2), pb = fmax(psi1, psi2);
    fp_params q = {pa, (pb - pa) / s, s, z2};
    /* Bracket [0, hi]: every term of h is positive, so at the root u (s + v) <= pa, giving
     * u <= pa/(s + gap), and u^2 <= u v <= pa, giving u <= sqrt(pa). Both are tighter than the
     * pa/s of the notes when s is small, which saves Brent many bisections. */
    double hi = fmin(pa / (s + q.gap), sqrt(pa));
    gsl_function F = {fp_h, &q};
    double u;
    double fhi = fp_h(hi, &q);
    /* When s dominates, the root sits at hi to rounding (u ~ pa/s) and h(hi) may come out a few
     * ulps negative: widen the bracket just enough. */
    for (double grow = 1e-15; fhi < 0 && grow < 1e-5; grow *= 10) {
        hi *= 1 + grow;
        fhi = fp_h(hi, &q);
    }
    if (!(fhi >= 0))
        return SLT_EFAIL; /* impossible in exact arithmetic; NaN lands here too */
    if (fhi == 0) {
        u = hi;
    } else {
        gsl_root_fsolver *solver = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
        if (!solver)
            return SLT_EFAIL;
        if (gsl_root_fsolver_set(solver, &F, 0.0, hi)) {
            gsl_root_fsolver_free(solver);
            return SLT_EFAIL;
        }
        int status = GSL_CONTINUE;
        for (int it = 0; it < 500 && status == GSL_CONTINUE; it++) {
            if (gsl_root_fsolver_iterate(solver)) {
                status = GSL_EFAILED;
                break;
            }
            double lo = gsl_root_fsolver_x_lower(solver), up = gsl_root_fsolver_x_upper(solver);
            /* relative 1e-15 (1.4); 4 ulps also accepted, since Brent's own step floor is
             * about 2 eps |u| and may stall just above 1e-15 */
            if (gsl_root_test_interval(lo, up, 0, 1e-15) == GSL_SUCCESS
                || up - lo <= 4 * GSL_DBL_EPSILON * fabs(up))
                status = GSL_SUCCESS;
        }
        u = gsl_root_fsolver_root(solver);
        gsl_root_fsolver_free(solver);
        if (status != GSL_SUCCESS)
            return SLT_EFAIL;
    }
    double v = u + q.gap;
    *chi = -u * v;
    if (b1)
        *b1 = psi1 <= psi2 ? u : v;
    if (b2)
        *b2 = psi1 <= psi2 ? v : u;
    return SLT_OK;
}

/* Negative root of z^2 chi^2 + (z^2 (p - 1)/A - 1) chi - p/A = 0 (the kernel-limit quadratic of
 * random_features.md 1.5 multiplied by z^2, so that z = 0 is allowed): the root formula is taken
 * in the form without cancellation (the product of the roots is -p/(A z^2) < 0). */
static double limit_chi(double p, double A, double z2)
{
    double bq = z2 * (p - 1) / A - 1, c = -p / A;
    double r = sqrt(bq * bq - 4 * z2 * c);
    if (bq >= 0) /* then z2 > 0 */
        return -(bq + r) / (2 * z2);
    return 2 * c / (r - bq);
}

/* D(p) = (p - 1) chi^3 z^6 + (1 - 3p) chi^2 z^4 + 3 p chi z^2 - p of random_features.md 1.5. */
static double limit_D(double p, double chi, double z2)
{
    double w = chi * z2;
    return (p - 1) * w * w * w + (1 - 3 * p) * w * w + 3 * p * w - p;
}

/* coef * x with 0 * inf = 0 (a term whose coefficient is 0 is absent, not undefined). */
static double term(double coef, double x)
{
    return coef == 0 ? 0 : coef * x;
}

int slt_mm_risk(double psi1, double psi2, double lambda, double mu1, double mustar, double F1sq,
                double Fstarsq, double tau2, slt_mm_result *out)
{
    if (!out || !(psi1 > 0) || !(psi2 > 0) || !(lambda >= 0) || !isfinite(mu1)
        || !(mustar > 0) || !isfinite(mustar) || !(F1sq >= 0) || !isfinite(F1sq)
        || !(Fstarsq >= 0) || !isfinite(Fstarsq) || !(tau2 >= 0) || !isfinite(tau2))
        return SLT_EUSAGE;
    double zeta = mu1 / mustar, z2 = zeta * zeta;
    double lambar = lambda / (mustar * mustar);
    slt_mm_result r = {.b1 = NAN, .b2 = NAN, .e0 = NAN, .e1 = NAN, .e2 = NAN};

    if (isinf(psi1) && isinf(psi2)) {
        /* [D] Limit of the psi2 -> inf formula as psi1 -> inf (and of the kernel limit as
         * psi2 -> inf): chi -> -1/lambar, B -> 1/(1 - chi z^2)^2 = (lambda/(lambda + mu1^2))^2,
         * the bias of ridge on the linear part seen through the eigenvalue mu1^2. */
        r.chi = lambar > 0 ? -1 / lambar : -INFINITY;
        if (mu1 == 0)
            r.bias = 1;
        else if (lambda == 0)
            r.bias = 0;
        else if (isinf(lambda))
            r.bias = 1;
        else {
            double f = lambda / (lambda + mu1 * mu1);
            r.bias = f * f;
        }
        r.variance = 0;
    } else if (isinf(psi1) || isinf(psi2)) {
        /* Kernel limit psi1 -> inf, or infinite data psi2 -> inf (random_features.md 1.5 [D]):
         * the same quadratic with p the finite ratio and A = 1 + p lambar. */
        double p = isinf(psi1) ? psi2 : psi1;
        double A = 1 + p * lambar; /* inf when lambda = inf: then chi = 0, B = 1, V = 0 */
        r.chi = limit_chi(p, A, z2);
        double D = limit_D(p, r.chi, z2), w = r.chi * z2;
        if (isinf(psi1)) {
            r.bias = (p * w - p) / D;
            r.variance = (w * w * w - w * w) / D;
        } else {
            r.bias = (w * w * r.chi - w * r.chi + p * w - p) / D;
            r.variance = 0;
        }
    } else if (lambda == 0 && psi1 == psi2) {
        /* Interpolation threshold without ridge: the error diverges (1.5), even with tau = F* = 0,
         * because the nonlinear part of the features acts as noise. */
        r.chi = ridgeless_chi(psi1, z2);
        r.bias = INFINITY;
        r.variance = INFINITY;
    } else {
        int st = slt_mm_chi(psi1, psi2, zeta, lambar, &r.chi, &r.b1, &r.b2);
        if (st)
            return st;
        double e[3];
        slt_mm_polys(psi1, psi2, zeta, r.chi, e);
        r.e0 = e[0];
        r.e1 = e[1];
        r.e2 = e[2];
        /* E0 < 0 whenever B is finite (E1 < 0 term by term for chi < 0, and B > 0). Fail
         * rather than return B, V whose error bound exceeds 1e-4 relative (only at psi1 = psi2,
         * or within rounding of it, with B ~ 1e9 or more: lambar < ~1e-20 for ReLU at psi = 3).
         * The bound is pessimistic: checked against 60-digit arithmetic, the actual error is
         * 10-100 times smaller. */
        if (!(e[0] < 0) || 6e-15 * e0_abs(psi1, psi2, zeta, r.chi) > 1e-4 * fabs(e[0]))
            return SLT_EFAIL;
        r.bias = e[1] / e[0];
        r.variance = e[2] / e[0];
    }
    r.test = term(F1sq, r.bias) + term(tau2 + Fstarsq, r.variance) + Fstarsq;
    *out = r;
    return SLT_OK;
}
