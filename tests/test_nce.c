/* test_nce.c: NCE vs compositional NLL (extras.md 3): the worked table (curvatures, L*), the profile,
 * the gradient at the origin, gradients and kappa against finite differences, the exact-GD
 * iteration counts, the SGD medians [S] at fixed seeds, the compositional bias; and the engine's
 * quantile aggregation (type 7, censored values). TAP output. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>

#include "engine/rng.h"
#include "sims/nce_sim.h"
#include "slt.h"
#include "tests/check.h"
#include "theory/nce.h"

static void test_table(void)
{
    /* extras.md 3 table: R, lambda_min, lambda_max, kappa, L* (0 where the note gives none) */
    const double t[4][5] = {{1, 2.133702435e-1, 6.124638640e-1, 3.283680235e-1, 1.163451397},
                            {2, 5.688609467e-2, 5.257575783e-1, 1.330441638e-1, 0.712632720},
                            {4, 2.060220501e-3, 1.802610427e-1, 1.082774123e-2, 0.120853974},
                            {8, 3.466283702e-7, 8.404442920e-4, 5.932106260e-6, 0}};
    char what[128];
    for (int i = 0; i < 4; i++) {
        double R = t[i][0], lmin, lmax, kap, schur, L;
        check_ok(slt_nce_curvature(R, &lmin, &lmax, &kap, &schur) == 0, "R = %g: quadrature converges", R);
        /* the note gives 10 significant digits, checked to 1e-13 against the defining integral:
         * 1e-8 relative is the table's own rounding */
        snprintf(what, sizeof what, "R = %g: lambda_min(H)", R);
        check_rel(lmin, t[i][1], 1e-8, what);
        snprintf(what, sizeof what, "R = %g: lambda_max(H)", R);
        check_rel(lmax, t[i][2], 1e-8, what);
        snprintf(what, sizeof what, "R = %g: kappa", R);
        check_rel(kap, t[i][3], 1e-8, what);
        snprintf(what, sizeof what, "R = %g: kappa = Schur complement of H", R);
        check_rel(schur, kap, 1e-10, what);
        if (t[i][4] > 0) {
            slt_nce_lprof(R, R, &L);
            snprintf(what, sizeof what, "R = %g: L* = L_prof(R)", R);
            check_rel(L, t[i][4], 1e-8, what);
        }
    }
    double L, L2, g[2];
    slt_nce_lprof(2, 1, &L);
    check_rel(L, 0.813712566, 1e-8, "profile R = 2, theta = 1: 0.813712566");
    check_close(slt_nce_cprime_opt(2, 1), 0.5, 0, "profile R = 2, theta = 1: c' = 0.5");
    slt_nce_loss(2, 1, 0.5, &L2);
    check_rel(L2, L, 1e-10, "L(theta, c'_opt) = L_prof(theta)");
    slt_nce_loss(3, 0, 0, &L);
    check_rel(L, 2 * log(2), 1e-12, "L(0, 0) = 2 ln 2");
    slt_nce_grad(3, 0, 0, g);
    check_close(g[0], -1.5, 1e-12, "gradient at (0, 0) = (-R/2, 0): d/dtheta");
    check_close(g[1], 0, 1e-12, "gradient at (0, 0) = (-R/2, 0): d/dc'");
}

/* Central differences with step h: error O(h^2 L''') ~ 1e-8 at h = 1e-4, plus quadrature noise
 * (1e-13)/h ~ 1e-9; so 1e-6 absolute. */
static void test_fd(void)
{
    const double pts[3][3] = {{2, 0.7, 0.3}, {3, 2.5, -0.4}, {1, 1.8, 0.1}};
    const double h = 1e-4;
    char what[128];
    for (int i = 0; i < 3; i++) {
        double R = pts[i][0], th = pts[i][1], cp = pts[i][2], g[2], a, b, c, e;
        slt_nce_grad(R, th, cp, g);
        slt_nce_loss(R, th + h, cp, &a), slt_nce_loss(R, th - h, cp, &b);
        slt_nce_loss(R, th, cp + h, &c), slt_nce_loss(R, th, cp - h, &e);
        snprintf(what, sizeof what, "R = %g, (%g, %g): dL/dtheta vs finite difference", R, th, cp);
        check_close(g[0], (a - b) / (2 * h), 1e-6, what);
        snprintf(what, sizeof what, "R = %g, (%g, %g): dL/dc' vs finite difference", R, th, cp);
        check_close(g[1], (c - e) / (2 * h), 1e-6, what);
    }
    /* kappa = L_prof''(R): second difference, h = 1e-3, error O(h^2) ~ 1e-7 + 1e-13/h^2 ~ 1e-7 */
    for (double R = 1; R <= 4; R *= 2) {
        double lmin, lmax, kap, p, m, z, hh = 1e-3;
        slt_nce_curvature(R, &lmin, &lmax, &kap, NULL);
        slt_nce_lprof(R, R + hh, &p), slt_nce_lprof(R, R - hh, &m), slt_nce_lprof(R, R, &z);
        snprintf(what, sizeof what, "R = %g: kappa = L_prof''(R) by finite differences", R);
        check_close((p - 2 * z + m) / (hh * hh), kap, 1e-5, what);
    }
}

static void test_gd(void)
{
    /* extras.md 3 exact-gradient GD counts (R = 5: 53269, 4 s, is run by bench/, not here); the
     * note allows +-1 (its quadratures disagree by one step at most) */
    const long want[4] = {59, 226, 1186, 7351};
    char what[128];
    for (int R = 1; R <= 4; R++) {
        long it;
        slt_nce_gd_iters(R, 0.1, 0.1, 200000, &it);
        snprintf(what, sizeof what, "R = %d: NCE exact GD iterations %ld, note %ld (+-1)", R, it, want[R - 1]);
        check_ok(labs(it - want[R - 1]) <= 1, "%s", what);
    }
    for (int R = 1; R <= 5; R++) {
        long closed = (long)floor(log(0.1 / R) / log(0.9)) + 1, it = slt_nce_comp_gd_iters(R, 0.1, 0.1, 1000);
        check_ok(it == closed, "R = %d: compositional GD iterations %ld = floor(ln(tol/R)/ln(1 - eta)) + 1 = %ld", R, it,
                 closed);
    }
}

/* SGD medians [S]: 20 runs, batch 64 + 64. The median's standard error is ~1.25 sigma/sqrt(n) with
 * sigma ~ IQR/1.35 (normal shape); ours and the note's are independent, so the difference has
 * SE sqrt(2) times that, and the note asks for 3 SE. */
static void test_sgd(void)
{
    const double nce[4][3] = {{58, 54, 63}, {212, 188, 221}, {1049, 931, 1075}, {5812, 5465, 6192}};
    const double comp[4] = {20, 21, 23, 22};
    gsl_rng *r = slt_rng_alloc(3, 0, 0);
    double a[20], b[20], bias[20], q[3], qc[3];
    for (int R = 1; R <= 4; R++) {
        slt_nce_sgd s = {R, 0.1, 0.1, 0.1, 64, 64, 200000};
        for (int t = 0; t < 20; t++) {
            slt_rng_reseed(r, 3, (uint64_t)R, (uint64_t)t);
            a[t] = slt_nce_sgd_iters(&s, r);
            slt_nce_comp_sgd(&s, r, &b[t], &bias[t]);
        }
        slt_quantiles(a, 20, 1, q);
        slt_quantiles(b, 20, 1, qc);
        double se = sqrt(2.0) * 1.25 * (nce[R - 1][2] - nce[R - 1][1]) / 1.35 / sqrt(20.0);
        check_ok(fabs(q[0] - nce[R - 1][0]) <= 3 * se, "[S] R = %d: NCE SGD median %g [%g, %g] vs note %g [%g, %g] (3 SE = %.0f)",
                 R, q[0], q[1], q[2], nce[R - 1][0], nce[R - 1][1], nce[R - 1][2], 3 * se);
        double sec = sqrt(2.0) * 1.25 * fmax(qc[2] - qc[1], 1) / 1.35 / sqrt(20.0);
        check_ok(fabs(qc[0] - comp[R - 1]) <= 3 * sec, "[S] R = %d: compositional SGD median %g [%g, %g] vs note %g (3 SE = %.1f)",
                 R, qc[0], qc[1], qc[2], comp[R - 1], 3 * sec);
        if (R >= 2)
            check_ok(q[0] > 3 * qc[0], "N3: R = %d: NCE SGD needs more iterations than compositional SGD", R);
    }
    /* caveat [S]: long-run bias at R = 3 falls from ~0.8 (B = 64) to ~0.3 (B = 1024); 4 runs each,
     * run-to-run spread of the window mean ~0.1 (note: 3.82 / 3.30 with 4 runs) */
    double m64 = 0, m1k = 0, it;
    for (int t = 0; t < 4; t++) {
        slt_nce_sgd s = {3, 0.1, 0.1, 0.1, 64, 64, 200000};
        slt_rng_reseed(r, 3, 100, (uint64_t)t);
        slt_nce_comp_sgd(&s, r, &it, &bias[0]);
        s.noise_batch = 1024;
        slt_nce_comp_sgd(&s, r, &it, &bias[1]);
        m64 += bias[0] / 4, m1k += bias[1] / 4;
    }
    check_ok(m64 > 0.4 && m1k > 0 && m1k < m64, "[S] R = 3: compositional long-run bias %.2f (B = 64) > %.2f (B = 1024) > 0",
             m64, m1k);
    gsl_rng_free(r);
}

static void test_quantiles(void)
{
    double x[5] = {4, 1, 3, 2, slt_empty()}, q[3];
    long c = slt_quantiles(x, 5, 1, q);
    check_ok(c == 4 && q[0] == 2.5 && q[1] == 1.75 && q[2] == 3.25,
             "quantiles of {4, 1, 3, 2, empty}: median 2.5, q1 1.75, q3 3.25 (type 7), count 4");
    double y[4] = {5, INFINITY, 1, INFINITY};
    slt_quantiles(y, 4, 1, q);
    check_ok(q[1] == 4 && isinf(q[0]) && isinf(q[2]), "censored runs (+inf) sort last: q1 = 4, median inf");
    double z[6] = {1, 9, 2, 9, 3, 9};
    slt_quantiles(z, 3, 2, q);
    check_ok(q[0] == 2, "stride: every other value");
}

int main(void)
{
    gsl_set_error_handler_off();
    test_table();
    test_fd();
    test_gd();
    test_sgd();
    test_quantiles();
    return check_done();
}
