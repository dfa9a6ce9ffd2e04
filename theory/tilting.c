/* tilting.c: boundary tilting (Tanay & Griffin, arXiv:1608.07690, and "A New Angle on L2
 * Regularization"): the identity d_adv = 1/2 ||j - i|| cos theta, population error and mean
 * distance of a linear classifier on the two-Gaussian data of extras.md 2, and the toy. */
#include "theory/tilting.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

/* extras.md 2, F(m) with sigma_s = s [D]: E|N(m, s^2)|. */
double slt_tilt_mean_abs(double m, double s)
{
    return s * sqrt(2 / M_PI) * exp(-m * m / (2 * s * s)) + m * (1 - 2 * gsl_cdf_ugaussian_P(-m / s));
}

/* extras.md 2 [D]: s(x) | y = +-1 is N(+-mu w1 + b, ||sd . w||^2); m+ = mu w1 + b, m- = mu w1 - b. */
void slt_tilt_population(const double *w, double b, const double *sd, size_t d, double mu, double *err,
                         double *mean_abs_d)
{
    double ss = 0, nw = 0;
    for (size_t l = 0; l < d; l++) {
        ss += sd[l] * sd[l] * w[l] * w[l];
        nw += w[l] * w[l];
    }
    double s = sqrt(ss), mp = mu * w[0] + b, mm = mu * w[0] - b;
    *err = 0.5 * (gsl_cdf_ugaussian_P(-mp / s) + gsl_cdf_ugaussian_P(-mm / s));
    *mean_abs_d = 0.5 * (slt_tilt_mean_abs(mp, s) + slt_tilt_mean_abs(mm, s)) / sqrt(nw);
}

/* extras.md 2, pure-tilting toy [D, exact]: d = t cos theta and sign(d) = sign(t). */
void slt_tilt_toy(double mu, double sigma, double theta_rad, double *accuracy, double *mean_abs_d)
{
    *accuracy = gsl_cdf_ugaussian_P(mu / sigma);
    *mean_abs_d = slt_tilt_mean_abs(mu, sigma) * cos(theta_rad);
}

/* theta by atan2(|w_perp|, w.u) rather than acos: accurate at angles near 0 (the NCC limit). */
int slt_tilt_stats_of(const double *X, const double *y, size_t n, size_t d, const double *w, double b,
                      slt_tilt_stats *st)
{
    double *u = calloc(d, sizeof(double));
    if (!u)
        return -1;
    size_t npos = 0;
    for (size_t k = 0; k < n; k++)
        npos += y[k] > 0;
    double nw = 0, dist = 0, dot = 0, sadv = 0, wrong = 0;
    for (size_t k = 0; k < n; k++) {
        double cnt = y[k] > 0 ? (double)npos : (double)(n - npos), s = b;
        for (size_t l = 0; l < d; l++) {
            u[l] += y[k] * X[k * d + l] / cnt; /* j - i: mean of class +1 minus mean of class -1 */
            s += w[l] * X[k * d + l];
        }
        sadv += y[k] * s;
        wrong += y[k] * s <= 0;
    }
    for (size_t l = 0; l < d; l++) {
        nw += w[l] * w[l];
        dist += u[l] * u[l];
        dot += w[l] * u[l];
    }
    nw = sqrt(nw);
    dist = sqrt(dist);
    double perp = 0, c = dot / (nw * dist);
    for (size_t l = 0; l < d; l++) {
        double r = w[l] / nw - c * u[l] / dist;
        perp += r * r;
    }
    st->theta_deg = atan2(sqrt(perp), c) * 180 / M_PI;
    st->d_adv = sadv / ((double)n * nw);
    st->half_dist_cos = 0.5 * dist * c;
    st->train_err = wrong / (double)n;
    st->norm_w = nw;
    st->dist_ji = dist;
    free(u);
    return 0;
}
