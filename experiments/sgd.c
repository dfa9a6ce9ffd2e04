/* sgd.c: experiment `sgd`: exact expected risk of one-pass SGD and accelerated SGD on Gaussian
 * linear regression against the number of steps N, with its bias/variance and head/tail split,
 * the Zou et al. upper bound and a Jensen lower bound (theory note sgd.md; Li et al. ICLR 2024).
 * Theory: theory/sgd.c; simulation: sims/sgd_sim.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/slt.h"
#include "experiments/sgd_common.h"
#include "sims/sgd_sim.h"
#include "theory/sgd.h"

enum { P_D, P_DECAY, P_LOGDECAY, P_SIGMA2, P_INIT, P_FROM, P_TO, P_N, P_ALGO, P_AVG, P_STEPS, P_SPLIT = P_STEPS + 6,
       NPARAMS };
enum { INIT_LARGE, INIT_SMALL, INIT_ZERO, INIT_FLAT };
enum { C_RISK, C_BIAS, C_VAR, C_HEAD, C_TAIL, C_ZOU, C_JENSEN, C_KSTAR };

/* Theory and simulation cost d N per point (per trial): 1e10 coordinate-steps is minutes. */
#define MAX_WORK 1e10

static const char *const init_words[] = {"large", "small", "zero", "flat", NULL};
static const char *const algo_words[] = {"sgd", "asgd", NULL};
static const char *const avg_words[] = {"last", "uniform", "tail", NULL};

static const slt_param params[NPARAMS] = {
    SGD_PARAM_D,
    SGD_PARAM_DECAY,
    SGD_PARAM_LOGDECAY,
    {"sigma2", SLT_REAL, "0.01", 0, 1e6, 0, 0, NULL, "noise variance sigma2 of y = <w*, x> + eps"},
    {"init", SLT_WORD, "large", 0, 3, 0, 0, init_words,
     "initial error w0 - w* = 1 on coordinates 1..5 (large), 21..200 (small), none (zero), all (flat)"},
    {"init_from", SLT_INT, "0", 0, 1e6, 0, 0, NULL, "first coordinate of the initial error; 0 = the init's own"},
    {"init_to", SLT_INT, "0", 0, 1e6, 0, 0, NULL, "last coordinate of the initial error; 0 = the init's own"},
    {"N", SLT_INT, "1:10000:21:log", 1, 1e9, 0, 0, NULL, "iterations N (one fresh sample each)"},
    {"algo", SLT_WORD, "sgd,asgd", 0, 1, 0, 0, algo_words, "algorithm: SGD (step delta) or ASGD"},
    {"avg", SLT_WORD, "last", 0, 2, 0, 0, avg_words,
     "output: last iterate w_N, uniform average of w_0..w_{N-1}, tail average of w_{N/2}..w_{N-1}"},
    SGD_PARAM_STEPS,
    {"split", SLT_INT, "0", 0, 1e6, 0, 0, NULL,
     "head/tail split index; risk_head sums i <= split; 0 = the crossover index #{i: lambda_i >= lambda_x}"},
};

static const char *const theory_cols[] = {"risk", "bias", "variance", "risk_head", "risk_tail", "bound_zou",
                                          "lower_jensen", "kstar", NULL};
static const char *const sim_cols[] = {"risk", "bias", "variance", NULL};
static const char *const batch_params[] = {"N", "avg", "algo", "init", "init_from", "init_to", "split", NULL};
static const slt_column columns[] = {
    {"bound_zou", SLT_COL_UPPER, "risk", "Zou et al. upper bound (SGD, uniform average)"},
    {"lower_jensen", SLT_COL_LOWER, "bias", "Jensen lower bound (bias, last iterate)"},
    {NULL, 0, NULL, NULL},
};

/* The initial-error range, 1-based inclusive; from > to when empty. Defaults are clipped to d. */
static void init_range(const double *par, size_t *from, size_t *to)
{
    static const size_t def[4][2] = {{1, 5}, {21, 200}, {1, 0}, {1, (size_t)-1}};
    int w = (int)par[P_INIT];
    size_t d = (size_t)par[P_D];
    *from = par[P_FROM] > 0 ? (size_t)par[P_FROM] : def[w][0];
    *to = par[P_TO] > 0 ? (size_t)par[P_TO] : (def[w][1] < d ? def[w][1] : d);
    if (w == INIT_ZERO)
        *from = 1, *to = 0;
}

static slt_sgd_steps steps(const double *par, int accel, const double *lambda)
{
    return sgd_steps(par, P_STEPS, accel, lambda, (size_t)par[P_D]);
}

/* split: given, or the number of eigenvalues at or above the crossover lambda_x of sgd.md 6 */
static size_t split_index(const double *par, const double *lambda)
{
    size_t d = (size_t)par[P_D], k = 0;
    if (par[P_SPLIT] > 0)
        return (size_t)par[P_SPLIT];
    slt_sgd_steps a = steps(par, 1, lambda);
    double lx = slt_sgd_lambda_cross(&a);
    while (k < d && lambda[k] >= lx)
        k++;
    return k;
}

/* bias and variance contributions per coordinate (sgd.md 3: the split is exact) */
static int exact_parts(const double *par, const double *lambda, const double *v2, double *cb, double *cv)
{
    size_t d = (size_t)par[P_D];
    slt_sgd_steps s = steps(par, (int)par[P_ALGO], lambda);
    slt_sgd_problem pb = {d, lambda, 0, v2}, pv = {d, lambda, par[P_SIGMA2], NULL};
    long N = (long)par[P_N];
    for (size_t i = 0; i < d; i++)
        cb[i] = cv[i] = 0;
    if (v2 && slt_sgd_exact(&pb, &s, N, (int)par[P_AVG], cb))
        return 1;
    if (par[P_SIGMA2] > 0 && slt_sgd_exact(&pv, &s, N, (int)par[P_AVG], cv))
        return 1;
    return 0;
}

/* the bounds: Zou (SGD, uniform average, where its step condition holds), Jensen (last iterate) */
static void bounds(const double *par, const double *lambda, const double *v2, double *out)
{
    size_t d = (size_t)par[P_D];
    slt_sgd_steps s = steps(par, (int)par[P_ALGO], lambda);
    slt_sgd_problem p = {d, lambda, par[P_SIGMA2], v2};
    if (s.algo == SLT_SGD_PLAIN && (int)par[P_AVG] == SLT_SGD_UNIFORM) {
        long k;
        double z = slt_sgd_zou(&p, s.delta, (long)par[P_N], &k);
        if (!isnan(z))
            out[C_ZOU] = z;
        out[C_KSTAR] = (double)k;
    }
    if ((int)par[P_AVG] == SLT_SGD_LAST)
        out[C_JENSEN] = v2 ? slt_sgd_jensen(&p, &s, (long)par[P_N]) : 0;
}

static int theory(const double *par, double *out, char *err)
{
    size_t d = (size_t)par[P_D], from, to;
    double *lambda = sgd_spectrum(par[P_D], par[P_DECAY], par[P_LOGDECAY]);
    double *blk = calloc(3 * d, sizeof(double)), *v2 = blk, *cb = blk + d, *cv = blk + 2 * d;
    int rc = !lambda || !blk;
    init_range(par, &from, &to);
    for (size_t i = from - 1; !rc && i < to; i++)
        v2[i] = 1;
    if (!rc)
        rc = exact_parts(par, lambda, from <= to ? v2 : NULL, cb, cv);
    if (rc) {
        snprintf(err, SLT_ERRLEN, "out of memory for the exact recursion at d = %zu", d);
        free(lambda);
        free(blk);
        return SLT_EFAIL;
    }
    size_t split = split_index(par, lambda);
    double sum[4] = {0, 0, 0, 0}; /* bias, variance, head, tail */
    for (size_t i = d; i-- > 0;) {
        sum[0] += cb[i];
        sum[1] += cv[i];
        sum[i < split ? 2 : 3] += cb[i] + cv[i];
    }
    out[C_RISK] = sum[0] + sum[1];
    out[C_BIAS] = sum[0];
    out[C_VAR] = sum[1];
    out[C_HEAD] = sum[2];
    out[C_TAIL] = sum[3];
    bounds(par, lambda, from <= to ? v2 : NULL, out);
    free(lambda);
    free(blk);
    return SLT_OK;
}

static int check_ranges(const double *par, char *err)
{
    size_t d = (size_t)par[P_D], from, to;
    init_range(par, &from, &to);
    if ((int)par[P_INIT] == INIT_ZERO && (par[P_FROM] > 0 || par[P_TO] > 0)) {
        snprintf(err, SLT_ERRLEN, "init_from: init=zero has no initial error to place; allowed: init_from = "
                                  "init_to = 0 with init=zero, or another init");
        return SLT_EUSAGE;
    }
    if ((int)par[P_INIT] != INIT_ZERO && !(from >= 1 && from <= to && to <= d)) {
        snprintf(err, SLT_ERRLEN,
                 "init_from: init=%s on coordinates %zu..%zu is not a range inside 1..d = %zu; allowed: "
                 "1 <= init_from <= init_to <= d",
                 init_words[(int)par[P_INIT]], from, to, d);
        return SLT_EUSAGE;
    }
    if (par[P_SPLIT] > d) {
        snprintf(err, SLT_ERRLEN, "split: split = %g exceeds d = %zu; allowed: 0 (the crossover index) to d",
                 par[P_SPLIT], d);
        return SLT_EUSAGE;
    }
    if (par[P_D] * par[P_N] > MAX_WORK) {
        snprintf(err, SLT_ERRLEN, "N: d N = %.3g coordinate-steps per point (minutes each); allowed: d N <= %g",
                 par[P_D] * par[P_N], MAX_WORK);
        return SLT_EUSAGE;
    }
    return SLT_OK;
}

/* sgd.md 4: SGD needs delta lambda_1 < 1 and s(delta) < 1; ASGD the same test on its
 * second-moment recursion (slt_sgd_margin), the bound on delta found by bisection. */
static int check_stability(const double *par, const double *lambda, char *err)
{
    size_t d = (size_t)par[P_D];
    int accel = (int)par[P_ALGO];
    slt_sgd_steps s = steps(par, accel, lambda);
    double f = slt_sgd_margin(lambda, d, &s);
    if (f < 1)
        return SLT_OK;
    if (!accel) {
        snprintf(err, SLT_ERRLEN,
                 "delta: SGD step delta = %g is not mean-square stable on this spectrum (needs delta lambda_1 < 1 "
                 "and s(delta) < 1, s = %.4g; sgd.md 4); allowed: delta < %.6g",
                 s.delta, f, slt_sgd_step_bound(lambda, d, &s, 0));
        return SLT_EUSAGE;
    }
    double gmax = slt_sgd_step_bound(lambda, d, &s, 1);
    if (gmax > 0)
        snprintf(err, SLT_ERRLEN,
                 "gamma: ASGD steps (alpha %.6g, beta %.4g, gamma %.4g, delta %.4g) are not mean-square stable "
                 "(second-moment recursion, sgd.md 3-4: margin %.4g >= 1); allowed at these alpha, beta, delta: "
                 "gamma < %.6g",
                 s.alpha, s.beta, s.gamma, s.delta, f, gmax);
    else
        snprintf(err, SLT_ERRLEN,
                 "delta: ASGD short step delta = %g is not mean-square stable even at gamma = 0 (alpha %.6g, beta "
                 "%.4g; sgd.md 3-4); allowed: a smaller delta",
                 s.delta, s.alpha, s.beta);
    return SLT_EUSAGE;
}

static int check(const double *par, int simulate, int threads, char *err)
{
    int rc = check_ranges(par, err);
    if (rc != SLT_OK)
        return rc;
    double *lambda = sgd_spectrum(par[P_D], par[P_DECAY], par[P_LOGDECAY]);
    if (!lambda) {
        snprintf(err, SLT_ERRLEN, "d: out of memory for d = %g eigenvalues", par[P_D]);
        return SLT_EUSAGE;
    }
    rc = check_stability(par, lambda, err);
    free(lambda);
    if (rc == SLT_OK && simulate)
        rc = slt_memory_check(slt_sgd_sim_bytes((size_t)par[P_D], 4), threads, "d", err, "d: d = %g needs",
                              par[P_D]);
    return rc;
}

/* ntr trials of a batch side by side (sims/sgd_sim.c), trial j from rng[j], into out + j 3 n. */
static int simulate_pack(const slt_batch *b, void *ctx, gsl_rng *const *rng, int ntr, double *out, char *err)
{
    (void)ctx;
    const double *p0 = b->par[0];
    size_t d = (size_t)p0[P_D], n = b->npoints;
    double *lambda = sgd_spectrum(p0[P_D], p0[P_DECAY], p0[P_LOGDECAY]);
    slt_sgd_query *q = malloc(n * sizeof *q);
    double *res = malloc(3 * n * (size_t)ntr * sizeof(double));
    int rc = !lambda || !q || !res;
    if (rc)
        snprintf(err, SLT_ERRLEN, "out of memory");
    for (size_t k = 0; k < n && !rc; k++) {
        const double *p = b->par[k];
        slt_sgd_query qk = {steps(p, (int)p[P_ALGO], lambda), 0, 0, (long)p[P_N], (int)p[P_AVG]};
        init_range(p, &qk.from, &qk.to);
        q[k] = qk;
    }
    if (!rc)
        rc = slt_sgd_sim_pack(d, lambda, p0[P_SIGMA2], n, q, rng, ntr, res, err);
    for (int t = 0; t < ntr && !rc; t++) /* quantity-major per trial -> point-major */
        for (size_t k = 0; k < n; k++)
            for (int j = 0; j < 3; j++)
                out[(size_t)t * 3 * n + 3 * k + j] = res[(size_t)t * 3 * n + j * n + k];
    free(lambda);
    free(q);
    free(res);
    return rc ? SLT_EFAIL : SLT_OK;
}

static int simulate(const slt_batch *b, void *ctx, gsl_rng *rng, double *out, char *err)
{
    return simulate_pack(b, ctx, &rng, 1, out, err);
}

static void derived(const double *par, char *text, size_t len)
{
    sgd_derived_text(par, P_STEPS, par[P_D], par[P_DECAY], par[P_LOGDECAY], text, len);
}

/* SGD whose step size exceeds the stability limit diverges (sgd.md 4) */
static const char *const infinite_cols[] = {"risk", "bias", "variance", "risk_head", "risk_tail",
                                            "bound_zou", "lower_jensen", NULL};

const slt_experiment slt_exp_sgd = {
    .name = "sgd",
    .derived = derived,
    .summary = "one-pass SGD vs accelerated SGD on linear regression: exact expected risk vs N (Li et al. 2024)",
    .description =
        "Linear regression with Gaussian data x ~ N(0, H), H = diag(lambda_i), lambda_i = i^-decay log(i+1)^-logdecay,\n"
        "y = <w*, x> + eps, eps ~ N(0, sigma2); one pass, a fresh sample per step. risk = E L(w) - L(w*) with\n"
        "L(w) = (1/2) E (y - <w, x>)^2, i.e. (1/2) sum lambda_i E (w - w*)_i^2 (the factor 1/2 is included).\n"
        "SGD: w += delta (y - <w, x>) x. ASGD (four-parameter form, sgd.md 2): u = alpha w + (1 - alpha) v,\n"
        "g = x (<u, x> - y), w = u - delta g, v = beta u + (1 - beta) v - gamma g. Steps given as 0 take the\n"
        "project's family (sgd.md 2; not Jain et al.'s exact constants): kappa = R^2/mu, q = sqrt(kappa kappa_tilde),\n"
        "R^2 = tr H + 2 lambda_1, alpha = 3 sqrt5 q/(1 + 3 sqrt5 q), beta = alpha/(9 q), gamma = 1/(3 sqrt5 mu q),\n"
        "delta = 1/(5 R^2). At the defaults (d = 2000, decay = 2, mu = 1e-3, kappa_tilde = 10): R^2 = 3.644434192,\n"
        "alpha = 0.9992197394, beta = 5.815719331e-4, gamma = 0.7808699078, delta = 0.05487820316; the CSV shows\n"
        "0 for a step taken from the family.\n"
        "Outputs (avg): last iterate w_N; uniform average of w_0..w_{N-1}; tail average of w_s..w_{N-1}, s = floor(N/2).\n"
        "init: w0 - w* = 1 on coordinates 1..5 (large), 21..200 (small), all (flat), or w0 = w* (zero);\n"
        "init_from, init_to move the range (defaults are clipped to d).\n"
        "EXACT (equalities, not approximations): risk, bias, variance, risk_head, risk_tail are the exact expected\n"
        "risk from the closed second-moment recursion for Gaussian x (sgd.md 3), O(d) per step; bias (sigma2 = 0)\n"
        "+ variance (w0 = w*) = risk exactly; risk_head sums coordinates i <= split, risk_tail i > split, split\n"
        "defaulting to #{i: lambda_i >= lambda_x}, lambda_x the SGD/ASGD crossover eigenvalue of sgd.md 6.\n"
        "BOUNDS (inequalities, drawn as bounds): bound_zou, an UPPER bound on risk, only for algo=sgd with\n"
        "avg=uniform and delta < 1/(3 tr H) (Zou et al. 2021, Thm 2.1 in the form of sgd.md 5; empty elsewhere);\n"
        "lower_jensen, a LOWER bound on bias for avg=last, (1/2) sum lambda_i (E (w_N - w*)_i)^2 (sgd.md 6).\n"
        "kstar: k* = #{i: lambda_i >= 1/(N delta)}, the learned directions of the Zou bound (algo=sgd, avg=uniform).\n"
        "The explicit ASGD upper bound of Li et al. (ICLR 2024, Theorem 4.1) is NOT implemented: no column is it.\n"
        "Simulation: one trial runs every algorithm and init of the batch on the same fresh samples (common random\n"
        "numbers); risk, bias and variance of a trial come from one bias run and one noise run on those samples,\n"
        "so risk_sim = bias_sim + variance_sim + a zero-mean cross term. Cost O(d N) per trial. Trials run four at a\n"
        "time as vector lanes, each on its own samples and stream: a trial's values are the same alone or in a pack.\n"
        "Refused: steps outside the mean-square stability region (sgd.md 4: SGD needs delta lambda_1 < 1 and\n"
        "s(delta) = (delta/2) sum lambda_i/(1 - delta lambda_i) < 1; ASGD the same rank-one secular test on its\n"
        "second-moment recursion), index ranges outside 1..d, and d N > 1e10.",
    .references = "X. Li, Y. Deng, J. Wu, D. Zhou, Q. Gu, Risk Bounds of Accelerated SGD for Overparameterized Linear "
                  "Regression, ICLR 2024, arXiv:2311.14222\n"
                  "D. Zou, J. Wu, V. Braverman, Q. Gu, S. M. Kakade, Benign Overfitting of Constant-Stepsize SGD for "
                  "Linear Regression, COLT 2021, arXiv:2103.12692\n"
                  "P. Jain, S. M. Kakade, R. Kidambi, P. Netrapalli, A. Sidford, Accelerating Stochastic Gradient "
                  "Descent for Least Squares Regression, COLT 2018, arXiv:1704.08227",
    .nparams = NPARAMS,
    .params = params,
    .theory_cols = theory_cols,
    .sim_cols = sim_cols,
    .batch_params = batch_params,
    .theory = theory,
    .simulate = simulate,
    .simulate_pack = simulate_pack,
    .trial_pack = SLT_SGD_PACK,
    .check = check,
    .plot = {.y = "risk",
             .ylabel = "excess risk E L(w) - L(w*)  (exact; factor 1/2 included)",
             .logy = 1,
             .key = "left bottom",
             .title_params = "d,decay,sigma2,init,avg"},
    .columns = columns,
    .infinite_cols = infinite_cols,
};
