/* gd_sim.h: Monte Carlo of gradient flow / gradient descent on linear regression in the Advani-Saxe
 * convention (linear.md 4.1, 5.2): exact test and training error per draw. No memory is returned. */
#ifndef SLT_GD_SIM_H
#define SLT_GD_SIM_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

/* How w(t) is obtained from the draw. */
enum {
    SLT_GD_FLOW,    /* gradient flow, closed form per eigenmode of the Gram matrix: D = e^{-l t} */
    SLT_GD_ITERATE, /* discrete GD by the actual iteration w += eta X'(y - X w), k = round(t/eta) */
    SLT_GD_STEPS    /* discrete GD in closed form per eigenmode, D = (1 - eta l)^k (a check of ITERATE) */
};

/* How the draw is made. LITERAL draws X and eigendecomposes its Gram matrix (eigenvectors
 * included). SPECTRAL draws only what the errors depend on: the eigenvalues of the smaller Gram
 * matrix, from the beta = 1 Laguerre bidiagonal model (Dumitriu, Edelman 2002), and the
 * projections of teacher, noise and initialisation on its eigenvectors as fresh standard normals.
 * Exact in distribution: a, b, c are isotropic and independent of X, so in the eigenbases of X'X
 * and X X' (completed to orthonormal bases) they are again i.i.d. N(0, 1) and independent of the
 * spectrum. No eigenvector, no O(N P min(N, P)) work: O(min(N, P)^2) per draw (LAPACK dsterf). */
enum { SLT_GD_LITERAL, SLT_GD_SPECTRAL };

/* What to measure on the draw. Every query of one call sees the same X and the same unit-variance
 * directions of teacher, noise and initialisation; only their scales differ (common random
 * numbers: one eigendecomposition serves every time, SNR and initial variance). */
enum { SLT_GD_AT_TIME, SLT_GD_WEIGHT_DECAY };
typedef struct {
    int kind;               /* SLT_GD_AT_TIME or SLT_GD_WEIGHT_DECAY */
    double sw2, se2, sw02;  /* teacher, label-noise and initial-weight variances */
    double t;               /* AT_TIME: training time >= 0; +inf = w0 + X^+(y - X w0) (not ITERATE) */
    double g;               /* WEIGHT_DECAY: w = (X'X + g I)^{-1} X'y, 0 <= g <= inf (0: X^+ y, inf: w = 0);
                             * not with ITERATE */
} slt_gd_query;

/* One draw: X (P x N) with N(0, 1/N) entries, wbar = sqrt(sw2) a, eps = sqrt(se2) b,
 * w0 = sqrt(sw02) c with a, b, c standard normal, drawn from rng in that order (X, a, b, c) for
 * every method, so that methods can be compared on the same draw. For each query k:
 * eg[k] = ||w - wbar||^2/N + se2 (test error, noise included) and et[k] = ||y - X w||^2/P.
 * FLOW and STEPS use one eigendecomposition of the smaller Gram matrix (X'X if P >= N, else X X',
 * the N - P frozen directions then handled by projection); ITERATE runs one iteration per distinct
 * (sw2, se2, sw02), recording at each k = round(t/eta). eta is ignored by FLOW.
 * Returns 0, or 1 with a message (out of memory, an eigensolver failure, a query the method cannot do). */
int slt_gd_sim(long N, long P, int method, double eta, size_t nq, const slt_gd_query *q, gsl_rng *rng,
               double *eg, double *et, char *err);

/* slt_gd_sim with a choice of sampler. SPECTRAL serves FLOW and STEPS (STEPS gives the errors of
 * literal GD exactly: the iteration acts on each eigenmode as (1 - eta l)^k, and the isotropic
 * initialisation has no preferred direction), not ITERATE, which needs X. Its draw takes from rng
 * the 2 min(N, P) - 1 chi-squared variates of the bidiagonal, then a (N), b (P), c (N): the first
 * min(N, P) of each are the projections on the eigenvectors, the rest their orthogonal complement. */
int slt_gd_sim_with(int sampler, long N, long P, int method, double eta, size_t nq, const slt_gd_query *q,
                    gsl_rng *rng, double *eg, double *et, char *err);

/* The min(N, P) eigenvalues, ascending, of the smaller Gram matrix (X'X or X X') of one draw of X
 * (P x N, N(0, 1/N) entries) by either sampler (for tests of the samplers against each other). */
int slt_gd_spectrum(int sampler, long N, long P, gsl_rng *rng, double *l, char *err);

/* Bytes one call needs (for the memory check). */
double slt_gd_sim_bytes(long N, long P, int method);
/* The same for a sampler: SPECTRAL needs O(N + P), not the P x N matrix. */
double slt_gd_sim_bytes_with(int sampler, long N, long P, int method);

/* Largest stable GD step for a simulation at (alpha, N): 2 / (l_+ + 6 s N^{-2/3}), where l_+ =
 * (1 + sqrt(alpha))^2 and s = (1 + sqrt(alpha)) (1 + 1/sqrt(alpha))^{1/3} is the Tracy-Widom
 * scale of the largest eigenvalue of X'X: a draw exceeds the bound with probability ~1e-5.
 * N <= 0: the large-N bound 2 / l_+. */
double slt_gd_eta_max(double alpha, long N);

#endif
