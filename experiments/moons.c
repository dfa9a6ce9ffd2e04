/* moons.c: experiments `moons` and `moons-boundary`: a 2-width-1 ReLU network trained on two moons
 * separable by a simple feature, with weight decay or spectral decoupling (Pezeshki et al. 2021;
 * starvation.md 7). Network and training: sims/moons_sim.c; the SD margin law: theory/starvation.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/slt.h"
#include "sims/moons_sim.h"
#include "theory/starvation.h"

/* The parameters both experiments share, at the same indices. */
enum { P_N, P_NOISE, P_SHIFT, P_ROTATE, P_WIDTH, P_OPT, P_LR, P_WD, P_SD, P_EPOCHS, NCOMMON };
enum { P_SHIFT_TEST = NCOMMON, NPARAMS_MOONS };
enum { P_X1 = NCOMMON, P_X2, NPARAMS_BOUNDARY };

#define NTEST 2000 /* fresh test points per shift_test (starvation.md 7) */
#define GRID_CHUNK 1024 /* moons-boundary evaluates its grid in blocks: memory independent of the grid size */

static const char *const opt_words[] = {"momentum", "adam", NULL};

#define COMMON_PARAMS(epochs_default)                                                                              \
    {"n", SLT_INT, "300", 8, 1e5, 0, 0, NULL, "training points n (n/2 on the outer moon, the rest on the inner)"}, \
    {"noise", SLT_REAL, "0.1", 0, 10, 0, 0, NULL, "noise: standard deviation of the Gaussian added to each coordinate"}, \
    {"shift", SLT_REAL, "0.1", -10, 10, 0, 0, NULL,                                                                  \
     "shift Delta of the training data; class +1 at x1 < -Delta, class -1 at x1 > Delta (< 0: the moon tips interleave)"}, \
    {"rotate", SLT_REAL, "0", -360, 360, 0, 0, NULL, "rotation of the data, in degrees (0 or 45 in the paper)"},   \
    {"width", SLT_INT, "500", 1, 1e6, 0, 0, NULL, "hidden units of the 2-width-1 ReLU network"},                  \
    {"opt", SLT_WORD, "momentum", 0, 0, 0, 0, opt_words,                                                             \
     "optimiser: full-batch GD with momentum 0.9 (PyTorch SGD) or Adam (0.9, 0.999, 1e-8)"},                       \
    {"lr", SLT_REAL, "1e-2", 0, 10, 1, 0, NULL, "learning rate"},                                                  \
    {"wd", SLT_REAL, "0", 0, 10, 0, 0, NULL, "weight decay wd (wd p added to the gradient of every parameter)"},   \
    {"sd", SLT_REAL, "0", 0, 100, 0, 0, NULL,                                                                      \
     "spectral decoupling coefficient; the loss gains sd mean(f^2), a penalty on the logits"},                     \
    {"epochs", SLT_INT, epochs_default, 0, 1e7, 0, 0, NULL, "epochs (full-batch steps)"}

static const slt_param moons_params[NPARAMS_MOONS] = {
    COMMON_PARAMS("0:1000:11"),
    {"shift_test", SLT_REAL, "0.1,0,-0.1,-0.2", -10, 10, 0, 0, NULL,
     "shift Delta_test of the 2000 fresh test points"},
};
static const slt_param boundary_params[NPARAMS_BOUNDARY] = {
    COMMON_PARAMS("1000"),
    {"x1", SLT_REAL, "-2:2:41", -100, 100, 0, 0, NULL, "x1, first input coordinate"},
    {"x2", SLT_REAL, "-2:2:41", -100, 100, 0, 0, NULL, "x2, second input coordinate"},
};

static const char *const moons_theory[] = {"margin_sd", NULL};
static const char *const moons_sim[] = {"acc",        "margin_min", "margin_mean", "margin_geo",
                                        "train_loss", "resp2",      "resp7",       NULL};
static const char *const moons_batch[] = {"epochs", "shift_test", NULL};
static const char *const boundary_sim[] = {"logit", NULL};
static const char *const boundary_batch[] = {"x1", "x2", NULL};

static slt_moons_train_cfg train_cfg(const double *par)
{
    slt_moons_train_cfg c = {(long)par[P_WIDTH], (int)par[P_OPT], par[P_LR], par[P_WD], par[P_SD]};
    return c;
}

/* The SD margin law of starvation.md 7: sigma(-m) = 2 sd m (each logit free); empty without SD. */
static int moons_theory_fn(const double *par, double *out, char *err)
{
    if (par[P_SD] > 0 && slt_starv_sd_margin(2 * par[P_SD], &out[0])) {
        snprintf(err, SLT_ERRLEN, "Brent on sigma(-m) = 2 sd m did not converge at sd = %g", par[P_SD]);
        return SLT_EFAIL;
    }
    return SLT_OK;
}

static int check_common(const double *par, int simulate, int threads, long ntest, char *err)
{
    if (!simulate)
        return SLT_OK;
    long n = (long)par[P_N], w = (long)par[P_WIDTH], nmax = ntest > n ? ntest : n;
    return slt_memory_check(slt_moons_bytes(w, nmax, n), threads, "width or n", err,
                            "width: width = %ld with n = %ld needs", w, n);
}

static int moons_check(const double *par, int simulate, int threads, char *err)
{
    return check_common(par, simulate, threads, NTEST, err);
}

/* index of x in v[0..n-1], appending it if absent */
static size_t slot(double *v, size_t *n, double x)
{
    for (size_t i = 0; i < *n; i++)
        if (v[i] == x)
            return i;
    v[*n] = x;
    return (*n)++;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* Training data, then one test set per distinct shift_test (in order of first appearance), then
 * the initialisation: one draw order for every thread count. */
static int moons_simulate(const slt_batch *b, void *ctx, gsl_rng *rng, double *out, char *err)
{
    const double *p0 = b->par[0];
    slt_moons_train_cfg c = train_cfg(p0);
    long n = (long)p0[P_N];
    size_t np = b->npoints, ne = 0, ns = 0, npar = slt_moons_nparams(c.width);
    size_t total = 2 * np + 3 * n + (size_t)3 * NTEST * np + npar;
    double *buf = malloc(total * sizeof(double));
    long *e = malloc(np * sizeof(long));
    slt_moons_rec *rec = malloc(np * sizeof *rec);
    double *acc = NULL;
    int rc = !buf || !e || !rec;
    if (rc)
        snprintf(err, SLT_ERRLEN, "out of memory");
    for (size_t k = 0; k < np && !rc; k++) {
        slot(buf, &ns, b->par[k][P_SHIFT_TEST]);
        slot(buf + np, &ne, b->par[k][P_EPOCHS]);
    }
    if (!rc && !(acc = malloc(ne * ns * sizeof(double)))) {
        snprintf(err, SLT_ERRLEN, "out of memory");
        rc = 1;
    }
    if (!rc) {
        double *sh = buf, *ep = buf + np, *X = ep + np, *y = X + 2 * n, *Xt = y + n, *yt = Xt + 2 * NTEST * ns;
        double *par = yt + NTEST * ns;
        for (size_t r = 0; r < ne; r++)
            e[r] = (long)ep[r];
        qsort(e, ne, sizeof(long), cmp_long);
        slt_moons_data(n, p0[P_NOISE], p0[P_SHIFT], p0[P_ROTATE], rng, X, y);
        for (size_t s = 0; s < ns; s++)
            slt_moons_data(NTEST, p0[P_NOISE], sh[s], p0[P_ROTATE], rng, Xt + 2 * s * NTEST, yt + s * NTEST);
        rc = slt_moons_train(&c, n, X, y, rng, ne, e, ns, NTEST, Xt, yt, rec, acc, par, err);
        for (size_t k = 0; k < np && !rc; k++) {
            long ek = (long)b->par[k][P_EPOCHS];
            size_t s = slot(sh, &ns, b->par[k][P_SHIFT_TEST]);
            size_t r = (size_t)((long *)bsearch(&ek, e, ne, sizeof(long), cmp_long) - e);
            double v[7] = {acc[r * ns + s], rec[r].mmin,  rec[r].mmean, rec[r].mgeo,
                           rec[r].loss,     rec[r].resp2, rec[r].resp7};
            for (int j = 0; j < 7; j++)
                out[k * 7 + j] = v[j];
        }
    }
    free(buf);
    free(e);
    free(rec);
    free(acc);
    return rc ? SLT_EFAIL : SLT_OK;
}

static int boundary_check(const double *par, int simulate, int threads, char *err)
{
    return check_common(par, simulate, threads, GRID_CHUNK, err);
}

/* One trained network per trial serves the whole x1, x2 grid. */
static int boundary_simulate(const slt_batch *b, void *ctx, gsl_rng *rng, double *out, char *err)
{
    const double *p0 = b->par[0];
    slt_moons_train_cfg c = train_cfg(p0);
    long n = (long)p0[P_N], ep = (long)p0[P_EPOCHS], np = (long)b->npoints;
    double *X = malloc((3 * n + slt_moons_nparams(c.width) + 2 * GRID_CHUNK) * sizeof(double));
    slt_moons_work *w = slt_moons_alloc(c.width, GRID_CHUNK);
    int rc = !X || !w;
    if (rc)
        snprintf(err, SLT_ERRLEN, "out of memory");
    if (!rc) {
        double *y = X + 2 * n, *par = y + n, *G = par + slt_moons_nparams(c.width);
        slt_moons_data(n, p0[P_NOISE], p0[P_SHIFT], p0[P_ROTATE], rng, X, y);
        rc = slt_moons_train(&c, n, X, y, rng, 1, &ep, 0, 0, NULL, NULL, NULL, NULL, par, err);
        for (long k0 = 0; k0 < np && !rc; k0 += GRID_CHUNK) {
            long m = np - k0 < GRID_CHUNK ? np - k0 : GRID_CHUNK;
            for (long k = 0; k < m; k++) {
                G[2 * k] = b->par[k0 + k][P_X1];
                G[2 * k + 1] = b->par[k0 + k][P_X2];
            }
            slt_moons_forward(w, par, m, G, out + k0);
        }
    }
    slt_moons_free(w);
    free(X);
    return rc ? SLT_EFAIL : SLT_OK;
}

#define MOONS_DATA_TEXT                                                                                              \
    "Data (starvation.md 7): n points on two moons, outer (cos t, sin t) with y = -1 and inner\n"                  \
    "(1 - cos t, 1 - sin t - 0.5) with y = +1, t uniform on [0, pi], plus N(0, noise^2) noise; then\n"             \
    "x1 -= 0.5, x2 -= 0.3 y, x2 -= mean(x2), x2 = -y |x2| - y shift, output (x2, x1), rotated by rotate degrees.\n" \
    "Class +1 lies at first coordinate < -shift, class -1 at > shift: shift = 0.1 is separable by a\n"         \
    "vertical line (gap 0.2); shift = -0.1 makes the moon tips interleave.\n"                                     \
    "Network: f(x) = w2' relu(W1 x + c1) + c2, width hidden units, PyTorch's initialisation U(+-1/sqrt(fan_in)),\n" \
    "double precision, forward and backward passes over BLAS. Loss (1/n) sum log(1 + e^(-y f)) + sd mean(f^2);\n"    \
    "gradient + wd p; full-batch GD with momentum 0.9 (buffer = gradient at the first step) or Adam, step lr.\n"   \
    "A trial is one seed (data, test sets and initialisation from its stream).\n"


const slt_experiment slt_exp_moons = {
    .name = "moons",
    .summary = "two moons: a ReLU network starves the moon shape; spectral decoupling does not (Pezeshki et al. 2021)",
    .description = MOONS_DATA_TEXT
        "One trial trains once and records at every requested epoch (after that many updates):\n"
        "acc = accuracy on 2000 fresh points drawn with shift = shift_test (one test set per shift_test value);\n"
        "margin_min, margin_mean = min and mean of y f on the training points; margin_geo = min y f / |grad_x f|\n"
        "(first-order geometric margin); train_loss = the mean logistic loss (no penalty);\n"
        "resp2, resp7 = |f' u_2|, |f' u_7| with f the logits on the training points and u_j the eigenvector of\n"
        "the j-th largest eigenvalue of the Gram matrix J J' of the Jacobian of the logits at initialisation\n"
        "(LAPACKE dsyevd; signs are arbitrary, hence absolute values): the response of the network along that\n"
        "NTK feature (starvation.md 7).\n"
        "Theory: margin_sd = the root of sigma(-m) = 2 sd m, the margin SD gives a sample whose logit can move\n"
        "freely (per-sample stationarity of the mean loss; empty without SD); margin_mean approaches it.",
    .references = SLT_STARV_REFERENCE,
    .nparams = NPARAMS_MOONS,
    .params = moons_params,
    .theory_cols = moons_theory,
    .sim_cols = moons_sim,
    .batch_params = moons_batch,
    .theory = moons_theory_fn,
    .simulate = moons_simulate,
    .check = moons_check,
    .plot = {.y = "acc", .ylabel = "test accuracy", .title_params = "shift,wd,sd"},
};

const slt_experiment slt_exp_moons_boundary = {
    .name = "moons-boundary",
    .summary = "two moons: the trained network's logit on an (x1, x2) grid, the decision boundary (Pezeshki et al. 2021)",
    .description = MOONS_DATA_TEXT
        "After epochs updates, the network's logit f(x1, x2) at every point of the x1, x2 grid (one trained\n"
        "network per trial serves the whole grid). logit_sim is the seed average of the logits, the heat map\n"
        "of the paper; its 0-contour is the decision boundary. Only SD (sd > 0) bends it round the moons.",
    .references = SLT_STARV_REFERENCE,
    .nparams = NPARAMS_BOUNDARY,
    .params = boundary_params,
    .theory_cols = (const char *const[]){NULL},
    .sim_cols = boundary_sim,
    .batch_params = boundary_batch,
    .simulate = boundary_simulate,
    .check = boundary_check,
    .plot = {.y = "logit", .ylabel = "logit f(x1, x2)", .title_params = "shift,wd,sd,epochs"},
};
