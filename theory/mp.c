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
/* l_-/l_+ below which the hard-edge weight is used (see mp_qaws) */
#define MP_HARD_EDGE 1e-3

/* linear.md 1.1: support [l_-, l_+] and atom of the MP law in AS units. */
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

/* HMRT 2019 (arXiv:1903.08560), MP Stieltjes transform; linear.md 1.2 closed form for m(-lam):
 * the positive root of gamma lam m^2 + b m - 1 = 0, b = 1 - gamma + lam. For b > 0 the textbook
 * form [-b + d]/(2 gamma lam) loses all digits as lam -> 0; its rationalised equal 2/(b + d)
 * does not. For b <= 0 the textbook form has no cancellation. */
double slt_mp_stieltjes(double gamma, double lam)
{
    if (lam == 0.0)
        return gamma < 1.0 ? 1.0 / (1.0 - gamma) : INFINITY;
    double b = 1.0 - gamma + lam, d = sqrt(b * b + 4.0 * gamma * lam);
    return b > 0.0 ? 2.0 / (b + d) : 0.5 * (d - b) / (gamma * lam);
}

/* linear.md 1.2: m'(-lam) = (gamma m^2 + m) / ((1 - gamma + lam) + 2 gamma lam m); the
 * denominator equals d = sqrt(b^2 + 4 gamma lam), which is used because it has no cancellation. */
double slt_mp_stieltjes_deriv(double gamma, double lam)
{
    if (lam == 0.0)
        return gamma < 1.0 ? 1.0 / ((1.0 - gamma) * (1.0 - gamma) * (1.0 - gamma)) : INFINITY;
    double b = 1.0 - gamma + lam, d = sqrt(b * b + 4.0 * gamma * lam);
    double m = slt_mp_stieltjes(gamma, lam);
    return (gamma * m * m + m) / d;
}

/* ---- QAWS reference rule (linear.md 1.3, item 1) ---- */

/* Which part of rho_c(l) = sqrt((hi - l)(l - lo)) / (scale l) the integrand carries; the rest is
 * the QAWS weight of the piece. */
typedef enum {
    MP_BOTH_SOFT, /* weight (l - lo)^{1/2} (hi - l)^{1/2} */
    MP_BOTH_HARD, /* weight (l - lo)^{-1/2} (hi - l)^{1/2} */
    MP_LEFT_SOFT, /* weight (l - lo)^{1/2} */
    MP_LEFT_HARD, /* weight (l - lo)^{-1/2} */
    MP_MIDDLE,    /* no weight (plain Gauss-Kronrod) */
    MP_RIGHT      /* weight (hi - l)^{1/2} */
} mp_part;

typedef struct {
    slt_mp_fn g;
    void *ctx;
    double scale; /* 2 pi (AS) or 2 pi gamma (HMRT) */
    double lo, hi;
    mp_part part;
} mp_qaws_ctx;

/* (l - lo)/l, exactly 1 at a hard edge lo = 0 (so l = 0 gives g(0), not 0/0) */
static double mp_hard_factor(double l, double lo)
{
    return lo == 0.0 ? 1.0 : (l - lo) / l;
}

static double mp_qaws_integrand(double l, void *p)
{
    const mp_qaws_ctx *c = p;
    double v = c->g(l, c->ctx) / c->scale;
    switch (c->part) {
    case MP_BOTH_SOFT: return v / l;
    case MP_BOTH_HARD: return v * mp_hard_factor(l, c->lo);
    case MP_LEFT_SOFT: return v * sqrt(c->hi - l) / l;
    case MP_LEFT_HARD: return v * sqrt(c->hi - l) * mp_hard_factor(l, c->lo);
    case MP_MIDDLE: return v * sqrt((c->hi - l) * (l - c->lo)) / l;
    default: return v * sqrt(l - c->lo) / l;
    }
}

/* One QAWS (or, with no endpoint weight, QAG) piece; failures come back as GSL codes. */
static int mp_piece(mp_qaws_ctx *c, double a, double b, double wa, double wb,
                    gsl_integration_workspace *ws, double *res)
{
    gsl_function F = { mp_qaws_integrand, c };
    double err;
    if (wa == 0.0 && wb == 0.0)
        return gsl_integration_qag(&F, a, b, MP_EPSABS, MP_EPSREL, MP_LIMIT, GSL_INTEG_GAUSS21, ws,
                                   res, &err);
    gsl_integration_qaws_table *tab = gsl_integration_qaws_table_alloc(wa, wb, 0, 0);
    if (!tab)
        return GSL_ENOMEM;
    int st = gsl_integration_qaws(&F, a, b, tab, MP_EPSABS, MP_EPSREL, MP_LIMIT, ws, res, &err);
    gsl_integration_qaws_table_free(tab);
    return st;
}

/* int_{lo}^{hi} sqrt((hi - l)(l - lo)) g(l) / (scale l) dl, lo, hi the edges at this ratio.
 * Soft edge (linear.md 1.3): weight (l - lo)^{1/2} (hi - l)^{1/2}, integrand g/(scale l).
 * Hard edge, lo = 0 (ratio 1): 1/l merges with the left root, weight
 * (l - lo)^{-1/2} (hi - l)^{1/2},
 * integrand g/scale (linear.md 1.3). Nearly hard edge (lo < MP_HARD_EDGE hi, ratio in about
 * [0.88, 1.13]): the soft form's integrand has a spike of height 1/lo and width lo at the
 * endpoint that QAWS cannot resolve to 1e-11 (it stops with a roundoff error at ratio 1 +- 1e-6,
 * and a grid built as 0.1 + 18 * 0.05 lands 2e-16 from 1). The hard-edge weight with integrand
 * g (l - lo)/(scale l) is exact for every ratio and bounded for bounded g, so it is used there;
 * it is the notes' recipe at ratio 1.
 * Breakpoints (increasing; those outside (lo, hi) ignored) split the support so that integrands
 * living on a scale far below the width (e^{-l t} at large t) are not missed: an adaptive rule
 * whose first nodes all see 0 would return 0. The end pieces keep their edge weight. */
static int mp_qaws(double ratio, double scale, size_t nb, const double *br, slt_mp_fn g,
                   void *ctx, double *result)
{
    *result = NAN;
    if (!(ratio > 0.0) || !isfinite(ratio) || !g || (nb > 0 && !br))
        return GSL_EINVAL;
    double lo = slt_mp_edge_lo(ratio), hi = slt_mp_edge_hi(ratio);
    int hard = lo <= MP_HARD_EDGE * hi;
    mp_qaws_ctx c = { g, ctx, scale, lo, hi, hard ? MP_BOTH_HARD : MP_BOTH_SOFT };
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(MP_LIMIT);
    if (!ws)
        return GSL_ENOMEM;
    double wlo = hard ? -0.5 : 0.5, a = lo, sum = 0.0, res;
    int status = GSL_SUCCESS, first = 1;
    for (size_t i = 0; i < nb && status == GSL_SUCCESS; i++) {
        double b = br[i];
        if (!(b > a && b < hi))
            continue;
        c.part = first ? (hard ? MP_LEFT_HARD : MP_LEFT_SOFT) : MP_MIDDLE;
        status = mp_piece(&c, a, b, first ? wlo : 0.0, 0.0, ws, &res);
        sum += res;
        a = b;
        first = 0;
    }
    if (status == GSL_SUCCESS) {
        if (first)
            status = mp_piece(&c, lo, hi, wlo, 0.5, ws, &res); /* c.part is MP_BOTH_* */
        else {
            c.part = MP_RIGHT;
            status = mp_piece(&c, a, hi, 0.0, 0.5, ws, &res);
        }
        sum += res;
    }
    gsl_integration_workspace_free(ws);
    if (status == GSL_SUCCESS && !isfinite(sum))
        status = GSL_EFAILED;
    if (status == GSL_SUCCESS)
        *result = sum;
    return status;
}

/* linear.md 1.3 item 1, AS units: weight (l - l_-)^{1/2} (l_+ - l)^{1/2}, integrand g/(2 pi l). */
int slt_mp_integrate(double alpha, slt_mp_fn g, void *ctx, double *result)
{
    return mp_qaws(alpha, 2.0 * M_PI, 0, NULL, g, ctx, result) != GSL_SUCCESS;
}

/* linear.md 1.3 item 1 on pieces of the support (see mp_qaws). */
int slt_mp_integrate_split(double alpha, size_t nb, const double *breaks, slt_mp_fn g, void *ctx,
                           double *result)
{
    return mp_qaws(alpha, 2.0 * M_PI, nb, breaks, g, ctx, result) != GSL_SUCCESS;
}

/* linear.md 1.3 item 1, HMRT units: 2 pi l replaced by 2 pi gamma s. */
int slt_mp_hmrt_integrate(double gamma, slt_mp_fn g, void *ctx, double *result)
{
    return mp_qaws(gamma, 2.0 * M_PI * gamma, 0, NULL, g, ctx, result) != GSL_SUCCESS;
}

/* ---- Gauss-Chebyshev of the second kind (linear.md 1.3, item 2) ---- */

/* linear.md 1.3 item 2: x_k = cos(k pi/(n+1)), w_k = (pi/(n+1)) sin^2(k pi/(n+1)),
 * l_k = 1 + alpha + h x_k, h = 2 sqrt(alpha); the stored weight is w_k h^2/(2 pi l_k). */
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
