/* nce.c: landscape of noise-contrastive estimation (NCE) vs the compositional NLL for the mean of
 * N(R, 1) with noise N(0, 1): Jiang, Qin, Wu, Chen, Yang, Zhang, ICML 2023, arXiv:2306.07485; Liu et
 * al. 2021 for the flat NCE landscape. Every formula is derived in extras.md 3 [D]. Integrals by
 * gsl_integration_qagi on the factored forms (200-node Gauss-Hermite on the raw integrand is off
 * by 2e-5 at R = 8: the integrand's mass moves away from the Gaussian's centre). */
#include "theory/nce.h"

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#define QUAD_LIMIT 1000
#define EPSREL 1e-12 /* extras.md 3: qagi at epsrel 1e-12 agrees with the defining integral to 1e-13 */

static double softplus(double t) { return t > 0 ? t + log1p(exp(-t)) : log1p(exp(t)); }
static double log_phi(double x) { return -0.5 * x * x - 0.5 * log(2 * M_PI); }
/* sech t = 2 e^{-|t|}/(1 + e^{-2|t|}): no overflow */
static double sech(double t)
{
    double e = exp(-fabs(t));
    return 2 * e / (1 + e * e);
}

typedef struct {
    double R, theta, cp;
    int which;
} qpar;

static int integrate(double (*f)(double, void *), qpar *p, double epsabs, double *res)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(QUAD_LIMIT);
    if (!w)
        return GSL_ENOMEM;
    gsl_function F = {f, p};
    double abserr;
    int st = gsl_integration_qagi(&F, epsabs, EPSREL, QUAD_LIMIT, w, res, &abserr);
    gsl_integration_workspace_free(w);
    /* roundoff stops qagi short of epsrel when the integral is ~0 (the gradient at the optimum,
     * d/dc' at c' = 0): the estimate is still good to abserr */
    if (st == GSL_EROUND && abserr < 1e-12)
        st = 0;
    return st;
}

/* phi(u) 1/2 sech(R u/2) u^k, k = which (0, 1, 2): the factored flatness integrands, in which the
 * factor e^{-R^2/8} is taken out exactly (extras.md 3). */
static double f_sech(double u, void *vp)
{
    const qpar *p = vp;
    return exp(log_phi(u)) * 0.5 * sech(p->R * u / 2) * pow(u, p->which);
}

int slt_nce_curvature(double R, double *lam_min, double *lam_max, double *kappa, double *schur)
{
    double m[3];
    for (int k = 0; k < 3; k++) {
        qpar p = {R, 0, 0, k};
        if (integrate(f_sech, &p, 0, &m[k]))
            return 1;
    }
    double fl = exp(-R * R / 8), s = R / 2;
    /* M = E[1/2 sech (u + R/2, 1)(u + R/2, 1)'] */
    double a = fl * (m[2] + 2 * s * m[1] + s * s * m[0]), b = fl * (m[1] + s * m[0]), c = fl * m[0];
    double tr = a + c, det = a * c - b * b, disc = sqrt(0.25 * (a - c) * (a - c) + b * b);
    *lam_max = 0.5 * tr + disc;
    *lam_min = det / *lam_max; /* no cancellation when lam_min << lam_max (large R) */
    *kappa = fl * m[2];
    if (schur)
        *schur = det / c;
    return 0;
}

/* phi(v - R/2) softplus(-theta v) */
static double f_prof(double v, void *vp)
{
    const qpar *p = vp;
    return exp(log_phi(v - p->R / 2)) * softplus(-p->theta * v);
}

int slt_nce_lprof(double R, double theta, double *L)
{
    qpar p = {R, theta, 0, 0};
    double I;
    int st = integrate(f_prof, &p, 0, &I);
    *L = 2 * I;
    return st != 0;
}

double slt_nce_cprime_opt(double R, double theta) { return theta * (R - theta) / 2; }
double slt_nce_fcomp(double R, double theta) { return 0.5 + 0.5 * (theta - R) * (theta - R) + 0.5 * log(2 * M_PI); }

/* The NCE integrands over x with h = theta x - theta^2/2 - c': which = 0 the loss
 * p* softplus(-h) + q softplus(h); 1, 2 the gradient in theta and c'. p* sigma(-h) and q sigma(h)
 * are formed as exp(log p* - softplus(h)) and exp(log q - softplus(-h)): finite for every R. */
static double f_nce(double x, void *vp)
{
    const qpar *p = vp;
    double h = p->theta * x - 0.5 * p->theta * p->theta - p->cp, lp = log_phi(x - p->R), lq = log_phi(x);
    if (p->which == 0)
        return exp(lp) * softplus(-h) + exp(lq) * softplus(h);
    double a = exp(lp - softplus(h)), b = exp(lq - softplus(-h)); /* p* sigma(-h), q sigma(h) */
    return p->which == 1 ? (b - a) * (x - p->theta) : a - b;
}

int slt_nce_loss(double R, double theta, double cp, double *L)
{
    qpar p = {R, theta, cp, 0};
    return integrate(f_nce, &p, 0, L) != 0;
}

/* epsabs 1e-14: the gradient vanishes at the optimum, so a relative tolerance alone would ask
 * for digits that do not exist; 1e-14 is far below any step that changes an iteration count */
int slt_nce_grad(double R, double theta, double cp, double g[2])
{
    qpar p1 = {R, theta, cp, 1}, p2 = {R, theta, cp, 2};
    return (integrate(f_nce, &p1, 1e-14, &g[0]) || integrate(f_nce, &p2, 1e-14, &g[1])) ? 1 : 0;
}

/* Whether GD from theta = 0 can come within tol of R in T steps at all. |dL/dtheta| <=
 * E_{N(R,1)}|x - theta| + E_{N(0,1)}|x - theta| <= R + 2|theta| + 2 sqrt(2/pi), since the
 * sigmoid weights are <= 1 (extras.md 3); so |theta_t| <= b ((1 + 2 eta)^t - 1) with
 * b = R/2 + sqrt(2/pi), and reaching needs |theta_t| > R - tol. A tiny eta (1e-12: 2e5 steps
 * move theta by 1e-6) is thus answered at once, instead of after T steps of two quadratures. */
static int gd_can_reach(double R, double eta, double tol, long T)
{
    double b = 0.5 * R + sqrt(2 / M_PI);
    return b * expm1((double)T * log1p(2 * eta)) > R - tol;
}

int slt_nce_gd_iters(double R, double eta, double tol, long T, long *iters)
{
    double theta = 0, cp = 0, g[2];
    if (!gd_can_reach(R, eta, tol, T)) {
        *iters = -1;
        return 0;
    }
    for (long t = 1; t <= T; t++) {
        if (slt_nce_grad(R, theta, cp, g))
            return 1;
        theta -= eta * g[0];
        cp -= eta * g[1];
        if (fabs(theta - R) < tol) {
            *iters = t;
            return 0;
        }
    }
    *iters = -1;
    return 0;
}

long slt_nce_comp_gd_iters(double R, double eta, double tol, long T)
{
    double theta = 0;
    for (long t = 1; t <= T; t++) {
        theta -= eta * (theta - R);
        if (fabs(theta - R) < tol)
            return t;
    }
    return -1;
}
