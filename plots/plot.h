/* plot.h: figures from sltsim tables through a gnuplot pipe: theory as lines, simulation as
 * points with standard-error bars, one curve per value of the other swept parameters. No memory
 * is returned. */
#ifndef SLT_PLOT_H
#define SLT_PLOT_H

typedef struct {
    const char *x;      /* parameter on the x axis (default: the swept one with most values) */
    const char *y;      /* comma list of quantities (default: the experiment's plot hints) */
    const char *yrange; /* "lo:hi" (default: hints, else clipped at divergences) */
    const char *title;  /* default: the experiment and its fixed parameters */
    const char *ylabel; /* default: the hints' label for the default quantities, else their names */
    const char *hline;  /* column drawn as horizontal reference lines, one per distinct value */
    const char *xmark;  /* column marked per curve by a vertical line at that x (e.g. tstar) */
    int logy;
} slt_plot_opts;

/* SLT_EUSAGE + message unless target is FILE.png, FILE.svg, FILE.pdf or "dumb". */
int slt_plot_check_target(const char *target, char *err);

/* Draw the table in `csv` (written by sltsim run) into `target`. With "dumb" the figure goes to
 * standard output, or to standard error when csv_on_stdout (the table is already there).
 * SLT_EUSAGE for a table that cannot be plotted, SLT_EFAIL if gnuplot is missing or fails. */
int slt_plot_csv(const char *csv, const char *target, const slt_plot_opts *po, int csv_on_stdout, char *err);

#endif
