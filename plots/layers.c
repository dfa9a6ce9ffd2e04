/* layers.c: the layer builders of the figure model: theory lines (the experiment's theory
 * function on a fine grid), bounds, simulation points or bands, trajectories, reference lines,
 * the second axis and heat maps, each from the rows of one curve or panel. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plots/build.h"

#define OOM(err) (snprintf(err, SLT_ERRLEN, "out of memory building the figure"), SLT_EFAIL)

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Parameter values of row r (a word becomes its index). */
static int row_params(const plot_ctx *x, size_t r, double *par)
{
    const slt_experiment *e = x->e;
    for (size_t i = 0; i < e->nparams; i++) {
        const slt_param *p = &e->params[i];
        const char *v = x->pcol[i] >= 0 ? x->t->rows[r][x->pcol[i]] : p->def;
        if (p->type == SLT_WORD) {
            par[i] = -1;
            for (int w = 0; p->words[w]; w++)
                if (!strcmp(p->words[w], v))
                    par[i] = w;
            if (par[i] < 0)
                return -1;
        } else if (slt_parse_number(v, &par[i]) || !isfinite(par[i]))
            return -1;
    }
    return 0;
}

/* As the engine does: a failed theory, or a NaN, leaves every value empty (no point drawn). */
static int theory_at(const slt_experiment *e, double *par, double *out)
{
    char err[SLT_ERRLEN];
    for (size_t j = 0; j < slt_count(e->theory_cols); j++)
        out[j] = slt_empty();
    return !(e->check && e->check(par, 0, 1, err) != SLT_OK) && slt_theory_at(e, par, out, err) == SLT_OK;
}

/* The theory columns of one curve on up to 400 points spanning its x range, evaluated by the
 * experiment's own theory function, so lines are smooth and divergences resolved whatever the
 * simulation grid was. A slow theory (a root search per point) is thinned to a budget of about
 * a second, never below the table's own points. Returns the number of points (0: use the
 * table's rows); xs[nd] and vals[nd * ntheory] are allocated. */
static size_t dense_theory(const plot_ctx *x, const size_t *rows, size_t n, double **xs, double **vals)
{
    const slt_experiment *e = x->e;
    size_t nt = slt_count(e->theory_cols);
    double par[SLT_MAX_PARAMS], lo = INFINITY, hi = -INFINITY;
    if (!e->theory || x->xi < 0 || !n || row_params(x, rows[0], par))
        return 0;
    for (size_t k = 0; k < n; k++) {
        double v = slt_table_num(x->t, rows[k], x->pcol[x->xi]);
        lo = fmin(lo, v);
        hi = fmax(hi, v);
    }
    if (!(hi > lo))
        return 0;
    size_t nd = 400;
    int integer = e->params[x->xi].type == SLT_INT;
    if (integer && hi - lo + 1 < nd)
        nd = (size_t)(hi - lo + 1);
    double *out = malloc((nt + 1) * sizeof(double)), t0 = seconds();
    par[x->xi] = 0.5 * (lo + hi);
    theory_at(e, par, out);
    double each = seconds() - t0;
    if (each * (double)nd > 1.0)
        nd = (size_t)(1.0 / each) > n ? (size_t)(1.0 / each) : n;
    *xs = malloc(nd * sizeof(double));
    *vals = malloc(nd * (nt + 1) * sizeof(double));
    if (!out || !*xs || !*vals) {
        free(out);
        return 0;
    }
    for (size_t k = 0; k < nd; k++) {
        double f = nd > 1 ? (double)k / (double)(nd - 1) : 0;
        double v = x->xlog ? exp(log(lo) + f * (log(hi) - log(lo))) : lo + f * (hi - lo);
        par[x->xi] = (*xs)[k] = integer ? round(v) : v;
        int ok = theory_at(e, par, out);
        for (size_t j = 0; j < nt; j++)
            (*vals)[k * nt + j] = ok && !slt_is_empty(out[j]) ? out[j] : NAN;
    }
    free(out);
    return nd;
}

static int theory_index(const slt_experiment *e, const char *name)
{
    for (int j = 0; e->theory_cols && e->theory_cols[j]; j++)
        if (!strcmp(e->theory_cols[j], name))
            return j;
    return -1;
}

static int has_data(const plot_ctx *x, const size_t *rows, size_t n, int col)
{
    for (size_t k = 0; col >= 0 && k < n; k++)
        if (!isnan(slt_table_num(x->t, rows[k], col)))
            return 1;
    return 0;
}

/* The key entry of quantity q on curve c ("test, lambda=0.1"). */
static void label(const plot_ctx *x, size_t c, int q, const char *suffix, char *out)
{
    const char *key = x->keys[c], *name = x->qs[q];
    const slt_column *b = x->qinfo[q];
    char base[SLT_PLOT_LABELLEN / 2];
    const char *side = b && b->kind == SLT_COL_UPPER ? "upper" : "lower";
    if (b && (b->kind == SLT_COL_UPPER || b->kind == SLT_COL_LOWER) && b->label && strstr(b->label, side))
        snprintf(base, sizeof base, "%s", b->label); /* the label already says which bound it is */
    else if (b && (b->kind == SLT_COL_UPPER || b->kind == SLT_COL_LOWER))
        snprintf(base, sizeof base, "%s (%s bound)", b->label ? b->label : name, side);
    else
        snprintf(base, sizeof base, "%s", name);
    if (key[0] && (x->nq > 1 || (b && b->kind != SLT_COL_EXACT)))
        snprintf(out, SLT_PLOT_LABELLEN, "%s, %s%s", base, key, suffix);
    else if (key[0])
        snprintf(out, SLT_PLOT_LABELLEN, "%s%s", key, suffix);
    else
        snprintf(out, SLT_PLOT_LABELLEN, "%s%s", base, suffix);
}

/* The theory line (or bound, or trajectory) of quantity q on one curve. */
static int theory_layer(const plot_ctx *x, slt_panel *pn, size_t c, int q, const size_t *rows, size_t n,
                        const double *xs, const double *vals, size_t nd, char *err)
{
    const slt_column *info = x->qinfo[q];
    int bound = info && (info->kind == SLT_COL_UPPER || info->kind == SLT_COL_LOWER);
    int j = theory_index(x->e, x->qs[q]);
    int dense = nd > 0 && j >= 0 && x->xi >= 0;
    slt_layer_kind kind = bound ? SLT_LAYER_BOUND : x->xi < 0 ? SLT_LAYER_TRAJECTORY : SLT_LAYER_LINE;
    slt_layer *l = slt_panel_add_layer(pn, kind, dense ? nd : n);
    if (!l)
        return OOM(err);
    for (size_t k = 0; k < l->n; k++) {
        size_t nt = slt_count(x->e->theory_cols);
        l->x[k] = dense ? xs[k] : slt_table_num(x->t, rows[k], x->xi >= 0 ? x->pcol[x->xi] : x->xth);
        l->y[k] = dense ? vals[k * nt + j] : slt_table_num(x->t, rows[k], x->qth[q]);
    }
    slt_ctx_style(x, c, q, l);
    l->upper = bound && info->kind == SLT_COL_UPPER;
    if (bound && info->bounds)
        snprintf(l->bounds, sizeof l->bounds, "%s", info->bounds);
    label(x, c, q, x->mixed && !bound ? " (theory)" : "", l->label);
    return SLT_OK;
}

/* Simulation means of quantity q on one curve: points with standard-error bars, or a band of
 * +- one standard deviation over trials (SE * sqrt(trials)) with --band or a spread column; a
 * quantity aggregated by its median: the median with bars from the lower to the upper quartile. */
static int sim_layer(const plot_ctx *x, slt_panel *pn, size_t c, int q, const size_t *rows, size_t n, int titled,
                     char *err)
{
    int quart = x->qq1[q] >= 0 && x->qq3[q] >= 0;
    int band = !quart && (x->po->band || (x->sinfo[q] && x->sinfo[q]->kind == SLT_COL_SPREAD));
    slt_layer *l = slt_panel_add_layer(pn, band ? SLT_LAYER_BAND : SLT_LAYER_POINTS, n);
    if (!l || (quart && (!(l->lo = malloc((n + 1) * sizeof(double))) || !(l->hi = malloc((n + 1) * sizeof(double))))))
        return OOM(err);
    l->quartiles = quart;
    int xc = x->xi >= 0 ? x->pcol[x->xi] : x->xsim >= 0 ? x->xsim : x->xth;
    for (size_t k = 0; k < n; k++) {
        double se = x->qse[q] >= 0 ? slt_table_num(x->t, rows[k], x->qse[q]) : NAN;
        l->x[k] = slt_table_num(x->t, rows[k], xc);
        l->y[k] = slt_table_num(x->t, rows[k], x->qsim[q]);
        if (band) {
            double tr = x->trials >= 0 ? slt_table_num(x->t, rows[k], x->trials) : NAN;
            l->lo[k] = l->y[k] - se * sqrt(tr);
            l->hi[k] = l->y[k] + se * sqrt(tr);
        } else if (quart) {
            l->lo[k] = slt_table_num(x->t, rows[k], x->qq1[q]);
            l->hi[k] = slt_table_num(x->t, rows[k], x->qq3[q]);
        } else
            l->err[k] = se;
    }
    slt_ctx_style(x, c, q, l);
    if (!titled)
        label(x, c, q, quart ? " (median, quartiles)" : "", l->label);
    return SLT_OK;
}

/* A vertical marker at this curve's value of the xmark column, if inside its x range. */
static int xmark_layer(const plot_ctx *x, slt_panel *pn, size_t c, const size_t *rows, size_t n, char *err)
{
    const char *name = x->po->xmark ? x->po->xmark : x->e->plot.xmark;
    int col = name ? slt_table_col(x->t, name) : -1;
    if (col < 0 || x->xi < 0 || !n)
        return SLT_OK;
    double lo = INFINITY, hi = -INFINITY, v = NAN;
    for (size_t k = 0; k < n; k++) {
        double xv = slt_table_num(x->t, rows[k], x->pcol[x->xi]), m = slt_table_num(x->t, rows[k], col);
        lo = fmin(lo, xv);
        hi = fmax(hi, xv);
        v = isnan(v) ? m : v;
    }
    if (isnan(v) || v < lo || v > hi)
        return SLT_OK;
    slt_layer *l = slt_panel_add_layer(pn, SLT_LAYER_XMARK, 1);
    if (!l)
        return OOM(err);
    l->x[0] = v;
    l->y[0] = NAN;
    l->dash = 2;
    l->color = x->ncurves > 1 ? (int)(c % 10) : -1;
    return SLT_OK;
}

/* The --y2 column of one curve, against the right axis. */
static int y2_layer(const plot_ctx *x, slt_panel *pn, size_t c, const size_t *rows, size_t n, char *err)
{
    char sim[SLT_PLOT_NAMELEN + 4];
    snprintf(sim, sizeof sim, "%s_sim", x->po->y2);
    int col = slt_table_col(x->t, x->po->y2);
    if (!has_data(x, rows, n, col))
        col = slt_table_col(x->t, sim);
    if (!has_data(x, rows, n, col))
        return SLT_OK;
    slt_layer *l = slt_panel_add_layer(pn, SLT_LAYER_LINE, n);
    if (!l)
        return OOM(err);
    int xc = x->xi >= 0 ? x->pcol[x->xi] : x->xth;
    for (size_t k = 0; k < n; k++) {
        l->x[k] = slt_table_num(x->t, rows[k], xc);
        l->y[k] = slt_table_num(x->t, rows[k], col);
    }
    slt_ctx_style(x, c, 0, l);
    l->color = x->ncurves > 1 ? l->color : -1; /* one curve: grey, apart from the left axis's colours */
    l->dash = 3;
    l->axis2 = 1;
    snprintf(l->label, sizeof l->label, "%s%s%s (right axis)", x->po->y2, x->keys[c][0] ? ", " : "", x->keys[c]);
    return SLT_OK;
}

int slt_layers_curve(const plot_ctx *x, slt_panel *pn, size_t p, size_t c, char *err)
{
    size_t *rows = malloc((x->nrows + 1) * sizeof(size_t)), n = slt_ctx_rows(x, p, c, rows);
    double *xs = NULL, *vals = NULL;
    size_t nd = 0;
    int rc = rows ? SLT_OK : OOM(err);
    if (rc == SLT_OK && n && !x->po->coarse)
        nd = dense_theory(x, rows, n, &xs, &vals);
    for (int q = 0; rc == SLT_OK && n && q < x->nq; q++) {
        int th = has_data(x, rows, n, x->qth[q]) && (x->xi >= 0 || x->xth >= 0);
        if (th)
            rc = theory_layer(x, pn, c, q, rows, n, xs, vals, nd, err);
        if (rc == SLT_OK && has_data(x, rows, n, x->qsim[q]))
            rc = sim_layer(x, pn, c, q, rows, n, th, err);
    }
    if (rc == SLT_OK && n)
        rc = xmark_layer(x, pn, c, rows, n, err);
    if (rc == SLT_OK && n && x->po->y2)
        rc = y2_layer(x, pn, c, rows, n, err);
    free(xs);
    free(vals);
    free(rows);
    return rc;
}

/* Key entries for what is drawn without one: simulation points or bands, reference lines. */
static int key_entry(slt_panel *pn, slt_layer_kind kind, int dash, const char *text, char *err)
{
    slt_layer *l = slt_panel_add_layer(pn, kind, 0);
    if (!l)
        return OOM(err);
    l->color = -1;
    l->dash = dash;
    snprintf(l->label, sizeof l->label, "%s", text);
    return SLT_OK;
}

/* Horizontal reference lines (each distinct finite value of the hline column in this panel),
 * and the key entries shared by the panel's curves. */
int slt_layers_refs(const plot_ctx *x, slt_panel *pn, size_t p, char *err)
{
    /* the experiment's reference line is on its default axes, not on a trajectory's */
    const char *hname = x->po->hline ? x->po->hline : x->xi >= 0 ? x->e->plot.hline : NULL;
    int col = hname ? slt_table_col(x->t, hname) : -1, rc = SLT_OK;
    size_t *rows = malloc((x->nrows + 1) * sizeof(size_t)), n = rows ? slt_ctx_rows(x, p, (size_t)-1, rows) : 0;
    slt_layer *l = col >= 0 && rows ? slt_panel_add_layer(pn, SLT_LAYER_HLINE, n) : NULL;
    if (l) {
        size_t m = 0;
        for (size_t k = 0; k < n; k++) {
            double v = slt_table_num(x->t, rows[k], col);
            int seen = isnan(v);
            for (size_t j = 0; j < m && !seen; j++)
                seen = l->y[j] == v;
            if (!seen)
                l->x[m] = NAN, l->y[m++] = v;
        }
        l->n = m;
        l->color = -1;
        l->dash = 3;
        if (m)
            snprintf(l->label, sizeof l->label, "%s", hname);
    }
    int points = 0, quart = 0, band = 0, xmarks = 0;
    for (size_t k = 0; k < pn->nlayers; k++) {
        slt_layer *a = &pn->layers[k];
        points |= a->kind == SLT_LAYER_POINTS && !a->label[0] && !a->quartiles;
        quart |= a->kind == SLT_LAYER_POINTS && !a->label[0] && a->quartiles;
        band |= a->kind == SLT_LAYER_BAND && !a->label[0];
        xmarks |= a->kind == SLT_LAYER_XMARK;
    }
    if (points)
        rc = key_entry(pn, SLT_LAYER_POINTS, 1, "simulation (mean ± SE)", err);
    if (rc == SLT_OK && quart)
        rc = key_entry(pn, SLT_LAYER_POINTS, 1, "simulation (median, bars from lower to upper quartile)", err);
    if (rc == SLT_OK && band)
        rc = key_entry(pn, SLT_LAYER_LINE, 1, "simulation (mean, shaded ± SD over trials)", err);
    if (rc == SLT_OK && xmarks)
        rc = key_entry(pn, SLT_LAYER_LINE, 2, x->po->xmark ? x->po->xmark : x->e->plot.xmark, err);
    free(rows);
    return rows ? rc : OOM(err);
}

int slt_cmp_double(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return u < v ? -1 : u > v;
}

/* The distinct finite values of column col over rows, sorted. */
static size_t axis_values(const plot_ctx *x, const size_t *rows, size_t n, int col, double *out)
{
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        out[m++] = slt_table_num(x->t, rows[k], col);
    qsort(out, m, sizeof *out, slt_cmp_double);
    size_t u = 0;
    for (size_t k = 0; k < m; k++)
        if (!isnan(out[k]) && (u == 0 || out[k] != out[u - 1]))
            out[u++] = out[k];
    return u;
}

static size_t find_value(const double *v, size_t n, double key)
{
    const double *hit = bsearch(&key, v, n, sizeof *v, slt_cmp_double);
    return hit ? (size_t)(hit - v) : n;
}

int slt_layers_heatmap(const plot_ctx *x, slt_panel *pn, size_t p, char *err)
{
    size_t *rows = malloc((x->nrows + 1) * sizeof(size_t)), n = rows ? slt_ctx_rows(x, p, (size_t)-1, rows) : 0;
    double *xv = malloc((n + 1) * sizeof(double)), *yv = malloc((n + 1) * sizeof(double));
    int xc = x->pcol[x->xi], yc = x->pcol[x->yi], zc = x->qth[0] >= 0 && has_data(x, rows, n, x->qth[0]) ? x->qth[0] : x->qsim[0];
    size_t nx = xv ? axis_values(x, rows, n, xc, xv) : 0, ny = yv ? axis_values(x, rows, n, yc, yv) : 0;
    slt_layer *l = rows && xv && yv ? slt_panel_add_layer(pn, SLT_LAYER_HEATMAP, nx * ny) : NULL;
    if (l) {
        l->nx = nx;
        l->ny = ny;
        for (size_t k = 0; k < nx * ny; k++)
            l->x[k] = xv[k % nx], l->y[k] = yv[k / nx], l->z[k] = NAN;
        double zmin = INFINITY, zmax = -INFINITY;
        for (size_t k = 0; k < n; k++) {
            size_t i = find_value(xv, nx, slt_table_num(x->t, rows[k], xc));
            size_t j = find_value(yv, ny, slt_table_num(x->t, rows[k], yc));
            double z = zc >= 0 ? slt_table_num(x->t, rows[k], zc) : NAN;
            if (i < nx && j < ny)
                l->z[i + nx * j] = z;
            zmin = fmin(zmin, z);
            zmax = fmax(zmax, z);
        }
        l->level = 0;
        if (x->po->contour)
            slt_parse_number(x->po->contour, &l->level);
        l->contour = x->po->contour || (zmin < 0 && zmax > 0);
        if (l->contour) {
            snprintf(l->label, sizeof l->label, "contour at %g", l->level);
            snprintf(pn->y2label, sizeof pn->y2label, "%s (black line: %s = %g)", x->po->heatmap, x->po->heatmap,
                     l->level);
        }
    }
    free(xv);
    free(yv);
    free(rows);
    return l ? SLT_OK : OOM(err);
}
