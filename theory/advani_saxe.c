/* advani_saxe.c: high-dimensional dynamics of gradient descent on linear regression
 * (linear.md section 4). Reference: M. S. Advani, A. M. Saxe, "High-dimensional dynamics of
 * generalization error in neural networks", 2017, arXiv:1710.03667; formulas as derived in the
 * notes for the project's convention (tau = 1, E_t without the 1/2). */
#include "theory/advani_saxe.h"

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "slt.h"
#include "theory/mp.h"

/* linear.md 1.3 guard: below this l t, (1 - D)/l is replaced by its l -> 0 limit t. */
#define AS_SMALL_LT 1e-12
/* linear.md 4.5: scan for t* */
#define AS_SCAN_N 400
#define AS_SCAN_LO 1e-6
#define AS_SCAN_HI 1e7
#define AS_MAXITER 100
#define AS_MAXBREAK 64

/* int rho_c f dl for an integrand that varies on the scale `scale` next to the lower edge (1/t for
 * decay factors D, g for weight decay): when that scale is well below the width of the support,
 * the support is cut at l_- + scale 2^j (j = -2, -1, ...) so each piece sees a resolved integrand
 * (a single adaptive pass returns 0 for dE_g/dt at alpha = 1, t > 5e3: all its first nodes see
 * e^{-l t} = 0). */
static int as_integrate(double alpha, double scale, slt_mp_fn f, void *ctx, double *res)
{
    double lo = slt_mp_edge_lo(alpha), hi = slt_mp_edge_hi(alpha), br[AS_MAXBREAK];
    size_t nb = 0;
    if (scale > 0.0 && scale < (hi - lo) / 16.0)
        for (double x = 0.25 * scale; lo + x < hi && nb < AS_MAXBREAK; x *= 2.0)
            br[nb++] = lo + x;
    return slt_mp_integrate_split(alpha, nb, br, f, ctx, res);
}

static int bad(double x)
{
    return !isfinite(x) || x < 0.0;
}

static int params_ok(const slt_as_params *p)
{
    return p && p->alpha > 0.0 && isfinite(p->alpha) && !bad(p->sw2) && !bad(p->se2)
           && !bad(p->sw02);
}

/* One mode's decay factor D and 1 - D (linear.md 4.2 and the 1.3 guards):
 * flow D = e^{-l t}; GD D = (1 - eta l)^k with k = t/eta, via log1p/expm1 while 1 - eta l > 0
 * (k may then be fractional), by an integer power once modes alternate in sign. */
typedef struct {
    double t, eta, k;
    double S, se2;
} as_ctx;

static void as_decay(const as_ctx *c, double l, double *D, double *omd)
{
    if (c->eta == 0.0) {
        double x = -l * c->t;
        *D = exp(x);
        *omd = -expm1(x);
    } else if (c->eta * l < 1.0) {
        double x = c->k * log1p(-c->eta * l);
        *D = exp(x);
        *omd = -expm1(x);
    } else {
        *D = pow(1.0 - c->eta * l, c->k);
        *omd = 1.0 - *D;
    }
}

/* (1 - D)/l with its l -> 0 limit t (mandatory at alpha = 1, where QAWS evaluates l = 0). */
static double as_omd_over_l(const as_ctx *c, double l, double omd)
{
    return l * c->t < AS_SMALL_LT ? c->t : omd / l;
}

/* E_g integrand of linear.md 4.3: S D^2 + se2 (1 - D)^2 / l. */
static double as_g_eg(double l, void *p)
{
    const as_ctx *c = p;
    double D, omd;
    as_decay(c, l, &D, &omd);
    return c->S * D * D + c->se2 * omd * as_omd_over_l(c, l, omd);
}

/* E_t integrand of linear.md 4.3: (S l + se2) D^2. */
static double as_g_et(double l, void *p)
{
    const as_ctx *c = p;
    double D, omd;
    as_decay(c, l, &D, &omd);
    return (c->S * l + c->se2) * D * D;
}

/* dE_g/dt integrand of linear.md 4.5 (flow): 2 D [se2 (1 - D) - S l D]. */
static double as_g_deg(double l, void *p)
{
    const as_ctx *c = p;
    double D, omd;
    as_decay(c, l, &D, &omd);
    return 2.0 * D * (c->se2 * omd - c->S * l * D);
}

/* linear.md 4.4: long-time limits (Advani-Saxe 2017; with sw02 = 0 they are HMRT ridgeless + se2,
 * linear.md 4.6). */
int slt_as_limits(const slt_as_params *p, double *eg, double *et)
{
    if (eg)
        *eg = NAN;
    if (et)
        *et = NAN;
    if (!params_ok(p))
        return SLT_EUSAGE;
    double a = p->alpha, S = p->sw2 + p->sw02, v;
    if (a < 1.0)
        v = S * (1.0 - a) + p->se2 * a / (1.0 - a) + p->se2;
    else if (a > 1.0)
        v = p->se2 / (a - 1.0) + p->se2;
    else
        v = p->se2 > 0.0 ? INFINITY : 0.0;
    if (eg)
        *eg = v;
    if (et)
        *et = a > 1.0 ? (1.0 - 1.0 / a) * p->se2 : 0.0;
    return SLT_OK;
}

/* linear.md 4.3 (Advani-Saxe 2017; derived for this convention [D+S]):
 *   E_g = S [int rho_c D^2 + (1 - alpha)_+] + se2 int rho_c (1 - D)^2 / l + se2
 *   E_t = (1/alpha) int rho_c (S l + se2) D^2 + (1 - 1/alpha)_+ se2,
 * the frozen subspace (1 - alpha)_+ keeping its initial error S for ever. Integrals by QAWS on a
 * support split at l_- + 2^j/t (as_integrate), which resolves the boundary layer of width 1/t at
 * the lower edge (alpha near 1, large t) that a fixed Chebyshev rule would need O(t) nodes for;
 * at 50 times per call this costs about 1.5 ms, so no Chebyshev fast path is needed. */
static int as_errors_one(const slt_as_params *p, double eta, double t, double *eg, double *et)
{
    double a = p->alpha, lp = slt_mp_edge_hi(a);
    if (isinf(t)) {
        if (eta > 0.0 && eta * lp >= 2.0) {
            if (eg)
                *eg = INFINITY;
            if (et)
                *et = INFINITY;
            return SLT_OK;
        }
        return slt_as_limits(p, eg, et);
    }
    as_ctx c = { t, eta, 0.0, p->sw2 + p->sw02, p->se2 };
    if (eta > 0.0) {
        c.k = t / eta;
        if (eta * lp > 1.0) {
            double kr = nearbyint(c.k);
            if (fabs(c.k - kr) > 1e-9 * fmax(1.0, kr))
                return SLT_EUSAGE;
            c.k = kr;
        }
    }
    double ig = 0.0, it = 0.0;
    double sc = t > 0.0 ? 1.0 / t : 0.0;
    if (eg && as_integrate(a, sc, as_g_eg, &c, &ig))
        return SLT_EFAIL;
    if (et && as_integrate(a, sc, as_g_et, &c, &it))
        return SLT_EFAIL;
    if (eg)
        *eg = ig + c.S * slt_mp_atom(a) + p->se2;
    if (et)
        *et = it / a + (a > 1.0 ? (1.0 - 1.0 / a) * p->se2 : 0.0);
    return SLT_OK;
}

int slt_as_errors_many(const slt_as_params *p, double eta, size_t nt, const double *t, double *eg,
                       double *et)
{
    for (size_t i = 0; i < nt; i++) {
        if (eg)
            eg[i] = NAN;
        if (et)
            et[i] = NAN;
    }
    if (!params_ok(p) || bad(eta) || (nt > 0 && !t))
        return SLT_EUSAGE;
    for (size_t i = 0; i < nt; i++)
        if (isnan(t[i]) || t[i] < 0.0)
            return SLT_EUSAGE;
    for (size_t i = 0; i < nt; i++) {
        int st = as_errors_one(p, eta, t[i], eg ? eg + i : NULL, et ? et + i : NULL);
        if (st != SLT_OK) {
            for (size_t j = 0; j < nt; j++) {
                if (eg)
                    eg[j] = NAN;
                if (et)
                    et[j] = NAN;
            }
            return st;
        }
    }
    return SLT_OK;
}

int slt_as_errors(const slt_as_params *p, double eta, double t, double *eg, double *et)
{
    return slt_as_errors_many(p, eta, 1, &t, eg, et);
}

/* linear.md 4.5: dE_g/dt = 2 int rho_c e^{-l t} [se2 (1 - e^{-l t}) - S l e^{-l t}] dl (flow);
 * the frozen subspace is constant and drops out. */
int slt_as_deg_dt(const slt_as_params *p, double t, double *deg)
{
    if (deg)
        *deg = NAN;
    if (!params_ok(p) || !deg || bad(t))
        return SLT_EUSAGE;
    as_ctx c = { t, 0.0, 0.0, p->sw2 + p->sw02, p->se2 };
    return as_integrate(p->alpha, t > 0.0 ? 1.0 / t : 0.0, as_g_deg, &c, deg) ? SLT_EFAIL : SLT_OK;
}

typedef struct {
    const slt_as_params *p;
    int failed;
} tstar_ctx;

/* dE_g/dt as a function of u = log t: t* spans decades (log SNR growth, linear at alpha = 1). */
static double tstar_f(double u, void *q)
{
    tstar_ctx *c = q;
    double d;
    if (slt_as_deg_dt(c->p, exp(u), &d) != SLT_OK) {
        c->failed = 1;
        return NAN;
    }
    return d;
}

/* linear.md 4.5 (Advani-Saxe 2017, optimal early stopping): the first root of dE_g/dt. */
int slt_as_tstar(const slt_as_params *p, double *tstar, double *eg)
{
    if (tstar)
        *tstar = NAN;
    if (eg)
        *eg = NAN;
    if (!params_ok(p) || !tstar)
        return SLT_EUSAGE;
    double S = p->sw2 + p->sw02;
    if (S == 0.0) { /* nothing to learn: E_g = se2 + noise fitting, which only grows */
        *tstar = 0.0;
        return eg ? slt_as_errors(p, 0.0, 0.0, eg, NULL) : SLT_OK;
    }
    if (p->se2 == 0.0) { /* dE_g/dt < 0 for all t: E_g decreases to its limit */
        *tstar = INFINITY;
        return eg ? slt_as_limits(p, eg, NULL) : SLT_OK;
    }
    tstar_ctx c = { p, 0 };
    double ulo = log(AS_SCAN_LO), uhi = log(AS_SCAN_HI), du = (uhi - ulo) / (AS_SCAN_N - 1);
    double uprev = ulo, fprev = tstar_f(ulo, &c), a = NAN, b = NAN;
    if (c.failed)
        return SLT_EFAIL;
    for (int i = 1; i < AS_SCAN_N; i++) {
        double u = ulo + i * du, f = tstar_f(u, &c);
        if (c.failed)
            return SLT_EFAIL;
        if (fprev < 0.0 && f >= 0.0) {
            a = uprev;
            b = u;
            break;
        }
        uprev = u;
        fprev = f;
    }
    if (isnan(a))
        return SLT_EFAIL;
    double u;
    if (tstar_f(b, &c) == 0.0) {
        u = b;
    } else {
        gsl_function F = { tstar_f, &c };
        gsl_root_fsolver *sv = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
        if (!sv)
            return SLT_EFAIL;
        int status = gsl_root_fsolver_set(sv, &F, a, b);
        if (status == GSL_SUCCESS) {
            int iter = 0;
            do {
                status = gsl_root_fsolver_iterate(sv);
                if (status != GSL_SUCCESS || c.failed)
                    break;
                status = gsl_root_test_interval(gsl_root_fsolver_x_lower(sv),
                                                gsl_root_fsolver_x_upper(sv), 1e-12, 0.0);
            } while (status == GSL_CONTINUE && ++iter < AS_MAXITER);
        }
        u = gsl_root_fsolver_root(sv);
        gsl_root_fsolver_free(sv);
        if (status != GSL_SUCCESS || c.failed)
            return SLT_EFAIL;
    }
    *tstar = exp(u);
    return eg ? slt_as_errors(p, 0.0, *tstar, eg, NULL) : SLT_OK;
}

typedef struct {
    double g, sw2, se2;
} wd_ctx;

/* sw2 g^2/(l + g)^2 + se2 l/(l + g)^2 */
static double as_g_wd(double l, void *q)
{
    const wd_ctx *c = q;
    double r = 1.0 / (l + c->g);
    return (c->sw2 * c->g * c->g + c->se2 * l) * r * r;
}

/* linear.md 4.5: E_g^wd(g) = sw2 [int rho_c g^2/(l + g)^2 + (1 - alpha)_+]
 *                          + se2 int rho_c l/(l + g)^2 + se2   (Advani-Saxe 2017). */
int slt_as_weight_decay(const slt_as_params *p, double g, double *eg)
{
    if (eg)
        *eg = NAN;
    if (!params_ok(p) || !eg || isnan(g) || g < 0.0)
        return SLT_EUSAGE;
    if (isinf(g)) { /* w = 0 */
        *eg = p->sw2 + p->se2;
        return SLT_OK;
    }
    if (g == 0.0 && p->alpha == 1.0) { /* int rho_c / l diverges */
        *eg = p->se2 > 0.0 ? INFINITY : 0.0;
        return SLT_OK;
    }
    wd_ctx c = { g, p->sw2, p->se2 };
    double ig;
    if (as_integrate(p->alpha, g, as_g_wd, &c, &ig))
        return SLT_EFAIL;
    *eg = ig + p->sw2 * slt_mp_atom(p->alpha) + p->se2;
    return SLT_OK;
}

/* linear.md 4.5: optimal weight decay g = se2/sw2 = 1/SNR (the Bayes posterior mean). */
double slt_as_wd_opt(const slt_as_params *p)
{
    return p->sw2 > 0.0 ? p->se2 / p->sw2 : INFINITY;
}
