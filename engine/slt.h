/* slt.h: the experiment interface of libsltsim: what an experiment declares (parameters,
 * columns, theory and one-trial simulation) and the engine that runs it. No memory is returned. */
#ifndef SLT_H
#define SLT_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#define SLT_MAX_PARAMS 24
#define SLT_MAX_COLS 16
#define SLT_ERRLEN 256
#define SLT_DEFAULT_TRIALS 20 /* Monte Carlo repetitions per point when --trials is not given */
#define SLT_MAX_TRIALS 100000000 /* the largest --trials (and preset trials) accepted */
#define SLT_STR_(x) #x
#define SLT_STR(x) SLT_STR_(x) /* a numeric macro as a string literal */

/* Status codes returned by library functions (and used as the CLI's exit status). */
enum { SLT_OK = 0, SLT_EFAIL = 1, SLT_EUSAGE = 2, SLT_EINTR = 130 };
/* slt_run only: the table is complete, but the theory failed at some rows (their theory fields
 * are empty, each reported on standard error). The CLI writes the table and exits 1. */
enum { SLT_EROWS = 3 };

/* A field that was not computed at a point ("empty" in the CSV). It is a NaN with a payload,
 * distinct from the NaN a formula may legitimately produce. Test with slt_is_empty(). */
double slt_empty(void);
int slt_is_empty(double x);

typedef enum { SLT_REAL, SLT_INT, SLT_WORD } slt_ptype;

/* One declared parameter. Values travel as doubles; a word parameter carries the index of
 * the word in `words`. Range: min <= v <= max, or strict when min_open / max_open is set. */
typedef struct {
    const char *name;
    slt_ptype type;
    const char *def;          /* default, in the value grammar ("0.5", "0.01:1000:50:log", "iso") */
    double min, max;
    int min_open, max_open;
    const char *const *words; /* NULL-terminated list for SLT_WORD */
    const char *help;         /* meaning; the first clause is the axis label of figures */
} slt_param;

/* What a column is, for figures and tests. Columns not listed in an experiment's `columns` are
 * exact theory (drawn as lines) or simulation means (points with standard-error bars). A bound is
 * drawn dashed and labelled as a bound beside the exact column it bounds, and tested only as a
 * bound (on its side of that column), never as a prediction. A spread is drawn as a shaded band. */
typedef enum { SLT_COL_EXACT = 0, SLT_COL_UPPER, SLT_COL_LOWER, SLT_COL_SPREAD } slt_colkind;

typedef struct {
    const char *name;   /* a CSV column: a theory column ("bound_zou") or "NAME_sim" */
    slt_colkind kind;
    const char *bounds; /* for a bound: the exact theory column it bounds ("risk"), or NULL */
    const char *label;  /* for a bound: its name in figure keys ("Zou et al. bound"), or NULL */
} slt_column;

/* Plot hints: what a figure of this experiment shows by default. All optional. */
typedef struct {
    const char *y;      /* comma list of quantities drawn (theory column names); default: all */
    const char *ylabel; /* default: "risk" or the first quantity */
    const char *yrange; /* "lo:hi" clip, gnuplot syntax */
    int logy;
    const char *key;    /* legend corner: "left top", "right bottom", ... (default "right top") */
    const char *title_params; /* comma list of parameters always named in the subtitle */
    const char *hline;  /* column drawn as horizontal reference lines (e.g. a noise floor) */
    const char *xmark;  /* column marked per curve by a vertical line (e.g. the optimal time) */
} slt_plot_hints;

/* The points of one batch: grid points that differ only in the experiment's batch parameters
 * (a time axis, a lambda grid...), so that one trial can serve them all from shared work. */
typedef struct {
    size_t npoints;
    const double *const *par; /* par[k][i]: value of parameter i at point k of the batch */
} slt_batch;

typedef struct slt_experiment {
    const char *name;
    const char *summary;       /* one line, for `sltsim list` */
    const char *description;   /* paragraphs for `describe`: model, conventions, skipped points */
    const char *references;    /* one reference per line */
    size_t nparams;
    const slt_param *params;
    const char *const *theory_cols; /* NULL-terminated; plain names ("risk", "test") */
    const char *const *sim_cols;    /* NULL-terminated; each gives NAME_sim and NAME_se */
    const char *const *batch_params; /* NULL-terminated names that one trial may serve jointly */

    /* Theory at one point: fill out[j] for theory column j (slots start empty). A root search,
     * quadrature or iteration that fails returns SLT_EFAIL with the reason in err: the engine
     * leaves the row's theory fields empty, reports it, and the run exits 1 at the end. */
    int (*theory)(const double *par, double *out, char *err);
    /* One Monte Carlo trial for every point of a batch: fill out[k * nsim + j] for point k and
     * simulated quantity j (slots start empty; leave empty what this trial did not compute).
     * All randomness comes from rng, which is this (batch, trial)'s own stream. Runs on many
     * threads at once: it may read ctx but not change it. */
    int (*simulate)(const slt_batch *b, void *ctx, gsl_rng *rng, double *out, char *err);
    /* Optional, once per run before any thread starts, given every point to be simulated:
     * shared read-only state such as FFTW plans (planning is not thread-safe). */
    int (*prepare)(const slt_batch *all, void **ctx, char *err);
    void (*release)(void *ctx);
    /* Nonzero if the simulation must not run at this point (e.g. an infinite-mean risk). */
    int (*skip_sim)(const double *par);
    /* Cross-parameter validation of one point, before any work: return SLT_EUSAGE and a message
     * naming the parameter and the allowed range (e.g. a size that does not fit in memory,
     * given `threads` trials running at once), SLT_OK otherwise. May be NULL. */
    int (*check)(const double *par, int simulate, int threads, char *err);
    slt_plot_hints plot;
    /* Optional: columns that are not plain exact theory or simulation means (bounds, spreads),
     * terminated by an entry with name NULL. */
    const slt_column *columns;
    /* Optional, NULL-terminated: simulated quantities (names from sim_cols) aggregated over trials
     * by median and quartiles instead of mean and standard error, for skewed or censored counts
     * (iterations to a tolerance). Their CSV columns are NAME_med, NAME_q1, NAME_q3 (type-7
     * quantiles of the trials that produced a value; +inf sorts last). See engine/quantile.c. */
    const char *const *quantile_cols;
    /* Optional: Monte Carlo repetitions per point when neither --trials nor a preset's trials is
     * given; 0 means SLT_DEFAULT_TRIALS. Use slt_default_trials(e). */
    long default_trials;
    /* Optional: values the experiment derives from a point's parameters (a step size from mu, a
     * size from a scaling rule), as one line "NAME=VALUE, ..." into text[len]. Written to the CSV
     * provenance as "# derived: ..." lines (one per distinct text) and shown by `describe` at the
     * defaults. May be NULL. */
    void (*derived)(const double *par, char *text, size_t len);
    /* Optional, NULL-terminated: theory columns that may legitimately be +-inf (a risk that
     * diverges at the interpolation threshold). In any other theory column an infinity, and in
     * every column a NaN, is taken for a failure of the row's theory (see slt_theory_at). */
    const char *const *infinite_cols;
    /* Optional: up to trial_pack (>= 2) trials of one batch in one call, run side by side (as
     * vector lanes): trial j from its own stream rng[j] (the one simulate would get), its values
     * into out + j * (points x simulated quantities), laid out as simulate writes them. A trial's
     * values must not depend on which trials share the call (tables do not depend on threads or
     * ranks). When given, the engine runs a batch's trials in packs through it; simulate must
     * still be given (it says the experiment simulates). */
    int (*simulate_pack)(const slt_batch *b, void *ctx, gsl_rng *const *rng, int ntrials, double *out, char *err);
    int trial_pack;
} slt_experiment;

/* The experiment's default number of trials (its own, or SLT_DEFAULT_TRIALS). */
long slt_default_trials(const slt_experiment *e);

/* The theory of e at one point, checked: out[j] (every theory column) starts empty; SLT_OK, or
 * SLT_EFAIL with the reason in err and every field of out empty, when the theory failed or wrote
 * a NaN, or an infinity into a column not in e->infinite_cols. */
int slt_theory_at(const slt_experiment *e, const double *par, double *out, char *err);

/* Whether simulated quantity j of e (index into sim_cols) is aggregated by quantiles. */
int slt_is_quantile_col(const slt_experiment *e, size_t j);
/* Median, first and third quartile (type 7: linear interpolation between order statistics, as
 * numpy's default) of the non-empty values x[i * stride], i < n; q[0..2] stay empty when none.
 * Sorts a private copy: the result does not depend on the order of x. Returns the count used. */
long slt_quantiles(const double *x, size_t n, size_t stride, double q[3]);

/* Registry */
size_t slt_registry_count(void);
const slt_experiment *slt_registry_get(size_t i);
const slt_experiment *slt_registry_find(const char *name);
int slt_param_index(const slt_experiment *e, const char *name); /* -1 if absent */
size_t slt_count(const char *const *list);                     /* length of a NULL-terminated list */

/* Keep freed trial buffers (up to 32 MB a block) in the allocator for the next trial instead of
 * returning them to the system: no page faults from per-trial allocations. Process-wide (glibc
 * mallopt; nothing elsewhere). The engine calls it before the threads of every simulated run start. */
void slt_keep_trial_buffers(void);

/* Memory available for simulation buffers, in bytes (physical memory, for size checks). */
double slt_memory_budget(void);
/* The memory refusal of an experiment's check: SLT_OK if `threads` trials of `bytes_per_trial`
 * each fit in slt_memory_budget(), else SLT_EUSAGE with err = the printf-formatted head `fmt`
 * ("<param>: <sizes> needs") followed by " X GB for K simultaneous trials, more than the Y GB
 * available; allowed: smaller <smaller>, fewer --threads, or --trials 0". One wording for every
 * experiment, so that the advice stays the same wherever a size is refused. */
int slt_memory_check(double bytes_per_trial, int threads, const char *smaller, char *err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
