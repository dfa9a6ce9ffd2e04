/* main.c: the sltsim command line, a thin layer over libsltsim: list, describe, run, plot,
 * figure, --version. All messages for the user are formed here; exit status 0/1/2/130. */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "config.h"
#include "engine/engine.h"
#include "engine/preset.h"
#include "plots/plot.h"

extern char *openblas_get_corename(void);

/* OpenBLAS 0.3.21 (Debian 12) does not recognise some recent x86 processors (seen here: a Xeon
 * with AVX-512 whose model is masked by the hypervisor) and falls back to its Prescott kernels,
 * 2-4x slower in dgemm. The kernel can only be chosen before the library initialises, so when
 * that happens on a processor with AVX2 we re-execute once with OPENBLAS_CORETYPE set. A user's
 * own OPENBLAS_CORETYPE is always respected. */
static void choose_blas_kernels(char **argv)
{
    const char *preload = getenv("LD_PRELOAD");
    if (getenv("OPENBLAS_CORETYPE") || (preload && strstr(preload, "vgpreload"))) /* not under valgrind */
        return;
    const char *core = openblas_get_corename();
    if (!core || strcasecmp(core, "prescott") != 0)
        return;
    __builtin_cpu_init();
    const char *want = __builtin_cpu_supports("avx512f") ? "SkylakeX" : __builtin_cpu_supports("avx2") ? "Haswell" : NULL;
    if (!want)
        return;
    setenv("OPENBLAS_CORETYPE", want, 1);
    execv("/proc/self/exe", argv); /* on failure, carry on with the slow kernels */
}

static volatile sig_atomic_t interrupted = 0;
static void on_sigint(int sig) { interrupted = 1; (void)sig; }

static int die(int status, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "sltsim: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    return status;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: sltsim list                              experiments, one line each\n"
            "       sltsim describe EXP                      parameters, columns, references\n"
            "       sltsim run EXP [NAME=VALUE ...] [options]\n"
            "       sltsim plot FILE.csv [-o FIG] [plot options]\n"
            "       sltsim figure list | sltsim figure NAME|FILE.fig [-o DIR] [--trials N] [--threads K]\n"
            "       sltsim --version\n"
            "\n"
            "VALUE: a number (0.5, 1e-3), a list a,b,c, a grid start:stop:count, a log grid\n"
            "       start:stop:count:log, or a word (act=relu). Several swept parameters form their\n"
            "       Cartesian product, the first given varying slowest.\n"
            "run options: --trials N (0 = theory only; default %d)  --seed S (default 1)\n"
            "       --threads K (default: all cores)  -o/--out FILE (default standard output)\n"
            "       --plot FILE.png|.svg|.pdf|dumb  --quiet\n"
            "plot options: --x NAME  --y Q1,Q2  --yrange LO:HI  --logy  --title TEXT  --ylabel TEXT\n"
            "       --hline COLUMN (reference lines)  --xmark COLUMN (a vertical line per curve)\n",
            SLT_DEFAULT_TRIALS);
}

static int cmd_list(void)
{
    for (size_t i = 0; i < slt_registry_count(); i++) {
        const slt_experiment *e = slt_registry_get(i);
        printf("%-16s %s\n", e->name, e->summary);
    }
    return 0;
}

static void print_wrapped(const char *indent, const char *text)
{
    /* the texts carry their own line breaks; indent each line */
    const char *s = text;
    while (*s) {
        size_t n = strcspn(s, "\n");
        printf("%s%.*s\n", indent, (int)n, s);
        s += n;
        if (*s)
            s++;
    }
}

static int cmd_describe(int argc, char **argv)
{
    if (argc < 1)
        return die(2, "describe: which experiment? (sltsim list shows them)");
    const slt_experiment *e = slt_registry_find(argv[0]);
    if (!e)
        return die(2, "unknown experiment '%s' (sltsim list shows them)", argv[0]);
    printf("%s: %s\n\n", e->name, e->summary);
    print_wrapped("  ", e->description);
    printf("\nparameters (NAME=VALUE):\n");
    for (size_t i = 0; i < e->nparams; i++) {
        const slt_param *p = &e->params[i];
        char range[128] = "";
        if (p->type == SLT_WORD) {
            size_t off = 0;
            for (const char *const *w = p->words; *w; w++)
                off += snprintf(range + off, sizeof range - off, "%s%s", w == p->words ? "" : "|", *w);
        } else {
            char lo[32], hi[32];
            slt_format_number(p->min, lo, sizeof lo);
            slt_format_number(p->max, hi, sizeof hi);
            snprintf(range, sizeof range, "%s%s, %s%s%s", p->min_open ? "(" : "[", lo, hi, p->max_open ? ")" : "]",
                     p->type == SLT_INT ? " integer" : "");
        }
        printf("  %-10s default %-18s %s\n", p->name, p->def, range);
        printf("             %s\n", p->help);
    }
    printf("\ncolumns:\n  parameters, then theory:");
    for (const char *const *c = e->theory_cols; c && *c; c++)
        printf(" %s", *c);
    printf("\n  simulation (mean over trials and its standard error):");
    for (const char *const *c = e->sim_cols; c && *c; c++)
        printf(" %s_sim %s_se", *c, *c);
    printf("\n  trials (number of trials averaged at the point; 0 where not simulated)\n");
    if (e->batch_params && e->batch_params[0]) {
        printf("\none trial serves every value of:");
        for (const char *const *c = e->batch_params; *c; c++)
            printf(" %s", *c);
        printf(" (shared random draws: points along these axes are correlated, each is unbiased)\n");
    }
    printf("\nreferences:\n");
    print_wrapped("  ", e->references);
    return 0;
}

/* Parse an integer option value strictly: the whole text, within [lo, hi]. */
static int int_option(const char *name, const char *text, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = text ? strtol(text, &end, 10) : 0;
    if (!text || end == text || *end || errno || v < lo || v > hi) {
        die(2, "%s: expected an integer from %ld to %ld, got '%s'", name, lo, hi, text ? text : "");
        return -1;
    }
    *out = v;
    return 0;
}

/* Standard output and a temporary copy at once, so rows stream while a figure is made. */
typedef struct {
    FILE *a, *b;
} tee_t;
static ssize_t tee_write(void *c, const char *buf, size_t n)
{
    tee_t *t = c;
    if (fwrite(buf, 1, n, t->a) != n || fwrite(buf, 1, n, t->b) != n)
        return -1;
    fflush(t->a);
    return (ssize_t)n;
}
static int tee_close(void *c)
{
    tee_t *t = c;
    int rc = fflush(t->a) | fclose(t->b);
    free(t);
    return rc;
}

static char *join_args(int argc, char **argv)
{
    size_t len = 8;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = malloc(len);
    strcpy(s, "sltsim");
    for (int i = 0; i < argc; i++) {
        strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

/* A plot option at argv[*i] ("--x NAME", "--logy"): 1 consumed, 0 not a plot option, -1 refused. */
static int parse_plot_option(int argc, char **argv, int *i, slt_plot_opts *po)
{
    const char *a = argv[*i];
    if (strncmp(a, "--", 2) != 0)
        return 0;
    int takes = slt_plot_takes_value(a + 2);
    if (takes < 0)
        return 0;
    const char *value = NULL;
    if (takes) {
        if (*i + 1 >= argc) {
            die(2, "%s needs a value", a);
            return -1;
        }
        value = argv[++*i];
    }
    char err[SLT_ERRLEN];
    if (slt_plot_set(po, a + 2, value, err) != SLT_OK) {
        die(2, "%s", err);
        return -1;
    }
    return 1;
}

/* `run`: argv starts at the experiment name. `cmdline` is the provenance text. */
static int cmd_run(int argc, char **argv, const char *cmdline)
{
    if (argc < 1)
        return die(2, "run: which experiment? (sltsim list shows them)");
    const slt_experiment *e = slt_registry_find(argv[0]);
    if (!e)
        return die(2, "unknown experiment '%s' (sltsim list shows them)", argv[0]);
    long trials = SLT_DEFAULT_TRIALS, seed = 1, threads = sysconf(_SC_NPROCESSORS_ONLN);
    const char *out = NULL, *plot = NULL;
    int quiet = 0;
    slt_plot_opts po = {0};
    char *assign[argc]; /* the NAME=VALUE arguments, in order */
    int nassign = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        int r;
        if (!strcmp(a, "--trials")) {
            if (int_option("--trials", next, 0, 100000000, &trials))
                return 2;
            i++;
        } else if (!strcmp(a, "--seed")) {
            if (int_option("--seed", next, 0, 0x7fffffffffffffffL, &seed))
                return 2;
            i++;
        } else if (!strcmp(a, "--threads")) {
            if (int_option("--threads", next, 1, 1024, &threads))
                return 2;
            i++;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--out")) {
            if (!next || !*next)
                return die(2, "%s needs a file name", a);
            out = next;
            i++;
        } else if (!strcmp(a, "--plot")) {
            if (!next || !*next)
                return die(2, "--plot needs FILE.png, FILE.svg, FILE.pdf or dumb");
            plot = next;
            i++;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
            quiet = 1;
        else if ((r = parse_plot_option(argc, argv, &i, &po)) != 0) {
            if (r < 0)
                return 2;
        } else if (a[0] == '-' && a[1] == '-')
            return die(2, "unknown option '%s' (sltsim --help lists them)", a);
        else
            assign[nassign++] = argv[i];
    }
    char err[SLT_ERRLEN];
    if (plot && slt_plot_check_target(plot, err) != SLT_OK)
        return die(2, "%s", err);
    slt_grid g;
    int rc = slt_grid_build(e, nassign, assign, &g, err);
    if (rc != SLT_OK)
        return die(rc, "%s", err);
    if (plot && (rc = slt_plot_check(&g, &po, err)) != SLT_OK) {
        slt_grid_free(&g);
        return die(rc, "%s", err);
    }
    if (plot && g.npoints < 2) {
        slt_grid_free(&g);
        return die(2, "--plot: nothing to draw at a single point; sweep a parameter (a list a,b,c or a grid)");
    }
    slt_run_opts o = {trials, (unsigned long)seed, (int)threads, 0, NULL, cmdline, &interrupted};
    if ((rc = slt_validate(&g, &o, err)) != SLT_OK) {
        slt_grid_free(&g);
        return die(rc, "%s", err);
    }
    /* Only now, with the input known good, is anything created. */
    FILE *f = stdout;
    char tmp[] = "/tmp/sltsim-XXXXXX.csv";
    const char *table = out;
    if (out && !(f = fopen(out, "w"))) {
        slt_grid_free(&g);
        return die(1, "cannot write %s: %s", out, strerror(errno));
    }
    if (!out && plot) {
        int fd = mkstemps(tmp, 4);
        tee_t *t = malloc(sizeof *t);
        t->a = stdout;
        t->b = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!t->b) {
            slt_grid_free(&g);
            return die(1, "cannot create a temporary file for the figure data");
        }
        cookie_io_functions_t io = {NULL, tee_write, NULL, tee_close};
        f = fopencookie(t, "w", io);
        table = tmp;
    }
    o.out = f;
    o.progress = !quiet && isatty(2);
    signal(SIGINT, on_sigint);
    rc = slt_run(&g, &o, err);
    slt_grid_free(&g);
    if (f != stdout && fclose(f) != 0 && rc == SLT_OK) {
        rc = SLT_EFAIL;
        snprintf(err, sizeof err, "error writing %s", out ? out : "the table");
    }
    if (rc == SLT_EINTR) {
        fprintf(stderr, "sltsim: interrupted; the rows finished so far were written\n");
        if (table == tmp)
            unlink(tmp);
        return 130;
    }
    if (rc != SLT_OK) {
        if (table == tmp)
            unlink(tmp);
        return die(rc, "%s", err);
    }
    if (plot) {
        rc = slt_plot_csv(table, plot, &po, !out, err);
        if (table == tmp)
            unlink(tmp);
        if (rc != SLT_OK)
            return die(rc, "%s", err);
        if (strcmp(plot, "dumb") != 0 && !quiet)
            fprintf(stderr, "sltsim: figure written to %s\n", plot);
    }
    return 0;
}

static int cmd_plot(int argc, char **argv)
{
    if (argc < 1)
        return die(2, "plot: which table? (sltsim plot FILE.csv [-o FIG])");
    const char *csv = argv[0], *fig = NULL;
    slt_plot_opts po = {0};
    for (int i = 1; i < argc; i++) {
        int r;
        if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--out") || !strcmp(argv[i], "--plot")) && i + 1 < argc)
            fig = argv[++i];
        else if ((r = parse_plot_option(argc, argv, &i, &po)) != 0) {
            if (r < 0)
                return 2;
        } else
            return die(2, "plot: unexpected argument '%s'", argv[i]);
    }
    char def[4096], err[SLT_ERRLEN];
    if (!fig) {
        size_t n = strlen(csv);
        snprintf(def, sizeof def, "%.*s.png", (int)(n > 4 && !strcmp(csv + n - 4, ".csv") ? n - 4 : n), csv);
        fig = def;
    }
    if (slt_plot_check_target(fig, err) != SLT_OK)
        return die(2, "%s", err);
    int rc = slt_plot_csv(csv, fig, &po, 0, err);
    if (rc != SLT_OK)
        return die(rc, "%s", err);
    if (strcmp(fig, "dumb"))
        printf("%s\n", fig);
    return 0;
}

static int cmd_figure(int argc, char **argv)
{
    if (argc < 1 || !strcmp(argv[0], "list")) {
        slt_preset_list(stdout);
        return 0;
    }
    const char *dir = ".";
    char *extra[8];
    int nextra = 0;
    for (int i = 1; i < argc; i++) {
        if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--out")) && i + 1 < argc)
            dir = argv[++i];
        else if ((!strcmp(argv[i], "--trials") || !strcmp(argv[i], "--threads") || !strcmp(argv[i], "--seed")) &&
                 i + 1 < argc && nextra < 6) {
            extra[nextra++] = argv[i];
            extra[nextra++] = argv[++i];
        } else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q"))
            extra[nextra++] = argv[i];
        else
            return die(2, "figure: unexpected argument '%s' (options: -o DIR, --trials N, --threads K, --seed S)",
                       argv[i]);
    }
    slt_preset p;
    char err[SLT_ERRLEN];
    int rc = slt_preset_load(argv[0], &p, err);
    if (rc != SLT_OK)
        return die(rc, "%s", err);
    if (access(dir, W_OK) != 0)
        return die(2, "-o: %s is not a writable directory", dir);
    char csv[4096], png[4096];
    snprintf(csv, sizeof csv, "%s/%s.csv", dir, p.name);
    snprintf(png, sizeof png, "%s/%s.png", dir, p.name);
    /* The preset becomes an ordinary `run` command line: the same mechanism users have. */
    char *args[SLT_PRESET_MAXARGS + 32];
    int n = 0;
    args[n++] = "run";
    args[n++] = p.experiment;
    for (int i = 0; i < p.nargs; i++)
        args[n++] = p.args[i];
    char trials[32];
    snprintf(trials, sizeof trials, "%ld", p.trials);
    args[n++] = "--trials";
    args[n++] = trials;
    for (int i = 0; i < nextra; i++)
        args[n++] = extra[i];
    args[n++] = "-o";
    args[n++] = csv;
    args[n++] = "--plot";
    args[n++] = png;
    const char *popts[][2] = {{"--x", p.x},         {"--y", p.y},         {"--yrange", p.yrange}, {"--title", p.title},
                              {"--ylabel", p.ylabel}, {"--hline", p.hline}, {"--xmark", p.xmark}};
    for (size_t i = 0; i < sizeof popts / sizeof popts[0]; i++)
        if (popts[i][1] && *popts[i][1]) {
            args[n++] = (char *)popts[i][0];
            args[n++] = (char *)popts[i][1];
        }
    if (p.logy)
        args[n++] = "--logy";
    char *cmdline = join_args(n, args);
    rc = cmd_run(n - 1, args + 1, cmdline);
    free(cmdline);
    slt_preset_free(&p);
    if (rc == 0) {
        printf("%s\n%s\n", csv, png);
    }
    return rc;
}

static int cmd_version(void)
{
    char libs[160];
    slt_library_versions(libs, sizeof libs);
    printf("sltsim %s\n%s\n", PACKAGE_VERSION, libs);
    return 0;
}

int main(int argc, char **argv)
{
    choose_blas_kernels(argv);
    gsl_set_error_handler_off(); /* numerical failures become error returns, never aborts */
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version"))
        return cmd_version();
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "list"))
        return cmd_list();
    if (!strcmp(cmd, "describe"))
        return cmd_describe(argc - 2, argv + 2);
    if (!strcmp(cmd, "run")) {
        char *cmdline = join_args(argc - 1, argv + 1);
        int rc = cmd_run(argc - 2, argv + 2, cmdline);
        free(cmdline);
        return rc;
    }
    if (!strcmp(cmd, "plot"))
        return cmd_plot(argc - 2, argv + 2);
    if (!strcmp(cmd, "figure"))
        return cmd_figure(argc - 2, argv + 2);
    usage(stderr);
    return die(2, "unknown command '%s'", cmd);
}
