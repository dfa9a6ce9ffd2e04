/* ridge.c: experiment `ridge`: risk of ridge and minimum-norm least squares against p/n
 * (Hastie, Montanari, Rosset, Tibshirani 2019), with general covariance, the misspecified model
 * and the exact finite-n mean (Belkin, Hsu, Xu 2019). Theory: theory/ridge.c; simulation:
 * sims/ridge_sim.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/slt.h"
#include "sims/ridge_sim.h"
#include "theory/ridge.h"

enum { P_GAMMA, P_LAMBDA, P_R2, P_SIGMA2, P_ETA2, P_N, P_COV, P_S1, P_S2, P_W1, P_DECAY, P_ALIGN, NPARAMS };

static const char *const cov_words[] = {"iso", "two", "power", NULL};
static const char *const align_words[] = {"random", "s1", "s2", NULL};

static const slt_param params[NPARAMS] = {
    {"gamma", SLT_REAL, "0.1:10:60:log", 0, INFINITY, 1, 1, NULL,
     "gamma = p/n, features per sample; the simulation uses p = round(gamma n)"},
    {"lambda", SLT_REAL, "0", 0, INFINITY, 0, 1, NULL,
     "ridge penalty lambda; estimator (X'X + n lambda I)^-1 X'y, 0 = minimum-norm interpolator"},
    {"r2", SLT_REAL, "1", 0, INFINITY, 0, 1, NULL, "signal ||beta||^2 of the observed features"},
    {"sigma2", SLT_REAL, "0.25", 0, INFINITY, 0, 1, NULL, "noise variance sigma^2"},
    {"eta2", SLT_REAL, "0", 0, INFINITY, 0, 1, NULL,
     "omitted signal eta^2 = ||theta||^2 of unobserved features (misspecified model; 0 = well specified)"},
    {"n", SLT_INT, "200", 2, 1e6, 0, 0, NULL, "simulation sample size n"},
    {"cov", SLT_WORD, "iso", 0, 0, 0, 0, cov_words,
     "covariance of x; iso = identity, two = two levels s1 (fraction w1) and s2, power = s_j ~ j^-decay (mean 1)"},
    {"s1", SLT_REAL, "1", 0, INFINITY, 1, 1, NULL, "first variance level (cov=two)"},
    {"s2", SLT_REAL, "5", 0, INFINITY, 1, 1, NULL, "second variance level (cov=two)"},
    {"w1", SLT_REAL, "0.75", 0, 1, 0, 0, NULL, "fraction of coordinates at level s1 (cov=two)"},
    {"decay", SLT_REAL, "1", 0, 10, 0, 0, NULL, "power-law exponent of the spectrum (cov=power)"},
    {"align", SLT_WORD, "random", 0, 0, 0, 0, align_words,
     "where beta lives; random = uniform over all coordinates (G = H), s1 / s2 = only in that level (cov=two)"},
};

static const char *const theory_cols[] = {"risk", "bias", "variance", "risk_finite", "lambda_opt", "risk_opt", NULL};
static const char *const sim_cols[] = {"risk", "bias", "variance", NULL};
static const char *const batch_params[] = {"gamma", "lambda", NULL};

static long features(const double *par) { return lround(par[P_GAMMA] * par[P_N]); }

static slt_ridge_design design(const double *par)
{
    slt_ridge_design d = {(long)par[P_N], par[P_R2],  par[P_SIGMA2], par[P_ETA2],  (int)par[P_COV],
                          par[P_S1],      par[P_S2],  par[P_W1],     par[P_DECAY], (int)par[P_ALIGN]};
    return d;
}

static int theory(const double *par, double *out, char *err)
{
    slt_ridge_design d = design(par);
    long p = features(par);
    slt_ridge_model m = {par[P_R2], par[P_SIGMA2], par[P_ETA2], 0, NULL, NULL, NULL};
    double s[2], w[2], g[2], *sp = NULL, *wp = NULL, *gp = NULL;
    if (d.cov == SLT_COV_TWO) {
        /* H at the simulated p: the first round(w1 p) coordinates at s1 (linear.md 5.1) */
        double h = (double)lround(d.w1 * (double)p) / (double)p;
        s[0] = d.s1, s[1] = d.s2, w[0] = h, w[1] = 1 - h;
        g[0] = d.align == SLT_ALIGN_RANDOM ? h : d.align == SLT_ALIGN_S1;
        g[1] = 1 - g[0];
        m.nlevels = 2, m.s = s, m.w = w, m.g = g;
    } else if (d.cov == SLT_COV_POWER) {
        /* the p atoms of the simulated spectrum, each of weight 1/p; G = H */
        sp = malloc(p * sizeof(double));
        wp = malloc(p * sizeof(double));
        gp = NULL;
        unsigned char *in = malloc(p);
        slt_ridge_layout(&d, p, sp, in);
        for (long j = 0; j < p; j++)
            wp[j] = 1.0 / (double)p;
        free(in);
        m.nlevels = (size_t)p, m.s = sp, m.w = wp, m.g = gp;
    }
    slt_ridge_result r, ropt;
    int rc = slt_ridge_risk(&m, par[P_GAMMA], par[P_LAMBDA], &r);
    /* the optimally tuned penalty lambda* = (sigma2 + eta2) gamma / r2 holds whenever beta is
     * isotropic within Sigma's eigenbasis (G = H; Dobriban-Wager 2015): no peak (Nakkiran 2020) */
    double lam_opt = d.align == SLT_ALIGN_RANDOM ? slt_ridge_lambda_opt(&m, par[P_GAMMA]) : NAN;
    int has_opt = isfinite(lam_opt) && rc == 0;
    if (has_opt)
        rc = slt_ridge_risk(&m, par[P_GAMMA], lam_opt, &ropt);
    free(sp);
    free(wp);
    if (rc != 0) {
        snprintf(err, SLT_ERRLEN, "the kappa fixed point did not converge at gamma = %g, lambda = %g", par[P_GAMMA],
                 par[P_LAMBDA]);
        return SLT_EFAIL;
    }
    out[0] = r.risk;
    out[1] = r.bias;
    out[2] = r.variance;
    if (d.cov == SLT_COV_ISO && par[P_LAMBDA] == 0)
        out[3] = slt_ridge_finite_risk(&m, d.n, p);
    if (has_opt) {
        out[4] = lam_opt;
        out[5] = ropt.risk;
    }
    return SLT_OK;
}

static int skip_sim(const double *par)
{
    /* ridgeless with |p - n| <= 3: infinite mean (|p - n| <= 1) or infinite variance */
    return par[P_LAMBDA] == 0 && labs(features(par) - (long)par[P_N]) <= 3;
}

static int check(const double *par, int simulate, int threads, char *err)
{
    if (!(par[P_GAMMA] * par[P_N] <= 1e15)) { /* beyond any memory, and lround's range */
        snprintf(err, SLT_ERRLEN, "gamma: gamma n = %g features is too large; allowed: gamma n <= 1e15 (gamma <= %g at n = %g)",
                 par[P_GAMMA] * par[P_N], 1e15 / par[P_N], par[P_N]);
        return SLT_EUSAGE;
    }
    long p = features(par);
    if (p < 1) {
        snprintf(err, SLT_ERRLEN, "gamma: gamma n = %g gives no feature; allowed: gamma >= %g at n = %g",
                 par[P_GAMMA] * par[P_N], 0.5 / par[P_N], par[P_N]);
        return SLT_EUSAGE;
    }
    if (par[P_ALIGN] != SLT_ALIGN_RANDOM && par[P_COV] != SLT_COV_TWO) {
        snprintf(err, SLT_ERRLEN, "align: s1 and s2 need cov=two; allowed with cov=%s: random",
                 cov_words[(int)par[P_COV]]);
        return SLT_EUSAGE;
    }
    if (par[P_COV] == SLT_COV_POWER && p > 200000) {
        snprintf(err, SLT_ERRLEN, "gamma: cov=power theory sums over p = %ld atoms; allowed: gamma n <= 200000", p);
        return SLT_EUSAGE;
    }
    if (simulate)
        return slt_memory_check(slt_ridge_sim_bytes((long)par[P_N], p), threads, "n or gamma", err,
                                "n: n = %g with p = %ld needs", par[P_N], p);
    return SLT_OK;
}

static int simulate(const slt_batch *b, void *ctx, gsl_rng *rng, double *out, char *err)
{
    long *p = malloc(b->npoints * sizeof(long));
    double *lambda = malloc(b->npoints * sizeof(double));
    if (!p || !lambda) {
        free(p);
        free(lambda);
        snprintf(err, SLT_ERRLEN, "out of memory");
        return SLT_EFAIL;
    }
    for (size_t k = 0; k < b->npoints; k++) {
        p[k] = features(b->par[k]);
        lambda[k] = b->par[k][P_LAMBDA];
    }
    slt_ridge_design d = design(b->par[0]);
    int rc = slt_ridge_sim(&d, b->npoints, p, lambda, rng, out, err);
    free(p);
    free(lambda);
    return rc ? SLT_EFAIL : SLT_OK;
}

/* the risk diverges at gamma = 1 with noise (linear.md 1.2), the finite-n risk at p = n - 1 .. n + 1 */
static const char *const infinite_cols[] = {"risk", "variance", "risk_finite", NULL};

const slt_experiment slt_exp_ridge = {
    .name = "ridge",
    .summary = "ridge and minimum-norm least squares: risk vs p/n (HMRT 2019)",
    .description =
        "Linear regression y = x'beta + eps, x ~ N(0, Sigma) in R^p, n samples, gamma = p/n, fitted by ridge\n"
        "(X'X + n lambda I)^-1 X'y or, at lambda = 0, the minimum-norm interpolator X^+ y.\n"
        "risk = (beta_hat - beta)' Sigma (beta_hat - beta) + eta2: the excess risk, noise excluded (add sigma2\n"
        "for the test MSE); bias and variance are its two parts, variance with noise sigma2 + eta2.\n"
        "Theory: the large-n limit at gamma (closed forms for Sigma = I, the kappa fixed point otherwise);\n"
        "risk_finite: the exact finite-n mean at (n, p = round(gamma n)), for cov=iso and lambda = 0 only.\n"
        "lambda_opt, risk_opt: the optimal penalty lambda* = (sigma2 + eta2) gamma / r2 and the limiting risk\n"
        "there (align=random only, where beta is isotropic): optimally tuned ridge has no peak.\n"
        "Misspecified model (eta2 > 0): unobserved features w ~ N(0, I) with ||theta||^2 = eta2 add eta2 to\n"
        "the risk and act as extra noise; risk_finite is then the Belkin-Hsu-Xu formula minus sigma2.\n"
        "Simulation: exact risk per draw (no test set); one design matrix per trial serves the whole gamma\n"
        "and lambda sweep (its first p columns), one factorisation per p serves every lambda.\n"
        "Points not simulated: lambda = 0 with |p - n| <= 3, where the risk has an infinite mean\n"
        "(|p - n| <= 1) or an infinite variance (|p - n| <= 3); their simulation fields are empty.",
    .references = "T. Hastie, A. Montanari, S. Rosset, R. J. Tibshirani, Surprises in High-Dimensional Ridgeless "
                  "Least Squares Interpolation, 2019, arXiv:1903.08560\n"
                  "M. Belkin, D. Hsu, J. Xu, Two models of double descent for weak features, 2019, arXiv:1903.07571\n"
                  "E. Dobriban, S. Wager, High-Dimensional Asymptotics of Prediction: Ridge Regression and "
                  "Classification, 2015, arXiv:1507.03003\n"
                  "P. Nakkiran, P. Venkat, S. Kakade, T. Ma, Optimal Regularization Can Mitigate Double Descent, "
                  "2020, arXiv:2003.01897",
    .nparams = NPARAMS,
    .params = params,
    .theory_cols = theory_cols,
    .sim_cols = sim_cols,
    .batch_params = batch_params,
    .theory = theory,
    .simulate = simulate,
    .skip_sim = skip_sim,
    .check = check,
    .plot = {.y = "risk",
             .ylabel = "excess risk  (beta_hat - beta)' Sigma (beta_hat - beta)",
             .title_params = "lambda,r2,sigma2,n"},
    .infinite_cols = infinite_cols,
};
