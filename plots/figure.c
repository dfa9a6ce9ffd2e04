/* figure.c: allocation of the figure model (panels, layers and their arrays). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plots/figure.h"

slt_panel *slt_figure_add_panel(slt_figure *f)
{
    slt_panel *p = realloc(f->panels, (f->npanels + 1) * sizeof *p);
    if (!p)
        return NULL;
    f->panels = p;
    p = &f->panels[f->npanels++];
    memset(p, 0, sizeof *p);
    p->ymin = p->ymax = NAN;
    return p;
}

static void layer_free(slt_layer *l)
{
    free(l->x);
    free(l->y);
    free(l->err);
    free(l->lo);
    free(l->hi);
    free(l->z);
}

/* Every array a kind uses has n entries. */
slt_layer *slt_panel_add_layer(slt_panel *p, slt_layer_kind kind, size_t n)
{
    if (p->nlayers == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 8;
        slt_layer *l = realloc(p->layers, cap * sizeof *l);
        if (!l)
            return NULL;
        p->layers = l;
        p->cap = cap;
    }
    slt_layer *l = &p->layers[p->nlayers];
    memset(l, 0, sizeof *l);
    l->kind = kind;
    l->dash = 1;
    l->n = n;
    size_t m = n ? n : 1;
    l->x = malloc(m * sizeof(double));
    l->y = malloc(m * sizeof(double));
    if (kind == SLT_LAYER_POINTS)
        l->err = malloc(m * sizeof(double));
    if (kind == SLT_LAYER_BAND) {
        l->lo = malloc(m * sizeof(double));
        l->hi = malloc(m * sizeof(double));
    }
    if (kind == SLT_LAYER_HEATMAP)
        l->z = malloc(m * sizeof(double));
    if (!l->x || !l->y || (kind == SLT_LAYER_POINTS && !l->err) || (kind == SLT_LAYER_BAND && (!l->lo || !l->hi)) ||
        (kind == SLT_LAYER_HEATMAP && !l->z)) {
        layer_free(l);
        return NULL;
    }
    p->nlayers++;
    return l;
}

void slt_figure_free(slt_figure *f)
{
    for (size_t i = 0; i < f->npanels; i++) {
        for (size_t k = 0; k < f->panels[i].nlayers; k++)
            layer_free(&f->panels[i].layers[k]);
        free(f->panels[i].layers);
    }
    free(f->panels);
    memset(f, 0, sizeof *f);
}
