/* mp_sim.c: the empirical spectrum of Wishart matrices against the Marchenko-Pastur law
 * (linear.md 1.1, 1.2; protocol 5.2, figure 6.1). One trial: Z (rows x cols, N(0, 1)), the
 * eigenvalues of the smaller Gram matrix (the nonzero spectra of Z'Z and ZZ' agree; the larger
 * side's extra eigenvalues are the zeros of the atom), then a Gaussian KDE and a histogram.
 * Reference: V. A. Marchenko, L. A. Pastur, Math. USSR-Sbornik 1 (1967) 457-483. KDE by linear
 * binning and FFT convolution: M. P. Wand, "Fast computation of multivariate kernel estimators",
 * J. Comput. Graph. Statist. 3 (1994) 433-445; reflection at a boundary: B. W. Silverman, "Density
 * Estimation for Statistics and Data Analysis", 1986, section 2.10. */
#include "sims/mp_sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_integration.h>
#include <lapacke.h>

#include "engine/rng.h"
#include "engine/slt.h"
#include "theory/mp.h"

/* Zero eigenvalues: the larger side's extra ones are counted from the shape, exactly. The smaller
 * Gram matrix is nonsingular with probability 1, so a computed eigenvalue counts as zero only at
 * the rounding level of the computed spectrum, below total eps l_max (the rank convention of LAPACK
 * and numpy's matrix_rank). A fixed fraction such as 1e-9 l_max would take genuine eigenvalues
 * for zeros: for a square X, sqrt(N) sigma_min of an N(0,1) matrix is below e with probability
 * about e, so l_min < 1e-9 l_max in about 2N sqrt(1e-9) of the trials: 0.6% at N = 100, as
 * measured (atom_sim = 6.2e-5 instead of 0 at alpha = 1 over 20000 trials). */
#include <float.h>
/* KDE fine grid: spacing at most bw/16, so linear binning and linear interpolation each err by
 * about (h/bw)^2/8 ~ 5e-4 of the local curvature scale, far below the Monte Carlo error; the grid
 * runs 6 bw past the extreme eigenvalues, where the kernel has fallen to e^-18. */
#define MP_BINS_PER_BW 16
#define MP_MARGIN_BW 6.0
/* The finite-N spectrum spills past the limit edges (by O(N^-2/3) at the soft edges, more at small
 * N): room for it when sizing the grid; a wider spread only coarsens the grid a little. */
#define MP_SPREAD 1.25
/* Default bandwidth, in mean eigenvalue spacings (l_+ - l_-)/m. Eigenvalues are rigid (a linear
 * statistic fluctuates by O(1), not O(sqrt m) as for i.i.d. samples), so the i.i.d. rules such as
 * Silverman's 0.9 sd m^-1/5 smooth far too much (0.19 at alpha = 0.5, N = 400, on a support of
 * width 2.8). Four spacings keep the KDE of one trial free of the spacing ripple, and its smoothing
 * bias bw^2 rho''/2 shrinks like 1/N^2 as N grows (about 1e-3 in the bulk at N = 400). */
#define MP_BW_SPACINGS 4.0

slt_mp_design slt_mp_sim_design(int norm, double ratio, long N)
{
    slt_mp_design d = {norm, ratio, 0, 0, 1.0 / (double)N};
    long k = lround(ratio * (double)N);
    if (norm == SLT_MP_AS)
        d.rows = k, d.cols = N;
    else
        d.rows = N, d.cols = k;
    return d;
}

/* l_+ - l_- = 4 sqrt(ratio) in both normalisations (linear.md 1.1, 1.2) */
static double support_width(const slt_mp_design *d) { return slt_mp_edge_hi(d->ratio) - slt_mp_edge_lo(d->ratio); }

static long nonzero_count(const slt_mp_design *d) { return d->rows < d->cols ? d->rows : d->cols; }

double slt_mp_sim_bandwidth(const slt_mp_design *d, double bw)
{
    if (bw > 0)
        return bw;
    long m = nonzero_count(d);
    return m > 0 ? MP_BW_SPACINGS * support_width(d) / (double)m : NAN;
}

size_t slt_mp_kde_bins(const slt_mp_design *d, double bw)
{
    double need = MP_BINS_PER_BW * (MP_SPREAD * support_width(d) / bw + 2 * MP_MARGIN_BW) + 1;
    if (!(need <= 2.0 * (double)SLT_MP_KDE_MAXBINS))
        return 2 * SLT_MP_KDE_MAXBINS;
    size_t n = 256;
    while ((double)n < need)
        n *= 2;
    return n;
}

double slt_mp_kde_min_bandwidth(const slt_mp_design *d)
{
    /* solves MP_BINS_PER_BW (MP_SPREAD w / bw + 2 MP_MARGIN_BW) + 1 = SLT_MP_KDE_MAXBINS for bw */
    return MP_BINS_PER_BW * MP_SPREAD * support_width(d) /
           ((double)SLT_MP_KDE_MAXBINS - 1 - MP_BINS_PER_BW * 2 * MP_MARGIN_BW);
}

double slt_mp_sim_bytes(const slt_mp_design *d, size_t nbins)
{
    double m = (double)nonzero_count(d);
    /* Z, Gram, eigenvalues (+ sorted copy); FFT: real 2 nbins, two complex nbins + 1, weights and
     * smoothed grid nbins each */
    return 8.0 * ((double)d->rows * (double)d->cols + m * m + 2 * m) + 8.0 * 2 * (double)nbins +
           16.0 * 2 * ((double)nbins + 1) + 8.0 * 2 * (double)nbins;
}

/* ---- binned KDE ---- */

struct slt_mp_kde {
    size_t nbins, len; /* fine-grid bins M; FFT length 2M */
    fftw_plan fwd, bwd;
};

slt_mp_kde *slt_mp_kde_alloc(size_t nbins)
{
    if (nbins < 2 || nbins > SLT_MP_KDE_MAXBINS)
        return NULL;
    slt_mp_kde *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->nbins = nbins;
    k->len = 2 * nbins;
    /* planning arrays from fftw_malloc: per-trial buffers from fftw_malloc have the same
     * alignment, which fftw_execute_dft_* with new arrays requires */
    double *r = fftw_malloc(k->len * sizeof(double));
    fftw_complex *c = fftw_malloc((k->len / 2 + 1) * sizeof(fftw_complex));
    if (r && c) {
        k->fwd = fftw_plan_dft_r2c_1d((int)k->len, r, c, FFTW_ESTIMATE);
        k->bwd = fftw_plan_dft_c2r_1d((int)k->len, c, r, FFTW_ESTIMATE);
    }
    fftw_free(r);
    fftw_free(c);
    if (!k->fwd || !k->bwd) {
        slt_mp_kde_free(k);
        return NULL;
    }
    return k;
}

void slt_mp_kde_free(slt_mp_kde *k)
{
    if (!k)
        return;
    if (k->fwd)
        fftw_destroy_plan(k->fwd);
    if (k->bwd)
        fftw_destroy_plan(k->bwd);
    free(k);
}

size_t slt_mp_kde_size(const slt_mp_kde *k) { return k ? k->nbins : 0; }

int slt_mp_kde_convolve(const slt_mp_kde *k, const double *w, double h, double bw, double *out)
{
    size_t M = k->nbins, L = k->len, nc = L / 2 + 1;
    double *r = fftw_malloc(L * sizeof(double));
    fftw_complex *a = fftw_malloc(nc * sizeof(fftw_complex)), *g = fftw_malloc(nc * sizeof(fftw_complex));
    if (!r || !a || !g) {
        fftw_free(r);
        fftw_free(a);
        fftw_free(g);
        return 1;
    }
    /* Kernel on the circle of length 2M at offsets |j| < M, zero at offset M. Data occupy bins
     * [0, M) and outputs are read on [0, M), so offsets i - j lie in (-M, M) and map one-to-one
     * onto the circle: the circular convolution equals the linear one, nothing wraps. */
    double c = 1.0 / (bw * sqrt(2.0 * M_PI)), s = h / bw;
    r[0] = c;
    r[M] = 0.0;
    for (size_t j = 1; j < M; j++) {
        double u = (double)j * s;
        r[j] = r[L - j] = c * exp(-0.5 * u * u);
    }
    fftw_execute_dft_r2c(k->fwd, r, g);
    memcpy(r, w, M * sizeof(double));
    memset(r + M, 0, M * sizeof(double));
    fftw_execute_dft_r2c(k->fwd, r, a);
    double inv = 1.0 / (double)L; /* FFTW's transforms are unnormalised */
    for (size_t i = 0; i < nc; i++) {
        double re = a[i][0] * g[i][0] - a[i][1] * g[i][1], im = a[i][0] * g[i][1] + a[i][1] * g[i][0];
        a[i][0] = re * inv;
        a[i][1] = im * inv;
    }
    fftw_execute_dft_c2r(k->bwd, a, r);
    memcpy(out, r, M * sizeof(double));
    fftw_free(r);
    fftw_free(a);
    fftw_free(g);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Points of the x grid in increasing order, ties by index: the histogram needs neighbours. */
typedef struct {
    double x;
    size_t k;
} xpos;

static int cmp_xpos(const void *a, const void *b)
{
    const xpos *p = a, *q = b;
    return p->x < q->x ? -1 : p->x > q->x ? 1 : (p->k > q->k) - (p->k < q->k);
}

/* first index i in sorted l[0..m) with l[i] >= v */
static size_t lower_bound(const double *l, size_t m, double v)
{
    size_t lo = 0, hi = m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* linear interpolation of the fine grid f (M points a + j h), 0 outside it */
static double grid_at(const double *f, size_t M, double a, double h, double x)
{
    double u = (x - a) / h;
    if (!(u >= 0) || u > (double)(M - 1))
        return 0.0;
    size_t i = (size_t)u;
    if (i >= M - 1)
        return f[M - 1];
    double t = u - (double)i;
    return (1 - t) * f[i] + t * f[i + 1];
}

int slt_mp_sim_estimate(const slt_mp_kde *k, size_t n, const double *eig, size_t total, double bw, size_t nx,
                        const double *x, double *out)
{
    size_t M = k->nbins;
    double *s = malloc((n + 1) * sizeof(double)), *w = calloc(M, sizeof(double)), *f = malloc(M * sizeof(double));
    xpos *o = malloc((nx + 1) * sizeof(xpos));
    if (!s || !w || !f || !o) {
        free(s), free(w), free(f), free(o);
        return 1;
    }
    memcpy(s, eig, n * sizeof(double));
    qsort(s, n, sizeof(double), cmp_double);
    double lmax = n ? s[n - 1] : 0.0;
    size_t i0 = n ? lower_bound(s, n, (double)(total > n ? total : n) * DBL_EPSILON * lmax) : 0;
    if (lmax <= 0)
        i0 = n; /* all zero */
    const double *l = s + i0;
    size_t m = n - i0;
    double tot = (double)total, atom = (tot - (double)m) / tot;

    /* KDE: linear binning (weight 1/total each, so the estimate integrates to m/total), then
     * convolution with the Gaussian on the fine grid */
    double a = 0, h = 1;
    if (m > 0) {
        a = l[0] - MP_MARGIN_BW * bw;
        h = (l[m - 1] + MP_MARGIN_BW * bw - a) / (double)(M - 1);
        for (size_t i = 0; i < m; i++) {
            double u = (l[i] - a) / h;
            size_t j = (size_t)u;
            if (j > M - 2)
                j = M - 2;
            double t = u - (double)j;
            w[j] += (1 - t) / tot;
            w[j + 1] += t / tot;
        }
        if (slt_mp_kde_convolve(k, w, h, bw, f)) {
            free(s), free(w), free(f), free(o);
            return 1;
        }
    }

    for (size_t q = 0; q < nx; q++)
        o[q].x = x[q], o[q].k = q;
    qsort(o, nx, sizeof(xpos), cmp_xpos);
    for (size_t q = 0; q < nx; q++) {
        double xv = o[q].x, *po = out + 3 * o[q].k;
        /* Eigenvalues are >= 0: the kernel mass that a KDE would put below 0 is folded back
         * (reflection), so the estimate keeps its mass on [0, inf) and is not halved at a hard
         * edge l_- = 0 (ratio 1). f(-x) is the reflected part. */
        po[0] = (m == 0 || xv < 0) ? 0.0 : grid_at(f, M, a, h, xv) + grid_at(f, M, a, h, -xv);
        /* histogram bin: halfway to the nearest distinct neighbours (equal x share one bin) */
        size_t lo_q = q, hi_q = q;
        while (lo_q > 0 && o[lo_q - 1].x == xv)
            lo_q--;
        while (hi_q + 1 < nx && o[hi_q + 1].x == xv)
            hi_q++;
        int has_lo = lo_q > 0, has_hi = hi_q + 1 < nx;
        double dlo = has_lo ? xv - o[lo_q - 1].x : 0, dhi = has_hi ? o[hi_q + 1].x - xv : 0;
        if (!has_lo && !has_hi)
            dlo = dhi = 2 * bw;
        else if (!has_lo)
            dlo = dhi;
        else if (!has_hi)
            dhi = dlo;
        double blo = xv - 0.5 * dlo, bhi = xv + 0.5 * dhi;
        if (blo < 0)
            blo = 0;
        if (bhi > blo) {
            size_t c = lower_bound(l, m, bhi) - lower_bound(l, m, blo);
            po[1] = (double)c / (tot * (bhi - blo));
        } else
            po[1] = 0.0; /* a bin entirely below 0 */
        po[2] = atom;
    }
    free(s), free(w), free(f), free(o);
    return 0;
}

int slt_mp_sim(const slt_mp_design *d, const slt_mp_kde *k, double bw, size_t nx, const double *x, gsl_rng *rng,
               double *out, char *err)
{
    long r = d->rows, c = d->cols, m = nonzero_count(d);
    double *Z = malloc((size_t)r * (size_t)c * sizeof(double)), *G = malloc((size_t)m * (size_t)m * sizeof(double)),
           *ev = malloc((size_t)m * sizeof(double));
    int rc = 1;
    if (!Z || !G || !ev) {
        snprintf(err, SLT_ERRLEN, "out of memory for a %ld x %ld matrix", r, c);
        goto out;
    }
    slt_rng_normals(rng, Z, (size_t)r * (size_t)c, 1.0);
    /* the smaller Gram matrix, scale Z Z' (r < c) or scale Z'Z: dsyrk, half the flops of dgemm */
    if (r < c)
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)r, (int)c, d->scale, Z, (int)c, 0.0, G, (int)m);
    else
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)c, (int)r, d->scale, Z, (int)c, 0.0, G, (int)m);
    lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'N', 'U', (lapack_int)m, G, (lapack_int)m, ev);
    if (info != 0) {
        snprintf(err, SLT_ERRLEN, "LAPACK dsyevd failed (info %d) on the %ld x %ld Gram matrix", (int)info, m, m);
        goto out;
    }
    if (slt_mp_sim_estimate(k, (size_t)m, ev, (size_t)c, bw, nx, x, out)) {
        snprintf(err, SLT_ERRLEN, "out of memory for the density estimate");
        goto out;
    }
    rc = 0;
out:
    free(Z);
    free(G);
    free(ev);
    return rc;
}

/* ---- the smoothed limit law ---- */

/* Tails of the kernel beyond 9 standard deviations (phi(9) ~ 1e-18) are dropped. */
#define MP_KERNEL_CUT 9.0

typedef struct {
    const slt_mp_design *d;
    double x, bw, sign;
} smooth_ctx;

static double limit_density(const slt_mp_design *d, double l)
{
    return d->norm == SLT_MP_AS ? slt_mp_density(d->ratio, l) : slt_mp_hmrt_density(d->ratio, l);
}

/* phi(u) rho_c(l) at l = x - bw u (direct part) or l = bw u - x (reflected part) */
static double smooth_integrand(double u, void *p)
{
    const smooth_ctx *c = p;
    double l = c->sign > 0 ? c->x - c->bw * u : c->bw * u - c->x;
    return exp(-0.5 * u * u) / sqrt(2.0 * M_PI) * limit_density(c->d, l);
}

int slt_mp_sim_smoothed(const slt_mp_design *d, double bw, double x, double *result)
{
    /* In the kernel's variable u = (x - l)/bw the integrand is phi(u) rho_c(x - bw u): the support
     * of rho_c is one interval of u, whose ends carry the square-root (or, at ratio 1, inverse
     * square-root) edge singularities that QAGS extrapolates away. Unlike quadrature in l, this
     * stays well conditioned whatever bw is next to x and to the support width. */
    double lo = slt_mp_edge_lo(d->ratio), hi = slt_mp_edge_hi(d->ratio), sum = 0, res, abserr;
    int status = 0;
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    if (!ws) {
        *result = NAN;
        return 1;
    }
    for (int part = 0; part < 2 && !status; part++) {
        smooth_ctx c = {d, x, bw, part ? -1.0 : 1.0};
        double ua = part ? (x + lo) / bw : (x - hi) / bw, ub = part ? (x + hi) / bw : (x - lo) / bw;
        if (ua < -MP_KERNEL_CUT)
            ua = -MP_KERNEL_CUT;
        if (ub > MP_KERNEL_CUT)
            ub = MP_KERNEL_CUT;
        if (!(ua < ub))
            continue;
        gsl_function F = {smooth_integrand, &c};
        status = gsl_integration_qags(&F, ua, ub, 1e-14, 1e-10, 1000, ws, &res, &abserr);
        sum += res;
    }
    gsl_integration_workspace_free(ws);
    *result = status ? NAN : sum;
    return status != 0;
}
