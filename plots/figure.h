/* figure.h: the figure model, a plain C value with no gnuplot in it: a figure is a list of
 * panels, a panel a list of layers (theory line, simulation points, band, bound, reference line,
 * trajectory, heat map). Built from a table, the experiment's hints and the options
 * (build.c, layers.c); written as a gnuplot script by gnuplot.c. A figure owns all its arrays:
 * free with slt_figure_free. */
#ifndef SLT_FIGURE_H
#define SLT_FIGURE_H

#include <stdio.h>

#include "plots/plot.h"
#include "plots/table.h"

#define SLT_PLOT_NAMELEN 64   /* longest column or parameter name, with its terminator */
#define SLT_PLOT_TEXTLEN 200  /* longest --title / --ylabel */
#define SLT_PLOT_MAXQ 16      /* quantities in one --y list */
#define SLT_PLOT_LABELLEN 320 /* a key entry or axis label */

typedef enum {
    SLT_LAYER_LINE,       /* exact theory: a solid line */
    SLT_LAYER_POINTS,     /* simulation means with standard-error bars (err) */
    SLT_LAYER_BAND,       /* shaded band between lo and hi, with its centre line y */
    SLT_LAYER_BOUND,      /* an upper or lower bound: dashed, labelled as a bound */
    SLT_LAYER_HLINE,      /* horizontal reference lines at each y */
    SLT_LAYER_XMARK,      /* one vertical marker at x[0] */
    SLT_LAYER_TRAJECTORY, /* y against x in the order of a time column, start and end marked */
    SLT_LAYER_HEATMAP,    /* z on an nx x ny grid, with a contour at `level` */
} slt_layer_kind;

typedef struct {
    slt_layer_kind kind;
    char label[SLT_PLOT_LABELLEN]; /* key entry; empty: none */
    int color;                     /* palette index; -1: grey */
    int dash;                      /* gnuplot dash type, 1 = solid */
    int point;                     /* point style index */
    int axis2;                     /* drawn against the second y axis */
    int upper;                     /* bound: 1 upper, 0 lower */
    int quartiles;                 /* points: median with lower and upper quartile bars in lo, hi */
    char bounds[SLT_PLOT_NAMELEN]; /* bound: the exact column it bounds, if known */
    size_t n;                      /* points (heat map: nx * ny) */
    double *x, *y;                 /* n values each; NaN leaves a gap */
    double *err;                   /* points: standard error, or NULL */
    double *lo, *hi;               /* band: edges; points: quartile bars (then err is unused) */
    double *z;                     /* heat map: z[k] at (x[k], y[k]), k = ix + nx * iy */
    size_t nx, ny;                 /* heat map: grid size, n = nx * ny */
    double level;                  /* heat map: contour level */
    double zspan;                  /* heat map: colours span level +- zspan (shared by panels) */
    int contour;                   /* heat map: draw the contour */
} slt_layer;

typedef struct {
    char title[SLT_PLOT_LABELLEN];  /* panel title in a multi-panel figure ("init=large") */
    char xlabel[SLT_PLOT_LABELLEN], ylabel[SLT_PLOT_LABELLEN], y2label[SLT_PLOT_LABELLEN];
    int logx, logy;
    double ymin, ymax;              /* NaN: automatic */
    int key;                        /* draw the legend in this panel */
    size_t nlayers, cap;
    slt_layer *layers;
} slt_panel;

typedef struct {
    char title[2 * SLT_PLOT_LABELLEN + 8]; /* may hold one line break */
    int width, height;
    char key[24];                          /* legend corner: "right top", "left bottom", ... */
    size_t npanels;
    slt_panel *panels;
} slt_figure;

/* Build the model of `t` (a table of experiment e) under the options. SLT_EUSAGE + message for
 * options the table cannot satisfy. */
int slt_figure_build(const slt_table *t, const slt_experiment *e, const slt_plot_opts *po, slt_figure *f,
                     char *err);
void slt_figure_free(slt_figure *f);
/* Append an empty panel / layer (NULL when out of memory). Layers own their arrays. */
slt_panel *slt_figure_add_panel(slt_figure *f);
slt_layer *slt_panel_add_layer(slt_panel *p, slt_layer_kind kind, size_t n);

/* Write the gnuplot script drawing f to `gp` for terminal "png", "svg", "pdf", "dumb" or "x11". Every
 * string goes through one quoting function; numbers are printed as numbers. */
void slt_gnuplot_script(FILE *gp, const slt_figure *f, const char *terminal);
/* Quote text for gnuplot: single-quoted (no backquote or macro expansion there), quotes doubled,
 * line breaks as "\n" joins, other control characters dropped. */
void slt_gnuplot_quote(FILE *gp, const char *text);
/* The gnuplot program to run: $SLTSIM_GNUPLOT (an absolute path), else the configured one; NULL
 * if none is executable. */
const char *slt_gnuplot_path(void);
/* Run gnuplot on f, writing the image to a temporary file beside target, renamed into place on
 * success ("dumb": to standard output, or standard error if dumb_to_stderr). */
int slt_gnuplot_render(const slt_figure *f, const char *target, int dumb_to_stderr, char *err);

/* Option helpers shared by options.c and build.c. */
int slt_plot_is_name(const char *s);
int slt_plot_parse_range(const char *s, double *lo, double *hi);
int slt_plot_parse_size(const char *s, int *w, int *h);
/* Whether name is a theory column or a simulated quantity of e. */
int slt_plot_is_quantity(const slt_experiment *e, const char *name);
/* The automatic x axis: the numeric parameter with most distinct values (nvals per parameter),
 * never a word parameter; -1 if none has more than one. */
int slt_plot_auto_x(const slt_experiment *e, const size_t *nvals);
/* The column checks of slt_plot_check, given the number of distinct values of each parameter. */
int slt_plot_check_cols(const slt_experiment *e, const size_t *nvals, const slt_plot_opts *po, char *err);
/* A token for an error message: quoted, control characters as \xNN, at most len - 1 bytes. */
void slt_plot_quote_token(const char *s, char *out, size_t len);

#endif
