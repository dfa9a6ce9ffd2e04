/* sparse_coding.h: closed forms of the one-atom toy model of masked sparse coding (sparse_coding.md
 * section 10): moments of the max of m Gaussians, the standard-loss gain of perturbed duplicates,
 * the masked loss of the truth. Pure functions; no memory is returned. */
#ifndef SLT_SPARSE_CODING_H
#define SLT_SPARSE_CODING_H

/* The toy model at signal amplitude c, noise sigma, m copies (sparse_coding.md 10). */
typedef struct {
    double mu, nu;          /* mean and second moment of the max of m iid N(0,1) */
    double abs_x;           /* E|X|, X = c s + <a, eps> */
    double q1, q2;          /* q1 = sigma mu E|X|, q2 = c^2 + sigma^2 (1 - nu) */
    double dl_star;         /* min over delta of L(P) - L(G): (q2 - sqrt(q2^2 + 4 q1^2)) / 2 */
    double delta_star;      /* its argmin (sqrt(q2^2 + 4 q1^2) - q2) / (2 q1) */
    double limit;           /* c -> inf limit of dl_star: -sigma^2 mu^2 */
} slt_sc_toy;

/* mu_m, nu_m by gsl_integration_qagi. m >= 1. Returns 0, or 1 if a quadrature failed. */
int slt_sc_max_moments(int m, double *mu, double *nu);
/* Fill t for c >= 0, sigma > 0, m >= 1. Returns 0, 1 (quadrature failed) or 2 (bad arguments). */
int slt_sc_toy_eval(double c, double sigma, int m, slt_sc_toy *t);
/* L(P(delta, m)) - L(G) = (q2 delta^2 - 2 q1 delta) / (1 + delta^2), for the evaluated model. */
double slt_sc_toy_gain(const slt_sc_toy *t, double delta);
/* L_mask(G) of a flat unit atom with v visible and h = d - v hidden coordinates: h sigma^2 (1 + 1/v). */
double slt_sc_mask_truth_flat(int d, int v, double sigma);

#endif
