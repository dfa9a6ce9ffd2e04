/* starvation.c: experiment `starvation`: feature responses of the two-feature toy of gradient
 * starvation under weight decay, spectral decoupling or the squared loss (Pezeshki et al. 2021;
 * starvation.md 3-6). Theory: theory/starvation.c; simulation: sims/starvation_sim.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/slt.h"
#include "sims/starvation_sim.h"
#include "theory/starvation.h"

enum { P_S1, P_S2, P_DELTA, P_REG, P_LAMBDA, P_T, P_METHOD, P_ETA, P_ETA_DUAL, NPARAMS };

/* The toy of starvation.md 6 has V any orthogonal 2 x 2: the simulation draws it per trial. */
#define SIM_DIM 2
/* GD and the dual iteration run step by step: beyond this many steps per trial a run takes
 * seconds per trial for no new information (the fixed point is reached long before). */
#define MAX_STEPS 1e7

static const char *const reg_words[] = {"wd", "sd", "mse", NULL};
static const char *const method_words[] = {"gd", "flow", "dual", NULL};

static const slt_param params[NPARAMS] = {
    {"s1", SLT_REAL, "2,3,4,5,6", 0, 100, 1, 0, NULL, "strength s_1 of feature 1 (singular value of Y Phi)"},
    {"s2", SLT_REAL, "2", 0, 100, 1, 0, NULL, "strength s_2 of feature 2"},
    {"delta", SLT_REAL, "0.5", -1, 1, 0, 0, NULL,
     "coupling delta; U = [sqrt(1 - delta^2), -delta; delta, sqrt(1 - delta^2)] (0: uncoupled features)"},
    {"reg", SLT_WORD, "wd", 0, 0, 0, 0, reg_words,
     "loss: wd = logistic + (lambda/2)|theta|^2, sd = logistic + (lambda/2)|y_hat|^2 (spectral decoupling), "
     "mse = (1/2)|Y y_hat - 1|^2"},
    {"lambda", SLT_REAL, "0.01", 0, 100, 0, 0, NULL,
     "penalty lambda; > 0 for wd and sd (the note's figures: 0.01 for wd, 0.002 for sd), unused by mse"},
    {"t", SLT_REAL, "0:250:101", 0, 1e5, 0, 0, NULL,
     "training time t; gd and dual run k = round(t/eta) steps"},
    {"method", SLT_WORD, "gd", 0, 0, 0, 0, method_words,
     "simulated training: gd = full-batch gradient descent on theta, flow = gradient flow on theta (odeiv2), "
     "dual = the dual iteration of starvation.md 5"},
    {"eta", SLT_REAL, "0.05", 0, 10, 1, 0, NULL, "gradient-descent step eta (time per step of gd and dual)"},
    {"eta_dual", SLT_REAL, "3e-6", 0, 1, 1, 0, NULL, "step of the dual iteration on alpha (method=dual)"},
};

static const char *const theory_cols[] = {"z1",         "z2",       "z1_star",  "z2_star", "dz2_ds1sq",
                                          "z1_first", "z2_first", "dz2_first", NULL};
static const char *const sim_cols[] = {"z1", "z2", NULL};
static const char *const batch_params[] = {"t", NULL};

static slt_starv_toy toy(const double *par)
{
    slt_starv_toy m = {{par[P_S1], par[P_S2]}, par[P_DELTA], par[P_LAMBDA], (int)par[P_REG]};
    return m;
}

/* gd and dual stop at step round(t/eta): time k eta */
static double reached(const double *par)
{
    return par[P_METHOD] == SLT_STARV_FLOW ? par[P_T] : nearbyint(par[P_T] / par[P_ETA]) * par[P_ETA];
}

static int theory(const double *par, double *out, char *err)
{
    slt_starv_toy m = toy(par);
    double z[2], zs[2], d;
    if (par[P_METHOD] != SLT_STARV_DUAL) {
        if (slt_starv_flow(&m, reached(par), z)) {
            snprintf(err, SLT_ERRLEN, "z-space gradient flow (odeiv2 rk8pd) failed at t = %g", par[P_T]);
            return SLT_EFAIL;
        }
        out[0] = z[0];
        out[1] = z[1];
    }
    if (slt_starv_fixed(&m, zs) || slt_starv_dz2(&m, &d)) {
        snprintf(err, SLT_ERRLEN, "fixed point (%s) did not converge at s1 = %g, lambda = %g",
                 m.reg == SLT_STARV_WD ? "multiroot hybridsj" : "Brent on the SD margin", m.s[0], m.lambda);
        return SLT_EFAIL;
    }
    out[2] = zs[0];
    out[3] = zs[1];
    out[4] = d;
    if (m.reg != SLT_STARV_MSE) {
        slt_starv_first_order(&m, z, &d);
        out[5] = z[0];
        out[6] = z[1];
        out[7] = d;
    }
    return SLT_OK;
}

static int check_steps(const double *par, char *err)
{
    double eta = par[P_ETA], C = 1 / par[P_LAMBDA];
    slt_starv_toy m = toy(par);
    if (par[P_T] / eta > MAX_STEPS) {
        snprintf(err, SLT_ERRLEN, "t: t = %g at eta = %g needs %.3g steps per trial; allowed with simulation: "
                 "t/eta <= %g (or method=flow, or --trials 0)", par[P_T], eta, par[P_T] / eta, MAX_STEPS);
        return SLT_EUSAGE;
    }
    /* the dual's linear part C K alpha has rate C s_max^2 (WD) or C (SD, K = I) */
    double rate = C * (m.reg == SLT_STARV_WD ? fmax(m.s[0] * m.s[0], m.s[1] * m.s[1]) : 1);
    if (par[P_METHOD] == SLT_STARV_DUAL && par[P_ETA_DUAL] * rate >= 2) {
        snprintf(err, SLT_ERRLEN, "eta_dual: eta_dual = %g is unstable (rate C s_max^2 = %g); allowed: eta_dual < %.4g",
                 par[P_ETA_DUAL], rate, 2 / rate);
        return SLT_EUSAGE;
    }
    return SLT_OK;
}

static int check(const double *par, int simulate, int threads, char *err)
{
    slt_starv_toy m = toy(par);
    if (m.reg != SLT_STARV_MSE && !(m.lambda > 0)) {
        snprintf(err, SLT_ERRLEN, "lambda: lambda = 0 has no fixed point with reg=%s; allowed: lambda > 0 "
                 "(or reg=mse)", reg_words[m.reg]);
        return SLT_EUSAGE;
    }
    if (par[P_METHOD] == SLT_STARV_DUAL && m.reg == SLT_STARV_MSE) {
        snprintf(err, SLT_ERRLEN, "method: the dual iteration needs the logistic loss; allowed with reg=mse: gd, flow");
        return SLT_EUSAGE;
    }
    double bound = 2 / slt_starv_curvature(&m);
    if (par[P_METHOD] == SLT_STARV_GD && par[P_ETA] >= bound) {
        snprintf(err, SLT_ERRLEN, "eta: eta = %g is past the stability bound 2/L of GD at s1 = %g, s2 = %g "
                 "(L = the largest curvature of the loss); allowed: eta < %.4g", par[P_ETA], m.s[0], m.s[1], bound);
        return SLT_EUSAGE;
    }
    if (simulate && par[P_METHOD] != SLT_STARV_FLOW)
        return check_steps(par, err);
    return SLT_OK;
}

static int simulate(const slt_batch *b, void *ctx, gsl_rng *rng, double *out, char *err)
{
    const double *p0 = b->par[0];
    slt_starv_toy m = toy(p0);
    double *t = malloc(b->npoints * sizeof(double));
    if (!t) {
        snprintf(err, SLT_ERRLEN, "out of memory");
        return SLT_EFAIL;
    }
    for (size_t k = 0; k < b->npoints; k++)
        t[k] = b->par[k][P_T];
    int rc = slt_starv_sim(&m, (int)p0[P_METHOD], p0[P_ETA], p0[P_ETA_DUAL], SIM_DIM, b->npoints, t, rng, out, err);
    free(t);
    return rc ? SLT_EFAIL : SLT_OK;
}

const slt_experiment slt_exp_starvation = {
    .name = "starvation",
    .summary = "gradient starvation: feature responses of a two-feature logistic toy, WD vs SD (Pezeshki et al. 2021)",
    .description =
        "The linearised model of starvation.md 2 with n = 2 samples, y = (+1, +1) and Y Phi = U S V': the\n"
        "feature responses z = S V' theta (margins m = U z) under gradient flow on the logistic loss with\n"
        "weight decay (reg=wd), spectral decoupling (reg=sd, a penalty on the logits) or the squared loss.\n"
        "Exact z-space dynamics (starvation.md 3): WD dz/dt = S^2 U' sigma(-U z) - lambda z,\n"
        "SD dz/dt = S^2 (U' sigma(-U z) - lambda z), MSE dz/dt = S^2 (U'1 - z); z(0) = 0.\n"
        "Theory: z1, z2 = the gradient flow at time t (GSL odeiv2 rk8pd, rtol 1e-10; at the time k eta that\n"
        "gd reaches; empty for method=dual, whose path and time differ); z1_star, z2_star = the fixed point\n"
        "(WD: multiroot hybridsj from z(2000); SD: z* = m* U'1 with lambda m* = sigma(-m*), independent of S;\n"
        "MSE: U'1); dz2_ds1sq = dz2*/d(s1^2), the starvation derivative (implicit-function theorem; exactly 0\n"
        "for SD and MSE: negative means feature 1 starves feature 2).\n"
        "z1_first, z2_first, dz2_first: the first-order formula in delta with sigma(-m) ~ e^(-m) and\n"
        "Lambert W (starvation.md 6) (first-order approximation: accurate for small delta; at delta = 0.5\n"
        "only signs and trends are right).\n"
        "Simulation: each trial draws a random orthogonal V (Haar), forms Phi and trains theta itself:\n"
        "gd = full-batch gradient descent theta -= eta grad L, k = round(t/eta) steps (GD is explicit Euler\n"
        "in z, so it lies within O(eta) of the flow); flow = gradient flow on theta (odeiv2); dual = the\n"
        "dual iteration alpha -= eta_dual (C K alpha + log(alpha/(1 - alpha))), C = 1/lambda, alpha(0) = 1e-8,\n"
        "k = round(t/eta) steps, z = U'Y Phi theta(alpha) (a different path to the same fixed point).\n"
        "V drops out: the standard errors are round-off.\n"
        "Refused: lambda = 0 with wd or sd (no fixed point); eta >= 2/L for gd (L = s_max^2/4 + lambda for\n"
        "wd, s_max^2 (1/4 + lambda) for sd, s_max^2 for mse); dual with mse; more than 1e7 steps per trial.",
    .references = SLT_STARV_REFERENCE,
    .nparams = NPARAMS,
    .params = params,
    .theory_cols = theory_cols,
    .sim_cols = sim_cols,
    .batch_params = batch_params,
    .theory = theory,
    .simulate = simulate,
    .check = check,
    .plot = {.y = "z1,z2",
             .ylabel = "feature response z",
             .key = "right bottom",
             .title_params = "reg,lambda,delta,s2"},
};
