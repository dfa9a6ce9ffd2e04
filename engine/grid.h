/* grid.h: the value grammar (number, list, start:stop:count[:log], words) and the Cartesian
 * grid of parameter points of one run. A grid owns its value arrays; free with slt_grid_free. */
#ifndef SLT_GRID_H
#define SLT_GRID_H

#include "slt.h"

typedef struct {
    size_t n;     /* number of values */
    double *v;    /* the values (word index for SLT_WORD) */
    int log;      /* 1 if given as a log grid */
    char *spec;   /* the text it was parsed from */
} slt_values;

typedef struct {
    const slt_experiment *e;
    slt_values vals[SLT_MAX_PARAMS]; /* per declared parameter */
    int order[SLT_MAX_PARAMS];       /* parameter indices, slowest-varying first */
    int given[SLT_MAX_PARAMS];       /* 1 if set on the command line */
    size_t npoints;
} slt_grid;

/* Parse one VALUE for parameter p into v (v->v allocated). SLT_EUSAGE and a message
 * ("gamma: ...") on malformed or out-of-range input. */
int slt_values_parse(const slt_param *p, const char *text, slt_values *v, char *err);
void slt_values_clear(slt_values *v);

/* Build a grid from NAME=VALUE assignments (in sweep order); unset parameters take defaults.
 * Swept parameters vary in the order given (first slowest); defaults that are grids come last. */
int slt_grid_build(const slt_experiment *e, int nassign, char *const *assign, slt_grid *g, char *err);
void slt_grid_free(slt_grid *g);
/* Values of all parameters at point k (grid order) into par[nparams]. */
void slt_grid_point(const slt_grid *g, size_t k, double *par);
/* Format a parameter value as it appears in CSV ("relu", "200", "0.1"). */
void slt_format_param(const slt_param *p, double v, char *buf, size_t len);
/* %.10g in the C locale whatever the process locale ("inf", "nan" kept). */
void slt_format_number(double v, char *buf, size_t len);
/* strtod in the C locale; returns 0 and sets *v if the whole string is a number. */
int slt_parse_number(const char *s, double *v);

#endif
