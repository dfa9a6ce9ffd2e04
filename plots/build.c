/* build.c: the figure model of a table: which column is the x axis (a swept parameter, another
 * column for a trajectory, or two parameters for a heat map), which quantities are drawn and
 * of what kind, how rows group into panels and curves; then one panel per value of --panels,
 * each filled by the layer builders of layers.c. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plots/build.h"

/* distinct values of column c, in order of first appearance */
static size_t distinct(const slt_table *t, int c, const char **out)
{
    size_t n = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        size_t k = 0;
        while (k < n && strcmp(out[k], t->rows[r][c]))
            k++;
        if (k == n)
            out[n++] = t->rows[r][c];
    }
    return n;
}

static const slt_column *column_info(const slt_experiment *e, const char *name)
{
    for (const slt_column *c = e->columns; c && c->name; c++)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

/* Parameters present, their distinct values, and the swept ones in sweep-line order. */
static void find_params(plot_ctx *x, const char **vals)
{
    const slt_experiment *e = x->e;
    for (size_t i = 0; i < e->nparams; i++) {
        x->pcol[i] = slt_table_col(x->t, e->params[i].name);
        x->nvals[i] = x->pcol[i] < 0 ? 0 : distinct(x->t, x->pcol[i], vals);
    }
    char sweep[sizeof x->t->sweep], *save = NULL;
    snprintf(sweep, sizeof sweep, "%s", x->t->sweep);
    int seen[SLT_MAX_PARAMS] = {0};
    for (char *tok = strtok_r(sweep, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        char name[SLT_PLOT_NAMELEN];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(tok, "="), tok);
        int i = slt_param_index(e, name);
        if (i >= 0 && x->nvals[i] > 1 && !seen[i]) {
            x->swept[x->nswept++] = i;
            seen[i] = 1;
        }
    }
    for (size_t i = 0; i < e->nparams; i++)
        if (!seen[i] && x->nvals[i] > 1)
            x->swept[x->nswept++] = (int)i;
}

/* Whether the sweep line gives parameter i as a log grid. */
static int log_grid(const slt_table *t, const char *name)
{
    char sweep[sizeof t->sweep], *save = NULL;
    snprintf(sweep, sizeof sweep, "%s", t->sweep);
    size_t n = strlen(name);
    for (char *tok = strtok_r(sweep, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
        if (!strncmp(tok, name, n) && tok[n] == '=')
            return strlen(tok) > 4 && !strcmp(tok + strlen(tok) - 4, ":log");
    return 0;
}

/* The quantity list: --y, else the experiment's hints, else every theory column and the
 * simulated quantities without one. */
static int find_quantities(plot_ctx *x, char *err)
{
    const slt_experiment *e = x->e;
    char list[1024] = "";
    size_t off = 0;
    if (x->po->heatmap)
        snprintf(list, sizeof list, "%s", x->po->heatmap);
    else if (x->po->y || e->plot.y)
        snprintf(list, sizeof list, "%s", x->po->y ? x->po->y : e->plot.y);
    else {
        for (const char *const *c = e->theory_cols; c && *c; c++)
            off += snprintf(list + off, sizeof list - off, "%s%s", off ? "," : "", *c);
        for (const char *const *c = e->sim_cols; c && *c && off < sizeof list; c++)
            if (slt_table_col(x->t, *c) < 0)
                off += snprintf(list + off, sizeof list - off, "%s%s", off ? "," : "", *c);
    }
    char *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok && x->nq < SLT_PLOT_MAXQ; tok = strtok_r(NULL, ",", &save)) {
        int q = x->nq++;
        char sim[SLT_PLOT_NAMELEN + 4], se[SLT_PLOT_NAMELEN + 4];
        snprintf(x->qs[q], sizeof x->qs[q], "%s", tok);
        snprintf(sim, sizeof sim, "%s_sim", tok);
        snprintf(se, sizeof se, "%s_se", tok);
        x->qth[q] = slt_table_col(x->t, tok);
        x->qsim[q] = slt_table_col(x->t, sim);
        x->qse[q] = slt_table_col(x->t, se);
        x->qq1[q] = x->qq3[q] = -1;
        if (x->qsim[q] < 0) { /* a quantity aggregated by its median and quartiles */
            char med[SLT_PLOT_NAMELEN + 4], q1[SLT_PLOT_NAMELEN + 4], q3[SLT_PLOT_NAMELEN + 4];
            snprintf(med, sizeof med, "%s_med", tok);
            snprintf(q1, sizeof q1, "%s_q1", tok);
            snprintf(q3, sizeof q3, "%s_q3", tok);
            x->qsim[q] = slt_table_col(x->t, med);
            x->qq1[q] = slt_table_col(x->t, q1);
            x->qq3[q] = slt_table_col(x->t, q3);
        }
        x->qinfo[q] = column_info(e, tok);
        x->sinfo[q] = column_info(e, sim);
        if (x->qth[q] < 0 && x->qsim[q] < 0) {
            snprintf(err, SLT_ERRLEN, "--y: '%s' is not a column of this table (see: sltsim describe %s)", tok, e->name);
            return SLT_EUSAGE;
        }
    }
    return SLT_OK;
}

/* The x axis: a heat map's two parameters, a swept parameter, or another column (trajectory,
 * its points ordered by the automatic x parameter, the experiment's time or sweep axis). */
static int find_axes(plot_ctx *x, char *err)
{
    const slt_plot_opts *po = x->po;
    const slt_experiment *e = x->e;
    int rc = slt_plot_check_cols(e, x->nvals, po, err);
    if (rc != SLT_OK)
        return rc;
    x->xi = x->yi = x->xth = x->xsim = x->pi = x->order = -1;
    x->trials = slt_table_col(x->t, "trials");
    if (po->panels && x->pcol[x->pi = slt_param_index(e, po->panels)] < 0) {
        snprintf(err, SLT_ERRLEN, "--panels: %s is not a column of this table", po->panels);
        return SLT_EUSAGE;
    }
    if (po->heatmap) {
        x->xi = slt_param_index(e, po->x);
        x->yi = slt_param_index(e, po->y);
    } else if (po->x && slt_param_index(e, po->x) < 0) {
        char sim[SLT_PLOT_NAMELEN + 4];
        snprintf(sim, sizeof sim, "%s_sim", po->x);
        x->xth = slt_table_col(x->t, po->x);
        x->xsim = slt_table_col(x->t, sim);
        if (x->xth < 0)
            x->xth = x->xsim;
        x->order = slt_plot_auto_x(e, x->nvals);
        if (x->xth < 0 || x->order < 0) {
            snprintf(err, SLT_ERRLEN, "--x %s: %s", po->x,
                     x->xth < 0 ? "no such column in this table" : "a trajectory needs a swept parameter to order its points");
            return SLT_EUSAGE;
        }
    } else
        x->xi = po->x ? slt_param_index(e, po->x) : slt_plot_auto_x(e, x->nvals);
    if (x->xi >= 0)
        x->order = x->xi;
    x->xlog = po->logx || (x->xi >= 0 && log_grid(x->t, e->params[x->xi].name));
    return SLT_OK;
}

/* Group rows: panels by --panels, curves by the other swept parameters. */
static int group_rows(plot_ctx *x, char *err)
{
    x->nrows = x->t->nrows;
    x->curve_of = malloc(x->nrows * sizeof(size_t));
    x->panel_of = malloc(x->nrows * sizeof(size_t));
    x->keys = calloc(x->nrows, sizeof(char *));
    x->pkeys = calloc(x->nrows, sizeof(char *));
    if (!x->curve_of || !x->panel_of || !x->keys || !x->pkeys) {
        snprintf(err, SLT_ERRLEN, "out of memory building the figure");
        return SLT_EFAIL;
    }
    for (size_t r = 0; r < x->nrows; r++) {
        char key[512] = "", pkey[160] = "";
        size_t off = 0;
        for (int k = 0; k < x->nswept; k++) {
            int i = x->swept[k];
            if (i == x->xi || i == x->yi || i == x->order || i == x->pi)
                continue;
            int w = snprintf(key + off, sizeof key - off, "%s%s=%s", off ? ", " : "", x->e->params[i].name,
                             x->t->rows[r][x->pcol[i]]);
            off += w > 0 && (size_t)w < sizeof key - off ? (size_t)w : 0;
        }
        if (x->pi >= 0)
            snprintf(pkey, sizeof pkey, "%s=%s", x->e->params[x->pi].name, x->t->rows[r][x->pcol[x->pi]]);
        size_t c = 0, p = 0;
        while (c < x->ncurves && strcmp(x->keys[c], key))
            c++;
        while (p < x->npanels && strcmp(x->pkeys[p], pkey))
            p++;
        if ((c == x->ncurves && !(x->keys[x->ncurves++] = strdup(key))) ||
            (p == x->npanels && !(x->pkeys[x->npanels++] = strdup(pkey)))) {
            snprintf(err, SLT_ERRLEN, "out of memory building the figure");
            return SLT_EFAIL;
        }
        x->curve_of[r] = c;
        x->panel_of[r] = p;
    }
    return SLT_OK;
}

static const plot_ctx *sort_ctx; /* qsort has no context argument; builds are not concurrent */
static int cmp_rows(const void *a, const void *b)
{
    size_t r = *(const size_t *)a, s = *(const size_t *)b;
    int col = sort_ctx->pcol[sort_ctx->order];
    double u = slt_table_num(sort_ctx->t, r, col), v = slt_table_num(sort_ctx->t, s, col);
    return u < v ? -1 : u > v ? 1 : (r > s) - (r < s);
}

size_t slt_ctx_rows(const plot_ctx *x, size_t p, size_t c, size_t *idx)
{
    size_t n = 0;
    for (size_t r = 0; r < x->nrows; r++)
        if (x->panel_of[r] == p && (c == (size_t)-1 || x->curve_of[r] == c))
            idx[n++] = r;
    if (x->order >= 0 && x->pcol[x->order] >= 0) {
        sort_ctx = x;
        qsort(idx, n, sizeof *idx, cmp_rows);
    }
    return n;
}

void slt_ctx_style(const plot_ctx *x, size_t c, int q, slt_layer *l)
{
    int many = x->ncurves > 1;
    l->color = (int)((many ? c : (size_t)q) % 10);
    l->dash = x->nq > 1 && many ? q % 5 + 1 : 1;
    l->point = (int)((x->nq > 1 ? (size_t)q : c) % 6);
}

static void ctx_free(plot_ctx *x)
{
    for (size_t k = 0; k < x->ncurves; k++)
        free(x->keys[k]);
    for (size_t k = 0; k < x->npanels; k++)
        free(x->pkeys[k]);
    free(x->keys);
    free(x->pkeys);
    free(x->curve_of);
    free(x->panel_of);
}

/* The axis label of a parameter: its name and the first clause of its help text. */
static void param_label(const slt_param *p, char *buf, size_t len)
{
    size_t n = strcspn(p->help, ";(");
    while (n && p->help[n - 1] == ' ')
        n--;
    snprintf(buf, len, "%s  (%.*s)", p->name, (int)n, p->help);
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

/* "ridge: <summary or --title>" and a second line with the fixed parameters. */
static void figure_title(const plot_ctx *x, slt_figure *f)
{
    const slt_experiment *e = x->e;
    char fixed[SLT_PLOT_LABELLEN] = "";
    size_t off = 0;
    for (size_t i = 0; i < e->nparams; i++) {
        if (x->nvals[i] != 1)
            continue;
        const char *v = x->t->rows[0][x->pcol[i]];
        if (!listed_in_title(e, &e->params[i], v) || off + strlen(v) + 40 > sizeof fixed)
            continue;
        off += (size_t)snprintf(fixed + off, sizeof fixed - off, "%s%s=%s", off ? ", " : "", e->params[i].name, v);
    }
    snprintf(f->title, sizeof f->title, "%s: %s%s%s", e->name, x->po->title ? x->po->title : e->summary,
             fixed[0] ? "\n" : "", fixed);
}

/* An upper y limit that keeps a divergence (double-descent peak, alpha = 1) from flattening the
 * rest of the figure: 4x the 80th percentile of the finite values drawn on the left axis (table
 * and fine theory grid alike), if the maximum exceeds it. */
static double auto_ymax(const slt_figure *f)
{
    size_t n = 0, cap = 1;
    for (size_t p = 0; p < f->npanels; p++)
        for (size_t k = 0; k < f->panels[p].nlayers; k++)
            cap += f->panels[p].layers[k].n;
    double *v = malloc(cap * sizeof(double)), lim = NAN;
    for (size_t p = 0; v && p < f->npanels; p++)
        for (size_t k = 0; k < f->panels[p].nlayers; k++) {
            const slt_layer *l = &f->panels[p].layers[k];
            int drawn = l->kind != SLT_LAYER_HLINE && l->kind != SLT_LAYER_XMARK && l->kind != SLT_LAYER_HEATMAP;
            for (size_t i = 0; drawn && !l->axis2 && i < l->n; i++)
                if (isfinite(l->y[i]))
                    v[n++] = l->y[i];
        }
    if (n > 4) {
        qsort(v, n, sizeof *v, slt_cmp_double);
        double p80 = v[(size_t)(0.8 * (n - 1))];
        if (p80 > 0 && v[n - 1] > 4 * p80)
            lim = 4 * p80;
    }
    free(v);
    return lim;
}

/* The y label: --ylabel, the experiment's label for its default quantities, else their names. */
static void y_label(const plot_ctx *x, char *out)
{
    const slt_plot_opts *po = x->po;
    const slt_plot_hints *h = &x->e->plot;
    if (po->heatmap) {
        param_label(&x->e->params[x->yi], out, SLT_PLOT_LABELLEN);
        return;
    }
    if (po->ylabel || (h->ylabel && (!po->y || (h->y && !strcmp(po->y, h->y))))) {
        snprintf(out, SLT_PLOT_LABELLEN, "%s", po->ylabel ? po->ylabel : h->ylabel);
        return;
    }
    size_t o = 0;
    out[0] = 0;
    for (int q = 0; q < x->nq && o < SLT_PLOT_LABELLEN - SLT_PLOT_NAMELEN - 2; q++)
        o += (size_t)snprintf(out + o, SLT_PLOT_LABELLEN - o, "%s%s", q ? ", " : "", x->qs[q]);
}

static void panel_frame(const plot_ctx *x, slt_panel *pn, size_t p)
{
    const slt_experiment *e = x->e;
    snprintf(pn->title, sizeof pn->title, "%s", x->pkeys[p]);
    if (x->xi >= 0)
        param_label(&e->params[x->xi], pn->xlabel, sizeof pn->xlabel);
    else
        snprintf(pn->xlabel, sizeof pn->xlabel, "%s", x->po->x);
    y_label(x, pn->ylabel);
    snprintf(pn->y2label, sizeof pn->y2label, "%s", x->po->heatmap ? x->po->heatmap : x->po->y2 ? x->po->y2 : "");
    pn->logx = x->xlog;
    pn->logy = (x->po->logy || e->plot.logy) && !x->po->heatmap;
    if (x->po->heatmap)
        pn->logy = x->yi >= 0 && log_grid(x->t, e->params[x->yi].name);
    const char *yr = x->po->yrange ? x->po->yrange : e->plot.yrange;
    if (x->po->heatmap)
        return;
    if (yr)
        slt_plot_parse_range(yr, &pn->ymin, &pn->ymax);
    pn->key = p == 0;
}

/* Whether some curves have theory and others not (structured features: simulation only). */
static int theory_mixed(const plot_ctx *x)
{
    for (int q = 0; q < x->nq; q++) {
        if (x->qth[q] < 0)
            continue;
        int with = 0, without = 0;
        for (size_t c = 0; c < x->ncurves; c++) {
            int has = 0;
            for (size_t r = 0; r < x->nrows && !has; r++)
                has = x->curve_of[r] == c && !isnan(slt_table_num(x->t, r, x->qth[q]));
            with |= has;
            without |= !has;
        }
        if (with && without)
            return 1;
    }
    return 0;
}

static void figure_size(const plot_ctx *x, slt_figure *f)
{
    static const char *const corners[] = {"left top", "right top", "left bottom", "right bottom", "center top",
                                          "center bottom", "left center", "right center"};
    size_t cols = f->npanels <= 3 ? f->npanels : f->npanels == 4 ? 2 : 3, rows = (f->npanels + cols - 1) / cols;
    f->width = cols > 1 ? (int)(cols * 600) : 1000;
    f->height = rows > 1 || cols > 1 ? (int)(rows * 500 + 40) : 660;
    if (x->po->size)
        slt_plot_parse_size(x->po->size, &f->width, &f->height);
    snprintf(f->key, sizeof f->key, "right top");
    for (size_t k = 0; x->e->plot.key && k < sizeof corners / sizeof corners[0]; k++)
        if (!strcmp(x->e->plot.key, corners[k]))
            snprintf(f->key, sizeof f->key, "%s", corners[k]);
}

/* Heat maps in several panels share one colour scale, centred on the contour level so that its
 * two sides take the two colours of the palette. */
static void share_colours(slt_figure *f)
{
    double span = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t p = 0; p < f->npanels; p++)
            for (size_t k = 0; k < f->panels[p].nlayers; k++) {
                slt_layer *l = &f->panels[p].layers[k];
                for (size_t i = 0; pass == 0 && l->kind == SLT_LAYER_HEATMAP && i < l->n; i++)
                    span = isfinite(l->z[i]) ? fmax(span, fabs(l->z[i] - l->level)) : span;
                if (pass == 1)
                    l->zspan = span > 0 ? span : 1;
            }
}

static int fill_panels(const plot_ctx *x, slt_figure *f, char *err)
{
    for (size_t p = 0; p < x->npanels; p++) {
        slt_panel *pn = slt_figure_add_panel(f);
        if (!pn) {
            snprintf(err, SLT_ERRLEN, "out of memory building the figure");
            return SLT_EFAIL;
        }
        panel_frame(x, pn, p);
        int rc = SLT_OK;
        if (x->po->heatmap)
            rc = slt_layers_heatmap(x, pn, p, err);
        for (size_t c = 0; rc == SLT_OK && !x->po->heatmap && c < x->ncurves; c++)
            rc = slt_layers_curve(x, pn, p, c, err);
        if (rc == SLT_OK && !x->po->heatmap)
            rc = slt_layers_refs(x, pn, p, err);
        if (rc != SLT_OK)
            return rc;
    }
    share_colours(f);
    const char *yr = x->po->yrange ? x->po->yrange : x->e->plot.yrange;
    /* a log axis shows a divergence without flattening the rest: no clipping there */
    double ymax = yr || x->po->heatmap || x->po->logy || x->e->plot.logy ? NAN : auto_ymax(f);
    for (size_t p = 0; !isnan(ymax) && p < f->npanels; p++)
        f->panels[p].ymax = ymax;
    return SLT_OK;
}

static int heatmap_extra_sweep(const plot_ctx *x, char *err)
{
    for (int k = 0; k < x->nswept; k++) {
        int i = x->swept[k];
        if (i != x->xi && i != x->yi && i != x->pi) {
            snprintf(err, SLT_ERRLEN, "--heatmap: %s is also swept; give it one value, or --panels %s",
                     x->e->params[i].name, x->e->params[i].name);
            return SLT_EUSAGE;
        }
    }
    return SLT_OK;
}

int slt_figure_build(const slt_table *t, const slt_experiment *e, const slt_plot_opts *po, slt_figure *f, char *err)
{
    memset(f, 0, sizeof *f);
    plot_ctx x;
    memset(&x, 0, sizeof x);
    x.t = t;
    x.e = e;
    x.po = po;
    const char **vals = malloc((t->nrows + 1) * sizeof(char *));
    if (!vals) {
        snprintf(err, SLT_ERRLEN, "out of memory building the figure");
        return SLT_EFAIL;
    }
    find_params(&x, vals);
    free(vals);
    int rc = find_axes(&x, err);
    if (rc == SLT_OK && po->heatmap)
        rc = heatmap_extra_sweep(&x, err);
    if (rc == SLT_OK)
        rc = find_quantities(&x, err);
    if (rc == SLT_OK)
        rc = group_rows(&x, err);
    if (rc == SLT_OK) {
        x.mixed = theory_mixed(&x);
        figure_title(&x, f);
        rc = fill_panels(&x, f, err);
        figure_size(&x, f);
    }
    ctx_free(&x);
    if (rc != SLT_OK)
        slt_figure_free(f);
    return rc;
}
