/* test_moons.c: the two-moons network of starvation.md 7 (sims/moons_sim.c): the data recipe,
 * back-propagation and input gradients against finite differences, the NTK eigenvectors against
 * an independently formed Gram matrix, the optimisers' first steps. TAP output. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

#include "engine/rng.h"
#include "sims/moons_sim.h"
#include "tests/check.h"

/* noise 0: class +1 strictly left of -shift, class -1 strictly right of +shift; rotation is a rotation */
static void test_data(void)
{
    enum { N = 101 };
    double X[2 * N], y[N], R[2 * N], yr[N];
    gsl_rng *r = slt_rng_alloc(3, 0, 0);
    slt_moons_data(N, 0, 0.1, 0, r, X, y);
    int left = 1, right = 1, npos = 0;
    for (int i = 0; i < N; i++) {
        npos += y[i] > 0;
        left &= y[i] < 0 || X[2 * i] <= -0.1;
        right &= y[i] > 0 || X[2 * i] >= 0.1;
    }
    check_ok(npos == N - N / 2, "7: n - n/2 = %d points on the inner moon (y = +1): %d", N - N / 2, npos);
    check_ok(left && right, "7: noise 0, shift 0.1: classes on either side of the gap [-0.1, 0.1]");
    slt_rng_reseed(r, 3, 0, 0);
    slt_moons_data(N, 0.1, 0.1, 0, r, X, y);
    slt_rng_reseed(r, 3, 0, 0);
    slt_moons_data(N, 0.1, 0.1, 45, r, R, yr);
    double err = 0, c = sqrt(0.5);
    for (int i = 0; i < N; i++)
        err = fmax(err, fabs(R[2 * i] - c * (X[2 * i] - X[2 * i + 1])) + fabs(R[2 * i + 1] - c * (X[2 * i] + X[2 * i + 1])));
    check_close(err, 0, 1e-14, "7: rotate = 45 rotates the same draw by 45 degrees");
    gsl_rng_free(r);
}

/* The full objective the gradient is of: mean logistic + sd mean(f^2) + (wd/2)|p|^2. */
static double objective(slt_moons_work *w, const double *p, size_t np, long n, const double *X, const double *y,
                        double sd, double wd, double *f)
{
    double L = slt_moons_loss_grad(w, p, n, X, y, sd, wd, f, NULL), s = 0;
    for (long i = 0; i < n; i++)
        s += f[i] * f[i] / (double)n;
    for (size_t k = 0; k < np; k++)
        L += 0.5 * wd * p[k] * p[k];
    return L + sd * s;
}

/* Central differences, h = 1e-6: truncation ~ h^2 |L'''| ~ 1e-12 and round-off ~ 1e-16/h ~ 1e-10 (L is
 * O(1)); a ReLU kink within h of a pre-activation has probability ~ 1e-5 per unit at these scales,
 * so 3e-8 (absolute, gradients O(0.1)) is conservative by two orders. */
static void test_backprop(void)
{
    enum { N = 23, W = 9 };
    double X[2 * N], y[N], f[N];
    size_t np = slt_moons_nparams(W);
    double *p = malloc(np * sizeof(double)), *g = malloc(np * sizeof(double)), G[2 * N];
    gsl_rng *r = slt_rng_alloc(5, 0, 0);
    slt_moons_work *w = slt_moons_alloc(W, N);
    slt_moons_data(N, 0.1, 0.1, 30, r, X, y);
    slt_moons_init(W, r, p);
    for (size_t k = 0; k < np; k++)
        p[k] *= 3; /* larger logits: the loss and the SD term both matter */
    slt_moons_loss_grad(w, p, N, X, y, 0.003, 1e-3, f, g);
    double worst = 0, h = 1e-6;
    for (size_t k = 0; k < np; k++) {
        double keep = p[k], lp, lm;
        p[k] = keep + h;
        lp = objective(w, p, np, N, X, y, 0.003, 1e-3, f);
        p[k] = keep - h;
        lm = objective(w, p, np, N, X, y, 0.003, 1e-3, f);
        p[k] = keep;
        worst = fmax(worst, fabs(g[k] - (lp - lm) / (2 * h)));
    }
    check_close(worst, 0, 3e-8, "7: back-propagated gradient = central differences (all 37 parameters)");
    slt_moons_input_grad(w, p, N, X, G);
    worst = 0;
    for (long i = 0; i < N; i++)
        for (int d = 0; d < 2; d++) {
            double x[2] = {X[2 * i], X[2 * i + 1]}, fp, fm;
            x[d] += h;
            slt_moons_forward(w, p, 1, x, &fp);
            x[d] -= 2 * h;
            slt_moons_forward(w, p, 1, x, &fm);
            worst = fmax(worst, fabs(G[2 * i + d] - (fp - fm) / (2 * h)));
        }
    check_close(worst, 0, 3e-8, "7: input gradient = central differences");
    slt_moons_free(w);
    gsl_rng_free(r);
    free(p);
    free(g);
}

/* K_ik = (x_i.x_k + 1) sum_h w2_h^2 1[a_ih > 0] 1[a_kh > 0] + sum_h relu(a_ih) relu(a_kh) + 1, the Gram
 * of the Jacobian written out per parameter block (starvation.md 7), eigenvectors by GSL. */
static void test_ntk(void)
{
    enum { N = 30, W = 12 };
    double X[2 * N], y[N], U[2 * N];
    size_t np = slt_moons_nparams(W);
    double *p = malloc(np * sizeof(double));
    gsl_rng *r = slt_rng_alloc(9, 0, 0);
    slt_moons_work *w = slt_moons_alloc(W, N);
    slt_moons_data(N, 0.1, -0.1, 0, r, X, y);
    slt_moons_init(W, r, p);
    const int ranks[2] = {2, 7};
    check_ok(slt_moons_ntk(w, p, N, X, 2, ranks, U) == 0, "7: NTK eigendecomposition (dsyevd) succeeds");
    gsl_matrix *K = gsl_matrix_alloc(N, N), *V = gsl_matrix_alloc(N, N);
    gsl_vector *ev = gsl_vector_alloc(N);
    for (int i = 0; i < N; i++)
        for (int k = 0; k < N; k++) {
            double s = 1, xx = X[2 * i] * X[2 * k] + X[2 * i + 1] * X[2 * k + 1] + 1;
            for (int h = 0; h < W; h++) {
                double ai = p[h] * X[2 * i] + p[W + h] * X[2 * i + 1] + p[2 * W + h];
                double ak = p[h] * X[2 * k] + p[W + h] * X[2 * k + 1] + p[2 * W + h];
                s += xx * p[3 * W + h] * p[3 * W + h] * (ai > 0) * (ak > 0) + fmax(ai, 0) * fmax(ak, 0);
            }
            gsl_matrix_set(K, i, k, s);
        }
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(N);
    gsl_eigen_symmv(K, ev, V, ws);
    gsl_eigen_symmv_sort(ev, V, GSL_EIGEN_SORT_VAL_DESC);
    for (int r2 = 0; r2 < 2; r2++) {
        double dot = 0;
        for (int i = 0; i < N; i++)
            dot += U[2 * i + r2] * gsl_matrix_get(V, i, ranks[r2] - 1);
        /* unit vectors, so |dot| = 1 up to round-off over the eigengap (gaps here are O(0.1)) */
        char what[80];
        snprintf(what, sizeof what, "7: NTK eigenvector of rank %d = the written-out Gram's (|u.v| = 1)", ranks[r2]);
        check_close(fabs(dot), 1, 1e-9, what);
    }
    gsl_eigen_symmv_free(ws);
    gsl_matrix_free(K);
    gsl_matrix_free(V);
    gsl_vector_free(ev);
    slt_moons_free(w);
    gsl_rng_free(r);
    free(p);
}

/* PyTorch's conventions: SGD buffer = g at the first step; Adam's first step is lr g/(|g| + eps). */
static void test_optimisers(void)
{
    double p[3] = {1, 2, 3}, g1[3] = {0.5, -1, 2}, g2[3] = {1, 1, 1};
    slt_moons_opt o;
    slt_moons_opt_init(&o, SLT_MOONS_MOMENTUM, 0.1, 3);
    slt_moons_opt_step(&o, p, g1);
    slt_moons_opt_step(&o, p, g2);
    check_close(p[1], 2 - 0.1 * -1 - 0.1 * (0.9 * -1 + 1), 1e-15, "momentum: buffer g1, then 0.9 g1 + g2");
    slt_moons_opt_free(&o);
    double q[3] = {1, 2, 3};
    slt_moons_opt_init(&o, SLT_MOONS_ADAM, 0.01, 3);
    slt_moons_opt_step(&o, q, g1);
    check_close(q[1], 2 + 0.01 * 1 / (1 + 1e-8), 1e-15, "Adam: first step lr g/(|g| + eps)");
    slt_moons_opt_free(&o);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_data();
    test_backprop();
    test_ntk();
    test_optimisers();
    return check_done();
}
