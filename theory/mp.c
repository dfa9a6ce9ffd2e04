/* mp.c: Marchenko-Pastur law and quadrature against it (linear.md section 1).
 * Reference: V. A. Marchenko, L. A. Pastur, "Distribution of eigenvalues for some sets of random
 * matrices", Math. USSR-Sbornik 1 (1967) 457-483. */
#include "theory/mp.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

/* QAWS settings of linear.md 1.3 (item 1). */
#define MP_EPSABS 1e-13
#define MP_EPSREL 1e-11
#define MP_LIMIT 1000

/* linear.md 1.1 */
double slt_mp_edge_lo(double alpha)
{
    double d = 1.0 - sqrt(alpha);
    return d * d;
}

double slt_mp_edge_hi(double alpha)
{
    double d = 1.0 + sqrt(alpha);
    return d * d;
}

double slt_mp_atom(double alpha)
{
    return alpha < 1.0 ? 1.0 - alpha : 0.0;
}

/* linear.md 1.1: rho_c(l) = sqrt((l_+ - l)(l - l_-)) / (2 pi l). */
double slt_mp_density(double alpha, double l)
{
    double lo = slt_mp_edge_lo(alpha), hi = slt_mp_edge_hi(alpha);
    if (!(l > lo && l < hi))
        return 0.0;
    return sqrt((hi - l) * (l - lo)) / (2.0 * M_PI * l);
}

/* linear.md 1.2: the HMRT edges are the AS edges with alpha -> gamma; the density carries an
 * extra 1/gamma because it is normalised to the p eigenvalues of Sigma_hat. */
double slt_mp_hmrt_density(double gamma, double s)
{
    return slt_mp_density(gamma, s) / gamma;
}

double slt_mp_hmrt_atom(double gamma)
{
    return gamma > 1.0 ? 1.0 - 1.0 / gamma : 0.0;
}

/* gamma lam m(-lam), the positive root of q^2 + b q - gamma lam = 0 (b = 1 - gamma + lam), from
 * gamma z m^2 - (1 - gamma - z) m + 1 = 0 at z = -lam (linear.md 1.2). The two algebraically
 * equal forms avoid cancellation for either sign of b. */
static double mp_q(double gamma, double lam, double *d_out)
{
    double b = 1.0 - gamma + lam;
    double d = sqrt(b * b + 4.0 * gamma * lam);
    if (d_out)
        *d_out = d;
    return b > 0.0 ? 2.0 * gamma * lam / (b + d) : 0.5 * (d - b);
}

/* HMRT 2019 (arXiv:1903.08560), MP Stieltjes transform; linear.md 1.2 closed form for m(-lam). */
double slt_mp_stieltjes(double gamma, double lam)
{
    if (lam == 0.0)
        return gamma < 1.0 ? 1.0 / (1.0 - gamma) : INFINITY;
    double b = 1.0 - gamma + lam, d = sqrt(b * b + 4.0 * gamma * lam);
    /* m = q / (gamma lam); for b > 0 this is 2 / (b + d), free of the 1/lam blow-up. */
    return b > 0.0 ? 2.0 / (b + d) : 0.5 * (d - b) / (gamma * lam);
}

/* linear.md 1.2: m'(-lam) = (gamma m^2 + m) / ((1 - gamma + lam) + 2 gamma lam m); the
 * denominator equals d = sqrt(b^2 + 4 gamma lam), which is used because it has no cancellation. */
double slt_mp_stieltjes_deriv(double gamma, double lam)
{
    if (lam == 0.0)
        return gamma < 1.0 ? 1.0 / ((1.0 - gamma) * (1.0 - gamma) * (1.0 - gamma)) : INFINITY;
    double d;
    (void)mp_q(gamma, lam, &d);
    double m = slt_mp_stieltjes(gamma, lam);
    return (gamma * m * m + m) / d;
}

/* ---- QAWS reference rule (linear.md 1.3, item 1) ---- */

typedef struct {
    slt_mp_fn g;
    void *ctx;
    double scale; /* 2 pi (AS) or 2 pi gamma (HMRT) */
    int hard_edge; /* lower edge at 0: the 1/l of the density is folded into the weight */
} mp_qaws_ctx;

static double mp_qaws_integrand(double l, void *p)
{
    const mp_qaws_ctx *c = p;
    double v = c->g(l, c->ctx);
    return c->hard_edge ? v / c->scale : v / (c->scale * l);
}

/* int_{lo}^{hi} sqrt((hi - l)(l - lo)) g(l) / (scale l) dl. When lo = 0 (ratio exactly 1) the
 * factor l^{1/2} / l = l^{-1/2} is merged with the weight: (a, b) = (-1/2, 1/2); otherwise
 * (a, b) = (1/2, 1/2) and the 1/l stays in the smooth integrand. */
static int mp_qaws(double ratio, double scale, slt_mp_fn g, void *ctx, double *result)
{
    *result = NAN;
    if (!(ratio > 0.0) || !isfinite(ratio) || !g)
        return GSL_EINVAL;
    double lo = slt_mp_edge_lo(ratio), hi = slt_mp_edge_hi(ratio);
    mp_qaws_ctx c = { g, ctx, scale, ratio == 1.0 };
    gsl_function F = { mp_qaws_integrand, &c };
    gsl_integration_qaws_table *tab =
        gsl_integration_qaws_table_alloc(c.hard_edge ? -0.5 : 0.5, 0.5, 0, 0);
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(MP_LIMIT);
    int status = GSL_ENOMEM;
    if (tab && ws) {
        double res, err;
        status = gsl_integration_qaws(&F, lo, hi, tab, MP_EPSABS, MP_EPSREL, MP_LIMIT, ws, &res,
                                      &err);
        if (status == GSL_SUCCESS && isfinite(res))
            *result = res;
        else if (status == GSL_SUCCESS)
            status = GSL_EFAILED;
    }
    gsl_integration_workspace_free(ws);
    gsl_integration_qaws_table_free(tab);
    return status;
}

/* linear.md 1.3 item 1, AS units: weight (l - l_-)^{1/2} (l_+ - l)^{1/2}, integrand g/(2 pi l). */
int slt_mp_integrate(double alpha, slt_mp_fn g, void *ctx, double *result)
{
    return mp_qaws(alpha, 2.0 * M_PI, g, ctx, result) != GSL_SUCCESS;
}

/* linear.md 1.3 item 1, HMRT units: 2 pi l replaced by 2 pi gamma s. */
int slt_mp_hmrt_integrate(double gamma, slt_mp_fn g, void *ctx, double *result)
{
    return mp_qaws(gamma, 2.0 * M_PI * gamma, g, ctx, result) != GSL_SUCCESS;
}

/* ---- Gauss-Chebyshev of the second kind (linear.md 1.3, item 2) ---- */

slt_mp_nodes *slt_mp_nodes_alloc(double alpha, size_t n)
{
    if (!(alpha > 0.0) || !isfinite(alpha) || n == 0)
        return NULL;
    slt_mp_nodes *q = malloc(sizeof *q);
    if (!q)
        return NULL;
    q->n = n;
    q->alpha = alpha;
    q->l = malloc(n * sizeof *q->l);
    q->w = malloc(n * sizeof *q->w);
    if (!q->l || !q->w) {
        slt_mp_nodes_free(q);
        return NULL;
    }
    double h = 2.0 * sqrt(alpha), lo = slt_mp_edge_lo(alpha);
    for (size_t k = 1; k <= n; k++) {
        double th = (double)k * M_PI / (double)(n + 1);
        double sn = sin(th), ch = cos(0.5 * th);
        /* l = 1 + alpha + h cos(th), written as l_- + 2 h cos^2(th/2) so the nodes next to a
         * hard edge (alpha = 1, l_- = 0) keep full relative precision. */
        double l = lo + 2.0 * h * ch * ch;
        q->l[k - 1] = l;
        q->w[k - 1] = (M_PI / (double)(n + 1)) * sn * sn * h * h / (2.0 * M_PI * l);
    }
    return q;
}

void slt_mp_nodes_free(slt_mp_nodes *q)
{
    if (!q)
        return;
    free(q->l);
    free(q->w);
    free(q);
}

double slt_mp_nodes_apply(const slt_mp_nodes *q, slt_mp_fn g, void *ctx)
{
    double s = 0.0;
    for (size_t k = 0; k < q->n; k++)
        s += q->w[k] * g(q->l[k], ctx);
    return s;
}
