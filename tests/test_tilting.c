/* test_tilting.c: boundary tilting (extras.md 2): the worked values on the note's deterministic
 * data, the identity d_adv = 1/2 ||j - i|| cos theta to 1e-10, the limits, the population formulas,
 * the toy, and the simulation targets at fixed seeds (T1-T4). TAP output. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "engine/rng.h"
#include "slt.h"
#include "sims/tilting_sim.h"
#include "tests/check.h"
#include "tests/extras_inputs.h"
#include "theory/tilting.h"

/* extras.md 2 worked data: rows k = 0..2 n_per - 1, y = -1 for the first half,
 * x_kl = y mu [l = 0] + s_l g(d k + l) */
static void worked_data(size_t n_per, size_t d, size_t m, double s_low, double *X, double *y)
{
    for (size_t k = 0; k < 2 * n_per; k++) {
        y[k] = k < n_per ? -1 : 1;
        for (size_t l = 0; l < d; l++)
            X[k * d + l] = (l == 0 ? y[k] : 0) + (l < m ? 1 : s_low) * g_in((double)(d * k + l));
    }
}

static void test_worked(void)
{
    enum { D = 5, NPER = 4, N = 8 };
    double X[N * D], y[N], W[2 * D], B[2], lam[2] = {1, 0.01};
    worked_data(NPER, D, 2, 0.1, X, y);
    /* extras.md 2 worked table: theta (deg), d_adv, ||w||, b */
    const double want[2][2][4] = {{{11.089160350, 0.832187881, 0.336647104, -0.247724121},
                                   {72.906079798, 0.249266428, 2.275032498, -0.724353592}},
                                  {{1.879808792, 0.847564853, 0.176712343, -0.116756909},
                                   {37.349243386, 0.674136479, 1.787063366, -1.197946386}}};
    const int learners[2] = {SLT_TILT_RIDGE, SLT_TILT_LOGREG};
    char err[SLT_ERRLEN] = "", what[160];
    for (int a = 0; a < 2; a++) {
        check_ok(slt_tilt_fit(learners[a], X, y, N, D, 2, lam, W, B, err) == 0, "fit %s on the worked data %s",
                 slt_tilt_learners[learners[a]], err);
        for (int q = 0; q < 2; q++) {
            slt_tilt_stats st;
            slt_tilt_stats_of(X, y, N, D, &W[q * D], B[q], &st);
            const char *nm = slt_tilt_learners[learners[a]];
            if (a == 0 && q == 0)
                check_rel(st.dist_ji, 1.696042453, 1e-9, "worked data: ||j - i|| = 1.696042453");
            double got[4] = {st.theta_deg, st.d_adv, st.norm_w, B[q]};
            const char *names[4] = {"theta (deg)", "d_adv", "||w||", "b"};
            for (int c = 0; c < 4; c++) {
                snprintf(what, sizeof what, "worked %s lambda = %g: %s", nm, lam[q], names[c]);
                /* the note's values carry 10 significant digits; Newton and the eigen path converge
                 * far below that, so 1e-8 relative leaves only the rounding of the table */
                check_rel(got[c], want[a][q][c], 1e-8, what);
            }
            snprintf(what, sizeof what, "identity %s lambda = %g: |d_adv - 1/2 ||j - i|| cos theta| <= 1e-10", nm, lam[q]);
            check_close(st.d_adv, st.half_dist_cos, 1e-10, what);
        }
    }
}

/* Limits (extras.md 2 [D]): large lambda gives the NCC direction with theta ~ 1/lambda; ridge at
 * lambda -> 0 with d > n interpolates the labels. */
static void test_limits(void)
{
    enum { D = 5, NPER = 4, N = 8, D2 = 20 };
    double X[N * D2], y[N], W[3 * D2], B[3], lam[3] = {1e2, 1e4, 1e-10};
    char err[SLT_ERRLEN];
    worked_data(NPER, D, 2, 0.1, X, y);
    slt_tilt_stats s2, s4;
    slt_tilt_fit(SLT_TILT_LOGREG, X, y, N, D, 2, lam, W, B, err);
    slt_tilt_stats_of(X, y, N, D, &W[0], B[0], &s2);
    slt_tilt_stats_of(X, y, N, D, &W[D], B[1], &s4);
    /* The note's 1.9e-2 and 1.9e-4 degrees are for its own draw (not stated); on the worked data the
     * checkable content is the NCC limit and the rate: theta ~ c/lambda, so the ratio over two
     * decades is 100 up to the O(1/lambda) correction (1% at lambda = 1e2). */
    check_ok(s2.theta_deg < 0.05, "logreg lambda = 1e2: theta = %.3g deg, near the NCC direction", s2.theta_deg);
    check_rel(s2.theta_deg / s4.theta_deg, 100, 0.01, "logreg: theta(1e2)/theta(1e4) = 100 (theta ~ 1/lambda)");
    worked_data(NPER, D2, 2, 0.1, X, y);
    slt_tilt_fit(SLT_TILT_RIDGE, X, y, N, D2, 3, lam, W, B, err);
    double mx = 0;
    for (int k = 0; k < N; k++) {
        double s = B[2];
        for (int l = 0; l < D2; l++)
            s += W[2 * D2 + l] * X[k * D2 + l];
        mx = fmax(mx, fabs(s - y[k]));
    }
    /* the note finds 2e-8 at lambda = 1e-10 (d = 400); the residual is O(lambda n / e_min) */
    check_ok(mx < 1e-6, "ridge lambda = 1e-10, d = 20 > n = 8: interpolates, max |Xw + b - y| = %.2g", mx);
    double wn[D2];
    slt_tilt_fit(SLT_TILT_NCC, X, y, N, D2, 1, lam, wn, B, err);
    slt_tilt_stats sn;
    slt_tilt_stats_of(X, y, N, D2, wn, B[0], &sn);
    check_close(sn.theta_deg, 0, 1e-6, "ncc: theta = 0");
    check_close(sn.d_adv, 0.5 * sn.dist_ji, 1e-12, "ncc: d_adv = 1/2 ||j - i||");
}

static void test_toy_and_population(void)
{
    double acc, md, acc0;
    slt_tilt_toy(1, 0.3, 80 * M_PI / 180, &acc, &md);
    check_rel(acc, 0.999570940, 1e-8, "toy mu = 1, sigma = 0.3: accuracy 0.999570940");
    check_rel(slt_tilt_mean_abs(1, 0.3), 1.000067247, 1e-8, "toy: E|t| = 1.000067247");
    check_rel(md, 0.173659855, 1e-8, "toy: mean |d| at 80 deg = 0.173659855");
    slt_tilt_toy(1, 0.3, 0, &acc0, &md);
    check_ok(acc == acc0, "T4: toy accuracy is the same at 0 and 80 degrees");
    /* population formulas: NCC direction w = e1, b = 0 on the data: err = Phi(-mu), E|d| = E|N(mu, 1)| */
    double w[3] = {1, 0, 0}, sd[3] = {1, 0.1, 0.1}, perr, pabs;
    slt_tilt_population(w, 0, sd, 3, 1, &perr, &pabs);
    check_close(perr, gsl_cdf_ugaussian_P(-1), 1e-15, "population: w = e1 gives error Phi(-mu)");
    check_close(pabs, slt_tilt_mean_abs(1, 1), 1e-15, "population: w = e1 gives E|d| = E|N(mu, 1)|");
}

/* mean and standard error over seeds of quantity j at penalty q */
static void seeds(const slt_tilt_design *ds, size_t nlam, const double *lam, int nseed, double *mean, double *se)
{
    size_t nq = nlam * SLT_TILT_NOUT;
    double *out = malloc(nq * sizeof(double)), *s1 = calloc(nq, sizeof(double)), *s2 = calloc(nq, sizeof(double));
    char err[SLT_ERRLEN];
    gsl_rng *r = slt_rng_alloc(7, 0, 0);
    for (int t = 0; t < nseed; t++) {
        slt_rng_reseed(r, 7, 15, (uint64_t)t);
        if (slt_tilt_sim(ds, nlam, lam, r, out, err))
            printf("# %s\n", err);
        for (size_t i = 0; i < nq; i++)
            s1[i] += out[i], s2[i] += out[i] * out[i];
    }
    for (size_t i = 0; i < nq; i++) {
        mean[i] = s1[i] / nseed;
        se[i] = sqrt(fmax(s2[i] / nseed - mean[i] * mean[i], 0) * nseed / (nseed - 1) / nseed);
    }
    gsl_rng_free(r);
    free(out), free(s1), free(s2);
}

enum { THETA, DADV, HALF, TRAIN, TEST, PERR, MABS, PABS, NORMW, BIAS };

/* extras.md 2 simulation targets [S]: defaults, 20 seeds, mean (sd over seeds). Both sides are
 * means of 20 independent seeds, so the difference has SE sqrt(se_ours^2 + (sd/sqrt 20)^2); the
 * note asks for agreement within 3 SE. */
static void target(const double *mean, const double *se, size_t q, int j, double want, double sd, const char *what)
{
    double s = sqrt(se[q * SLT_TILT_NOUT + j] * se[q * SLT_TILT_NOUT + j] + sd * sd / 20);
    check_se(mean[q * SLT_TILT_NOUT + j], s, want, 3, what);
}

static void test_simulation(void)
{
    slt_tilt_design ds = {400, 10, 100, 5000, 0.1, 1, SLT_TILT_LOGREG};
    double lam[] = {1e2, 1, 1e-1, 1e-2, 1e-3, 1e-4, 1e-6}, m[7 * SLT_TILT_NOUT], se[7 * SLT_TILT_NOUT];
    seeds(&ds, 7, lam, 20, m, se);
    const double tl[4][9] = {{2, 11.2, 1.0, 1.036, 0.079, 0.1660, 0.0030, 1.105, 0.014},
                             {3, 42.2, 3.4, 0.784, 0.092, 0.1702, 0.0040, 0.788, 0.061},
                             {4, 67.0, 2.4, 0.414, 0.063, 0.1816, 0.0074, 0.371, 0.054},
                             {6, 74.4, 1.6, 0.286, 0.042, 0.2001, 0.0134, 0.238, 0.036}};
    char what[128];
    for (int r = 0; r < 4; r++) {
        size_t q = (size_t)tl[r][0];
        const char *nm[4] = {"theta", "d_adv", "pop err", "pop E|d|"};
        const int col[4] = {THETA, DADV, PERR, PABS};
        for (int c = 0; c < 4; c++) {
            snprintf(what, sizeof what, "[S] logreg lambda = %g: %s", lam[q], nm[c]);
            target(m, se, q, col[c], tl[r][1 + 2 * c], tl[r][2 + 2 * c], what);
        }
    }
    int mono = 1;
    double worst = 0;
    for (size_t q = 0; q < 7; q++) {
        if (q > 0)
            mono &= m[q * SLT_TILT_NOUT + THETA] > m[(q - 1) * SLT_TILT_NOUT + THETA] &&
                    m[q * SLT_TILT_NOUT + DADV] < m[(q - 1) * SLT_TILT_NOUT + DADV];
        worst = fmax(worst, fabs(m[q * SLT_TILT_NOUT + DADV] - m[q * SLT_TILT_NOUT + HALF]));
    }
    check_ok(mono, "T2: logreg seed-mean theta rises and d_adv falls as lambda falls");
    check_ok(worst < 1e-10, "T1: identity on every simulated fit: max |d_adv - half_dist_cos| = %.2g", worst);
    double shrink = m[1 * SLT_TILT_NOUT + PABS] / m[6 * SLT_TILT_NOUT + PABS];
    check_ok(shrink > 3.5 && m[6 * SLT_TILT_NOUT + PERR] < 0.22,
             "T3: logreg pop E|d| shrinks %.1fx (lambda 1 -> 1e-6) while pop err stays %.3f", shrink,
             m[6 * SLT_TILT_NOUT + PERR]);
    /* test error on 10^4 points per seed vs the population formula: both estimate the same mean */
    target(m, se, 6, TEST, m[6 * SLT_TILT_NOUT + PERR], 0, "logreg lambda = 1e-6: test err vs pop err");

    ds.learner = SLT_TILT_RIDGE;
    double lr[2] = {1e-1, 1e-6};
    seeds(&ds, 2, lr, 20, m, se);
    const double tr[2][8] = {{52.6, 1.4, 0.643, 0.061, 0.1720, 0.0044, 0.621, 0.035},
                             {82.0, 0.5, 0.147, 0.011, 0.2870, 0.0166, 0.117, 0.006}};
    for (size_t q = 0; q < 2; q++) {
        const char *nm[4] = {"theta", "d_adv", "pop err", "pop E|d|"};
        const int col[4] = {THETA, DADV, PERR, PABS};
        for (int c = 0; c < 4; c++) {
            snprintf(what, sizeof what, "[S] ridge lambda = %g: %s", lr[q], nm[c]);
            target(m, se, q, col[c], tr[q][2 * c], tr[q][2 * c + 1], what);
        }
    }
    ds.learner = SLT_TILT_NCC;
    seeds(&ds, 1, lr, 20, m, se);
    target(m, se, 0, DADV, 1.056, 0.079, "[S] ncc: d_adv");
    target(m, se, 0, PERR, 0.1646, 0.0023, "[S] ncc: pop err");
    target(m, se, 0, PABS, 1.143, 0.008, "[S] ncc: pop E|d|");
}

extern void openblas_set_num_threads(int);

int main(void)
{
    openblas_set_num_threads(1); /* as the engine does: one BLAS thread per trial */
    test_worked();
    test_limits();
    test_toy_and_population();
    test_simulation();
    return check_done();
}
