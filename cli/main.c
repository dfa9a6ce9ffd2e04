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
#include <sys/stat.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "config.h"
#include "engine/engine.h"
#include "engine/preset.h"
#include "engine/rng.h"
#include "plots/live.h"
#include "engine/sltmpi.h"
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

/* Messages: one line each whatever the text they quote (a file name, an argument, a preset
 * token): control characters are written as \n, \t, \xNN. */
static void say(const char *fmt, va_list ap)
{
    if (slt_mpi_rank() > 0) /* under mpirun rank 0 speaks for all */
        return;
    char msg[1024], line[1200];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t o = (size_t)snprintf(line, sizeof line, "sltsim: ");
    for (const unsigned char *c = (const unsigned char *)msg; *c && o + 8 < sizeof line; c++) {
        if (*c >= 0x20 && *c != 0x7f)
            line[o++] = (char)*c;
        else
            o += (size_t)snprintf(line + o, sizeof line - o, *c == '\n' ? "\\n" : *c == '\t' ? "\\t" : "\\x%02x", *c);
    }
    line[o++] = '\n';
    fwrite(line, 1, o, stderr);
    fflush(stderr);
}

static int die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int die(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
    return status;
}

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
}

/* Interrupts. The first SIGINT or SIGTERM asks the engine to stop after the work units in
 * flight, so that every finished row is kept. A second one stops at once: the rows written so
 * far are already in FILE.partial (the last one perhaps cut, which --resume ignores); only the
 * figure's scratch table is removed (unlink is async-signal-safe). Under mpirun, mpirun passes
 * the signal on to every rank as SIGTERM. */
static volatile sig_atomic_t interrupted = 0;
static volatile sig_atomic_t sig_armed = 0;
static char sig_scratch[4096];

static void on_signal(int sig)
{
    if (!interrupted) {
        interrupted = 1;
        return;
    }
    /* Only a second Ctrl-C insists. A second SIGTERM is the same request again: inside a Slurm
     * job under mpirun each rank gets one from Slurm and one from mpirun a second later, and
     * the trials in flight must still finish (a scheduler that insists sends SIGKILL). */
    if (sig != SIGINT)
        return;
    if (sig_armed && sig_scratch[0])
        unlink(sig_scratch);
    static const char msg[] = "sltsim: interrupted twice; stopped at once (finished rows, if any, in FILE.partial)\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(130);
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
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
            "run options: --trials N (0 = theory only; default %d unless `describe` says otherwise)\n"
            "       --seed S (default 1)  --threads K (default: all cores)\n"
            "       -o/--out FILE (default standard output)\n"
            "       --plot FILE.png|.svg|.pdf|dumb|live (live: redrawn as rows arrive)  --live  --quiet\n"
            "       --resume (with -o FILE: finish the run that left FILE.partial, same arguments)\n"
            "plot options: --x NAME (a parameter, or any column: a trajectory)  --y Q1,Q2  --yrange LO:HI\n"
            "       --logy  --logx  --title TEXT  --ylabel TEXT  --size W,H\n"
            "       --band (mean +- SD over trials, shaded)  --panels PARAM (a panel per value)\n"
            "       --y2 COLUMN (right axis)  --heatmap COLUMN --x P1 --y P2 [--contour LEVEL]\n"
            "       --hline COLUMN (reference lines)  --xmark COLUMN (a vertical line per curve)\n",
            SLT_DEFAULT_TRIALS);
}

static int cmd_list(int argc, char **argv)
{
    if (argc > 0)
        return die(2, "list: unexpected argument '%.64s' (list takes none)", argv[0]);
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

/* The experiment's derived values at its default point, if it derives any. */
static void describe_derived(const slt_experiment *e)
{
    slt_grid g;
    char err[SLT_ERRLEN], text[SLT_ERRLEN] = "";
    double par[SLT_MAX_PARAMS];
    if (!e->derived || slt_grid_build(e, 0, NULL, &g, err) != SLT_OK)
        return;
    slt_grid_point(&g, 0, par);
    e->derived(par, text, sizeof text);
    slt_grid_free(&g);
    if (text[0])
        printf("\nderived at the defaults (the CSV provenance has a '# derived:' line per value): %s\n", text);
}

static int cmd_describe(int argc, char **argv)
{
    if (argc < 1)
        return die(2, "describe: which experiment? (sltsim list shows them)");
    if (argc > 1)
        return die(2, "describe: unexpected argument '%.64s' (one experiment at a time)", argv[1]);
    const slt_experiment *e = slt_registry_find(argv[0]);
    if (!e)
        return die(2, "unknown experiment '%.64s' (sltsim list shows them)", argv[0]);
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
    int quant = e->quantile_cols && e->quantile_cols[0];
    printf("\n  simulation (mean over trials and its standard error%s):",
           quant ? "; NAME_med, NAME_q1, NAME_q3 give the median and quartiles over trials" : "");
    for (size_t j = 0; e->sim_cols && e->sim_cols[j]; j++) {
        const char *c = e->sim_cols[j];
        if (slt_is_quantile_col(e, j))
            printf(" %s_med %s_q1 %s_q3", c, c, c);
        else
            printf(" %s_sim %s_se", c, c);
    }
    printf("\n  trials (number of trials averaged at the point; 0 where not simulated)\n");
    if (e->batch_params && e->batch_params[0]) {
        printf("\none trial serves every value of:");
        for (const char *const *c = e->batch_params; *c; c++)
            printf(" %s", *c);
        printf(" (shared random draws: points along these axes are correlated, each is unbiased)\n");
    }
    if (e->simulate)
        printf("\ntrials: %ld per point unless --trials N says otherwise\n", slt_default_trials(e));
    describe_derived(e);
    printf("\nreferences:\n");
    print_wrapped("  ", e->references);
    return 0;
}

/* Parse an integer option value strictly: the whole text, within [lo, hi]; an out-of-range value
 * is reported as typed, never as the clamped number strtol returns. */
static int int_option(const char *name, const char *text, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = text ? strtol(text, &end, 10) : 0;
    if (!text || end == text || *end || errno || v < lo || v > hi) {
        if (!text)
            die(2, "%s needs a value: an integer from %ld to %ld", name, lo, hi);
        else
            die(2, "%s: expected an integer from %ld to %ld, got '%.64s'", name, lo, hi, text);
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
    if (fwrite(buf, 1, n, t->a) != n || fwrite(buf, 1, n, t->b) != n || fflush(t->a) != 0)
        return -1;
    return (ssize_t)n;
}
static int tee_close(void *c)
{
    tee_t *t = c;
    int rc = fflush(t->a) | fclose(t->b);
    free(t);
    return rc;
}

/* The recorded command: one argument as a shell word, bare when it holds only safe characters,
 * else single-quoted; with control characters, bash's $'...' with escapes, so that the
 * provenance stays one line and still pastes into a shell as the same command. */
static void put_shell_word(FILE *m, const char *s)
{
    static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-";
    size_t n = strlen(s);
    int ctl = 0;
    for (size_t i = 0; i < n; i++)
        ctl |= (unsigned char)s[i] < 0x20 || s[i] == 0x7f;
    if (n && strspn(s, safe) == n)
        fputs(s, m);
    else if (!ctl) {
        putc('\'', m);
        for (const char *c = s; *c; c++)
            fputs(*c == '\'' ? "'\\''" : (char[]){*c, 0}, m);
        putc('\'', m);
    } else {
        fputs("$'", m);
        for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
            if (*c == '\\' || *c == '\'')
                fprintf(m, "\\%c", *c);
            else if (*c == '\n' || *c == '\t' || *c == '\r')
                fputs(*c == '\n' ? "\\n" : *c == '\t' ? "\\t" : "\\r", m);
            else if (*c < 0x20 || *c == 0x7f)
                fprintf(m, "\\x%02x", *c);
            else
                putc(*c, m);
        }
        putc('\'', m);
    }
}

/* A run, as parsed from `run` arguments or built from a preset. Strings point into argv or the
 * preset, which outlive the run. */
typedef struct {
    const slt_experiment *e;
    long trials, seed, threads;
    const char *out, *plot;
    int quiet, nplotopts, resume;
    slt_plot_opts po;
    char **assign; /* the NAME=VALUE arguments, in order */
    int nassign;
    const slt_preset *preset; /* the preset it came from, named in refusals; or NULL */
    const char *make_dir;     /* figure -o: the missing folder check_run makes; or NULL */
} run_req;

static void run_req_init(run_req *r)
{
    memset(r, 0, sizeof *r);
    r->trials = -1; /* not given: the experiment's default, set once the experiment is known */
    r->seed = 1;
    r->threads = sysconf(_SC_NPROCESSORS_ONLN);
    if (r->threads < 1 || r->threads > 1024)
        r->threads = r->threads < 1 ? 1 : 1024;
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

/* The recorded command: `sltsim run` and the arguments not marked in skip (NULL: all). For `run`,
 * the arguments as given less --threads K, --quiet and --resume, which do not change the table
 * (so that files are byte-identical for any --threads). */
static char *recorded_command(int argc, char *const *argv, const char *skip)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return NULL;
    fputs("sltsim run", m);
    for (int i = 0; i < argc; i++)
        if (!skip || !skip[i]) {
            putc(' ', m);
            put_shell_word(m, argv[i]);
        }
    if (fclose(m) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* An option given twice is refused: which one was meant is not for sltsim to guess. `seen` holds
 * the groups met so far ("-o" and "--out" are one option; so are "--plot" and "--live"). */
static int once(const char *a, unsigned *seen)
{
    static const char *const groups[][2] = {{"--trials", NULL}, {"--seed", NULL}, {"--threads", NULL},
                                            {"-o", "--out"},    {"--plot", "--live"}, {"--resume", NULL}};
    for (unsigned g = 0; g < sizeof groups / sizeof groups[0]; g++)
        if (!strcmp(a, groups[g][0]) || (groups[g][1] && !strcmp(a, groups[g][1]))) {
            if (*seen & (1u << g))
                return die(2, "%s: given twice; give it once", a);
            *seen |= 1u << g;
        }
    return 0;
}

/* The options of `run` (argv from the experiment name); skip[i] marks what provenance leaves out. */
static int parse_run_args(int argc, char **argv, run_req *r, char *skip)
{
    unsigned seen = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        int rc;
        if (once(a, &seen))
            return 2;
        if (!strcmp(a, "--trials")) {
            if (int_option("--trials", next, 0, SLT_MAX_TRIALS, &r->trials))
                return 2;
            i++;
        } else if (!strcmp(a, "--seed")) {
            if (int_option("--seed", next, 0, 0x7fffffffffffffffL, &r->seed))
                return 2;
            i++;
        } else if (!strcmp(a, "--threads")) {
            if (int_option("--threads", next, 1, 1024, &r->threads))
                return 2;
            skip[i] = skip[i + 1] = 1;
            i++;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--out")) {
            if (!next || !*next)
                return die(2, "%s needs a file name", a);
            r->out = argv[++i];
        } else if (!strcmp(a, "--plot")) {
            if (!next || !*next)
                return die(2, "--plot needs FILE.png, FILE.svg, FILE.pdf, dumb or live");
            r->plot = argv[++i];
        } else if (!strcmp(a, "--live"))
            r->plot = "live";
        else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
            r->quiet = skip[i] = 1;
        else if (!strcmp(a, "--resume"))
            r->resume = skip[i] = 1; /* the resumed table's provenance is the first run's */
        else if ((rc = parse_plot_option(argc, argv, &i, &r->po)) != 0) {
            if (rc < 0)
                return 2;
            r->nplotopts++;
        } else if (a[0] == '-' && a[1] == '-')
            return die(2, "unknown option '%.64s' (sltsim --help lists them)", a);
        else
            r->assign[r->nassign++] = argv[i];
    }
    return 0;
}

static int parse_run(int argc, char **argv, run_req *r, char **cmdline)
{
    if (argc < 1)
        return die(2, "run: which experiment? (sltsim list shows them)");
    if (!(r->e = slt_registry_find(argv[0])))
        return die(2, "unknown experiment '%.64s' (sltsim list shows them)", argv[0]);
    char *skip = calloc((size_t)argc + 1, 1);
    if (!skip || !(r->assign = malloc((size_t)argc * sizeof(char *)))) {
        free(skip);
        return die(1, "out of memory");
    }
    int rc = parse_run_args(argc, argv, r, skip);
    if (r->trials < 0)
        r->trials = slt_default_trials(r->e);
    if (rc == 0 && !(*cmdline = recorded_command(argc, argv, skip)))
        rc = die(1, "out of memory");
    free(skip);
    return rc;
}

/* The -o target, checked before any work: a usage error if it cannot be a file we may write. */
static int check_out_target(const char *out, char *err)
{
    struct stat st;
    if (stat(out, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, SLT_ERRLEN, "-o: '%.160s' is a folder; give a file name", out);
        return SLT_EUSAGE;
    }
    if (stat(out, &st) == 0 && !S_ISREG(st.st_mode))
        return SLT_OK; /* /dev/null, a FIFO: written in place */
    char dir[4096];
    const char *slash = strrchr(out, '/');
    if (strlen(out) >= sizeof dir - 32) {
        snprintf(err, SLT_ERRLEN, "-o: file name longer than %zu bytes", sizeof dir - 32);
        return SLT_EUSAGE;
    }
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - out) + 1 : 1, slash ? out : ".");
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, SLT_ERRLEN, "-o: no folder '%.160s' to write %s in", dir, "the table");
        return SLT_EUSAGE;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        snprintf(err, SLT_ERRLEN, "-o: cannot write in folder '%.160s': %s", dir, strerror(errno));
        return SLT_EUSAGE;
    }
    return SLT_OK;
}

/* The table's destination. A regular file is written as NAME.partial beside it (same folder, so
 * that rename is atomic) and renamed to NAME on success; on failure, interrupt or SIGKILL the
 * finished rows stay in NAME.partial, where --resume finds them, and NAME is untouched. A lock
 * on NAME.partial keeps two runs from writing it at once. A run without --resume starts afresh. */
typedef struct {
    const char *target;     /* as given */
    char path[4096];        /* the file replaced on success (a symbolic link resolved) */
    char partial[4096 + 16]; /* "" when written in place */
    int existed;
    FILE *f;
} out_t;

/* NAME.partial, opened (created unless resuming), locked, and for a new run emptied: its file
 * descriptor, or minus the status with a message in err. */
static int open_partial(out_t *o, const struct stat *st, int resume, char *err)
{
    mode_t mask = umask(0);
    umask(mask);
    int fd = open(o->partial, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (resume ? 0 : O_CREAT), 0666 & ~mask);
    struct stat pst;
    if (fd < 0 && resume && errno == ENOENT) {
        snprintf(err, SLT_ERRLEN, "--resume: no %.160s to resume (an interrupted run leaves it; without --resume "
                 "the run starts afresh)", o->partial);
        return -SLT_EUSAGE;
    }
    if (fd < 0 || fstat(fd, &pst) != 0 || !S_ISREG(pst.st_mode)) {
        snprintf(err, SLT_ERRLEN, "cannot write %.160s: %s", o->partial, fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0)
            close(fd);
        return -SLT_EFAIL;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        snprintf(err, SLT_ERRLEN, "-o: %.160s is being written by another sltsim run", o->partial);
        return -SLT_EUSAGE;
    }
    if (!resume && (ftruncate(fd, 0) != 0 || fchmod(fd, o->existed ? st->st_mode & 07777 : 0666 & ~mask) != 0)) {
        snprintf(err, SLT_ERRLEN, "cannot write %.160s: %s", o->partial, strerror(errno));
        close(fd);
        return -SLT_EFAIL;
    }
    return fd;
}

static int out_open(out_t *o, const char *target, int resume, char *err)
{
    memset(o, 0, sizeof *o);
    o->target = target;
    struct stat st;
    int exists = stat(target, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) { /* a device or FIFO: nothing to replace, nothing to resume */
        if (resume) {
            snprintf(err, SLT_ERRLEN, "--resume: -o '%.160s' is not a regular file; nothing to resume", target);
            return SLT_EUSAGE;
        }
        if (!(o->f = fopen(target, "w"))) {
            snprintf(err, SLT_ERRLEN, "cannot write %.160s: %s", target, strerror(errno));
            return SLT_EFAIL;
        }
        return SLT_OK;
    }
    o->existed = exists;
    struct stat lst;
    char *real = exists && lstat(target, &lst) == 0 && S_ISLNK(lst.st_mode) ? realpath(target, NULL) : NULL;
    snprintf(o->path, sizeof o->path, "%s", real ? real : target);
    free(real);
    snprintf(o->partial, sizeof o->partial, "%s.partial", o->path);
    int fd = open_partial(o, &st, resume, err);
    if (fd < 0) {
        o->partial[0] = 0;
        return -fd;
    }
    if (!(o->f = fdopen(fd, "w"))) {
        snprintf(err, SLT_ERRLEN, "cannot write %.160s: %s", o->partial, strerror(errno));
        close(fd);
        o->partial[0] = 0;
        return SLT_EFAIL;
    }
    return SLT_OK;
}

/* --resume: the rows already in NAME.partial, if it is this run's; the cut last line dropped. */
static int out_resume(out_t *o, const slt_grid *g, slt_run_opts *ro, char *err)
{
    int fd = fileno(o->f);
    char why[SLT_ERRLEN];
    long keep = 0;
    ro->resume_blank = calloc(g->npoints + 1, 1); /* optional: without it, no recheck */
    int rc = slt_resume_scan(fd, g, ro, &ro->resume_rows, &keep, why);
    if (rc != SLT_OK) {
        snprintf(err, SLT_ERRLEN, "--resume: %.60s %s (%.160s)", o->partial,
                 rc == SLT_EUSAGE ? "is not from this run" : "cannot be read", why);
        return rc;
    }
    if (ftruncate(fd, keep) != 0 || lseek(fd, keep, SEEK_SET) != keep) {
        snprintf(err, SLT_ERRLEN, "cannot write %.160s: %s", o->partial, strerror(errno));
        return SLT_EFAIL;
    }
    ro->resume = 1;
    return SLT_OK;
}

/* Flush, sync and rename into place, every step checked. On failure the file stays open, so
 * that out_abandon keeps its whole rows in NAME.partial. */
static int out_commit(out_t *o, char *err)
{
    int fd = fileno(o->f);
    if (fflush(o->f) != 0 || ferror(o->f) || (o->partial[0] && fsync(fd) != 0) ||
        (o->partial[0] && rename(o->partial, o->path) != 0)) { /* still locked while renamed */
        snprintf(err, SLT_ERRLEN, "error writing %.160s: %s", o->target, errno ? strerror(errno) : "write error");
        return SLT_EFAIL;
    }
    int bad = fclose(o->f) != 0;
    o->f = NULL;
    if (bad) {
        snprintf(err, SLT_ERRLEN, "error writing %.160s: %s", o->target, strerror(errno));
        return SLT_EFAIL;
    }
    return SLT_OK;
}

/* Cut a partly written last line (a full disk stops a write mid-row); return the data rows kept. */
static long trim_to_rows(int fd)
{
    off_t end = lseek(fd, 0, SEEK_END), keep = 0;
    char buf[8192];
    long lines = 0, data = 0;
    int at_start = 1;
    for (off_t pos = 0; pos < end;) {
        ssize_t n = pread(fd, buf, sizeof buf, pos);
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n; i++) {
            if (at_start)
                data += buf[i] != '#';
            at_start = buf[i] == '\n';
            if (at_start)
                keep = pos + i + 1, lines++;
        }
        pos += n;
    }
    if (!at_start)
        data--; /* the cut line was counted when it started */
    if (ftruncate(fd, keep) != 0)
        return -1;
    return data > 0 ? data - 1 : 0; /* less the header row */
}

/* After a failure or interrupt: the previous file stays; finished rows are kept beside it in
 * NAME.partial for --resume. Sets `where` to the end of the user's message. */
static void out_abandon(out_t *o, char *where, size_t len)
{
    if (!o->f)
        return;
    if (!o->partial[0]) {
        fclose(o->f);
        snprintf(where, len, "the rows finished so far were written to %s", o->target);
        return;
    }
    int fd = dup(fileno(o->f));
    fclose(o->f); /* before trimming, so that no buffered bytes land after the cut */
    o->f = NULL;
    long rows = fd >= 0 ? trim_to_rows(fd) : -1;
    if (fd >= 0)
        close(fd);
    const char *was = o->existed ? "unchanged" : "not written";
    if (rows > 0)
        snprintf(where, len, "%.300s %s, the %ld finished rows are in %.400s (continue with --resume)", o->target,
                 was, rows, o->partial);
    else {
        unlink(o->partial);
        snprintf(where, len, "%.300s %s, no row was finished", o->target, was);
    }
}

/* The files a run writes: each may be written (its folder exists and is writable). */
static int check_targets(const run_req *r, char *err)
{
    int rc;
    if (r->plot && slt_plot_check_target(r->plot, err) != SLT_OK)
        return SLT_EUSAGE;
    if (r->out && (rc = check_out_target(r->out, err)) != SLT_OK)
        return rc;
    if (r->out && r->plot && !strcmp(r->out, r->plot)) {
        snprintf(err, SLT_ERRLEN, "-o and --plot name the same file");
        return SLT_EUSAGE;
    }
    return SLT_OK;
}

/* Everything that can be refused is checked here, before any file is created or work done; a
 * missing figure folder (r->make_dir) is made only once everything else has passed. */
static int check_run(const run_req *r, slt_grid *g, const slt_run_opts *o, char *err)
{
    int rc;
    if (r->resume && !r->out) {
        snprintf(err, SLT_ERRLEN, "--resume needs -o FILE, the table whose FILE.partial is to be finished");
        return SLT_EUSAGE;
    }
    if (!r->make_dir && (rc = check_targets(r, err)) != SLT_OK)
        return rc;
    if ((rc = slt_grid_build(r->e, r->nassign, r->assign, g, err)) != SLT_OK)
        return rc;
    if (r->plot && g->npoints < 2)
        rc = SLT_EUSAGE, snprintf(err, SLT_ERRLEN, "--plot: nothing to draw at a single point; sweep a parameter "
                                                   "(a list a,b,c or a grid)");
    else if (r->plot || r->nplotopts)
        rc = slt_plot_check(g, &r->po, err);
    if (rc == SLT_OK)
        rc = slt_validate(g, o, err);
    if (rc == SLT_OK && r->make_dir && slt_mpi_rank() == 0 && mkdir(r->make_dir, 0777) != 0 && errno != EEXIST)
        rc = SLT_EUSAGE, snprintf(err, SLT_ERRLEN, "-o: cannot make the folder '%.160s': %s", r->make_dir,
                                  strerror(errno));
    if (rc == SLT_OK && r->make_dir)
        rc = check_targets(r, err);
    if (rc != SLT_OK)
        slt_grid_free(g);
    return rc;
}

/* Standard output, teed into a scratch table when a figure is drawn from it. */
static FILE *open_stdout_table(int plot, char *scratch, size_t len)
{
    if (!plot)
        return stdout;
    snprintf(scratch, len, "%s/sltsim-XXXXXX.csv", getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemps(scratch, 4);
    tee_t *t = malloc(sizeof *t);
    FILE *f = NULL;
    if (fd >= 0 && t && (t->b = fdopen(fd, "w"))) {
        t->a = stdout;
        cookie_io_functions_t io = {NULL, tee_write, NULL, tee_close};
        if ((f = fopencookie(t, "w", io)))
            return f;
        fclose(t->b);
    } else if (fd >= 0)
        close(fd);
    free(t);
    if (fd >= 0)
        unlink(scratch);
    scratch[0] = 0;
    return NULL;
}

/* Where in a preset a refusal comes from: "path:line: " for a plot setting the message names
 * ("--x: ..."), else "path: ". */
static void preset_origin(const slt_preset *p, const char *err, char *buf, size_t len)
{
    int line = 0;
    if (p && !strncmp(err, "--", 2)) {
        size_t k = strcspn(err + 2, ": ");
        for (int i = 0; i < p->nsettings; i++)
            if (strlen(p->settings[i].key) == k && !strncmp(p->settings[i].key, err + 2, k))
                line = p->settings[i].line;
    }
    if (!p || !strncmp(err, "-o:", 3)) /* figure's -o is on the command line, not in the preset */
        buf[0] = 0;
    else if (line)
        snprintf(buf, len, "%.160s:%d: ", p->path, line);
    else
        snprintf(buf, len, "%.160s: ", p->path);
}

static void live_rows(void *lv) { slt_plot_live_update(lv, 0); }

/* The final frame of a live figure, drawn from the finished table wherever it now is. */
static void live_finish(slt_plot_live *lv, const char *table)
{
    slt_plot_live_follow(lv, table);
    slt_plot_live_update(lv, 1);
    slt_plot_live_close(lv);
}

/* The table's stream: -o FILE (as NAME.partial, new or resumed), or standard output (teed into a
 * scratch table when a figure is drawn from it). */
static int open_table(const run_req *r, const slt_grid *g, slt_run_opts *o, out_t *out, char *scratch, size_t len,
                      char *err)
{
    int rc;
    if (r->out) {
        if ((rc = out_open(out, r->out, r->resume, err)) != SLT_OK)
            return rc;
        if (r->resume && (rc = out_resume(out, g, o, err)) != SLT_OK) {
            fclose(out->f); /* NAME.partial stays as it was */
            out->f = NULL;
            return rc;
        }
        o->out = out->f;
        return SLT_OK;
    }
    if (!(o->out = open_stdout_table(r->plot != NULL, scratch, len))) {
        snprintf(err, SLT_ERRLEN, "cannot create a temporary file for the figure data: %s", strerror(errno));
        return SLT_EFAIL;
    }
    return SLT_OK;
}

/* After the run: the table committed, or its finished rows kept in NAME.partial. The status,
 * with its message said. */
static int finish_table(const run_req *r, const slt_run_opts *o, out_t *out, const char *scratch, int rc, char *err)
{
    if (rc == SLT_OK && r->out)
        rc = out_commit(out, err);
    else if (rc == SLT_OK && o->out != stdout && fclose(o->out) != 0)
        rc = SLT_EFAIL, snprintf(err, SLT_ERRLEN, "error writing the table to standard output: %s", strerror(errno));
    else if (rc != SLT_OK && !r->out && o->out != stdout)
        fclose(o->out);
    sig_armed = 0;
    if (rc == SLT_OK)
        return SLT_OK;
    char where[1024] = "the rows finished so far were written";
    int kept = r->out && out->f && out->partial[0];
    if (r->out)
        out_abandon(out, where, sizeof where);
    if (scratch[0])
        unlink(scratch);
    if (rc == SLT_EINTR)
        return die(130, "interrupted; %s", where);
    return kept ? die(rc, "%s; %s", err, where) : die(rc, "%s", err);
}

/* A progress bar only for a person watching: under mpirun rank 0's standard error is a pipe to
 * mpirun (its parent), so mpirun's own standard error decides. */
static int stderr_is_terminal(void)
{
    if (isatty(2))
        return 1;
    char link[64], target[256];
    snprintf(link, sizeof link, "/proc/%d/fd/2", (int)getppid());
    ssize_t n = slt_mpi_size() > 1 ? readlink(link, target, sizeof target - 1) : -1;
    if (n <= 0)
        return 0;
    target[n] = 0;
    return !strncmp(target, "/dev/pts/", 9) || !strncmp(target, "/dev/tty", 8);
}

/* The engine's options for a request, on every rank: no output stream, progress or resume yet. */
static slt_run_opts run_opts(const run_req *r, const char *cmdline)
{
    slt_run_opts o = {r->trials, (unsigned long)r->seed, (int)r->threads, 0, NULL, cmdline, &interrupted, NULL, NULL,
                      0, 0, NULL};
    return o;
}

/* Under mpirun, a rank other than 0: the same grid, its share of the work units, no output;
 * rank 0 says what happened and its exit status is the run's. */
static int execute_on_rank(const run_req *r, const char *cmdline)
{
    char err[SLT_ERRLEN];
    slt_run_opts o = run_opts(r, cmdline);
    slt_grid g;
    int rc = slt_grid_build(r->e, r->nassign, r->assign, &g, err);
    catch_signals();
    if (slt_mpi_max(rc) != SLT_OK) {
        if (rc == SLT_OK)
            slt_grid_free(&g);
        return slt_mpi_bcast(0);
    }
    slt_run(&g, &o, err); /* its failures are reported to rank 0 */
    slt_grid_free(&g);
    return slt_mpi_bcast(0);
}

/* The figure of a committed table: the live figure's last frame, or --plot. */
static int plot_table(const run_req *r, slt_plot_live *lv, const char *scratch, char *err)
{
    int rc;
    if (lv) { /* the last frame, from the complete table */
        live_finish(lv, r->out ? r->out : scratch);
        if (scratch[0])
            unlink(scratch);
        return 0;
    }
    if (interrupted) {
        if (scratch[0])
            unlink(scratch);
        return die(130, "interrupted after the table was complete%s%s; no figure drawn", r->out ? " in " : "",
                   r->out ? r->out : "");
    }
    if (r->plot) {
        rc = slt_plot_csv(r->out ? r->out : scratch, r->plot, &r->po, !r->out, err);
        if (scratch[0])
            unlink(scratch);
        if (rc != SLT_OK)
            return die(rc, "%s", err);
        if (strcmp(r->plot, "dumb") != 0 && !r->quiet)
            note("figure written to %s", r->plot);
    }
    return 0;
}

/* Run a checked request: stream the table, then draw the figure. 0, an exit status, or SLT_EROWS:
 * written and drawn, but the theory of some rows failed (reported; the caller exits 1). */
static int execute_run(const run_req *r, const char *cmdline)
{
    if (slt_mpi_rank() > 0)
        return execute_on_rank(r, cmdline);
    char err[SLT_ERRLEN], scratch[4096] = "";
    slt_run_opts o = run_opts(r, cmdline);
    slt_grid g;
    out_t out = {0};
    int rc = check_run(r, &g, &o, err);
    if (rc == SLT_OK) { /* only now, with the input known good, is anything created */
        catch_signals();
        if ((rc = open_table(r, &g, &o, &out, scratch, sizeof scratch, err)) != SLT_OK) {
            slt_grid_free(&g);
            free(o.resume_blank);
        }
    }
    int all = slt_mpi_max(rc); /* under mpirun, every rank starts or none */
    if (rc != SLT_OK) {
        char origin[200];
        preset_origin(r->preset, err, origin, sizeof origin);
        slt_mpi_bcast(rc);
        return die(rc, "%s%s", origin, err);
    }
    if (all != SLT_OK) {
        slt_grid_free(&g);
        free(o.resume_blank);
        snprintf(err, SLT_ERRLEN, "another MPI rank could not start the run");
        return slt_mpi_bcast(finish_table(r, &o, &out, scratch, SLT_EFAIL, err));
    }
    snprintf(sig_scratch, sizeof sig_scratch, "%s", scratch);
    sig_armed = 1;
    int live = r->plot && !strcmp(r->plot, "live");
    slt_plot_live *lv = live ? slt_plot_live_open(r->out ? (out.partial[0] ? out.partial : r->out) : scratch, &r->po,
                                                  !r->out)
                             : NULL;
    o.on_rows = lv ? live_rows : NULL;
    o.on_rows_arg = lv;
    o.progress = !r->quiet && stderr_is_terminal() && !lv; /* a live figure is its own progress */
    rc = slt_run(&g, &o, err);
    slt_grid_free(&g);
    free(o.resume_blank);
    /* rows whose theory failed were reported as they were written; the table is still complete,
     * so it is committed and drawn, and the exit status says that some rows failed */
    int rows_failed = rc == SLT_EROWS;
    char rows_msg[SLT_ERRLEN];
    snprintf(rows_msg, sizeof rows_msg, "%s", rows_failed ? err : "");
    rc = rows_failed ? SLT_OK : rc;
    if ((rc = slt_mpi_bcast(finish_table(r, &o, &out, scratch, rc, err))) != SLT_OK) {
        slt_plot_live_close(lv);
        return rc;
    }
    rc = plot_table(r, lv, scratch, err);
    if (rc != SLT_OK || !rows_failed)
        return rc;
    if (rows_msg[0])
        die(SLT_EFAIL, "%s", rows_msg);
    return SLT_EROWS; /* the caller's exit 1, once it has said what it wrote */
}

static int cmd_run(int argc, char **argv)
{
    run_req r;
    run_req_init(&r);
    char *cmdline = NULL;
    int rc = parse_run(argc, argv, &r, &cmdline);
    if (rc == 0)
        rc = execute_run(&r, cmdline);
    free(cmdline);
    free(r.assign);
    return rc == SLT_EROWS ? SLT_EFAIL : rc;
}

static int cmd_plot(int argc, char **argv)
{
    if (argc < 1)
        return die(2, "plot: which table? (sltsim plot FILE.csv [-o FIG])");
    const char *csv = argv[0], *fig = NULL;
    slt_plot_opts po = {0};
    for (int i = 1; i < argc; i++) {
        int r;
        if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--out") || !strcmp(argv[i], "--plot")) {
            if (i + 1 >= argc || !*argv[i + 1])
                return die(2, "%s needs FILE.png, FILE.svg, FILE.pdf or dumb", argv[i]);
            fig = argv[++i];
        } else if ((r = parse_plot_option(argc, argv, &i, &po)) != 0) {
            if (r < 0)
                return 2;
        } else
            return die(2, "plot: unexpected argument '%.64s'", argv[i]);
    }
    char def[4096], err[SLT_ERRLEN];
    if (!fig) {
        size_t n = strlen(csv);
        if (n + 5 > sizeof def)
            return die(2, "plot: table name longer than %zu bytes", sizeof def - 5);
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

/* The options of `figure NAME` after the name. */
typedef struct {
    const char *dir;
    long trials, threads, seed;
    int trials_given, threads_given, seed_given, quiet;
} figure_opts;

static int parse_figure(int argc, char **argv, figure_opts *f)
{
    unsigned seen = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (once(a, &seen))
            return 2;
        if (!strcmp(a, "-o") || !strcmp(a, "--out")) {
            if (!next || !*next)
                return die(2, "%s needs a folder", a);
            f->dir = argv[++i];
        } else if (!strcmp(a, "--trials")) {
            if (int_option(a, next, 0, SLT_MAX_TRIALS, &f->trials))
                return 2;
            i++, f->trials_given = 1;
        } else if (!strcmp(a, "--threads")) {
            if (int_option(a, next, 1, 1024, &f->threads))
                return 2;
            i++, f->threads_given = 1;
        } else if (!strcmp(a, "--seed")) {
            if (int_option(a, next, 0, 0x7fffffffffffffffL, &f->seed))
                return 2;
            i++, f->seed_given = 1;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
            f->quiet = 1;
        else
            return die(2, "figure: unexpected argument '%.64s' (options: -o DIR, --trials N, --threads K, --seed S)",
                       a);
    }
    return 0;
}

/* The preset's plot settings (its title among them), each validated by the plot module with
 * the preset's file and line in any refusal. */
static int preset_plot_opts(const slt_preset *p, run_req *r)
{
    char err[SLT_ERRLEN];
    for (int i = -1; i < p->nsettings; i++) {
        const char *key = i < 0 ? "title" : p->settings[i].key, *val = i < 0 ? p->title : p->settings[i].value;
        int line = i < 0 ? p->title_line : p->settings[i].line;
        if (!val)
            continue;
        int rc = slt_plot_set(&r->po, key, val, err);
        if (rc < 0)
            return die(2, "%.160s:%d: unknown setting '%s' (settings: title, experiment, args, trials, or a plot option)",
                       p->path, line, key);
        if (rc != SLT_OK)
            return die(2, "%.160s:%d: %s", p->path, line, err);
        r->nplotopts++;
    }
    return 0;
}

/* `sltsim run ...` equivalent to the preset, for the provenance line. */
static char *preset_command(const slt_preset *p, const run_req *r, int seed_given)
{
    char trials[32], seed[32], flags[SLT_PRESET_MAXSETTINGS + 1][48];
    const char **w = malloc((size_t)(p->nargs + 2 * p->nsettings + 16) * sizeof *w);
    int n = 0;
    if (!w)
        return NULL;
    w[n++] = r->e->name;
    for (int i = 0; i < p->nargs; i++)
        w[n++] = p->args[i];
    snprintf(trials, sizeof trials, "%ld", r->trials);
    snprintf(seed, sizeof seed, "%ld", r->seed);
    w[n++] = "--trials", w[n++] = trials;
    if (seed_given)
        w[n++] = "--seed", w[n++] = seed;
    w[n++] = "-o", w[n++] = r->out, w[n++] = "--plot", w[n++] = r->plot;
    for (int i = -1; i < p->nsettings; i++) {
        const char *key = i < 0 ? "title" : p->settings[i].key, *val = i < 0 ? p->title : p->settings[i].value;
        int takes = slt_plot_takes_value(key);
        if (!val || (takes == 0 && strcmp(val, "1")))
            continue;
        snprintf(flags[i + 1], sizeof flags[0], "--%s", key);
        w[n++] = flags[i + 1];
        if (takes)
            w[n++] = val;
    }
    char *cmd = recorded_command(n, (char *const *)w, NULL);
    free(w);
    return cmd;
}

/* The preset's table and figure in dir. A missing folder is left to check_run, which makes it
 * (one level, like mkdir) once the preset has passed every check: *make = dir. Only rank 0 looks
 * (under mpirun the others may see another machine's disk). */
static int figure_paths(const char *dir, const char *name, char *csv, char *png, size_t len, const char **make)
{
    struct stat st;
    int absent = slt_mpi_rank() == 0 && stat(dir, &st) != 0;
    *make = absent && errno == ENOENT ? dir : NULL;
    if (slt_mpi_rank() == 0 && !*make && (absent || !S_ISDIR(st.st_mode) || access(dir, W_OK | X_OK) != 0))
        return die(2, "-o: '%.160s' is not a writable folder", dir);
    if ((size_t)snprintf(csv, len, "%s/%s.csv", dir, name) >= len ||
        (size_t)snprintf(png, len, "%s/%s.png", dir, name) >= len)
        return die(2, "-o: folder name too long");
    return 0;
}

/* The preset becomes a run request directly, its plot settings validated like command-line
 * options; the preset stays loaded while the run points into it. */
static int run_preset(const slt_preset *p, const figure_opts *f)
{
    run_req r;
    run_req_init(&r);
    if (!(r.e = slt_registry_find(p->experiment)))
        return die(2, "%.160s:%d: unknown experiment '%.64s' (sltsim list shows them)", p->path, p->experiment_line,
                   p->experiment);
    char csv[4096], png[4096];
    int rc = preset_plot_opts(p, &r);
    if (rc == 0)
        rc = figure_paths(f->dir, p->name, csv, png, sizeof csv, &r.make_dir);
    if (rc != 0)
        return rc;
    r.assign = (char **)p->args;
    r.nassign = p->nargs;
    r.trials = f->trials_given ? f->trials : p->trials_line ? p->trials : slt_default_trials(r.e);
    r.seed = f->seed_given ? f->seed : 1;
    r.threads = f->threads_given ? f->threads : r.threads;
    r.quiet = f->quiet;
    r.out = csv;
    r.plot = png;
    r.preset = p;
    char *cmdline = preset_command(p, &r, f->seed_given);
    if (!cmdline)
        return die(1, "out of memory");
    rc = execute_run(&r, cmdline);
    free(cmdline);
    if ((rc == 0 || rc == SLT_EROWS) && slt_mpi_rank() == 0) /* written, failed theory rows or not */
        printf("%s\n%s\n", csv, png);
    return rc == SLT_EROWS ? SLT_EFAIL : rc;
}

static int cmd_figure(int argc, char **argv)
{
    if (argc < 1 || !strcmp(argv[0], "list")) {
        if (argc > 1)
            return die(2, "figure list: unexpected argument '%.64s'", argv[1]);
        return slt_preset_list(stdout) == 0 ? 0 : die(1, "error writing standard output: %s", strerror(errno));
    }
    figure_opts f = {".", 0, 0, 1, 0, 0, 0, 0};
    int rc = parse_figure(argc, argv, &f);
    if (rc != 0)
        return rc;
    slt_preset p;
    char err[SLT_ERRLEN];
    if ((rc = slt_preset_load(argv[0], &p, err)) != SLT_OK)
        return die(rc, "%s", err);
    rc = run_preset(&p, &f);
    slt_preset_free(&p);
    return rc;
}

static int cmd_version(int argc, char **argv)
{
    if (argc > 0)
        return die(2, "--version: unexpected argument '%.64s'", argv[0]);
    char libs[160];
    slt_library_versions(libs, sizeof libs);
    printf("sltsim %s\n%s\n", PACKAGE_VERSION, libs);
    return 0;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: sltsim list | describe EXP | run EXP [NAME=VALUE ...] [options] | plot FILE.csv | "
              "figure NAME | --version\n",
              stderr);
        return die(2, "no command given (sltsim --help explains them)");
    }
    const char *cmd = argv[1];
    /* under mpirun the other ranks take part in runs only; rank 0 does the rest alone */
    if (slt_mpi_rank() > 0 && strcmp(cmd, "run") && (strcmp(cmd, "figure") || argc < 3 || !strcmp(argv[2], "list")))
        return 0;
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version"))
        return cmd_version(argc - 2, argv + 2);
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "list"))
        return cmd_list(argc - 2, argv + 2);
    if (!strcmp(cmd, "describe"))
        return cmd_describe(argc - 2, argv + 2);
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 2, argv + 2);
    if (!strcmp(cmd, "plot"))
        return cmd_plot(argc - 2, argv + 2);
    if (!strcmp(cmd, "figure"))
        return cmd_figure(argc - 2, argv + 2);
    return die(2, "unknown command '%.64s' (sltsim --help lists them)", cmd);
}

/* Whatever went to standard output must have arrived: a full disk or a closed pipe is exit 1. */
static int close_stdout(void)
{
    if (fflush(stdout) != 0)
        return -1;
    if (ferror(stdout)) {
        errno = EIO;
        return -1;
    }
    return fclose(stdout) != 0 ? -1 : 0;
}

/* SLTSIM_SIMD forces one path of the normal generator (all give the same tables; the tests use it):
 * refused, before any work, if it names none or one this processor lacks */
static int check_simd(void)
{
    const char *v = getenv("SLTSIM_SIMD");
    int p = slt_rng_path_parse(v);
    if (p == -3)
        return die(2, "SLTSIM_SIMD=%.32s: expected auto, scalar, avx2 or avx512", v);
    if (p == -2)
        return die(2, "SLTSIM_SIMD=%.32s: this processor lacks it (auto chooses %s here)", v,
                   slt_rng_path_name(slt_rng_path()));
    return 0;
}

int main(int argc, char **argv)
{
    choose_blas_kernels(argv);
    gsl_set_error_handler_off(); /* numerical failures become error returns, never aborts */
    char err[SLT_ERRLEN];
    if (slt_mpi_init(&argc, &argv, err) != SLT_OK) {
        slt_mpi_finalize();
        return die(1, "%s", err);
    }
    int rc = check_simd();
    if (rc == 0)
        rc = dispatch(argc, argv);
    if (close_stdout() != 0 && rc == 0)
        rc = die(1, "error writing standard output: %s", strerror(errno));
    slt_mpi_finalize();
    /* Under mpirun rank 0's status is the run's: another rank exiting non-zero first would make
     * mpirun end rank 0 before it has finished. */
    return slt_mpi_rank() > 0 ? 0 : rc;
}
