/* sparse_coding_sim.c: one trial of dictionary learning with the standard (reconstruction) and the
 * masking objective, OMP codes with stop-gradient, Adam with row renormalisation (sparse_coding.md
 * 2-7, 11, 13), and the paired Monte Carlo of the one-atom toy model (10). Reference: M.
 * Chidambaram, C. Wu, Y. Cheng, R. Ge, "Hiding Data Helps: On the Benefits of Masking for Sparse
 * Coding", ICML 2023, arXiv:2302.12715. */
#include "sparse_coding_sim.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_randist.h>

#include "engine/rng.h"
#include "engine/slt.h"
#include "sims/omp.h"

/* Adam constants of sparse_coding.md 6 (PyTorch's defaults). */
#define ADAM_B1 0.9
#define ADAM_B2 0.999
#define ADAM_EPS 1e-8
/* recovered: max_j |cos(a_i, b_j)| >= this (sparse_coding.md 7, optional diagnostic) */
#define RECOVERED_COS 0.9
/* steps per epoch in the fresh-sample mode (n = 0): that of the paper's n = 1000, batch 200 */
#define FRESH_STEPS_PER_EPOCH 5

static void normalise_rows(double *X, size_t rows, long d)
{
    for (size_t i = 0; i < rows; i++) {
        double nr = cblas_dnrm2((int)d, X + i * d, 1);
        if (nr > 0)
            cblas_dscal((int)d, 1 / nr, X + i * d, 1);
    }
}

/* n samples y = z A + sigma eps (sparse_coding.md 2); support a uniform k-subset (gsl_ran_choose
 * over all, the order of the p indices in all is restored by its sortedness), z_S ~ N(0, I)/norm */
static void draw_samples(gsl_rng *r, const double *A, long p, long d, long k, double sigma, double *Y, size_t n,
                         size_t *all, size_t *S)
{
    double z[k];
    for (long j = 0; j < p; j++)
        all[j] = (size_t)j;
    for (size_t i = 0; i < n; i++) {
        double *y = Y + i * d;
        gsl_ran_choose(r, S, (size_t)k, all, (size_t)p, sizeof(size_t));
        slt_rng_normals(r, z, (size_t)k, 1.0);
        double nz = cblas_dnrm2((int)k, z, 1);
        slt_rng_normals(r, y, (size_t)d, sigma);
        for (long a = 0; a < k; a++)
            cblas_daxpy((int)d, z[a] / nz, A + S[a] * d, 1, y, 1);
    }
}

/* Signal i's residual on the scored columns (all d in order if cols is NULL) into R; its loss if
 * want_loss (a sequential sum: training, which discards it, skips it), else 0 */
static double residual(const double *B, long d, const double *y, size_t k, const int *idx, const double *coef,
                       const int *cols, size_t ncols, double *R, int want_loss)
{
    for (size_t c = 0; c < ncols; c++)
        R[c] = y[cols ? (size_t)cols[c] : c];
    for (size_t t = 0; t < k; t++) {
        if (idx[t] < 0)
            continue;
        const double *b = B + (size_t)idx[t] * d, z = coef[t];
        if (cols)
            for (size_t c = 0; c < ncols; c++)
                R[c] -= z * b[cols[c]];
        else
            for (size_t c = 0; c < ncols; c++)
                R[c] -= z * b[c];
    }
    double loss = 0;
    for (size_t c = 0; want_loss && c < ncols; c++)
        loss += R[c] * R[c];
    return loss;
}

/* slt_sc_loss_grad, the loss computed only if want_loss (0 returned otherwise) */
static double loss_grad(const double *B, long d, const double *Y, size_t nb, size_t k, const int *idx,
                        const double *coef, const int *cols, size_t ncols, double *grad, double *R, int want_loss)
{
    double loss = 0, g = -2.0 / (double)nb;
    for (size_t i = 0; i < nb; i++) {
        loss += residual(B, d, Y + i * d, k, idx + i * k, coef + i * k, cols, ncols, R, want_loss);
        for (size_t t = 0; grad && t < k; t++) {
            if (idx[i * k + t] < 0)
                continue;
            double *gj = grad + (size_t)idx[i * k + t] * d, s = g * coef[i * k + t];
            if (cols)
                for (size_t c = 0; c < ncols; c++)
                    gj[cols[c]] += s * R[c];
            else
                for (size_t c = 0; c < ncols; c++)
                    gj[c] += s * R[c];
        }
    }
    return loss / (double)nb;
}

double slt_sc_loss_grad(const double *B, long d, const double *Y, size_t nb, size_t k, const int *idx,
                        const double *coef, const int *cols, size_t ncols, double *grad, double *R)
{
    return loss_grad(B, d, Y, nb, k, idx, coef, cols, ncols, grad, R, 1);
}

/* Adam on entries i0..n-1 of a row (c1, c2 the bias corrections) */
static void adam_scalar(double *x, double *m, double *v, const double *g, size_t i0, size_t n, double c1, double c2,
                        double lr)
{
    for (size_t i = i0; i < n; i++) {
        m[i] = ADAM_B1 * m[i] + (1 - ADAM_B1) * g[i];
        v[i] = ADAM_B2 * v[i] + (1 - ADAM_B2) * g[i] * g[i];
        x[i] -= lr * (m[i] / c1) / (sqrt(v[i] / c2) + ADAM_EPS);
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
/* The same operations in the same order, four entries at a time (AVX, no fused multiply-add: the
 * same bits; the compiler does not vectorise sqrt itself, which may set errno). */
__attribute__((target("avx"))) static void adam_avx(double *x, double *m, double *v, const double *g, size_t n,
                                                   double c1, double c2, double lr)
{
    const __m256d b1 = _mm256_set1_pd(ADAM_B1), a1 = _mm256_set1_pd(1 - ADAM_B1), b2 = _mm256_set1_pd(ADAM_B2),
                  a2 = _mm256_set1_pd(1 - ADAM_B2), vc1 = _mm256_set1_pd(c1), vc2 = _mm256_set1_pd(c2),
                  vlr = _mm256_set1_pd(lr), eps = _mm256_set1_pd(ADAM_EPS);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        __m256d gi = _mm256_loadu_pd(g + i);
        __m256d mi = _mm256_add_pd(_mm256_mul_pd(b1, _mm256_loadu_pd(m + i)), _mm256_mul_pd(a1, gi));
        __m256d vi = _mm256_add_pd(_mm256_mul_pd(b2, _mm256_loadu_pd(v + i)), _mm256_mul_pd(_mm256_mul_pd(a2, gi), gi));
        __m256d den = _mm256_add_pd(_mm256_sqrt_pd(_mm256_div_pd(vi, vc2)), eps);
        __m256d step = _mm256_div_pd(_mm256_mul_pd(vlr, _mm256_div_pd(mi, vc1)), den);
        _mm256_storeu_pd(m + i, mi);
        _mm256_storeu_pd(v + i, vi);
        _mm256_storeu_pd(x + i, _mm256_sub_pd(_mm256_loadu_pd(x + i), step));
    }
    adam_scalar(x, m, v, g, i, n, c1, c2, lr);
}
#endif

/* Row by row, so that the renormalisation reads the row while it is in cache. */
void slt_sc_adam_step(double *x, double *m, double *v, const double *g, size_t n, long d, long t, double lr)
{
    double c1 = 1 - pow(ADAM_B1, (double)t), c2 = 1 - pow(ADAM_B2, (double)t);
    int avx = 0;
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    avx = __builtin_cpu_supports("avx");
#endif
    for (size_t r = 0; r < n; r += (size_t)d) {
#if defined(__x86_64__) && defined(__GNUC__)
        if (avx)
            adam_avx(x + r, m + r, v + r, g + r, (size_t)d, c1, c2, lr);
        else
#endif
            adam_scalar(x + r, m + r, v + r, g + r, 0, (size_t)d, c1, c2, lr);
        normalise_rows(x + r, 1, d);
    }
}

int slt_sc_metrics(const double *A, long p, const double *B, long q, long d, double *cos, double *euc, double *rec)
{
    double *M = malloc((size_t)p * q * sizeof(double)), *nb = malloc((size_t)q * sizeof(double));
    if (!M || !nb) {
        free(M); free(nb);
        return SLT_EFAIL;
    }
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)p, (int)q, (int)d, 1.0, A, (int)d, B, (int)d, 0.0, M,
                (int)q);
    for (long j = 0; j < q; j++)
        nb[j] = cblas_dnrm2((int)d, B + j * d, 1);
    double sc = 0, se = 0, sr = 0;
    for (long i = 0; i < p; i++) {
        double na = cblas_dnrm2((int)d, A + i * d, 1), best = 0;
        for (long j = 0; j < q; j++)
            best = fmax(best, fabs(M[i * q + j]) / (na * nb[j]));
        best = fmin(best, 1.0);
        sc += 1 - best;
        se += sqrt(2 - 2 * best);
        sr += best >= RECOVERED_COS;
    }
    free(M); free(nb);
    *cos = sc / p; *euc = se / p; *rec = sr / p;
    return SLT_OK;
}

/* Everything one trial needs, allocated once: the draw (A, training and held-out sets, initial B)
 * and the training scratch shared by both objectives. */
typedef struct {
    const slt_sc_config *c;
    size_t nb, q, d;     /* batch rows, learned atoms, dimension */
    double *A, *Ytr, *Yho, *B0, *B, *m, *v, *grad, *BV, *YV, *Yf, *R, *coef;
    int *idx, *perm;
    size_t *all, *S;
    slt_omp *omp;
} trial_ws;

static void ws_free(trial_ws *w)
{
    free(w->A); free(w->Ytr); free(w->Yho); free(w->B0); free(w->B); free(w->m); free(w->v); free(w->grad);
    free(w->BV); free(w->YV); free(w->Yf); free(w->R); free(w->coef); free(w->idx); free(w->perm);
    free(w->all); free(w->S);
    slt_omp_free(w->omp);
}

static int ws_alloc(trial_ws *w, const slt_sc_config *c)
{
    memset(w, 0, sizeof *w);
    w->c = c;
    w->nb = (size_t)c->batch;
    w->q = (size_t)c->p_learn;
    w->d = (size_t)c->d;
    size_t qd = w->q * w->d, nd = w->nb * w->d, k = (size_t)c->k;
    w->A = malloc((size_t)c->p * w->d * sizeof(double));
    w->Ytr = malloc(((size_t)c->n * w->d + 1) * sizeof(double));
    w->Yho = malloc((size_t)c->nheld * w->d * sizeof(double));
    w->B0 = malloc(qd * sizeof(double));
    w->B = malloc(qd * sizeof(double));
    w->m = malloc(qd * sizeof(double));
    w->v = malloc(qd * sizeof(double));
    w->grad = malloc(qd * sizeof(double));
    w->BV = malloc(qd * sizeof(double));
    w->YV = malloc(nd * sizeof(double));
    w->Yf = malloc(nd * sizeof(double));
    w->R = malloc(w->d * sizeof(double));
    w->coef = malloc(w->nb * k * sizeof(double));
    w->idx = malloc(w->nb * k * sizeof(int));
    w->perm = malloc(w->d * sizeof(int));
    w->all = malloc((size_t)c->p * sizeof(size_t));
    w->S = malloc(k * sizeof(size_t));
    w->omp = slt_omp_alloc(w->nb, w->q, w->d, k);
    if (!w->A || !w->Ytr || !w->Yho || !w->B0 || !w->B || !w->m || !w->v || !w->grad || !w->BV || !w->YV || !w->Yf ||
        !w->R || !w->coef || !w->idx || !w->perm || !w->all || !w->S || !w->omp) {
        ws_free(w);
        return SLT_EFAIL;
    }
    return SLT_OK;
}

double slt_sc_trial_bytes(const slt_sc_config *c)
{
    double q = (double)c->p_learn, d = (double)c->d, nb = (double)c->batch;
    return 8.0 * (c->p * d + (c->n + c->nheld) * d + 6 * q * d + 2 * nb * d + 2 * nb * c->k) + 8.0 * c->p +
           slt_omp_bytes((size_t)c->batch, (size_t)c->p_learn, (size_t)c->d, (size_t)c->k);
}

/* Loss of objective obj on the rows Y[0..nb) with dictionary B, or the gradient added to w->grad if
 * grad is set (then 0 is returned: training does not use the loss). Masked: the split is the first v entries of a fresh shuffle of 0..d-1 from pr. */
static double batch_loss(trial_ws *w, int obj, const double *B, const double *Y, size_t nb, gsl_rng *pr, int grad)
{
    size_t d = w->d, q = w->q, k = (size_t)w->c->k;
    if (obj == SLT_SC_STANDARD) {
        slt_omp_run(w->omp, B, d, q, d, Y, d, nb, k, w->idx, w->coef);
        return loss_grad(B, (long)d, Y, nb, k, w->idx, w->coef, NULL, d, grad ? w->grad : NULL, w->R, !grad);
    }
    size_t v = (size_t)w->c->v;
    for (size_t j = 0; j < d; j++)
        w->perm[j] = (int)j;
    gsl_ran_shuffle(pr, w->perm, d, sizeof(int));
    for (size_t j = 0; j < q; j++)
        for (size_t a = 0; a < v; a++)
            w->BV[j * v + a] = B[j * d + (size_t)w->perm[a]];
    for (size_t i = 0; i < nb; i++)
        for (size_t a = 0; a < v; a++)
            w->YV[i * v + a] = Y[i * d + (size_t)w->perm[a]];
    slt_omp_run(w->omp, w->BV, v, q, v, w->YV, v, nb, k, w->idx, w->coef);
    return loss_grad(B, (long)d, Y, nb, k, w->idx, w->coef, w->perm + v, d - v, grad ? w->grad : NULL, w->R, !grad);
}

/* Mean per-sample loss of objective obj over the n rows of Y, in chunks of the batch size (masked:
 * one split per chunk, as in training). */
static double set_loss(trial_ws *w, int obj, const double *Y, size_t n, gsl_rng *pr)
{
    double s = 0;
    for (size_t off = 0; off < n; off += w->nb) {
        size_t nb = n - off < w->nb ? n - off : w->nb;
        s += batch_loss(w, obj, w->B, Y + off * w->d, nb, pr, 0) * (double)nb;
    }
    return s / (double)n;
}

/* Trains w->B (from w->B0) on objective obj (sparse_coding.md 6): the training set walked in order
 * in batches (or a fresh batch per step from the stream `seeds[0]`), Adam, rows renormalised. */
static int train(trial_ws *w, int obj, const uint64_t seeds[3])
{
    const slt_sc_config *c = w->c;
    size_t qd = w->q * w->d;
    long nbat = c->n > 0 ? (c->n + c->batch - 1) / c->batch : FRESH_STEPS_PER_EPOCH;
    gsl_rng *dr = slt_rng_alloc(seeds[0], 1, 0), *pr = slt_rng_alloc(seeds[1], 2, 0);
    if (!dr || !pr) {
        gsl_rng_free(dr); if (pr) gsl_rng_free(pr);
        return SLT_EFAIL;
    }
    memcpy(w->B, w->B0, qd * sizeof(double));
    memset(w->m, 0, qd * sizeof(double));
    memset(w->v, 0, qd * sizeof(double));
    long steps = c->steps > 0 ? c->steps : c->epochs * nbat;
    for (long t = 1; t <= steps; t++) {
        const double *Y = w->Yf;
        size_t nb = w->nb;
        if (c->n > 0) {
            size_t off = (size_t)((t - 1) % nbat) * w->nb;
            Y = w->Ytr + off * w->d;
            nb = (size_t)c->n - off < w->nb ? (size_t)c->n - off : w->nb;
        } else {
            draw_samples(dr, w->A, c->p, c->d, c->k, c->sigma, w->Yf, nb, w->all, w->S);
        }
        memset(w->grad, 0, qd * sizeof(double));
        batch_loss(w, obj, w->B, Y, nb, pr, 1);
        slt_sc_adam_step(w->B, w->m, w->v, w->grad, qd, c->d, t, c->lr);
    }
    gsl_rng_free(dr);
    gsl_rng_free(pr);
    return SLT_OK;
}

/* Initial dictionary (sparse_coding.md 3): unit rows from fresh noisy samples, with the truth in
 * rows 0..p-1 for A-init, or Gaussian rows. */
static void init_dict(trial_ws *w, gsl_rng *r)
{
    const slt_sc_config *c = w->c;
    if (c->init == SLT_SC_INIT_GAUSSIAN)
        slt_rng_normals(r, w->B0, w->q * w->d, 1.0);
    else
        draw_samples(r, w->A, c->p, c->d, c->k, c->sigma, w->B0, w->q, w->all, w->S);
    normalise_rows(w->B0, w->q, c->d);
    if (c->init == SLT_SC_INIT_TRUTH) {
        size_t rows = c->p < c->p_learn ? (size_t)c->p : w->q;
        memcpy(w->B0, w->A, rows * w->d * sizeof(double));
    }
}

static int evaluate(trial_ws *w, int obj, uint64_t seed, slt_sc_result *res)
{
    const slt_sc_config *c = w->c;
    gsl_rng *er = slt_rng_alloc(seed, 3, 0);
    if (!er || slt_sc_metrics(w->A, c->p, w->B, c->p_learn, c->d, &res->cos, &res->euc, &res->recovered)) {
        if (er) gsl_rng_free(er);
        return SLT_EFAIL;
    }
    res->train = c->n > 0 ? set_loss(w, obj, w->Ytr, (size_t)c->n, er) : NAN;
    res->heldout = set_loss(w, obj, w->Yho, (size_t)c->nheld, er);
    gsl_rng_free(er);
    return SLT_OK;
}

int slt_sc_trial(const slt_sc_config *c, gsl_rng *rng, slt_sc_result res[2], char *err)
{
    trial_ws w;
    if (ws_alloc(&w, c)) {
        snprintf(err, SLT_ERRLEN, "out of memory");
        return SLT_EFAIL;
    }
    slt_rng_normals(rng, w.A, (size_t)(c->p * c->d), 1.0);
    normalise_rows(w.A, (size_t)c->p, c->d);
    draw_samples(rng, w.A, c->p, c->d, c->k, c->sigma, w.Ytr, (size_t)c->n, w.all, w.S);
    draw_samples(rng, w.A, c->p, c->d, c->k, c->sigma, w.Yho, (size_t)c->nheld, w.all, w.S);
    init_dict(&w, rng);
    uint64_t seeds[3];
    for (int i = 0; i < 3; i++) {
        uint64_t hi = gsl_rng_get(rng); /* two calls in sequence: the order is fixed */
        seeds[i] = (hi << 32) ^ gsl_rng_get(rng);
    }
    int rc = SLT_OK;
    for (int obj = 0; obj < 2 && rc == SLT_OK; obj++)
        if (c->run[obj] && (train(&w, obj, seeds) || evaluate(&w, obj, seeds[2], &res[obj])))
            rc = SLT_EFAIL;
    ws_free(&w);
    if (rc)
        snprintf(err, SLT_ERRLEN, "out of memory");
    return rc;
}

/* Toy model geometry: the flat atom a and m orthonormal directions u_j orthogonal to a (Gram-Schmidt
 * of e_1..e_m against a and each other); the masked loss depends on this choice, the standard not. */
static void toy_basis(long d, long m, double *a, double *U)
{
    for (long i = 0; i < d; i++)
        a[i] = 1 / sqrt((double)d);
    for (long j = 0; j < m; j++) {
        double *u = U + j * d;
        memset(u, 0, (size_t)d * sizeof(double));
        u[j] = 1;
        cblas_daxpy((int)d, -cblas_ddot((int)d, a, 1, u, 1), a, 1, u, 1);
        for (long l = 0; l < j; l++)
            cblas_daxpy((int)d, -cblas_ddot((int)d, U + l * d, 1, u, 1), U + l * d, 1, u, 1);
        cblas_dscal((int)d, 1 / cblas_dnrm2((int)d, u, 1), u, 1);
    }
}

/* Inner products of one sample restricted to a coordinate set (visible or hidden): with y, a, u_j. */
typedef struct {
    double yy, ya, aa, yu[64], au[64], uu[64];
} toy_proj;

static void toy_project(const double *y, const double *a, const double *U, long d, long m, const unsigned char *in,
                        unsigned char want, toy_proj *P)
{
    memset(P, 0, sizeof *P);
    for (long i = 0; i < d; i++) {
        if (in[i] != want)
            continue;
        P->yy += y[i] * y[i];
        P->ya += y[i] * a[i];
        P->aa += a[i] * a[i];
        for (long j = 0; j < m; j++) {
            double u = U[j * d + i];
            P->yu[j] += y[i] * u;
            P->au[j] += a[i] * u;
            P->uu[j] += u * u;
        }
    }
}

/* Hidden loss ||y_H - beta b_H||^2 of the 1-sparse masked decode on copy b = s (a + delta u_j) (j < 0:
 * the atom a itself), beta = <b_V, y_V> / ||b_V||^2. */
static double toy_masked_loss(const toy_proj *V, const toy_proj *H, long j, double delta)
{
    double dl = j < 0 ? 0 : delta, yuV = j < 0 ? 0 : V->yu[j], auV = j < 0 ? 0 : V->au[j], uuV = j < 0 ? 0 : V->uu[j];
    double yuH = j < 0 ? 0 : H->yu[j], auH = j < 0 ? 0 : H->au[j], uuH = j < 0 ? 0 : H->uu[j];
    /* the scale s = 1/sqrt(1 + delta^2) cancels in beta b */
    double cv = V->ya + dl * yuV, nv = V->aa + 2 * dl * auV + dl * dl * uuV;
    double ch = H->ya + dl * yuH, nh = H->aa + 2 * dl * auH + dl * dl * uuH, beta = cv / nv;
    return H->yy - 2 * beta * ch + beta * beta * nh;
}

/* Per sample: both gains at every delta, lg the masked loss of the atom itself. Selection among
 * copies by the largest |<b_j, y>| (full y for the standard decoder, y_V for the masked one), first
 * index on ties. */
static void toy_gains(const toy_proj *F, const toy_proj *V, const toy_proj *H, long m, size_t nd, const double *delta,
                      double lg, double *gs, double *gm)
{
    for (size_t t = 0; t < nd; t++) {
        double dl = delta[t], s2 = 1 / (1 + dl * dl), s = sqrt(s2), bs = -1, bv = -1;
        long jv = 0;
        for (long j = 0; j < m; j++) {
            double cf = F->ya + dl * F->yu[j], cv = fabs(V->ya + dl * V->yu[j]);
            bs = fmax(bs, cf * cf * s2);
            if (cv * s > bv) {
                bv = cv * s;
                jv = j;
            }
        }
        gs[t] += F->ya * F->ya - bs;
        gm[t] += toy_masked_loss(V, H, jv, dl) - lg;
    }
}

int slt_sc_toy_mc(double c, long m, long d, long v, long samples, size_t ndelta, const double *delta, gsl_rng *rng,
                  double *gain_std, double *gain_mask, double *mask_truth, char *err)
{
    if (m < 1 || m >= d || m > 64 || v < 1 || v >= d || samples < 1) {
        snprintf(err, SLT_ERRLEN, "toy model: needs 1 <= m < d, m <= 64, 1 <= v < d");
        return SLT_EFAIL;
    }
    double *a = malloc((size_t)d * sizeof(double)), *U = malloc((size_t)(m * d) * sizeof(double));
    double *y = malloc((size_t)d * sizeof(double));
    int *perm = malloc((size_t)d * sizeof(int));
    unsigned char *in = malloc((size_t)d);
    if (!a || !U || !y || !perm || !in) {
        free(a); free(U); free(y); free(perm); free(in);
        snprintf(err, SLT_ERRLEN, "out of memory");
        return SLT_EFAIL;
    }
    toy_basis(d, m, a, U);
    memset(gain_std, 0, ndelta * sizeof(double));
    memset(gain_mask, 0, ndelta * sizeof(double));
    double lt = 0;
    toy_proj F, V, H;
    for (long s = 0; s < samples; s++) {
        double sign = gsl_rng_uniform(rng) < 0.5 ? -1 : 1;
        slt_rng_normals(rng, y, (size_t)d, 1.0);
        cblas_daxpy((int)d, c * sign, a, 1, y, 1);
        for (long i = 0; i < d; i++)
            perm[i] = (int)i;
        gsl_ran_shuffle(rng, perm, (size_t)d, sizeof(int));
        memset(in, 0, (size_t)d);
        for (long i = 0; i < v; i++)
            in[perm[i]] = 1;
        toy_project(y, a, U, d, m, in, 1, &V);
        toy_project(y, a, U, d, m, in, 0, &H);
        F.ya = V.ya + H.ya; /* the full projections, for the standard decoder */
        for (long j = 0; j < m; j++)
            F.yu[j] = V.yu[j] + H.yu[j];
        double lg = toy_masked_loss(&V, &H, -1, 0);
        lt += lg;
        toy_gains(&F, &V, &H, m, ndelta, delta, lg, gain_std, gain_mask);
    }
    for (size_t t = 0; t < ndelta; t++) {
        gain_std[t] /= (double)samples;
        gain_mask[t] /= (double)samples;
    }
    *mask_truth = lt / (double)samples;
    free(a); free(U); free(y); free(perm); free(in);
    return SLT_OK;
}
