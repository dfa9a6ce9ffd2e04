/* mp_sim.h: Monte Carlo of the Marchenko-Pastur law: sampled Wishart spectra, their atom at 0, KDE
 * (binned, FFTW) and histogram. Only slt_mp_kde_alloc returns memory (free: slt_mp_kde_free). */
#ifndef SLT_MP_SIM_H
#define SLT_MP_SIM_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

enum { SLT_MP_AS, SLT_MP_HMRT };

/* Largest fine-grid size of the KDE (2^22 bins: 2^23-point FFTs, about 270 MB per thread). */
#define SLT_MP_KDE_MAXBINS ((size_t)1 << 22)

/* The sampled matrix. AS (linear.md 1.1): X is P x N with N(0, 1/N) entries, P = round(alpha N),
 * and the spectrum is that of X'X (N x N). HMRT (linear.md 1.2): X is n x p with N(0, 1) entries,
 * n = N, p = round(gamma N), and the spectrum is that of X'X/n (p x p). Both are Z'Z/N for a
 * rows x cols matrix Z of N(0, 1) entries, which is how one trial draws them. */
typedef struct {
    int norm;        /* SLT_MP_AS or SLT_MP_HMRT */
    double ratio;    /* alpha = P/N (AS) or gamma = p/n (HMRT) */
    long rows, cols; /* Z is rows x cols; the spectrum has cols eigenvalues */
    double scale;    /* 1/N: the matrix is scale Z'Z */
} slt_mp_design;

slt_mp_design slt_mp_sim_design(int norm, double ratio, long N);

/* Kernel bandwidth (standard deviation, eigenvalue units) actually used: bw if bw > 0, else 4 mean
 * eigenvalue spacings of the continuous part, 4 (l_+ - l_-) / min(rows, cols) (see mp_sim.c). */
double slt_mp_sim_bandwidth(const slt_mp_design *d, double bw);

/* Fine-grid size for the KDE of this design at bandwidth bw (bw > 0, the effective one): a power
 * of two with spacing about bw/16 over the spectrum; may exceed SLT_MP_KDE_MAXBINS (refuse then). */
size_t slt_mp_kde_bins(const slt_mp_design *d, double bw);
/* The smallest bandwidth whose grid fits in SLT_MP_KDE_MAXBINS bins. */
double slt_mp_kde_min_bandwidth(const slt_mp_design *d);

/* Bytes one trial needs (matrix, Gram, eigenvalues, FFT buffers of a plan of nbins bins). */
double slt_mp_sim_bytes(const slt_mp_design *d, size_t nbins);

/* FFTW plans for a binned KDE on nbins fine-grid bins, zero-padded to 2 nbins so that the circular
 * convolution is the linear one. Planning is not thread-safe: make the plan once (FFTW_ESTIMATE,
 * deterministic), then use it from any number of threads. NULL on failure or nbins outside
 * [2, SLT_MP_KDE_MAXBINS]. */
typedef struct slt_mp_kde slt_mp_kde;
slt_mp_kde *slt_mp_kde_alloc(size_t nbins);
void slt_mp_kde_free(slt_mp_kde *k); /* accepts NULL */
size_t slt_mp_kde_size(const slt_mp_kde *k);

/* out[j] = sum_{i < nbins} w[i] phi((j - i) h / bw) / bw for j < nbins (phi the standard normal
 * density; the kernel is cut at |j - i| = nbins, beyond every pair): the binned KDE on the fine
 * grid, by FFT. Thread-safe. Returns 0, or 1 if out of memory. */
int slt_mp_kde_convolve(const slt_mp_kde *k, const double *w, double h, double bw, double *out);

/* Estimates from the eigenvalues eig[0..n-1] (any order) of a matrix with `total` eigenvalues
 * (the total - n not given are zero). Eigenvalues below total eps max(l), the rounding level, are
 * zero too: all the zeros make the atom.
 * For each x[k] (k < nx, any order, x >= 0), out[3k..3k+2] =
 *   KDE of the nonzero eigenvalues at x[k], Gaussian kernel of bandwidth bw reflected at 0,
 *   histogram: nonzero count in the bin of x[k] / (total * bin width), the bin running halfway to
 *     the neighbouring x values, clipped at 0 (a lone x: width 2 bw),
 *   atom: the fraction of zero eigenvalues.
 * KDE and histogram thus integrate to the mass of the continuous part. The KDE grid needs
 * slt_mp_kde_size(k) >= 16 (spread of eig + 12 bw)/bw for its stated accuracy (slt_mp_kde_bins).
 * Returns 0, or 1 if out of memory. */
int slt_mp_sim_estimate(const slt_mp_kde *k, size_t n, const double *eig, size_t total, double bw, size_t nx,
                        const double *x, double *out);

/* One trial: draw Z from rng, eigenvalues of the smaller Gram matrix by LAPACKE_dsyevd, then
 * slt_mp_sim_estimate at bandwidth bw (the effective one). Returns 0, or 1 with a message. */
int slt_mp_sim(const slt_mp_design *d, const slt_mp_kde *k, double bw, size_t nx, const double *x, gsl_rng *rng,
               double *out, char *err);

/* What the KDE estimates in the large-N limit: the continuous part of the law convolved with the
 * same reflected kernel, int rho_c(l) [phi((x - l)/bw) + phi((x + l)/bw)] / bw dl (x >= 0), rho_c the
 * density of theory/mp.h in d's normalisation, by QAGS to 1e-10 relative. Returns 0, or 1 if the
 * quadrature failed (*result is then NaN). */
int slt_mp_sim_smoothed(const slt_mp_design *d, double bw, double x, double *result);

#endif
