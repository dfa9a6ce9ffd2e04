/* sensitivity_sim.h: Monte Carlo of the sensitivity of minimum-norm RF and NTK interpolators
 * (extras.md 1): kernel-trick gradients for many widths k and sample sizes N from one draw.
 * Callers own every array; nothing is returned allocated. */
#ifndef SLT_SENSITIVITY_SIM_H
#define SLT_SENSITIVITY_SIM_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

typedef struct {
    int model, act; /* SLT_SENS_RF / _NTK, SLT_SENS_TANH / _SQUARE / _COS (theory/sensitivity.h) */
    long d;
} slt_sens_design;

typedef struct {
    long N, k;
} slt_sens_point;

/* S = sqrt(d) ||grad_z f(z)|| of the min-norm interpolator of Y (first N entries) on X (first N
 * rows of the Nmax x d row-major matrix), features from the first k columns of W (d x kmax,
 * row-major), for every point. Kernel trick (extras.md 1): only N x N Gram matrices, accumulated
 * over increasing k, never the N x dk NTK feature matrix. Points need k >= N (RF), dk > N (NTK).
 * 0, or 1 with a message. */
int slt_sens_finite(const slt_sens_design *ds, const double *X, const double *Y, const double *z, const double *W,
                    long Nmax, long kmax, size_t npts, const slt_sens_point *pts, double *S, char *err);

/* One trial: X (N(0,1) entries), Y ~ N(0,1)^N, z ~ N(0, I_d), W (N(0, 1/d) entries), drawn in that
 * order with the largest N and k of the points; out[2 i] = S, out[2 i + 1] = S_inf (same X, Y, z;
 * left empty for tanh). 0, or 1 with a message. */
int slt_sens_sim(const slt_sens_design *ds, size_t npts, const slt_sens_point *pts, gsl_rng *rng, double *out,
                 char *err);

/* Bytes one trial needs at the largest N and k (for the memory check). */
double slt_sens_sim_bytes(const slt_sens_design *ds, long Nmax, long kmax);

#endif
