/* sensitivity.h: sensitivity S = sqrt(d) ||grad_z f(z)|| of minimum-norm random-features and NTK
 * interpolators (Bombari, Kiyani, Mondelli 2023; extras.md 1): activations, the universal-law line,
 * the infinite-width kernels and S_inf. Callers own every array; nothing is returned allocated. */
#ifndef SLT_THEORY_SENSITIVITY_H
#define SLT_THEORY_SENSITIVITY_H

#include <stddef.h>

enum { SLT_SENS_RF, SLT_SENS_NTK };
enum { SLT_SENS_TANH, SLT_SENS_SQUARE, SLT_SENS_COS };
extern const char *const slt_sens_models[]; /* "rf", "ntk", NULL */
extern const char *const slt_sens_acts[];   /* "tanh", "square", "cos", NULL */

/* phi, phi', phi'' of an activation (square: a^2/2; tanh'' = -2 tanh sech^2) */
double slt_sens_phi(int act, double a, int order);

/* Universal-law line sqrt(N d / p) (Bubeck-Sellke: robustness needs p > dN). */
double slt_sens_U(double N, double d, double p);
/* Parameters p: k (RF) or d k (NTK). */
double slt_sens_p(int model, double d, double k);

/* Infinite-width kernel at a = |x|^2/d, b = |x'|^2/d, c = x.x'/d, xx = x.x' (square and cos only;
 * NAN for tanh, which has no closed form). */
double slt_sens_kernel(int model, int act, double a, double b, double c, double xx);

/* S_inf = sqrt(d) || sum_i alpha_i grad_z K(z, x_i) ||, alpha = K^-1 Y, on X (N x d, row-major),
 * Y (N), z (d). 0, or 1 (out of memory, K not positive definite even with jitter, or tanh). */
int slt_sens_inf(int model, int act, const double *X, const double *Y, const double *z, size_t N, size_t d,
                 double *S);

/* Cholesky solve of the SPD N x N matrix K (row-major, overwritten) for y (overwritten by the
 * solution); on failure retried once with jitter 1e-12 tr(K)/N on the diagonal (extras.md 1).
 * Kc must hold a copy of K for the retry. 0, or 1. */
int slt_sens_solve(double *K, const double *Kc, size_t N, double *y);

#endif
