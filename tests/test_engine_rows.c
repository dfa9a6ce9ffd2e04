/* The engine's handling of a row whose theory fails (issue 14, item 5): the row is written with
 * its theory fields empty and its simulation intact, one "sltsim: " line on standard error names
 * the experiment, the point and the reason (the first ten; then a count), the other rows are
 * untouched, slt_run returns SLT_EROWS (the CLI's exit 1), and the table is byte-identical for any
 * thread count. A tiny experiment defined here fails on purpose in each way a theory can: an
 * error return, a NaN, an infinity in a column that may not be infinite. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "engine/engine.h"
#include "tests/check.h"

static const slt_param params[] = {
    {"x", SLT_REAL, "1", 0, 100, 0, 0, NULL, "point x"},
};
static const char *const theory_cols[] = {"a", "b", NULL};
static const char *const sim_cols[] = {"s", NULL};
static const char *const infinite_cols[] = {"b", NULL};

/* x = 2, 4, ...: error; x = 3: NaN in a; x = 5: +inf in a (not allowed); x = 7: +inf in b
 * (allowed); other odd x: a = x, b = 2x. */
static int theory(const double *par, double *out, char *err)
{
    double x = par[0];
    if (fmod(x, 2) == 0) {
        snprintf(err, SLT_ERRLEN, "no root in the bracket at x = %g", x);
        return SLT_EFAIL;
    }
    out[0] = x == 3 ? NAN : x == 5 ? INFINITY : x;
    out[1] = x == 7 ? INFINITY : 2 * x;
    return SLT_OK;
}

static int simulate(const slt_batch *b, void *ctx, gsl_rng *rng, double *out, char *err)
{
    for (size_t k = 0; k < b->npoints; k++)
        out[k] = b->par[k][0] + gsl_rng_uniform(rng);
    return SLT_OK;
}

static const slt_experiment test_exp = {
    .name = "test-rows",
    .summary = "theory that fails at some rows",
    .nparams = 1,
    .params = params,
    .theory_cols = theory_cols,
    .sim_cols = sim_cols,
    .theory = theory,
    .simulate = simulate,
    .infinite_cols = infinite_cols,
};

typedef struct {
    int rc;
    char err[SLT_ERRLEN];
    char *table, *stderr_text;
} result_t;

static char *slurp(FILE *f)
{
    long n;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    char *s = calloc((size_t)n + 1, 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n)
        s[0] = 0;
    fclose(f);
    return s;
}

/* slt_run on x = spec with standard error captured. */
static result_t run(const char *spec, long trials, int threads)
{
    result_t r = {0};
    char assign[64], *argv[1] = {assign};
    snprintf(assign, sizeof assign, "x=%s", spec);
    slt_grid g;
    if (slt_grid_build(&test_exp, 1, argv, &g, r.err) != SLT_OK) {
        r.rc = -1;
        return r;
    }
    FILE *out = tmpfile(), *errf = tmpfile();
    fflush(stderr);
    int saved = dup(2);
    dup2(fileno(errf), 2);
    slt_run_opts o = {.trials = trials, .seed = 7, .threads = threads, .out = out, .command = "test"};
    r.rc = slt_run(&g, &o, r.err);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    slt_grid_free(&g);
    r.table = slurp(out);
    r.stderr_text = slurp(errf);
    return r;
}

/* Row k (1-based) of a table, without its newline, into buf. */
static const char *row(const char *table, int k, char *buf, size_t len)
{
    const char *p = table;
    while (*p == '#')
        p = strchr(p, '\n') + 1;
    for (int i = 0; i < k && p; i++)
        p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
    size_t n = p && strchr(p, '\n') ? (size_t)(strchr(p, '\n') - p) : 0;
    snprintf(buf, len, "%.*s", (int)n, p ? p : "");
    return buf;
}

static int count_lines(const char *s, const char *prefix)
{
    int n = 0;
    for (const char *p = s; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        n += strncmp(p, prefix, strlen(prefix)) == 0;
    return n;
}

int main(void)
{
    gsl_set_error_handler_off();
    char buf[256];
    /* x = 1..7: rows 2-6 fail (error, NaN, error, inf, error), row 7 keeps its allowed inf */
    result_t a = run("1:7:7", 4, 1);
    check_ok(a.rc == SLT_EROWS, "a run with failing rows returns SLT_EROWS (got %d: %s)", a.rc, a.err);
    check_ok(a.err[0] == 0, "no summary when every failure was reported (got '%s')", a.err);
    check_ok(!strncmp(row(a.table, 1, buf, sizeof buf), "1,1,2,", 6), "row x=1 intact: %s", buf);
    check_ok(!strncmp(row(a.table, 2, buf, sizeof buf), "2,,,", 4) && strlen(buf) > 8,
             "row x=2 (error): theory empty, simulation kept: %s", buf);
    check_ok(!strncmp(row(a.table, 3, buf, sizeof buf), "3,,,", 4), "row x=3 (NaN): theory empty: %s", buf);
    check_ok(!strncmp(row(a.table, 5, buf, sizeof buf), "5,,,", 4), "row x=5 (inf, not allowed): empty: %s", buf);
    check_ok(!strncmp(row(a.table, 7, buf, sizeof buf), "7,7,inf,", 8), "row x=7 (inf allowed in b): %s", buf);
    check_ok(strstr(a.table, "nan") == NULL, "no nan in the table");
    check_ok(count_lines(a.stderr_text, "sltsim: test-rows: theory failed at x=") == 5 &&
                 count_lines(a.stderr_text, "") == 5,
             "five failing rows, five 'sltsim: ' lines:\n%s", a.stderr_text);
    check_ok(strstr(a.stderr_text, "at x=2 (row 2;") && strstr(a.stderr_text, "no root in the bracket at x = 2"),
             "the message names the point, the row and the reason");
    check_ok(strstr(a.stderr_text, "column a came out NaN") && strstr(a.stderr_text, "column a came out +inf"),
             "a NaN and a forbidden inf are reported as failures");
    check_ok(strstr(a.stderr_text, "at x=2") < strstr(a.stderr_text, "at x=3") &&
                 strstr(a.stderr_text, "at x=3") < strstr(a.stderr_text, "at x=6"),
             "messages in grid order");

    /* thread count: the same table and the same messages */
    result_t b = run("1:7:7", 4, 2);
    check_ok(b.rc == SLT_EROWS && !strcmp(a.table, b.table) && !strcmp(a.stderr_text, b.stderr_text),
             "2 threads: same status, table and messages");

    /* many failures: ten lines, then one count in err */
    result_t c = run("1:30:30", 0, 2);
    check_ok(c.rc == SLT_EROWS && count_lines(c.stderr_text, "sltsim: ") == 10,
             "30 rows, 17 failing: ten lines on standard error");
    check_ok(strstr(c.err, "7 more rows (17 in all") != NULL, "then the count of the others: '%s'", c.err);

    /* no failure: SLT_OK and nothing said */
    result_t d = run("1,9,11", 2, 2);
    check_ok(d.rc == SLT_OK && d.stderr_text[0] == 0, "no failing row: SLT_OK, silent (%d)", d.rc);
    result_t *all[] = {&a, &b, &c, &d};
    for (size_t i = 0; i < 4; i++) {
        free(all[i]->table);
        free(all[i]->stderr_text);
    }
    return check_done();
}
