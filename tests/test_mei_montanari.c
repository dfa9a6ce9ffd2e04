/* test_mei_montanari.c: worked values and identities of random_features.md 1.2-1.6. */
#include <math.h>
#include <stdio.h>

#include <gsl/gsl_errno.h>

#include "slt.h"
#include "tests/check.h"
#include "theory/activation.h"
#include "theory/mei_montanari.h"

static double MU1, MUS; /* ReLU constants, set once in main (test-local, read-only after) */

/* ReLU, F1 = 1, tau = F* = 0 unless given */
static slt_mm_result relu(double psi1, double psi2, double lambda)
{
    slt_mm_result r;
    int st = slt_mm_risk(psi1, psi2, lambda, MU1, MUS, 1, 0, 0, &r);
    if (st) {
        printf("# slt_mm_risk(%g, %g, %g) failed with %d\n", psi1, psi2, lambda, st);
        r.bias = r.variance = r.test = r.chi = NAN;
    }
    return r;
}

/* Residuals of the two equations of 1.4 (the fixed point of 1.3 at nu_j = i b_j, xi = i s),
 * relative to psi_j. */
static double fp_residual(double psi1, double psi2, double z, double lambar, double b1,
                          double b2)
{
    double s = sqrt(psi1 * psi2 * lambar), z2 = z * z, q = 1 + z2 * b1 * b2;
    double r1 = b1 * (s + b2 + z2 * b2 / q) - psi1;
    double r2 = b2 * (s + b1 + z2 * b1 / q) - psi2;
    return fmax(fabs(r1) / psi1, fabs(r2) / psi2);
}

/* Independent solve of 1.4: 2-D Newton on (b1, b2) from a start 1% off the bracketed answer;
 * with the physical branch locally unique, it must come back to the same point. */
static int newton2(double psi1, double psi2, double z, double lambar, double *b1, double *b2)
{
    double s = sqrt(psi1 * psi2 * lambar), z2 = z * z, x = *b1 * 1.01, y = *b2 * 0.99;
    for (int it = 0; it < 100; it++) {
        double q = 1 + z2 * x * y;
        double f1 = x * (s + y + z2 * y / q) - psi1, f2 = y * (s + x + z2 * x / q) - psi2;
        /* d/dx [z2 x y / q] = z2 y / q^2, d/dy = z2 x / q^2 */
        double a11 = s + y + z2 * y / (q * q), a12 = x + z2 * x / (q * q);
        double a21 = y + z2 * y / (q * q), a22 = s + x + z2 * x / (q * q);
        double det = a11 * a22 - a12 * a21;
        double dx = (f1 * a22 - f2 * a12) / det, dy = (a11 * f2 - a21 * f1) / det;
        x -= dx;
        y -= dy;
        if (fabs(dx) <= 1e-16 * fabs(x) && fabs(dy) <= 1e-16 * fabs(y))
            break;
    }
    *b1 = x;
    *b2 = y;
    return isfinite(x) && isfinite(y) && x > 0 && y > 0;
}

int main(void)
{
    gsl_set_error_handler_off();
    slt_act_consts c;
    slt_act_constants(SLT_ACT_RELU, &c);
    MU1 = c.mu1;
    MUS = c.mustar;
    double z = c.zeta, mus2 = MUS * MUS;
    const double tol = 1e-6;
    slt_mm_result r;
    char what[128];

    /* ---- 1.2 warning example ---- */
    check_ok(slt_mm_risk(2, 3, 0.1, MU1, MUS, 1, 0, 0.25, &r) == SLT_OK, "risk (2, 3, 0.1)");
    check_close(r.test, 0.444949, tol, "1.2 R(psi1 = 2, psi2 = 3, lambda = 0.1, tau^2 = 0.25)");
    /* zeta misread as mu1^2/mu*^2 (lambar kept): mu1' = mu1^2/mu* */
    slt_mm_risk(2, 3, 0.1, MU1 * MU1 / MUS, MUS, 1, 0, 0.25, &r);
    check_close(r.test, 0.280587, tol, "1.2 wrong reading zeta = mu1^2/mu*^2");
    /* ridge misread as lambar = lambda (zeta kept): mu* = 1, mu1 = zeta */
    slt_mm_risk(2, 3, 0.1, z, 1, 1, 0, 0.25, &r);
    check_close(r.test, 0.617156, tol, "1.2 wrong reading lambar = lambda");

    /* ---- 1.3 examples (psi2 = 3) ---- */
    r = relu(3, 3, 1e-3);
    check_close(r.bias, 0.577099, tol, "1.3 B(3, 3, 1e-3)");
    check_close(r.variance, 2.953974, tol, "1.3 V(3, 3, 1e-3)");
    r = relu(2, 3, 0.1);
    check_close(r.bias, 0.398687, tol, "1.3 B(2, 3, 0.1)");
    check_close(r.variance, 0.185050, tol, "1.3 V(2, 3, 0.1)");
    r = relu(0.5, 3, 1e-3);
    check_close(r.bias, 0.809231, tol, "1.3 B(0.5, 3, 1e-3)");
    check_close(r.variance, 0.198897, tol, "1.3 V(0.5, 3, 1e-3)");

    /* R combines the parts as in 1.3 */
    slt_mm_risk(2, 3, 0.1, MU1, MUS, 0.7, 0.3, 0.25, &r);
    slt_mm_result r0 = relu(2, 3, 0.1);
    check_close(r.test, 0.7 * r0.bias + (0.25 + 0.3) * r0.variance + 0.3, 1e-15,
                "R = F1^2 B + (tau^2 + F*^2) V + F*^2");

    /* ---- 1.4 examples ---- */
    r = relu(0.5, 3, 1e-3);
    check_close(r.b1, 0.00896332925788, tol, "1.4 b1(0.5, 3, 1e-3)");
    check_close(r.b2, 19.4645812956, tol, "1.4 b2(0.5, 3, 1e-3)");
    check_close(r.chi, -0.174467451019, tol, "1.4 chi(0.5, 3, 1e-3)");
    check_close(r.e0, -3.2032098, tol, "1.4 E0(0.5, 3, 1e-3)");
    check_close(r.e1, -2.592137431, tol, "1.4 E1(0.5, 3, 1e-3)");
    check_close(r.e2, -0.6371086027, tol, "1.4 E2(0.5, 3, 1e-3)");
    /* the notes give these to 12 digits: hold them to 1e-11 as well */
    check_close(r.b1, 0.00896332925788, 1e-13, "1.4 b1 to all given digits");
    check_close(r.chi, -0.174467451019, 1e-12, "1.4 chi to all given digits");
    r = relu(3, 3, 1e-3);
    check_close(r.b1, 1.32462654243, tol, "1.4 b1(3, 3, 1e-3)");
    check_close(r.b2, 1.32462654243, tol, "1.4 b2(3, 3, 1e-3)");
    check_ok(r.b1 == r.b2, "1.4 b1 == b2 exactly at psi1 == psi2");
    check_close(r.chi, -1.7546354769, tol, "1.4 chi(3, 3, 1e-3)");
    r = relu(6, 3, 0.1);
    check_close(r.chi, -0.484890651229, tol, "1.4 chi(6, 3, 0.1)");
    check_close(r.chi, -0.484890651229, 1e-12, "1.4 chi(6, 3, 0.1) to all given digits");
    /* the complex-quartic warning: psi1 = 0.5, lambar = 1e-6 has chi = -0.174978 */
    double chi, b1, b2;
    check_ok(slt_mm_chi(0.5, 3, z, 1e-6, &chi, &b1, &b2) == SLT_OK, "chi at lambar = 1e-6");
    check_close(chi, -0.174978, 1e-6, "1.4 chi(0.5, 3, lambar = 1e-6) (quartic would give -0.1675)");

    /* ---- 1.5 ridgeless ---- */
    slt_mm_chi(0.5, 3, z, 0, &chi, NULL, NULL);
    check_close(chi, -0.174978220764, 1e-12, "1.5 ridgeless chi(psi = 0.5)");
    slt_mm_chi(3, 4.5, z, 0, &chi, NULL, NULL);
    check_close(chi, -2.144873775608, 1e-12, "1.5 ridgeless chi(psi = 3)");
    r = relu(4.5, 3, 0);
    check_close(r.bias, 0.317501, tol, "1.5 ridgeless B(4.5, 3)");
    check_close(r.variance, 2.322309, tol, "1.5 ridgeless V(4.5, 3)");
    check_close(r.chi, -2.144873775608, 1e-12, "1.5 ridgeless chi(4.5, 3)");
    r = relu(3, 3, 0);
    check_ok(isinf(r.test) && r.test > 0 && isinf(r.bias) && isinf(r.variance),
             "1.5 ridgeless psi1 == psi2 gives +inf");
    check_ok(slt_mm_risk(3, 3, 0, MU1, MUS, 0, 0, 0, &r) == SLT_OK && r.test == 0,
             "zero target and zero noise at the threshold: R = 0, not NaN");
    /* divergence at psi1 = psi2 as lambda -> 0 (values given to 5 significant digits) */
    r = relu(3, 3, 1e-8);
    check_close(r.bias, 149.17, 0.005, "1.5 B(3, 3, 1e-8)");
    r = relu(3, 3, 1e-6);
    check_close(r.bias, 15.004, 0.0005, "1.5 B(3, 3, 1e-6)");
    r = relu(3, 3, 1e-3);
    check_close(r.bias, 0.5771, 0.00005, "1.5 B(3, 3, 1e-3)");

    /* kernel limit psi1 -> inf, lambar = 0.1 */
    r = relu(INFINITY, 3, 0.1 * mus2);
    check_close(r.bias, 0.0409897, tol, "1.5 kernel limit B(psi2 = 3, lambar = 0.1)");
    check_close(r.variance, 0.2905009, tol, "1.5 kernel limit V(psi2 = 3, lambar = 0.1)");
    slt_mm_result rk = r;
    r = relu(1e6, 3, 0.1 * mus2);
    check_close(r.bias, rk.bias, 1e-5, "kernel limit matches psi1 = 1e6 (B)");
    check_close(r.variance, rk.variance, 1e-5, "kernel limit matches psi1 = 1e6 (V)");
    check_close(r.chi, rk.chi, 1e-5, "kernel limit matches psi1 = 1e6 (chi)");

    /* infinite data psi2 -> inf */
    r = relu(2, INFINITY, 0.1 * mus2);
    check_close(r.bias, 0.2298234, tol, "1.5 infinite-data B(psi1 = 2, lambar = 0.1)");
    check_ok(r.variance == 0, "1.5 infinite data: V = 0");
    slt_mm_result rd = r;
    r = relu(2, 1e7, 0.1 * mus2);
    check_close(r.bias, rd.bias, 1e-5, "infinite-data limit matches psi2 = 1e7 (B)");
    check_close(r.variance, 0, 1e-5, "infinite-data limit matches psi2 = 1e7 (V)");
    slt_mm_risk(2, INFINITY, 0.1 * mus2, MU1, MUS, 1, 0.3, 0.25, &r);
    check_close(r.test, rd.bias + 0.3, 1e-15, "infinite data: R = F1^2 B + F*^2");

    /* both infinite [D]: B = (lambda/(lambda + mu1^2))^2 */
    r = relu(INFINITY, INFINITY, 0.1);
    check_close(r.bias, pow(0.1 / (0.1 + 0.25), 2), 1e-15, "psi1 = psi2 = inf closed form");
    slt_mm_result ra = relu(1e9, INFINITY, 0.1), rb = relu(INFINITY, 1e9, 0.1);
    check_close(ra.bias, r.bias, 1e-7, "both-infinite limit from the infinite-data side");
    check_close(rb.bias, r.bias, 1e-7, "both-infinite limit from the kernel side");

    /* ---- 1.6 identities ---- */
    r = relu(1e-9, 3, 1e-3);
    check_close(r.bias, 1, 1e-6, "psi1 -> 0: B -> 1");
    check_close(r.variance, 0, 1e-6, "psi1 -> 0: V -> 0");
    r = relu(2, 3, 1e12);
    check_close(r.bias, 1, 1e-6, "lambda -> inf: B -> 1");
    check_close(r.variance, 0, 1e-6, "lambda -> inf: V -> 0");
    r = relu(2, 3, INFINITY);
    check_ok(r.bias == 1 && r.variance == 0, "lambda = inf: B = 1, V = 0 exactly");
    r = relu(INFINITY, 3, INFINITY);
    check_close(r.bias, 1, 1e-15, "kernel limit, lambda = inf: B = 1");
    r = relu(0.5, 3, 0);
    check_close(r.variance, 0.2, 1e-12, "ridgeless V(0.5, 3) = psi1/(psi2 - psi1) = 0.2");
    r = relu(2, 3, 0);
    check_close(r.variance, 2, 1e-12, "ridgeless V(2, 3) = 2");
    for (double p1 = 0.1; p1 < 2.95; p1 += 0.35) {
        r = relu(p1, 3, 0);
        snprintf(what, sizeof what, "ridgeless V(%.2f, 3) = psi1/(psi2 - psi1)", p1);
        check_close(r.variance, p1 / (3 - p1), 1e-12, what);
    }
    slt_mm_result rk0 = relu(INFINITY, 3, 0);
    check_close(rk0.variance, 0.3223087, tol, "ridgeless kernel-limit V(psi2 = 3)");
    double psis[] = {3.5, 4.5, 6, 10, 30, 100};
    for (size_t i = 0; i < sizeof psis / sizeof *psis; i++) {
        r = relu(psis[i], 3, 0);
        snprintf(what, sizeof what, "ridgeless V(%g, 3) - psi2/(psi1 - psi2) = kernel V", psis[i]);
        check_close(r.variance - 3 / (psis[i] - 3), rk0.variance, 1e-12, what);
    }
    /* bracketed solve at lambar = 1e-10 vs the ridgeless closed form: 6 digits */
    double p1s[] = {0.5, 2, 4.5, 10};
    for (size_t i = 0; i < 4; i++) {
        slt_mm_result a = relu(p1s[i], 3, 1e-10 * mus2), b = relu(p1s[i], 3, 0);
        snprintf(what, sizeof what, "lambar = 1e-10 vs ridgeless B (psi1 = %g)", p1s[i]);
        check_rel(a.bias, b.bias, 1e-6, what);
        snprintf(what, sizeof what, "lambar = 1e-10 vs ridgeless V (psi1 = %g)", p1s[i]);
        check_rel(a.variance, b.variance, 1e-6, what);
    }
    /* The bracketed solve satisfies the fixed point and agrees with an independent Newton solve
     * over lambar in [1e-12, 1e3] (1.6 reports ~4e-16 against damped iteration + Newton). */
    double worst_res = 0, worst_newton = 0;
    int newton_ok = 1;
    double grid1[] = {0.1, 0.5, 1, 2.9, 3, 3.1, 6, 50};
    double zs[] = {z, 0, 3.658, 10};
    for (size_t zi = 0; zi < 4; zi++)
        for (size_t i = 0; i < sizeof grid1 / sizeof *grid1; i++)
            for (double lb = 1e-12; lb <= 1.0001e3; lb *= 10) {
                if (slt_mm_chi(grid1[i], 3, zs[zi], lb, &chi, &b1, &b2) != SLT_OK) {
                    newton_ok = 0;
                    continue;
                }
                worst_res = fmax(worst_res, fp_residual(grid1[i], 3, zs[zi], lb, b1, b2));
                double n1 = b1, n2 = b2;
                if (!newton2(grid1[i], 3, zs[zi], lb, &n1, &n2)) {
                    newton_ok = 0;
                    continue;
                }
                worst_newton = fmax(worst_newton, fabs(n1 * n2 - b1 * b2) / (b1 * b2));
            }
    check_ok(newton_ok, "bracketed and Newton solves succeed on the whole grid");
    check_ok(worst_res < 1e-13, "fixed-point residual over the grid: %.2g", worst_res);
    check_ok(worst_newton < 1e-13, "bracketed vs Newton chi over the grid: %.2g", worst_newton);

    /* zeta = 0 (quad activation): chi = -min(psi) ridgeless, and the 1.4 solve agrees */
    slt_mm_chi(0.5, 3, 0, 0, &chi, NULL, NULL);
    check_close(chi, -0.5, 1e-15, "ridgeless chi = -psi at zeta = 0");
    slt_mm_chi(0.5, 3, 0, 1e-12, &chi, NULL, NULL);
    check_close(chi, -0.5, 1e-5, "small-lambar chi at zeta = 0");
    check_ok(slt_mm_risk(INFINITY, 3, 0.1, 0, 1, 1, 0, 0, &r) == SLT_OK && fabs(r.bias - 1) < 1e-15,
             "kernel limit with mu1 = 0: B = 1");

    /* numerical edges: psi1 psi2 lambar overflowing, and the documented loss of digits at the
     * threshold (B ~ 1e13 at lambda = 1e-30 cannot be computed from E1/E0 in doubles) */
    check_ok(slt_mm_risk(1e8, 3, 1e300, MU1, MUS, 1, 0, 0, &r) == SLT_OK && r.bias == 1,
             "psi1 psi2 lambar beyond DBL_MAX: B = 1");
    check_ok(slt_mm_risk(3, 3, 1e-30, MU1, MUS, 1, 0, 0, &r) == SLT_EFAIL,
             "psi1 = psi2, lambda = 1e-30: SLT_EFAIL rather than a wrong B");
    check_ok(slt_mm_risk(3, 3, 1e-16, MU1, MUS, 1, 0, 0, &r) == SLT_OK && r.bias > 1e6,
             "psi1 = psi2, lambda = 1e-16 still computed (B = %.6g)", r.bias);

    /* bad inputs */
    check_ok(slt_mm_risk(0, 3, 0.1, MU1, MUS, 1, 0, 0, &r) == SLT_EUSAGE, "psi1 = 0 rejected");
    check_ok(slt_mm_risk(1, -3, 0.1, MU1, MUS, 1, 0, 0, &r) == SLT_EUSAGE, "psi2 < 0 rejected");
    check_ok(slt_mm_risk(1, 3, -0.1, MU1, MUS, 1, 0, 0, &r) == SLT_EUSAGE, "lambda < 0 rejected");
    check_ok(slt_mm_risk(1, 3, NAN, MU1, MUS, 1, 0, 0, &r) == SLT_EUSAGE, "lambda NaN rejected");
    check_ok(slt_mm_risk(1, 3, 0.1, MU1, 0, 1, 0, 0, &r) == SLT_EUSAGE, "mu* = 0 rejected");
    check_ok(slt_mm_risk(1, 3, 0.1, MU1, MUS, -1, 0, 0, &r) == SLT_EUSAGE, "F1^2 < 0 rejected");
    check_ok(slt_mm_risk(1, 3, 0.1, MU1, MUS, 1, 0, -1, &r) == SLT_EUSAGE, "tau^2 < 0 rejected");
    return check_done();
}
