/* The engine's trial packs (simulate_pack, trial_pack): a batch's trials run up to trial_pack at
 * a time, trial j of a unit from the stream simulate would get, so the table is byte-identical to
 * the one of the same experiment run trial by trial, whatever the trial count (full packs, a
 * remainder, fewer trials than a pack) and the thread count. A tiny experiment defined here
 * records the pack sizes it is given. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "tests/check.h"

enum { PACK = 4 };

static const slt_param params[] = {
    {"x", SLT_REAL, "1", 0, 100, 0, 0, NULL, "point x"},
    {"t", SLT_REAL, "1", 0, 100, 0, 0, NULL, "batch axis"},
};
static const char *const theory_cols[] = {"a", NULL};
static const char *const sim_cols[] = {"s", "u", NULL};
static const char *const batch_params[] = {"t", NULL};

static int theory(const double *par, double *out, char *err)
{
    (void)err;
    out[0] = par[0];
    return SLT_OK;
}

/* Two quantities per point from three draws of the trial's stream. */
static int simulate(const slt_batch *b, void *ctx, gsl_rng *rng, double *out, char *err)
{
    (void)ctx, (void)err;
    for (size_t k = 0; k < b->npoints; k++) {
        out[2 * k] = b->par[k][0] * b->par[k][1] + gsl_rng_uniform(rng);
        out[2 * k + 1] = gsl_rng_uniform(rng) + gsl_rng_uniform(rng);
    }
    return SLT_OK;
}

static int seen[PACK + 2]; /* calls of simulate_pack by pack size */

static int simulate_pack(const slt_batch *b, void *ctx, gsl_rng *const *rng, int n, double *out, char *err)
{
    __atomic_add_fetch(&seen[n >= 0 && n <= PACK ? n : PACK + 1], 1, __ATOMIC_RELAXED);
    for (int j = 0; j < n; j++)
        simulate(b, ctx, rng[j], out + (size_t)j * 2 * b->npoints, err);
    return SLT_OK;
}

static slt_experiment exp_plain = {
    .name = "test-pack",
    .summary = "trials one by one or in packs",
    .nparams = 2,
    .params = params,
    .theory_cols = theory_cols,
    .sim_cols = sim_cols,
    .batch_params = batch_params,
    .theory = theory,
    .simulate = simulate,
};

/* The table of x = 1:3:3, t = 1:5:5 (3 batches of 5 points), or NULL. */
static char *table(const slt_experiment *e, long trials, int threads)
{
    char a1[] = "x=1:3:3", a2[] = "t=1:5:5", *argv[2] = {a1, a2}, err[SLT_ERRLEN];
    slt_grid g;
    if (slt_grid_build(e, 2, argv, &g, err) != SLT_OK)
        return NULL;
    FILE *out = tmpfile();
    slt_run_opts o = {.trials = trials, .seed = 5, .threads = threads, .out = out, .command = "test"};
    int rc = slt_run(&g, &o, err);
    slt_grid_free(&g);
    long n = ftell(out);
    char *s = calloc((size_t)n + 1, 1);
    rewind(out);
    if (rc != SLT_OK || !s || fread(s, 1, (size_t)n, out) != (size_t)n)
        free(s), s = NULL;
    fclose(out);
    return s;
}

int main(void)
{
    slt_experiment exp_pack = exp_plain;
    exp_pack.simulate_pack = simulate_pack, exp_pack.trial_pack = PACK;
    const long trials[] = {1, 3, 4, 9, 20};
    for (size_t i = 0; i < sizeof trials / sizeof *trials; i++)
        for (int threads = 1; threads <= 2; threads++) {
            memset(seen, 0, sizeof seen);
            char *a = table(&exp_plain, trials[i], threads), *b = table(&exp_pack, trials[i], threads);
            long full = trials[i] / PACK, rest = trials[i] % PACK;
            int sizes_ok = seen[PACK + 1] == 0 && seen[0] == 0;
            for (int n = 1; n <= PACK; n++) /* 3 batches; one trial alone goes to simulate */
                sizes_ok &= seen[n] == (trials[i] == 1 ? 0 : 3 * ((n == PACK) * full + (n == rest)));
            check_ok(a && b && !strcmp(a, b) && strstr(a, ",") != NULL,
                     "%ld trials, %d thread(s): packs of %d give the table of trial-by-trial runs", trials[i],
                     threads, PACK);
            check_ok(sizes_ok, "%ld trials: per batch %ld full packs and a pack of the %ld left (calls by size: %d %d %d %d)",
                     trials[i], full, rest, seen[1], seen[2], seen[3], seen[4]);
            free(a);
            free(b);
        }
    return check_done();
}
