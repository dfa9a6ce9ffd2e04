/* test_sgd.c: theory/sgd.c against the worked values of the theory note sgd.md (sections 2-7),
 * identities (alpha = 1 is SGD, bias + variance = risk, the closed-form limit), the bounds on their
 * side of the exact risk, the stability test against the recursion itself, the paper's claims
 * T1-T4, and the simulation (sims/sgd_sim.c) against the exact recursion. TAP output.
 *
 * Worked values are printed in the note with 5-10 significant digits: each is compared to the
 * precision printed (a relative tolerance of one unit in the last digit). Identities are
 * compared to round-off (1e-12 relative). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/rng.h"
#include "engine/slt.h"
#include "sims/sgd_sim.h"
#include "tests/check.h"
#include "theory/sgd.h"

#define D 200

static double lam[D], v_large[D], v_small[D], v_flat[D];
static slt_sgd_steps acc, sgd; /* the sgd.md 2 example and SGD with step gamma = delta */

static void setup(void)
{
    slt_sgd_spectrum(D, 2, 0, lam);
    for (int i = 0; i < D; i++) {
        v_large[i] = i < 5;
        v_small[i] = i >= 20 && i < 200;
        v_flat[i] = 1;
    }
    acc = slt_sgd_family(slt_sgd_r2(lam, D), 1e-3, 10);
    sgd = acc;
    sgd.algo = SLT_SGD_PLAIN;
}

/* check_rel with a formatted label */
static void rel(double got, double want, double r, const char *fmt, ...)
{
    char what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    check_rel(got, want, r, what);
}

static double risk(const double *l, size_t d, const slt_sgd_steps *s, double sigma2, const double *v2, long N,
                   int avg)
{
    double *c = malloc(d * sizeof(double)), sum = 0;
    slt_sgd_problem p = {d, l, sigma2, v2};
    if (!c || slt_sgd_exact(&p, s, N, avg, c))
        sum = NAN;
    for (size_t i = d; c && i-- > 0;)
        sum += c[i];
    free(c);
    return sum;
}

/* sgd.md 2: the parameter family and the AccSGD map */
static void test_family(void)
{
    check_rel(slt_sgd_r2(lam, D), 3.6399465460, 1e-10, "2: R^2 = tr H + 2 lambda_1 (d = 200, i^-2)");
    check_rel(acc.alpha, 0.999219258910874, 1e-14, "2: alpha");
    check_rel(acc.beta, 5.819300493709379e-4, 1e-14, "2: beta");
    check_rel(acc.gamma, 0.7813511220519561, 1e-14, "2: gamma");
    check_rel(acc.delta, 0.0549458618338666, 1e-14, "2: delta");
    check_rel(acc.alpha, 1 / (1 + acc.gamma * 1e-3), 1e-14, "2: identity alpha = 1/(1 + gamma mu)");
    slt_sgd_steps a = slt_sgd_accsgd(0.01, 1000, 10, 0.7);
    check_rel(a.beta, 0.0049, 1e-12, "2: AccSGD beta = c^2 xi/kappa = 0.0049");
    check_rel(a.alpha, 0.99304866, 1e-8, "2: AccSGD alpha = 0.99304866");
    check_rel(a.gamma, 7 * 0.01, 1e-12, "2: AccSGD gamma = 7 lr");
}

/* sgd.md 3 worked values (sigma2 = 0.01) and exact identities */
static void test_exact(void)
{
    check_rel(risk(lam, D, &sgd, 0.01, v_large, 500, SLT_SGD_LAST), 3.852769e-3, 2e-7, "3: SGD last, large, N = 500");
    check_rel(risk(lam, D, &acc, 0.01, v_small, 2000, SLT_SGD_LAST), 1.038429e-2, 2e-7,
              "3: ASGD last, small, N = 2000");
    check_rel(risk(lam, D, &acc, 0, v_small, 2000, SLT_SGD_LAST), 9.893747e-3, 2e-7, "3: ASGD bias part");
    slt_sgd_steps a1 = acc;
    a1.alpha = 1;
    for (int avg = 0; avg < 3; avg++) {
        double r1 = risk(lam, D, &a1, 0.01, v_flat, 700, avg), r0 = risk(lam, D, &sgd, 0.01, v_flat, 700, avg);
        rel(r1, r0, 1e-12, "3: ASGD with alpha = 1 is SGD with step delta (round-off), output %d", avg);
    }
    const slt_sgd_steps *alg[2] = {&sgd, &acc};
    for (int k = 0; k < 2; k++)
        for (int avg = 0; avg < 3; avg++) {
            long N = 301; /* odd: the tail start floor(N/2) */
            double t = risk(lam, D, alg[k], 0.01, v_small, N, avg);
            double b = risk(lam, D, alg[k], 0, v_small, N, avg), v = risk(lam, D, alg[k], 0.01, NULL, N, avg);
            rel(b + v, t, 1e-12, "3: bias + variance = risk (%s, output %d)", k ? "ASGD" : "SGD", avg);
        }
    /* the uniform average of N = 1 is w_0, the tail average of N = 2 is w_1 */
    check_rel(risk(lam, D, &acc, 0.01, v_small, 1, SLT_SGD_UNIFORM), risk(lam, D, &acc, 0.01, v_small, 0, 0), 1e-14,
              "3: uniform average at N = 1 is w_0");
    check_rel(risk(lam, D, &acc, 0.01, v_small, 2, SLT_SGD_TAIL), risk(lam, D, &acc, 0.01, v_small, 1, 0), 1e-14,
              "3: tail average at N = 2 is w_1");
}

/* sgd.md 4: stability and the closed-form limit; the stability test against the recursion */
static void test_stability(void)
{
    double l[20], tr = 0;
    for (int i = 0; i < 20; i++)
        tr += l[i] = 1.0 / (i + 1);
    slt_sgd_steps s = {SLT_SGD_PLAIN, 1, 0, 0, 0.55 / tr};
    check_rel(s.delta, 0.152874, 1e-5, "4: gamma = 0.55/tr H = 0.152874");
    check_rel(slt_sgd_s(l, 20, s.delta), 0.296143, 2e-6, "4: s(gamma) = 0.296143");
    check_rel(slt_sgd_limit(l, 20, s.delta, 0.5), 0.1051858641, 1e-9, "4: E Delta_inf = 0.1051858641");
    check_rel(risk(l, 20, &s, 0.5, NULL, 20000, SLT_SGD_LAST), 0.1051858641, 1e-9, "4: the recursion reaches it");
    check_rel(slt_sgd_margin(l, 20, &s), slt_sgd_s(l, 20, s.delta), 1e-14, "4: SGD margin is s(gamma)");
    s.delta = 10;
    double dmax = slt_sgd_step_bound(l, 20, &s, 0);
    check_rel(slt_sgd_s(l, 20, dmax), 1, 1e-10, "4: SGD step bound solves s(delta) = 1");
    /* ASGD: no closed form; the rank-one secular test must agree with the recursion itself.
     * Below the bound on gamma the bias (flat init, sigma2 = 0) decays from N = 2e4 to 4e4; 10%
     * above it grows (measured: the growth rate there is ~1e-4 per step, i.e. a factor e^2). */
    slt_sgd_steps a = acc;
    a.gamma = 100;
    double gmax = slt_sgd_step_bound(lam, D, &a, 1);
    check_ok(gmax > acc.gamma && gmax < 100, "4: ASGD gamma bound %.6g lies above the family's gamma", gmax);
    for (int k = 0; k < 2; k++) {
        a.gamma = gmax * (k ? 1.1 : 0.9);
        double r1 = risk(lam, D, &a, 0, v_flat, 20000, 0), r2 = risk(lam, D, &a, 0, v_flat, 40000, 0);
        check_ok(k ? r2 > r1 : r2 < r1, "4: ASGD at %.1f x the gamma bound: bias %s (%.3g -> %.3g)",
                 k ? 1.1 : 0.9, k ? "grows" : "decays", r1, r2);
    }
}

/* sgd.md 5: the Zou et al. bound, worked values and its side over a grid */
static void test_zou(void)
{
    slt_sgd_problem p = {D, lam, 0.01, v_large};
    long k;
    double b = slt_sgd_zou(&p, sgd.delta, 500, &k);
    check_ok(k == 5, "5: k*(N = 500) = 5 (got %ld)", k);
    check_rel(b, 4.7970e-2, 1e-4, "5: Zou bound at N = 500");
    check_rel(risk(lam, D, &sgd, 0.01, v_large, 500, SLT_SGD_UNIFORM), 2.3757e-2, 1e-4, "5: exact uniform, N = 500");
    b = slt_sgd_zou(&p, sgd.delta, 2000, &k);
    check_ok(k == 10, "5: k*(N = 2000) = 10 (got %ld)", k);
    check_rel(b, 5.2214e-3, 1e-4, "5: Zou bound at N = 2000");
    p.v2 = NULL;
    check_ok(isnan(slt_sgd_zou(&p, 1.000001 / (3 * (slt_sgd_r2(lam, D) - 2 * lam[0])), 10, NULL)),
             "5: no bound for gamma above 1/(3 tr H)");
}

/* Upper bound above and lower bound below the exact curves: N grid x inits x spectra */
static void test_bound_sides(void)
{
    const double *inits[4] = {v_large, v_small, v_flat, NULL};
    const double spec[3][2] = {{2, 0}, {1, 0}, {1.5, 1}};
    long Ns[5] = {1, 10, 100, 1000, 5000};
    int zou_bad = 0, jen_bad = 0, n = 0;
    double lo = INFINITY, hi = 0;
    for (int sp = 0; sp < 3; sp++) {
        double l[D];
        slt_sgd_spectrum(D, spec[sp][0], spec[sp][1], l);
        slt_sgd_steps a = slt_sgd_family(slt_sgd_r2(l, D), 1e-3, 10), s = a;
        s.algo = SLT_SGD_PLAIN;
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 5; j++, n++) {
                slt_sgd_problem p = {D, l, 0.01, inits[i]};
                double z = slt_sgd_zou(&p, s.delta, Ns[j], NULL), e = risk(l, D, &s, 0.01, inits[i], Ns[j], 1);
                zou_bad += !(z >= e);
                if (e > 0)
                    lo = fmin(lo, z / e), hi = fmax(hi, z / e);
                for (int al = 0; al < 2; al++) {
                    const slt_sgd_steps *st = al ? &a : &s;
                    double jb = slt_sgd_jensen(&p, st, Ns[j]), bias = risk(l, D, st, 0, inits[i], Ns[j], 0);
                    jen_bad += !(jb <= bias * (1 + 1e-12));
                }
            }
    }
    check_ok(zou_bad == 0, "5: Zou bound >= exact uniform-average risk at %d points (ratio %.3g to %.3g)", n, lo, hi);
    check_ok(jen_bad == 0, "6: Jensen bound <= exact last-iterate bias at %d points, SGD and ASGD", 2 * n);
}

/* sgd.md 6 worked values and limits */
static void test_modes(void)
{
    double de = slt_sgd_delta_eff(&acc), lx = slt_sgd_lambda_cross(&acc), lo, hi;
    check_rel(de, 0.47128, 1e-5, "6: delta_eff = 0.47128");
    check_rel(de / acc.delta, 8.58, 1e-3, "6: delta_eff = 8.58 delta");
    check_rel(lx, 0.02479, 2e-4, "6: numerical crossover lambda_x = 0.02479");
    check_rel(((1 - acc.alpha) + acc.beta) / acc.delta, 0.02480, 2e-4, "6: predicted ((1-alpha) + beta)/delta");
    check_rel(slt_sgd_rate(&acc, lx), slt_sgd_rate(&sgd, lx), 1e-10, "6: the rates are equal at lambda_x");
    check_ok(slt_sgd_rate(&acc, 0.5 * lx) > slt_sgd_rate(&sgd, 0.5 * lx) &&
                 slt_sgd_rate(&acc, 2 * lx) < slt_sgd_rate(&sgd, 2 * lx),
             "6: ASGD faster below lambda_x, slower above");
    slt_sgd_band(&acc, &lo, &hi);
    check_rel(lo, 7.686e-4, 1e-4, "6: complex band starts at 7.686e-4");
    check_rel(hi, 0.7834, 1e-4, "6: complex band ends at 0.7834");
    check_rel(slt_sgd_rate(&acc, 1e-9) / 1e-9, de, 1e-6, "6: small-lambda rate is delta_eff lambda");
    double l = 0.1, det = acc.alpha * (1 - acc.beta) * (1 - acc.delta * l);
    check_rel(slt_sgd_rate(&acc, l), -0.5 * log(det), 1e-12, "6: in the band rho = sqrt(det M)");
    check_rel(slt_sgd_rate(&sgd, 0.3), -log(1 - 0.3 * acc.delta), 1e-14, "6: SGD rate -log(1 - delta lambda)");
}

/* sgd.md 7: T1-T4 on the section 3 instance, exact, at N = 2000 and over a grid of N for T3 */
static void test_claims(void)
{
    double as = risk(lam, D, &acc, 0.01, v_small, 2000, 0), ss = risk(lam, D, &sgd, 0.01, v_small, 2000, 0);
    double al = risk(lam, D, &acc, 0.01, v_large, 2000, 0), sl = risk(lam, D, &sgd, 0.01, v_large, 2000, 0);
    check_rel(as, 1.04e-2, 5e-3, "7: small init, ASGD 1.04e-2");
    check_rel(ss, 1.93e-2, 5e-3, "7: small init, SGD 1.93e-2");
    check_rel(sl, 2.52e-4, 5e-3, "7: large init, SGD 2.52e-4");
    check_rel(al, 5.96e-4, 5e-3, "7: large init, ASGD 5.96e-4");
    double abs_ = risk(lam, D, &acc, 0, v_small, 2000, 0), sbs = risk(lam, D, &sgd, 0, v_small, 2000, 0);
    double abl = risk(lam, D, &acc, 0, v_large, 2000, 0), sbl = risk(lam, D, &sgd, 0, v_large, 2000, 0);
    check_ok(abs_ < sbs, "T1: small-eigenvalue init, ASGD bias %.4g < SGD bias %.4g", abs_, sbs);
    check_ok(abl > sbl, "T2: large-eigenvalue init, ASGD bias %.4g > SGD bias %.4g", abl, sbl);
    /* at N = 1 the two coincide (u_0 = w_0: the first ASGD step is an SGD step) */
    int bad = 0;
    for (int avg = 0; avg < 3; avg++)
        for (long N = 4; N <= 8192; N *= 2) {
            double va = risk(lam, D, &acc, 0.01, NULL, N, avg), vs = risk(lam, D, &sgd, 0.01, NULL, N, avg);
            if (!(va > vs))
                check_ok(0, "T3 fails: N = %ld, output %d: ASGD %.6g, SGD %.6g", N, avg, va, vs), bad++;
        }
    check_ok(bad == 0, "T3: ASGD variance > SGD variance, every output, N = 4..8192 (x2)");
    check_ok(as < ss && al > sl, "T4: ASGD wins in total risk for the small init, SGD for the large one");
}

/* Simulation against the exact recursion: d = 200, T = 2000 trials, N = 100 and 500, both
 * algorithms, inits large/small/zero, all three outputs (36 cells, 108 with bias/variance; cells
 * share trajectories, so their z-scores are correlated). The recursion is exact at finite d and N,
 * so the only error is Monte Carlo: the mean of 2000 trials of a finite-variance risk is normal
 * to within a few percent, and |z| > 4 has probability 6e-5 per cell (< 1% for 108 cells even if
 * independent). The SE itself is estimated from 2000 trials (relative error ~ 1/sqrt(2T) = 1.6%
 * for light tails; the risk is a heavy-ish quadratic form, so say < 10%): 4 SE stays > 3.6 true SE. */
#define TRIALS 2000
static void test_simulation(void)
{
    enum { NQ = 36 };
    slt_sgd_query q[NQ];
    const size_t from[3] = {1, 21, 1}, to[3] = {5, 200, 0};
    const long Ns[2] = {100, 500};
    int k = 0;
    for (int a = 0; a < 2; a++)
        for (int i = 0; i < 3; i++)
            for (int n = 0; n < 2; n++)
                for (int avg = 0; avg < 3; avg++, k++) {
                    slt_sgd_query qk = {a ? acc : sgd, from[i], to[i], Ns[n], avg};
                    q[k] = qk;
                }
    double mean[3][NQ] = {{0}}, m2[3][NQ] = {{0}}, pack[SLT_SGD_PACK][3][NQ], one[3][NQ];
    char err[SLT_ERRLEN];
    gsl_rng *r[SLT_SGD_PACK];
    for (int j = 0; j < SLT_SGD_PACK; j++)
        r[j] = slt_rng_alloc(11, 0, 0);
    int same = 1;
    for (int t0 = 0; t0 < TRIALS; t0 += SLT_SGD_PACK) { /* trials t0.. side by side, as the engine runs them */
        int ntr = TRIALS - t0 < SLT_SGD_PACK ? TRIALS - t0 : SLT_SGD_PACK;
        for (int j = 0; j < ntr; j++)
            slt_rng_reseed(r[j], 11, 0, (uint64_t)(t0 + j));
        if (slt_sgd_sim_pack(D, lam, 0.01, NQ, q, r, ntr, &pack[0][0][0], err)) {
            check_ok(0, "slt_sgd_sim_pack: %s", err);
            break;
        }
        for (int j = 0; j < ntr; j++)
            for (int c = 0; c < 3; c++)
                for (int k = 0; k < NQ; k++) { /* Welford */
                    double x = pack[j][c][k], dlt = x - mean[c][k];
                    mean[c][k] += dlt / (t0 + j + 1);
                    m2[c][k] += dlt * (x - mean[c][k]);
                }
        if (t0 < 3 * SLT_SGD_PACK) /* a trial alone gives the bits it gives in a pack */
            for (int j = 0; j < ntr; j++) {
                slt_rng_reseed(r[0], 11, 0, (uint64_t)(t0 + j));
                same &= !slt_sgd_sim(D, lam, 0.01, NQ, q, r[0], one[0], one[1], one[2], err) &&
                        !memcmp(one, pack[j], sizeof one);
            }
    }
    for (int j = 0; j < SLT_SGD_PACK; j++)
        gsl_rng_free(r[j]);
    check_ok(same, "8: a trial's 108 values are bit for bit the same alone and in a pack of %d (12 trials)",
             SLT_SGD_PACK);
    double zmax = 0;
    int bad = 0;
    for (int c = 0; c < NQ; c++) {
        const double *v2 = q[c].to >= q[c].from ? (q[c].from == 1 ? v_large : v_small) : NULL;
        double th[3] = {risk(lam, D, &q[c].steps, 0.01, v2, q[c].N, q[c].avg),
                        v2 ? risk(lam, D, &q[c].steps, 0, v2, q[c].N, q[c].avg) : 0,
                        risk(lam, D, &q[c].steps, 0.01, NULL, q[c].N, q[c].avg)};
        for (int j = 0; j < 3; j++) {
            double se = sqrt(m2[j][c] / (TRIALS - 1) / TRIALS);
            if (se == 0) { /* zero init: the bias is exactly 0 in every trial */
                bad += mean[j][c] != th[j];
                continue;
            }
            double z = (mean[j][c] - th[j]) / se;
            zmax = fmax(zmax, fabs(z));
            if (fabs(z) > 4)
                check_ok(0, "MC cell %d (%s, N = %ld, output %d) quantity %d: z = %.2f", c,
                         q[c].steps.algo ? "ASGD" : "SGD", q[c].N, q[c].avg, j, z), bad++;
        }
    }
    check_ok(bad == 0, "8: simulation within 4 SE of the exact recursion in all 108 cells (max |z| = %.2f)", zmax);
}

int main(void)
{
    setup();
    test_family();
    test_exact();
    test_stability();
    test_zou();
    test_bound_sides();
    test_modes();
    test_claims();
    test_simulation();
    return check_done();
}
