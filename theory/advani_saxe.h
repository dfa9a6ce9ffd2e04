/* advani_saxe.h: test and training error of gradient flow / gradient descent on linear regression
 * in high dimension (Advani-Saxe), with early stopping and weight decay. No memory is returned. */
#ifndef SLT_ADVANI_SAXE_H
#define SLT_ADVANI_SAXE_H

#include <stddef.h>

/* Model of linear.md 4.1 (tau = 1): x in R^N with N(0, 1/N) entries, P = alpha N examples,
 * teacher wbar ~ N(0, sw2 I), label noise N(0, se2), student start w(0) ~ N(0, sw02 I). */
typedef struct {
    double alpha, sw2, se2, sw02;
} slt_as_params;

/* Status: 0 (SLT_OK); 2 (SLT_EUSAGE) invalid arguments; 1 (SLT_EFAIL) a quadrature or root
 * finder failed (outputs are then NaN). Output pointers eg / et may be NULL when not wanted. */

/* E_g(t) (noise se2 included) and E_t(t) (= ||y - X w||^2 / P) at time t >= 0, t = +inf allowed.
 * eta = 0: gradient flow; eta > 0: gradient descent with step eta, after k = t/eta steps (k must be
 * an integer when eta l_+ > 1, since modes then alternate in sign). Unstable GD (eta l_+ >= 2)
 * at t = +inf gives +inf. */
int slt_as_errors(const slt_as_params *p, double eta, double t, double *eg, double *et);
/* The same for nt times t[0..nt-1], into eg[0..nt-1] and et[0..nt-1] (either may be NULL). */
int slt_as_errors_many(const slt_as_params *p, double eta, size_t nt, const double *t, double *eg,
                       double *et);
/* t -> inf limits (gradient flow, or stable GD): E_g(inf) (+inf at alpha = 1 if se2 > 0) and
 * E_t(inf). */
int slt_as_limits(const slt_as_params *p, double *eg, double *et);
/* dE_g/dt of gradient flow at time t >= 0. */
int slt_as_deg_dt(const slt_as_params *p, double t, double *deg);
/* Optimal early-stopping time of gradient flow: the first zero of dE_g/dt, bracketed on 400
 * log-spaced t in [1e-6, 1e7] and refined by Brent. se2 = 0: *tstar = +inf, *eg = E_g(inf),
 * status 0; sw2 + sw02 = 0: *tstar = 0. SLT_EFAIL if se2 > 0 but dE_g/dt < 0 on the whole scan
 * (t* > 1e7: extreme SNR). eg (may be NULL) receives E_g(t*). */
int slt_as_tstar(const slt_as_params *p, double *tstar, double *eg);
/* Test error of weight decay w_g = (X^T X + g I)^{-1} X^T y, g >= 0 (+inf allowed); sw02 plays no
 * role. g = 0 is the ridgeless limit (+inf at alpha = 1 if se2 > 0). */
int slt_as_weight_decay(const slt_as_params *p, double g, double *eg);
/* The optimal weight decay g = se2/sw2 = 1/SNR (+inf if sw2 = 0). */
double slt_as_wd_opt(const slt_as_params *p);

#endif
