/* gd_dynamics.c: experiment `gd-dynamics`: training and test error of gradient flow and gradient
 * descent on noisy linear regression against training time (Advani-Saxe 2017; linear.md 4, 5.2).
 * Theory: theory/advani_saxe.c; simulation: sims/gd_sim.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/slt.h"
#include "experiments/advani_saxe_common.h"
#include "sims/gd_sim.h"
#include "theory/advani_saxe.h"

enum { P_ALPHA, P_SNR, P_W0VAR, P_T, P_N, P_ETA, P_SAMPLER, NPARAMS };

/* Literal GD runs the iteration step by step: more steps than this per trial is a mistake
 * (1e6 steps at N = 400, alpha = 2 take minutes per trial), not a useful run. */
#define MAX_STEPS 1e6

static const slt_param params[NPARAMS] = {
    AS_PARAM_ALPHA("2"),
    AS_PARAM_SNR,
    AS_PARAM_W0VAR,
    {"t", SLT_REAL, "0.01:1000:50:log", 0, INFINITY, 0, 0, NULL,
     "training time t; inf = the end of training, w0 + X^+(y - X w0)"},
    AS_PARAM_N,
    {"eta", SLT_REAL, "0", 0, INFINITY, 0, 1, NULL,
     "gradient-descent step; 0 = gradient flow, > 0 = discrete GD with k = round(t/eta) steps"},
    AS_PARAM_SAMPLER,
};

static const char *const theory_cols[] = {"train", "test", "tstar", "noise", NULL};
static const char *const sim_cols[] = {"train", "test", NULL};
static const char *const batch_params[] = {"t", NULL};

static long examples(const double *par) { return as_examples(par[P_ALPHA], par[P_N]); }
static int sampler(const double *par) { return as_sampler(par[P_SAMPLER]); }

/* How w(t) is simulated: the flow in closed form; GD by the literal iteration on a literal draw, or
 * (spectral sampler, no X) by its exact per-mode closed form (1 - eta l)^k, which the iteration
 * matches to round-off on a shared draw (tests/test_gd_sim.c). */
static int method(const double *par)
{
    if (!(par[P_ETA] > 0))
        return SLT_GD_FLOW;
    return sampler(par) == SLT_GD_LITERAL ? SLT_GD_ITERATE : SLT_GD_STEPS;
}
static slt_as_params model(const double *par) { return as_model(par[P_ALPHA], par[P_SNR], par[P_W0VAR]); }

/* The time actually reached: GD stops at step k = round(t/eta), time k eta. */
static double reached(const double *par)
{
    double t = par[P_T], eta = par[P_ETA];
    return eta > 0 && isfinite(t) ? nearbyint(t / eta) * eta : t;
}

static int theory(const double *par, double *out, char *err)
{
    slt_as_params p = model(par);
    double eg, et, ts;
    if (slt_as_errors(&p, par[P_ETA], reached(par), &eg, &et) != 0) {
        snprintf(err, SLT_ERRLEN, "Marchenko-Pastur quadrature (QAWS) failed at alpha = %g, t = %g", par[P_ALPHA],
                 par[P_T]);
        return SLT_EFAIL;
    }
    if (slt_as_tstar(&p, &ts, NULL) != 0) {
        snprintf(err, SLT_ERRLEN, "no optimal stopping time found in [1e-6, 1e7] (Brent on dE_g/dt) at alpha = %g",
                 par[P_ALPHA]);
        return SLT_EFAIL;
    }
    out[0] = et;
    out[1] = eg;
    out[2] = ts;
    out[3] = p.se2;
    return SLT_OK;
}

static int skip_sim(const double *par)
{
    /* t = inf: GD cannot iterate for ever; with |P - N| <= 3 the end-of-training error has an
     * infinite mean (|P - N| <= 1) or variance (linear.md 5.3) */
    return isinf(par[P_T]) && (par[P_ETA] > 0 || labs(examples(par) - (long)par[P_N]) <= 3);
}

static int check(const double *par, int simulate, int threads, char *err)
{
    long P = examples(par), N = (long)par[P_N];
    double eta = par[P_ETA];
    if (as_check_model(par[P_ALPHA], par[P_SNR], par[P_W0VAR], par[P_N], err) != SLT_OK)
        return SLT_EUSAGE;
    if (eta > 0) {
        double bound = slt_gd_eta_max(par[P_ALPHA], simulate ? N : 0);
        if (eta >= bound) {
            snprintf(err, SLT_ERRLEN,
                     "eta: eta = %g is unstable at alpha = %g (GD needs eta < 2/l_max, l_max = (1 + sqrt(alpha))^2%s); "
                     "allowed: 0 (gradient flow) or eta < %.4g",
                     eta, par[P_ALPHA], simulate ? " plus its finite-N fluctuation" : "", bound);
            return SLT_EUSAGE;
        }
        if (simulate && method(par) == SLT_GD_ITERATE && isfinite(par[P_T]) && par[P_T] / eta > MAX_STEPS) {
            snprintf(err, SLT_ERRLEN,
                     "t: t = %g at eta = %g needs %.3g gradient steps per trial; allowed with simulation: t/eta <= %g "
                     "(or eta = 0, sampler=spectral, or --trials 0)",
                     par[P_T], eta, par[P_T] / eta, MAX_STEPS);
            return SLT_EUSAGE;
        }
    }
    if (simulate)
        return as_check_memory(sampler(par), N, P, method(par), threads, err);
    return SLT_OK;
}

static int simulate(const slt_batch *b, void *ctx, gsl_rng *rng, double *out, char *err)
{
    const double *p0 = b->par[0];
    slt_as_params m = model(p0);
    slt_gd_query *q = malloc(b->npoints * sizeof *q);
    double *eg = malloc(b->npoints * sizeof(double)), *et = malloc(b->npoints * sizeof(double));
    int rc = 0;
    if (!q || !eg || !et) {
        snprintf(err, SLT_ERRLEN, "out of memory");
        rc = 1;
    }
    for (size_t k = 0; k < b->npoints && !rc; k++) {
        slt_gd_query qk = {SLT_GD_AT_TIME, m.sw2, m.se2, m.sw02, b->par[k][P_T], 0};
        q[k] = qk;
    }
    if (!rc) {
        rc = slt_gd_sim_with(sampler(p0), (long)p0[P_N], examples(p0), method(p0), p0[P_ETA], b->npoints, q, rng, eg,
                             et, err);
    }
    for (size_t k = 0; k < b->npoints && !rc; k++) {
        out[2 * k] = et[k];
        out[2 * k + 1] = eg[k];
    }
    free(q);
    free(eg);
    free(et);
    return rc ? SLT_EFAIL : SLT_OK;
}

/* gradient descent with eta above 2/lambda_max diverges; without noise t* is infinite (linear.md 4.5) */
static const char *const infinite_cols[] = {"train", "test", "tstar", NULL};

const slt_experiment slt_exp_gd_dynamics = {
    .name = "gd-dynamics",
    .summary = "gradient flow / descent on linear regression: train and test error vs time (Advani-Saxe 2017)",
    .description =
        "Linear regression in the Advani-Saxe convention: x in R^N with N(0, 1/N) entries, P = alpha N examples,\n"
        "teacher wbar ~ N(0, sw2 I), y = wbar.x + eps, eps ~ N(0, se2), sw2 = snr/(1 + snr), se2 = 1/(1 + snr)\n"
        "(so sw2 + se2 = 1); student w(0) ~ N(0, w0var I). Training: gradient flow dw/dt = X'(y - X w) (eta = 0),\n"
        "or gradient descent w += eta X'(y - X w) (eta > 0): time t is step k = round(t/eta), and theory and\n"
        "simulation are both at time k eta (times below eta/2 are step 0).\n"
        "test = E_g = ||w - wbar||^2/N + se2 (noise included); train = E_t = ||y - X w||^2/P.\n"
        "Theory: Marchenko-Pastur integrals of the mode decay D = e^{-l t} (flow) or (1 - eta l)^k (GD), with the\n"
        "frozen subspace (alpha < 1: 1 - alpha of the directions keep their initial error) and noise included.\n"
        "tstar: the optimal early-stopping time of gradient flow (first zero of dE_g/dt); noise: se2, the\n"
        "test error of the teacher itself (the floor). At alpha = 1 the test error grows like\n"
        "0.661 se2 sqrt(t) without bound (inf at t = inf).\n"
        "Simulation: exact errors per draw, no test set; one spectrum per trial serves every t. Flow: closed form\n"
        "per eigenmode. GD with sampler=literal: the literal iteration on the drawn X, one run per trial serving\n"
        "every t; with sampler=spectral: its closed form (1 - eta l)^k per eigenmode, which gives the same errors\n"
        "(the iteration is linear and acts on each eigenmode alone, and the isotropic w(0) has no preferred\n"
        "direction, so GD needs eigenvalues and projections only, never an eigenvector).\n"
        AS_SAMPLER_TEXT
        "Finite-N effects are O(1/N), except at alpha = 1 for t comparable to N^2.\n"
        "eta must be below 2/l_max, l_max = (1 + sqrt(alpha))^2 (with simulation: plus 6 Tracy-Widom widths of\n"
        "the finite-N edge), and t/eta at most 1e6 steps when simulating with sampler=literal.\n"
        "Points not simulated: t = inf with eta > 0 (GD cannot iterate for ever), and t = inf with\n"
        "|P - N| <= 3, where the error has an infinite mean (|P - N| <= 1) or variance; their fields are empty.",
    .references = "M. S. Advani, A. M. Saxe, High-dimensional dynamics of generalization error in neural networks, "
                  "2017, arXiv:1710.03667\n"
                  "A. Krogh, J. A. Hertz, Generalization in a linear perceptron in the presence of noise, "
                  "J. Phys. A 25 (1992) 1135\n"
                  "V. A. Marchenko, L. A. Pastur, Distribution of eigenvalues for some sets of random matrices, 1967",
    .nparams = NPARAMS,
    .params = params,
    .theory_cols = theory_cols,
    .sim_cols = sim_cols,
    .batch_params = batch_params,
    .theory = theory,
    .simulate = simulate,
    .skip_sim = skip_sim,
    .check = check,
    .plot = {.y = "test,train",
             .hline = "noise",
             .xmark = "tstar",
             .ylabel = "error  (test E_g, noise included; train E_t)",
             .key = "left top", /* the upper right is where alpha = 1 diverges */
             .title_params = "snr,w0var,eta"},
    .infinite_cols = infinite_cols,
};
