/* test_sparse_coding.c: unit tests of masked sparse coding (sparse_coding.md): the toy model's closed
 * forms against the worked values of section 10 and its paired Monte Carlo; OMP (section 4) against a
 * brute-force least-squares reference, ties, the unscaled rule, residual orthogonality; both
 * stop-gradient gradients (5) against finite differences with the support frozen; Adam (6); the
 * metrics (7); a whole trial in a case with a known answer. TAP output. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_errno.h>

#include "engine/rng.h"
#include "engine/slt.h"
#include "sims/omp.h"
#include "sims/sparse_coding_sim.h"
#include "tests/check.h"
#include "theory/sparse_coding.h"

/* --- section 10 worked values, printed to 6-7 digits in the note: tolerances at its last digit */
static void test_toy_theory(void)
{
    double mu, nu;
    check_ok(slt_sc_max_moments(5, &mu, &nu) == SLT_OK, "10: mu_5, nu_5 by qagi");
    check_close(mu, 1.162964, 1e-6, "10: mu_5 = 1.162964");
    check_close(nu, 1.800020, 1e-6, "10: nu_5 = 1.800020");
    slt_sc_max_moments(1, &mu, &nu);
    check_close(mu, 0, 1e-12, "m = 1: the max is one N(0,1): mean 0");
    check_close(nu, 1, 1e-10, "m = 1: second moment 1");
    slt_sc_max_moments(2, &mu, &nu);
    check_close(mu, 1 / sqrt(M_PI), 1e-10, "m = 2: E max = 1/sqrt(pi)");
    slt_sc_toy t;
    check_ok(slt_sc_toy_eval(10, 1, 5, &t) == SLT_OK, "toy at c = 10, m = 5");
    check_close(t.dl_star, -1.3452, 5e-5, "10: dL*/sigma^2 = -1.3452 at c/sigma = 10, m = 5");
    check_close(t.delta_star, 0.1157, 5e-5, "10: delta* = 0.1157");
    check_close(t.limit, -1.3525, 5e-5, "10: limit -mu_5^2 = -1.3525");
    check_close(slt_sc_toy_gain(&t, t.delta_star), t.dl_star, 1e-12, "the gain at delta* is dL*");
    check_ok(slt_sc_toy_gain(&t, t.delta_star * 1.01) > t.dl_star && slt_sc_toy_gain(&t, t.delta_star * 0.99) > t.dl_star,
             "delta* is a minimum of the gain");
    check_close(slt_sc_toy_gain(&t, 0), 0, 0, "delta = 0: no change");
    slt_sc_toy t2, t3;
    slt_sc_toy_eval(20, 2, 5, &t2);
    slt_sc_toy_eval(10, 1, 5, &t3);
    check_close(t2.dl_star, 4 * t3.dl_star, 1e-10, "scaling: dL*(c = 20, sigma = 2) = 4 dL*(10, 1)");
    slt_sc_toy_eval(1e3, 1, 5, &t);
    check_close(t.dl_star, t.limit, 1e-4, "c = 1000: dL* within 1e-4 of -mu_m^2 (the correction is O(1/c^2))");
    check_close(slt_sc_mask_truth_flat(20, 18, 1), 2.1111, 5e-5, "10: L_mask(G) = 2.1111 sigma^2 at d = 20, v = 18");
}

/* Paired Monte Carlo of the toy vs the closed form: 10 streams of 20000 samples; SE from their
 * spread. The closed form neglects a copy with a negative projection winning: measured at
 * 2e6 samples its bias at c = 3 is about 3e-4 (2 SE there), 0.6 SE at the 2e5 samples here. */
static void test_toy_mc(void)
{
    const double cs[] = {3, 10}, dl[] = {0.1, 0.3, 0.6};
    for (int ic = 0; ic < 2; ic++) {
        slt_sc_toy t;
        slt_sc_toy_eval(cs[ic], 1, 5, &t);
        double s[3] = {0}, s2[3] = {0}, lt = 0, masked_pos = 1;
        const int R = 10;
        for (int r = 0; r < R; r++) {
            gsl_rng *g = slt_rng_alloc(7, (uint64_t)ic, (uint64_t)r);
            double gs[3], gm[3], l;
            char err[SLT_ERRLEN];
            slt_sc_toy_mc(cs[ic], 5, 20, 18, 20000, 3, dl, g, gs, gm, &l, err);
            gsl_rng_free(g);
            for (int k = 0; k < 3; k++) {
                s[k] += gs[k];
                s2[k] += gs[k] * gs[k];
            }
            lt += l / R;
            masked_pos = fmin(masked_pos, gm[2]);
        }
        for (int k = 0; k < 3; k++) {
            double m = s[k] / R, se = sqrt((s2[k] / R - m * m) / (R - 1));
            char what[96];
            snprintf(what, sizeof what, "toy MC c = %g, delta = %g: standard gain vs closed form", cs[ic], dl[k]);
            check_se(m, se, slt_sc_toy_gain(&t, dl[k]), 3, what);
        }
        /* L_mask(G): per-sample loss variance ~ 2 h^2 ~ 8, SE ~ sqrt(8/2e5) = 0.006: 0.03 is 5 SE */
        check_close(lt, slt_sc_mask_truth_flat(20, 18, 1), 0.03, "toy MC: L_mask(G) = h (1 + 1/v)");
        /* section 10: at c/sigma = 10 the masked loss gains nothing from the duplicates (at c = 3 a
         * small gain remains near delta = 0) */
        if (cs[ic] >= 10)
            check_ok(masked_pos > 0, "toy MC c = 10: masked loss change at delta = 0.6 positive in every stream (min %g)",
                     masked_pos);
    }
}

/* least squares of y on the rows S of D (p x dim) by GSL's QR (independent of omp.c's Cholesky);
 * returns ||r||^2, fills r and x */
static double ls_fit(const double *D, size_t dim, const int *S, size_t t, const double *y, double *x, double *r)
{
    gsl_matrix *M = gsl_matrix_alloc(dim, t);
    gsl_vector *tau = gsl_vector_alloc(t), *b = gsl_vector_alloc(dim), *sol = gsl_vector_alloc(t),
               *res = gsl_vector_alloc(dim);
    for (size_t i = 0; i < dim; i++) {
        gsl_vector_set(b, i, y[i]);
        for (size_t a = 0; a < t; a++)
            gsl_matrix_set(M, i, a, D[(size_t)S[a] * dim + i]);
    }
    gsl_linalg_QR_decomp(M, tau);
    gsl_linalg_QR_lssolve(M, tau, b, sol, res);
    double rr = 0;
    for (size_t i = 0; i < dim; i++) {
        r[i] = gsl_vector_get(res, i);
        rr += r[i] * r[i];
    }
    for (size_t a = 0; a < t; a++)
        x[a] = gsl_vector_get(sol, a);
    gsl_matrix_free(M); gsl_vector_free(tau); gsl_vector_free(b); gsl_vector_free(sol); gsl_vector_free(res);
    return rr;
}

/* section 4 by the definition: select on |<D_j, r>| (first on ties), refit by QR, k steps */
static void omp_reference(const double *D, size_t p, size_t dim, const double *y, size_t k, int *S, double *x)
{
    double r[64];
    memcpy(r, y, dim * sizeof(double));
    for (size_t t = 0; t < k; t++) {
        int best = -1;
        double bm = -1;
        for (size_t j = 0; j < p; j++) {
            int act = 0;
            for (size_t a = 0; a < t; a++)
                act |= S[a] == (int)j;
            double c = 0;
            for (size_t i = 0; i < dim; i++)
                c += D[j * dim + i] * r[i];
            if (!act && fabs(c) > bm) {
                bm = fabs(c);
                best = (int)j;
            }
        }
        S[t] = best;
        ls_fit(D, dim, S, t + 1, y, x, r);
    }
}

static void normals(gsl_rng *g, double *x, size_t n) { slt_rng_normals(g, x, n, 1.0); }

/* OMP against the QR reference on random tiny problems (atoms of unequal norms: the unscaled rule) */
static void test_omp_reference(void)
{
    gsl_rng *g = slt_rng_alloc(11, 0, 0);
    int same = 1, trials = 0;
    double maxdiff = 0;
    for (int rep = 0; rep < 40; rep++) {
        size_t p = 4 + rep % 5, dim = 3 + rep % 4, k = 1 + rep % 3, n = 3;
        double D[64 * 8], Y[3 * 8], coef[3 * 3], x[3];
        int idx[3 * 3], S[3];
        normals(g, D, p * dim);
        normals(g, Y, n * dim);
        slt_omp *w = slt_omp_alloc(n, p, dim, k);
        slt_omp_run(w, D, dim, p, dim, Y, dim, n, k, idx, coef);
        slt_omp_free(w);
        for (size_t i = 0; i < n; i++, trials++) {
            omp_reference(D, p, dim, Y + i * dim, k, S, x);
            for (size_t t = 0; t < k; t++) {
                same &= S[t] == idx[i * k + t];
                maxdiff = fmax(maxdiff, fabs(x[t] - coef[i * k + t]));
            }
        }
    }
    gsl_rng_free(g);
    check_ok(same, "OMP: the same atoms, in the same order, as the QR reference on %d random tiny problems", trials);
    /* well-conditioned 1..3-atom fits: both solvers agree to rounding (~1e-15 relative) */
    check_ok(maxdiff < 1e-10, "OMP: coefficients equal the least-squares fit on the support (max diff %.2g)", maxdiff);
}

/* Orthonormal atoms: OMP is the best k-subset; brute force over all supports of size k */
static void test_omp_best_subset(void)
{
    enum { P = 7, K = 3 };
    gsl_rng *g = slt_rng_alloc(12, 0, 0);
    gsl_matrix *Q = gsl_matrix_alloc(P, P);
    gsl_vector *tau = gsl_vector_alloc(P);
    double D[P * P], y[P], x[P], r[P], coef[K];
    for (size_t i = 0; i < P * P; i++)
        Q->data[i] = slt_rng_normal(g);
    gsl_linalg_QR_decomp(Q, tau);
    gsl_matrix *Qm = gsl_matrix_alloc(P, P), *R = gsl_matrix_alloc(P, P);
    gsl_linalg_QR_unpack(Q, tau, Qm, R);
    memcpy(D, Qm->data, sizeof D);
    normals(g, y, P);
    int idx[K], S[K];
    slt_omp *w = slt_omp_alloc(1, P, P, K);
    slt_omp_run(w, D, P, P, P, y, P, 1, K, idx, coef);
    slt_omp_free(w);
    double omp_rr = ls_fit(D, P, idx, K, y, x, r), best = INFINITY;
    for (int a = 0; a < P; a++)
        for (int b = a + 1; b < P; b++)
            for (int c = b + 1; c < P; c++) {
                S[0] = a; S[1] = b; S[2] = c;
                best = fmin(best, ls_fit(D, P, S, K, y, x, r));
            }
    check_close(omp_rr, best, 1e-12, "OMP on orthonormal atoms: residual = the best of all C(7,3) supports");
    gsl_matrix_free(Q); gsl_matrix_free(Qm); gsl_matrix_free(R); gsl_vector_free(tau);
    gsl_rng_free(g);
}

/* ties, the unscaled rule, exactly k atoms, early stop on a duplicate, residual orthogonality */
static void test_omp_rules(void)
{
    int idx[4];
    double coef[4];
    slt_omp *w = slt_omp_alloc(64, 64, 64, 4);
    const double D1[] = {0, 1, 1, 0}, y1[] = {1, 1};
    slt_omp_run(w, D1, 2, 2, 2, y1, 2, 1, 1, idx, coef);
    check_ok(idx[0] == 0, "tie |<D_0, y>| = |<D_1, y>|: the first index (got %d)", idx[0]);
    const double D2[] = {2, 0, 0, 1}, y2[] = {0.6, 1};
    slt_omp_run(w, D2, 2, 2, 2, y2, 2, 1, 1, idx, coef);
    check_ok(idx[0] == 0 && fabs(coef[0] - 0.3) < 1e-15,
             "unscaled rule: |<2 e1, y>| = 1.2 beats |<e2, y>| = 1 (scaled would pick e2); coef 0.3 (got %d, %g)", idx[0],
             coef[0]);
    /* correlations 5e-10 apart with the smaller one larger in single precision (1 + 6e-8, just over
     * half a single-precision step, rounds up; 1 + 3e-8 rounds to 1), and 1e-12 apart, equal in single
     * precision: omp.c's single-precision filter must hand both atoms to the double verification, at
     * the first step and after a refit */
    const double D7[] = {1, 6e-8, 1 + 3e-8, 3.05e-8}, y7[] = {1, 1};
    slt_omp_run(w, D7, 2, 2, 2, y7, 2, 1, 1, idx, coef);
    int near = idx[0] == 1;
    const double D4[] = {1, 0, 1 + 1e-12, 0}, D5[] = {1 + 1e-12, 0, 1, 0}, y4[] = {1, 0};
    slt_omp_run(w, D4, 2, 2, 2, y4, 2, 1, 1, idx, coef);
    near &= idx[0] == 1;
    slt_omp_run(w, D5, 2, 2, 2, y4, 2, 1, 1, idx, coef);
    near &= idx[0] == 0;
    const double D6[] = {1, 0, 0, 0, 1, 0, 0, 1 + 1e-12, 0}, y6[] = {2, 1, 0};
    slt_omp_run(w, D6, 3, 3, 3, y6, 3, 1, 2, idx, coef);
    near &= idx[0] == 0 && idx[1] == 2;
    check_ok(near, "near-ties below single precision: the larger wins, at step 1 and after a refit");
    const double D3[] = {1, 0, 0, 1, 0, 0, 0, 0, 1}, y3[] = {1, 0, 0.5};
    size_t early = slt_omp_run(w, D3, 3, 3, 3, y3, 3, 1, 3, idx, coef);
    check_ok(early == 1 && idx[0] == 0 && idx[1] == 2 && idx[2] == -1 && coef[2] == 0,
             "duplicate atom never chosen (correlation 0); y fitted by 2 atoms: early stop, slot 3 empty (%d %d %d)", idx[0],
             idx[1], idx[2]);
    /* random batch: exactly k atoms each, residual orthogonal to them */
    enum { P = 50, DIM = 20, K = 4, N = 30 };
    gsl_rng *g = slt_rng_alloc(13, 0, 0);
    double *D = malloc(P * DIM * sizeof(double)), *Y = malloc(N * DIM * sizeof(double)), cf[N * K], worst = 0;
    int id[N * K], exact = 1;
    normals(g, D, P * DIM);
    normals(g, Y, N * DIM);
    early = slt_omp_run(w, D, DIM, P, DIM, Y, DIM, N, K, id, cf);
    for (int i = 0; i < N; i++) {
        double r[DIM];
        memcpy(r, Y + i * DIM, sizeof r);
        for (int t = 0; t < K; t++) {
            exact &= id[i * K + t] >= 0 && cf[i * K + t] != 0;
            for (int a = 0; a < t; a++)
                exact &= id[i * K + a] != id[i * K + t];
            for (int c = 0; c < DIM; c++)
                r[c] -= cf[i * K + t] * D[id[i * K + t] * DIM + c];
        }
        for (int t = 0; t < K; t++) {
            double s = 0;
            for (int c = 0; c < DIM; c++)
                s += D[id[i * K + t] * DIM + c] * r[c];
            worst = fmax(worst, fabs(s));
        }
    }
    check_ok(early == 0 && exact, "random batch: exactly k distinct atoms with nonzero coefficients per signal");
    check_ok(worst < 1e-10, "residual orthogonal to every active atom (max |<D_j, r>| = %.2g < 1e-10)", worst);
    free(D); free(Y);
    gsl_rng_free(g);
    slt_omp_free(w);
}

/* Gradient checks (section 5). Q atoms in R^DM, N signals, K atoms each; V the visible columns. */
enum { Q = 6, DM = 5, N = 4, K = 2, NV = 3 };
static const int VIS[NV] = {0, 2, 4}, HID[DM - NV] = {1, 3}, ALL[DM] = {0, 1, 2, 3, 4};

static void gather(const double *X, size_t rows, const int *cols, size_t nc, double *out)
{
    for (size_t i = 0; i < rows; i++)
        for (size_t c = 0; c < nc; c++)
            out[i * nc + c] = X[i * DM + (size_t)cols[c]];
}

/* the loss with the supports S frozen, coefficients refitted (QR) on the decode columns dec and
 * scored on sc: the function whose derivative the stop-gradient formula claims on sc */
static double frozen_loss(const double *B, const double *Y, const int *S, const int *dec, size_t nd, const int *sc,
                          size_t ns)
{
    double Bd[Q * DM], yd[DM], x[K], r[DM], loss = 0;
    gather(B, Q, dec, nd, Bd);
    for (int i = 0; i < N; i++) {
        gather(Y + i * DM, 1, dec, nd, yd);
        ls_fit(Bd, nd, S + i * K, K, yd, x, r);
        for (size_t c = 0; c < ns; c++) {
            double e = Y[i * DM + sc[c]];
            for (int t = 0; t < K; t++)
                e -= x[t] * B[S[i * K + t] * DM + sc[c]];
            loss += e * e;
        }
    }
    return loss / N;
}

static void check_gradient(int masked, gsl_rng *g)
{
    double B[Q * DM], Y[N * DM], Bd[Q * DM], Yd[N * DM], coef[N * K], grad[Q * DM] = {0}, R[DM];
    int idx[N * K];
    normals(g, B, Q * DM);
    normals(g, Y, N * DM);
    const int *dec = masked ? VIS : ALL, *sc = masked ? HID : ALL;
    size_t nd = masked ? NV : DM, ns = masked ? DM - NV : DM;
    gather(B, Q, dec, nd, Bd);
    gather(Y, N, dec, nd, Yd);
    slt_omp *w = slt_omp_alloc(N, Q, DM, K);
    slt_omp_run(w, Bd, nd, Q, nd, Yd, nd, N, K, idx, coef);
    slt_omp_free(w);
    double loss = slt_sc_loss_grad(B, DM, Y, N, K, idx, coef, sc, ns, grad, R);
    check_close(loss, frozen_loss(B, Y, idx, dec, nd, sc, ns), 1e-12,
                masked ? "masked loss = the frozen-support loss" : "standard loss = the frozen-support loss");
    /* central differences, h = 1e-5: truncation ~h^2 |L'''| ~ 1e-9, rounding ~1e-16/h ~ 1e-11 */
    double worst = 0, vis = 0, fdvis = 0;
    for (int e = 0; e < Q * DM; e++) {
        double b0 = B[e], h = 1e-5;
        B[e] = b0 + h;
        double lp = frozen_loss(B, Y, idx, dec, nd, sc, ns);
        B[e] = b0 - h;
        double lm = frozen_loss(B, Y, idx, dec, nd, sc, ns), fd = (lp - lm) / (2 * h);
        B[e] = b0;
        int hidden_col = !masked || (e % DM) % 2 == 1;
        if (hidden_col)
            worst = fmax(worst, fabs(fd - grad[e]));
        else {
            vis = fmax(vis, fabs(grad[e]));
            fdvis = fmax(fdvis, fabs(fd));
        }
    }
    check_ok(worst < 1e-6, "%s gradient vs finite differences, support frozen (max diff %.2g < 1e-6)",
             masked ? "masked (hidden columns)" : "standard", worst);
    if (masked)
        check_ok(vis == 0 && fdvis > 1e-3,
                 "masked: stop-gradient is 0 on the visible columns, where the true derivative is not (max %.2g)", fdvis);
}

static void test_gradients(void)
{
    gsl_rng *g = slt_rng_alloc(14, 0, 0);
    for (int rep = 0; rep < 3; rep++) {
        check_gradient(0, g);
        check_gradient(1, g);
    }
    gsl_rng_free(g);
}

/* Adam from zero moments moves every entry by -lr sign(g) (bias correction), then rows are unit */
static void test_adam(void)
{
    double x[4] = {1, 0, 0, 1}, m[4] = {0}, v[4] = {0}, g1[4] = {0, -2, 0.5, 0}, lr = 0.1;
    slt_sc_adam_step(x, m, v, g1, 4, 2, 1, lr);
    double n0 = hypot(1, lr), n1 = hypot(lr, 1);
    /* eps shifts a step by lr eps/|g| <= 2e-9 here */
    check_ok(fabs(x[0] - 1 / n0) < 1e-8 && fabs(x[1] - lr / n0) < 1e-8 && fabs(x[2] + lr / n1) < 1e-8 &&
                 fabs(x[3] - 1 / n1) < 1e-8,
             "Adam step 1: -lr sign(g) (0 where g = 0), then unit rows");
    /* step 2 by hand for one entry: m = 0.9 m + 0.1 g, v = 0.999 v + 0.001 g^2, corrected by 1 - beta^2 */
    double x2[2] = {0.6, 0.8}, m2[2] = {0.3, 0}, v2[2] = {0.02, 0}, g2[2] = {1, 0};
    double mm = 0.9 * 0.3 + 0.1, vv = 0.999 * 0.02 + 0.001;
    double step = 0.01 * (mm / (1 - 0.81)) / (sqrt(vv / (1 - 0.999 * 0.999)) + 1e-8), a = 0.6 - step;
    slt_sc_adam_step(x2, m2, v2, g2, 2, 2, 2, 0.01);
    check_close(x2[0], a / hypot(a, 0.8), 1e-14, "Adam step 2 with bias correction, then renormalised");
    check_close(m2[0], mm, 1e-15, "Adam: first moment kept (not reset by the renormalisation)");
}

static void test_metrics(void)
{
    double A[6] = {1, 0, 0, 0, 1, 0}, B[9] = {0, -1, 0, 0, 0, 1, 1, 0, 0}, c, e, r;
    slt_sc_metrics(A, 2, B, 3, 3, &c, &e, &r);
    check_ok(c == 0 && e == 0 && r == 1, "metrics: both atoms present (one with flipped sign): errors 0, recovered 1");
    double B2[3] = {0, 0, 1}, B3[3] = {0.6, 0.8, 0};
    slt_sc_metrics(A, 2, B2, 1, 3, &c, &e, &r);
    check_ok(c == 1 && fabs(e - sqrt(2)) < 1e-15 && r == 0, "metrics: orthogonal atom: cos error 1, euclidean sqrt 2");
    slt_sc_metrics(A, 2, B3, 1, 3, &c, &e, &r);
    check_close(c, (0.4 + 0.2) / 2, 1e-15, "metrics: cos error (1/p) sum (1 - max |cos|)");
    check_close(e, (sqrt(2 - 1.2) + sqrt(2 - 1.6)) / 2, 1e-15, "metrics: euclidean error (1/p) sum sqrt(2 - 2 max |cos|)");
}

static slt_sc_config small(void)
{
    slt_sc_config c = {20, 10, 10, 1, 40, 20, 3, 0.0, 0.0, 18, SLT_SC_INIT_TRUTH, {1, 1}, 50, 0};
    return c;
}

static int run_trial(const slt_sc_config *c, uint64_t seed, slt_sc_result r[2])
{
    char err[SLT_ERRLEN];
    gsl_rng *g = slt_rng_alloc(seed, 0, 0);
    int rc = slt_sc_trial(c, g, r, err);
    gsl_rng_free(g);
    return rc;
}

/* whole trials where the answer is known, and the pairing of the objectives */
static void test_trial(void)
{
    slt_sc_config c = small();
    slt_sc_result r[2], s[2];
    run_trial(&c, 5, r);
    /* lr = 0 keeps B = A; noise 0, k = 1: OMP picks the generating atom (|<a_j, a_s>| < 1 for j != s) */
    /* |cos| of a unit row with itself is 1 to rounding: errors 0 up to ~1e-16 (euc: its sqrt) */
    check_ok(r[0].cos < 1e-15 && r[0].euc < 1e-7 && r[0].recovered == 1 && r[1].cos < 1e-15,
             "A-init, p_learn = p, lr = 0: B stays A, every error 0 (cos %.2g, euc %.2g)", r[0].cos, r[0].euc);
    check_ok(r[0].train < 1e-25 && r[0].heldout < 1e-25, "noiseless 1-sparse data on the truth: standard losses 0 (%.2g)",
             r[0].heldout);
    c = small();
    c.lr = 1e-2; c.sigma = 0.1; c.k = 2; c.p_learn = 25; c.epochs = 5;
    run_trial(&c, 6, r);
    c.run[1] = 0;
    run_trial(&c, 6, s);
    check_ok(r[0].cos == s[0].cos && r[0].train == s[0].train && r[0].heldout == s[0].heldout,
             "standard alone = standard beside masked: the same draws whatever is trained (paired)");
    check_ok(r[0].cos > 0 && r[1].cos > 0 && isfinite(r[1].train) && r[1].heldout > 0, "training moves B; losses finite");
    c.n = 0;
    c.run[1] = 1;
    run_trial(&c, 6, r);
    check_ok(isnan(r[0].train) && isnan(r[1].train) && r[0].heldout > 0 && r[1].heldout > 0,
             "fresh samples (n = 0): no training loss, held-out losses computed");
}

int main(void)
{
    gsl_set_error_handler_off();
    test_toy_theory();
    test_toy_mc();
    test_omp_reference();
    test_omp_best_subset();
    test_omp_rules();
    test_gradients();
    test_adam();
    test_metrics();
    test_trial();
    return check_done();
}
