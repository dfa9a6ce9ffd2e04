/* build.h: what the figure builder knows about a table (internal to plots/): its parameters,
 * the axis, the quantities drawn, and the grouping of rows into panels and curves. The layer
 * builders (layers.c) read it; build.c fills it. Owns curve_of, panel_of and keys. */
#ifndef SLT_BUILD_H
#define SLT_BUILD_H

#include "plots/figure.h"

typedef struct {
    const slt_table *t;
    const slt_experiment *e;
    const slt_plot_opts *po;
    int pcol[SLT_MAX_PARAMS];     /* table column of each parameter, -1 if absent */
    size_t nvals[SLT_MAX_PARAMS]; /* distinct values of each parameter */
    int swept[SLT_MAX_PARAMS], nswept;
    int xi;          /* x parameter; -1 when x is another column (a trajectory) */
    int order;       /* parameter ordering a curve's points: xi, or a trajectory's time */
    int yi;          /* heat map: the y parameter */
    int xth, xsim;   /* trajectory: the x column and its _sim column (-1 if absent) */
    int pi;          /* panel parameter, -1 for one panel */
    int xlog;
    int nq;          /* quantities drawn */
    char qs[SLT_PLOT_MAXQ][SLT_PLOT_NAMELEN];
    int qth[SLT_PLOT_MAXQ], qsim[SLT_PLOT_MAXQ], qse[SLT_PLOT_MAXQ];
    int qq1[SLT_PLOT_MAXQ], qq3[SLT_PLOT_MAXQ]; /* quartile columns when qsim is NAME_med, else -1 */
    const slt_column *qinfo[SLT_PLOT_MAXQ]; /* kind of the theory column (NULL: exact) */
    const slt_column *sinfo[SLT_PLOT_MAXQ]; /* kind of the simulated column (NULL: points) */
    int trials;      /* the trials column, -1 if absent */
    size_t nrows, ncurves, npanels;
    size_t *curve_of, *panel_of;
    char **keys;     /* curve labels "lambda=0.1, act=relu" ("" for a single curve) */
    char **pkeys;    /* panel labels "init=large" */
    int mixed;       /* some curves have theory, others not: name the theory lines */
} plot_ctx;

/* Row indices of curve c in panel p (every curve when c == (size_t)-1), sorted by the ordering
 * parameter; returns their number. idx has room for every row. */
size_t slt_ctx_rows(const plot_ctx *x, size_t p, size_t c, size_t *idx);
/* The colour, dash and point style of quantity q on curve c. */
void slt_ctx_style(const plot_ctx *x, size_t c, int q, slt_layer *l);

/* qsort order of doubles (NaN neither before nor after: keep them out). */
int slt_cmp_double(const void *a, const void *b);

/* Layer builders: SLT_OK or SLT_EFAIL (out of memory, message in err). */
int slt_layers_curve(const plot_ctx *x, slt_panel *pn, size_t p, size_t c, char *err);
int slt_layers_refs(const plot_ctx *x, slt_panel *pn, size_t p, char *err);
int slt_layers_heatmap(const plot_ctx *x, slt_panel *pn, size_t p, char *err);

#endif
