/* nce.h: NCE vs compositional likelihood for a Gaussian mean (Jiang et al. 2023; extras.md 3):
 * landscape curvatures, profile loss, exact-gradient GD iteration counts, by adaptive quadrature
 * (gsl qagi) on the factored integrands. No memory is returned; nonzero status = quadrature failure. */
#ifndef SLT_THEORY_NCE_H
#define SLT_THEORY_NCE_H

/* Hessian of the NCE loss in (beta, gamma) at the optimum: eigenvalues, and the profile curvature
 * kappa = L_prof''(R) = e^{-R^2/8} 1/2 E[u^2 sech(R u/2)]. Also returns the Schur complement of H
 * (equal to kappa: a check) when schur is not NULL. */
int slt_nce_curvature(double R, double *lam_min, double *lam_max, double *kappa, double *schur);

/* L_prof(theta) = 2 E_{v ~ N(R/2, 1)} softplus(-theta v); L* = L_prof(R). */
int slt_nce_lprof(double R, double theta, double *L);
/* argmin over c' of L(theta, c') = theta (R - theta)/2 */
double slt_nce_cprime_opt(double R, double theta);
/* compositional NLL F(theta) = 1/2 + 1/2 (theta - R)^2 + 1/2 ln 2 pi */
double slt_nce_fcomp(double R, double theta);

/* The NCE loss L(theta, c') and its gradient (d/dtheta, d/dc'), by quadrature over x. */
int slt_nce_loss(double R, double theta, double cp, double *L);
int slt_nce_grad(double R, double theta, double cp, double g[2]);

/* Exact-gradient descent from theta = c' = 0 with step eta: the number of updates until
 * |theta - R| < tol, or -1 if not within T (status nonzero on a quadrature failure). */
int slt_nce_gd_iters(double R, double eta, double tol, long T, long *iters);
/* The same for the compositional NLL (F' = theta - R): iterated, not the closed form, which
 * the tests compare with floor(ln(tol/R)/ln(1 - eta)) + 1. */
long slt_nce_comp_gd_iters(double R, double eta, double tol, long T);

#endif
