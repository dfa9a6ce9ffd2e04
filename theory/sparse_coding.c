/* sparse_coding.c: the one-atom toy model of sparse_coding.md section 10 (derived for this
 * project to explain claim S1 of Chidambaram, Wu, Cheng, Ge, "Hiding Data Helps: On the Benefits
 * of Masking for Sparse Coding", ICML 2023, arXiv:2302.12715): the standard loss prefers m
 * perturbed duplicates of the true atom, and the gain saturates at -sigma^2 mu_m^2 as c grows. */
#include "sparse_coding.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>

#include "engine/slt.h"

/* The integrands are smooth with Gaussian tails: 1e-12 relative is reached in a few dozen
 * subintervals; the worked values of section 10 need 7 digits. */
#define QUAD_EPSREL 1e-12
#define QUAD_LIMIT 200

typedef struct {
    int m, power;
} max_ctx;

/* z^power m phi(z) Phi(z)^(m-1): the density of the max of m iid N(0,1) times z^power */
static double max_integrand(double z, void *p)
{
    const max_ctx *c = p;
    double f = c->m * gsl_ran_ugaussian_pdf(z) * pow(gsl_cdf_ugaussian_P(z), c->m - 1);
    return c->power == 1 ? z * f : z * z * f;
}

int slt_sc_max_moments(int m, double *mu, double *nu)
{
    if (m < 1)
        return SLT_EUSAGE;
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(QUAD_LIMIT);
    if (!w)
        return SLT_EFAIL;
    double out[2], abserr;
    int st = 0;
    for (int k = 0; k < 2 && !st; k++) {
        max_ctx c = {m, k + 1};
        gsl_function F = {max_integrand, &c};
        st = gsl_integration_qagi(&F, 0, QUAD_EPSREL, QUAD_LIMIT, w, &out[k], &abserr);
    }
    gsl_integration_workspace_free(w);
    if (st)
        return SLT_EFAIL;
    *mu = out[0];
    *nu = out[1];
    return SLT_OK;
}

int slt_sc_toy_eval(double c, double sigma, int m, slt_sc_toy *t)
{
    if (!(c >= 0) || !(sigma > 0) || m < 1)
        return SLT_EUSAGE;
    if (slt_sc_max_moments(m, &t->mu, &t->nu))
        return SLT_EFAIL;
    /* E|c + N(0, sigma^2)|, the folded normal mean */
    t->abs_x = sigma * sqrt(2 / M_PI) * exp(-c * c / (2 * sigma * sigma)) + c * (1 - 2 * gsl_cdf_ugaussian_P(-c / sigma));
    t->q1 = sigma * t->mu * t->abs_x;
    t->q2 = c * c + sigma * sigma * (1 - t->nu);
    /* smallest eigenvalue of [[0, -q1], [-q1, q2]] and its eigenvector's slope */
    double r = hypot(t->q2, 2 * t->q1);
    t->dl_star = (t->q2 - r) / 2;
    t->delta_star = t->q1 > 0 ? (r - t->q2) / (2 * t->q1) : 0;
    t->limit = -sigma * sigma * t->mu * t->mu;
    return SLT_OK;
}

double slt_sc_toy_gain(const slt_sc_toy *t, double delta)
{
    return (t->q2 * delta * delta - 2 * t->q1 * delta) / (1 + delta * delta);
}

double slt_sc_mask_truth_flat(int d, int v, double sigma)
{
    return (double)(d - v) * sigma * sigma * (1 + 1.0 / v);
}
