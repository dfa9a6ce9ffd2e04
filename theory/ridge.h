/* ridge.h: asymptotic and exact finite-n risk of ridge and ridgeless (min-norm) least squares
 * (HMRT, Dobriban-Wager, Nakkiran et al., Belkin-Hsu-Xu). No memory is returned. */
#ifndef SLT_RIDGE_H
#define SLT_RIDGE_H

#include <stddef.h>

/* The data model of linear.md 2 and 2.5: y = x^T beta + w^T theta + eps, x ~ N(0, Sigma) observed
 * (p features), w ~ N(0, I) unobserved, eps ~ N(0, sigma2).
 * Spectrum: nlevels = 0 means Sigma = I (closed forms of 2.1 and 2.3). Otherwise
 * H = sum_i w[i] delta_{s[i]} is the spectral law of Sigma (s[i] >= 0, w[i] >= 0, sum w = 1) and
 * G = sum_i g[i] delta_{s[i]} the beta-weighted law (g = NULL means G = H, isotropic beta). */
typedef struct {
    double r2;     /* ||beta||^2 (observed signal) */
    double sigma2; /* noise variance */
    double eta2;   /* ||theta||^2 (omitted signal); 0 for a well-specified model */
    size_t nlevels;
    const double *s, *w, *g;
} slt_ridge_model;

/* Excess risk against E[y | x, w] (noise sigma2 excluded; omitted signal eta2 included):
 * risk = bias + variance + eta2, where the omitted part acts as extra noise in the variance. */
typedef struct {
    double risk;
    double bias;     /* r2-part: ||E[beta_hat | X] - beta||_Sigma^2 */
    double variance; /* tr(Sigma Cov(beta_hat | X)) with noise sigma2 + eta2 */
    double kappa;    /* effective regularisation (linear.md 2.4); lam-dependent, 0 if none */
} slt_ridge_result;

/* Limiting risk at gamma = p/n of ridge (lambda > 0, penalty lambda ||b||^2 on the 1/n-scaled
 * loss) or ridgeless (lambda = 0). Risk +inf at the interpolation threshold (gamma = 1 for Sigma
 * of full rank, lambda = 0). Returns 0; 2 (SLT_EUSAGE) for invalid arguments; 1 (SLT_EFAIL) if
 * the fixed point could not be found (out is then NaN). */
int slt_ridge_risk(const slt_ridge_model *m, double gamma, double lambda, slt_ridge_result *out);

/* Optimal ridge penalty for isotropic Sigma, or any Sigma with G = H (Dobriban-Wager):
 * lam* = (sigma2 + eta2) gamma / r2 (linear.md 2.3); +inf if r2 = 0. */
double slt_ridge_lambda_opt(const slt_ridge_model *m, double gamma);

/* Exact finite-n mean excess risk of min-norm least squares on p of the features with n Gaussian
 * samples (linear.md 2.2 and 3): eta2 + r2 (1 - n/p)_+ + (sigma2 + eta2) * {p/(n-p-1) or
 * n/(p-n-1)}; +inf for |p - n| <= 1. The Belkin-Hsu-Xu test MSE is this plus sigma2.
 * Uses only r2, sigma2, eta2 of m (Sigma = I). NaN for n < 1 or p < 1. */
double slt_ridge_finite_risk(const slt_ridge_model *m, long n, long p);

#endif
