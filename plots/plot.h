/* plot.h: figures from sltsim tables: options (the same names on the command line and in
 * presets), their validation before any work, and drawing a table through gnuplot. The options
 * struct points into the caller's strings; no memory is returned. */
#ifndef SLT_PLOT_H
#define SLT_PLOT_H

#include "engine/grid.h"

typedef struct {
    const char *x;       /* column on the x axis (default: the numeric swept parameter with most values) */
    const char *y;       /* comma list of quantities (default: the experiment's plot hints) */
    const char *yrange;  /* "lo:hi", either end a number or '*' */
    const char *title;   /* default: the experiment and its fixed parameters */
    const char *ylabel;  /* default: the hints' label for the default quantities, else their names */
    const char *hline;   /* column drawn as horizontal reference lines, one per distinct value */
    const char *xmark;   /* column marked per curve by a vertical line at that x (e.g. tstar) */
    const char *panels;  /* parameter: one panel per value (multiplot, shared legend) */
    const char *y2;      /* column drawn against a second y axis on the right */
    const char *heatmap; /* column drawn as a colour map over the --x and --y grid parameters */
    const char *contour; /* level of the heat map's contour (a number; default 0) */
    const char *size;    /* "W,H" in pixels */
    int logy, logx, band;
    int coarse;          /* theory lines through the table's points only, not the fine grid (live frames) */
} slt_plot_opts;

/* Set one plot option by its name without dashes ("x", "logy"): the same names serve
 * `--x NAME` on the command line and `x NAME` in a preset. `value` is NULL for a flag given on
 * the command line (on); a preset writes flags as 0 or 1. The value is checked for form (names
 * are identifiers, numbers numbers, text without control characters, bounded lengths).
 * Returns SLT_OK, SLT_EUSAGE with a message, or -1 if `name` is not a plot option. */
int slt_plot_set(slt_plot_opts *po, const char *name, const char *value, char *err);
/* 1 if plot option `name` takes a value, 0 if it is a flag, -1 if it is not a plot option. */
int slt_plot_takes_value(const char *name);

/* Check the options against what a run of grid g will produce, before any work: every named
 * column exists, --x/--panels/heat-map axes are usable, the figure can be drawn.
 * SLT_EUSAGE with a message naming the option. */
int slt_plot_check(const slt_grid *g, const slt_plot_opts *po, char *err);

/* SLT_EUSAGE + message unless target is FILE.png, FILE.svg, FILE.pdf or "dumb" and a name that
 * can be written safely (no leading '|' or '-', no control characters), in a folder that exists. */
int slt_plot_check_target(const char *target, char *err);

/* Draw the table in `csv` (written by sltsim run) into `target`. The image is written to a
 * temporary file beside the target and renamed into place, so a failure leaves any previous
 * file intact. With "dumb" the figure goes to standard output, or to standard error when
 * csv_on_stdout (the table is already there). SLT_EUSAGE for a table that cannot be plotted,
 * SLT_EFAIL if gnuplot is missing or fails (err summarises its messages in one line). */
int slt_plot_csv(const char *csv, const char *target, const slt_plot_opts *po, int csv_on_stdout, char *err);

#endif
