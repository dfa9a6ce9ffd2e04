/* engine.c: grid points grouped into batches (points differing only in the experiment's batch
 * parameters), work units (batch, trial) scheduled dynamically on OpenMP threads and, under
 * mpirun, over ranks (mpi.c), each with its own RNG stream (seed, batch, trial) so that results
 * depend neither on the thread count nor on the rank count; means and standard errors
 * accumulated in trial order on one process; rows written in grid order as they finish. */
#define _GNU_SOURCE
#include "config.h"
#include "engine.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rng.h"
#include "sltmpi.h"

extern void openblas_set_num_threads(int);
/* OpenBLAS (pthreads build) starts its thread pool when it loads; an idle pool thread spins on
 * sched_yield for about 2^28 clock ticks (~0.1 s of CPU) before it sleeps. Weak: other builds. */
extern int blas_thread_shutdown_(void) __attribute__((weak));

typedef struct {
    size_t npts, nsim;   /* points of the batch; those simulated */
    size_t *pts, *sim;   /* grid indices, in grid order */
    double *raw;         /* trials x nsim x ncols, allocated when the first trial starts */
    long done;
    int skip;            /* resumed: every row already written */
} batch_t;

typedef struct {
    const slt_grid *g;
    const slt_experiment *e;
    const slt_run_opts *o;
    size_t np, nb, ntheory, nsimcols;
    double *par;         /* np x nparams */
    size_t *batch_of;    /* np */
    batch_t *b;
    double *theory, *mean, *se; /* np x ntheory, np x nsimcols */
    double *q3;          /* np x nsimcols: third quartile of quantile columns (mean = median, se = q1) */
    long *count;         /* np: trials that contributed */
    char *ready;         /* np */
    size_t next_row, maxsim; /* maxsim: most points one trial simulates */
    long trials, per;    /* trials simulated (0: theory only); units per batch (>= 1) */
    int pack;            /* most trials in one unit: e->trial_pack with simulate_pack, else 1 */
    long nunits, next_unit, units_done, units_total;
    double none;         /* the slot of a unit with nothing to simulate */
    double t_start, t_drawn;
    int failed;
    char err[SLT_ERRLEN];
    char **row_err;      /* np: why the theory of a row failed (NULL: it did not) */
    size_t rows_failed;  /* rows written with a failed theory */
    void *ctx;
} run_t;

/* Rows whose failed theory is reported one line each; beyond that, only a count at the end. */
#define MAX_ROW_REPORTS 10

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int is_batch_param(const slt_experiment *e, size_t i)
{
    for (const char *const *b = e->batch_params; b && *b; b++)
        if (strcmp(*b, e->params[i].name) == 0)
            return 1;
    return 0;
}

/* Provenance is one line per item whatever the text: control characters become \xNN, so that
 * no argument can break the CSV or forge a provenance line. */
static void put_escaped(FILE *f, const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            fprintf(f, "\\x%02x", *c);
        else
            putc(*c, f);
}

/* "# derived: ..." lines: the distinct texts of the experiment's derived() over the grid, in grid
 * order, at most SLT_DERIVED_LINES of them and then a count of the rest. */
#define SLT_DERIVED_LINES 8
static void write_derived(FILE *f, const slt_grid *g)
{
    const slt_experiment *e = g->e;
    if (!e->derived)
        return;
    char seen[SLT_DERIVED_LINES][SLT_ERRLEN], text[SLT_ERRLEN];
    double par[SLT_MAX_PARAMS];
    size_t nseen = 0, more = 0;
    for (size_t k = 0; k < g->npoints; k++) {
        slt_grid_point(g, k, par);
        text[0] = 0;
        e->derived(par, text, sizeof text);
        size_t i = 0;
        while (i < nseen && strcmp(seen[i], text) != 0)
            i++;
        if (i < nseen || !text[0])
            continue;
        if (nseen == SLT_DERIVED_LINES) {
            more++; /* counts texts after the first 8 distinct ones (repeats among them included) */
            continue;
        }
        memcpy(seen[nseen++], text, sizeof text);
        fprintf(f, "# derived: ");
        put_escaped(f, text);
        putc('\n', f);
    }
    if (more)
        fprintf(f, "# derived: (%zu more points with other values)\n", more);
}

int slt_write_header(FILE *f, const slt_grid *g, const slt_run_opts *o)
{
    const slt_experiment *e = g->e;
    char libs[160];
    slt_library_versions(libs, sizeof libs);
    fprintf(f, "# sltsim %s, experiment %s\n# command: ", PACKAGE_VERSION, e->name);
    put_escaped(f, o->command ? o->command : "");
    fprintf(f, "\n# seed %lu; %s\n", o->seed, libs);
    fprintf(f, "# sweep:");
    int any = 0;
    for (size_t j = 0; j < e->nparams; j++) {
        const slt_values *v = &g->vals[g->order[j]];
        if (v->n > 1 || g->given[g->order[j]]) {
            fprintf(f, " %s=", e->params[g->order[j]].name);
            put_escaped(f, v->spec);
            any = 1;
        }
    }
    fprintf(f, "%s\n", any ? "" : " (defaults)");
    write_derived(f, g);
    for (size_t i = 0; i < e->nparams; i++)
        fprintf(f, "%s%s", i ? "," : "", e->params[i].name);
    for (const char *const *c = e->theory_cols; c && *c; c++)
        fprintf(f, ",%s", *c);
    for (size_t j = 0; e->sim_cols && e->sim_cols[j]; j++) {
        const char *c = e->sim_cols[j];
        if (slt_is_quantile_col(e, j))
            fprintf(f, ",%s_med,%s_q1,%s_q3", c, c, c);
        else
            fprintf(f, ",%s_sim,%s_se", c, c);
    }
    fprintf(f, ",trials\n");
    return fflush(f) != 0 || ferror(f) ? -1 : 0;
}

static void put_number(char **p, char *end, double v)
{
    if (slt_is_empty(v))
        return;
    slt_format_number(v, *p, (size_t)(end - *p));
    *p += strlen(*p);
}

static void fail(run_t *r, const char *msg);

/* The point of row k as the user swept it ("gamma=1, lambda=1e-12"): the parameters the
 * command line set or that vary, in sweep order, as the provenance line names them. */
static void describe_point(const run_t *r, size_t k, char *buf, size_t len)
{
    const slt_experiment *e = r->e;
    size_t o = 0;
    buf[0] = 0;
    for (size_t j = 0; j < e->nparams && o + 2 < len; j++) {
        int i = r->g->order[j];
        if (r->g->vals[i].n < 2 && !r->g->given[i])
            continue;
        char v[64];
        slt_format_param(&e->params[i], r->par[k * e->nparams + i], v, sizeof v);
        o += (size_t)snprintf(buf + o, len - o, "%s%s=%s", o ? ", " : "", e->params[i].name, v);
    }
    if (!buf[0])
        snprintf(buf, len, "the default point");
}

/* Row k is written with its theory fields empty: say why, on one line, in grid order (so the
 * messages are the same whatever the thread or rank count); past MAX_ROW_REPORTS only count. */
static void report_row(run_t *r, size_t k)
{
    if (++r->rows_failed > MAX_ROW_REPORTS)
        return;
    char at[512];
    describe_point(r, k, at, sizeof at);
    if (r->o->progress)
        fprintf(stderr, "\r%70s\r", "");
    fprintf(stderr, "sltsim: %s: theory failed at %s (row %zu; theory fields left empty): %s\n", r->e->name,
            at, k + 1, r->row_err[k]);
}

/* A write error stops the run: computing rows nobody can read wastes the user's time. */
static void write_row(run_t *r, size_t k)
{
    const slt_experiment *e = r->e;
    size_t cap = 64 * (e->nparams + r->ntheory + 3 * r->nsimcols + 2);
    char *line = malloc(cap), *p = line, *end = line + cap;
    if (!line) {
        fail(r, "out of memory for a row of the table");
        return;
    }
    for (size_t i = 0; i < e->nparams; i++) {
        if (i)
            *p++ = ',';
        slt_format_param(&e->params[i], r->par[k * e->nparams + i], p, (size_t)(end - p));
        p += strlen(p);
    }
    for (size_t j = 0; j < r->ntheory; j++) {
        *p++ = ',';
        put_number(&p, end, r->theory[k * r->ntheory + j]);
    }
    for (size_t j = 0; j < r->nsimcols; j++) {
        *p++ = ',';
        put_number(&p, end, r->mean[k * r->nsimcols + j]);
        *p++ = ',';
        put_number(&p, end, r->se[k * r->nsimcols + j]);
        if (slt_is_quantile_col(e, j)) {
            *p++ = ',';
            put_number(&p, end, r->q3[k * r->nsimcols + j]);
        }
    }
    p += snprintf(p, (size_t)(end - p), ",%ld\n", r->count[k]);
    if (fputs(line, r->o->out) == EOF || fflush(r->o->out) != 0) {
        char msg[SLT_ERRLEN];
        snprintf(msg, sizeof msg, "error writing the table: %s", strerror(errno));
        fail(r, msg);
    } else if (r->row_err[k])
        report_row(r, k);
    free(line);
}

static void draw_progress(run_t *r, int final)
{
    if (!r->o->progress)
        return;
    double t = now();
    if (!final && t - r->t_drawn < 0.1)
        return;
    r->t_drawn = t;
    if (final) {
        fprintf(stderr, "\r%70s\r", "");
        return;
    }
    double frac = r->units_total ? (double)r->units_done / (double)r->units_total : 1;
    int w = 30, fill = (int)(frac * w);
    char bar[32];
    for (int i = 0; i < w; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[w] = 0;
    double el = t - r->t_start, eta = frac > 0 ? el * (1 - frac) / frac : 0;
    fprintf(stderr, "\r%s [%s] %3.0f%%  %zu/%zu rows  eta %.0fs ", r->e->name, bar, 100 * frac, r->next_row, r->np,
            eta);
    fflush(stderr);
}

static void fail(run_t *r, const char *msg)
{
#pragma omp critical(slt_fail)
    if (!r->failed) {
        r->failed = 1;
        snprintf(r->err, sizeof r->err, "%s", msg);
    }
}

/* Aggregate a finished batch in trial order and compute its theory; then emit ready rows. */
static void finalize_batch(run_t *r, size_t bi, long trials)
{
    batch_t *b = &r->b[bi];
    const slt_experiment *e = r->e;
    char err[SLT_ERRLEN] = "";
    for (size_t k = 0; k < b->nsim && trials > 0; k++) {
        size_t pt = b->sim[k];
        long maxc = 0;
        for (size_t j = 0; j < r->nsimcols; j++) {
            if (slt_is_quantile_col(e, j)) {
                double q[3];
                long c = slt_quantiles(&b->raw[k * r->nsimcols + j], (size_t)trials, b->nsim * r->nsimcols, q);
                r->mean[pt * r->nsimcols + j] = q[0];
                r->se[pt * r->nsimcols + j] = q[1];
                r->q3[pt * r->nsimcols + j] = q[2];
                maxc = c > maxc ? c : maxc;
                continue;
            }
            double mean = 0, m2 = 0;
            long c = 0;
            for (long t = 0; t < trials; t++) {
                double x = b->raw[((size_t)t * b->nsim + k) * r->nsimcols + j];
                if (slt_is_empty(x))
                    continue;
                c++;
                double d = x - mean; /* Welford: stable for long runs and large means */
                mean += d / c;
                m2 += d * (x - mean);
            }
            if (c > 0)
                r->mean[pt * r->nsimcols + j] = mean;
            if (c > 1)
                r->se[pt * r->nsimcols + j] = sqrt(m2 / (c - 1) / c);
            if (c > maxc)
                maxc = c;
        }
        r->count[pt] = maxc;
    }
    free(b->raw);
    b->raw = NULL;
    /* A failed theory costs its row's theory fields, not the run: the other rows stand. (A row
     * already written before a resume may have its reason from recheck_resumed: replaced.) */
    for (size_t k = 0; k < b->npts && e->theory; k++) {
        size_t pt = b->pts[k];
        if (slt_theory_at(e, &r->par[pt * e->nparams], &r->theory[pt * r->ntheory], err) == SLT_OK)
            continue;
        free(r->row_err[pt]);
        if (!(r->row_err[pt] = strdup(err))) {
            fail(r, "out of memory");
            return;
        }
    }
#pragma omp critical(slt_emit)
    {
        for (size_t k = 0; k < b->npts; k++)
            r->ready[b->pts[k]] = 1;
        size_t before = r->next_row;
        while (r->next_row < r->np && r->ready[r->next_row] && !r->failed)
            write_row(r, r->next_row++);
        if (r->o->on_rows && r->next_row > before && !r->failed)
            r->o->on_rows(r->o->on_rows_arg);
        draw_progress(r, 0);
    }
}

static int setup(run_t *r, const slt_grid *g, const slt_run_opts *o, char *err)
{
    const slt_experiment *e = g->e;
    size_t np = g->npoints, nparams = e->nparams;
    r->g = g;
    r->e = e;
    r->o = o;
    r->np = np;
    r->ntheory = slt_count(e->theory_cols);
    r->nsimcols = slt_count(e->sim_cols);
    r->par = malloc(np * nparams * sizeof(double));
    r->batch_of = malloc(np * sizeof(size_t));
    r->theory = malloc((np * r->ntheory + 1) * sizeof(double));
    r->mean = malloc((np * r->nsimcols + 1) * sizeof(double));
    r->se = malloc((np * r->nsimcols + 1) * sizeof(double));
    r->q3 = malloc((np * r->nsimcols + 1) * sizeof(double));
    r->count = calloc(np, sizeof(long));
    r->ready = calloc(np, 1);
    r->row_err = calloc(np + 1, sizeof(char *));
    if (!r->par || !r->batch_of || !r->theory || !r->mean || !r->se || !r->q3 || !r->count || !r->ready ||
        !r->row_err) {
        snprintf(err, SLT_ERRLEN, "out of memory for a grid of %zu points", np);
        return SLT_EFAIL;
    }
    for (size_t i = 0; i < np * r->ntheory; i++)
        r->theory[i] = slt_empty();
    for (size_t i = 0; i < np * r->nsimcols; i++)
        r->mean[i] = r->se[i] = r->q3[i] = slt_empty();
    /* batch index: mixed radix over the non-batch parameters, in sweep order */
    size_t radix[SLT_MAX_PARAMS], nb = 1;
    for (size_t j = 0; j < nparams; j++) {
        int i = g->order[j];
        radix[j] = is_batch_param(e, (size_t)i) ? 1 : g->vals[i].n;
        nb *= radix[j];
    }
    for (size_t k = 0; k < np; k++) {
        slt_grid_point(g, k, &r->par[k * nparams]);
        size_t rem = k, idx[SLT_MAX_PARAMS];
        for (int j = (int)nparams - 1; j >= 0; j--) {
            idx[j] = rem % g->vals[g->order[j]].n;
            rem /= g->vals[g->order[j]].n;
        }
        size_t bi = 0;
        for (size_t j = 0; j < nparams; j++)
            bi = bi * radix[j] + (radix[j] > 1 ? idx[j] : 0);
        r->batch_of[k] = bi;
    }
    r->nb = nb;
    r->b = calloc(nb, sizeof(batch_t));
    if (!r->b) {
        snprintf(err, SLT_ERRLEN, "out of memory");
        return SLT_EFAIL;
    }
    for (size_t k = 0; k < np; k++)
        r->b[r->batch_of[k]].npts++;
    for (size_t bi = 0; bi < nb; bi++) {
        r->b[bi].pts = malloc((r->b[bi].npts + 1) * sizeof(size_t));
        r->b[bi].sim = malloc((r->b[bi].npts + 1) * sizeof(size_t));
        r->b[bi].npts = 0;
        if (!r->b[bi].pts || !r->b[bi].sim) {
            snprintf(err, SLT_ERRLEN, "out of memory for a grid of %zu points", np);
            return SLT_EFAIL;
        }
    }
    int simulate = o->trials > 0 && e->simulate;
    for (size_t k = 0; k < np; k++) {
        batch_t *b = &r->b[r->batch_of[k]];
        b->pts[b->npts++] = k;
        const double *par = &r->par[k * nparams];
        if (simulate && !(e->skip_sim && e->skip_sim(par)))
            b->sim[b->nsim++] = k;
    }
    return SLT_OK;
}

static void teardown(run_t *r)
{
    for (size_t bi = 0; r->b && bi < r->nb; bi++) {
        free(r->b[bi].pts);
        free(r->b[bi].sim);
        free(r->b[bi].raw);
    }
    free(r->b);
    free(r->par);
    free(r->batch_of);
    free(r->theory);
    free(r->mean);
    free(r->se);
    free(r->q3);
    free(r->count);
    free(r->ready);
    for (size_t k = 0; r->row_err && k < r->np; k++)
        free(r->row_err[k]);
    free(r->row_err);
}

static int stopping(const run_t *r)
{
    return r->failed || (r->o->interrupted && *r->o->interrupted);
}

/* The next unit to run, in unit order, passing over the batches a resumed table already holds;
 * -1 when none is left or the run stops. */
static long next_unit(run_t *r)
{
    long u = -1;
#pragma omp critical(slt_next)
    {
        while (!stopping(r) && r->next_unit < r->nunits && r->b[r->next_unit / r->per].skip)
            r->next_unit += r->per;
        if (!stopping(r) && r->next_unit < r->nunits)
            u = r->next_unit++;
    }
    return u;
}

/* The trials of unit u: *first, and how many (the batch's trials in packs of r->pack). */
static int unit_trials(const run_t *r, long u, long *first)
{
    *first = (u % r->per) * r->pack;
    long left = r->trials - *first;
    return left < r->pack ? (int)left : r->pack;
}

/* How many values unit u yields: one per simulated quantity of each point its trials simulate. */
static size_t unit_len(const run_t *r, long u)
{
    long first;
    int nt = unit_trials(r, u, &first);
    return r->trials > 0 ? (size_t)nt * r->b[u / r->per].nsim * r->nsimcols : 0;
}

/* Where unit u's *n values go: its trials' slots in the batch's results (consecutive), allocated
 * (every value empty) when the batch's first unit needs it. NULL when out of memory: the run fails. */
static double *unit_slot(run_t *r, long u, size_t *n)
{
    batch_t *b = &r->b[u / r->per];
    *n = unit_len(r, u);
    if (*n == 0)
        return &r->none;
    long first;
    unit_trials(r, u, &first);
    double *raw;
#pragma omp critical(slt_alloc)
    {
        if (!b->raw) {
            size_t all = (size_t)r->trials * b->nsim * r->nsimcols;
            b->raw = malloc(all * sizeof(double));
            for (size_t i = 0; b->raw && i < all; i++)
                b->raw[i] = slt_empty();
        }
        raw = b->raw;
    }
    if (!raw) {
        fail(r, "out of memory for trial results");
        return NULL;
    }
    return raw + (size_t)first * b->nsim * r->nsimcols;
}

/* The trials of unit u, each from its own stream (rng[0..pack-1]), into out (nsim x nsimcols
 * values per trial, empty on entry). SLT_OK, or SLT_EFAIL with the message in msg. */
static int unit_compute(run_t *r, long u, gsl_rng *const *rng, const double **ptrs, double *out, char *msg)
{
    size_t bi = (size_t)(u / r->per);
    batch_t *b = &r->b[bi];
    const slt_experiment *e = r->e;
    if (r->trials == 0 || b->nsim == 0)
        return SLT_OK;
    for (size_t k = 0; k < b->nsim; k++)
        ptrs[k] = &r->par[b->sim[k] * e->nparams];
    slt_batch batch = {b->nsim, ptrs};
    long first;
    int nt = unit_trials(r, u, &first);
    for (int j = 0; j < nt; j++)
        slt_rng_reseed(rng[j], r->o->seed, bi, (uint64_t)(first + j));
    char err[SLT_ERRLEN] = "";
    int rc = r->pack > 1 ? e->simulate_pack(&batch, r->ctx, rng, nt, out, err)
                         : e->simulate(&batch, r->ctx, rng[0], out, err);
    if (rc == SLT_OK)
        return SLT_OK;
    snprintf(msg, SLT_ERRLEN, "simulation of %s failed: %.200s", e->name, err);
    return SLT_EFAIL;
}

/* Unit u's values are in its slot: the batch's last unit aggregates it and emits ready rows. */
static void unit_done(run_t *r, long u)
{
    size_t bi = (size_t)(u / r->per);
    long done;
#pragma omp critical(slt_count)
    {
        done = ++r->b[bi].done;
        r->units_done++;
    }
    if (done == r->per)
        finalize_batch(r, bi, r->b[bi].nsim > 0 ? r->trials : 0);
}

static void rngs_free(gsl_rng **rng, int n)
{
    for (int j = 0; rng && j < n; j++)
        if (rng[j])
            gsl_rng_free(rng[j]);
    free(rng);
}

/* One generator per trial of a unit; NULL if out of memory. */
static gsl_rng **rngs_alloc(const run_t *r)
{
    gsl_rng **rng = calloc((size_t)r->pack, sizeof *rng);
    for (int j = 0; rng && j < r->pack; j++)
        if (!(rng[j] = slt_rng_alloc(r->o->seed, 0, 0))) {
            rngs_free(rng, j);
            return NULL;
        }
    return rng;
}

/* A thread of rank 0, or of a process alone: units from the scheduler, run in place. */
static void compute_here(run_t *r)
{
    gsl_rng **rng = rngs_alloc(r);
    const double **ptrs = malloc((r->maxsim + 1) * sizeof(double *));
    char msg[SLT_ERRLEN];
    if (!rng || !ptrs)
        fail(r, "out of memory");
    long u;
    while (rng && ptrs && (u = next_unit(r)) >= 0) {
        size_t n;
        double *slot = unit_slot(r, u, &n);
        if (!slot)
            break;
        if (unit_compute(r, u, rng, ptrs, slot, msg) != SLT_OK) {
            fail(r, msg);
            break;
        }
        unit_done(r, u);
    }
    free(ptrs);
    rngs_free(rng, r->pack);
}

/* A thread of another rank: units asked of rank 0 one at a time, values sent back. `ready` = 0
 * when this rank could not set up: it reports r->err and stops. */
static void compute_remote(run_t *r, int ready)
{
    gsl_rng **rng = ready ? rngs_alloc(r) : NULL;
    const double **ptrs = malloc((r->maxsim + 1) * sizeof(double *));
    double *buf = malloc(((size_t)r->pack * r->maxsim * r->nsimcols + 1) * sizeof(double));
    char msg[SLT_ERRLEN];
    const char *err = !ready ? r->err : !rng || !ptrs || !buf ? "out of memory" : NULL;
    long u = slt_mpi_exchange(-1, NULL, 0, 1, err);
    while (u >= 0) {
        size_t n = unit_len(r, u);
        for (size_t i = 0; i < n; i++)
            buf[i] = slt_empty();
        err = unit_compute(r, u, rng, ptrs, buf, msg) == SLT_OK ? NULL : msg;
        u = slt_mpi_exchange(u, buf, n, !stopping(r), err);
    }
    free(buf);
    free(ptrs);
    rngs_free(rng, r->pack);
}

static long srv_next(void *c) { return next_unit(c); }
static double *srv_slot(void *c, long u, size_t *n) { return unit_slot(c, u, n); }
static void srv_done(void *c, long u) { unit_done(c, u); }
static void srv_fail(void *c, const char *msg) { fail(c, msg); }

/* Every rank: rank 0 serves the others from one thread and computes on --threads more; the
 * others compute. Alone: --threads computing threads. */
static void compute_all(run_t *r, int ready)
{
    int rank = slt_mpi_rank(), size = slt_mpi_size();
    slt_mpi_server srv = {r, srv_next, srv_slot, srv_done, srv_fail};
    /* one BLAS thread per work unit: no oversubscription, and the same sums in the same order
     * whatever --threads is */
    openblas_set_num_threads(1);
    if (blas_thread_shutdown_) /* the pool is never used from here on: stop its spinning */
        blas_thread_shutdown_();
    r->t_start = now();
#pragma omp parallel num_threads(r->o->threads + (rank == 0 && size > 1))
    {
        if (rank > 0)
            compute_remote(r, ready);
        else if (size > 1 && omp_get_thread_num() == 0)
            slt_mpi_serve(&srv);
        else
            compute_here(r);
    }
    if (rank > 0)
        slt_mpi_bye();
    draw_progress(r, 1);
}

/* The trial results of a batch (trials x points x quantities doubles) stay in memory until its
 * last trial ends, so that means are taken in trial order; with dynamic scheduling up to one
 * batch per thread is open at once. Refused up front rather than failing mid-run. */
static int check_results_memory(const slt_grid *g, const slt_run_opts *o, char *err)
{
    const slt_experiment *e = g->e;
    double per_batch = 1;
    for (size_t i = 0; i < e->nparams; i++)
        if (is_batch_param(e, i))
            per_batch *= (double)g->vals[i].n;
    /* under mpirun, the threads of every rank (assumed to have as many as this one) */
    double threads = (double)o->threads * slt_mpi_size();
    double batches = (double)g->npoints / per_batch, open = batches < threads ? batches : threads;
    double bytes = (double)o->trials * per_batch * (double)slt_count(e->sim_cols) * sizeof(double) * open;
    double budget = slt_memory_budget();
    if (!(bytes > budget))
        return SLT_OK;
    snprintf(err, SLT_ERRLEN,
             "--trials: %ld trials of %.0f points keep %.1f GB of results in memory, more than the %.1f GB "
             "available; allowed: fewer --trials, fewer points or fewer --threads",
             o->trials, per_batch * open, bytes / 1e9, budget / 1e9);
    return SLT_EUSAGE;
}

int slt_validate(const slt_grid *g, const slt_run_opts *o, char *err)
{
    const slt_experiment *e = g->e;
    int simulate = o->trials > 0 && e->simulate;
    double *par = malloc((e->nparams + 1) * sizeof(double));
    if (!par) {
        snprintf(err, SLT_ERRLEN, "out of memory");
        return SLT_EFAIL;
    }
    int rc = SLT_OK;
    for (size_t k = 0; k < g->npoints && e->check && rc == SLT_OK; k++) {
        slt_grid_point(g, k, par);
        err[0] = 0;
        rc = e->check(par, simulate, o->threads, err) == SLT_OK ? SLT_OK : SLT_EUSAGE;
    }
    free(par);
    if (rc == SLT_OK && simulate)
        rc = check_results_memory(g, o, err);
    return rc;
}

/* The experiment's shared read-only state, given every point to be simulated. */
static int prepare_shared(run_t *r, char *err)
{
    const slt_experiment *e = r->e;
    if (r->trials > 0) /* per-trial buffers of megabytes (rf, sensitivity, gd-dynamics' literal sampler) */
        slt_keep_trial_buffers();
    if (r->trials == 0 || !e->prepare)
        return SLT_OK;
    size_t nall = 0;
    const double **all = malloc((r->np + 1) * sizeof(double *));
    if (!all) {
        snprintf(err, SLT_ERRLEN, "out of memory");
        return SLT_EFAIL;
    }
    for (size_t bi = 0; bi < r->nb; bi++)
        for (size_t k = 0; k < r->b[bi].nsim; k++)
            all[nall++] = &r->par[r->b[bi].sim[k] * e->nparams];
    slt_batch b = {nall, all};
    int rc = e->prepare(&b, &r->ctx, err);
    free(all);
    return rc == SLT_OK ? SLT_OK : SLT_EFAIL;
}

/* Resumed: the written rows with no theory value (o->resume_blank) get their theory again, so
 * that one that failed before the interruption is reported now, in order, and counts for the
 * exit status; the rows themselves stay as written. Costs only the theory of blank rows. */
static int recheck_resumed(run_t *r, char *err)
{
    const slt_experiment *e = r->e;
    double *out = malloc((r->ntheory + 1) * sizeof(double));
    if (!out) {
        snprintf(err, SLT_ERRLEN, "out of memory");
        return SLT_EFAIL;
    }
    char why[SLT_ERRLEN];
    for (size_t k = 0; e->theory && r->o->resume_blank && k < r->next_row; k++) {
        if (!r->o->resume_blank[k] || slt_theory_at(e, &r->par[k * e->nparams], out, why) == SLT_OK)
            continue;
        if (!(r->row_err[k] = strdup(why))) {
            free(out);
            snprintf(err, SLT_ERRLEN, "out of memory");
            return SLT_EFAIL;
        }
        report_row(r, k);
    }
    free(out);
    return SLT_OK;
}

/* Before any unit runs: the units, the header (rank 0, unless resumed: then the batches whose
 * rows are all written are skipped), the experiment's shared state. */
static int start(run_t *r, char *err)
{
    const slt_run_opts *o = r->o;
    r->trials = o->trials > 0 && r->e->simulate ? o->trials : 0;
    r->pack = r->trials > 0 && r->e->simulate_pack && r->e->trial_pack > 1 ? r->e->trial_pack : 1;
    r->pack = r->trials > 0 && r->pack > r->trials ? (int)r->trials : r->pack;
    r->per = r->trials > 0 ? (r->trials + r->pack - 1) / r->pack : 1;
    r->nunits = (long)r->nb * r->per;
    for (size_t bi = 0; bi < r->nb; bi++) {
        batch_t *b = &r->b[bi];
        r->maxsim = b->nsim > r->maxsim ? b->nsim : r->maxsim;
        /* points are in grid order, so the last one says whether all are written */
        b->skip = slt_mpi_rank() == 0 && o->resume && b->npts > 0 && b->pts[b->npts - 1] < o->resume_rows;
        r->units_total += b->skip ? 0 : r->per;
    }
    if (slt_mpi_rank() == 0 && o->resume) {
        r->next_row = o->resume_rows < r->np ? o->resume_rows : r->np;
        if (recheck_resumed(r, err) != SLT_OK)
            return SLT_EFAIL;
    } else if (slt_mpi_rank() == 0 && slt_write_header(o->out, r->g, o) != 0) {
        snprintf(err, SLT_ERRLEN, "error writing the table: %s", strerror(errno));
        return SLT_EFAIL;
    }
    return prepare_shared(r, err);
}

/* Rank 0's status at the end: a failure, an interrupt (rows missing), a write error, or rows
 * whose theory failed (each reported as it was written; here the count of those not shown). */
static int outcome(run_t *r, char *err)
{
    if (r->failed) {
        snprintf(err, SLT_ERRLEN, "%s", r->err);
        return SLT_EFAIL;
    }
    if (slt_mpi_rank() > 0)
        return SLT_OK;
    if (r->next_row < r->np)
        return SLT_EINTR;
    if (ferror(r->o->out)) {
        snprintf(err, SLT_ERRLEN, "error writing the table");
        return SLT_EFAIL;
    }
    if (r->rows_failed == 0)
        return SLT_OK;
    err[0] = 0;
    if (r->rows_failed > MAX_ROW_REPORTS)
        snprintf(err, SLT_ERRLEN, "%s: theory failed at %zu more rows (%zu in all; their theory fields are empty)",
                 r->e->name, r->rows_failed - MAX_ROW_REPORTS, r->rows_failed);
    return SLT_EROWS;
}

int slt_run(const slt_grid *g, const slt_run_opts *o, char *err)
{
    run_t r;
    memset(&r, 0, sizeof r);
    r.per = 1, r.pack = 1;
    int rc = setup(&r, g, o, err);
    if (rc == SLT_OK)
        rc = slt_validate(g, o, err);
    if (rc == SLT_OK)
        rc = start(&r, err);
    if (rc != SLT_OK && slt_mpi_size() == 1) {
        teardown(&r);
        return rc;
    }
    /* Under mpirun every rank takes part even after a failure, so that none waits forever:
     * rank 0 then hands out no unit, and a failed rank reports its message to rank 0. */
    if (rc != SLT_OK && !r.failed) {
        r.failed = 1;
        snprintf(r.err, sizeof r.err, "%s", err);
    }
    compute_all(&r, rc == SLT_OK);
    if (g->e->release && r.ctx)
        g->e->release(r.ctx);
    if (rc == SLT_OK)
        rc = outcome(&r, err);
    teardown(&r);
    return rc;
}
