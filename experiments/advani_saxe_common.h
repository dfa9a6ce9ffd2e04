/* advani_saxe_common.h: what the two Advani-Saxe experiments (gd_dynamics.c, early_stopping.c)
 * share: the model parameters alpha, snr, w0var and N, the map from them to the theory's
 * variances, and the refusals that depend on the model alone. Private to those two files; their
 * parameter lists differ (gd-dynamics adds t and eta), so the helpers take values, not indices. */
#ifndef SLT_ADVANI_SAXE_COMMON_H
#define SLT_ADVANI_SAXE_COMMON_H

#include <math.h>
#include <stdio.h>

#include "engine/slt.h"
#include "sims/gd_sim.h"
#include "theory/advani_saxe.h"

/* t* is bracketed on [1e-6, 1e7] (slt_as_tstar); at alpha = 1 it grows like 0.6 S/se2, so
 * S/se2 = snr + w0var (1 + snr) is capped well inside the scan. */
#define AS_MAX_S_OVER_SE2 1e6

/* Parameter declarations (slt_param initialisers); only alpha's default differs between the two. */
#define AS_PARAM_ALPHA(def)                                                                                          \
    {"alpha", SLT_REAL, def, 0, 1e4, 1, 0, NULL,                                                                     \
     "alpha = P/N, examples per input dimension; the simulation uses P = round(alpha N)"}
#define AS_PARAM_SNR                                                                                                 \
    {"snr", SLT_REAL, "4", 0, 1e6, 0, 0, NULL,                                                                       \
     "signal-to-noise ratio sw2/se2 (teacher variance over label-noise variance, sw2 + se2 = 1)"}
#define AS_PARAM_W0VAR                                                                                               \
    {"w0var", SLT_REAL, "0", 0, 100, 0, 0, NULL,                                                                     \
     "initial weight variance sw02 (student w(0) ~ N(0, sw02 I), independent of the teacher)"}
#define AS_PARAM_N {"N", SLT_INT, "400", 2, 1e5, 0, 0, NULL, "simulation input dimension N"}
/* The sampler's words, in the order of their values (as_sampler maps a value to SLT_GD_*). */
static const char *const as_sampler_words[] = {"spectral", "literal", NULL};
#define AS_PARAM_SAMPLER                                                                                             \
    {"sampler", SLT_WORD, "spectral", 0, 0, 0, 0, as_sampler_words,                                                 \
     "simulation sampler: spectral (eigenvalues and projections drawn directly) or literal (X drawn)"}

/* The sampler of a parameter value, SLT_GD_SPECTRAL or SLT_GD_LITERAL. */
static inline int as_sampler(double v) { return (int)v == 1 ? SLT_GD_LITERAL : SLT_GD_SPECTRAL; }

/* What describe says of the two samplers (both experiments). */
#define AS_SAMPLER_TEXT                                                                                              \
    "Samplers (sampler=spectral, the default, or literal). literal draws X (P x N) and takes one symmetric\n"      \
    "eigendecomposition (LAPACKE dsyevd, eigenvectors included) of the smaller Gram matrix per trial.\n"           \
    "spectral draws only what the errors depend on, exactly in distribution: the eigenvalues of that Gram\n"       \
    "matrix from the beta = 1 Laguerre bidiagonal model (Dumitriu-Edelman 2002: they are those of B'B, B\n"        \
    "bidiagonal with chi-distributed entries; LAPACK dsterf, no eigenvectors, O(min(N, P)^2)), and the\n"          \
    "projections of teacher, noise and initial weights on the eigenvectors as fresh standard normals. This is\n"   \
    "exact because the teacher, the noise and w(0) are isotropic Gaussians independent of X: in any orthonormal\n" \
    "basis chosen from X alone (the eigenvectors, completed by the null space) their coordinates are again\n"      \
    "i.i.d. N(0, 1) and independent of the eigenvalues. Both samplers average to the same means; single\n"         \
    "trials differ (different random numbers). No error reported here needs an eigenvector.\n"


/* The number of training examples the simulation uses. */
static inline long as_examples(double alpha, double N) { return lround(alpha * N); }

/* The theory's parameters: snr fixes the split of unit variance, sw2 = snr/(1 + snr), se2 = 1/(1 + snr). */
static inline slt_as_params as_model(double alpha, double snr, double w0var)
{
    slt_as_params p = {alpha, snr / (1 + snr), 1 / (1 + snr), w0var};
    return p;
}

/* The refusals both experiments make first: no training example, and t* out of reach. */
static inline int as_check_model(double alpha, double snr, double w0var, double N, char *err)
{
    if (as_examples(alpha, N) < 1) {
        snprintf(err, SLT_ERRLEN, "alpha: alpha N = %g gives no training example; allowed: alpha >= %g at N = %ld",
                 alpha * N, 0.5 / N, (long)N);
        return SLT_EUSAGE;
    }
    if (snr + w0var * (1 + snr) > AS_MAX_S_OVER_SE2) {
        snprintf(err, SLT_ERRLEN,
                 "snr: snr + w0var (1 + snr) = %g puts the optimal stopping time out of reach; allowed: at most %g",
                 snr + w0var * (1 + snr), AS_MAX_S_OVER_SE2);
        return SLT_EUSAGE;
    }
    return SLT_OK;
}

/* The memory refusal of a simulation with N inputs, P examples, a sampler and method SLT_GD_*. */
static inline int as_check_memory(int sampler, long N, long P, int method, int threads, char *err)
{
    return slt_memory_check(slt_gd_sim_bytes_with(sampler, N, P, method), threads, "N or alpha", err,
                            "N: N = %ld with P = %ld needs", N, P);
}

#endif
