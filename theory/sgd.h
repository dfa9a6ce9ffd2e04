/* sgd.h: exact expected risk of one-pass SGD and accelerated SGD (ASGD) on Gaussian linear
 * regression, their stability, the Zou et al. bound and the per-eigenmode rates (theory note
 * sgd.md). Pure functions; the caller owns every array; no memory is returned. */
#ifndef SLT_SGD_H
#define SLT_SGD_H

#include <stddef.h>

/* Which algorithm, and its steps (sgd.md 2). SGD uses delta only (w += delta (y - <w,x>) x). */
enum { SLT_SGD_PLAIN = 0, SLT_SGD_ACCEL = 1 };
typedef struct {
    int algo;                         /* SLT_SGD_PLAIN or SLT_SGD_ACCEL */
    double alpha, beta, gamma, delta; /* ASGD four-parameter form; SGD: step delta */
} slt_sgd_steps;

/* Output read from the iterates (sgd.md 2): w_N, (1/N) sum_{t<N} w_t, or the tail average
 * of w_s..w_{N-1} with s = floor(N/2). */
enum { SLT_SGD_LAST = 0, SLT_SGD_UNIFORM = 1, SLT_SGD_TAIL = 2 };

/* The problem: H = diag(lambda[0..d-1]), descending, positive; noise variance sigma2; v2[i] the
 * initial squared error (w_0 - w*)_i^2 (NULL: w_0 = w*). */
typedef struct {
    size_t d;
    const double *lambda;
    double sigma2;
    const double *v2;
} slt_sgd_problem;

/* lambda_i = i^(-a) log(i+1)^(-b), i = 1..d (sgd.md 1). */
void slt_sgd_spectrum(size_t d, double a, double b, double *lambda);
/* R^2 = tr H + 2 lambda_1 for Gaussian x (sgd.md 1). */
double slt_sgd_r2(const double *lambda, size_t d);
/* The project's ASGD parameter family from R^2, mu and kappa_tilde (sgd.md 2). */
slt_sgd_steps slt_sgd_family(double r2, double mu, double kappa_tilde);
/* AccSGD (lr, kappa, xi, c) as the four-parameter form (sgd.md 2). */
slt_sgd_steps slt_sgd_accsgd(double lr, double kappa, double xi, double c);

/* Exact expected risk (sgd.md 3): contrib[i] = (1/2) lambda_i E (out - w*)_i^2 after N steps for
 * the output `avg`. Sum contrib for the risk; bias is the call with sigma2 = 0, variance the
 * call with v2 = NULL (the split is exact). O(d N) time, O(d) memory. Returns 0, or 1 if out
 * of memory. */
int slt_sgd_exact(const slt_sgd_problem *p, const slt_sgd_steps *s, long N, int avg, double *contrib);

/* SGD mean-square stability (sgd.md 4): s(gamma) = (gamma/2) sum lambda_i/(1 - gamma lambda_i);
 * stable iff gamma lambda_1 < 1 and s < 1 (returns +inf when gamma lambda_1 >= 1). */
double slt_sgd_s(const double *lambda, size_t d, double gamma);
/* The SGD limit E Delta_inf = (sigma2/2) s/(1 - s) (sgd.md 4); +inf if unstable. */
double slt_sgd_limit(const double *lambda, size_t d, double gamma, double sigma2);
/* Mean-square stability margin of the second-moment recursion of sgd.md 3, for SGD or ASGD:
 * the secular value f(1) = sum_i w_i' (I - D_i)^-1 u_i of the rank-one coupled recursion
 * T = D + u w' (for SGD exactly s(gamma) of sgd.md 4); +inf where a per-coordinate block D_i
 * is not a contraction. Stable iff < 1. */
double slt_sgd_margin(const double *lambda, size_t d, const slt_sgd_steps *s);
/* The stability boundary in one step, the others fixed: which = 0 varies delta, 1 gamma. Bisection
 * on slt_sgd_margin between 0 and the step's current value (assumed unstable): returns a stable
 * value within 1e-12 relative of a boundary, or 0 if the step at 0 is not stable either. For SGD
 * (delta) the margin increases with delta, so this is the largest stable step. */
double slt_sgd_step_bound(const double *lambda, size_t d, const slt_sgd_steps *s, int which);

/* Zou et al. (2021) Thm 2.1 in the form of sgd.md 5: an upper bound on the risk of the uniform
 * average of SGD with step gamma after N steps, v2 = (w_0 - w*)^2. NaN when the step condition
 * gamma < 1/(3 tr H) fails. *kstar (may be NULL) receives k*. */
double slt_sgd_zou(const slt_sgd_problem *p, double gamma, long N, long *kstar);
/* Jensen lower bound on the last-iterate bias (sgd.md 6): (1/2) sum lambda_i [(M_i^N (v_i, v_i))_1]^2
 * with v_i = sqrt(v2[i]) (SGD: M = 1 - delta lambda). */
double slt_sgd_jensen(const slt_sgd_problem *p, const slt_sgd_steps *s, long N);

/* Per-eigenmode mechanism (sgd.md 6): the rate -log rho, rho the spectral radius of M(lambda)
 * (ASGD) or |1 - delta lambda| (SGD); accurate for small lambda (no cancellation near rho = 1). */
double slt_sgd_rate(const slt_sgd_steps *s, double lambda);
/* delta_eff = (alpha beta delta + (1 - alpha) gamma) / (alpha beta + 1 - alpha). */
double slt_sgd_delta_eff(const slt_sgd_steps *s);
/* The crossover: the smallest lambda in (0, 1/delta) where rho_ASGD = rho_SGD (SGD step delta),
 * found numerically; NaN if none. */
double slt_sgd_lambda_cross(const slt_sgd_steps *s);
/* Edges of the band where M(lambda) has complex eigenvalues (tr^2 < 4 det); NaN if none. */
void slt_sgd_band(const slt_sgd_steps *s, double *lo, double *hi);

#endif
