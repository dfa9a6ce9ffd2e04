/* tilting.c: experiments `tilting` (angle, adversarial distance and error of L2-regularised linear
 * classifiers along a lambda path) and `tilting-toy` (pure boundary tilting in closed form), after
 * Tanay & Griffin (arXiv:1608.07690); notes extras.md 2. Theory: theory/tilting.c; simulation:
 * sims/tilting_sim.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/rng.h"
#include "engine/slt.h"
#include "sims/tilting_sim.h"
#include "theory/tilting.h"

enum { P_LEARNER, P_LAMBDA, P_D, P_M, P_SLOW, P_MU, P_NPER, P_NTEST, NPARAMS };

static const slt_param params[NPARAMS] = {
    {"learner", SLT_WORD, "logreg", 0, 0, 0, 0, slt_tilt_learners,
     "learner; logreg = L2 logistic regression (Newton, warm start along lambda), ridge = least squares on "
     "labels +-1, ncc = nearest centroid (ignores lambda)"},
    {"lambda", SLT_REAL, "1e2,1,1e-1,1e-2,1e-3,1e-4,1e-6", 0, INFINITY, 1, 1, NULL,
     "L2 penalty lambda; objective (1/n) sum loss + lambda ||w||^2, intercept b unpenalised"},
    {"d", SLT_INT, "400", 2, 5000, 0, 0, NULL, "input dimension d"},
    {"m", SLT_INT, "10", 1, 5000, 0, 0, NULL, "coordinates at unit scale (including e1); the others have scale s_low"},
    {"s_low", SLT_REAL, "0.1", 0.01, 1, 0, 0, NULL, "scale s_low of the low-variance coordinates"},
    {"mu", SLT_REAL, "1", 0, 100, 1, 0, NULL, "class offset mu along e1; centroids -mu e1 and +mu e1"},
    {"n_per", SLT_INT, "100", 2, 1e5, 0, 0, NULL, "training points per class n_per (n = 2 n_per)"},
    {"n_test", SLT_INT, "5000", 1, 1e7, 0, 0, NULL, "fresh test points per class"},
};

static const char *const theory_cols[] = {"half_dist", NULL};
static const char *const sim_cols[] = {"theta_deg", "d_adv",         "half_dist_cos", "train_err", "test_err",
                                       "pop_err",   "mean_abs_d",    "pop_mean_abs_d", "norm_w",   "b", NULL};
static const char *const batch_params[] = {"lambda", NULL};

static slt_tilt_design design(const double *par)
{
    slt_tilt_design ds = {(long)par[P_D],    (long)par[P_M], (long)par[P_NPER], (long)par[P_NTEST],
                          par[P_SLOW], par[P_MU],     (int)par[P_LEARNER]};
    return ds;
}

/* extras.md 2 [D]: E||j - i||^2 = 4 mu^2 + 2 sum s_l^2 / n_per; half_dist = 1/2 of its root, the
 * NCC's d_adv up to Jensen's gap (O(1/(n_per mu^2)) relative). */
static int theory(const double *par, double *out, char *err)
{
    double m = fmin(par[P_M], par[P_D]), s2 = m + (par[P_D] - m) * par[P_SLOW] * par[P_SLOW];
    out[0] = 0.5 * sqrt(4 * par[P_MU] * par[P_MU] + 2 * s2 / par[P_NPER]);
    return SLT_OK;
}

static int check(const double *par, int simulate, int threads, char *err)
{
    if (par[P_M] > par[P_D]) {
        snprintf(err, SLT_ERRLEN, "m: m = %g exceeds d = %g; allowed: 1 <= m <= d", par[P_M], par[P_D]);
        return SLT_EUSAGE;
    }
    slt_tilt_design ds = design(par);
    if (!simulate)
        return SLT_OK;
    return slt_memory_check(slt_tilt_sim_bytes(&ds, 64), threads, "d or n_per", err,
                            "d: d = %ld with n_per = %ld needs", ds.d, ds.n_per);
}

static int simulate(const slt_batch *b, void *ctx, gsl_rng *rng, double *out, char *err)
{
    double *lam = malloc(b->npoints * sizeof(double));
    if (!lam) {
        snprintf(err, SLT_ERRLEN, "out of memory");
        return SLT_EFAIL;
    }
    for (size_t k = 0; k < b->npoints; k++)
        lam[k] = b->par[k][P_LAMBDA];
    slt_tilt_design ds = design(b->par[0]);
    int rc = slt_tilt_sim(&ds, b->npoints, lam, rng, out, err);
    free(lam);
    return rc ? SLT_EFAIL : SLT_OK;
}

const slt_experiment slt_exp_tilting = {
    .name = "tilting",
    .summary = "boundary tilting: angle to the nearest-centroid direction, adversarial distance vs lambda (Tanay-Griffin)",
    .description =
        "Labels: [P] from the paper, [D] derived for sltsim and checked numerically, [S] simulated, [U] unverified.\n"
        "Claims [P]: adversarial strength reduces to the deviation angle theta between a linear classifier and\n"
        "the nearest-centroid classifier (NCC); boundary tilting makes it arbitrarily high without changing\n"
        "accuracy; proper L2 regularisation removes the strongest adversarial examples.\n"
        "Data [project choice]: x = y mu e1 + diag(s) xi, xi ~ N(0, I_d), y = +-1, n_per points per class;\n"
        "s_l = 1 for the first m coordinates (e1 included), s_low for the others. Learners, b unpenalised:\n"
        "logreg min (1/n) sum log(1 + e^{-y s(x)}) + lambda ||w||^2 (damped Newton on d + 1 unknowns, warm\n"
        "start along decreasing lambda), ridge min (1/n) sum (y - s(x))^2 + lambda ||w||^2, NCC w = j - i.\n"
        "Columns (per fit): theta_deg = angle between w and j - i (class means +1 minus -1); d_adv =\n"
        "(1/n) sum y d(x), d(x) = (w.x + b)/||w||, the mean distance the mirror attack travels;\n"
        "half_dist_cos = 1/2 ||j - i|| cos theta: equal to d_adv to rounding, the identity [P, D];\n"
        "train_err, test_err (n_test fresh points per class), mean_abs_d = mean |d(x)| on the test points;\n"
        "pop_err and pop_mean_abs_d: their population values for the fitted (w, b) in closed form [D]; norm_w\n"
        "= ||w||, b. Theory column half_dist = 1/2 (E||j - i||^2)^(1/2) [D]: the NCC's d_adv (theta = 0) up\n"
        "to Jensen's gap. Expected as lambda falls [S]: theta rises and d_adv falls monotonically; mean |d|\n"
        "shrinks ~5x (logreg) / ~10x (ridge) while the error grows only from 0.16 to 0.20 / 0.29.\n"
        "Limits [D]: lambda -> inf gives the NCC direction (theta ~ 1/lambda); ridge at lambda -> 0 gives the\n"
        "minimum-norm interpolator when d > n. logreg at lambda -> 0 tends to the max-margin direction on\n"
        "separable data [U here]. Trials are independent seeds of the training and test data.",
    .references = "T. Tanay, L. Griffin, A Boundary Tilting Perspective on the Phenomenon of Adversarial Examples, "
                  "2016, arXiv:1608.07690\n"
                  "T. Tanay, L. Griffin, A New Angle on L2 Regularization, 2018 (article)",
    .nparams = NPARAMS,
    .params = params,
    .theory_cols = theory_cols,
    .sim_cols = sim_cols,
    .batch_params = batch_params,
    .theory = theory,
    .simulate = simulate,
    .check = check,
    .plot = {.y = "theta_deg", .ylabel = "angle theta to the nearest-centroid direction (degrees)",
             .key = "right top", .title_params = "learner,d,m,s_low,n_per"},
};

/* ---- tilting-toy ---- */

enum { T_MU, T_SIGMA, T_THETA, T_N, TNPARAMS };

static const slt_param toy_params[TNPARAMS] = {
    {"mu", SLT_REAL, "1", 0, 100, 1, 0, NULL, "class offset mu; t = y mu + sigma N(0, 1)"},
    {"sigma", SLT_REAL, "0.3", 0, 100, 1, 0, NULL, "noise sigma of t"},
    {"theta", SLT_REAL, "0:85:18", -90, 90, 1, 1, NULL,
     "tilt angle theta (degrees); boundary through 0 with normal (cos theta, sin theta)"},
    {"n", SLT_INT, "2000", 1, 1e8, 0, 0, NULL, "simulated points per trial (classes +-1 alternately)"},
};

static const char *const toy_cols[] = {"accuracy", "mean_abs_d", NULL};

static int toy_theory(const double *par, double *out, char *err)
{
    slt_tilt_toy(par[T_MU], par[T_SIGMA], par[T_THETA] * M_PI / 180, &out[0], &out[1]);
    return SLT_OK;
}

static int toy_simulate(const slt_batch *b, void *ctx, gsl_rng *rng, double *out, char *err)
{
    const double *par = b->par[0];
    long n = (long)par[T_N];
    double c = cos(par[T_THETA] * M_PI / 180), acc = 0, ad = 0;
    for (long k = 0; k < n; k++) {
        double y = k % 2 ? 1 : -1, t = y * par[T_MU] + par[T_SIGMA] * slt_rng_normal(rng), s = t * c;
        acc += y * s > 0;
        ad += fabs(s);
    }
    out[0] = acc / (double)n;
    out[1] = ad / (double)n;
    return SLT_OK;
}

const slt_experiment slt_exp_tilting_toy = {
    .name = "tilting-toy",
    .summary = "pure boundary tilting: accuracy constant, mean distance ~ cos theta (Tanay-Griffin toy)",
    .description =
        "Labels: [P] from the paper, [D] derived for sltsim and checked numerically, [S] simulated, [U] unverified.\n"
        "Toy [D, exact]: x = t e1 in the plane, t = y mu + sigma N(0, 1), y = +-1; the boundary passes through 0\n"
        "with normal (cos theta, sin theta). Since d(x) = t cos theta, every |theta| < 90 degrees classifies as\n"
        "theta = 0 does: accuracy = Phi(mu/sigma), while mean_abs_d = E|t| cos theta with\n"
        "E|t| = sigma sqrt(2/pi) e^{-mu^2/(2 sigma^2)} + mu (1 - 2 Phi(-mu/sigma)). Tilting alone makes\n"
        "the distance to the boundary, and with it the size of an adversarial perturbation, arbitrarily small\n"
        "without changing the error [P, claim B2]. Simulation: n points per trial, classes alternating.",
    .references = "T. Tanay, L. Griffin, A Boundary Tilting Perspective on the Phenomenon of Adversarial Examples, "
                  "2016, arXiv:1608.07690",
    .nparams = TNPARAMS,
    .params = toy_params,
    .theory_cols = toy_cols,
    .sim_cols = toy_cols,
    .theory = toy_theory,
    .simulate = toy_simulate,
    .plot = {.y = "accuracy,mean_abs_d", .ylabel = "accuracy, mean |d|", .key = "left bottom",
             .title_params = "mu,sigma"},
};
