/* live.h: a figure redrawn while a run writes its table (`sltsim run ... --plot live`): in the
 * terminal, or in a window when DISPLAY is set and gnuplot has its x11 terminal. The handle owns
 * a copy of the options (whose strings stay the caller's); free with slt_plot_live_close. */
#ifndef SLT_LIVE_H
#define SLT_LIVE_H

#include "plots/plot.h"

typedef struct slt_plot_live slt_plot_live;

/* Follow the table being written at `csv`; terminal frames go to standard error when
 * to_stderr (the table is on standard output). NULL when out of memory. */
slt_plot_live *slt_plot_live_open(const char *csv, const slt_plot_opts *po, int to_stderr);
/* 1 if the frames go to a window. */
int slt_plot_live_window(const slt_plot_live *lv);
/* Follow the table at a new path (it was renamed into place when the run finished). */
void slt_plot_live_follow(slt_plot_live *lv, const char *csv);
/* Redraw from the rows written so far, at most once a second unless final. */
void slt_plot_live_update(slt_plot_live *lv, int final);
void slt_plot_live_close(slt_plot_live *lv);

#endif
