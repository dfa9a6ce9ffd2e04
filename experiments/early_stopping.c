/* early_stopping.c: experiment `early-stopping`: the test error of gradient flow stopped at the
 * optimal time t*, at the end of training (t = inf, the overtraining peak at alpha = 1), and of
 * optimal weight decay, against alpha (Advani-Saxe 2017; linear.md 4.4-4.6, 5.3). Theory:
 * theory/advani_saxe.c; simulation: sims/gd_sim.c (gradient flow in closed form). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/slt.h"
#include "experiments/advani_saxe_common.h"
#include "sims/gd_sim.h"
#include "theory/advani_saxe.h"

enum { P_ALPHA, P_SNR, P_W0VAR, P_N, P_SAMPLER, NPARAMS };

static const slt_param params[NPARAMS] = {
    AS_PARAM_ALPHA("0.1:4:40"),
    AS_PARAM_SNR,
    AS_PARAM_W0VAR,
    AS_PARAM_N,
    AS_PARAM_SAMPLER,
};

static const char *const theory_cols[] = {"tstar", "test_tstar", "test_inf", "test_ridge", NULL};
static const char *const sim_cols[] = {"test_tstar", "test_inf", "test_ridge", NULL};
/* one spectrum per (alpha, N) serves every snr and w0var */
static const char *const batch_params[] = {"snr", "w0var", NULL};

static long examples(const double *par) { return as_examples(par[P_ALPHA], par[P_N]); }
static slt_as_params model(const double *par) { return as_model(par[P_ALPHA], par[P_SNR], par[P_W0VAR]); }

static int tstar_of(const double *par, double *ts, double *eg, char *err)
{
    slt_as_params p = model(par);
    if (slt_as_tstar(&p, ts, eg) != 0) {
        snprintf(err, SLT_ERRLEN,
                 "no optimal stopping time found (scan of dE_g/dt on [1e-6, 1e7], Brent) at alpha = %g, snr = %g, "
                 "w0var = %g",
                 par[P_ALPHA], par[P_SNR], par[P_W0VAR]);
        return SLT_EFAIL;
    }
    return SLT_OK;
}

static int theory(const double *par, double *out, char *err)
{
    slt_as_params p = model(par);
    double ts, egs, einf, er;
    if (tstar_of(par, &ts, &egs, err) != SLT_OK)
        return SLT_EFAIL;
    if (slt_as_limits(&p, &einf, NULL) != 0 || slt_as_weight_decay(&p, slt_as_wd_opt(&p), &er) != 0) {
        snprintf(err, SLT_ERRLEN, "Marchenko-Pastur quadrature (QAWS) failed at alpha = %g", par[P_ALPHA]);
        return SLT_EFAIL;
    }
    out[0] = ts;
    out[1] = egs;
    out[2] = einf;
    out[3] = er;
    return SLT_OK;
}

/* t* of every simulated point, computed once before the trials (it is a root search). */
typedef struct {
    size_t n;
    double *key; /* n x 3: alpha, snr, w0var */
    double *ts;
} ctx_t;

static void release(void *c)
{
    ctx_t *x = c;
    if (!x)
        return;
    free(x->key);
    free(x->ts);
    free(x);
}

static int prepare(const slt_batch *all, void **ctx, char *err)
{
    ctx_t *x = calloc(1, sizeof *x);
    if (x) {
        x->key = malloc(3 * (all->npoints + 1) * sizeof(double));
        x->ts = malloc((all->npoints + 1) * sizeof(double));
    }
    if (!x || !x->key || !x->ts) {
        release(x);
        snprintf(err, SLT_ERRLEN, "out of memory");
        return SLT_EFAIL;
    }
    for (size_t k = 0; k < all->npoints; k++) {
        const double *p = all->par[k];
        x->key[3 * k] = p[P_ALPHA], x->key[3 * k + 1] = p[P_SNR], x->key[3 * k + 2] = p[P_W0VAR];
        if (tstar_of(p, &x->ts[k], NULL, err) != SLT_OK) {
            release(x);
            return SLT_EFAIL;
        }
        x->n = k + 1;
    }
    *ctx = x;
    return SLT_OK;
}

static double lookup(const ctx_t *x, const double *p)
{
    for (size_t k = 0; k < x->n; k++)
        if (x->key[3 * k] == p[P_ALPHA] && x->key[3 * k + 1] == p[P_SNR] && x->key[3 * k + 2] == p[P_W0VAR])
            return x->ts[k];
    return NAN;
}

static int check(const double *par, int simulate, int threads, char *err)
{
    if (as_check_model(par[P_ALPHA], par[P_SNR], par[P_W0VAR], par[P_N], err) != SLT_OK)
        return SLT_EUSAGE;
    if (simulate)
        return as_check_memory(as_sampler(par[P_SAMPLER]), (long)par[P_N], examples(par), SLT_GD_FLOW, threads, err);
    return SLT_OK;
}

static int simulate(const slt_batch *b, void *ctx, gsl_rng *rng, double *out, char *err)
{
    const ctx_t *x = ctx;
    const double *p0 = b->par[0];
    long N = (long)p0[P_N], P = examples(p0);
    int inf_ok = labs(P - N) > 3; /* linear.md 5.3: infinite mean or variance at |P - N| <= 3 */
    size_t nq = 3 * b->npoints;
    slt_gd_query *q = malloc(nq * sizeof *q);
    double *eg = malloc(nq * sizeof(double)), *et = malloc(nq * sizeof(double));
    if (!q || !eg || !et) {
        free(q);
        free(eg);
        free(et);
        snprintf(err, SLT_ERRLEN, "out of memory");
        return SLT_EFAIL;
    }
    for (size_t k = 0; k < b->npoints; k++) {
        slt_as_params m = model(b->par[k]);
        double ts = lookup(x, b->par[k]);
        slt_gd_query a = {SLT_GD_AT_TIME, m.sw2, m.se2, m.sw02, ts, 0};
        slt_gd_query c = {SLT_GD_AT_TIME, m.sw2, m.se2, m.sw02, INFINITY, 0};
        slt_gd_query r = {SLT_GD_WEIGHT_DECAY, m.sw2, m.se2, m.sw02, 0, slt_as_wd_opt(&m)};
        q[3 * k] = a, q[3 * k + 1] = c, q[3 * k + 2] = r;
    }
    int rc = slt_gd_sim_with(as_sampler(p0[P_SAMPLER]), N, P, SLT_GD_FLOW, 0, nq, q, rng, eg, et, err);
    for (size_t k = 0; k < b->npoints && !rc; k++) {
        out[3 * k] = eg[3 * k];
        if (inf_ok)
            out[3 * k + 1] = eg[3 * k + 1];
        out[3 * k + 2] = eg[3 * k + 2];
    }
    free(q);
    free(eg);
    free(et);
    return rc ? SLT_EFAIL : SLT_OK;
}

/* at alpha = 1 with noise the unregularised error diverges; without noise t* is infinite (linear.md 4.4, 4.5) */
static const char *const infinite_cols[] = {"tstar", "test_tstar", "test_inf", "test_ridge", NULL};

const slt_experiment slt_exp_early_stopping = {
    .name = "early-stopping",
    .summary = "early stopping vs end of training vs optimal weight decay: test error vs alpha (Advani-Saxe 2017)",
    .description =
        "The model of gd-dynamics (Advani-Saxe convention: x in R^N with N(0, 1/N) entries, P = alpha N examples,\n"
        "teacher variance sw2 = snr/(1 + snr), label-noise variance se2 = 1/(1 + snr), student w(0) ~ N(0, w0var I)),\n"
        "trained by gradient flow dw/dt = X'(y - X w). All errors are test errors E_g, noise se2 included.\n"
        "tstar: the optimal early-stopping time, the first zero of dE_g/dt (bracketed on a log scan of\n"
        "[1e-6, 1e7], Brent); test_tstar = E_g(tstar).\n"
        "test_inf: E_g at t = inf, the end of training w0 + X^+(y - X w0) (ridgeless least squares when w0var = 0);\n"
        "inf at alpha = 1, the overtraining peak; for alpha < 1 the frozen subspace keeps (1 - alpha) w0var.\n"
        "test_ridge: optimal weight decay w = (X'X + g I)^-1 X'y at g = se2/sw2 = 1/snr (ridge lambda = g/alpha\n"
        "in the ridge experiment's units), which does not depend on w0var; early stopping comes within a few\n"
        "percent of it, and neither has a peak at alpha = 1.\n"
        "Simulation: exact test error per draw; one spectrum per trial and alpha serves every snr and w0var,\n"
        "gradient flow evaluated in closed form at the theoretical tstar and at t = inf.\n"
        AS_SAMPLER_TEXT
        "Not simulated: test_inf where |P - N| <= 3, whose mean (|P - N| <= 1) or variance is infinite (its\n"
        "fields stay empty there; the other columns are simulated). Near alpha = 1, test_inf has a heavy tail\n"
        "and an O(1/N) finite-size excess: the exact finite-N mean is se2 (1 + N/(P - N - 1)) for P >= N + 2.",
    .references = "M. S. Advani, A. M. Saxe, High-dimensional dynamics of generalization error in neural networks, "
                  "2017, arXiv:1710.03667\n"
                  "A. Ali, J. Z. Kolter, R. J. Tibshirani, A Continuous-Time View of Early Stopping for Least Squares "
                  "Regression, 2019, arXiv:1810.10082\n"
                  "A. Krogh, J. A. Hertz, Generalization in a linear perceptron in the presence of noise, "
                  "J. Phys. A 25 (1992) 1135",
    .nparams = NPARAMS,
    .params = params,
    .theory_cols = theory_cols,
    .sim_cols = sim_cols,
    .batch_params = batch_params,
    .theory = theory,
    .simulate = simulate,
    .prepare = prepare,
    .release = release,
    .check = check,
    /* one label for every figure of this experiment: a preset cannot relabel, and tstar-snr plots tstar */
    .plot = {.y = "test_tstar,test_inf,test_ridge",
             .ylabel = "test error E_g (noise included)",
             .title_params = "snr,w0var"},
    .infinite_cols = infinite_cols,
};
