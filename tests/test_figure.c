/* test_figure.c: the figure model on synthetic tables of a test experiment (an exact curve with
 * an upper and a lower bound, a simulated quantity, a time axis, a word parameter): bound pair,
 * band, trajectory, heat map, two panels, second axis; the quoting of text for gnuplot; option
 * forms; and each figure rendered to PNG by gnuplot. TAP output. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plots/figure.h"
#include "tests/check.h"

static const char *const acts[] = {"relu", "tanh", NULL};
static const slt_param params[] = {
    {"x", SLT_REAL, "0", -10, 10, 0, 0, NULL, "input x; the first clause"},
    {"s", SLT_REAL, "1", 0, 10, 0, 0, NULL, "scale s"},
    {"t", SLT_REAL, "0", 0, 100, 0, 0, NULL, "time t"},
    {"act", SLT_WORD, "relu", 0, 0, 0, 0, acts, "activation"},
};
static const char *const theory_cols[] = {"exact", "upper", "lower", "a", "b", NULL};
static const char *const sim_cols[] = {"exact", NULL};
static const slt_column columns[] = {{"upper", SLT_COL_UPPER, "exact", "test bound"},
                                     {"lower", SLT_COL_LOWER, "exact", NULL},
                                     {NULL, 0, NULL, NULL}};

/* exact = s x^2 + t; the bounds sit 0.1 + |x| / 4 above and 0.2 below it at every point */
static int theory(const double *par, double *out, char *err)
{
    double x = par[0], s = par[1], t = par[2];
    out[0] = s * x * x + t;
    out[1] = out[0] + 0.1 + fabs(x) / 4;
    out[2] = out[0] - 0.2;
    out[3] = cos(t / 10) * s;
    out[4] = sin(t / 10) * s;
    (void)err;
    return SLT_OK;
}

static const slt_experiment synth = {
    .name = "synth", .summary = "a synthetic experiment for figure tests", .nparams = 4, .params = params,
    .theory_cols = theory_cols, .sim_cols = sim_cols, .theory = theory, .columns = columns,
    .plot = {.y = "exact,upper,lower"},
};

static char dir[] = "/tmp/sltsim-figtest-XXXXXX";

/* A table of synth over x (xn values in [-1, 1]) x s x t, rows in the order given by `rev`
 * (reversed when 1, to check that curves are ordered by their axis, not by row). */
static void write_table(const char *path, const char *sweep, int xn, int sn, int tn, int rev)
{
    FILE *f = fopen(path, "w");
    fprintf(f, "# sltsim 0.1.0, experiment synth\n# sweep: %s\n", sweep);
    fprintf(f, "x,s,t,act,exact,upper,lower,a,b,exact_sim,exact_se,trials\n");
    int n = xn * sn * tn;
    for (int k = 0; k < n; k++) {
        int m = rev ? n - 1 - k : k;
        int i = m / (sn * tn), j = m / tn % sn, l = m % tn;
        double par[4] = {xn > 1 ? -1 + 2.0 * i / (xn - 1) : 0.5, 1 + j, tn > 1 ? 100.0 * l / (tn - 1) : 0, 0}, o[5];
        theory(par, o, NULL);
        fprintf(f, "%.10g,%.10g,%.10g,relu,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,0.01,25\n", par[0], par[1], par[2],
                o[0], o[1], o[2], o[3], o[4], o[0] + 0.005);
    }
    fclose(f);
}

static int build(const char *path, const slt_plot_opts *po, slt_figure *f, slt_table *t, char *err)
{
    int rc = slt_table_read(path, t, err);
    return rc == SLT_OK ? slt_figure_build(t, &synth, po, f, err) : rc;
}

static size_t count_kind(const slt_panel *p, slt_layer_kind k)
{
    size_t n = 0;
    for (size_t i = 0; i < p->nlayers; i++)
        n += p->layers[i].kind == k && p->layers[i].n > 0;
    return n;
}

static const slt_layer *find_layer(const slt_panel *p, slt_layer_kind k, int nth)
{
    for (size_t i = 0; i < p->nlayers; i++)
        if (p->layers[i].kind == k && p->layers[i].n > 0 && nth-- == 0)
            return &p->layers[i];
    return NULL;
}

/* Render f to dir/name.png and check gnuplot made a PNG. */
static void render(const slt_figure *f, const char *name)
{
    char path[256], err[SLT_ERRLEN] = "";
    unsigned char magic[8] = {0};
    snprintf(path, sizeof path, "%s/%s.png", dir, name);
    int rc = slt_gnuplot_render(f, path, 0, err);
    FILE *p = fopen(path, "rb");
    size_t n = p ? fread(magic, 1, 8, p) : 0;
    if (p)
        fclose(p);
    struct stat sb;
    check_ok(rc == SLT_OK && n == 8 && !memcmp(magic, "\x89PNG\r\n\x1a\n", 8) && stat(path, &sb) == 0 &&
                 sb.st_size > 5000,
             "%s: gnuplot rendered a PNG (%s)", name, err);
}

static void test_bounds(void)
{
    char path[256], err[SLT_ERRLEN] = "";
    snprintf(path, sizeof path, "%s/bounds.csv", dir);
    write_table(path, "x=-1:1:21", 21, 1, 1, 1);
    slt_plot_opts po = {0};
    slt_figure f;
    slt_table t;
    check_ok(build(path, &po, &f, &t, err) == SLT_OK, "bound pair: model built (%s)", err);
    const slt_panel *p = &f.panels[0];
    const slt_layer *ex = find_layer(p, SLT_LAYER_LINE, 0), *up = find_layer(p, SLT_LAYER_BOUND, 0),
                    *lo = find_layer(p, SLT_LAYER_BOUND, 1);
    check_ok(count_kind(p, SLT_LAYER_LINE) == 1 && ex && up && lo, "bound pair: one exact line and two bounds");
    check_ok(up && lo && up->upper && !lo->upper && !strcmp(up->bounds, "exact"), "bound pair: sides and target");
    check_ok(up && strstr(up->label, "test bound (upper bound)") && lo && strstr(lo->label, "lower (lower bound)"),
             "bound pair: labelled as bounds ('%s', '%s')", up ? up->label : "", lo ? lo->label : "");
    for (size_t i = 0; i < p->nlayers; i++) /* the model never draws a bound column as a theory line */
        if (p->layers[i].kind == SLT_LAYER_LINE && (strstr(p->layers[i].label, "upper") || strstr(p->layers[i].label, "lower")))
            check_ok(0, "a bound drawn as a line: %s", p->layers[i].label);
    int side = ex && up && lo && ex->n == up->n && ex->n == lo->n && ex->n > 100;
    for (size_t k = 0; side && k < ex->n; k++)
        side = up->y[k] >= ex->y[k] && lo->y[k] <= ex->y[k] && up->x[k] == ex->x[k];
    check_ok(side, "bound pair: on the fine theory grid the upper bound is above and the lower below the exact curve");
    check_ok(count_kind(p, SLT_LAYER_POINTS) == 1, "bound pair: simulation points");
    render(&f, "bounds");
    slt_figure_free(&f);
    slt_table_free(&t);
}

static void test_band(void)
{
    char path[256], err[SLT_ERRLEN] = "";
    snprintf(path, sizeof path, "%s/band.csv", dir);
    write_table(path, "x=-1:1:11 s=1,2", 11, 2, 1, 0);
    slt_plot_opts po = {.y = "exact", .band = 1};
    slt_figure f;
    slt_table t;
    check_ok(build(path, &po, &f, &t, err) == SLT_OK, "band: model built (%s)", err);
    const slt_panel *p = &f.panels[0];
    const slt_layer *b = find_layer(p, SLT_LAYER_BAND, 0);
    check_ok(count_kind(p, SLT_LAYER_BAND) == 2 && count_kind(p, SLT_LAYER_POINTS) == 0, "band: one band per curve");
    /* +- one SD over trials: SE 0.01 x sqrt(25 trials) = 0.05 on each side */
    check_ok(b && b->n == 11 && fabs(b->hi[3] - b->y[3] - 0.05) < 1e-12 && fabs(b->y[3] - b->lo[3] - 0.05) < 1e-12,
             "band: mean +- SE sqrt(trials)");
    render(&f, "band");
    slt_figure_free(&f);
    slt_table_free(&t);
}

static void test_trajectory(void)
{
    char path[256], err[SLT_ERRLEN] = "";
    snprintf(path, sizeof path, "%s/traj.csv", dir);
    write_table(path, "s=1,2,3 t=0:100:41", 1, 3, 41, 1);
    slt_plot_opts po = {.x = "a", .y = "b"};
    slt_figure f;
    slt_table t;
    check_ok(build(path, &po, &f, &t, err) == SLT_OK, "trajectory: model built (%s)", err);
    const slt_panel *p = &f.panels[0];
    const slt_layer *l = find_layer(p, SLT_LAYER_TRAJECTORY, 0);
    check_ok(count_kind(p, SLT_LAYER_TRAJECTORY) == 3, "trajectory: one curve per s");
    int ordered = l && l->n == 41;
    for (size_t k = 0; ordered && k < l->n; k++) /* rows were written with t decreasing */
        ordered = fabs(l->x[k] - cos(2.5 * k / 10) * 3) < 1e-9 && fabs(l->y[k] - sin(2.5 * k / 10) * 3) < 1e-9;
    check_ok(ordered, "trajectory: points in the order of the time axis");
    check_ok(l && !strcmp(l->label, "s=3") && !strcmp(p->xlabel, "a"), "trajectory: labels ('%s')", l ? l->label : "");
    render(&f, "trajectory");
    slt_figure_free(&f);
    slt_table_free(&t);
}

static void test_heatmap(void)
{
    char path[256], err[SLT_ERRLEN] = "";
    snprintf(path, sizeof path, "%s/heat.csv", dir);
    write_table(path, "x=-1:1:21 t=0:100:11", 21, 1, 11, 1);
    slt_plot_opts po = {.heatmap = "lower", .x = "x", .y = "t", .contour = "0"};
    slt_figure f;
    slt_table t;
    check_ok(build(path, &po, &f, &t, err) == SLT_OK, "heat map: model built (%s)", err);
    const slt_layer *h = find_layer(&f.panels[0], SLT_LAYER_HEATMAP, 0);
    check_ok(h && h->nx == 21 && h->ny == 11 && h->contour && h->level == 0, "heat map: 21 x 11 grid, contour at 0");
    /* z at (x, t) is x^2 + t - 0.2, in the grid's x-fastest order */
    check_ok(h && fabs(h->z[3 + 21 * 2] - (h->x[3] * h->x[3] + 20 - 0.2)) < 1e-9 && h->x[3] == h->x[3 + 21 * 2] &&
                 h->y[3 + 21 * 2] == 20,
             "heat map: values at their grid points");
    render(&f, "heatmap");
    slt_figure_free(&f);
    slt_table_free(&t);
}

static void test_panels(void)
{
    char path[256], err[SLT_ERRLEN] = "";
    snprintf(path, sizeof path, "%s/panels.csv", dir);
    write_table(path, "s=1,2 x=-1:1:11", 11, 2, 1, 0);
    slt_plot_opts po = {.panels = "s", .y = "exact,upper", .y2 = "b", .size = "1200,500"};
    slt_figure f;
    slt_table t;
    check_ok(build(path, &po, &f, &t, err) == SLT_OK, "panels: model built (%s)", err);
    check_ok(f.npanels == 2 && !strcmp(f.panels[0].title, "s=1") && !strcmp(f.panels[1].title, "s=2"),
             "panels: one per value of s");
    check_ok(f.panels[0].key && !f.panels[1].key, "panels: one shared legend");
    int y2 = 0;
    for (size_t i = 0; i < f.panels[1].nlayers; i++)
        y2 += f.panels[1].layers[i].axis2;
    check_ok(y2 == 1 && !strcmp(f.panels[1].y2label, "b") && f.width == 1200 && f.height == 500,
             "panels: second axis and size");
    render(&f, "panels");
    slt_figure_free(&f);
    slt_table_free(&t);
}

/* A quantity aggregated by its median and quartiles (columns NAME_med, NAME_q1, NAME_q3). */
static void test_quartiles(void)
{
    char path[256], err[SLT_ERRLEN] = "";
    snprintf(path, sizeof path, "%s/quart.csv", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "# sltsim 0.1.0, experiment synth\n# sweep: x=0:1:6\nx,exact,exact_med,exact_q1,exact_q3,trials\n");
    for (int i = 0; i < 6; i++)
        fprintf(f, "%g,%g,%g,%g,%g,9\n", 0.2 * i, 0.04 * i * i, 0.04 * i * i + 0.01, 0.04 * i * i - 0.05,
                0.04 * i * i + 0.08);
    fclose(f);
    slt_plot_opts po = {.y = "exact"};
    slt_figure fig;
    slt_table t;
    check_ok(build(path, &po, &fig, &t, err) == SLT_OK, "quartiles: model built (%s)", err);
    const slt_layer *l = find_layer(&fig.panels[0], SLT_LAYER_POINTS, 0);
    check_ok(l && l->quartiles && l->n == 6 && fabs(l->y[2] - 0.17) < 1e-12 && fabs(l->lo[2] - 0.11) < 1e-12 &&
                 fabs(l->hi[2] - 0.24) < 1e-12,
             "quartiles: the median with bars from q1 to q3");
    render(&fig, "quartiles");
    slt_figure_free(&fig);
    slt_table_free(&t);
}

static void test_refusals(void)
{
    char path[256], err[SLT_ERRLEN] = "";
    snprintf(path, sizeof path, "%s/words.csv", dir);
    write_table(path, "x=-1:1:5", 5, 1, 1, 0);
    slt_plot_opts po = {0};
    size_t nvals[4] = {1, 3, 1, 2}; /* only s and the word parameter act are swept */
    check_ok(slt_plot_auto_x(&synth, nvals) == 1, "the automatic x axis never picks a word parameter");
    nvals[1] = 1;
    check_ok(slt_plot_auto_x(&synth, nvals) == -1, "no numeric parameter swept: no automatic x");
    const char *bad[][2] = {{"yrange", "0:1]; system(\"touch pw\"); #"}, {"yrange", "abc"}, {"yrange", "2:1"},
                            {"size", "10,10"},  {"size", "800x600"},  {"x", "a b"},  {"y", "exact,`id`"},
                            {"title", "two\nlines"}, {"contour", "nan"}, {"logy", "abc"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        check_ok(slt_plot_set(&po, bad[i][0], bad[i][1], err) == SLT_EUSAGE && !strchr(err, '\n'),
                 "option %s refuses a bad value in one line (%s)", bad[i][0], err);
    check_ok(slt_plot_set(&po, "yrange", "*:2.5", err) == SLT_OK && slt_plot_set(&po, "nosuch", "1", err) == -1,
             "good yrange accepted; unknown option reported as such");
    po = (slt_plot_opts){.x = "nosuch"};
    slt_figure f;
    slt_table t;
    check_ok(build(path, &po, &f, &t, err) == SLT_EUSAGE, "--x naming no column is refused (%s)", err);
    slt_table_free(&t);
}

static void test_quote(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    slt_gnuplot_quote(m, "a'b`touch pw`@x\nc\x01\"d\\");
    fclose(m);
    check_ok(!strcmp(buf, "'a''b`touch pw`@x'.\"\\n\".'c\"d\\'"), "quote: single quotes, '' , line break joined: %s",
             buf);
    free(buf);
}

/* The x11 terminal draws with Latin-1 core fonts: its script says so and spells its text in
 * Latin-1 ("±" one byte, Greek letters by name); other terminals keep UTF-8. */
static void test_latin1(void)
{
    char path[256], err[SLT_ERRLEN] = "";
    snprintf(path, sizeof path, "%s/latin1.csv", dir);
    write_table(path, "x=-1:1:5", 5, 1, 1, 1);
    slt_plot_opts po = {0};
    /* with a quote, a backquote and a cut sequence (\xce then ') next to the non-ASCII text */
    po.title = "mean \xc2\xb1 SE at \xce\xbb \xe2\x89\xa5 1 \xe2\x88\x9e `x` \xce'b";
    slt_figure f;
    slt_table t;
    if (build(path, &po, &f, &t, err) != SLT_OK) {
        check_ok(0, "latin1: model built (%s)", err);
        return;
    }
    for (int x11 = 0; x11 < 2; x11++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        slt_gnuplot_script(m, &f, x11 ? "x11" : "png");
        fclose(m);
        if (x11)
            check_ok(strstr(buf, "set encoding iso_8859_1") && strstr(buf, "mean \xb1 SE at lambda >= 1 ? `x` ?''b' noenhanced"),
                     "x11 script: Latin-1 text, Greek spelled out, the rest '?', quotes still doubled");
        else
            check_ok(strstr(buf, "set encoding utf8") && strstr(buf, "mean \xc2\xb1 SE at \xce\xbb \xe2\x89\xa5 1 \xe2\x88\x9e `x` \xce''b'"), "png script: the title in UTF-8");
        if (getenv("SLTSIM_DUMP_SCRIPT"))
            fputs(buf, stderr);
        free(buf);
    }
    slt_figure_free(&f);
    slt_table_free(&t);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    test_quote();
    test_latin1();
    test_refusals();
    test_bounds();
    test_band();
    test_trajectory();
    test_heatmap();
    test_panels();
    test_quartiles();
    if (getenv("SLTSIM_KEEP_FIGURES"))
        printf("# figures kept in %s\n", dir);
    else {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            printf("# could not remove %s\n", dir);
    }
    return check_done();
}
