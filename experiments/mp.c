/* mp.c: experiment `mp`: the Marchenko-Pastur density of X'X in the AS or the HMRT normalisation,
 * its atom at 0, against the spectrum of sampled matrices (KDE and histogram). Theory:
 * theory/mp.c; simulation: sims/mp_sim.c; notes: linear.md 1.1, 1.2, 6.1. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/slt.h"
#include "sims/mp_sim.h"
#include "theory/mp.h"

enum { P_X, P_ALPHA, P_GAMMA, P_NORM, P_N, P_BW, NPARAMS };

static const char *const norm_words[] = {"as", "hmrt", NULL};
/* The defaults of alpha and gamma must stay equal: check() refuses the ratio of the other
 * normalisation unless it sits at its default, so an unused ratio never silently wins. */
#define RATIO_DEFAULT "0.5"

static const slt_param params[NPARAMS] = {
    {"x", SLT_REAL, "0:6:121", 0, INFINITY, 0, 1, NULL,
     "eigenvalue l; where the densities are evaluated, and the centres of the histogram bins"},
    {"alpha", SLT_REAL, RATIO_DEFAULT, 0, 1e6, 1, 0, NULL,
     "alpha = P/N, rows per column of X (norm=as); the simulation uses P = round(alpha N)"},
    {"gamma", SLT_REAL, RATIO_DEFAULT, 0, 1e6, 1, 0, NULL,
     "gamma = p/n, features per sample (norm=hmrt; AS alpha = 1/gamma); the simulation uses p = round(gamma N)"},
    {"norm", SLT_WORD, "as", 0, 0, 0, 0, norm_words,
     "normalisation; as = eigenvalues of X'X, X (P x N) with N(0, 1/N) entries; hmrt = eigenvalues of X'X/n, "
     "X (n x p) with N(0, 1) entries"},
    {"N", SLT_INT, "400", 2, 1e6, 0, 0, NULL,
     "simulation size N (norm=as: X is P x N, X'X is N x N; norm=hmrt: n = N samples)"},
    {"bw", SLT_REAL, "0", 0, INFINITY, 0, 1, NULL,
     "KDE bandwidth, the kernel's standard deviation in eigenvalue units; 0 = automatic, "
     "4 mean eigenvalue spacings 4 (l_+ - l_-)/min(rows, columns of X)"},
};

static const char *const theory_cols[] = {"density", "density_smoothed", "atom", NULL};
static const char *const sim_cols[] = {"density", "hist", "atom", NULL};
static const char *const batch_params[] = {"x", NULL};

static double ratio_of(const double *par) { return par[P_NORM] == SLT_MP_AS ? par[P_ALPHA] : par[P_GAMMA]; }

static slt_mp_design design(const double *par)
{
    return slt_mp_sim_design((int)par[P_NORM], ratio_of(par), (long)par[P_N]);
}

static int theory(const double *par, double *out, char *err)
{
    slt_mp_design d = design(par);
    double x = par[P_X], r = d.ratio;
    int as = d.norm == SLT_MP_AS;
    /* at ratio 1 the density diverges like 1/(pi sqrt(l)) at l = 0 (linear.md 1.1) */
    out[0] = (r == 1 && x == 0) ? INFINITY : as ? slt_mp_density(r, x) : slt_mp_hmrt_density(r, x);
    double bw = slt_mp_sim_bandwidth(&d, par[P_BW]);
    if (slt_mp_sim_smoothed(&d, bw, x, &out[1])) {
        snprintf(err, SLT_ERRLEN, "QAGS quadrature of the smoothed density failed at x = %g, ratio %g, bw = %g", x,
                 r, bw);
        return SLT_EFAIL;
    }
    out[2] = as ? slt_mp_atom(r) : slt_mp_hmrt_atom(r);
    return SLT_OK;
}

static int check(const double *par, int simulate, int threads, char *err)
{
    int as = par[P_NORM] == SLT_MP_AS;
    double def = atof(RATIO_DEFAULT);
    if (as && par[P_GAMMA] != def) {
        snprintf(err, SLT_ERRLEN,
                 "gamma: gamma = p/n belongs to norm=hmrt; with norm=as give alpha = P/N (alpha = 1/gamma "
                 "describes the same matrix)");
        return SLT_EUSAGE;
    }
    if (!as && par[P_ALPHA] != def) {
        snprintf(err, SLT_ERRLEN,
                 "alpha: alpha = P/N belongs to norm=as; with norm=hmrt give gamma = p/n (gamma = 1/alpha "
                 "describes the same matrix)");
        return SLT_EUSAGE;
    }
    slt_mp_design d = design(par);
    const char *rn = as ? "alpha" : "gamma";
    long k = as ? d.rows : d.cols;
    if (k < 1) {
        snprintf(err, SLT_ERRLEN, "%s: %s N = %g gives an empty matrix; allowed: %s >= %g at N = %g", rn, rn,
                 d.ratio * par[P_N], rn, 0.5 / par[P_N], par[P_N]);
        return SLT_EUSAGE;
    }
    if (!simulate)
        return SLT_OK;
    double bw = slt_mp_sim_bandwidth(&d, par[P_BW]);
    size_t bins = slt_mp_kde_bins(&d, bw);
    if (bins > SLT_MP_KDE_MAXBINS) {
        double w = slt_mp_edge_hi(d.ratio) - slt_mp_edge_lo(d.ratio);
        snprintf(err, SLT_ERRLEN,
                 "bw: bw = %g is too narrow for a spectrum of width %g (KDE grid over 2^22 bins); allowed: "
                 "bw >= %.3g, or 0 (automatic)",
                 bw, w, slt_mp_kde_min_bandwidth(&d) * 1.0001);
        return SLT_EUSAGE;
    }
    return slt_memory_check(slt_mp_sim_bytes(&d, bins), threads, as ? "N or alpha" : "N or gamma", err,
                            "N: N = %g with %s = %g needs a %ld x %ld matrix,", par[P_N], rn, d.ratio, d.rows, d.cols);
}

/* One set of FFTW plans for every point, sized for the finest grid any point needs (planning is
 * not thread-safe, execution is). */
static int prepare(const slt_batch *all, void **ctx, char *err)
{
    size_t bins = 256;
    for (size_t k = 0; k < all->npoints; k++) {
        slt_mp_design d = design(all->par[k]);
        size_t b = slt_mp_kde_bins(&d, slt_mp_sim_bandwidth(&d, all->par[k][P_BW]));
        if (b > bins)
            bins = b;
    }
    *ctx = slt_mp_kde_alloc(bins);
    if (!*ctx) {
        snprintf(err, SLT_ERRLEN, "FFTW could not plan a KDE convolution of length %zu", 2 * bins);
        return SLT_EFAIL;
    }
    return SLT_OK;
}

static void release(void *ctx) { slt_mp_kde_free(ctx); }

static int simulate(const slt_batch *b, void *ctx, gsl_rng *rng, double *out, char *err)
{
    double *x = malloc((b->npoints + 1) * sizeof(double));
    if (!x) {
        snprintf(err, SLT_ERRLEN, "out of memory");
        return SLT_EFAIL;
    }
    for (size_t k = 0; k < b->npoints; k++)
        x[k] = b->par[k][P_X];
    slt_mp_design d = design(b->par[0]);
    double bw = slt_mp_sim_bandwidth(&d, b->par[0][P_BW]);
    int rc = slt_mp_sim(&d, ctx, bw, b->npoints, x, rng, out, err);
    free(x);
    return rc ? SLT_EFAIL : SLT_OK;
}

/* at ratio 1 the density diverges like 1/sqrt(x) at x = 0 (linear.md 1.1) */
static const char *const infinite_cols[] = {"density", NULL};

const slt_experiment slt_exp_mp = {
    .name = "mp",
    .summary = "Marchenko-Pastur law: eigenvalue density of X'X, atom at 0, vs sampled spectra",
    .description =
        "The spectrum of a Wishart matrix against the Marchenko-Pastur law, in one of two normalisations:\n"
        "norm=as (Advani-Saxe): C = X'X (N x N), X (P x N) with N(0, 1/N) entries, alpha = P/N. The law has a\n"
        "density rho_c on [(1 - sqrt(alpha))^2, (1 + sqrt(alpha))^2] of mass min(1, alpha) and an atom\n"
        "(1 - alpha)_+ at 0.\n"
        "norm=hmrt (Hastie-Montanari-Rosset-Tibshirani): Sigma_hat = X'X/n (p x p), X (n x p) with N(0, 1)\n"
        "entries, gamma = p/n; density f_gamma on [(1 - sqrt(gamma))^2, (1 + sqrt(gamma))^2] of mass\n"
        "min(1, 1/gamma), atom (1 - 1/gamma)_+. Both describe one matrix: alpha = 1/gamma, C = alpha Sigma_hat.\n"
        "alpha is read with norm=as only, gamma with norm=hmrt only; the other must stay at its default.\n"
        "Columns: density = the limit density of the continuous part (inf at 0 when the ratio is 1);\n"
        "density_smoothed = the same convolved with the KDE kernel (reflected at 0), which is what\n"
        "density_sim estimates up to finite-N effects: it shows where smoothing rounds the edges;\n"
        "atom = the mass at 0. Densities are per eigenvalue of the matrix (N for as, p for hmrt).\n"
        "Simulation: per trial one X (as: P = round(alpha N) rows; hmrt: n = N rows, p = round(gamma N)\n"
        "columns), eigenvalues of the smaller Gram matrix by LAPACK dsyevd; the larger side's extra zero\n"
        "eigenvalues (and any computed one below the rounding level, size x eps x l_max) make atom_sim. One\n"
        "trial serves the whole x grid.\n"
        "density_sim: Gaussian kernel density estimate of the nonzero eigenvalues, bandwidth bw (default\n"
        "4 mean eigenvalue spacings: eigenvalues are rigid, so i.i.d. rules such as Silverman's oversmooth),\n"
        "reflected at 0, by linear binning onto a grid of spacing <= bw/16 and FFT convolution (FFTW).\n"
        "hist_sim: histogram with bins centred at the x points, edges halfway between neighbouring x values\n"
        "(clipped at 0; a lone x gets width 2 bw). Both integrate to the mass of the continuous part.",
    .references = "V. A. Marchenko, L. A. Pastur, Distribution of eigenvalues for some sets of random matrices, "
                  "Math. USSR-Sbornik 1 (1967) 457-483\n"
                  "M. S. Advani, A. M. Saxe, High-dimensional dynamics of generalization error in neural "
                  "networks, 2017, arXiv:1710.03667\n"
                  "T. Hastie, A. Montanari, S. Rosset, R. J. Tibshirani, Surprises in High-Dimensional Ridgeless "
                  "Least Squares Interpolation, 2019, arXiv:1903.08560\n"
                  "M. P. Wand, Fast computation of multivariate kernel estimators, J. Comput. Graph. Statist. 3 "
                  "(1994) 433-445",
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
    .plot = {.y = "density",
             .ylabel = "eigenvalue density (continuous part)",
             .yrange = "0:*",
             .title_params = "N,norm"},
    .infinite_cols = infinite_cols,
};
