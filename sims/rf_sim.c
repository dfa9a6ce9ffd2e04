/* rf_sim.c: one Monte Carlo draw of random-features ridge regression, random_features.md 2 (and 3
 * for structured weights). Work shared across the points of a sweep:
 *  - one weight matrix with max N rows; a point with N features uses its first N rows (common
 *    random numbers: each point is an unbiased draw, neighbouring points are correlated);
 *  - one n x Nmax feature matrix Z; for N <= n the Gram Z_N^T Z_N is a leading block of one
 *    product, for N > n the Gram Z_N Z_N^T grows by rank updates as N increases (smaller side);
 *  - products with Z are thin (a few columns per group): those of consecutive groups are done as one,
 *    in chunks of at most KCHUNK columns, the coefficients zero beyond each group's N, so that the
 *    n x Nmax matrix Z is packed and streamed once per chunk instead of once per group;
 *  - the labels are linear in their three unit-amplitude parts (linear signal, nonlinear signal,
 *    noise), so one solve with three right-hand sides per (N, lambda) serves every (F1, Fstar,
 *    tau2), and the test and training errors are quadratic forms in (F1, Fstar, tau);
 *  - the test error exactly (dz->kern, random_features.md 2 item 6): a quadratic form in the coefficients
 *    whose kernel K_ij = kappa(<theta_i, theta_j>/d) is formed KBLOCK rows at a time for the largest N
 *    (leading blocks serve smaller N); or one sampled test set per draw, in chunks, serving every point.
 * Solves: a Cholesky factorisation per lambda, or one dsyevd per N when there are many lambdas
 * (dsyevd costs about 20 Cholesky factorisations here, m = 100..800). */
#include "sims/rf_sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>
#include <lapacke.h>

#include "engine/rng.h"
#include "engine/slt.h"
#include "sims/chol.h"
#include "theory/activation.h"

#define TEST_CHUNK 256        /* test inputs featurised at once: bounds memory at 256 x Nmax */
#define EIGEN_MIN_LAMBDAS 16  /* from this many lambdas at one N, one dsyevd beats Choleskys */
#define KBLOCK 64             /* kernel rows formed at once (exact test error): KBLOCK x Nmax in cache */
#define KCHUNK 32             /* coefficient columns of the groups multiplied with Z at once */

/* parts of the labels, columns of Y and of the coefficient blocks */
enum { C_LIN = 0, C_NOISE = 1, C_NL = 2 };

typedef struct {
    long N;
    size_t nlam;
    double *lam;    /* distinct lambdas at this N, in order of first appearance */
    double *coef;   /* N x K row-major, K = nlam * nc: a for lambda l, part c in column l nc + c (for
                     * N > n, until dual_to_primal: the first n rows hold the dual (Z Z^T + c)^{-1} y) */
    double *gtest;  /* nlam x nc x nc: sums over the test set of residual products (or expectations) */
    double *Q;      /* K x K: coef' K_N coef (exact test error) */
    double *gtrain; /* the same over the training set */
} group_t;

double slt_rf_sim_bytes(const slt_rf_design *dz, long Nmax)
{
    double n = (double)dz->n, d = (double)dz->d, N = (double)Nmax, m = n < N ? n : N;
    double ch = TEST_CHUNK, nc = 3, big = n > ch ? n : ch;
    double test = ch * (d + N);          /* sampled test inputs and features */
    double exact = N * d + KBLOCK * N + N * nc + KBLOCK * nc * 4; /* rows, kernel block, b, (one lambda) */
    double words = n * d                 /* X */
                   + n * N               /* Z */
                   + (test > exact ? test : exact)
                   + 2 * m * m           /* Gram block of N <= n, working copy */
                   + (N > n ? n * n : 0) /* running Z Z^T */
                   + 2 * d * d + big * d /* A0 of f_NL, X A0 */
                   + N * nc * 2          /* Z^T Y, coefficients (one lambda) */
                   + (N + big) * KCHUNK  /* a chunk of coefficients and its product with Z */
                   + big * nc * 4 + m * nc * 4 + 4 * m;
    return 8 * words + slt_sf_map_bytes(dz->features, (size_t)dz->d, (size_t)Nmax);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* f_NL(x) = x^T A0 x / sqrt(2 d ||A0||_F^2 / (d + 2)) for the h rows of X, into f (stride inc):
 * folded into A0 by the caller, so here f_i = <x_i, A0 x_i>. XA: h x d scratch. */
static void quad_target(const double *A0, const double *X, long h, long d, double *XA, double *f, long inc)
{
    cblas_dsymm(CblasRowMajor, CblasRight, CblasUpper, (int)h, (int)d, 1.0, A0, (int)d, X, (int)d, 0.0, XA, (int)d);
    for (long i = 0; i < h; i++)
        f[i * inc] = cblas_ddot((int)d, X + i * d, 1, XA + i * d, 1);
}

/* The Gram matrix of group N into A (m x m, row-major upper = column-major lower, so that LAPACK
 * is called column-major on 'L' without LAPACKE transposes): a block of Cn or Gi, the triangle
 * only (all that is read). */
static void fill_gram(double *A, long m, long N, long n, const double *Cn, long m0, const double *Gi)
{
    const double *S = N <= n ? Cn : Gi;
    long ls = N <= n ? m0 : n;
    for (long i = 0; i < m; i++)
        memcpy(A + i * m + i, S + i * ls + i, (size_t)(m - i) * sizeof(double));
}

/* G[l] += r r^T over rows i, with r = target[i] - pred[i, l] for each lambda l (pred transposed:
 * the prediction of column j at row i in pred[j ld + i]): the nc x nc Gram of the residuals of the nc
 * label parts, from which every amplitude combination's error follows. */
static void add_residual_grams(const double *target, const double *pred, long ld, long rows, size_t nlam, long nc,
                               double *G)
{
    for (long i = 0; i < rows; i++)
        for (size_t l = 0; l < nlam; l++) {
            double r[3];
            for (long cc = 0; cc < nc; cc++)
                r[cc] = target[i * nc + cc] - pred[((long)l * nc + cc) * ld + i];
            double *Gl = G + l * nc * nc;
            for (long c1 = 0; c1 < nc; c1++)
                for (long c2 = 0; c2 < nc; c2++)
                    Gl[c1 * nc + c2] += r[c1] * r[c2];
        }
}

/* The end of the chunk of groups from a0: the following groups while their columns total at most
 * KCHUNK (one group at least); their total into *kc. */
static size_t chunk_end(const group_t *gr, size_t a0, size_t ng, long nc, long *kc)
{
    size_t a1 = a0;
    *kc = 0;
    while (a1 < ng && (a1 == a0 || *kc + (long)gr[a1].nlam * nc <= KCHUNK))
        *kc += (long)gr[a1++].nlam * nc;
    return a1;
}

/* The groups [a0, a1) transposed, one above the other, in Ct (kc x rows, kc their total columns):
 * row j holds a column of a group's coefficients, its first `rows` entries, zero beyond its N. The
 * products below then take Z as BLAS's untransposed column-major operand (Z^T), which OpenBLAS
 * packs faster (measured: half the time of the products with the chunk untransposed). */
static void gather_chunk(const group_t *gr, size_t a0, size_t a1, long nc, long rows, double *Ct)
{
    for (long j = 0; a0 < a1; a0++) {
        long K = (long)gr[a0].nlam * nc, h = gr[a0].N < rows ? gr[a0].N : rows;
        for (long c = 0; c < K; c++, j++) {
            for (long i = 0; i < h; i++)
                Ct[j * rows + i] = gr[a0].coef[i * K + c];
            memset(Ct + j * rows + h, 0, (size_t)(rows - h) * sizeof(double));
        }
    }
}

/* The coefficients of the groups with N > n from their duals w (n x K, in their first n rows):
 * a = Z_N^T w, one product per chunk of groups. Wt: max(KCHUNK, Kmax) x n, At: the same x Nmax. */
static void dual_to_primal(group_t *gr, size_t ng, long nc, const double *Z, long n, long Nmax, double *Wt,
                           double *At)
{
    size_t a0 = 0;
    while (a0 < ng && gr[a0].N <= n)
        a0++;
    while (a0 < ng) {
        long kc;
        size_t a1 = chunk_end(gr, a0, ng, nc, &kc);
        long Nl = gr[a1 - 1].N;
        gather_chunk(gr, a0, a1, nc, n, Wt);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)kc, (int)Nl, (int)n, 1.0, Wt, (int)n, Z, (int)Nmax,
                    0.0, At, (int)Nl);
        for (long j = 0; a0 < a1; a0++) {
            long K = (long)gr[a0].nlam * nc;
            for (long c = 0; c < K; c++, j++)
                for (long i = 0; i < gr[a0].N; i++)
                    gr[a0].coef[i * K + c] = At[j * Nl + i];
        }
    }
}

/* The residuals T - F_N a over the h rows of the features F (h x Nmax) and targets T (h x nc) of
 * every group, lambda and part, added to each group's gtrain (train) or gtest: one product (F A)^T
 * per chunk of groups. At: max(KCHUNK, Kmax) x Nmax, Pt: the same x h. */
static void add_residuals(group_t *gr, size_t ng, long nc, const double *F, const double *T, long h, long Nmax,
                          int train, double *At, double *Pt)
{
    for (size_t a0 = 0, a1; a0 < ng; a0 = a1) {
        long kc, off = 0;
        a1 = chunk_end(gr, a0, ng, nc, &kc);
        long Nl = gr[a1 - 1].N;
        gather_chunk(gr, a0, a1, nc, Nl, At);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)kc, (int)h, (int)Nl, 1.0, At, (int)Nl, F, (int)Nmax,
                    0.0, Pt, (int)h);
        for (size_t a = a0; a < a1; off += (long)gr[a++].nlam * nc)
            add_residual_grams(T, Pt + off * h, h, h, gr[a].nlam, nc, train ? gr[a].gtrain : gr[a].gtest);
    }
}

/* The test error exactly (random_features.md 2 item 6): with label part c's target f_c and coefficients a_c,
 *   E_x (f_c1 - fhat_c1)(f_c2 - fhat_c2) = E f_c1 f_c2 - a_c1'b_c2 - a_c2'b_c1 + a_c1' K_N a_c2,
 * K_ij = kappa(<theta_i, theta_j>/d), b_cj = E f_c(x) sigma(<theta_j, x>/sqrt d): the linear part's
 * m1 <bu, theta_j>/sqrt d, the noise part's 0, f_NL's mnl theta_j'A0 theta_j/d (A0 traceless);
 * E f_c1 f_c2 = 1 for the linear and f_NL parts (unit amplitudes, orthogonal), 0 otherwise.
 * K is formed KBLOCK rows at a time, columns from the block's first row on (symmetry), its
 * off-diagonal part doubled: with A_B the block's rows of the coefficients, coef' K_N coef =
 * sym(sum_B A_B' [K_BB A_B + 2 K_B,>B A_>B]), one dgemm per block and group. Into gtest. */
static void exact_test(const slt_rf_kernel *kern, const double *Th, long Nmax, long d, long nc, const double *bu,
                       const double *A0, double *XA, long big, size_t ng, group_t *gr, double *beta, double *Kb,
                       double *Yb)
{
    slt_rfk_moments mo = slt_rfk_get_moments(kern);
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)Nmax, (int)d, mo.m1 / sqrt((double)d), Th, (int)d, bu, 1, 0.0,
                beta + C_LIN, (int)nc);
    for (long j = 0; j < Nmax; j++)
        beta[j * nc + C_NOISE] = 0;
    if (nc > C_NL) {
        for (long i0 = 0; i0 < Nmax; i0 += big)
            quad_target(A0, Th + i0 * d, Nmax - i0 < big ? Nmax - i0 : big, d, XA, beta + i0 * nc + C_NL, nc);
        for (long j = 0; j < Nmax; j++)
            beta[j * nc + C_NL] *= mo.mnl / (double)d;
    }
    for (size_t a = 0; a < ng; a++) {
        group_t *g = &gr[a];
        long K = (long)g->nlam * nc;
        memset(g->Q, 0, (size_t)K * K * sizeof(double));
        for (size_t l = 0; l < g->nlam; l++)
            for (long c1 = 0; c1 < nc; c1++)
                for (long c2 = 0; c2 < nc; c2++) {
                    double s = c1 == c2 && c1 != C_NOISE ? 1 : 0;
                    for (long j = 0; j < g->N; j++)
                        s -= g->coef[j * K + (long)l * nc + c1] * beta[j * nc + c2] +
                             g->coef[j * K + (long)l * nc + c2] * beta[j * nc + c1];
                    g->gtest[(l * nc + c1) * nc + c2] = s;
                }
    }
    for (long i0 = 0; i0 < Nmax; i0 += KBLOCK) {
        long b = Nmax - i0 < KBLOCK ? Nmax - i0 : KBLOCK, w = Nmax - i0;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)b, (int)w, (int)d, 1.0 / (double)d, Th + i0 * d,
                    (int)d, Th + i0 * d, (int)d, 0.0, Kb, (int)w);
        for (long r = 0; r < b; r++) {
            double *row = Kb + r * w;
            slt_rfk_apply(kern, row, (size_t)b, 1.0);
            row[r] = mo.kappa1; /* rho = 1 exactly (rows of norm sqrt d) */
            slt_rfk_apply(kern, row + b, (size_t)(w - b), 2.0);
        }
        for (size_t a = 0; a < ng; a++) {
            group_t *g = &gr[a];
            if (g->N <= i0)
                continue;
            long K = (long)g->nlam * nc, rows = g->N - i0 < b ? g->N - i0 : b, cols = g->N - i0;
            const double *Ab = g->coef + i0 * K;
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)K, (int)cols, 1.0, Kb, (int)w, Ab,
                        (int)K, 0.0, Yb, (int)K);
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)K, (int)K, (int)rows, 1.0, Ab, (int)K, Yb,
                        (int)K, 1.0, g->Q, (int)K);
        }
    }
    for (size_t a = 0; a < ng; a++) {
        group_t *g = &gr[a];
        long K = (long)g->nlam * nc;
        for (size_t l = 0; l < g->nlam; l++)
            for (long c1 = 0; c1 < nc; c1++)
                for (long c2 = 0; c2 < nc; c2++) {
                    long i = (long)l * nc + c1, j = (long)l * nc + c2;
                    g->gtest[(l * nc + c1) * nc + c2] += 0.5 * (g->Q[i * K + j] + g->Q[j * K + i]);
                }
    }
}

int slt_rf_sim(const slt_rf_design *dz, const slt_sf_plan *plan, size_t npts, const slt_rf_point *pts,
               gsl_rng *rng, double *out, char *err)
{
    long d = dz->d, n = dz->n, Nmax = 0;
    const slt_rf_kernel *kern = dz->kern;
    if (d < 1 || n < 1 || (!kern && dz->ntest < 1) || npts == 0 || !plan || slt_sf_plan_dim(plan) != (size_t)d ||
        (kern && (slt_rfk_dim(kern) != d || slt_rfk_activation(kern) != dz->act))) {
        snprintf(err, SLT_ERRLEN, "bad arguments (d = %ld, n = %ld, ntest = %ld, plan of dimension %zu, kernel of "
                 "dimension %ld)", d, n, dz->ntest, plan ? slt_sf_plan_dim(plan) : 0, kern ? slt_rfk_dim(kern) : 0);
        return 1;
    }
    if (dz->act < 0 || dz->act >= SLT_ACT_COUNT) {
        snprintf(err, SLT_ERRLEN, "unknown activation %d", dz->act);
        return 1;
    }
    if (slt_sf_supported(dz->features, (size_t)d) != SLT_OK) {
        snprintf(err, SLT_ERRLEN, "features %s not available at d = %ld (sorf and fastfood need a power of 2)",
                 dz->features >= 0 && dz->features < SLT_SF_COUNT ? slt_sf_names[dz->features] : "?", d);
        return 1;
    }
    int need_nl = 0;
    for (size_t k = 0; k < npts; k++) {
        if (pts[k].N < 1) {
            snprintf(err, SLT_ERRLEN, "N = %ld features: at least 1 needed", pts[k].N);
            return 1;
        }
        Nmax = pts[k].N > Nmax ? pts[k].N : Nmax;
        need_nl |= pts[k].Fstar != 0;
    }
    const long nc = need_nl ? 3 : 2, ch = TEST_CHUNK, big = n > ch ? n : ch;
    const long mm = n < Nmax ? n : Nmax;
    int rc = 1;

    /* groups of equal N, ascending; the distinct lambdas of each */
    long *Ns = malloc(npts * sizeof(long));
    group_t *gr = calloc(npts, sizeof(group_t));
    size_t ng = 0;
    long Kmax = 0, m0 = 0; /* m0: the largest N <= n, whose Z^T Z block serves all N <= n */
    if (!Ns || !gr)
        goto oom;
    for (size_t k = 0; k < npts; k++)
        Ns[k] = pts[k].N;
    qsort(Ns, npts, sizeof(long), cmp_long);
    for (size_t k = 0; k < npts; k++) {
        if (k > 0 && Ns[k] == Ns[k - 1])
            continue;
        group_t *g = &gr[ng++];
        g->N = Ns[k];
        if (!(g->lam = malloc(npts * sizeof(double))))
            goto oom;
        for (size_t j = 0; j < npts; j++) {
            if (pts[j].N != g->N)
                continue;
            size_t l = 0;
            while (l < g->nlam && g->lam[l] != pts[j].lambda)
                l++;
            if (l == g->nlam)
                g->lam[g->nlam++] = pts[j].lambda;
        }
        long K = (long)g->nlam * nc;
        Kmax = K > Kmax ? K : Kmax;
        g->coef = malloc((size_t)g->N * K * sizeof(double));
        g->gtest = calloc(g->nlam * nc * nc, sizeof(double));
        g->gtrain = calloc(g->nlam * nc * nc, sizeof(double));
        g->Q = kern ? malloc((size_t)K * K * sizeof(double)) : NULL;
        if (!g->coef || !g->gtest || !g->gtrain || (kern && !g->Q))
            goto oom;
        if (g->N <= n)
            m0 = g->N;
    }

    slt_sf_map *map = slt_sf_map_alloc(plan, dz->features, (size_t)Nmax, SLT_SF_WHT_BUTTERFLY);
    double *X = malloc((size_t)n * d * sizeof(double));
    double *Y = malloc((size_t)n * nc * sizeof(double));
    double *Z = malloc((size_t)n * Nmax * sizeof(double));
    double *ZtY = m0 ? malloc((size_t)m0 * nc * sizeof(double)) : NULL;
    double *Cn = m0 ? malloc((size_t)m0 * m0 * sizeof(double)) : NULL;
    double *Gi = Nmax > n ? calloc((size_t)n * n, sizeof(double)) : NULL;
    double *A = malloc((size_t)mm * mm * sizeof(double));
    double *ev = malloc(mm * sizeof(double));
    double *T = malloc(mm * nc * sizeof(double)), *T2 = malloc(mm * nc * sizeof(double));
    double *W = malloc(big * nc * sizeof(double)), *B = malloc(mm * nc * sizeof(double));
    const long kw = Kmax > KCHUNK ? Kmax : KCHUNK; /* columns of a chunk (chunk_end) */
    double *P = malloc((size_t)big * kw * sizeof(double)), *C = malloc((size_t)Nmax * kw * sizeof(double));
    double *bu = malloc(d * sizeof(double));
    double *A0 = need_nl ? malloc((size_t)d * d * sizeof(double)) : NULL;
    double *XA = need_nl ? malloc((size_t)big * d * sizeof(double)) : NULL;
    /* the sampled test set, or the weight rows, a kernel block and the b vectors */
    double *Xt = kern ? NULL : malloc((size_t)ch * d * sizeof(double));
    double *Zt = kern ? NULL : malloc((size_t)ch * Nmax * sizeof(double));
    double *ft = kern ? NULL : malloc(ch * nc * sizeof(double));
    double *Th = kern ? malloc((size_t)Nmax * d * sizeof(double)) : NULL;
    double *Kb = kern ? malloc((size_t)KBLOCK * Nmax * sizeof(double)) : NULL;
    double *Yb = kern ? malloc((size_t)KBLOCK * Kmax * sizeof(double)) : NULL;
    double *beta = kern ? malloc((size_t)Nmax * nc * sizeof(double)) : NULL;
    if (!map || !X || !Y || !Z || (m0 && (!ZtY || !Cn)) || (Nmax > n && !Gi) || !A || !ev || !T || !T2 || !W ||
        !B || !P || !C || !bu || (need_nl && (!A0 || !XA)) || (!kern && (!Xt || !Zt || !ft)) ||
        (kern && (!Th || !Kb || !Yb || !beta))) {
        snprintf(err, SLT_ERRLEN, "out of memory for n = %ld, N = %ld, d = %ld", n, Nmax, d);
        goto done;
    }

    /* ---- the draw: weights, inputs, beta1 direction, f_NL, noise (this order) ---- */
    if (slt_sf_map_draw(map, rng) != SLT_OK) {
        snprintf(err, SLT_ERRLEN, "drawing the %s weights failed (QR)", slt_sf_names[dz->features]);
        goto done;
    }
    double rad = sqrt((double)d);
    for (long i = 0; i < n; i++)
        slt_rng_sphere(rng, X + i * d, (size_t)d, rad);
    slt_rng_sphere(rng, bu, (size_t)d, 1.0); /* beta1 = F1 bu, ||bu|| = 1 exactly (2 item 2) */
    for (long i = 0; i < n; i++)
        Y[i * nc + C_NOISE] = slt_rng_normal(rng);
    if (need_nl) {
        /* A0 = (M + M^T)/2 - (tr M/d) I: traceless, so x^T A0 x is a degree-2 spherical harmonic
         * (mean 0, no linear part); E (x^T A0 x)^2 = 2 d ||A0||_F^2/(d + 2) on the sphere (2 item 3) */
        slt_rng_normals(rng, A0, (size_t)d * d, 1.0);
        double tr = 0, fro = 0;
        for (long i = 0; i < d; i++)
            tr += A0[i * d + i];
        for (long i = 0; i < d; i++)
            for (long j = i; j < d; j++) {
                double v = i == j ? A0[i * d + i] - tr / (double)d : 0.5 * (A0[i * d + j] + A0[j * d + i]);
                A0[i * d + j] = v; /* upper triangle only is read (dsymm) */
                fro += (i == j ? 1 : 2) * v * v;
            }
        double sc = fro > 0 ? 1 / sqrt(2 * (double)d * fro / (double)(d + 2)) : 0;
        for (long i = 0; i < d; i++)
            for (long j = i; j < d; j++)
                A0[i * d + j] *= sc;
        quad_target(A0, X, n, d, XA, Y + C_NL, nc);
    }
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)d, 1.0, X, (int)d, bu, 1, 0.0, W, 1);
    for (long i = 0; i < n; i++)
        Y[i * nc + C_LIN] = W[i];

    /* ---- features and Gram matrices ---- */
    slt_sf_apply_batch(map, X, (size_t)n, Z);
    slt_act_apply(dz->act, Z, (size_t)n * Nmax);
    if (m0) {
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)m0, (int)n, 1.0, Z, (int)Nmax, 0.0, Cn, (int)m0);
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)m0, (int)nc, (int)n, 1.0, Z, (int)Nmax, Y, (int)nc,
                    0.0, ZtY, (int)nc);
    }
    long pdone = 0; /* columns of Z already in Gi */
    for (size_t a = 0; a < ng; a++) {
        group_t *g = &gr[a];
        long N = g->N, m = N < n ? N : n, K = (long)g->nlam * nc;
        if (N > n) {
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)n, (int)(N - pdone), 1.0, Z + pdone, (int)Nmax,
                        1.0, Gi, (int)n);
            pdone = N;
        }
        const double *R = N <= n ? ZtY : Y; /* m x nc right-hand sides */
        int eigen = g->nlam >= EIGEN_MIN_LAMBDAS;
        for (size_t l = 0; l < g->nlam && !eigen; l++) {
            double c = (double)n * (double)N * g->lam[l] / (double)d;
            fill_gram(A, m, N, n, Cn, m0, Gi);
            for (long i = 0; i < m; i++)
                A[i * m + i] += c;
            if (slt_chol_factor(m, A)) {
                eigen = 1; /* numerically singular (lambda = 0 near N = n): pseudo-inverse below */
                break;
            }
            for (long i = 0; i < m; i++)
                for (long cc = 0; cc < nc; cc++)
                    B[cc * m + i] = R[i * nc + cc];
            if (LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, 'L', (lapack_int)m, (lapack_int)nc, A, (lapack_int)m, B,
                                    (lapack_int)m) != 0) {
                snprintf(err, SLT_ERRLEN, "Cholesky solve failed (n = %ld, N = %ld)", n, N);
                goto done;
            }
            for (long i = 0; i < m; i++) /* N > n: the dual w = (Z_N Z_N^T + c)^{-1} y, a = Z_N^T w */
                for (long cc = 0; cc < nc; cc++)
                    g->coef[i * K + (long)l * nc + cc] = B[cc * m + i];
        }
        if (eigen) {
            /* Gram = U diag(e) U^T; read row-major, row i of A is eigenvector i. All lambdas from
             * T = U^T R; at lambda = 0 the pseudo-inverse (min-norm limit) drops null directions. */
            fill_gram(A, m, N, n, Cn, m0, Gi);
            if (LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'L', (lapack_int)m, A, (lapack_int)m, ev) != 0) {
                snprintf(err, SLT_ERRLEN, "dsyevd did not converge (n = %ld, N = %ld)", n, N);
                goto done;
            }
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)nc, (int)m, 1.0, A, (int)m, R, (int)nc,
                        0.0, T, (int)nc);
            double cut = ev[m - 1] * (double)m * 2.2e-16;
            for (size_t l = 0; l < g->nlam; l++) {
                double c = (double)n * (double)N * g->lam[l] / (double)d;
                for (long i = 0; i < m; i++) {
                    double e = (ev[i] > 0 ? ev[i] : 0) + c;
                    for (long cc = 0; cc < nc; cc++)
                        T2[i * nc + cc] = (c == 0 && ev[i] <= cut) ? 0 : T[i * nc + cc] / e;
                }
                cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)m, (int)nc, (int)m, 1.0, A, (int)m, T2,
                            (int)nc, 0.0, g->coef + (long)l * nc, (int)K); /* N > n: the dual, as above */
            }
        }
    }
    dual_to_primal(gr, ng, nc, Z, n, Nmax, P, C);
    add_residuals(gr, ng, nc, Z, Y, n, Nmax, 1, C, P); /* training residuals */

    /* ---- the test error: exact, or on fresh test inputs in chunks (noise-free targets; the noise
     * part's target is 0) ---- */
    if (kern) {
        if (slt_sf_dense_rows(map, Th) != SLT_OK) {
            snprintf(err, SLT_ERRLEN, "out of memory for the weight rows (d = %ld)", d);
            goto done;
        }
        exact_test(kern, Th, Nmax, d, nc, bu, A0, XA, big, ng, gr, beta, Kb, Yb);
    }
    for (long t0 = 0; !kern && t0 < dz->ntest; t0 += ch) {
        long h = dz->ntest - t0 < ch ? dz->ntest - t0 : ch;
        for (long i = 0; i < h; i++)
            slt_rng_sphere(rng, Xt + i * d, (size_t)d, rad);
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)h, (int)d, 1.0, Xt, (int)d, bu, 1, 0.0, W, 1);
        for (long i = 0; i < h; i++) {
            ft[i * nc + C_LIN] = W[i];
            ft[i * nc + C_NOISE] = 0;
        }
        if (need_nl)
            quad_target(A0, Xt, h, d, XA, ft + C_NL, nc);
        slt_sf_apply_batch(map, Xt, (size_t)h, Zt);
        slt_act_apply(dz->act, Zt, (size_t)h * Nmax);
        add_residuals(gr, ng, nc, Zt, ft, h, Nmax, 0, C, P);
    }

    /* ---- every point: quadratic forms in v = (F1, tau, Fstar) ---- */
    for (size_t k = 0; k < npts; k++) {
        size_t a = 0, l = 0;
        while (gr[a].N != pts[k].N)
            a++;
        while (gr[a].lam[l] != pts[k].lambda)
            l++;
        double v[3] = {pts[k].F1, sqrt(pts[k].tau2), pts[k].Fstar};
        const double *Gt = gr[a].gtest + l * nc * nc, *Gr = gr[a].gtrain + l * nc * nc;
        double te = 0, tr = 0;
        for (long c1 = 0; c1 < nc; c1++)
            for (long c2 = 0; c2 < nc; c2++) {
                te += v[c1] * v[c2] * Gt[c1 * nc + c2];
                tr += v[c1] * v[c2] * Gr[c1 * nc + c2];
            }
        double *o = out + SLT_RF_NOUT * k, nt = kern ? 1 : (double)dz->ntest;
        o[SLT_RF_TEST] = te / nt;
        o[SLT_RF_TRAIN] = tr / (double)n;
        o[SLT_RF_BIAS] = Gt[C_LIN * nc + C_LIN] / nt;
        o[SLT_RF_VARIANCE] = Gt[C_NOISE * nc + C_NOISE] / nt;
    }
    rc = 0;
done:
    slt_sf_map_free(map);
    free(X); free(Y); free(Z); free(ZtY); free(Cn); free(Gi); free(A); free(ev); free(T); free(T2);
    free(W); free(B); free(P); free(C); free(bu); free(A0); free(XA); free(Xt); free(Zt); free(ft);
    free(Th); free(Kb); free(Yb); free(beta);
    for (size_t a = 0; a < ng; a++) {
        free(gr[a].lam); free(gr[a].coef); free(gr[a].gtest); free(gr[a].gtrain); free(gr[a].Q);
    }
    free(gr);
    free(Ns);
    return rc;
oom:
    snprintf(err, SLT_ERRLEN, "out of memory for %zu points", npts);
    for (size_t a = 0; a < ng; a++) {
        free(gr[a].lam); free(gr[a].coef); free(gr[a].gtest); free(gr[a].gtrain); free(gr[a].Q);
    }
    free(gr);
    free(Ns);
    return 1;
}
