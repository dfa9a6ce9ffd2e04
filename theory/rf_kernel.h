/* rf_kernel.h: the exact finite-d kernel of random features on the sphere, kappa(rho) =
 * E_x sigma(<e1, x>) sigma(<e2, x>), x uniform on S^{d-1}(sqrt d), <e1, e2> = rho (random_features.md 2 item 6),
 * tabulated for fast evaluation, and the one-dimensional moments of the exact test error. The caller owns
 * the kernel (slt_rfk_alloc / slt_rfk_free); it is read-only after allocation and may be shared by threads. */
#ifndef SLT_RF_KERNEL_H
#define SLT_RF_KERNEL_H

#include <stddef.h>

typedef struct slt_rf_kernel slt_rf_kernel;

/* Moments of s = <e, x> (x uniform on S^{d-1}(sqrt d), |e| = 1) that the exact test error needs. */
typedef struct {
    double kappa1; /* kappa(1) = E sigma(s)^2 */
    double m0;     /* E sigma(s) */
    double m1;     /* E s sigma(s): E <b, x> sigma(<e, x>) = m1 <b, e> */
    double mnl;    /* d/(d - 1) E (s^2 - 1) sigma(s): E x'Ax sigma(<e, x>) = mnl e'Ae for traceless A */
} slt_rfk_moments;

/* The kernel of activation act (SLT_ACT_*) at dimension d >= 2. relu: closed forms (exact at every d:
 * the arc-cosine kernel, notes 2 item 6, theory/rf_kernel.c); the others: an angular trapezoid rule (spectral) times a Gauss rule
 * over the radius of the two-dimensional projection, then a piecewise degree-7 table in rho.
 * NULL on a bad argument or out of memory. Costs a few milliseconds. Thread-safe. */
slt_rf_kernel *slt_rfk_alloc(int act, long d);
void slt_rfk_free(slt_rf_kernel *k);

/* kappa(rho) from the table (|error| ~ 1e-13), rho clamped to [-1, 1]. */
double slt_rfk_eval(const slt_rf_kernel *k, double rho);

/* kappa(rho) from the series or closed form the table is built from (slow: for tests). */
double slt_rfk_exact(const slt_rf_kernel *k, double rho);

/* x[i] <- scale * kappa(x[i]) for i < n (the table's loop, for kernel matrices). */
void slt_rfk_apply(const slt_rf_kernel *k, double *x, size_t n, double scale);

slt_rfk_moments slt_rfk_get_moments(const slt_rf_kernel *k);

/* The activation and dimension the kernel was made for. */
int slt_rfk_activation(const slt_rf_kernel *k);
long slt_rfk_dim(const slt_rf_kernel *k);

#endif
