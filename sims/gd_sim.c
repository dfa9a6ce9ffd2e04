/* gd_sim.c: the exact test and training error of gradient flow and gradient descent for one
 * Gaussian draw (linear.md 4.2, 5.2). The flow is solved in closed form per eigenmode of the
 * smaller Gram matrix, so one eigendecomposition serves every time, SNR and initial variance of a batch;
 * discrete GD is also run as the literal iteration. Reference: M. S. Advani, A. M. Saxe,
 * "High-dimensional dynamics of generalization error in neural networks", 2017, arXiv:1710.03667. */
#include "gd_sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_randist.h>
#include <lapacke.h>

#include "engine/rng.h"
#include "engine/slt.h"

/* Modes with l <= GD_FROZEN * l_max are the null space of X (linear.md 5.2: "l < 1e-10 is
 * frozen"); relative so that it is scale-free. At alpha = 1 the smallest true eigenvalue is
 * ~1/N^2 (6e-6 at N = 400, 1e-10 only near N = 1e5), far above the ~1e-15 of the null modes. */
#define GD_FROZEN 1e-10
/* (1 - D)/l is replaced by its l -> 0 limit (the elapsed time) below this l t (linear.md 1.3). */
#define GD_SMALL_LT 1e-12

double slt_gd_eta_max(double alpha, long N)
{
    double s = sqrt(alpha), lp = (1 + s) * (1 + s);
    if (N <= 0)
        return 2 / lp;
    double tw = (1 + s) * cbrt(1 + 1 / s) * pow((double)N, -2.0 / 3.0);
    return 2 / (lp + 6 * tw);
}

double slt_gd_sim_bytes_with(int sampler, long N, long P, int method)
{
    if (sampler == SLT_GD_SPECTRAL) /* a, b, c and the O(min(N, P)) spectral summary */
        return 8.0 * (20 * ((double)N + (double)P));
    return slt_gd_sim_bytes(N, P, method);
}

double slt_gd_sim_bytes(long N, long P, int method)
{
    double n = (double)N, p = (double)P, m = fmin(n, p);
    /* X, then the Gram matrix and the eigensolver's workspace (2 m^2 + 8 m, dstedc's 1 + 4 m + m^2
     * doubles), or for the iteration with P > N the Gram matrix X'X; vectors */
    double mat = method == SLT_GD_ITERATE ? (p > n ? n * n : 0) : 3 * m * m;
    return 8.0 * (n * p + mat + 20 * (n + p));
}

/* The draw and its spectral summary: everything a query needs, O(m) numbers. */
typedef struct {
    long N, P, m;
    double *X;              /* P x N, row-major */
    double *a, *b, *c;      /* teacher (N), noise (P), init (N) directions, N(0, 1) */
    /* eigen methods: l (m), sqrt(l), live (l > cut), A = V'a, C = V'c over the row space of X,
     * q = U'b (U: left singular vectors); the null-space sums of a and c */
    double *l, *sl, *A, *C, *q;
    unsigned char *live;
    double aa, cc, ac, bperp; /* ||P0 a||^2, ||P0 c||^2, (P0 a).(P0 c), ||(I - U U') b||^2 */
} draw_t;

static void draw_free(draw_t *d)
{
    free(d->X); free(d->a); free(d->b); free(d->c);
    free(d->l); free(d->sl); free(d->A); free(d->C); free(d->q); free(d->live);
}

static int draw_alloc(draw_t *d, long N, long P, int eigen, int with_x)
{
    memset(d, 0, sizeof *d);
    d->N = N, d->P = P, d->m = N < P ? N : P;
    long m = d->m;
    d->X = with_x ? malloc((size_t)P * N * sizeof(double)) : NULL;
    d->a = malloc(N * sizeof(double));
    d->b = malloc(P * sizeof(double));
    d->c = malloc(N * sizeof(double));
    if (eigen) {
        d->l = malloc(m * sizeof(double));
        d->sl = malloc(m * sizeof(double));
        d->A = malloc(m * sizeof(double));
        d->C = malloc(m * sizeof(double));
        d->q = malloc(m * sizeof(double));
        d->live = malloc(m);
    }
    if ((with_x && !d->X) || !d->a || !d->b || !d->c ||
        (eigen && (!d->l || !d->sl || !d->A || !d->C || !d->q || !d->live))) {
        draw_free(d);
        return 1;
    }
    return 0;
}

static double dot(long n, const double *x, const double *y) { return cblas_ddot(n, x, 1, y, 1); }

/* Eigenvalues l (ascending) of the symmetric m x m matrix M (its column-major lower triangle;
 * destroyed) and V'R for the 3 columns of R (m x 3, column-major; overwritten), V its
 * eigenvectors, without forming V: the tridiagonal reduction M = Q T Q' (dsytrd), Q'R (dormtr),
 * T = Z diag(l) Z' by divide and conquer (dstedc), then Z'(Q'R). A dsyevd with vectors does the
 * same but also back-transforms all m eigenvectors (2 m^3 flops, about a quarter of its time at
 * m = 400) only for 3 projections: 0.77x the time of the literal sampler. (MRRR, dstemr, is
 * O(m^2) in flops but its scalar inner loops took as long at m = 400.) Z: m^2 + 5 m doubles. */
static int eig_project(double *M, long m, double *R, double *l, double *Z, char *err)
{
    lapack_int n = (lapack_int)m;
    double *e = Z + (size_t)m * m, *tau = e + m, *QR = tau + m; /* QR: 3 m */
    int rc = LAPACKE_dsytrd(LAPACK_COL_MAJOR, 'L', n, M, n, l, e, tau) ||
             LAPACKE_dormtr(LAPACK_COL_MAJOR, 'L', 'L', 'T', n, 3, M, n, tau, R, n);
    if (!rc && LAPACKE_dstedc(LAPACK_COL_MAJOR, 'I', n, l, e, Z, n))
        rc = 2;
    if (rc) {
        snprintf(err, SLT_ERRLEN, "the symmetric eigenproblem failed (m = %ld: %s)", m,
                 rc == 1 ? "out of memory in dsytrd or dormtr" : "dstedc did not converge");
        return 1;
    }
    memcpy(QR, R, 3 * (size_t)m * sizeof(double));
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, n, 3, n, 1.0, Z, n, QR, n, 0.0, R, n);
    return 0;
}

/* The smaller Gram matrix's eigenvalues and the projections of a, b, c on its eigenvectors
 * (eig_project). P >= N: X'X = V L V', A = V'a, q = L^{-1/2} V'X'b (= U'b). P < N: X X' = U L U',
 * the row-space eigenvectors are v = X'u/sqrt(l), so A = U'(X a)/sqrt(l), q = U'b, and the N - P
 * frozen directions enter only through the norms of a and c minus their row-space parts. */
static int spectrum(draw_t *d, char *err)
{
    long N = d->N, P = d->P, m = d->m;
    /* M (m^2), R (3 m: a, c, X'b or X a, X c, b, then their projections), eig_project's Z */
    double *M = malloc(((size_t)m * m * 2 + 8 * (size_t)m) * sizeof(double)), *R = M + (size_t)m * m, *w = R + 2 * m;
    /* (eig_project needs m^2 + 5 m after R; dstedc allocates 1 + 4 m + m^2 more itself) */
    int rc = 0;
    if (!M) {
        snprintf(err, SLT_ERRLEN, "out of memory for N = %ld, P = %ld", N, P);
        rc = 1;
        goto done;
    }
    /* row-major upper triangle = column-major lower triangle (symmetric) */
    if (P >= N) {
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, N, P, 1.0, d->X, N, 0.0, M, N);
        memcpy(R, d->a, N * sizeof(double));
        memcpy(R + m, d->c, N * sizeof(double));
        cblas_dgemv(CblasRowMajor, CblasTrans, P, N, 1.0, d->X, N, d->b, 1, 0.0, w, 1);
    } else {
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, P, N, 1.0, d->X, N, 0.0, M, P);
        cblas_dgemv(CblasRowMajor, CblasNoTrans, P, N, 1.0, d->X, N, d->a, 1, 0.0, R, 1);
        cblas_dgemv(CblasRowMajor, CblasNoTrans, P, N, 1.0, d->X, N, d->c, 1, 0.0, R + m, 1);
        memcpy(w, d->b, P * sizeof(double));
    }
    if (eig_project(M, m, R, d->l, R + 3 * m, err)) {
        rc = 1;
        goto done;
    }
    memcpy(d->A, R, m * sizeof(double));
    memcpy(d->C, R + m, m * sizeof(double));
    double cut = GD_FROZEN * d->l[m - 1];
    for (long j = 0; j < m; j++) {
        d->live[j] = d->l[j] > cut;
        d->sl[j] = d->live[j] ? sqrt(d->l[j]) : 0;
    }
    double nb2 = dot(P, d->b, d->b), rb = 0;
    d->aa = d->cc = d->ac = 0;
    if (P >= N) {
        for (long j = 0; j < m; j++) {
            if (d->live[j]) {
                d->q[j] = w[j] / d->sl[j];
                rb += d->q[j] * d->q[j];
            } else { /* a null direction of X: it keeps its part of w0 - wbar for ever */
                d->aa += d->A[j] * d->A[j];
                d->cc += d->C[j] * d->C[j];
                d->ac += d->A[j] * d->C[j];
                d->A[j] = d->C[j] = d->q[j] = 0;
            }
        }
    } else {
        memcpy(d->q, w, m * sizeof(double));
        double ra = 0, rc2 = 0, rac = 0;
        for (long j = 0; j < m; j++) {
            if (d->live[j]) {
                d->A[j] /= d->sl[j];
                d->C[j] /= d->sl[j];
                ra += d->A[j] * d->A[j];
                rc2 += d->C[j] * d->C[j];
                rac += d->A[j] * d->C[j];
                rb += d->q[j] * d->q[j];
            } else
                d->A[j] = d->C[j] = d->q[j] = 0;
        }
        /* null space = complement of the row space: ~(1 - alpha) of each norm, no cancellation */
        d->aa = fmax(0.0, dot(N, d->a, d->a) - ra);
        d->cc = fmax(0.0, dot(N, d->c, d->c) - rc2);
        d->ac = dot(N, d->a, d->c) - rac;
    }
    /* the part of the noise no w can fit: P - rank of the P directions, none if X has rank P */
    long rank = 0;
    for (long j = 0; j < m; j++)
        rank += d->live[j];
    d->bperp = rank == P ? 0.0 : fmax(0.0, nb2 - rb);
done:
    free(M);
    return rc;
}

/* Eigenvalues l (m, ascending) of W / N, W = G'G real Wishart with G n x m standard normal
 * (n >= m): those of B'B with B upper bidiagonal, B_ii = chi_{n-i}, B_{i,i+1} = chi_{m-1-i}
 * (Dumitriu, Edelman, "Matrix models for beta ensembles", 2002, arXiv:math-ph/0206043, beta = 1).
 * B'B is tridiagonal: diagonal B_ii^2 + B_{i-1,i}^2, off-diagonal B_ii B_{i,i+1}. dsterf (root-free
 * QL/QR, no eigenvectors) takes O(m^2); its absolute error eps l_max is that of dsyevd on the
 * Gram matrix. (dlasq1, dqds on B itself, has relative accuracy but took 1.2-1.3x dsterf's time
 * at m = 200 and 400 here: bench/floor_rates.) Draws 2m - 1 chi-squared variates from rng, diagonal
 * first. e: m scratch doubles. */
static int laguerre(long n, long m, double scale, gsl_rng *rng, double *l, double *e)
{
    for (long i = 0; i < m; i++)
        l[i] = gsl_ran_chisq(rng, (double)(n - i));
    for (long i = 0; i + 1 < m; i++)
        e[i] = gsl_ran_chisq(rng, (double)(m - 1 - i));
    for (long i = m - 2; i >= 0; i--) { /* descending: l[i] is still B_ii^2 here */
        double off = sqrt(l[i] * e[i]);
        l[i + 1] += e[i];
        e[i] = off;
    }
    if (LAPACKE_dsterf((lapack_int)m, l, e))
        return 1;
    for (long i = 0; i < m; i++)
        l[i] *= scale;
    return 0;
}

/* e^x and 1 - e^x for x <= 0 with one exponential: below e^x = 1/2 the difference 1 - e^x is
 * within an ulp of exact, above it e^x = 1 - (1 - e^x) is, so expm1 is needed only there. */
static void exp_pair(double x, double *D, double *omd)
{
    if (x < -M_LN2) {
        *D = exp(x);
        *omd = 1 - *D;
    } else {
        *omd = -expm1(x);
        *D = 1 - *omd;
    }
}

/* Decay of mode l after time t: D and (1 - D)/l (linear.md 4.2). Flow: D = e^{-l t}; steps:
 * D = (1 - eta l)^k, k = round(t/eta). t = inf: the stable limit D = 0. */
static void decay(int method, double eta, double t, double l, double *D, double *omdl)
{
    if (isinf(t)) {
        *D = 0, *omdl = 1 / l;
        return;
    }
    double tt = t, omd;
    if (method == SLT_GD_FLOW)
        exp_pair(-l * t, D, &omd);
    else {
        double k = nearbyint(t / eta), el = eta * l;
        tt = k * eta;
        if (el < 1)
            exp_pair(k * log1p(-el), D, &omd);
        else {
            *D = pow(1 - el, k);
            omd = 1 - *D;
        }
    }
    *omdl = l * tt < GD_SMALL_LT ? tt : omd / l;
}

/* Errors of one query from the spectral summary (linear.md 4.2): in the row space, mode j of
 * w - wbar is z_j(t) = z_j(0) D + e_j (1 - D)/l, z(0) = V'(w0 - wbar), e = sqrt(se2 l) q; the
 * residual y - X w has mode D (e_j - l z_j(0))/sqrt(l) plus the unfittable bperp part. Weight
 * decay: z_j = (e_j - g Abar_j)/(l + g), residual g (e_j + l Abar_j)/(sqrt(l)(l + g)). */
static void query(const draw_t *d, int method, double eta, const slt_gd_query *qq, double *eg, double *et)
{
    double sw = sqrt(qq->sw2), se = sqrt(qq->se2), s0 = sqrt(qq->sw02);
    double sg = 0, st = 0, frozen;
    if (qq->kind == SLT_GD_WEIGHT_DECAY) {
        double g = qq->g;
        for (long j = 0; j < d->m; j++) {
            if (!d->live[j])
                continue;
            double l = d->l[j], ab = sw * d->A[j], z, r;
            if (g == 0) { /* the pseudo-inverse: fits y exactly in the row space */
                z = se * d->q[j] / d->sl[j];
                r = 0;
            } else if (isinf(g)) { /* w = 0 */
                z = -ab;
                r = se * d->q[j] + d->sl[j] * ab;
            } else {
                z = (se * d->sl[j] * d->q[j] - g * ab) / (l + g);
                r = g * (se * d->q[j] + d->sl[j] * ab) / (l + g);
            }
            sg += z * z;
            st += r * r;
        }
        frozen = qq->sw2 * d->aa; /* w_g has no null-space part: the teacher's is lost */
    } else {
        for (long j = 0; j < d->m; j++) {
            if (!d->live[j])
                continue;
            double l = d->l[j], D, omdl;
            decay(method, eta, qq->t, l, &D, &omdl);
            double z0 = s0 * d->C[j] - sw * d->A[j];
            double z = z0 * D + se * d->sl[j] * d->q[j] * omdl;
            double r = D * (se * d->q[j] - d->sl[j] * z0);
            sg += z * z;
            st += r * r;
        }
        /* frozen subspace: w0 - wbar there never moves (linear.md 4.2) */
        frozen = fmax(0.0, qq->sw02 * d->cc - 2 * s0 * sw * d->ac + qq->sw2 * d->aa);
    }
    *eg = (sg + frozen) / (double)d->N + qq->se2;
    *et = (qq->se2 * d->bperp + st) / (double)d->P;
}

typedef struct {
    double k;
    size_t i;
} kidx_t;

static int cmp_k(const void *x, const void *y)
{
    const kidx_t *a = x, *b = y;
    return a->k < b->k ? -1 : a->k > b->k ? 1 : (a->i > b->i) - (a->i < b->i);
}

static int same_scales(const slt_gd_query *a, const slt_gd_query *b)
{
    return a->sw2 == b->sw2 && a->se2 == b->se2 && a->sw02 == b->sw02;
}

/* Literal GD, w_{k+1} = w_k + eta X'(y - X w_k) (linear.md 4.1), one run per distinct scale
 * triple up to its largest k, errors recorded on the way. For P > N the same iteration is run as
 * w += eta (X'y - (X'X) w) with X'X formed once: N^2 instead of 2 P N flops per step. */
static int iterate(const draw_t *d, double eta, size_t nq, const slt_gd_query *q, double *eg, double *et,
                   char *err)
{
    long N = d->N, P = d->P;
    int gram = P > N;
    double *C = gram ? malloc((size_t)N * N * sizeof(double)) : NULL;
    double *w = malloc(N * sizeof(double)), *wb = malloc(N * sizeof(double)), *h = malloc(N * sizeof(double));
    double *y = malloc(P * sizeof(double)), *r = malloc(P * sizeof(double));
    kidx_t *ks = malloc(nq * sizeof(kidx_t));
    unsigned char *done = calloc(nq, 1);
    int rc = 0;
    if ((gram && !C) || !w || !wb || !h || !y || !r || !ks || !done) {
        snprintf(err, SLT_ERRLEN, "out of memory for N = %ld, P = %ld", N, P);
        rc = 1;
        goto out;
    }
    if (gram)
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, N, P, 1.0, d->X, N, 0.0, C, N);
    for (size_t g0 = 0; g0 < nq; g0++) {
        if (done[g0])
            continue;
        const slt_gd_query *s = &q[g0];
        double sw = sqrt(s->sw2), se = sqrt(s->se2), s0 = sqrt(s->sw02);
        size_t n = 0;
        for (size_t i = g0; i < nq; i++)
            if (!done[i] && same_scales(&q[i], s)) {
                ks[n].k = nearbyint(q[i].t / eta);
                ks[n++].i = i;
                done[i] = 1;
            }
        qsort(ks, n, sizeof *ks, cmp_k);
        for (long j = 0; j < N; j++) {
            wb[j] = sw * d->a[j];
            w[j] = s0 * d->c[j];
        }
        for (long i = 0; i < P; i++)
            y[i] = se * d->b[i];
        cblas_dgemv(CblasRowMajor, CblasNoTrans, P, N, 1.0, d->X, N, wb, 1, 1.0, y, 1);
        if (gram)
            cblas_dgemv(CblasRowMajor, CblasTrans, P, N, 1.0, d->X, N, y, 1, 0.0, h, 1);
        double k = 0;
        for (size_t a = 0; a < n; a++) {
            for (; k < ks[a].k; k++) {
                if (gram) { /* r <- X'y - C w, then w += eta r */
                    memcpy(r, h, N * sizeof(double));
                    cblas_dsymv(CblasRowMajor, CblasUpper, N, -1.0, C, N, w, 1, 1.0, r, 1);
                    cblas_daxpy(N, eta, r, 1, w, 1);
                } else {
                    memcpy(r, y, P * sizeof(double));
                    cblas_dgemv(CblasRowMajor, CblasNoTrans, P, N, -1.0, d->X, N, w, 1, 1.0, r, 1);
                    cblas_dgemv(CblasRowMajor, CblasTrans, P, N, eta, d->X, N, r, 1, 1.0, w, 1);
                }
            }
            double e2 = 0;
            for (long j = 0; j < N; j++)
                e2 += (w[j] - wb[j]) * (w[j] - wb[j]);
            memcpy(r, y, P * sizeof(double));
            cblas_dgemv(CblasRowMajor, CblasNoTrans, P, N, -1.0, d->X, N, w, 1, 1.0, r, 1);
            eg[ks[a].i] = e2 / (double)N + s->se2;
            et[ks[a].i] = dot(P, r, r) / (double)P;
        }
    }
out:
    free(C); free(w); free(wb); free(h); free(y); free(r); free(ks); free(done);
    return rc;
}

/* The spectral draw (SLT_GD_SPECTRAL): the eigenvalues from laguerre(), then a, b, c drawn as in
 * the literal draw and read in the eigenbasis: A = a[0, m), C = c[0, m) (row space of X),
 * q = b[0, m) (its column space); the rest of a and c spans the null space of X (N > P), the rest
 * of b the noise no w can fit (P > N). A mode at or below the frozen cut (never seen: the smallest
 * eigenvalue is ~1/N^2) is moved to those sums, as the literal path does. */
static int spectral(draw_t *d, gsl_rng *rng, char *err)
{
    long N = d->N, P = d->P, m = d->m;
    if (laguerre(N > P ? N : P, m, 1 / (double)N, rng, d->l, d->sl)) {
        snprintf(err, SLT_ERRLEN, "dsterf did not converge (N = %ld, P = %ld)", N, P);
        return 1;
    }
    slt_rng_normals(rng, d->a, N, 1.0);
    slt_rng_normals(rng, d->b, P, 1.0);
    slt_rng_normals(rng, d->c, N, 1.0);
    double cut = GD_FROZEN * d->l[m - 1], bp = 0;
    long rank = 0;
    d->aa = d->cc = d->ac = 0;
    for (long j = 0; j < m; j++) {
        d->live[j] = d->l[j] > cut;
        rank += d->live[j];
        d->sl[j] = d->live[j] ? sqrt(d->l[j]) : 0;
        d->A[j] = d->a[j], d->C[j] = d->c[j], d->q[j] = d->b[j];
        if (!d->live[j]) {
            d->aa += d->A[j] * d->A[j], d->cc += d->C[j] * d->C[j], d->ac += d->A[j] * d->C[j];
            bp += d->q[j] * d->q[j];
            d->A[j] = d->C[j] = d->q[j] = 0;
        }
    }
    for (long j = m; j < N; j++)
        d->aa += d->a[j] * d->a[j], d->cc += d->c[j] * d->c[j], d->ac += d->a[j] * d->c[j];
    for (long i = m; i < P; i++)
        bp += d->b[i] * d->b[i];
    d->bperp = rank == P ? 0.0 : bp;
    return 0;
}

static int bad_args(int sampler, long N, long P, int method, double eta, size_t nq, const slt_gd_query *q, char *err)
{
    if (N < 1 || P < 1 || (method != SLT_GD_FLOW && method != SLT_GD_ITERATE && method != SLT_GD_STEPS) ||
        (method != SLT_GD_FLOW && !(eta > 0 && isfinite(eta))) ||
        (sampler != SLT_GD_LITERAL && sampler != SLT_GD_SPECTRAL)) {
        snprintf(err, SLT_ERRLEN, "slt_gd_sim: bad arguments (N = %ld, P = %ld, eta = %g)", N, P, eta);
        return 1;
    }
    if (sampler == SLT_GD_SPECTRAL && method == SLT_GD_ITERATE) {
        snprintf(err, SLT_ERRLEN, "slt_gd_sim: the spectral sampler has no X to iterate on (use SLT_GD_STEPS)");
        return 1;
    }
    for (size_t k = 0; k < nq; k++) {
        int wd = q[k].kind == SLT_GD_WEIGHT_DECAY;
        if ((wd && !(q[k].g >= 0)) || (!wd && !(q[k].t >= 0)) || !(q[k].sw2 >= 0 && q[k].se2 >= 0 && q[k].sw02 >= 0)) {
            snprintf(err, SLT_ERRLEN, "slt_gd_sim: bad query %zu", k);
            return 1;
        }
        if (method == SLT_GD_ITERATE && (wd || isinf(q[k].t))) {
            snprintf(err, SLT_ERRLEN, "slt_gd_sim: the GD iteration cannot give %s",
                     wd ? "weight decay" : "t = inf");
            return 1;
        }
    }
    return 0;
}

int slt_gd_sim_with(int sampler, long N, long P, int method, double eta, size_t nq, const slt_gd_query *q,
                    gsl_rng *rng, double *eg, double *et, char *err)
{
    if (bad_args(sampler, N, P, method, eta, nq, q, err))
        return 1;
    draw_t d;
    int eigen = method != SLT_GD_ITERATE, literal = sampler == SLT_GD_LITERAL;
    if (draw_alloc(&d, N, P, eigen, literal)) {
        snprintf(err, SLT_ERRLEN, "out of memory for N = %ld, P = %ld", N, P);
        return 1;
    }
    int rc = 0;
    if (literal) {
        slt_rng_normals(rng, d.X, (size_t)P * N, 1 / sqrt((double)N));
        slt_rng_normals(rng, d.a, N, 1.0);
        slt_rng_normals(rng, d.b, P, 1.0);
        slt_rng_normals(rng, d.c, N, 1.0);
        if (eigen)
            rc = spectrum(&d, err);
    } else
        rc = spectral(&d, rng, err);
    if (eigen)
        for (size_t k = 0; k < nq && !rc; k++)
            query(&d, method, eta, &q[k], &eg[k], &et[k]);
    if (!eigen)
        rc = iterate(&d, eta, nq, q, eg, et, err);
    draw_free(&d);
    return rc;
}

int slt_gd_sim(long N, long P, int method, double eta, size_t nq, const slt_gd_query *q, gsl_rng *rng,
               double *eg, double *et, char *err)
{
    return slt_gd_sim_with(SLT_GD_LITERAL, N, P, method, eta, nq, q, rng, eg, et, err);
}

int slt_gd_spectrum(int sampler, long N, long P, gsl_rng *rng, double *l, char *err)
{
    long m = N < P ? N : P;
    int literal = sampler == SLT_GD_LITERAL, rc = 0;
    double *X = literal ? malloc((size_t)P * N * sizeof(double)) : NULL;
    double *M = malloc((literal ? (size_t)m * m : (size_t)m) * sizeof(double));
    if ((literal && !X) || !M) {
        free(X), free(M);
        snprintf(err, SLT_ERRLEN, "out of memory for N = %ld, P = %ld", N, P);
        return 1;
    }
    if (literal) {
        slt_rng_normals(rng, X, (size_t)P * N, 1 / sqrt((double)N));
        cblas_dsyrk(CblasRowMajor, CblasUpper, P >= N ? CblasTrans : CblasNoTrans, m, P >= N ? P : N, 1.0, X, N,
                    0.0, M, m);
        rc = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'N', 'U', m, M, m, l) != 0;
    } else
        rc = laguerre(N > P ? N : P, m, 1 / (double)N, rng, l, M);
    if (rc)
        snprintf(err, SLT_ERRLEN, "eigenvalues did not converge (N = %ld, P = %ld)", N, P);
    free(X), free(M);
    return rc;
}
