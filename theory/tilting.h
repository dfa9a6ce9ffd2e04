/* tilting.h: closed forms of the boundary-tilting study (Tanay & Griffin 2016; extras.md 2):
 * population error and mean distance of a linear classifier, the pure-tilting toy. No memory. */
#ifndef SLT_THEORY_TILTING_H
#define SLT_THEORY_TILTING_H

#include <stddef.h>

/* E|m + s Z|, Z ~ N(0,1), s > 0: s sqrt(2/pi) e^{-m^2/(2 s^2)} + m (1 - 2 Phi(-m/s)). */
double slt_tilt_mean_abs(double m, double s);

/* Population error and E|d(x)| of s(x) = w.x + b on x = y mu e1 + diag(sd) xi, classes +-1 with
 * equal weight (extras.md 2, "Population columns"). w, sd of length d. */
void slt_tilt_population(const double *w, double b, const double *sd, size_t d, double mu, double *err,
                         double *mean_abs_d);

/* Pure-tilting toy: x = t e1, t = y mu + sigma N(0,1), boundary through 0 with normal
 * (cos theta, sin theta), |theta| < pi/2: accuracy Phi(mu/sigma), mean |d| = E|t| cos theta. */
void slt_tilt_toy(double mu, double sigma, double theta_rad, double *accuracy, double *mean_abs_d);

/* The statistics of a fitted (w, b) on labelled data X (n x d, row-major), y = +-1 (extras.md 2):
 * angle to the nearest-centroid direction j - i, the adversarial distance d_adv and the
 * identity's right side 1/2 ||j - i|| cos theta, the training error, ||w||. */
typedef struct {
    double theta_deg, d_adv, half_dist_cos, train_err, norm_w, dist_ji;
} slt_tilt_stats;

int slt_tilt_stats_of(const double *X, const double *y, size_t n, size_t d, const double *w, double b,
                      slt_tilt_stats *st);

#endif
