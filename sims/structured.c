/* structured.c: structured random features with FFTW (random_features.md section 3).
 * References: F. X. Yu et al., "Orthogonal Random Features", arXiv:1610.09072 (ORF, SORF);
 * Q. V. Le, T. Sarlos, A. J. Smola, "Fastfood", arXiv:1408.3060; F. Mezzadri, "How to generate
 * random matrices from the classical compact groups", arXiv:math-ph/0609050 (Haar Q from QR with
 * the columns signed by diag(R)). */
#include "sims/structured.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_randist.h>
#include <lapacke.h>

#include "slt.h"

const char *const slt_sf_names[] = {"iid", "orthogonal", "sorf", "circulant", "fastfood", NULL};

int slt_sf_from_name(const char *word)
{
    if (!word)
        return -1;
    for (int k = 0; slt_sf_names[k]; k++)
        if (strcmp(word, slt_sf_names[k]) == 0)
            return k;
    return -1;
}

static int is_pow2(size_t d)
{
    return d > 0 && (d & (d - 1)) == 0;
}

int slt_sf_supported(int kind, size_t d)
{
    if (kind < 0 || kind >= SLT_SF_COUNT || d == 0)
        return SLT_EUSAGE;
    if ((kind == SLT_SF_SORF || kind == SLT_SF_FASTFOOD) && !is_pow2(d))
        return SLT_EUSAGE;
    return SLT_OK;
}

/* ---- plans ---- */

struct slt_sf_plan {
    size_t d;
    int logd;             /* log2 d, or -1 if d is not a power of 2 */
    fftw_plan wht;        /* in place on wbuf; NULL when d = 1 (identity) or not a power of 2 */
    fftw_plan r2c, c2r;   /* size d, out of place between rbuf and cbuf */
    double *wbuf, *rbuf;  /* the planning arrays: they fix the alignment execute expects */
    fftw_complex *cbuf;
};

size_t slt_sf_plan_dim(const slt_sf_plan *p)
{
    return p ? p->d : 0;
}

void slt_sf_plan_free(slt_sf_plan *p)
{
    if (!p)
        return;
    if (p->wht)
        fftw_destroy_plan(p->wht);
    if (p->r2c)
        fftw_destroy_plan(p->r2c);
    if (p->c2r)
        fftw_destroy_plan(p->c2r);
    fftw_free(p->wbuf);
    fftw_free(p->rbuf);
    fftw_free(p->cbuf);
    free(p);
}

slt_sf_plan *slt_sf_plan_alloc(size_t d)
{
    if (d == 0 || d > (size_t)INT32_MAX)
        return NULL; /* FFTW sizes are int */
    slt_sf_plan *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->d = d;
    p->logd = -1;
    p->wbuf = fftw_malloc(d * sizeof *p->wbuf);
    p->rbuf = fftw_malloc(d * sizeof *p->rbuf);
    p->cbuf = fftw_malloc((d / 2 + 1) * sizeof *p->cbuf);
    if (!p->wbuf || !p->rbuf || !p->cbuf)
        goto fail;
    /* FFTW_ESTIMATE: the plan depends on sizes only, never on timings, so results are the same
     * bits on every run (FFTW_MEASURE, suggested in 3.2, may pick different algorithms). */
    if (is_pow2(d)) {
        int k = 0;
        while (((size_t)1 << k) < d)
            k++;
        p->logd = k;
        if (k > 0) {
            /* A size-2 R2HC maps (x0, x1) to (x0 + x1, x0 - x1); the rank-k product of them over
             * the binary digits of the index is the Sylvester-ordered WHT (3.2). */
            int n[64];
            fftw_r2r_kind kinds[64];
            for (int i = 0; i < k; i++) {
                n[i] = 2;
                kinds[i] = FFTW_R2HC;
            }
            p->wht = fftw_plan_r2r(k, n, p->wbuf, p->wbuf, kinds, FFTW_ESTIMATE);
            if (!p->wht)
                goto fail;
        }
    }
    p->r2c = fftw_plan_dft_r2c_1d((int)d, p->rbuf, p->cbuf, FFTW_ESTIMATE);
    p->c2r = fftw_plan_dft_c2r_1d((int)d, p->cbuf, p->rbuf, FFTW_ESTIMATE);
    if (!p->r2c || !p->c2r)
        goto fail;
    return p;
fail:
    slt_sf_plan_free(p);
    return NULL;
}

/* In-place butterfly WHT, Sylvester order. The first two levels are fused into a 4-point
 * transform so that the remaining levels have inner loops of length h >= 4, a multiple of 4;
 * those are unrolled by 4 by hand because gcc -O2 does not vectorise the plain loop, but its
 * basic-block vectoriser does take the unrolled body (about 2x at d = 4096). */
static void wht_butterfly(double *x, size_t d)
{
    if (d < 2)
        return;
    if (d == 2) {
        double a = x[0], b = x[1];
        x[0] = a + b;
        x[1] = a - b;
        return;
    }
    for (size_t i = 0; i < d; i += 4) {
        double a = x[i] + x[i + 1], b = x[i] - x[i + 1];
        double c = x[i + 2] + x[i + 3], e = x[i + 2] - x[i + 3];
        x[i] = a + c;
        x[i + 1] = b + e;
        x[i + 2] = a - c;
        x[i + 3] = b - e;
    }
    for (size_t h = 4; h < d; h <<= 1)
        for (size_t i = 0; i < d; i += 2 * h) {
            double *restrict lo = x + i, *restrict hi = x + i + h;
            for (size_t j = 0; j < h; j += 4) {
                double a0 = lo[j], a1 = lo[j + 1], a2 = lo[j + 2], a3 = lo[j + 3];
                double b0 = hi[j], b1 = hi[j + 1], b2 = hi[j + 2], b3 = hi[j + 3];
                lo[j] = a0 + b0;
                lo[j + 1] = a1 + b1;
                lo[j + 2] = a2 + b2;
                lo[j + 3] = a3 + b3;
                hi[j] = a0 - b0;
                hi[j + 1] = a1 - b1;
                hi[j + 2] = a2 - b2;
                hi[j + 3] = a3 - b3;
            }
        }
}

/* The transform on memory known to be fftw_malloc-aligned (map buffers): no checks. */
static void wht_exec(const slt_sf_plan *p, int method, double *x)
{
    if (method == SLT_SF_WHT_FFTW) {
        if (p->wht)
            fftw_execute_r2r(p->wht, x, x);
    } else {
        wht_butterfly(x, p->d);
    }
}

int slt_sf_wht(const slt_sf_plan *p, int method, double *x)
{
    if (!p || !x || p->logd < 0)
        return SLT_EUSAGE;
    if (method == SLT_SF_WHT_FFTW) {
        /* new-array execute requires the alignment the plan was made for */
        if (p->wht && fftw_alignment_of(x) != fftw_alignment_of(p->wbuf))
            return SLT_EUSAGE;
    } else if (method != SLT_SF_WHT_BUTTERFLY) {
        return SLT_EUSAGE;
    }
    wht_exec(p, method, x);
    return SLT_OK;
}

/* ---- maps ---- */

struct slt_sf_map {
    const slt_sf_plan *plan;
    int kind, method;
    size_t d, N, nb;    /* nb = ceil(N/d) blocks */
    double *theta;      /* iid, orthogonal: N x d rows, norm sqrt(d) */
    double *qr;         /* orthogonal: d x d column-major QR workspace */
    double *tau;        /* orthogonal: Householder scalars */
    double *sgn;        /* sorf: D1, D2, D3 per block (3d); circulant: D; fastfood: B (d) */
    double *g;          /* circulant: g with ||g|| = sqrt(d); fastfood: G / (||G|| sqrt d) */
    double *gnorm;      /* fastfood: ||G|| per block */
    size_t *perm;       /* fastfood: (Pi v)_k = v[perm[k]] */
    fftw_complex *ghat; /* circulant: FFT(g) / (d sqrt d) per block, d/2 + 1 each */
    double *buf, *buf2; /* work buffers from fftw_malloc */
    fftw_complex *cbuf;
};

double slt_sf_map_bytes(int kind, size_t d, size_t N)
{
    double nb = ceil((double)N / (double)d), D = (double)d, b = 8;
    double work = b * (2 * D + 2 * (D / 2 + 1));
    switch (kind) {
    case SLT_SF_IID:
        return work + b * (double)N * D;
    case SLT_SF_ORTHOGONAL:
        return work + b * ((double)N * D + D * D + D);
    case SLT_SF_SORF:
        return work + b * 3 * D * nb;
    case SLT_SF_CIRCULANT:
        return work + nb * (b * 2 * D + 16 * (D / 2 + 1));
    case SLT_SF_FASTFOOD:
        return work + nb * (b * 2 * D + b + sizeof(size_t) * D);
    default:
        return 0;
    }
}

void slt_sf_map_free(slt_sf_map *m)
{
    if (!m)
        return;
    free(m->theta);
    free(m->qr);
    free(m->tau);
    free(m->sgn);
    free(m->g);
    free(m->gnorm);
    free(m->perm);
    fftw_free(m->ghat);
    fftw_free(m->buf);
    fftw_free(m->buf2);
    fftw_free(m->cbuf);
    free(m);
}

slt_sf_map *slt_sf_map_alloc(const slt_sf_plan *p, int kind, size_t N, int wht_method)
{
    if (!p || N == 0 || slt_sf_supported(kind, p->d) != SLT_OK
        || (wht_method != SLT_SF_WHT_BUTTERFLY && wht_method != SLT_SF_WHT_FFTW))
        return NULL;
    slt_sf_map *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    size_t d = p->d;
    m->plan = p;
    m->kind = kind;
    m->method = wht_method;
    m->d = d;
    m->N = N;
    m->nb = (N + d - 1) / d;
    size_t nb = m->nb, nc = d / 2 + 1;
    m->buf = fftw_malloc(d * sizeof *m->buf);
    m->buf2 = fftw_malloc(d * sizeof *m->buf2);
    m->cbuf = fftw_malloc(nc * sizeof *m->cbuf);
    if (!m->buf || !m->buf2 || !m->cbuf)
        goto fail;
    switch (kind) {
    case SLT_SF_IID:
        if (!(m->theta = malloc(N * d * sizeof *m->theta)))
            goto fail;
        break;
    case SLT_SF_ORTHOGONAL:
        m->theta = malloc(N * d * sizeof *m->theta);
        m->qr = malloc(d * d * sizeof *m->qr);
        m->tau = malloc(d * sizeof *m->tau);
        if (!m->theta || !m->qr || !m->tau)
            goto fail;
        break;
    case SLT_SF_SORF:
        if (!(m->sgn = malloc(3 * d * nb * sizeof *m->sgn)))
            goto fail;
        break;
    case SLT_SF_CIRCULANT:
        m->sgn = malloc(d * nb * sizeof *m->sgn);
        m->g = malloc(d * nb * sizeof *m->g);
        m->ghat = fftw_malloc(nc * nb * sizeof *m->ghat);
        if (!m->sgn || !m->g || !m->ghat)
            goto fail;
        break;
    case SLT_SF_FASTFOOD:
        m->sgn = malloc(d * nb * sizeof *m->sgn);
        m->g = malloc(d * nb * sizeof *m->g);
        m->gnorm = malloc(nb * sizeof *m->gnorm);
        m->perm = malloc(d * nb * sizeof *m->perm);
        if (!m->sgn || !m->g || !m->gnorm || !m->perm)
            goto fail;
        break;
    default:
        goto fail;
    }
    return m;
fail:
    slt_sf_map_free(m);
    return NULL;
}

static void draw_signs(gsl_rng *r, double *s, size_t d)
{
    for (size_t i = 0; i < d; i++)
        s[i] = gsl_rng_uniform_int(r, 2) ? 1.0 : -1.0;
}

static double draw_normals(gsl_rng *r, double *g, size_t d) /* returns ||g|| */
{
    double ss = 0;
    for (size_t i = 0; i < d; i++) {
        g[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
        ss += g[i] * g[i];
    }
    return sqrt(ss);
}

/* One ORF block: rows = sqrt(d) Q^T with Q Haar. QR of a column-major Gaussian A = QR with
 * columns of Q multiplied by sign(R_jj) (Mezzadri): then Q, and Q^T, are Haar distributed.
 * Column j of Q is contiguous in column-major storage and becomes row j of the block. */
static int draw_orthogonal_block(slt_sf_map *m, gsl_rng *r, double *rows, size_t nrows)
{
    size_t d = m->d;
    lapack_int n = (lapack_int)d;
    for (size_t i = 0; i < d * d; i++)
        m->qr[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
    if (LAPACKE_dgeqrf(LAPACK_COL_MAJOR, n, n, m->qr, n, m->tau) != 0)
        return SLT_EFAIL;
    for (size_t j = 0; j < nrows; j++) /* diag(R) before dorgqr overwrites it */
        m->buf[j] = m->qr[j + j * d] < 0 ? -1.0 : 1.0;
    if (LAPACKE_dorgqr(LAPACK_COL_MAJOR, n, n, n, m->qr, n, m->tau) != 0)
        return SLT_EFAIL;
    double sd = sqrt((double)d);
    for (size_t j = 0; j < nrows; j++) {
        double f = sd * m->buf[j];
        const double *q = m->qr + j * d;
        for (size_t i = 0; i < d; i++)
            rows[j * d + i] = f * q[i];
    }
    return SLT_OK;
}

int slt_sf_map_draw(slt_sf_map *m, gsl_rng *r)
{
    if (!m || !r)
        return SLT_EUSAGE;
    size_t d = m->d, nc = d / 2 + 1;
    double sd = sqrt((double)d);
    for (size_t b = 0; b < m->nb; b++) {
        size_t nrows = (b + 1) * d <= m->N ? d : m->N - b * d;
        switch (m->kind) {
        case SLT_SF_IID:
            for (size_t a = 0; a < nrows; a++) {
                double *row = m->theta + (b * d + a) * d;
                double nrm = draw_normals(r, row, d);
                for (size_t i = 0; i < d; i++)
                    row[i] *= sd / nrm;
            }
            break;
        case SLT_SF_ORTHOGONAL: {
            int st = draw_orthogonal_block(m, r, m->theta + b * d * d, nrows);
            if (st)
                return st;
            break;
        }
        case SLT_SF_SORF:
            draw_signs(r, m->sgn + 3 * d * b, 3 * d); /* D1, D2, D3 */
            break;
        case SLT_SF_CIRCULANT: {
            double *g = m->g + d * b;
            double nrm = draw_normals(r, g, d);
            for (size_t i = 0; i < d; i++)
                g[i] *= sd / nrm; /* ||g|| = sqrt(d): every row of C(g) D has norm sqrt(d) */
            draw_signs(r, m->sgn + d * b, d);
            /* FFT(g) through the map's aligned buffers (the plan's alignment), then stored with
             * the 1/d of the unnormalised inverse FFT and the 1/sqrt(d) of the pre-activation */
            memcpy(m->buf, g, d * sizeof *g);
            fftw_execute_dft_r2c(m->plan->r2c, m->buf, m->cbuf);
            double sc = 1.0 / ((double)d * sd);
            fftw_complex *gh = m->ghat + nc * b;
            for (size_t k = 0; k < nc; k++) {
                gh[k][0] = m->cbuf[k][0] * sc;
                gh[k][1] = m->cbuf[k][1] * sc;
            }
            break;
        }
        case SLT_SF_FASTFOOD: {
            draw_signs(r, m->sgn + d * b, d);
            size_t *pm = m->perm + d * b;
            for (size_t i = 0; i < d; i++)
                pm[i] = i;
            for (size_t i = d - 1; i > 0; i--) {
                size_t j = gsl_rng_uniform_int(r, i + 1);
                size_t t = pm[i];
                pm[i] = pm[j];
                pm[j] = t;
            }
            double *g = m->g + d * b;
            double nrm = draw_normals(r, g, d);
            m->gnorm[b] = nrm;
            /* fold 1/||G|| (exact row norms) and 1/sqrt(d) (pre-activation) into G */
            for (size_t i = 0; i < d; i++)
                g[i] /= nrm * sd;
            break;
        }
        default:
            return SLT_EUSAGE;
        }
    }
    return SLT_OK;
}

/* Pre-activations of block b for x into the map's buffer; returns the buffer holding them. */
static const double *apply_block(slt_sf_map *m, size_t b, const double *x)
{
    size_t d = m->d;
    const slt_sf_plan *p = m->plan;
    double *v = m->buf;
    switch (m->kind) {
    case SLT_SF_SORF: {
        /* sqrt(d) Hn D1 Hn D2 Hn D3 x / sqrt(d) = H D1 H D2 H D3 x / d^(3/2) */
        const double *D1 = m->sgn + 3 * d * b, *D2 = D1 + d, *D3 = D2 + d;
        double sc = 1.0 / ((double)d * sqrt((double)d));
        for (size_t i = 0; i < d; i++)
            v[i] = D3[i] * x[i];
        wht_exec(p, m->method, v);
        for (size_t i = 0; i < d; i++)
            v[i] *= D2[i];
        wht_exec(p, m->method, v);
        for (size_t i = 0; i < d; i++)
            v[i] *= D1[i] * sc;
        wht_exec(p, m->method, v);
        return v;
    }
    case SLT_SF_FASTFOOD: {
        /* H G Pi H B x / (||G|| sqrt d); the scale sits in g */
        const double *B = m->sgn + d * b, *g = m->g + d * b;
        const size_t *pm = m->perm + d * b;
        double *w = m->buf2;
        for (size_t i = 0; i < d; i++)
            v[i] = B[i] * x[i];
        wht_exec(p, m->method, v);
        for (size_t k = 0; k < d; k++)
            w[k] = g[k] * v[pm[k]];
        wht_exec(p, m->method, w);
        return w;
    }
    case SLT_SF_CIRCULANT: {
        /* C(g) D x = IFFT(FFT(g) .* FFT(D x)); c2r overwrites cbuf, which is scratch */
        const double *D = m->sgn + d * b;
        const double *gh = (const double *)(m->ghat + (d / 2 + 1) * b); /* re, im pairs */
        for (size_t i = 0; i < d; i++)
            v[i] = D[i] * x[i];
        fftw_execute_dft_r2c(p->r2c, v, m->cbuf);
        for (size_t k = 0; k < d / 2 + 1; k++) {
            double re = m->cbuf[k][0], im = m->cbuf[k][1];
            m->cbuf[k][0] = re * gh[2 * k] - im * gh[2 * k + 1];
            m->cbuf[k][1] = re * gh[2 * k + 1] + im * gh[2 * k];
        }
        fftw_execute_dft_c2r(p->c2r, m->cbuf, m->buf2);
        return m->buf2;
    }
    default:
        return NULL;
    }
}

void slt_sf_apply(slt_sf_map *m, const double *x, double *out)
{
    size_t d = m->d, N = m->N;
    if (m->kind == SLT_SF_IID || m->kind == SLT_SF_ORTHOGONAL) {
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)N, (int)d, 1.0 / sqrt((double)d), m->theta,
                    (int)d, x, 1, 0.0, out, 1);
        return;
    }
    for (size_t b = 0; b < m->nb; b++) {
        size_t nrows = (b + 1) * d <= N ? d : N - b * d;
        const double *y = apply_block(m, b, x);
        memcpy(out + b * d, y, nrows * sizeof *y);
    }
}

void slt_sf_apply_batch(slt_sf_map *m, const double *X, size_t n, double *out)
{
    size_t d = m->d, N = m->N;
    if (n == 0)
        return;
    if (m->kind == SLT_SF_IID || m->kind == SLT_SF_ORTHOGONAL) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)N, (int)d,
                    1.0 / sqrt((double)d), X, (int)d, m->theta, (int)d, 0.0, out, (int)N);
        return;
    }
    for (size_t i = 0; i < n; i++)
        slt_sf_apply(m, X + i * d, out + i * N);
}

int slt_sf_dense_rows(const slt_sf_map *m, double *theta)
{
    size_t d = m->d, N = m->N;
    if (m->kind == SLT_SF_IID || m->kind == SLT_SF_ORTHOGONAL) {
        memcpy(theta, m->theta, N * d * sizeof *theta);
        return SLT_OK;
    }
    double sd = sqrt((double)d);
    if (m->kind == SLT_SF_CIRCULANT) {
        /* the definition: Theta[k][j] = g[(k - j) mod d] D_j */
        for (size_t a = 0; a < N; a++) {
            size_t b = a / d, k = a % d;
            const double *g = m->g + d * b, *D = m->sgn + d * b;
            for (size_t j = 0; j < d; j++)
                theta[a * d + j] = g[(k + d - j) % d] * D[j];
        }
        return SLT_OK;
    }
    /* Row a of the pre-activation operator P (P x = apply(x)) is P^T e_a: the transposed chain,
     * run with the butterfly (H is symmetric). Theta = sqrt(d) P. */
    double *u = malloc(2 * d * sizeof *u);
    if (!u)
        return SLT_EFAIL;
    double *w = u + d;
    for (size_t a = 0; a < N; a++) {
        size_t b = a / d, k = a % d;
        memset(u, 0, d * sizeof *u);
        u[k] = 1;
        wht_butterfly(u, d);
        double *row = theta + a * d;
        if (m->kind == SLT_SF_SORF) {
            /* P^T = D3 H D2 H D1 H / d^(3/2) */
            const double *D1 = m->sgn + 3 * d * b, *D2 = D1 + d, *D3 = D2 + d;
            for (size_t i = 0; i < d; i++)
                u[i] *= D1[i];
            wht_butterfly(u, d);
            for (size_t i = 0; i < d; i++)
                u[i] *= D2[i];
            wht_butterfly(u, d);
            for (size_t i = 0; i < d; i++)
                row[i] = D3[i] * u[i] / (double)d;
        } else { /* fastfood: P^T = B H Pi^T G' H, G' = G/(||G|| sqrt d) */
            const double *B = m->sgn + d * b, *g = m->g + d * b;
            const size_t *pm = m->perm + d * b;
            for (size_t i = 0; i < d; i++)
                w[pm[i]] = g[i] * u[i]; /* (Pi^T y)[perm[i]] = y[i] */
            wht_butterfly(w, d);
            for (size_t i = 0; i < d; i++)
                row[i] = B[i] * w[i] * sd;
        }
    }
    free(u);
    return SLT_OK;
}
