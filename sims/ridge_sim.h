/* ridge_sim.h: Monte Carlo of ridge / min-norm least squares on Gaussian data with diagonal
 * covariance (linear.md 5.1): exact risk, bias and variance per draw. No memory is returned. */
#ifndef SLT_RIDGE_SIM_H
#define SLT_RIDGE_SIM_H

#include <gsl/gsl_rng.h>

enum { SLT_COV_ISO, SLT_COV_TWO, SLT_COV_POWER };
enum { SLT_ALIGN_RANDOM, SLT_ALIGN_S1, SLT_ALIGN_S2 };

/* The data model: n samples, x ~ N(0, diag(s)), y = x.beta + eps + (omitted part, which is
 * Gaussian with variance eta2 given beta and acts as noise). beta uniform on the sphere of radius
 * sqrt(r2) within its support (all coordinates, or one level of a two-level spectrum). */
typedef struct {
    long n;
    double r2, sigma2, eta2;
    int cov;            /* SLT_COV_* */
    double s1, s2, w1;  /* two-level: the first round(w1 p) coordinates at s1, the rest at s2 */
    double decay;       /* power law: s_j proportional to j^-decay, mean 1 */
    int align;          /* SLT_ALIGN_*: where beta lives */
} slt_ridge_design;

/* Diagonal of Sigma for p features (s[p]) and the support of beta (in_beta[p], 0/1). */
void slt_ridge_layout(const slt_ridge_design *d, long p, double *s, unsigned char *in_beta);

/* One draw shared by npts points (p[k], lambda[k]): the same design matrix, its first p[k]
 * columns (common random numbers), one Gram decomposition per distinct p serving every lambda.
 * out[3k..3k+2] = risk (incl. eta2), bias, variance, all exact given the draw (no test set).
 * Returns 0, or 1 with a message if a decomposition failed or memory ran out. */
int slt_ridge_sim(const slt_ridge_design *d, size_t npts, const long *p, const double *lambda, gsl_rng *rng,
                  double *out, char *err);

/* Bytes one draw needs at the largest p (for the memory check). */
double slt_ridge_sim_bytes(long n, long pmax);

#endif
