/* sgd_common.h: what the experiments sgd and sgd-modes share: the spectrum and step parameters
 * and the map from them to the steps actually used (the project's ASGD family of sgd.md 2 unless
 * given). Private to experiments/sgd.c and experiments/sgd_modes.c; the helpers take values. */
#ifndef SLT_SGD_COMMON_H
#define SLT_SGD_COMMON_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/slt.h"
#include "theory/sgd.h"

#define SGD_PARAM_D {"d", SLT_INT, "2000", 1, 1e6, 0, 0, NULL, "dimension d (number of eigenvalues of H)"}
#define SGD_PARAM_DECAY                                                                                              \
    {"decay", SLT_REAL, "2", 0, 20, 0, 0, NULL, "spectral decay a; lambda_i = i^-a log(i+1)^-b"}
#define SGD_PARAM_LOGDECAY                                                                                           \
    {"logdecay", SLT_REAL, "0", 0, 20, 0, 0, NULL, "logarithmic decay b; lambda_i = i^-a log(i+1)^-b"}
#define SGD_PARAM_STEPS                                                                                              \
    {"delta", SLT_REAL, "0", 0, INFINITY, 0, 1, NULL,                                                                \
     "SGD step and ASGD short step delta; 0 = 1/(5 R^2) (sgd.md 2)"},                                                \
    {"gamma", SLT_REAL, "0", 0, INFINITY, 0, 1, NULL, "ASGD long step gamma; 0 = 1/(3 sqrt5 mu q) (sgd.md 2)"},      \
    {"alpha", SLT_REAL, "0", 0, 1, 0, 0, NULL, "ASGD coupling alpha; 0 = 3 sqrt5 q/(1 + 3 sqrt5 q) (sgd.md 2)"},     \
    {"beta", SLT_REAL, "0", 0, 1, 0, 1, NULL, "ASGD momentum beta; 0 = alpha/(9 q) (sgd.md 2)"},                     \
    {"mu", SLT_REAL, "1e-3", 0, INFINITY, 1, 1, NULL,                                                                \
     "mu, the strong-convexity input of the ASGD family; kappa = R^2/mu"},                                          \
    {"kappa_tilde", SLT_REAL, "10", 0, INFINITY, 1, 1, NULL,                                                         \
     "kappa_tilde, the statistical condition number input of the ASGD family; q = sqrt(kappa kappa_tilde)"}

/* Positions of the step parameters (delta, gamma, alpha, beta, mu, kappa_tilde in that order)
 * start at `first`. The steps used: each of delta, gamma, alpha, beta given as 0 takes its value
 * from the family with R^2 = tr H + 2 lambda_1. */
static inline slt_sgd_steps sgd_steps(const double *par, int first, int accel, const double *lambda, size_t d)
{
    slt_sgd_steps s = slt_sgd_family(slt_sgd_r2(lambda, d), par[first + 4], par[first + 5]);
    if (par[first] > 0)
        s.delta = par[first];
    if (par[first + 1] > 0)
        s.gamma = par[first + 1];
    if (par[first + 2] > 0)
        s.alpha = par[first + 2];
    if (par[first + 3] > 0)
        s.beta = par[first + 3];
    s.algo = accel ? SLT_SGD_ACCEL : SLT_SGD_PLAIN;
    return s;
}

/* The spectrum of (d, decay, logdecay); NULL if out of memory. Free with free(). */
static inline double *sgd_spectrum(double d, double a, double b)
{
    double *l = malloc((size_t)d * sizeof(double));
    if (l)
        slt_sgd_spectrum((size_t)d, a, b, l);
    return l;
}

/* The steps used at a point, as the CSV provenance's "# derived:" line: the parameters given as 0
 * show the family's values (sgd.md 2), with R^2 and the spectrum they come from. */
static inline void sgd_derived_text(const double *par, int first, double d, double a, double b, char *text,
                                    size_t len)
{
    double *lambda = sgd_spectrum(d, a, b);
    if (!lambda)
        return;
    slt_sgd_steps s = sgd_steps(par, first, 1, lambda, (size_t)d);
    snprintf(text, len,
             "at d=%.10g decay=%.10g logdecay=%.10g mu=%.10g kappa_tilde=%.10g: R^2=%.10g delta=%.10g gamma=%.10g "
             "alpha=%.10g beta=%.10g",
             d, a, b, par[first + 4], par[first + 5], slt_sgd_r2(lambda, (size_t)d), s.delta, s.gamma, s.alpha, s.beta);
    free(lambda);
}

#endif
