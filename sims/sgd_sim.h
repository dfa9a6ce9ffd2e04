/* sgd_sim.h: Monte Carlo of one-pass SGD and ASGD on Gaussian linear regression (sgd.md 8): one
 * trial runs every requested algorithm and initialisation on the same fresh samples; up to
 * SLT_SGD_PACK trials run side by side in one call. No memory is returned. */
#ifndef SLT_SGD_SIM_H
#define SLT_SGD_SIM_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "theory/sgd.h"

/* One output to measure: algorithm and steps, initial error w_0 - w* = 1 on coordinates
 * from..to (1-based, inclusive; from > to or from = 0: w_0 = w*), step count N >= 1, output avg
 * (SLT_SGD_LAST, SLT_SGD_UNIFORM, SLT_SGD_TAIL with s = floor(N/2)). */
typedef struct {
    slt_sgd_steps steps;
    size_t from, to;
    long N;
    int avg;
} slt_sgd_query;

/* One trial: x_t = sqrt(lambda) o z_t, z_t ~ N(0, I_d), eps_t = sqrt(sigma2) xi_t, drawn from rng
 * in that order at every step t = 1..max N, shared by every query (common random numbers). Each
 * query's error is split exactly, on the same samples, into a bias run (its initial error,
 * eps = 0) and a variance run (w_0 = w*, the noise); one variance run per algorithm and one bias
 * run per (algorithm, init) serve every N and output. For query k: risk[k] = (1/2) sum lambda_i
 * (bias run + variance run)_i^2, bias[k] and var[k] the same for each run alone.
 * Returns 0, or 1 with a message (out of memory). */
int slt_sgd_sim(size_t d, const double *lambda, double sigma2, size_t nq, const slt_sgd_query *q, gsl_rng *rng,
                double *risk, double *bias, double *var, char *err);

/* The most trials one call of slt_sgd_sim_pack runs (one per vector lane). */
#define SLT_SGD_PACK 4

/* ntr (1..SLT_SGD_PACK) trials of slt_sgd_sim at once, trial j from its own stream rng[j], into
 * out[j * 3 nq + c * nq + k] for quantity c (risk, bias, variance) of query k. Trial j's values
 * are bit for bit those of slt_sgd_sim on rng[j] alone, whatever shares the call.
 * Returns 0, or 1 with a message (out of memory, ntr out of range). */
int slt_sgd_sim_pack(size_t d, const double *lambda, double sigma2, size_t nq, const slt_sgd_query *q,
                     gsl_rng *const *rng, int ntr, double *out, char *err);

/* Bytes one call needs (for the memory check). */
double slt_sgd_sim_bytes(size_t d, size_t nq);

#endif
