/* sd_margin.c: experiment `sd-margin`: the margin spectral decoupling gives every sample, the root
 * of lambda m = sigma(-m), against its Lambert-W approximation (Pezeshki et al. 2021;
 * starvation.md 4). Theory only: theory/starvation.c. */
#include <math.h>
#include <stdio.h>

#include <gsl/gsl_sf_lambert.h>

#include "engine/slt.h"
#include "theory/starvation.h"

static const slt_param params[] = {
    {"lambda", SLT_REAL, "1e-4:1:41:log", 0, 1e6, 1, 0, NULL,
     "SD penalty lambda; the loss is sum_i log(1 + e^(-m_i)) + (lambda/2) |y_hat|^2"},
};

static const char *const theory_cols[] = {"m_star", "m_lambertw", NULL};

static int theory(const double *par, double *out, char *err)
{
    if (slt_starv_sd_margin(par[0], &out[0])) {
        snprintf(err, SLT_ERRLEN, "Brent on lambda m = sigma(-m) did not converge at lambda = %g", par[0]);
        return SLT_EFAIL;
    }
    out[1] = gsl_sf_lambert_W0(1 / par[0]);
    return SLT_OK;
}

const slt_experiment slt_exp_sd_margin = {
    .name = "sd-margin",
    .summary = "spectral decoupling: the margin m* of every sample, root of lambda m = sigma(-m) (Pezeshki et al. 2021)",
    .description =
        "With spectral decoupling (a penalty (lambda/2)|y_hat|^2 on the logits) and as many features as samples,\n"
        "the fixed point gives every sample the same margin m*, the root of lambda m = sigma(-m)\n"
        "(starvation.md 4), whatever the feature strengths: SD decouples the features.\n"
        "m_star: the root (Brent, to 1e-15). m_lambertw: W(1/lambda), from sigma(-m) ~ e^(-m)\n"
        "(first-order approximation, good when m* is large, i.e. small lambda).\n"
        "For the mean loss with penalty coef mean(f^2) (the two-moons network, experiment moons), lambda =\n"
        "2 coef: coef = 0.003 gives m* = 3.767.",
    .references = SLT_STARV_REFERENCE,
    .nparams = 1,
    .params = params,
    .theory_cols = theory_cols,
    .sim_cols = (const char *const[]){NULL},
    .theory = theory,
    .plot = {.y = "m_star,m_lambertw", .ylabel = "SD margin m*"},
};
