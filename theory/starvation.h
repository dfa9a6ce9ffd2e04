/* starvation.h: gradient starvation in the linearised two-feature model (Pezeshki et al. 2021;
 * theory note starvation.md 2-6): z-space flow, fixed points, starvation derivative. No memory is returned. */
#ifndef SLT_STARVATION_H
#define SLT_STARVATION_H

/* The paper, for the experiments' references. */
#define SLT_STARV_REFERENCE                                                                                          \
    "M. Pezeshki, S.-O. Kaba, Y. Bengio, A. Courville, D. Precup, G. Lajoie, Gradient Starvation: A Learning "       \
    "Proclivity in Neural Networks, NeurIPS 2021, arXiv:2011.09468"

/* Penalty: weight decay (lambda/2)|theta|^2, spectral decoupling (lambda/2)|y_hat|^2, or the
 * squared loss (1/2)|Y y_hat - 1|^2 without penalty (the reference). */
enum { SLT_STARV_WD, SLT_STARV_SD, SLT_STARV_MSE };

/* The toy of starvation.md 6: n = 2 samples, Y Phi = U diag(s) V', U the rotation by the coupling
 * delta (|delta| <= 1): U = [c -delta; delta c], c = sqrt(1 - delta^2). */
typedef struct {
    double s[2];   /* feature strengths s_1, s_2 > 0 */
    double delta;  /* coupling */
    double lambda; /* penalty (> 0 for WD and SD; unused by MSE) */
    int reg;       /* SLT_STARV_WD, _SD or _MSE */
} slt_starv_toy;

/* U of the toy, row-major (U[2 i + j] = U_ij; column j is the pattern u_j). */
void slt_starv_U(double delta, double U[4]);
/* sigma(-m) = 1/(1 + e^m) without overflow */
double slt_starv_sigm(double m);

/* The right-hand side F(z) of dz/dt (starvation.md 3). */
void slt_starv_rhs(const slt_starv_toy *m, const double z[2], double F[2]);
/* Its Jacobian dF/dz, row-major. */
void slt_starv_jac(const slt_starv_toy *m, const double z[2], double J[4]);
/* Gradient flow z(t) from z(0) = 0 (GSL odeiv2 rk8pd, relative tolerance 1e-10). 0, or 1 if
 * the integrator failed. */
int slt_starv_flow(const slt_starv_toy *m, double t, double z[2]);
/* k explicit Euler steps z += eta F(z) from z = 0: full-batch GD exactly (starvation.md 3). */
void slt_starv_euler(const slt_starv_toy *m, double eta, long k, double z[2]);

/* Root of lambda m = sigma(-m), lambda > 0 (Brent): the SD margin of every sample (starvation.md 4). */
int slt_starv_sd_margin(double lambda, double *mstar);
/* Fixed point z* (starvation.md 4, 8): WD by GSL multiroot (hybridsj) from z(t = 2000); SD from
 * the margin root (z* = m* U'1); MSE z* = U'1. 0, or 1 if a solver failed. */
int slt_starv_fixed(const slt_starv_toy *m, double zstar[2]);
/* The starvation derivative dz_2* / d(s_1^2) of the fixed point by the implicit-function theorem,
 * dz* = - J_F^{-1} dF/d(s_1^2) (exactly 0 for SD and MSE). */
int slt_starv_dz2(const slt_starv_toy *m, double *dz2);
/* The first-order formula in delta with sigma(-m) ~ e^(-m) (starvation.md 6): z_j* and
 * dz_2* / d(s_1^2), with k_j = s_j^2/lambda (WD) or 1/lambda (SD). An approximation; NaN for MSE. */
void slt_starv_first_order(const slt_starv_toy *m, double z[2], double *dz2);

#endif
