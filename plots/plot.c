/* plot.c: reads a table written by the engine (provenance, header, rows), groups rows into
 * curves, and sends gnuplot a script with the data inline as datablocks (C-locale numbers). */
#define _GNU_SOURCE
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "engine/grid.h"
#include "engine/slt.h"

#define MAXCOLS 64

typedef struct {
    char exp[64];
    char sweep[1024];      /* "a=spec b=spec" */
    int ncols;
    char *cols[MAXCOLS];
    size_t nrows, cap;
    char ***rows;          /* rows[r][c], "" when empty */
} table_t;

static void table_free(table_t *t)
{
    for (int c = 0; c < t->ncols; c++)
        free(t->cols[c]);
    for (size_t r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++)
            free(t->rows[r][c]);
        free(t->rows[r]);
    }
    free(t->rows);
}

static int split(char *line, char **f, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = 0;
    for (char *s = line;; s++) {
        char *c = strchr(s, ',');
        if (n < max)
            f[n++] = s;
        if (!c)
            break;
        *c = 0;
        s = c;
    }
    return n;
}

static int read_table(const char *path, table_t *t, char *err)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, SLT_ERRLEN, "cannot read %s", path);
        return SLT_EUSAGE;
    }
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        if (line[0] == '#') {
            char *p;
            if ((p = strstr(line, ", experiment ")))
                sscanf(p + 13, "%63s", t->exp);
            else if (!strncmp(line, "# sweep:", 8))
                snprintf(t->sweep, sizeof t->sweep, "%s", line + 8);
            continue;
        }
        char *fields[MAXCOLS];
        int n = split(line, fields, MAXCOLS);
        if (!t->ncols) {
            t->ncols = n;
            for (int c = 0; c < n; c++)
                t->cols[c] = strdup(fields[c]);
            continue;
        }
        if (n != t->ncols) {
            snprintf(err, SLT_ERRLEN, "%s: a row has %d fields, the header %d", path, n, t->ncols);
            free(line);
            fclose(f);
            return SLT_EUSAGE;
        }
        if (t->nrows == t->cap) {
            t->cap = t->cap ? 2 * t->cap : 256;
            t->rows = realloc(t->rows, t->cap * sizeof(char **));
        }
        char **row = malloc(n * sizeof(char *));
        for (int c = 0; c < n; c++)
            row[c] = strdup(fields[c]);
        t->rows[t->nrows++] = row;
    }
    free(line);
    fclose(f);
    if (!t->exp[0] || !t->ncols) {
        snprintf(err, SLT_ERRLEN, "%s is not an sltsim table (no '# sltsim ..., experiment' line or header)", path);
        return SLT_EUSAGE;
    }
    if (!t->nrows) {
        snprintf(err, SLT_ERRLEN, "%s has no rows to plot", path);
        return SLT_EUSAGE;
    }
    return SLT_OK;
}

static int col_index(const table_t *t, const char *name)
{
    for (int c = 0; c < t->ncols; c++)
        if (!strcmp(t->cols[c], name))
            return c;
    return -1;
}

/* distinct values of column c, in order of first appearance */
static size_t distinct(const table_t *t, int c, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        size_t k;
        for (k = 0; k < n; k++)
            if (!strcmp(out[k], t->rows[r][c]))
                break;
        if (k == n && n < max)
            out[n++] = t->rows[r][c];
    }
    return n;
}

int slt_plot_check_target(const char *target, char *err)
{
    size_t n = strlen(target);
    if (!strcmp(target, "dumb"))
        return SLT_OK;
    if (n > 4 && (!strcmp(target + n - 4, ".png") || !strcmp(target + n - 4, ".svg") || !strcmp(target + n - 4, ".pdf")))
        return SLT_OK;
    snprintf(err, SLT_ERRLEN, "--plot: '%s' must end in .png, .svg or .pdf, or be 'dumb' (draw in the terminal)",
             target);
    return SLT_EUSAGE;
}

static const char *find_gnuplot(void)
{
    static const char *const cands[] = {SLT_GNUPLOT, "/usr/bin/gnuplot", "/usr/local/bin/gnuplot"};
    const char *env = getenv("SLTSIM_GNUPLOT");
    if (env)
        return access(env, X_OK) == 0 ? env : NULL;
    for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++)
        if (cands[i][0] == '/' && access(cands[i], X_OK) == 0)
            return cands[i];
    return NULL;
}

/* The axis label of a parameter: the first clause of its help text. */
static void param_label(const slt_param *p, char *buf, size_t len)
{
    size_t n = strcspn(p->help, ";(");
    while (n && p->help[n - 1] == ' ')
        n--;
    snprintf(buf, len, "%s  (%.*s)", p->name, (int)n, p->help);
}

static double cell(const char *s)
{
    double v;
    if (!*s || slt_parse_number(s, &v) || !isfinite(v))
        return NAN;
    return v;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* An upper y limit that keeps a divergence (double-descent peak, alpha = 1) from flattening the
 * rest of the figure: 4x the 80th percentile of the finite values, if the maximum exceeds it. */
static double auto_ymax(const table_t *t, const int *ycols, int ny)
{
    size_t n = 0;
    double *v = malloc(t->nrows * ny * sizeof(double) + 1);
    for (size_t r = 0; r < t->nrows; r++)
        for (int j = 0; j < ny; j++) {
            double x = cell(t->rows[r][ycols[j]]);
            if (!isnan(x))
                v[n++] = x;
        }
    double lim = NAN;
    if (n > 4) {
        qsort(v, n, sizeof *v, cmp_double);
        double p80 = v[(size_t)(0.8 * (n - 1))];
        if (p80 > 0 && v[n - 1] > 4 * p80)
            lim = 4 * p80;
    }
    free(v);
    return lim;
}

/* A fixed parameter goes in the subtitle if the experiment names it as essential or if it is
 * not at its default value (so cov-specific settings appear only when they matter). */
static int listed_in_title(const slt_experiment *e, const slt_param *p, const char *value)
{
    const char *list = e->plot.title_params;
    size_t n = strlen(p->name);
    for (const char *s = list; s && (s = strstr(s, p->name)); s += n)
        if ((s == list || s[-1] == ',') && (s[n] == ',' || s[n] == 0))
            return 1;
    if (p->type == SLT_WORD)
        return strcmp(value, p->def) != 0;
    double a, b;
    return slt_parse_number(value, &a) || slt_parse_number(p->def, &b) || a != b;
}

/* Whether column col has a finite value on some row of curve c. */
static int curve_has_data(const table_t *t, size_t c, const size_t *curve_of, int col)
{
    for (size_t r = 0; r < t->nrows; r++)
        if (curve_of[r] == c && !isnan(cell(t->rows[r][col])))
            return 1;
    return 0;
}

/* One datablock field in the C locale; NaN (gnuplot's gap) for anything not finite. */
static void put_datum(FILE *gp, double v, const char *sep)
{
    char num[40];
    if (!isfinite(v))
        snprintf(num, sizeof num, "NaN");
    else
        slt_format_number(v, num, sizeof num);
    fprintf(gp, "%s%s", sep, num);
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Parameter values of row r (a word becomes its index). */
static int row_params(const slt_experiment *e, const table_t *t, size_t r, const int *pcol, double *par)
{
    for (size_t i = 0; i < e->nparams; i++) {
        const slt_param *p = &e->params[i];
        const char *v = pcol[i] >= 0 ? t->rows[r][pcol[i]] : p->def;
        if (p->type == SLT_WORD) {
            par[i] = -1;
            for (int w = 0; p->words[w]; w++)
                if (!strcmp(p->words[w], v))
                    par[i] = w;
            if (par[i] < 0)
                return -1;
        } else if (slt_parse_number(v, &par[i]))
            return -1;
    }
    return 0;
}

/* Datablock $t<c>: x and the theory quantities on up to 400 points spanning curve c's x range,
 * evaluated by the experiment's own theory function. Fewer points if the theory is slow (a
 * budget of about a second per figure); none (returns 0: lines then join the table's points)
 * if the experiment has no theory or the first evaluation fails. */
static int dense_theory(FILE *gp, const slt_experiment *e, const table_t *t, size_t c, const size_t *curve_of,
                        const int *pcol, int xi, int xlog, char *const *qs, const int *qth, int nq)
{
    if (!e->theory)
        return 0;
    double par[SLT_MAX_PARAMS], lo = INFINITY, hi = -INFINITY, out[SLT_MAX_COLS];
    size_t r0 = t->nrows, npts = 0;
    for (size_t r = 0; r < t->nrows; r++)
        if (curve_of[r] == c) {
            double x = cell(t->rows[r][pcol[xi]]);
            lo = x < lo ? x : lo;
            hi = x > hi ? x : hi;
            r0 = r0 == t->nrows ? r : r0;
            npts++;
        }
    if (r0 == t->nrows || !(hi > lo) || row_params(e, t, r0, pcol, par))
        return 0;
    int qidx[16];
    for (int q = 0; q < nq; q++) {
        qidx[q] = -1;
        for (int j = 0; qth[q] >= 0 && e->theory_cols[j]; j++)
            if (!strcmp(e->theory_cols[j], qs[q]))
                qidx[q] = j;
    }
    size_t nd = 400;
    if (e->params[xi].type == SLT_INT && hi - lo + 1 < nd)
        nd = (size_t)(hi - lo + 1);
    char err[SLT_ERRLEN];
    /* a slow theory (a root search per point) keeps the figure quick: thin the grid to a budget
     * of about a second, never below the table's own points */
    double t0 = seconds(), budget = 1.0;
    par[xi] = 0.5 * (lo + hi);
    for (size_t j = 0; j < slt_count(e->theory_cols); j++)
        out[j] = slt_empty();
    if (!(e->check && e->check(par, 0, 1, err) != SLT_OK))
        e->theory(par, out, err);
    double each = seconds() - t0;
    if (each * (double)nd > budget) {
        size_t fit = (size_t)(budget / each);
        nd = fit > npts ? fit : npts;
    }
    fprintf(gp, "$t%zu << EOD\n", c);
    for (size_t k = 0; k < nd; k++) {
        double f = nd > 1 ? (double)k / (double)(nd - 1) : 0;
        double x = xlog ? exp(log(lo) + f * (log(hi) - log(lo))) : lo + f * (hi - lo);
        if (e->params[xi].type == SLT_INT)
            x = round(x);
        par[xi] = x;
        for (size_t j = 0; j < slt_count(e->theory_cols); j++)
            out[j] = slt_empty();
        int ok = !(e->check && e->check(par, 0, 1, err) != SLT_OK) && e->theory(par, out, err) == SLT_OK;
        put_datum(gp, x, "");
        for (int q = 0; q < nq; q++)
            put_datum(gp, ok && qidx[q] >= 0 ? out[qidx[q]] : NAN, " ");
        fputc('\n', gp);
    }
    fprintf(gp, "EOD\n");
    return 1;
}

static void gp_string(FILE *gp, const char *s)
{
    fputc('"', gp);
    for (; *s; s++) {
        if (*s == '\n') {
            fputs("\\n", gp);
            continue;
        }
        if (*s == '"' || *s == '\\')
            fputc('\\', gp);
        fputc(*s, gp);
    }
    fputc('"', gp);
}

int slt_plot_csv(const char *csv, const char *target, const slt_plot_opts *po, int csv_on_stdout, char *err)
{
    table_t t;
    int rc = read_table(csv, &t, err);
    if (rc != SLT_OK) {
        table_free(&t);
        return rc;
    }
    const slt_experiment *e = slt_registry_find(t.exp);
    if (!e) {
        snprintf(err, SLT_ERRLEN, "%s: unknown experiment '%s'", csv, t.exp);
        table_free(&t);
        return SLT_EUSAGE;
    }
    /* parameters: which are swept, in sweep order */
    int swept[SLT_MAX_PARAMS], nswept = 0, pcol[SLT_MAX_PARAMS];
    size_t nvals[SLT_MAX_PARAMS];
    const char **vals = malloc(t.nrows * sizeof(char *));
    for (size_t i = 0; i < e->nparams; i++) {
        pcol[i] = col_index(&t, e->params[i].name);
        nvals[i] = pcol[i] < 0 ? 0 : distinct(&t, pcol[i], vals, t.nrows);
    }
    /* the sweep line gives the order; parameters it does not mention follow */
    char sweep[1024];
    snprintf(sweep, sizeof sweep, "%s", t.sweep);
    char *save = NULL;
    for (char *tok = strtok_r(sweep, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(tok, "="), tok);
        int i = slt_param_index(e, name);
        if (i >= 0 && nvals[i] > 1)
            swept[nswept++] = i;
    }
    for (size_t i = 0; i < e->nparams; i++) {
        int seen = 0;
        for (int k = 0; k < nswept; k++)
            seen |= swept[k] == (int)i;
        if (!seen && nvals[i] > 1)
            swept[nswept++] = (int)i;
    }
    int xi = -1;
    if (po->x) {
        xi = slt_param_index(e, po->x);
        if (xi < 0 || pcol[xi] < 0) {
            snprintf(err, SLT_ERRLEN, "--x: '%s' is not a parameter of %s", po->x, e->name);
            rc = SLT_EUSAGE;
        }
    } else
        for (int k = 0; k < nswept; k++)
            if (xi < 0 || nvals[swept[k]] >= nvals[xi])
                xi = swept[k];
    if (rc == SLT_OK && xi < 0) {
        snprintf(err, SLT_ERRLEN, "nothing to plot: no parameter is swept (give one a list or a grid)");
        rc = SLT_EUSAGE;
    }
    if (rc == SLT_OK && e->params[xi].type == SLT_WORD) {
        snprintf(err, SLT_ERRLEN, "--x: %s takes words, not numbers; choose a numeric parameter", e->params[xi].name);
        rc = SLT_EUSAGE;
    }
    /* quantities */
    char ylist[512];
    const char *yspec = po->y ? po->y : e->plot.y;
    if (!yspec) {
        size_t off = 0;
        ylist[0] = 0;
        for (const char *const *c = e->theory_cols; c && *c; c++)
            off += snprintf(ylist + off, sizeof ylist - off, "%s%s", off ? "," : "", *c);
        for (const char *const *c = e->sim_cols; c && *c; c++)
            if (col_index(&t, *c) < 0)
                off += snprintf(ylist + off, sizeof ylist - off, "%s%s", off ? "," : "", *c);
    } else
        snprintf(ylist, sizeof ylist, "%s", yspec);
    char *qs[16];
    int nq = 0, qth[16], qsim[16], qse[16], ycols[48], ny = 0;
    save = NULL;
    for (char *tok = strtok_r(ylist, ",", &save); rc == SLT_OK && tok && nq < 16; tok = strtok_r(NULL, ",", &save)) {
        char sim[80], se[80];
        snprintf(sim, sizeof sim, "%s_sim", tok);
        snprintf(se, sizeof se, "%s_se", tok);
        qs[nq] = tok;
        qth[nq] = col_index(&t, tok);
        qsim[nq] = col_index(&t, sim);
        qse[nq] = col_index(&t, se);
        if (qth[nq] < 0 && qsim[nq] < 0) {
            snprintf(err, SLT_ERRLEN, "--y: '%s' is not a quantity of %s (see: sltsim describe %s)", tok, e->name,
                     e->name);
            rc = SLT_EUSAGE;
        }
        if (qth[nq] >= 0)
            ycols[ny++] = qth[nq];
        if (qsim[nq] >= 0)
            ycols[ny++] = qsim[nq];
        nq++;
    }
    const char *gnuplot = rc == SLT_OK ? find_gnuplot() : NULL;
    if (rc == SLT_OK && !gnuplot) {
        snprintf(err, SLT_ERRLEN, "gnuplot not found: install the Debian package gnuplot-nox (the table %s was written)",
                 csv_on_stdout ? "itself" : csv);
        rc = SLT_EFAIL;
    }
    if (rc != SLT_OK) {
        free(vals);
        table_free(&t);
        return rc;
    }

    /* curves: one per combination of the other swept parameters, in order of appearance */
    size_t *curve_of = malloc(t.nrows * sizeof(size_t)), ncurves = 0;
    char **keys = malloc(t.nrows * sizeof(char *));
    for (size_t r = 0; r < t.nrows; r++) {
        char key[512] = "";
        size_t off = 0;
        for (int k = 0; k < nswept; k++)
            if (swept[k] != xi)
                off += snprintf(key + off, sizeof key - off, "%s%s=%s", off ? ", " : "", e->params[swept[k]].name,
                                t.rows[r][pcol[swept[k]]]);
        size_t c;
        for (c = 0; c < ncurves; c++)
            if (!strcmp(keys[c], key))
                break;
        if (c == ncurves)
            keys[ncurves++] = strdup(key);
        curve_of[r] = c;
    }

    char xlabel[256], title[1024], fixed[1024] = "";
    param_label(&e->params[xi], xlabel, sizeof xlabel);
    size_t off = 0;
    size_t linestart = 0;
    for (size_t i = 0; i < e->nparams; i++)
        if (nvals[i] == 1 && off < sizeof fixed - 64) {
            distinct(&t, pcol[i], vals, 1);
            if (!listed_in_title(e, &e->params[i], vals[0]))
                continue;
            if (off - linestart > 100) {
                off += snprintf(fixed + off, sizeof fixed - off, "\n");
                linestart = off;
            }
            off += snprintf(fixed + off, sizeof fixed - off, "%s%s=%s", off > linestart ? ", " : "",
                            e->params[i].name, vals[0]);
        }
    snprintf(title, sizeof title, "%s: %s", e->name, po->title ? po->title : e->summary);
    int xlog = 0;
    {
        const char *p = strstr(t.sweep, e->params[xi].name);
        while (p && !(p == t.sweep || p[-1] == ' ') )
            p = strstr(p + 1, e->params[xi].name);
        if (p && p[strlen(e->params[xi].name)] == '=') {
            size_t n = strcspn(p, " \n");
            xlog = n > 4 && !strncmp(p + n - 4, ":log", 4);
        }
    }

    FILE *gp = popen(gnuplot, "w");
    if (!gp) {
        snprintf(err, SLT_ERRLEN, "cannot start %s", gnuplot);
        rc = SLT_EFAIL;
        goto out;
    }
    size_t tl = strlen(target);
    int dumb = !strcmp(target, "dumb");
    if (dumb)
        fprintf(gp, "set terminal dumb size 100,32 mono\nset output %s\n",
                csv_on_stdout ? "'/dev/stderr'" : "'/dev/stdout'");
    else {
        const char *ext = target + tl - 3;
        if (!strcmp(ext, "png"))
            fprintf(gp, "set terminal pngcairo size 1000,660 enhanced font 'DejaVu Sans,11'\n");
        else if (!strcmp(ext, "svg"))
            fprintf(gp, "set terminal svg size 1000,660 dynamic enhanced font 'DejaVu Sans,11'\n");
        else
            fprintf(gp, "set terminal pdfcairo size 9in,6in enhanced font 'DejaVu Sans,10'\n");
        fprintf(gp, "set output ");
        gp_string(gp, target);
        fprintf(gp, "\n");
    }
    char full[2048];
    snprintf(full, sizeof full, "%s%s%s", title, fixed[0] ? "\n" : "", fixed);
    fprintf(gp, "set encoding utf8\nset title ");
    gp_string(gp, full);
    fprintf(gp, " noenhanced\n");
    fprintf(gp, "set xlabel ");
    gp_string(gp, xlabel);
    fprintf(gp, " noenhanced\nset ylabel ");
    {
        /* the experiment's label describes its default quantities; other choices name themselves */
        char names[512] = "";
        size_t o = 0;
        for (int q = 0; q < nq; q++)
            o += snprintf(names + o, sizeof names - o, "%s%s", q ? ", " : "", qs[q]);
        const char *yl = po->ylabel ? po->ylabel
                         : (e->plot.ylabel && (!po->y || (e->plot.y && !strcmp(po->y, e->plot.y)))) ? e->plot.ylabel
                                                                                                  : names;
        gp_string(gp, yl);
    }
    fprintf(gp, " noenhanced\nset grid lc rgb '#dddddd'\nset key inside right top box opaque noenhanced font ',10'\n"
                "set border 3\n"
                "set tics nomirror\nset style data lines\n");
    if (dumb)
        fprintf(gp, "unset grid\nset key inside right top nobox\n");
    if (xlog)
        fprintf(gp, dumb ? "set logscale x\n" : "set logscale x\nset format x '10^{%%L}'\n");
    if (po->logy || e->plot.logy)
        fprintf(gp, "set logscale y\n");
    const char *yr = po->yrange ? po->yrange : e->plot.yrange;
    if (yr)
        fprintf(gp, "set yrange [%s]\n", yr);
    else {
        double ymax = auto_ymax(&t, ycols, ny);
        if (!isnan(ymax))
            fprintf(gp, "set yrange [*:%.6g]\n", ymax);
    }
    if (e->plot.key && !dumb)
        fprintf(gp, "set key %s\n", e->plot.key);
    static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
                                          "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"};
    const char *hline = po->hline ? po->hline : e->plot.hline, *xmark = po->xmark ? po->xmark : e->plot.xmark;
    int hcol = hline ? col_index(&t, hline) : -1, xcol = xmark ? col_index(&t, xmark) : -1, nh = 0, nx = 0;
    if (hcol >= 0) { /* each distinct finite value once */
        const char **hv = malloc(t.nrows * sizeof(char *));
        size_t n = distinct(&t, hcol, hv, t.nrows);
        for (size_t k = 0; k < n; k++)
            if (!isnan(cell(hv[k]))) {
                fprintf(gp, "set arrow from graph 0, first %s to graph 1, first %s nohead dt 3 lw 1.5 lc rgb '#777777' back\n",
                        hv[k], hv[k]);
                nh++;
            }
        free(hv);
    }
    for (size_t c = 0; xcol >= 0 && c < ncurves; c++) { /* the curve's value, if inside its x range */
        double lo = INFINITY, hi = -INFINITY, v = NAN;
        for (size_t r = 0; r < t.nrows; r++)
            if (curve_of[r] == c) {
                double x = cell(t.rows[r][pcol[xi]]), m = cell(t.rows[r][xcol]);
                lo = x < lo ? x : lo;
                hi = x > hi ? x : hi;
                v = isnan(v) ? m : v;
            }
        if (!isnan(v) && v >= lo && v <= hi) {
            fprintf(gp, "set arrow from first %.10g, graph 0 to first %.10g, graph 1 nohead dt 2 lw 1.2 lc rgb '%s' back\n",
                    v, v, ncurves > 1 ? palette[c % 10] : "#555555");
            nx++;
        }
    }
    /* data, one block per curve: x, then per quantity theory, sim, se */
    for (size_t c = 0; c < ncurves; c++) {
        fprintf(gp, "$c%zu << EOD\n", c);
        for (size_t r = 0; r < t.nrows; r++) {
            if (curve_of[r] != c)
                continue;
            put_datum(gp, cell(t.rows[r][pcol[xi]]), "");
            for (int q = 0; q < nq; q++) {
                int cs[3] = {qth[q], qsim[q], qse[q]};
                for (int k = 0; k < 3; k++)
                    put_datum(gp, cs[k] >= 0 ? cell(t.rows[r][cs[k]]) : NAN, " ");
            }
            fputc('\n', gp);
        }
        fprintf(gp, "EOD\n");
    }
    /* theory on a fine grid, straight from the experiment's theory function, so that lines are
     * smooth and divergences resolved whatever the simulation grid was */
    char *dense = calloc(ncurves, 1);
    for (size_t c = 0; c < ncurves; c++)
        dense[c] = dense_theory(gp, e, &t, c, curve_of, pcol, xi, xlog, qs, qth, nq);
    /* when only some curves have theory (structured features: simulation only), say which lines are
     * theory */
    int mixed = 0;
    for (int q = 0; q < nq; q++)
        for (size_t c = 0; qth[q] >= 0 && c < ncurves; c++)
            mixed |= !curve_has_data(&t, c, curve_of, qth[q]);
    fprintf(gp, "plot ");
    int first = 1, sim_titled = 0;
    static const int ptypes[] = {7, 5, 9, 11, 13, 15};
    for (size_t c = 0; c < ncurves; c++)
        for (int q = 0; q < nq; q++) {
            const char *color = palette[(c * (nq > 1 && ncurves > 1 ? 1 : nq) + (ncurves > 1 ? 0 : q)) % 10];
            int dt = nq > 1 && ncurves > 1 ? q + 1 : 1;
            char label[600];
            if (nq > 1 && keys[c][0])
                snprintf(label, sizeof label, "%s, %s", qs[q], keys[c]);
            else if (keys[c][0])
                snprintf(label, sizeof label, "%s", keys[c]);
            else
                snprintf(label, sizeof label, "%s%s", qs[q], nq == 1 && qth[q] >= 0 ? " (theory)" : "");
            int base = 2 + 3 * q;
            /* a curve without theory values (e.g. structured features) is labelled by its points;
             * one without simulation values (--trials 0) draws no points */
            int has_th = qth[q] >= 0 && curve_has_data(&t, c, curve_of, qth[q]);
            int has_sim = qsim[q] >= 0 && curve_has_data(&t, c, curve_of, qsim[q]);
            if (has_th && mixed)
                snprintf(label + strlen(label), sizeof label - strlen(label), " (theory)");
            if (has_th) {
                if (dense[c])
                    fprintf(gp, "%s$t%zu using 1:%d with lines lw 2 dt %d lc rgb '%s' title ", first ? "" : ", ", c,
                            2 + q, dt, color);
                else
                    fprintf(gp, "%s$c%zu using 1:%d with lines lw 2 dt %d lc rgb '%s' title ", first ? "" : ", ", c,
                            base, dt, color);
                gp_string(gp, label);
                first = 0;
            }
            if (has_sim) {
                int pt = ptypes[(nq > 1 ? (size_t)q : c) % 6];
                fprintf(gp, "%s$c%zu using 1:%d:%d with yerrorbars pt %d ps 0.7 lc rgb '%s' ", first ? "" : ", ", c,
                        base + 1, base + 2, pt, color);
                if (!has_th) {
                    fprintf(gp, "title ");
                    gp_string(gp, label);
                } else {
                    fprintf(gp, "notitle");
                    sim_titled = 1;
                }
                first = 0;
            }
        }
    if (first) { /* nothing at all to draw: say so rather than fail */
        fprintf(gp, "NaN notitle");
        first = 0;
    }
    if (sim_titled) /* one legend entry for all simulation points */
        fprintf(gp, ", keyentry with yerrorbars pt 7 ps 0.7 lc rgb 'black' title 'simulation (mean ± SE)'");
    if (nh) {
        fprintf(gp, ", keyentry with lines dt 3 lw 1.5 lc rgb '#777777' title ");
        gp_string(gp, hline);
    }
    if (nx) {
        fprintf(gp, ", keyentry with lines dt 2 lw 1.2 lc rgb '#555555' title ");
        gp_string(gp, xmark);
    }
    fprintf(gp, "\n");
    int st = pclose(gp);
    if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        snprintf(err, SLT_ERRLEN, "gnuplot failed drawing %s (its messages are above)", target);
        rc = SLT_EFAIL;
    } else if (!dumb) {
        struct stat sb;
        if (stat(target, &sb) != 0 || sb.st_size == 0) {
            snprintf(err, SLT_ERRLEN, "gnuplot did not write %s", target);
            rc = SLT_EFAIL;
        }
    }
    free(dense);
out:
    for (size_t c = 0; c < ncurves; c++)
        free(keys[c]);
    free(keys);
    free(curve_of);
    free(vals);
    table_free(&t);
    return rc;
}
