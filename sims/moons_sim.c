/* moons_sim.c: the two-moons experiment of Pezeshki et al. 2021 (starvation.md 7): data recipe,
 * a 2-width-1 ReLU network in double precision over BLAS, its training and its NTK at initialisation. */
#include "moons_sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_randist.h>
#include <lapacke.h>

#include "engine/slt.h"

#include "engine/clones.h" /* SLT_CLONES: AVX2 and generic clones of the hot loops */

struct slt_moons_work {
    long w, nmax;
    double *A;  /* nmax x w: relu(W1 x + c1) */
    double *gf; /* nmax: dL/df */
};

size_t slt_moons_nparams(long width) { return 4 * (size_t)width + 1; }

double slt_moons_bytes(long width, long nmax, long n)
{
    double w = (double)width;
    return 8.0 * (nmax * w + 2.0 * nmax + (double)n * (4 * w + 1) + (double)n * n + 10 * w);
}

void slt_moons_data(long n, double noise, double shift, double rotate, gsl_rng *rng, double *X, double *y)
{
    long nout = n / 2, nin = n - nout;
    double mean = 0, c = cos(rotate * M_PI / 180), s = sin(rotate * M_PI / 180);
    for (long i = 0; i < n; i++) {
        int inner = i >= nout;
        long k = inner ? i - nout : i, m = inner ? nin : nout;
        double t = m > 1 ? M_PI * (double)k / (double)(m - 1) : 0;
        y[i] = inner ? 1 : -1;
        X[2 * i] = (inner ? 1 - cos(t) : cos(t)) + gsl_ran_gaussian(rng, noise);
        X[2 * i + 1] = (inner ? 1 - sin(t) - 0.5 : sin(t)) + gsl_ran_gaussian(rng, noise);
        X[2 * i] -= 0.5;
        X[2 * i + 1] -= 0.3 * y[i];
        mean += X[2 * i + 1] / (double)n;
    }
    for (long i = 0; i < n; i++) {
        double a = X[2 * i], b = -y[i] * fabs(X[2 * i + 1] - mean) - y[i] * shift;
        /* output (x2, x1), then rotate */
        X[2 * i] = c * b - s * a;
        X[2 * i + 1] = s * b + c * a;
    }
}

void slt_moons_init(long width, gsl_rng *rng, double *p)
{
    double b1 = 1 / sqrt(2.0), b2 = 1 / sqrt((double)width);
    for (long i = 0; i < 3 * width; i++)
        p[i] = gsl_ran_flat(rng, -b1, b1);
    for (long i = 3 * width; i < 4 * width + 1; i++)
        p[i] = gsl_ran_flat(rng, -b2, b2);
}

slt_moons_work *slt_moons_alloc(long width, long nmax)
{
    slt_moons_work *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->w = width;
    w->nmax = nmax;
    w->A = malloc((size_t)nmax * width * sizeof(double));
    w->gf = malloc(nmax * sizeof(double));
    if (!w->A || !w->gf) {
        slt_moons_free(w);
        return NULL;
    }
    return w;
}

void slt_moons_free(slt_moons_work *w)
{
    if (!w)
        return;
    free(w->A);
    free(w->gf);
    free(w);
}

/* A = relu(a x1 + b x2 + c), one pass per point (the input has 2 coordinates: a GEMM of inner
 * dimension 2 or 3 is memory-bound and several times slower than this loop); f = A w2 + c2 (dgemv). */
SLT_CLONES void slt_moons_forward(slt_moons_work *w, const double *p, long n, const double *X, double *f)
{
    long W = w->w;
    const double *a = p, *b = p + W, *c = p + 2 * W;
    for (long i = 0; i < n; i++) {
        double x1 = X[2 * i], x2 = X[2 * i + 1], *Ai = w->A + i * W;
#pragma omp simd
        for (long h = 0; h < W; h++) {
            double v = a[h] * x1 + b[h] * x2 + c[h];
            Ai[h] = v > 0 ? v : 0;
        }
        f[i] = p[4 * W];
    }
    cblas_dgemv(CblasRowMajor, CblasNoTrans, n, W, 1.0, w->A, W, p + 3 * W, 1, 1.0, f, 1);
}

/* dL/df_i = (-y_i sigma(-y_i f_i) + 2 sd f_i)/n into w->gf; returns the mean logistic loss. */
static double output_grad(slt_moons_work *w, long n, const double *y, const double *f, double sd)
{
    double loss = 0;
    for (long i = 0; i < n; i++) {
        double m = y[i] * f[i], e = exp(-fabs(m));
        loss += (m > 0 ? 0 : -m) + log1p(e); /* log(1 + e^-m) without overflow */
        double sg = m > 0 ? e / (1 + e) : 1 / (1 + e);
        w->gf[i] = (-y[i] * sg + 2 * sd * f[i]) / (double)n;
    }
    return loss / (double)n;
}

SLT_CLONES double slt_moons_loss_grad(slt_moons_work *w, const double *p, long n, const double *X, const double *y,
                           double sd, double wd, double *f, double *g)
{
    long W = w->w;
    slt_moons_forward(w, p, n, X, f);
    double loss = output_grad(w, n, y, f, sd);
    if (!g)
        return loss;
    const double *w2 = p + 3 * W;
    double *ga = g, *gb = g + W, *gc = g + 2 * W, gc2 = 0;
    memset(g, 0, 3 * W * sizeof(double));
    /* layer 1: sum_i gf_i w2_h 1[A_ih > 0] (x_i, 1), one pass over A */
    for (long i = 0; i < n; i++) {
        double gi = w->gf[i], x1 = X[2 * i], x2 = X[2 * i + 1];
        const double *Ai = w->A + i * W;
        gc2 += gi;
#pragma omp simd
        for (long h = 0; h < W; h++) {
            double on = Ai[h] > 0;
            double t = gi * w2[h] * on; /* a 0/1 factor, not a select: GCC 12 vectorises this */
            ga[h] += t * x1;
            gb[h] += t * x2;
            gc[h] += t;
        }
    }
    cblas_dgemv(CblasRowMajor, CblasTrans, n, W, 1.0, w->A, W, w->gf, 1, 0.0, g + 3 * W, 1); /* dw2 = A' gf */
    g[4 * W] = gc2;
    if (wd > 0)
        cblas_daxpy(4 * W + 1, wd, p, 1, g, 1);
    return loss;
}

/* df/dx_i = sum_h w2_h 1[a_ih > 0] (a_h, b_h) */
void slt_moons_input_grad(slt_moons_work *w, const double *p, long n, const double *X, double *G)
{
    long W = w->w;
    const double *a = p, *b = p + W, *w2 = p + 3 * W;
    slt_moons_forward(w, p, n, X, w->gf);
    for (long i = 0; i < n; i++) {
        const double *Ai = w->A + i * W;
        double g1 = 0, g2 = 0;
#pragma omp simd reduction(+ : g1, g2)
        for (long h = 0; h < W; h++) {
            double on = Ai[h] > 0;
            double t = w2[h] * on;
            g1 += t * a[h];
            g2 += t * b[h];
        }
        G[2 * i] = g1;
        G[2 * i + 1] = g2;
    }
}

/* The Jacobian row of point i (starvation.md 7): (w2_h 1[a_ih > 0] (x_i, 1), relu(a_ih), 1). */
static void jacobian(slt_moons_work *w, const double *p, long n, const double *X, double *J)
{
    long W = w->w, np = 4 * W + 1;
    double *f = w->gf; /* the logits are not needed: gf serves as scratch */
    slt_moons_forward(w, p, n, X, f);
    for (long i = 0; i < n; i++) {
        double *Ji = J + i * np;
        const double *Ai = w->A + i * W;
        for (long h = 0; h < W; h++) {
            double d = Ai[h] > 0 ? p[3 * W + h] : 0;
            Ji[h] = d * X[2 * i];
            Ji[W + h] = d * X[2 * i + 1];
            Ji[2 * W + h] = d;
            Ji[3 * W + h] = Ai[h];
        }
        Ji[4 * W] = 1;
    }
}

int slt_moons_ntk(slt_moons_work *w, const double *p, long n, const double *X, size_t nj, const int *j, double *U)
{
    long np = 4 * w->w + 1;
    double *J = malloc((size_t)n * np * sizeof(double)), *K = malloc((size_t)n * n * sizeof(double));
    double *ev = malloc(n * sizeof(double));
    int rc = !J || !K || !ev;
    if (!rc) {
        jacobian(w, p, n, X, J);
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, n, np, 1.0, J, np, 0.0, K, n);
        rc = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', n, K, n, ev) != 0;
    }
    /* dsyevd: eigenvalues ascending, eigenvectors in the columns; rank r is column n - r */
    for (size_t r = 0; r < nj && !rc; r++)
        for (long i = 0; i < n; i++)
            U[i * nj + r] = j[r] >= 1 && j[r] <= n ? K[i * n + (n - j[r])] : NAN;
    free(J);
    free(K);
    free(ev);
    return rc;
}

int slt_moons_opt_init(slt_moons_opt *o, int opt, double lr, size_t np)
{
    o->opt = opt;
    o->lr = lr;
    o->step = 0;
    o->np = np;
    o->m = calloc(np, sizeof(double));
    o->v = opt == SLT_MOONS_ADAM ? calloc(np, sizeof(double)) : NULL;
    return !o->m || (opt == SLT_MOONS_ADAM && !o->v);
}

void slt_moons_opt_free(slt_moons_opt *o)
{
    free(o->m);
    free(o->v);
    o->m = o->v = NULL;
}

/* PyTorch's SGD (momentum 0.9, dampening 0: buf = g at the first step, then 0.9 buf + g) and Adam
 * (beta 0.9, 0.999, eps 1e-8, bias-corrected; weight decay as L2 in g, not decoupled). */
void slt_moons_opt_step(slt_moons_opt *o, double *p, const double *g)
{
    o->step++;
    if (o->opt == SLT_MOONS_MOMENTUM) {
        double mu = o->step == 1 ? 0 : 0.9;
        for (size_t i = 0; i < o->np; i++) {
            o->m[i] = mu * o->m[i] + g[i];
            p[i] -= o->lr * o->m[i];
        }
        return;
    }
    double b1 = 1 - pow(0.9, (double)o->step), b2 = 1 - pow(0.999, (double)o->step);
    for (size_t i = 0; i < o->np; i++) {
        o->m[i] = 0.9 * o->m[i] + 0.1 * g[i];
        o->v[i] = 0.999 * o->v[i] + 0.001 * g[i] * g[i];
        p[i] -= o->lr * (o->m[i] / b1) / (sqrt(o->v[i] / b2) + 1e-8);
    }
}

static void record(slt_moons_work *w, const double *p, long n, const double *X, const double *y, const double *f,
                   double loss, const double *U, slt_moons_rec *r)
{
    double *G = malloc(2 * n * sizeof(double)), r2 = 0, r7 = 0;
    r->loss = loss;
    r->mmin = INFINITY;
    r->mmean = 0;
    r->mgeo = INFINITY;
    if (G)
        slt_moons_input_grad(w, p, n, X, G);
    for (long i = 0; i < n; i++) {
        double m = y[i] * f[i];
        r->mmin = fmin(r->mmin, m);
        r->mmean += m / (double)n;
        r->mgeo = G ? fmin(r->mgeo, m / hypot(G[2 * i], G[2 * i + 1])) : NAN;
        if (U) {
            r2 += f[i] * U[2 * i];
            r7 += f[i] * U[2 * i + 1];
        }
    }
    r->resp2 = U ? fabs(r2) : NAN;
    r->resp7 = U ? fabs(r7) : NAN;
    free(G);
}

static double accuracy(slt_moons_work *w, const double *p, long nt, const double *Xt, const double *yt, double *f)
{
    long good = 0;
    slt_moons_forward(w, p, nt, Xt, f);
    for (long i = 0; i < nt; i++)
        good += yt[i] * f[i] > 0;
    return (double)good / (double)nt;
}

int slt_moons_train(const slt_moons_train_cfg *c, long n, const double *X, const double *y, gsl_rng *rng,
                    size_t ne, const long *e, size_t nt, long ntest, const double *Xt, const double *yt,
                    slt_moons_rec *rec, double *acc, double *p, char *err)
{
    size_t np = slt_moons_nparams(c->width);
    long nmax = ntest > n ? ntest : n, done = 0;
    const int ranks[2] = {2, 7};
    slt_moons_work *w = slt_moons_alloc(c->width, nmax);
    double *g = malloc(np * sizeof(double)), *f = malloc((n + ntest) * sizeof(double));
    double *U = rec && n >= 7 ? malloc(2 * n * sizeof(double)) : NULL;
    slt_moons_opt o = {0};
    int rc = !w || !g || !f || (rec && n >= 7 && !U) || slt_moons_opt_init(&o, c->opt, c->lr, np);
    if (rc)
        snprintf(err, SLT_ERRLEN, "out of memory for a network of width %ld", c->width);
    slt_moons_init(c->width, rng, p);
    if (!rc && U && slt_moons_ntk(w, p, n, X, 2, ranks, U)) {
        snprintf(err, SLT_ERRLEN, "NTK eigendecomposition (LAPACKE dsyevd, n = %ld) failed", n);
        rc = 1;
    }
    double loss = rc ? NAN : slt_moons_loss_grad(w, p, n, X, y, c->sd, c->wd, f, g);
    for (size_t r = 0; r < ne && !rc; r++) {
        for (; done < e[r]; done++) {
            slt_moons_opt_step(&o, p, g);
            loss = slt_moons_loss_grad(w, p, n, X, y, c->sd, c->wd, f, g);
        }
        if (rec)
            record(w, p, n, X, y, f, loss, U, &rec[r]);
        for (size_t s = 0; s < nt; s++)
            acc[r * nt + s] = accuracy(w, p, ntest, Xt + 2 * s * ntest, yt + s * ntest, f + n);
    }
    slt_moons_opt_free(&o);
    slt_moons_free(w);
    free(g);
    free(f);
    free(U);
    return rc;
}
