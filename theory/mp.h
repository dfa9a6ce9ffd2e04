/* mp.h: the Marchenko-Pastur law (edges, densities, atoms, Stieltjes transform) and quadrature
 * against it. Pure functions; only slt_mp_nodes_alloc returns memory, owned by the caller. */
#ifndef SLT_MP_H
#define SLT_MP_H

#include <stddef.h>

/* Integrand g(l) for the quadratures below; ctx is passed through untouched. */
typedef double (*slt_mp_fn)(double l, void *ctx);

/* AS normalisation (linear.md 1.1): C = X^T X, X (P x N) with N(0, 1/N) entries, alpha = P/N. */
double slt_mp_edge_lo(double alpha);           /* l_- = (1 - sqrt(alpha))^2 */
double slt_mp_edge_hi(double alpha);           /* l_+ = (1 + sqrt(alpha))^2 */
double slt_mp_density(double alpha, double l); /* rho_c(l); 0 outside (l_-, l_+) */
double slt_mp_atom(double alpha);              /* (1 - alpha)_+, the mass at l = 0 */

/* HMRT normalisation (linear.md 1.2): Sigma_hat = X^T X / n, x ~ N(0, I_p), gamma = p/n. */
double slt_mp_hmrt_density(double gamma, double s); /* f_gamma(s); 0 outside (s_-, s_+) */
double slt_mp_hmrt_atom(double gamma);              /* (1 - 1/gamma)_+ */
/* m(-lam) = int dF_gamma(s)/(s + lam) and m'(-lam) = int dF_gamma/(s + lam)^2, atom included.
 * lam > 0; at lam = 0 the limits 1/(1 - gamma) and 1/(1 - gamma)^3 (gamma < 1) or +inf. */
double slt_mp_stieltjes(double gamma, double lam);
double slt_mp_stieltjes_deriv(double gamma, double lam);

/* Reference integral of the continuous part (no atom: callers add atom * g(0) themselves):
 * *result = int rho_c(l) g(l) dl (AS) or int f_gamma(s) g(s) ds (HMRT), by QAWS to
 * epsabs 1e-13, epsrel 1e-11. Returns 0, or nonzero if GSL fails (*result is then NaN).
 * g is evaluated on the closed support, including l = 0 when alpha = 1. */
int slt_mp_integrate(double alpha, slt_mp_fn g, void *ctx, double *result);
int slt_mp_hmrt_integrate(double gamma, slt_mp_fn g, void *ctx, double *result);
/* The same (AS units) with the support split at breaks[0..nb-1] (increasing; points outside
 * (l_-, l_+) are ignored): for g living on scales far below the width of the support, e.g.
 * e^{-l t} at large t near alpha = 1, which a single adaptive pass can miss entirely. */
int slt_mp_integrate_split(double alpha, size_t nb, const double *breaks, slt_mp_fn g, void *ctx,
                           double *result);

/* Fixed-node Gauss-Chebyshev (2nd kind) rule for int rho_c(l) g(l) dl (AS normalisation):
 * I[g] ~ sum_k w[k] g(l[k]), with the density folded into w. Exact enough (~1e-15) for smooth g
 * at n = 4000; near alpha = 1, 1/l integrands need n >= 20/|1 - sqrt(alpha)| (or QAWS). */
typedef struct {
    size_t n;
    double alpha;
    double *l; /* nodes, inside (l_-, l_+) */
    double *w; /* weights including rho_c; sum w = min(1, alpha) up to the rule's error */
} slt_mp_nodes;

slt_mp_nodes *slt_mp_nodes_alloc(double alpha, size_t n); /* NULL on failure or bad input */
void slt_mp_nodes_free(slt_mp_nodes *q);                  /* accepts NULL */
double slt_mp_nodes_apply(const slt_mp_nodes *q, slt_mp_fn g, void *ctx);

#endif
