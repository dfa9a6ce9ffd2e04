/* rf_sim.h: Monte Carlo of random-features ridge regression (random_features.md sections 2-3):
 * one draw of data, weights (i.i.d. or structured) and a fresh test set per call. No memory is returned. */
#ifndef SLT_RF_SIM_H
#define SLT_RF_SIM_H

#include <gsl/gsl_rng.h>

#include "sims/structured.h"
#include "theory/rf_kernel.h"

/* What is fixed within one draw: sizes, activation, kind of weights, test-set size. */
typedef struct {
    long d;       /* input dimension; inputs and weights on the sphere of radius sqrt(d) */
    long n;       /* training samples */
    int act;      /* SLT_ACT_* (theory/activation.h) */
    int features; /* SLT_SF_* (sims/structured.h) */
    long ntest;   /* fresh test inputs per draw (kern == NULL only) */
    const slt_rf_kernel *kern; /* the kernel of (act, d): the test error exactly, E_x over the sphere
                                * (random_features.md 2 item 6), no test inputs drawn; NULL: ntest sampled inputs */
} slt_rf_design;

/* One point served by the draw: N features (the first N rows of the draw's weight matrix),
 * ridge lambda (penalty N lambda/d, i.e. c = n N lambda/d, random_features.md 1.1) and the
 * amplitudes of the target: F1 = ||beta1||, Fstar = (E f_NL^2)^(1/2), tau2 = label-noise variance. */
typedef struct {
    long N;
    double lambda, F1, Fstar, tau2;
} slt_rf_point;

/* Simulated quantities per point, in this order (out[SLT_RF_NOUT k + j]). */
enum { SLT_RF_TEST, SLT_RF_TRAIN, SLT_RF_BIAS, SLT_RF_VARIANCE, SLT_RF_NOUT };

/* One draw shared by npts points: weights with max N rows (common random numbers: a point with
 * N features uses the first N), n training inputs, beta1 direction, f_NL, noise, and ntest fresh
 * test inputs (none with dz->kern: the test error is then the exact expectation over x). The labels are y = F1 y_lin + Fstar y_nl + tau eps with unit-amplitude parts, so
 * one solve per (N, lambda) with those three right-hand sides serves every (F1, Fstar, tau2).
 *   test     = mean over the test set of (f(x) - f_hat(x))^2 (noise-free targets), or its expectation
 *   train    = mean over the training set of (y - f_hat(x))^2 (noisy labels)
 *   bias     = test error for F1 = 1, Fstar = tau = 0 (the B of 1.3, finite-size)
 *   variance = test error of the fit to unit-variance pure-noise labels (the V of 1.3)
 * plan: a plan of dimension d (slt_sf_plan_alloc), shared read-only across threads.
 * Returns 0, or 1 with a message in err (memory, a failed decomposition, a bad argument). */
int slt_rf_sim(const slt_rf_design *dz, const slt_sf_plan *plan, size_t npts, const slt_rf_point *pts,
               gsl_rng *rng, double *out, char *err);

/* Bytes one draw needs with at most Nmax features (for the memory check). */
double slt_rf_sim_bytes(const slt_rf_design *dz, long Nmax);

#endif
