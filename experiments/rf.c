/* rf.c: experiment `rf`: test error of random-features ridge regression against psi1 = N/d
 * (Mei & Montanari 2019, arXiv:1908.05355), with i.i.d. or structured (FFTW) weights. Theory:
 * theory/mei_montanari.c, theory/activation.c; simulation: sims/rf_sim.c, sims/structured.c;
 * notes: random_features.md sections 1-3. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/slt.h"
#include "sims/rf_sim.h"
#include "sims/structured.h"
#include "theory/activation.h"
#include "theory/mei_montanari.h"
#include "theory/rf_kernel.h"

enum { P_PSI1, P_PSI2, P_LAMBDA, P_ACT, P_F1, P_FSTAR, P_TAU2, P_D, P_FEATURES, P_NTEST, P_TESTERR, NPARAMS };

enum { TEST_EXACT = 0, TEST_SAMPLE };
static const char *const testerr_names[] = {"exact", "sample", NULL};

static const slt_param params[NPARAMS] = {
    {"psi1", SLT_REAL, "0.1:10:40:log", 0, 1e4, 1, 0, NULL,
     "psi1 = N/d, features per input dimension; the simulation uses N = round(psi1 d) features"},
    {"psi2", SLT_REAL, "3", 0, 1e4, 1, 0, NULL,
     "psi2 = n/d, samples per input dimension; the simulation uses n = round(psi2 d) samples"},
    {"lambda", SLT_REAL, "1e-3", 0, INFINITY, 0, 1, NULL,
     "ridge lambda; penalty (N lambda/d) ||a||^2 on the mean squared loss, i.e. a = (Z'Z + c I)^-1 Z'y with "
     "c = n N lambda/d; 0 = minimum-norm interpolator"},
    {"act", SLT_WORD, "relu", 0, 0, 0, 0, slt_act_names,
     "activation sigma; relu, tanh, softplus log(1 + e^t), quad = t^2/2, erf (the general case: its constants "
     "mu0, mu1, mu* by quadrature, as for tanh and softplus)"},
    {"F1", SLT_REAL, "1", 0, INFINITY, 0, 1, NULL, "linear signal F1 = ||beta1|| (an amplitude, not its square)"},
    {"Fstar", SLT_REAL, "0", 0, INFINITY, 0, 1, NULL,
     "nonlinear signal F* = (E f_NL^2)^(1/2), f_NL a degree-2 spherical harmonic (an amplitude)"},
    {"tau2", SLT_REAL, "0.25", 0, INFINITY, 0, 1, NULL, "label-noise variance tau^2"},
    {"d", SLT_INT, "200", 2, 1e5, 0, 0, NULL,
     "simulation input dimension d; sorf and fastfood need a power of 2"},
    {"features", SLT_WORD, "iid", 0, 0, 0, 0, slt_sf_names,
     "weight matrix; iid rows on the sphere (the theory's), orthogonal (ORF), sorf (H D1 H D2 H D3), circulant "
     "(C(g) D), fastfood (H G Pi H B); structured kinds by FFTW, blocks of d rows"},
    {"ntest", SLT_INT, "4000", 100, 1e7, 0, 0, NULL, "fresh test inputs per trial (testerr=sample only)"},
    {"testerr", SLT_WORD, "exact", 0, 0, 0, 0, testerr_names,
     "how test_sim is computed; exact = E_x over the sphere, a quadratic form in the fitted coefficients with the "
     "finite-d kernel by quadrature (no test inputs); sample = the mean over ntest fresh inputs"},
};

static const char *const theory_cols[] = {"test", "bias", "variance", NULL};
static const char *const sim_cols[] = {"test", "train", "bias", "variance", NULL};
static const char *const batch_params[] = {"psi1", "lambda", "F1", "Fstar", "tau2", NULL};

static long n_of(const double *par) { return lround(par[P_PSI2] * par[P_D]); }
static long N_of(const double *par) { return lround(par[P_PSI1] * par[P_D]); }

/* the design of a point; its kernel (testerr=exact) is set from the prepared context */
static slt_rf_design design(const double *par)
{
    slt_rf_design dz = {(long)par[P_D], n_of(par), (int)par[P_ACT], (int)par[P_FEATURES], (long)par[P_NTEST], NULL};
    return dz;
}

static int theory(const double *par, double *out, char *err)
{
    /* The Mei-Montanari limit holds for i.i.d. weights only; structured weights change the
     * spectrum of Theta Theta^T/d and with it the error (random_features.md 3.3). */
    if ((int)par[P_FEATURES] != SLT_SF_IID)
        return SLT_OK;
    slt_act_consts c;
    int act = (int)par[P_ACT];
    if (slt_act_constants(act, &c) != SLT_OK) {
        snprintf(err, SLT_ERRLEN, "quadrature of the %s constants mu0, mu1, mu* did not converge", slt_act_names[act]);
        return SLT_EFAIL;
    }
    slt_mm_result r;
    double F1 = par[P_F1], Fs = par[P_FSTAR];
    int st = slt_mm_risk(par[P_PSI1], par[P_PSI2], par[P_LAMBDA], c.mu1, c.mustar, F1 * F1, Fs * Fs, par[P_TAU2], &r);
    if (st != SLT_OK) {
        snprintf(err, SLT_ERRLEN,
                 "the Mei-Montanari fixed point (bracketed Brent solve) failed or lost precision at psi1 = %g, "
                 "psi2 = %g, lambda = %g",
                 par[P_PSI1], par[P_PSI2], par[P_LAMBDA]);
        return SLT_EFAIL;
    }
    out[0] = r.test;
    out[1] = r.bias;
    out[2] = r.variance;
    return SLT_OK;
}

static int skip_sim(const double *par)
{
    /* ridgeless with |N - n| <= 3: the smallest eigenvalue of the Gram matrix gives the error an
     * infinite mean (N = n, and |N - n| = 1 for Gaussian-like features) or an infinite variance */
    return par[P_LAMBDA] == 0 && labs(N_of(par) - n_of(par)) <= 3;
}

static int check(const double *par, int simulate, int threads, char *err)
{
    int kind = (int)par[P_FEATURES];
    long d = (long)par[P_D];
    if (slt_sf_supported(kind, (size_t)d) != SLT_OK) {
        long lo = 1;
        while (2 * lo <= d)
            lo *= 2;
        snprintf(err, SLT_ERRLEN, "d: features=%s needs d a power of 2 (..., 64, 128, 256, ...); got d = %ld, nearest %ld or %ld",
                 slt_sf_names[kind], d, lo, 2 * lo);
        return SLT_EUSAGE;
    }
    if (!simulate)
        return SLT_OK;
    if (N_of(par) < 1) {
        snprintf(err, SLT_ERRLEN, "psi1: psi1 d = %g gives no feature; allowed for simulation: psi1 >= %g at d = %ld",
                 par[P_PSI1] * d, 0.5 / d, d);
        return SLT_EUSAGE;
    }
    if (n_of(par) < 1) {
        snprintf(err, SLT_ERRLEN, "psi2: psi2 d = %g gives no sample; allowed for simulation: psi2 >= %g at d = %ld",
                 par[P_PSI2] * d, 0.5 / d, d);
        return SLT_EUSAGE;
    }
    slt_rf_design dz = design(par);
    return slt_memory_check(slt_rf_sim_bytes(&dz, N_of(par)), threads, "psi1, psi2 or d", err,
                            "psi1: N = %ld features with n = %ld, d = %ld needs", N_of(par), n_of(par), d);
}

/* One FFTW plan per input dimension, made before the threads start (planning is not
 * thread-safe), and one kernel per (d, act) simulated with testerr=exact (a few ms each), shared
 * read-only by every trial. */
typedef struct {
    size_t nplans, nkern;
    long *d, *kd;
    int *kact;
    slt_sf_plan **plan;
    slt_rf_kernel **kern;
} ctx_t;

static void release(void *p)
{
    ctx_t *c = p;
    if (!c)
        return;
    for (size_t i = 0; i < c->nplans; i++)
        slt_sf_plan_free(c->plan[i]);
    for (size_t i = 0; i < c->nkern; i++)
        slt_rfk_free(c->kern[i]);
    free(c->d);
    free(c->plan);
    free(c->kd);
    free(c->kact);
    free(c->kern);
    free(c);
}

static int prepare(const slt_batch *all, void **ctx, char *err)
{
    ctx_t *c = calloc(1, sizeof *c);
    if (c) {
        c->d = malloc((all->npoints + 1) * sizeof(long));
        c->plan = calloc(all->npoints + 1, sizeof(slt_sf_plan *));
        c->kd = malloc((all->npoints + 1) * sizeof(long));
        c->kact = malloc((all->npoints + 1) * sizeof(int));
        c->kern = calloc(all->npoints + 1, sizeof(slt_rf_kernel *));
    }
    if (!c || !c->d || !c->plan || !c->kd || !c->kact || !c->kern) {
        release(c);
        snprintf(err, SLT_ERRLEN, "out of memory");
        return SLT_EFAIL;
    }
    for (size_t k = 0; k < all->npoints; k++) {
        long d = (long)all->par[k][P_D];
        int act = (int)all->par[k][P_ACT];
        size_t j = 0;
        while (j < c->nkern && !(c->kd[j] == d && c->kact[j] == act))
            j++;
        if ((int)all->par[k][P_TESTERR] == TEST_EXACT && j == c->nkern) {
            if (!(c->kern[j] = slt_rfk_alloc(act, d))) {
                release(c);
                snprintf(err, SLT_ERRLEN, "the %s kernel at d = %ld: out of memory or quadrature failure",
                         slt_act_names[act], d);
                return SLT_EFAIL;
            }
            c->kd[j] = d;
            c->kact[j] = act;
            c->nkern++;
        }
        size_t i = 0;
        while (i < c->nplans && c->d[i] != d)
            i++;
        if (i < c->nplans)
            continue;
        c->d[i] = d;
        if (!(c->plan[i] = slt_sf_plan_alloc((size_t)d))) {
            release(c);
            snprintf(err, SLT_ERRLEN, "FFTW planning failed at d = %ld", d);
            return SLT_EFAIL;
        }
        c->nplans++;
    }
    *ctx = c;
    return SLT_OK;
}

static int simulate(const slt_batch *b, void *ctx, gsl_rng *rng, double *out, char *err)
{
    const ctx_t *c = ctx;
    slt_rf_design dz = design(b->par[0]);
    const slt_sf_plan *plan = NULL;
    for (size_t i = 0; c && i < c->nplans; i++)
        if (c->d[i] == dz.d)
            plan = c->plan[i];
    for (size_t i = 0; c && i < c->nkern && (int)b->par[0][P_TESTERR] == TEST_EXACT; i++)
        if (c->kd[i] == dz.d && c->kact[i] == dz.act)
            dz.kern = c->kern[i];
    if (!plan || ((int)b->par[0][P_TESTERR] == TEST_EXACT && !dz.kern)) {
        snprintf(err, SLT_ERRLEN, "no FFTW plan or kernel prepared for d = %ld", dz.d);
        return SLT_EFAIL;
    }
    slt_rf_point *pts = malloc(b->npoints * sizeof *pts);
    if (!pts) {
        snprintf(err, SLT_ERRLEN, "out of memory");
        return SLT_EFAIL;
    }
    for (size_t k = 0; k < b->npoints; k++) {
        const double *p = b->par[k];
        pts[k] = (slt_rf_point){N_of(p), p[P_LAMBDA], p[P_F1], p[P_FSTAR], p[P_TAU2]};
    }
    int rc = slt_rf_sim(&dz, plan, b->npoints, pts, rng, out, err);
    free(pts);
    return rc ? SLT_EFAIL : SLT_OK;
}

/* the ridgeless error diverges at the interpolation threshold psi1 = psi2 with noise (random_features.md) */
static const char *const infinite_cols[] = {"test", "bias", "variance", NULL};

const slt_experiment slt_exp_rf = {
    .name = "rf",
    .summary = "random-features ridge regression: test error vs N/d, i.i.d. or structured weights (Mei-Montanari 2019)",
    .description =
        "Random-features ridge regression (random_features.md 1.1): inputs x and weights theta_a on the sphere of\n"
        "radius sqrt(d), features Z_ia = sigma(<theta_a, x_i>/sqrt d), N = round(psi1 d) features, n = round(psi2 d)\n"
        "samples, a = argmin (1/n) ||y - Z a||^2 + (N lambda/d) ||a||^2, solved through the smaller Gram matrix.\n"
        "Target f(x) = <beta1, x> + f_NL(x) with ||beta1|| = F1 and E f_NL^2 = Fstar^2 (amplitudes; the theory\n"
        "takes their squares), f_NL = F* x'A0 x/sqrt(2 d ||A0||_F^2/(d + 2)), A0 traceless symmetric (a degree-2\n"
        "spherical harmonic); labels y = f(x) + N(0, tau2).\n"
        "Columns: test = E_x (f(x) - f_hat(x))^2, label noise excluded; bias, variance: B and V of\n"
        "test = F1^2 B + (tau2 + Fstar^2) V + Fstar^2. Theory: the proportional limit (Mei-Montanari), the fixed\n"
        "point solved by a bracketed one-dimensional Brent search, the closed form at lambda = 0 (inf at psi1 = psi2),\n"
        "activation constants mu1, mu* in closed form (relu, quad) or by quadrature (tanh, softplus, and erf, which\n"
        "stands for a general activation). The theory columns are filled for features=iid only: structured weights\n"
        "(orthogonal, sorf, circulant, fastfood) change the spectrum of Theta Theta'/d and their error departs from\n"
        "the i.i.d. formula (lower for orthogonal and sorf near psi1 = 1, higher for fastfood; notes 3.3), so for\n"
        "them the table has simulation only, to be compared with the iid curve.\n"
        "Simulation: test_sim = E_x (f(x) - f_hat(x))^2 for the fitted model of each trial, noise-free targets;\n"
        "train_sim = the training mean squared error against the noisy labels; bias_sim = the test error of the\n"
        "fit to y = <beta1/F1, x> alone; variance_sim = the test error of the fit to pure N(0, 1) labels.\n"
        "testerr=exact (default): the expectation over x uniform on the sphere, exactly: a quadratic form in\n"
        "the coefficients a, E f^2 - 2 sum_j a_j E f(x) sigma_j(x) + a'Ka, K_ij = kappa(<theta_i, theta_j>/d),\n"
        "kappa(rho) = E sigma(s1) sigma(s2) over the exact finite-d law of the two projections (notes 2 item 6,\n"
        "theory/rf_kernel.c: the projection of the sphere on a plane is rotation invariant, |y|^2/d ~\n"
        "Beta(1, (d-2)/2); relu gives the arc-cosine kernel at every d; other activations by an angular FFT\n"
        "times a radial Gauss rule, tabulated to ~1e-13); E <beta1, x> sigma and E f_NL sigma by moments of one\n"
        "projection. K is formed in blocks of rows for the largest N, leading blocks serving smaller N (cost\n"
        "N^2 d instead of ntest N d). No test-set noise: the SE is the trial-to-trial spread alone.\n"
        "testerr=sample: the mean over ntest fresh test inputs per trial (what one would code by hand); its noise\n"
        "is about a quarter of the trial-to-trial spread at d = 200, ntest = 4000 (part of the SE). The theory is\n"
        "evaluated at the given psi1, psi2; the simulation at N/d, n/d after rounding. Structured weights by\n"
        "FFTW transforms (plans made once per d, FFTW_ESTIMATE: the same bits on every run), never as a dense\n"
        "d x d product.\n"
        "Shared work (common random numbers): one trial draws one weight matrix with the largest N of the sweep\n"
        "and a point with N features uses its first N rows; one draw of data (and one test set) per trial serve\n"
        "every psi1, lambda, F1, Fstar and tau2 (the labels are linear in F1, Fstar, tau: one solve per N and\n"
        "lambda; a Cholesky factorisation per lambda, one eigendecomposition per N from 16 lambdas on). Each\n"
        "point's mean and standard error are those of independent trials; neighbouring points are correlated,\n"
        "which makes curves smooth.\n"
        "Points not simulated: lambda = 0 with |N - n| <= 3, where the error has an infinite mean or variance\n"
        "(as for a Gaussian design); their simulation fields are empty.\n"
        "Finite size: at psi1 = psi2 with small lambda, d = 100 is ~3% below the limit and d >= 200 within\n"
        "statistics (notes 2).",
    .references = "S. Mei, A. Montanari, The generalization error of random features regression: Precise asymptotics and "
                  "double descent curve, 2019, arXiv:1908.05355\n"
                  "A. Rahimi, B. Recht, Random Features for Large-Scale Kernel Machines, NeurIPS 2007\n"
                  "F. X. Yu, A. T. Suresh, K. Choromanski, D. Holtmann-Rice, S. Kumar, Orthogonal Random Features, "
                  "2016, arXiv:1610.09072\n"
                  "Q. V. Le, T. Sarlos, A. J. Smola, Fastfood: Approximate Kernel Expansions in Loglinear Time, "
                  "2013, arXiv:1408.3060",
    .nparams = NPARAMS,
    .params = params,
    .theory_cols = theory_cols,
    .sim_cols = sim_cols,
    .batch_params = batch_params,
    .theory = theory,
    .simulate = simulate,
    .prepare = prepare,
    .release = release,
    .skip_sim = skip_sim,
    .check = check,
    .plot = {.y = "test",
             .ylabel = "test error  E (f(x) - f_hat(x))^2",
             .key = "left bottom", /* the curves start high on the left: free corner */
             .title_params = "psi2,act,F1,tau2,d"},
    .infinite_cols = infinite_cols,
};
