/* nce_sim.c: SGD on the NCE loss and on the compositional NLL for a Gaussian mean (extras.md 3;
 * Jiang et al., ICML 2023, arXiv:2306.07485): iterations to a tolerance and the long-run bias. */
#include "sims/nce_sim.h"

#include <math.h>

#include "engine/rng.h"

static double softplus(double t) { return t > 0 ? t + log1p(exp(-t)) : log1p(exp(t)); }
/* sigma(t) = e^{-softplus(-t)}: no overflow */
static double sigmoid(double t) { return exp(-softplus(-t)); }

double slt_nce_sgd_iters(const slt_nce_sgd *s, gsl_rng *rng)
{
    double theta = 0, cp = 0;
    for (long t = 1; t <= s->T; t++) {
        double gt = 0, gc = 0;
        for (long i = 0; i < s->batch; i++) {
            double x = s->R + slt_rng_normal(rng), h = theta * x - 0.5 * theta * theta - cp, a = sigmoid(-h);
            gt -= a * (x - theta) / (double)s->batch;
            gc += a / (double)s->batch;
        }
        for (long i = 0; i < s->noise_batch; i++) {
            double x = slt_rng_normal(rng), h = theta * x - 0.5 * theta * theta - cp, b = sigmoid(h);
            gt += b * (x - theta) / (double)s->noise_batch;
            gc -= b / (double)s->noise_batch;
        }
        theta -= s->eta * gt;
        cp -= s->eta * gc;
        if (fabs(theta - s->R) < s->tol)
            return (double)t;
    }
    return INFINITY;
}

void slt_nce_comp_sgd(const slt_nce_sgd *s, gsl_rng *rng, double *iters, double *bias)
{
    double theta = 0, u = 0, sum = 0, c = sqrt(2 * M_PI);
    *iters = INFINITY;
    long tend = s->T > SLT_NCE_AVG_TO ? s->T : SLT_NCE_AVG_TO;
    for (long t = 1; t <= tend; t++) {
        double mx = 0, mw = 0, mwx = 0;
        for (long i = 0; i < s->batch; i++)
            mx += (s->R + slt_rng_normal(rng) - theta) / (double)s->batch;
        for (long i = 0; i < s->noise_batch; i++) {
            double x = slt_rng_normal(rng), w = c * exp(theta * x - 0.5 * theta * theta);
            mw += w / (double)s->noise_batch;
            mwx += w * (x - theta) / (double)s->noise_batch;
        }
        u = t == 1 ? mw : (1 - s->gamma) * u + s->gamma * mw;
        theta -= s->eta * (-mx + mwx / u);
        if (isinf(*iters) && t <= s->T && fabs(theta - s->R) < s->tol)
            *iters = (double)t;
        if (t > SLT_NCE_AVG_FROM && t <= SLT_NCE_AVG_TO)
            sum += theta;
        if (t >= SLT_NCE_AVG_TO && !isinf(*iters))
            break;
    }
    *bias = sum / (SLT_NCE_AVG_TO - SLT_NCE_AVG_FROM) - s->R;
}
