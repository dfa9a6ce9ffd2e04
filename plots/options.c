/* options.c: plot options, one table of names for the command line (--x NAME) and presets
 * (x NAME); each value is checked for form when set and against the experiment's columns before
 * any work. Text options may hold any printable text: it reaches gnuplot only through the
 * writer's quoting (gnuplot.c). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "plots/figure.h"

typedef enum { OPT_NAME, OPT_NAMES, OPT_TEXT, OPT_RANGE, OPT_NUMBER, OPT_SIZE, OPT_FLAG } opt_form;

typedef struct {
    const char *name;
    opt_form form;
    size_t text_off; /* offsetof the const char * field, or of the int for a flag */
} opt_def;

#define T(f) offsetof(slt_plot_opts, f)
static const opt_def options[] = {
    {"x", OPT_NAME, T(x)},           {"y", OPT_NAMES, T(y)},         {"yrange", OPT_RANGE, T(yrange)},
    {"title", OPT_TEXT, T(title)},   {"ylabel", OPT_TEXT, T(ylabel)}, {"hline", OPT_NAME, T(hline)},
    {"xmark", OPT_NAME, T(xmark)},   {"panels", OPT_NAME, T(panels)}, {"y2", OPT_NAME, T(y2)},
    {"heatmap", OPT_NAME, T(heatmap)}, {"contour", OPT_NUMBER, T(contour)}, {"size", OPT_SIZE, T(size)},
    {"logy", OPT_FLAG, T(logy)},     {"logx", OPT_FLAG, T(logx)},   {"band", OPT_FLAG, T(band)},
};
#undef T

static const opt_def *find(const char *name)
{
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        if (!strcmp(options[i].name, name))
            return &options[i];
    return NULL;
}

int slt_plot_takes_value(const char *name)
{
    const opt_def *d = find(name);
    return d ? d->form != OPT_FLAG : -1;
}

int slt_plot_is_name(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!(s[n] == '_' || (s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
              (s[n] >= '0' && s[n] <= '9')))
            return 0;
    return n > 0 && n < SLT_PLOT_NAMELEN;
}

/* "lo:hi", each a finite number or '*', lo < hi when both are given */
int slt_plot_parse_range(const char *s, double *lo, double *hi)
{
    const char *colon = strchr(s, ':');
    if (!colon || strchr(colon + 1, ':'))
        return -1;
    char a[64], b[64];
    if ((size_t)(colon - s) >= sizeof a || strlen(colon + 1) >= sizeof b)
        return -1;
    snprintf(a, sizeof a, "%.*s", (int)(colon - s), s);
    snprintf(b, sizeof b, "%s", colon + 1);
    *lo = *hi = NAN;
    if (strcmp(a, "*") && (slt_parse_number(a, lo) || !isfinite(*lo)))
        return -1;
    if (strcmp(b, "*") && (slt_parse_number(b, hi) || !isfinite(*hi)))
        return -1;
    return !isnan(*lo) && !isnan(*hi) && !(*lo < *hi) ? -1 : 0;
}

int slt_plot_parse_size(const char *s, int *w, int *h)
{
    char tail;
    if (sscanf(s, "%d,%d%c", w, h, &tail) != 2 || *w < 200 || *w > 6000 || *h < 150 || *h > 6000)
        return -1;
    return strspn(s, "0123456789,") == strlen(s) ? 0 : -1;
}

static int printable(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

static int check_form(const opt_def *d, const char *v, char *err)
{
    double a, b;
    int w, h, ok = 1;
    const char *want = "";
    switch (d->form) {
    case OPT_NAME:
        ok = slt_plot_is_name(v);
        want = "a column name (letters, digits, _)";
        break;
    case OPT_NAMES: {
        char buf[SLT_PLOT_TEXTLEN + 1];
        size_t n = strlen(v), k = 0;
        ok = n > 0 && n <= SLT_PLOT_TEXTLEN;
        snprintf(buf, sizeof buf, "%s", v);
        for (char *s = buf, *c; ok && s; s = c ? c + 1 : NULL, k++) {
            if ((c = strchr(s, ',')))
                *c = 0;
            ok = slt_plot_is_name(s) && k < SLT_PLOT_MAXQ;
        }
        want = "a comma list of up to 16 column names";
        break;
    }
    case OPT_TEXT:
        ok = strlen(v) <= SLT_PLOT_TEXTLEN && printable(v);
        want = "text of at most 200 bytes without control characters";
        break;
    case OPT_RANGE:
        ok = slt_plot_parse_range(v, &a, &b) == 0;
        want = "LO:HI with numbers or * (LO < HI), e.g. 0:2 or *:10";
        break;
    case OPT_NUMBER:
        ok = slt_parse_number(v, &a) == 0 && isfinite(a);
        want = "a finite number";
        break;
    case OPT_SIZE:
        ok = slt_plot_parse_size(v, &w, &h) == 0;
        want = "W,H in pixels, W from 200 to 6000 and H from 150 to 6000";
        break;
    case OPT_FLAG:
        ok = !strcmp(v, "0") || !strcmp(v, "1");
        want = "0 or 1";
        break;
    }
    if (!ok) {
        char shown[48];
        slt_plot_quote_token(v, shown, sizeof shown);
        snprintf(err, SLT_ERRLEN, "%s: expected %s, got %s", d->name, want, shown);
        return SLT_EUSAGE;
    }
    return SLT_OK;
}

int slt_plot_set(slt_plot_opts *po, const char *name, const char *value, char *err)
{
    const opt_def *d = find(name);
    if (!d)
        return -1;
    if (d->form != OPT_FLAG && !value) {
        snprintf(err, SLT_ERRLEN, "--%s needs a value", name);
        return SLT_EUSAGE;
    }
    if (value && check_form(d, value, err) != SLT_OK)
        return SLT_EUSAGE;
    if (d->form != OPT_FLAG && *(const char **)((char *)po + d->text_off)) {
        snprintf(err, SLT_ERRLEN, "--%s: given twice; give it once", name);
        return SLT_EUSAGE;
    }
    if (d->form == OPT_FLAG)
        *(int *)((char *)po + d->text_off) = !value || !strcmp(value, "1");
    else
        *(const char **)((char *)po + d->text_off) = value;
    return SLT_OK;
}

void slt_plot_quote_token(const char *s, char *out, size_t len)
{
    size_t o = 0, n = strlen(s);
    out[o++] = '\'';
    for (size_t i = 0; i < n && o + 6 < len; i++) {
        unsigned char c = (unsigned char)s[i];
        o += (c < 0x20 || c == 0x7f) ? (size_t)snprintf(out + o, len - o, "\\x%02x", c) : (out[o] = (char)c, 1);
    }
    if (o + 6 >= len && strlen(s) > 0)
        o += snprintf(out + o, len - o, "...");
    snprintf(out + o, len - o, "'");
}

/* Whether `name` is a column a run of e writes: a parameter, a theory column, NAME_sim and
 * NAME_se (NAME_med, NAME_q1, NAME_q3 for a quantity aggregated by quantiles) or trials. */
static int is_column(const slt_experiment *e, const char *name)
{
    if (slt_param_index(e, name) >= 0 || !strcmp(name, "trials") || slt_plot_is_quantity(e, name))
        return 1;
    for (const char *const *c = e->sim_cols; c && *c; c++) {
        size_t k = strlen(*c);
        if (!strncmp(name, *c, k) && (!strcmp(name + k, "_sim") || !strcmp(name + k, "_se") ||
                                      !strcmp(name + k, "_med") || !strcmp(name + k, "_q1") || !strcmp(name + k, "_q3")))
            return 1;
    }
    return 0;
}

int slt_plot_is_quantity(const slt_experiment *e, const char *name)
{
    for (const char *const *c = e->theory_cols; c && *c; c++)
        if (!strcmp(*c, name))
            return 1;
    for (const char *const *c = e->sim_cols; c && *c; c++)
        if (!strcmp(*c, name))
            return 1;
    return 0;
}

int slt_plot_auto_x(const slt_experiment *e, const size_t *nvals)
{
    int xi = -1;
    for (size_t i = 0; i < e->nparams; i++)
        if (e->params[i].type != SLT_WORD && nvals[i] > 1 && (xi < 0 || nvals[i] > nvals[xi]))
            xi = (int)i;
    return xi;
}

static int refuse(char *err, const char *opt, const char *name, const slt_experiment *e, const char *what)
{
    snprintf(err, SLT_ERRLEN, "--%s: '%s' is not %s of %s (see: sltsim describe %s)", opt, name, what, e->name,
             e->name);
    return SLT_EUSAGE;
}

static int check_param(const slt_experiment *e, const size_t *nvals, const char *opt, const char *name, char *err)
{
    int i = slt_param_index(e, name);
    if (i < 0)
        return refuse(err, opt, name, e, "a parameter");
    if (e->params[i].type == SLT_WORD && strcmp(opt, "panels")) {
        snprintf(err, SLT_ERRLEN, "--%s: %s takes words, not numbers; choose a numeric parameter", opt, name);
        return SLT_EUSAGE;
    }
    if (nvals[i] < 2 && strcmp(opt, "panels")) {
        snprintf(err, SLT_ERRLEN, "--%s: %s is not swept in this run (give it a list or a grid)", opt, name);
        return SLT_EUSAGE;
    }
    return SLT_OK;
}

int slt_plot_check_cols(const slt_experiment *e, const size_t *nvals, const slt_plot_opts *po, char *err)
{
    const char *cols[][2] = {{"hline", po->hline}, {"xmark", po->xmark}, {"y2", po->y2}};
    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++)
        if (cols[k][1] && !is_column(e, cols[k][1]))
            return refuse(err, cols[k][0], cols[k][1], e, "a column");
    if (po->panels && check_param(e, nvals, "panels", po->panels, err))
        return SLT_EUSAGE;
    if (po->heatmap) {
        if (!slt_plot_is_quantity(e, po->heatmap) && !is_column(e, po->heatmap))
            return refuse(err, "heatmap", po->heatmap, e, "a column");
        if (!po->x || !po->y) {
            snprintf(err, SLT_ERRLEN, "--heatmap needs --x and --y naming the two swept grid parameters");
            return SLT_EUSAGE;
        }
        if (check_param(e, nvals, "x", po->x, err) || check_param(e, nvals, "y", po->y, err))
            return SLT_EUSAGE;
        if (!strcmp(po->x, po->y)) {
            snprintf(err, SLT_ERRLEN, "--heatmap: --x and --y must be two different parameters");
            return SLT_EUSAGE;
        }
        return SLT_OK;
    }
    if (po->x && !is_column(e, po->x))
        return refuse(err, "x", po->x, e, "a column");
    if (po->x && slt_param_index(e, po->x) >= 0 && check_param(e, nvals, "x", po->x, err))
        return SLT_EUSAGE;
    if (!po->x && slt_plot_auto_x(e, nvals) < 0) {
        snprintf(err, SLT_ERRLEN, "nothing to draw: no numeric parameter is swept (give one a list a,b,c or a grid)");
        return SLT_EUSAGE;
    }
    if (po->x && po->panels && !strcmp(po->x, po->panels)) {
        snprintf(err, SLT_ERRLEN, "--panels: %s is already the x axis", po->panels);
        return SLT_EUSAGE;
    }
    char ylist[SLT_PLOT_TEXTLEN + 1];
    snprintf(ylist, sizeof ylist, "%s", po->y ? po->y : "");
    for (char *s = ylist, *c; *ylist && s; s = c ? c + 1 : NULL) {
        if ((c = strchr(s, ',')))
            *c = 0;
        if (!slt_plot_is_quantity(e, s) && !is_column(e, s))
            return refuse(err, "y", s, e, "a quantity");
    }
    return SLT_OK;
}

int slt_plot_check(const slt_grid *g, const slt_plot_opts *po, char *err)
{
    size_t nvals[SLT_MAX_PARAMS];
    for (size_t i = 0; i < g->e->nparams; i++)
        nvals[i] = g->vals[i].n;
    return slt_plot_check_cols(g->e, nvals, po, err);
}
