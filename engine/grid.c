/* grid.c: parsing of parameter values and the Cartesian product of swept parameters. */
#define _GNU_SOURCE
#include "grid.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int slt_parse_number(const char *s, double *v)
{
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (!c)
        return -1;
    char *end;
    while (*s == ' ')
        s++;
    if (*s == '\t' || *s == '\n' || *s == '\v' || *s == '\f' || *s == '\r') {
        freelocale(c); /* strtod would skip them: a line break would reach the provenance */
        return -1;
    }
    double x = strtod_l(s, &end, c);
    freelocale(c);
    if (end == s || *end != '\0')
        return -1;
    *v = x;
    return 0;
}

void slt_format_number(double v, char *buf, size_t len)
{
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = c ? uselocale(c) : (locale_t)0;
    if (v == 0)
        v = 0; /* no "-0" */
    snprintf(buf, len, "%.10g", v);
    if (c) {
        uselocale(old);
        freelocale(c);
    }
}

void slt_format_param(const slt_param *p, double v, char *buf, size_t len)
{
    if (p->type == SLT_WORD)
        snprintf(buf, len, "%s", p->words[(int)v]);
    else
        slt_format_number(v, buf, len);
}

static void describe_range(const slt_param *p, char *buf, size_t len)
{
    char lo[32], hi[32];
    const char *kind = p->type == SLT_INT ? "an integer" : "a number";
    slt_format_number(p->min, lo, sizeof lo);
    slt_format_number(p->max, hi, sizeof hi);
    int has_lo = isfinite(p->min), has_hi = isfinite(p->max);
    if (has_lo && has_hi)
        snprintf(buf, len, "%s in %s%s, %s%s", kind, p->min_open ? "(" : "[", lo, hi, p->max_open ? ")" : "]");
    else if (has_lo)
        snprintf(buf, len, "%s %s %s", kind, p->min_open ? ">" : ">=", lo);
    else if (has_hi)
        snprintf(buf, len, "%s %s %s", kind, p->max_open ? "<" : "<=", hi);
    else
        snprintf(buf, len, "%s", kind);
}

static int usage_err(char *err, const slt_param *p, const char *text, const char *what)
{
    char range[96];
    if (p->type == SLT_WORD) {
        size_t off = 0;
        range[0] = 0;
        for (const char *const *w = p->words; *w && off < sizeof range - 1; w++)
            off += snprintf(range + off, sizeof range - off, "%s%s", w == p->words ? "" : ", ", *w);
        snprintf(err, SLT_ERRLEN, "%s: %s '%s'; allowed: one of %s", p->name, what, text, range);
    } else {
        describe_range(p, range, sizeof range);
        snprintf(err, SLT_ERRLEN, "%s: %s '%s'; allowed: %s (or a list a,b,c or a grid start:stop:count[:log])",
                 p->name, what, text, range);
    }
    return SLT_EUSAGE;
}

static int in_range(const slt_param *p, double x)
{
    if (isnan(x))
        return 0;
    if (p->min_open ? !(x > p->min) : !(x >= p->min))
        return 0;
    if (p->max_open ? !(x < p->max) : !(x <= p->max))
        return 0;
    if (p->type == SLT_INT && (x != floor(x) || !isfinite(x)))
        return 0;
    return 1;
}

void slt_values_clear(slt_values *v)
{
    free(v->v);
    free(v->spec);
    memset(v, 0, sizeof *v);
}

static int parse_words(const slt_param *p, const char *text, slt_values *v, char *err)
{
    char *copy = strdup(text), *save = NULL;
    size_t cap = 1;
    for (const char *s = text; *s; s++)
        cap += *s == ',';
    v->v = malloc(cap * sizeof(double));
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int idx = -1;
        for (int i = 0; p->words[i]; i++)
            if (strcmp(p->words[i], tok) == 0)
                idx = i;
        if (idx < 0) {
            usage_err(err, p, tok, "unknown value");
            free(copy);
            return SLT_EUSAGE;
        }
        v->v[v->n++] = idx;
    }
    free(copy);
    if (v->n == 0)
        return usage_err(err, p, text, "empty value");
    return SLT_OK;
}

int slt_values_parse(const slt_param *p, const char *text, slt_values *v, char *err)
{
    memset(v, 0, sizeof *v);
    int rc;
    if (p->type == SLT_WORD)
        rc = parse_words(p, text, v, err);
    else if (strchr(text, ':')) {
        /* start:stop:count[:log] */
        char *copy = strdup(text), *save = NULL, *f[5];
        int nf = 0;
        for (char *tok = strtok_r(copy, ":", &save); tok && nf < 5; tok = strtok_r(NULL, ":", &save))
            f[nf++] = tok;
        double a, b, c;
        int islog = nf == 4 && strcmp(f[3], "log") == 0;
        rc = SLT_OK;
        if (!(nf == 3 || islog) || slt_parse_number(f[0], &a) || slt_parse_number(f[1], &b) ||
            slt_parse_number(f[2], &c))
            rc = usage_err(err, p, text, "malformed grid");
        else if (!(c >= 1 && c == floor(c) && c <= 1e7)) {
            snprintf(err, SLT_ERRLEN, "%s: grid count in '%s' must be an integer from 1 to 10000000", p->name, text);
            rc = SLT_EUSAGE;
        } else if (islog && !(a > 0 && b >= a)) {
            snprintf(err, SLT_ERRLEN, "%s: log grid '%s' needs 0 < start <= stop", p->name, text);
            rc = SLT_EUSAGE;
        } else if (!isfinite(a) || !isfinite(b))
            rc = usage_err(err, p, text, "non-finite grid end in");
        else {
            size_t n = (size_t)c;
            v->v = malloc(n * sizeof(double));
            v->n = n;
            v->log = islog;
            for (size_t i = 0; i < n; i++) {
                double s = n == 1 ? 0 : (double)i / (double)(n - 1);
                v->v[i] = islog ? exp(log(a) + s * (log(b) - log(a))) : a + s * (b - a);
            }
            if (n > 1) { /* exact ends, whatever the rounding in between */
                v->v[0] = a;
                v->v[n - 1] = b;
            }
            if (p->type == SLT_INT)
                for (size_t i = 0; i < n; i++)
                    v->v[i] = round(v->v[i]);
            if (!in_range(p, v->v[0]) || !in_range(p, v->v[n - 1])) /* the ends, as typed */
                rc = usage_err(err, p, in_range(p, v->v[0]) ? f[1] : f[0], "out-of-range value");
        }
        free(copy);
    } else {
        size_t cap = 1;
        for (const char *s = text; *s; s++)
            cap += *s == ',';
        v->v = malloc(cap * sizeof(double));
        rc = SLT_OK;
        const char *s = text;
        /* strtok would skip empty items ("1,,2"); walk by hand so they are errors */
        while (rc == SLT_OK) {
            const char *comma = strchr(s, ',');
            size_t len = comma ? (size_t)(comma - s) : strlen(s);
            char item[128];
            if (len == 0 || len >= sizeof item) {
                rc = usage_err(err, p, text, "malformed value");
                break;
            }
            memcpy(item, s, len);
            item[len] = 0;
            double x;
            if (slt_parse_number(item, &x))
                rc = usage_err(err, p, item, "not a number:");
            else if (!in_range(p, x))
                rc = usage_err(err, p, item, "out-of-range value");
            else
                v->v[v->n++] = x;
            if (!comma)
                break;
            s = comma + 1;
        }
    }
    if (rc == SLT_OK && p->type != SLT_WORD)
        for (size_t i = 0; i < v->n; i++)
            if (!in_range(p, v->v[i])) {
                rc = usage_err(err, p, text, "out-of-range value in");
                break;
            }
    if (rc != SLT_OK)
        slt_values_clear(v);
    else
        v->spec = strdup(text);
    return rc;
}

int slt_grid_build(const slt_experiment *e, int nassign, char *const *assign, slt_grid *g, char *err)
{
    memset(g, 0, sizeof *g);
    g->e = e;
    int norder = 0;
    for (int a = 0; a < nassign; a++) {
        const char *eq = strchr(assign[a], '=');
        char name[64];
        size_t len = eq ? (size_t)(eq - assign[a]) : 0;
        if (!eq || len == 0 || len >= sizeof name) {
            snprintf(err, SLT_ERRLEN, "expected NAME=VALUE, got '%s' (see: sltsim describe %s)", assign[a], e->name);
            slt_grid_free(g);
            return SLT_EUSAGE;
        }
        memcpy(name, assign[a], len);
        name[len] = 0;
        int i = slt_param_index(e, name);
        if (i < 0) {
            snprintf(err, SLT_ERRLEN, "unknown parameter '%s' for experiment %s (see: sltsim describe %s)", name,
                     e->name, e->name);
            slt_grid_free(g);
            return SLT_EUSAGE;
        }
        if (g->given[i]) {
            snprintf(err, SLT_ERRLEN, "%s: given twice", name);
            slt_grid_free(g);
            return SLT_EUSAGE;
        }
        if (slt_values_parse(&e->params[i], eq + 1, &g->vals[i], err) != SLT_OK) {
            slt_grid_free(g);
            return SLT_EUSAGE;
        }
        g->given[i] = 1;
        g->order[norder++] = i;
    }
    for (size_t i = 0; i < e->nparams; i++) {
        if (g->given[i])
            continue;
        if (slt_values_parse(&e->params[i], e->params[i].def, &g->vals[i], err) != SLT_OK) {
            slt_grid_free(g);
            return SLT_EFAIL; /* a bad default is a bug, not bad input */
        }
        g->order[norder++] = (int)i;
    }
    g->npoints = 1;
    for (size_t i = 0; i < e->nparams; i++) {
        g->npoints *= g->vals[i].n;
        if (g->npoints > 1000000) {
            snprintf(err, SLT_ERRLEN, "the grid has more than 1e6 points; sweep fewer values");
            slt_grid_free(g);
            return SLT_EUSAGE;
        }
    }
    return SLT_OK;
}

void slt_grid_free(slt_grid *g)
{
    for (int i = 0; i < SLT_MAX_PARAMS; i++)
        slt_values_clear(&g->vals[i]);
}

void slt_grid_point(const slt_grid *g, size_t k, double *par)
{
    /* mixed radix, the last parameter in `order` varying fastest */
    for (int j = (int)g->e->nparams - 1; j >= 0; j--) {
        const slt_values *v = &g->vals[g->order[j]];
        par[g->order[j]] = v->v[k % v->n];
        k /= v->n;
    }
}
