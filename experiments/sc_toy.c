/* sc_toy.c: experiment `sc-toy`: the one-atom toy model of masked sparse coding (sparse_coding.md
 * 10): the standard loss gains from m perturbed duplicates of the true atom, by an amount that
 * saturates at -mu_m^2 sigma^2 instead of vanishing with signal; the masked loss does not.
 * Theory: theory/sparse_coding.c; paired Monte Carlo: sims/sparse_coding_sim.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/slt.h"
#include "sims/sparse_coding_sim.h"
#include "theory/sparse_coding.h"

enum { P_C, P_M, P_DELTA, P_D, P_VISIBLE, P_SAMPLES, NPARAMS };

static const slt_param params[NPARAMS] = {
    {"c", SLT_REAL, "10", 0, 1e6, 0, 0, NULL, "signal amplitude c/sigma; y = c s a + eps with sigma = 1"},
    {"m", SLT_INT, "5", 1, 64, 0, 0, NULL, "m, perturbed copies of the atom in the dictionary P(delta, m) (m < d)"},
    {"delta", SLT_REAL, "0:0.5:26", 0, 1e3, 0, 0, NULL,
     "perturbation delta; copies (a + delta u_j)/sqrt(1 + delta^2), u_j orthonormal and orthogonal to a"},
    {"d", SLT_INT, "20", 2, 1e4, 0, 0, NULL, "dimension d of the Monte Carlo (the standard-loss theory is free of d)"},
    {"visible", SLT_INT, "18", 1, 1e4, 0, 0, NULL,
     "visible coordinates v of the masked loss (a uniform v-subset per sample; h = d - v scored); 1 <= v < d"},
    {"samples", SLT_INT, "200000", 1, 1e9, 0, 0, NULL, "paired Monte Carlo samples per trial"},
};

static const char *const theory_cols[] = {"dl_standard", "dl_star", "delta_star", "dl_limit", "mu_m", "nu_m",
                                          "mask_truth", NULL};
static const char *const sim_cols[] = {"dl_standard", "dl_masked", "mask_truth", NULL};
static const char *const batch_params[] = {"delta", NULL};

static int theory(const double *par, double *out, char *err)
{
    slt_sc_toy t;
    int m = (int)par[P_M];
    if (slt_sc_toy_eval(par[P_C], 1.0, m, &t)) {
        snprintf(err, SLT_ERRLEN, "quadrature (gsl_integration_qagi) of mu_m, nu_m failed at m = %d", m);
        return SLT_EFAIL;
    }
    out[0] = slt_sc_toy_gain(&t, par[P_DELTA]);
    out[1] = t.dl_star;
    out[2] = t.delta_star;
    out[3] = t.limit;
    out[4] = t.mu;
    out[5] = t.nu;
    if (par[P_VISIBLE] < par[P_D]) /* else nothing is hidden: not defined */
        out[6] = slt_sc_mask_truth_flat((int)par[P_D], (int)par[P_VISIBLE], 1.0);
    return SLT_OK;
}

static int check(const double *par, int simulate, int threads, char *err)
{
    long d = (long)par[P_D];
    if (simulate && (long)par[P_VISIBLE] >= d) {
        snprintf(err, SLT_ERRLEN, "visible: %ld visible coordinates leave none hidden; allowed: 1 <= visible <= d - 1 = %ld",
                 (long)par[P_VISIBLE], d - 1);
        return SLT_EUSAGE;
    }
    if (simulate && (long)par[P_M] >= d) {
        snprintf(err, SLT_ERRLEN, "m: %ld copies need m directions orthogonal to the atom; allowed: m <= d - 1 = %ld",
                 (long)par[P_M], d - 1);
        return SLT_EUSAGE;
    }
    return SLT_OK;
}

static int simulate(const slt_batch *b, void *ctx, gsl_rng *rng, double *out, char *err)
{
    const double *p0 = b->par[0];
    size_t np = b->npoints;
    double *delta = calloc(3 * np, sizeof(double)), lt;
    if (!delta) {
        snprintf(err, SLT_ERRLEN, "out of memory");
        return SLT_EFAIL;
    }
    double *gs = delta + np, *gm = gs + np;
    for (size_t k = 0; k < np; k++)
        delta[k] = b->par[k][P_DELTA];
    int rc = slt_sc_toy_mc(p0[P_C], (long)p0[P_M], (long)p0[P_D], (long)p0[P_VISIBLE], (long)p0[P_SAMPLES], np, delta,
                           rng, gs, gm, &lt, err);
    for (size_t k = 0; rc == SLT_OK && k < np; k++) {
        out[k * 3 + 0] = gs[k];
        out[k * 3 + 1] = gm[k];
        out[k * 3 + 2] = lt;
    }
    free(delta);
    return rc ? SLT_EFAIL : SLT_OK;
}

const slt_experiment slt_exp_sc_toy = {
    .name = "sc-toy",
    .summary = "one-atom toy model of masked sparse coding: duplicates gain -mu_m^2 sigma^2 on the standard loss, "
               "not on the masked one",
    .description =
        "One-atom toy model (sparse_coding.md 10, derived for this project; not from the paper): y = c s a + eps,\n"
        "a a unit atom, s = +-1, eps ~ N(0, I_d) (sigma = 1, so c = c/sigma). Ground truth G = {a}; the\n"
        "over-realized dictionary P(delta, m) holds m copies (a + delta u_j)/sqrt(1 + delta^2), u_j orthonormal and\n"
        "orthogonal to a. Decoder: 1-sparse OMP (the atom with the largest |<b, y>|, least-squares coefficient).\n"
        "Theory: dl_standard = L(P) - L(G) = (q2 delta^2 - 2 q1 delta)/(1 + delta^2) for the standard loss\n"
        "E||y - z b||^2, q2 = c^2 + 1 - nu_m, q1 = mu_m E|X|, X ~ c + N(0, 1); its minimum dl_star at delta_star;\n"
        "dl_limit = -mu_m^2, the c -> inf limit (the gain does not vanish with signal: the duplicates fit noise);\n"
        "mu_m, nu_m: mean and second moment of the max of m iid N(0, 1) (gsl_integration_qagi). The formula\n"
        "neglects a copy with a large negative projection winning: negligible for c >= 3.\n"
        "mask_truth = L_mask(G) = h (1 + 1/v) for the flat atom a = 1/sqrt(d): v visible coordinates (drawn per\n"
        "sample) decode, the h = d - v hidden ones are scored.\n"
        "Simulation (paired: the same y and the same visible set for G and P at every delta; one draw serves the\n"
        "whole delta grid): dl_standard_sim, dl_masked_sim = mean over `samples` draws of L(P) - L(G) for the standard\n"
        "and the masked loss, mask_truth_sim = the masked loss of G. The atom is flat and u_j is Gram-Schmidt of\n"
        "e_1..e_m against a: the masked loss depends on that choice, the standard one does not.",
    .references = "M. Chidambaram, C. Wu, Y. Cheng, R. Ge, Hiding Data Helps: On the Benefits of Masking for Sparse "
                  "Coding, ICML 2023, arXiv:2302.12715",
    .nparams = NPARAMS,
    .params = params,
    .theory_cols = theory_cols,
    .sim_cols = sim_cols,
    .batch_params = batch_params,
    .theory = theory,
    .simulate = simulate,
    .check = check,
    .plot = {.y = "dl_standard", .ylabel = "loss change L(P) - L(G), units of sigma^2", .title_params = "m,d,visible"},
};
