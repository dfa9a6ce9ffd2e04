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
 * FLOW and STEPS use one LAPACKE dsyevd of the smaller Gram matrix (X'X if P >= N, else X X',
 * the N - P frozen directions then handled by projection); ITERATE runs one iteration per distinct
 * (sw2, se2, sw02), recording at each k = round(t/eta). eta is ignored by FLOW.
 * Returns 0, or 1 with a message (out of memory, dsyevd failure, a query the method cannot do). */
int slt_gd_sim(long N, long P, int method, double eta, size_t nq, const slt_gd_query *q, gsl_rng *rng,
               double *eg, double *et, char *err);

/* Bytes one call needs (for the memory check). */
double slt_gd_sim_bytes(long N, long P, int method);

/* Largest stable GD step for a simulation at (alpha, N): 2 / (l_+ + 6 s N^{-2/3}), where l_+ =
 * (1 + sqrt(alpha))^2 and s = (1 + sqrt(alpha)) (1 + 1/sqrt(alpha))^{1/3} is the Tracy-Widom
 * scale of the largest eigenvalue of X'X: a draw exceeds the bound with probability ~1e-5.
 * N <= 0: the large-N bound 2 / l_+. */
double slt_gd_eta_max(double alpha, long N);

#endif
