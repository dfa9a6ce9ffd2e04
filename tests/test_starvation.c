/* test_starvation.c: the gradient-starvation toy (theory/starvation.c, sims/starvation_sim.c)
 * against the worked values of starvation.md 3, 4 and 6: flow and GD, fixed points, SD margin,
 * starvation derivatives, first-order formula; GD = explicit Euler; V drops out. TAP output. */
#include <math.h>
#include <stdio.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_lambert.h>

#include "engine/rng.h"
#include "engine/slt.h"
#include "sims/starvation_sim.h"
#include "tests/check.h"
#include "theory/starvation.h"

/* The worked values are printed to 6 decimals (5 for derivatives): tolerance = half a unit in the
 * last digit plus the solver tolerances (rtol 1e-10, residual 1e-13), i.e. 6e-7 and 6e-6. */
#define TOL6 6e-7
#define TOL5 6e-6

static slt_starv_toy wd(double s1) { return (slt_starv_toy){{s1, 2}, 0.5, 0.01, SLT_STARV_WD}; }
static slt_starv_toy sd(double s1) { return (slt_starv_toy){{s1, 2}, 0.5, 0.002, SLT_STARV_SD}; }

/* starvation.md 3 worked values (s1 = 2, WD) */
static void test_dynamics(void)
{
    slt_starv_toy m = wd(2);
    double z[2];
    slt_starv_euler(&m, 0.05, 100, z);
    check_close(z[0], 3.889867, TOL6, "3: GD 100 steps eta 0.05: z1");
    check_close(z[1], 1.042287, TOL6, "3: GD 100 steps eta 0.05: z2");
    check_ok(slt_starv_flow(&m, 5, z) == 0, "3: flow to t = 5 succeeds");
    check_close(z[0], 3.874339, TOL6, "3: flow t = 5: z1");
    check_close(z[1], 1.038126, TOL6, "3: flow t = 5: z2");
    slt_starv_euler(&m, 0.05, 5000, z);
    check_close(z[0], 6.120436, TOL6, "3: GD 5000 steps: z1");
    check_close(z[1], 1.639966, TOL6, "3: GD 5000 steps: z2");
    slt_starv_toy q = wd(6);
    slt_starv_euler(&q, 0.05, 5000, z);
    check_close(z[1], 1.18, 0.01, "6: WD end point at s1 = 6: z2 ~ 1.18 (starved from 1.64)");
}

/* starvation.md 4 and 6: fixed points and the SD margin */
static void test_fixed(void)
{
    double ms, z[2], zs[2];
    check_ok(slt_starv_sd_margin(0.002, &ms) == 0, "4: SD margin root converges");
    check_close(ms, 4.665120, TOL6, "4: m*(lambda = 0.002)");
    check_close(gsl_sf_lambert_W0(500), 4.672841, TOL6, "4: W(500) (the approximation)");
    for (double s1 = 2; s1 <= 6; s1 += 2) {
        slt_starv_toy m = sd(s1);
        char what[64];
        slt_starv_fixed(&m, z);
        snprintf(what, sizeof what, "4: SD fixed point at s1 = %g: z1", s1);
        check_close(z[0], 6.372673, TOL6, what);
        snprintf(what, sizeof what, "4: SD fixed point at s1 = %g: z2", s1);
        check_close(z[1], 1.707553, TOL6, what);
    }
    slt_starv_toy m = wd(6);
    check_ok(slt_starv_fixed(&m, z) == 0, "4: WD fixed point converges at s1 = 6");
    check_close(z[0], 9.071019, TOL6, "4: WD z1* at s1 = 6");
    check_close(z[1], 1.185344, TOL6, "4: WD z2* at s1 = 6");
    /* the flow reaches it: relaxation rate >= lambda = 0.01, so e^(-0.01 * 3000) ~ 1e-13 */
    slt_starv_flow(&m, 3000, zs);
    check_close(zs[1], z[1], 1e-8, "4: flow at t = 3000 reaches the WD fixed point");
    slt_starv_toy u = {{3, 2}, 0, 0.01, SLT_STARV_WD};
    slt_starv_fixed(&u, z);
    check_close(z[1], gsl_sf_lambert_W0(400) /* exact only with e^-m: compare the equation */, 0.02,
                "4: uncoupled WD z2* ~ W(s2^2/lambda)");
    check_close(z[1], 400 * slt_starv_sigm(z[1]), 1e-9, "4: uncoupled WD: z2 = (s2^2/lambda) sigma(-z2)");
    slt_starv_toy e = {{3, 2}, 0.5, 0, SLT_STARV_MSE};
    slt_starv_fixed(&e, z);
    check_close(z[0], sqrt(0.75) + 0.5, 1e-15, "4: MSE z* = U'1");
}

/* starvation.md 6: starvation derivatives (implicit function vs the note's central differences) */
static void test_derivative(void)
{
    const double s1[] = {1, 2, 3}, want[] = {0.16416, 0, -0.01607};
    char what[80];
    for (int i = 0; i < 3; i++) {
        slt_starv_toy m = wd(s1[i]);
        double d, zp[2], zm[2], h = 1e-3;
        slt_starv_dz2(&m, &d);
        snprintf(what, sizeof what, "6: dz2*/d(s1^2) at s1 = %g", s1[i]);
        check_close(d, want[i], TOL5, what);
        slt_starv_toy a = m, b = m;
        a.s[0] = sqrt(s1[i] * s1[i] + h);
        b.s[0] = sqrt(s1[i] * s1[i] - h);
        slt_starv_fixed(&a, zp);
        slt_starv_fixed(&b, zm);
        /* central difference error ~ h^2 z''' / 6 ~ 1e-7 */
        snprintf(what, sizeof what, "6: implicit function = central difference at s1 = %g", s1[i]);
        check_close(d, (zp[1] - zm[1]) / (2 * h), 1e-6, what);
        slt_starv_toy q = sd(s1[i]);
        slt_starv_dz2(&q, &d);
        snprintf(what, sizeof what, "6: SD derivative exactly 0 at s1 = %g", s1[i]);
        check_close(d, 0, 0, what);
    }
    /* first order (delta = 0.05, s1 = 2): formula (4.7142, 4.2652) vs exact (4.6989, 4.2508) */
    slt_starv_toy f = {{2, 2}, 0.05, 0.01, SLT_STARV_WD};
    double z[2], zs[2], d;
    slt_starv_first_order(&f, z, &d);
    slt_starv_fixed(&f, zs);
    check_close(z[0], 4.7142, 6e-5, "6: first order z1 at delta = 0.05");
    check_close(z[1], 4.2652, 6e-5, "6: first order z2 at delta = 0.05");
    check_close(zs[0], 4.6989, 6e-5, "6: exact z1* at delta = 0.05");
    check_close(zs[1], 4.2508, 6e-5, "6: exact z2* at delta = 0.05");
    check_close(d, 0, 1e-15, "6: first-order derivative 0 at s1 = s2");
    f.s[0] = 3;
    slt_starv_first_order(&f, z, &d);
    check_ok(d < 0, "6: first order: the stronger feature starves the weaker (%g < 0)", d);
    f.s[0] = 1;
    slt_starv_first_order(&f, z, &d);
    check_ok(d > 0, "6: first order: sign flips for s1 < s2 (%g > 0)", d);
}

/* GD, flow and dual on theta with random V (sims/starvation_sim.c) */
static void test_sim(void)
{
    gsl_rng *r = slt_rng_alloc(7, 0, 0);
    const double t[] = {5, 0, 250, 2.5};
    double z[8], ze[2], zf[2];
    char err[SLT_ERRLEN], what[96];
    for (int reg = 0; reg < 3; reg++) {
        slt_starv_toy m = reg == 1 ? sd(5) : wd(5);
        m.reg = reg;
        for (long d = 2; d <= 7; d += 5) {
            check_ok(slt_starv_sim(&m, SLT_STARV_GD, 0.05, 0, d, 4, t, r, z, err) == 0, "GD sim runs");
            for (int i = 0; i < 4; i++) {
                slt_starv_euler(&m, 0.05, lround(t[i] / 0.05), ze);
                /* theta-space GD is z-space Euler up to round-off: |z| <= 10, 5000 steps, so
                 * 1e-10 leaves a factor 100 over 5000 * 10 * 2^-52 */
                snprintf(what, sizeof what, "3: GD = Euler (reg %d, d = %ld, t = %g)", reg, d, t[i]);
                check_ok(fabs(z[2 * i] - ze[0]) < 1e-10 && fabs(z[2 * i + 1] - ze[1]) < 1e-10, "%s: %.3g", what,
                         fmax(fabs(z[2 * i] - ze[0]), fabs(z[2 * i + 1] - ze[1])));
            }
            check_ok(slt_starv_sim(&m, SLT_STARV_FLOW, 0.05, 0, d, 4, t, r, z, err) == 0, "flow sim runs");
            /* two integrations at rtol 1e-10 over a time where z changes by O(10) */
            slt_starv_flow(&m, 250, zf);
            snprintf(what, sizeof what, "3: flow on theta = z-space flow (reg %d, d = %ld, t = 250)", reg, d);
            check_ok(fabs(z[4] - zf[0]) < 1e-7 && fabs(z[5] - zf[1]) < 1e-7, "%s", what);
        }
    }
    /* dual: 5000 steps of 3e-6 end at the WD fixed point (slowest rate C s2^2 (1/4)... ~ 6 e-folds:
     * the note's curves end there to plotting accuracy, 1e-2) */
    for (int reg = 0; reg < 2; reg++) {
        slt_starv_toy m = reg ? sd(4) : wd(4);
        double t1 = 250, zs[2];
        slt_starv_sim(&m, SLT_STARV_DUAL, 0.05, 3e-6, 2, 1, &t1, r, z, err);
        slt_starv_fixed(&m, zs);
        snprintf(what, sizeof what, "5: dual ends at the fixed point (%s, s1 = 4)", reg ? "SD" : "WD");
        check_ok(fabs(z[0] - zs[0]) < 0.02 && fabs(z[1] - zs[1]) < 0.02, "%s: (%g, %g) vs (%g, %g)", what, z[0], z[1],
                 zs[0], zs[1]);
    }
    slt_starv_toy e = {{3, 2}, 0.5, 0, SLT_STARV_MSE};
    check_ok(slt_starv_sim(&e, SLT_STARV_DUAL, 0.05, 3e-6, 2, 1, t, r, z, err) != 0, "dual refused for MSE");
    gsl_rng_free(r);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_dynamics();
    test_fixed();
    test_derivative();
    test_sim();
    return check_done();
}
