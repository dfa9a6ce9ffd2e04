/* tilting_sim.h: boundary-tilting Monte Carlo (extras.md 2): two-Gaussian data, the linear learners
 * (L2 logistic regression by Newton, ridge, nearest centroid) along a lambda path, their statistics
 * on training, test and population. Callers own every array; nothing is returned allocated. */
#ifndef SLT_TILTING_SIM_H
#define SLT_TILTING_SIM_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

enum { SLT_TILT_LOGREG, SLT_TILT_RIDGE, SLT_TILT_NCC };
extern const char *const slt_tilt_learners[]; /* "logreg", "ridge", "ncc", NULL */

typedef struct {
    long d, m, n_per, n_test; /* dimension, coordinates at unit scale, per-class train / test sizes */
    double s_low, mu;         /* scale of the other coordinates, class offset along e1 */
    int learner;
} slt_tilt_design;

/* Per-coordinate scale s_l: 1 for l < m, s_low otherwise. */
void slt_tilt_scales(const slt_tilt_design *ds, double *sd);

/* Fits on X (n x d, row-major), labels y = +-1, for nlam penalties lam[] (> 0, any order): W is
 * nlam x d, B nlam. logreg: min (1/n) sum log(1 + e^{-y s}) + lam ||w||^2 by damped Newton with
 * warm starts along decreasing lambda; ridge: min (1/n) sum (y - s)^2 + lam ||w||^2, b unpenalised,
 * through one eigendecomposition of the smaller centred Gram; ncc ignores lam. 0, or 1 + err. */
int slt_tilt_fit(int learner, const double *X, const double *y, size_t n, size_t d, size_t nlam,
                 const double *lam, double *W, double *B, char *err);

/* One trial: training data (class -1 first), fits, then per penalty k the 10 quantities
 * out[k * 10 + j] in the order theta_deg, d_adv, half_dist_cos, train_err, test_err, pop_err,
 * mean_abs_d, pop_mean_abs_d, norm_w, b. 0, or 1 with a message. */
#define SLT_TILT_NOUT 10
int slt_tilt_sim(const slt_tilt_design *ds, size_t nlam, const double *lam, gsl_rng *rng, double *out,
                 char *err);

/* Bytes one trial needs (for the memory check). */
double slt_tilt_sim_bytes(const slt_tilt_design *ds, size_t nlam);

#endif
