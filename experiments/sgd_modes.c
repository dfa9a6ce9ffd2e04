/* sgd_modes.c: experiment `sgd-modes`: per-eigenmode contraction rates of SGD and ASGD against the
 * eigenvalue lambda, with the crossover lambda_x, the effective small-lambda step delta_eff and the
 * band of complex eigenvalues (theory note sgd.md 6). Theory only: theory/sgd.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/slt.h"
#include "experiments/sgd_common.h"
#include "theory/sgd.h"

enum { P_LAMBDA, P_D, P_DECAY, P_LOGDECAY, P_STEPS, NPARAMS = P_STEPS + 6 };

static const slt_param params[NPARAMS] = {
    {"lambda", SLT_REAL, "1e-6:10:61:log", 0, INFINITY, 1, 1, NULL, "eigenvalue lambda of H"},
    SGD_PARAM_D,
    SGD_PARAM_DECAY,
    SGD_PARAM_LOGDECAY,
    SGD_PARAM_STEPS,
};

static const char *const theory_cols[] = {"rate_sgd", "rate_asgd", "lambda_cross", "delta_eff", "band_lo",
                                          "band_hi", NULL};

static int theory(const double *par, double *out, char *err)
{
    double *lambda = sgd_spectrum(par[P_D], par[P_DECAY], par[P_LOGDECAY]);
    if (!lambda) {
        snprintf(err, SLT_ERRLEN, "out of memory for d = %g eigenvalues", par[P_D]);
        return SLT_EFAIL;
    }
    slt_sgd_steps a = sgd_steps(par, P_STEPS, 1, lambda, (size_t)par[P_D]), s = a;
    s.algo = SLT_SGD_PLAIN;
    free(lambda);
    out[0] = slt_sgd_rate(&s, par[P_LAMBDA]);
    out[1] = slt_sgd_rate(&a, par[P_LAMBDA]);
    double lx = slt_sgd_lambda_cross(&a), lo, hi;
    if (!isnan(lx))
        out[2] = lx;
    out[3] = slt_sgd_delta_eff(&a);
    slt_sgd_band(&a, &lo, &hi);
    if (!isnan(lo)) {
        out[4] = lo;
        out[5] = hi;
    }
    return SLT_OK;
}

static void derived(const double *par, char *text, size_t len)
{
    sgd_derived_text(par, P_STEPS, par[P_D], par[P_DECAY], par[P_LOGDECAY], text, len);
}

const slt_experiment slt_exp_sgd_modes = {
    .name = "sgd-modes",
    .derived = derived,
    .summary = "per-eigenmode rates of SGD and accelerated SGD: -log rho vs lambda, crossover, delta_eff (sgd.md 6)",
    .description =
        "The mean error of one coordinate of H's eigenbasis evolves linearly, E(w - w*, v - w*)_t = M(lambda) E(...)_{t-1}\n"
        "with M(lambda) = [alpha(1 - delta l), (1 - alpha)(1 - delta l); alpha(beta - gamma l), (1 - alpha)(beta - gamma l)\n"
        "+ 1 - beta] for ASGD and 1 - delta lambda for SGD. rate_sgd and rate_asgd are the exact -log of the spectral\n"
        "radius of that matrix (per-step decay exponent of the mean error; larger = faster); negative = growth.\n"
        "lambda_cross: the smallest lambda where the two rates are equal, found numerically (ASGD faster below it,\n"
        "slower above; sgd.md 6 predicts ((1 - alpha) + beta)/delta). delta_eff = (alpha beta delta + (1 - alpha) gamma)\n"
        "/ (alpha beta + 1 - alpha): for small lambda ASGD acts as SGD with step delta_eff. band_lo, band_hi: the\n"
        "eigenvalues between which M(lambda) has a complex pair (rate nearly flat, -log sqrt(det M)); empty if none.\n"
        "Steps as in `sgd` (0 = the project's family of sgd.md 2, from mu, kappa_tilde and R^2 = tr H + 2 lambda_1 of\n"
        "the spectrum d, decay, logdecay). All columns are exact values of these formulas, not bounds.",
    .references = "X. Li, Y. Deng, J. Wu, D. Zhou, Q. Gu, Risk Bounds of Accelerated SGD for Overparameterized Linear "
                  "Regression, ICLR 2024, arXiv:2311.14222\n"
                  "P. Jain, S. M. Kakade, R. Kidambi, P. Netrapalli, A. Sidford, Accelerating Stochastic Gradient "
                  "Descent for Least Squares Regression, COLT 2018, arXiv:1704.08227",
    .nparams = NPARAMS,
    .params = params,
    .theory_cols = theory_cols,
    .theory = theory,
    .plot = {.y = "rate_sgd,rate_asgd",
             .ylabel = "per-step rate -log rho(lambda)",
             .logy = 1,
             .key = "left top",
             .xmark = "lambda_cross",
             .title_params = "d,decay,mu,kappa_tilde"},
};
