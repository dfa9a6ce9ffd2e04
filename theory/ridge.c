/* ridge.c: limiting and exact finite-n risk of ridge(less) least squares (linear.md 2-3).
 * References: T. Hastie, A. Montanari, S. Rosset, R. J. Tibshirani, arXiv:1903.08560 (HMRT);
 * E. Dobriban, S. Wager, arXiv:1507.03003; P. Nakkiran et al., arXiv:2003.01897;
 * M. Belkin, D. Hsu, J. Xu, arXiv:1903.07571 (BHX). */
#include "theory/ridge.h"

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "slt.h"

#define RIDGE_MAXITER 200
/* Tolerance on u = log kappa: a relative precision of ~1e-14 on kappa (Brent cannot do much
 * better, its own step floor is 0.5 DBL_EPSILON |u|). */
#define RIDGE_UTOL 1e-14

static int bad(double x)
{
    return !isfinite(x) || x < 0.0;
}

/* Weights must form a probability law; 1e-9 leaves room for w_1 = h/p rounding (linear.md 5.1). */
static int check_law(size_t n, const double *s, const double *w)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        if ((s && bad(s[i])) || bad(w[i]))
            return 0;
        sum += w[i];
    }
    return fabs(sum - 1.0) <= 1e-9;
}

static void set_nan(slt_ridge_result *out)
{
    out->risk = out->bias = out->variance = out->kappa = NAN;
}

/* Isotropic ridge, linear.md 2.3 (HMRT 2019; Dobriban-Wager 2015):
 *   B = r2 lam^2 m'(-lam),  V = noise gamma (m - lam m')
 * with m = m(-lam), m' = m'(-lam) of linear.md 1.2. Substituting q = gamma lam m (the stable root
 * of q^2 + b q - gamma lam = 0, b = 1 - gamma + lam) and d = sqrt(b^2 + 4 gamma lam) gives
 *   B = r2 q (q + lam) / (gamma d),   V = noise gamma m e / (2 d),  e = d + 1 - gamma - lam,
 * which avoid the cancellation m - lam m' ~ atom/lam - atom/lam of gamma > 1, small lam. kappa
 * solves kappa^2 + (1 - gamma - lam) kappa - lam = 0 (linear.md 2.4 with H = delta_1); its
 * discriminant is d^2 and kappa e = 2 lam, so kappa and e are computed from whichever of the two
 * forms has no cancellation. */
static void ridge_iso(double gamma, double lam, double r2, double noise, slt_ridge_result *out)
{
    double b = 1.0 - gamma + lam, d = sqrt(b * b + 4.0 * gamma * lam);
    double q = b > 0.0 ? 2.0 * gamma * lam / (b + d) : 0.5 * (d - b);
    double gm = b > 0.0 ? 2.0 * gamma / (b + d) : q / lam; /* gamma m(-lam) */
    double c = 1.0 - gamma - lam, e, kappa;
    if (c >= 0.0) {
        e = d + c;
        kappa = 2.0 * lam / e;
    } else {
        kappa = 0.5 * (d - c);
        e = 2.0 * lam / kappa;
    }
    out->kappa = kappa;
    out->bias = r2 * q * (q + lam) / (gamma * d);
    out->variance = noise * gm * e / (2.0 * d);
}

/* Isotropic ridgeless, linear.md 2.1 (HMRT 2019). */
static void ridgeless_iso(double gamma, double r2, double noise, slt_ridge_result *out)
{
    if (gamma < 1.0) {
        out->kappa = 0.0;
        out->bias = 0.0;
        out->variance = noise * gamma / (1.0 - gamma);
    } else if (gamma > 1.0) {
        out->kappa = gamma - 1.0;
        out->bias = r2 * (1.0 - 1.0 / gamma);
        out->variance = noise / (gamma - 1.0);
    } else {
        out->kappa = 0.0;
        out->bias = 0.0;
        out->variance = noise > 0.0 ? INFINITY : 0.0;
    }
}

typedef struct {
    const slt_ridge_model *m;
    double gamma, lam;
} kappa_ctx;

/* phi(k)/k with phi of linear.md 2.4 ("Root finding"), as a function of u = log k:
 *   f(k) = 1 - lam/k - gamma sum_i w_i s_i/(s_i + k).
 * Same sign and roots as phi for k > 0, strictly increasing in k (so the root is unique), and at
 * lam = 0 it is psi(k). Working in u keeps the relative precision uniform when kappa ranges over
 * many decades (small lam, wide spectra). */
static double kappa_f(double u, void *p)
{
    const kappa_ctx *c = p;
    double k = exp(u), acc = 0.0;
    for (size_t i = 0; i < c->m->nlevels; i++) {
        double s = c->m->s[i];
        if (s > 0.0)
            acc += c->m->w[i] * s / (s + k);
    }
    return 1.0 - c->lam / k - c->gamma * acc;
}

/* Bracket + Brent on u = log k (linear.md 2.4 "Root finding"). lo/hi are bracket ends in k on
 * which f <= 0 <= f must hold; anything else is reported as a failure, never guessed. */
static int kappa_solve(kappa_ctx *c, double klo, double khi, double *kappa)
{
    double ulo = log(klo), uhi = log(khi);
    double flo = kappa_f(ulo, c), fhi = kappa_f(uhi, c);
    if (flo == 0.0) {
        *kappa = klo;
        return SLT_OK;
    }
    if (fhi == 0.0) {
        *kappa = khi;
        return SLT_OK;
    }
    if (!(flo < 0.0 && fhi > 0.0))
        return SLT_EFAIL;
    gsl_function F = { kappa_f, c };
    gsl_root_fsolver *sv = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!sv)
        return SLT_EFAIL;
    int status = gsl_root_fsolver_set(sv, &F, ulo, uhi);
    if (status == GSL_SUCCESS) {
        int iter = 0;
        do {
            status = gsl_root_fsolver_iterate(sv);
            if (status != GSL_SUCCESS)
                break;
            status = gsl_root_test_interval(gsl_root_fsolver_x_lower(sv),
                                            gsl_root_fsolver_x_upper(sv), RIDGE_UTOL, RIDGE_UTOL);
        } while (status == GSL_CONTINUE && ++iter < RIDGE_MAXITER);
    }
    int ok = status == GSL_SUCCESS;
    double u = gsl_root_fsolver_root(sv);
    gsl_root_fsolver_free(sv);
    if (!ok || !isfinite(u))
        return SLT_EFAIL;
    *kappa = exp(u);
    return SLT_OK;
}

/* General Sigma, linear.md 2.4 (Dobriban-Wager 2015, sec. 2.4; HMRT 2019):
 *   kappa (1 - gamma int s/(s + kappa) dH) = lam,  E2 = gamma int s^2/(s + kappa)^2 dH,
 *   V = noise E2/(1 - E2),  B = r2 kappa^2 int s/(s + kappa)^2 dG / (1 - E2).
 * At the root, 1 - E2 = lam/kappa + gamma kappa int s/(s + kappa)^2 dH: a sum of positive terms,
 * used instead of the subtraction (which loses all digits as the effective gamma -> 1+).
 * Levels with s = 0 carry no risk (the risk is measured in the Sigma norm) and do not count
 * towards the effective aspect ratio gamma_eff = gamma H(s > 0). */
static int ridge_general(const slt_ridge_model *m, double gamma, double lam, double noise,
                         slt_ridge_result *out)
{
    const double *g = m->g ? m->g : m->w;
    double mass = 0.0, mean = 0.0, smin = INFINITY;
    for (size_t i = 0; i < m->nlevels; i++)
        if (m->s[i] > 0.0 && m->w[i] > 0.0) {
            mass += m->w[i];
            mean += m->w[i] * m->s[i];
            smin = fmin(smin, m->s[i]);
        }
    double ge = gamma * mass, kappa;
    if (lam == 0.0 && ge <= 1.0) {
        /* below the threshold the min-norm interpolant is unbiased: kappa = 0 */
        out->kappa = 0.0;
        out->bias = 0.0;
        out->variance = ge < 1.0 ? noise * ge / (1.0 - ge) : (noise > 0.0 ? INFINITY : 0.0);
        return SLT_OK;
    }
    kappa_ctx c = { m, gamma, lam };
    double klo, khi;
    if (lam > 0.0) {
        /* phi(lam) < 0 <= phi(lam + gamma E_H s) */
        klo = lam;
        khi = lam + gamma * mean;
    } else {
        /* f(k) <= 1 - ge smin/(smin + k) < 0 for k < smin (ge - 1); f(gamma E_H s) >= 0 */
        klo = 0.5 * smin * (ge - 1.0);
        khi = gamma * mean;
    }
    int st = kappa_solve(&c, klo, khi, &kappa);
    if (st != SLT_OK)
        return st;
    double e2 = 0.0, h1 = 0.0, g1 = 0.0;
    for (size_t i = 0; i < m->nlevels; i++) {
        double s = m->s[i];
        if (!(s > 0.0))
            continue;
        double r = 1.0 / (s + kappa);
        e2 += m->w[i] * s * s * r * r;
        h1 += m->w[i] * s * r * r;
        g1 += g[i] * s * r * r;
    }
    e2 *= gamma;
    double one_m_e2 = lam / kappa + gamma * kappa * h1;
    out->kappa = kappa;
    out->bias = m->r2 * kappa * kappa * g1 / one_m_e2;
    out->variance = noise * e2 / one_m_e2;
    return SLT_OK;
}

/* linear.md 2.1-2.5: dispatch to the isotropic closed forms or the general fixed point, then
 * add the omitted signal (linear.md 2.5, HMRT 2019): it is independent of x, so for any lam it acts
 * as noise of variance eta2 in V and adds eta2 to the risk against E[y | x, w]. */
int slt_ridge_risk(const slt_ridge_model *m, double gamma, double lambda, slt_ridge_result *out)
{
    if (!out)
        return SLT_EUSAGE;
    set_nan(out);
    if (!m || bad(m->r2) || bad(m->sigma2) || bad(m->eta2) || !(gamma > 0.0) || !isfinite(gamma)
        || bad(lambda))
        return SLT_EUSAGE;
    if (m->nlevels > 0) {
        if (!m->s || !m->w || !check_law(m->nlevels, m->s, m->w)
            || (m->g && !check_law(m->nlevels, NULL, m->g)))
            return SLT_EUSAGE;
        int any = 0;
        for (size_t i = 0; i < m->nlevels; i++)
            any |= m->s[i] > 0.0 && m->w[i] > 0.0;
        if (!any)
            return SLT_EUSAGE;
    }
    double noise = m->sigma2 + m->eta2;
    int st = SLT_OK;
    if (m->nlevels == 0) {
        if (lambda > 0.0)
            ridge_iso(gamma, lambda, m->r2, noise, out);
        else
            ridgeless_iso(gamma, m->r2, noise, out);
    } else {
        st = ridge_general(m, gamma, lambda, noise, out);
    }
    if (st != SLT_OK) {
        set_nan(out);
        return st;
    }
    out->risk = out->bias + out->variance + m->eta2;
    return SLT_OK;
}

/* linear.md 2.3 (Dobriban-Wager 2015; Nakkiran et al. 2020): lam* = noise gamma / r2,
 * the posterior-mean penalty under beta ~ N(0, (r2/p) I); valid for any H when G = H. */
double slt_ridge_lambda_opt(const slt_ridge_model *m, double gamma)
{
    double noise = m->sigma2 + m->eta2;
    return m->r2 > 0.0 ? noise * gamma / m->r2 : INFINITY;
}

/* linear.md 2.2 (inverse-Wishart mean E W^{-1} = I/(n - p - 1), E||P_row beta||^2 = (n/p) r2)
 * and section 3 (BHX 2019) minus sigma2: the omitted part eta2 acts as noise. */
double slt_ridge_finite_risk(const slt_ridge_model *m, long n, long p)
{
    if (n < 1 || p < 1)
        return NAN;
    double noise = m->sigma2 + m->eta2, dn = (double)n, dp = (double)p;
    double bias = p > n ? m->r2 * (1.0 - dn / dp) : 0.0;
    if (noise == 0.0) /* exact interpolation of a noiseless target: no variance, even at p ~ n */
        return bias;
    if (p <= n - 2)
        return m->eta2 + noise * dp / (dn - dp - 1.0);
    if (p >= n + 2)
        return m->eta2 + bias + noise * dn / (dp - dn - 1.0);
    return INFINITY;
}
