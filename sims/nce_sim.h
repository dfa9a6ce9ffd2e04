/* nce_sim.h: stochastic-gradient runs of NCE and of the compositional NLL for the mean of N(R, 1)
 * with noise N(0, 1) (extras.md 3). No memory is returned. */
#ifndef SLT_NCE_SIM_H
#define SLT_NCE_SIM_H

#include <gsl/gsl_rng.h>

typedef struct {
    double R, eta, gamma, tol;
    long batch, noise_batch, T;
} slt_nce_sgd;

/* Window over which the compositional run's long-run mean of theta is taken (extras.md 3 caveat):
 * iterations [SLT_NCE_AVG_FROM, SLT_NCE_AVG_TO). */
#define SLT_NCE_AVG_FROM 1000
#define SLT_NCE_AVG_TO 3000

/* NCE SGD from theta = c' = 0 (batch data and noise_batch noise samples per step): updates until
 * |theta - R| < tol, or +inf if not within T. */
double slt_nce_sgd_iters(const slt_nce_sgd *s, gsl_rng *rng);

/* Compositional SGD (extras.md 3): theta -= eta (-mean(x - theta) + mean(w (x' - theta))/u),
 * u <- (1 - gamma) u + gamma mean(w) (u0 = the first mean), w = sqrt(2 pi) e^{theta x' - theta^2/2}.
 * *iters: updates until |theta - R| < tol (+inf if not within T); *bias: mean of theta over the
 * window minus R (the run continues to SLT_NCE_AVG_TO whatever T is). */
void slt_nce_comp_sgd(const slt_nce_sgd *s, gsl_rng *rng, double *iters, double *bias);

#endif
