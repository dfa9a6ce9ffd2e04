/* gnuplot.c: the one writer from the figure model to a gnuplot script, and running gnuplot.
 * Safety: every text goes through slt_gnuplot_quote (single quotes: gnuplot expands neither
 * backquotes nor @macros there); every number is printed by put_num; gnuplot is never given a
 * file name: it writes the image to its standard output, which is a temporary file sltsim
 * created beside the target and renames into place only when gnuplot succeeded. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "engine/grid.h"
#include "plots/figure.h"

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
                                      "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"};
static const int ptypes[] = {7, 5, 9, 11, 13, 15};

/* The x11 terminal draws with the X server's core fonts, which are Latin-1 (a UTF-8 "±" showed
 * as "Â±"): its scripts say so and their text is written in Latin-1, set per script. */
static int latin1_text;

/* The UTF-8 sequence at s as one Latin-1 byte ('?' beyond U+00FF or when malformed); *len its length. */
static unsigned char to_latin1(const unsigned char *s, size_t *len)
{
    size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;
    *len = 1;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return '?';
    *len = n;
    return n == 2 && s[0] <= 0xc3 ? (unsigned char)(((s[0] & 0x03) << 6) | (s[1] & 0x3f)) : '?';
}

/* Common symbols beyond Latin-1, spelled out for the x11 terminal. */
static const char *const spelled[][2] = {
    {"α", "alpha"}, {"β", "beta"}, {"γ", "gamma"}, {"δ", "delta"}, {"ε", "epsilon"}, {"η", "eta"},
    {"θ", "theta"}, {"κ", "kappa"}, {"λ", "lambda"}, {"μ", "mu"},  {"ν", "nu"},       {"π", "pi"},
    {"ρ", "rho"},   {"σ", "sigma"}, {"τ", "tau"},   {"φ", "phi"},   {"χ", "chi"},     {"ψ", "psi"},
    {"ω", "omega"}, {"Δ", "Delta"}, {"Σ", "Sigma"}, {"≥", ">="},    {"≤", "<="},      {"−", "-"},
    {"→", "->"},    {"…", "..."},   {"≈", "~"}};

/* Writes the non-ASCII character at s for the x11 terminal; returns its length in bytes. */
static size_t put_latin1(FILE *gp, const char *s)
{
    for (size_t i = 0; i < sizeof spelled / sizeof spelled[0]; i++)
        if (!strncmp(s, spelled[i][0], strlen(spelled[i][0]))) {
            fputs(spelled[i][1], gp);
            return strlen(spelled[i][0]);
        }
    size_t len;
    unsigned char l = to_latin1((const unsigned char *)s, &len);
    fputc(l >= 0xa0 ? l : '?', gp);
    return len;
}

void slt_gnuplot_quote(FILE *gp, const char *s)
{
    fputc('\'', gp);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x80 && latin1_text)
            s += put_latin1(gp, s) - 1;
        else if (c == '\n')
            fputs("'.\"\\n\".'", gp);
        else if (c == '\'')
            fputs("''", gp);
        else if (c >= 0x20 && c != 0x7f)
            fputc(c, gp);
    }
    fputc('\'', gp);
}

/* A number in the C locale; NaN (gnuplot's gap) for anything not finite. */
static void put_num(FILE *gp, double v)
{
    char num[40];
    if (!isfinite(v))
        snprintf(num, sizeof num, "NaN");
    else
        slt_format_number(v, num, sizeof num);
    fputs(num, gp);
}

static const char *color(const slt_layer *l)
{
    return l->color < 0 ? "#555555" : palette[l->color % 10];
}

/* The columns of a layer's data: x y (lines), x y err or x y lo hi (points), x lo hi y (band),
 * x y z in scan lines (heat map). */
static void datablock(FILE *gp, size_t pi, size_t li, const slt_layer *l)
{
    fprintf(gp, "$p%zul%zu << EOD\n", pi, li);
    for (size_t k = 0; k < l->n; k++) {
        double row[4] = {l->x[k], l->y[k], NAN, NAN};
        int m = 2;
        if (l->kind == SLT_LAYER_BAND)
            row[1] = l->lo[k], row[2] = l->hi[k], row[3] = l->y[k], m = 4;
        else if (l->kind == SLT_LAYER_POINTS && l->quartiles)
            row[2] = l->lo[k], row[3] = l->hi[k], m = 4;
        else if (l->kind == SLT_LAYER_POINTS)
            row[2] = l->err[k], m = 3;
        else if (l->kind == SLT_LAYER_HEATMAP) {
            row[2] = l->z[k], m = 3;
            if (k && k % l->nx == 0)
                fputc('\n', gp);
        }
        for (int j = 0; j < m; j++) {
            if (j)
                fputc(' ', gp);
            put_num(gp, row[j]);
        }
        fputc('\n', gp);
    }
    fprintf(gp, "EOD\n");
}

static void title_of(FILE *gp, const slt_layer *l)
{
    if (l->label[0]) {
        fputs(" title ", gp);
        slt_gnuplot_quote(gp, l->label);
    } else
        fputs(" notitle", gp);
}

/* The key entry of a layer drawn as reference marks (arrows), or of a key-only layer. */
static void keyentry(FILE *gp, const slt_layer *l)
{
    fputs("keyentry with ", gp);
    if (l->kind == SLT_LAYER_POINTS)
        fprintf(gp, "yerrorbars pt 7 ps 0.7 lc rgb 'black'");
    else
        fprintf(gp, "lines dt %d lw 1.5 lc rgb '%s'", l->dash, color(l));
    title_of(gp, l);
}

/* One layer's clauses of the plot command; 0 if it draws nothing there (arrows, empty). */
static int plot_layer(FILE *gp, size_t pi, size_t li, const slt_layer *l, int sep)
{
    if (l->kind == SLT_LAYER_HLINE || l->kind == SLT_LAYER_XMARK) {
        if (!l->label[0])
            return 0;
        fputs(sep ? ", " : "", gp);
        keyentry(gp, l);
        return 1;
    }
    if (l->n == 0 && !l->label[0])
        return 0;
    fputs(sep ? ", " : "", gp);
    if (l->n == 0) {
        keyentry(gp, l);
        return 1;
    }
    const char *axes = l->axis2 ? " axes x1y2" : "";
    const char *c = color(l);
    switch (l->kind) {
    case SLT_LAYER_POINTS:
        fprintf(gp, "$p%zul%zu using 1:2:3%s%s with yerrorbars pt %d ps 0.7 lc rgb '%s'", pi, li,
                l->quartiles ? ":4" : "", axes, ptypes[l->point % 6], c);
        break;
    case SLT_LAYER_BAND:
        fprintf(gp, "$p%zul%zu using 1:2:3%s with filledcurves fs transparent solid 0.22 noborder lc rgb '%s' notitle, ",
                pi, li, axes, c);
        fprintf(gp, "$p%zul%zu using 1:4%s with lines lw 1.5 dt %d lc rgb '%s'", pi, li, axes, l->dash, c);
        break;
    case SLT_LAYER_TRAJECTORY:
        fprintf(gp, "$p%zul%zu every ::%zu::%zu using 1:2%s with points pt 7 ps 1 lc rgb '%s' notitle, ", pi, li,
                l->n - 1, l->n - 1, axes, c);
        fprintf(gp, "$p%zul%zu using 1:2%s with lines lw 2 dt %d lc rgb '%s'", pi, li, axes, l->dash, c);
        break;
    case SLT_LAYER_BOUND:
        fprintf(gp, "$p%zul%zu using 1:2%s with lines lw 2 dt %d lc rgb '%s'", pi, li, axes, l->upper ? 2 : 4, c);
        break;
    default:
        fprintf(gp, "$p%zul%zu using 1:2%s with lines lw 2 dt %d lc rgb '%s'", pi, li, axes, l->dash, c);
    }
    title_of(gp, l);
    return 1;
}

static void arrows(FILE *gp, const slt_panel *p)
{
    fputs("unset arrow\n", gp);
    for (size_t li = 0; li < p->nlayers; li++) {
        const slt_layer *l = &p->layers[li];
        for (size_t k = 0; k < l->n && (l->kind == SLT_LAYER_HLINE || l->kind == SLT_LAYER_XMARK); k++) {
            if (l->kind == SLT_LAYER_HLINE) {
                fputs("set arrow from graph 0, first ", gp);
                put_num(gp, l->y[k]);
                fputs(" to graph 1, first ", gp);
                put_num(gp, l->y[k]);
            } else {
                fputs("set arrow from first ", gp);
                put_num(gp, l->x[k]);
                fputs(", graph 0 to first ", gp);
                put_num(gp, l->x[k]);
                fputs(", graph 1", gp);
            }
            fprintf(gp, " nohead dt %d lw 1.3 lc rgb '%s' back\n", l->dash, color(l));
        }
    }
}

static void axis_text(FILE *gp, const char *what, const char *text)
{
    fprintf(gp, "set %s ", what);
    slt_gnuplot_quote(gp, text);
    fputs(" noenhanced\n", gp);
}

static void panel_axes(FILE *gp, const slt_panel *p, int dumb)
{
    axis_text(gp, "xlabel", p->xlabel);
    axis_text(gp, "ylabel", p->ylabel);
    fputs(p->logx ? (dumb ? "set logscale x\n" : "set logscale x\nset format x '10^{%L}'\n") : "unset logscale x\nset format x '% h'\n", gp);
    fputs(p->logy ? (dumb ? "set logscale y\n" : "set logscale y\nset format y '10^{%L}'\n") : "unset logscale y\nset format y '% h'\n", gp);
    fputs("set yrange [", gp);
    isnan(p->ymin) ? fputc('*', gp) : put_num(gp, p->ymin);
    fputc(':', gp);
    isnan(p->ymax) ? fputc('*', gp) : put_num(gp, p->ymax);
    fputs("]\n", gp);
    int y2 = 0;
    for (size_t li = 0; li < p->nlayers; li++)
        y2 |= p->layers[li].axis2;
    if (y2) {
        fputs("set y2tics\nset ytics nomirror\n", gp);
        axis_text(gp, "y2label", p->y2label);
    } else
        fputs("unset y2tics\nset ytics nomirror\nunset y2label\n", gp);
}

static const slt_layer *heatmap_of(const slt_panel *p)
{
    for (size_t li = 0; li < p->nlayers; li++)
        if (p->layers[li].kind == SLT_LAYER_HEATMAP)
            return &p->layers[li];
    return NULL;
}

/* A heat map: pm3d seen from above, the contour at the chosen level drawn on it in black. */
static void splot_heatmap(FILE *gp, size_t pi, const slt_panel *p, const slt_layer *h, int dumb)
{
    size_t li = (size_t)(h - p->layers);
    fputs("set view map\nset pm3d map corners2color c1\nset palette defined (0 '#3b4cc0', 1 '#f7f7f7', 2 '#b40426')\n"
          "set colorbox\nunset key\nset autoscale xfix\nset autoscale yfix\n", gp);
    axis_text(gp, "cblabel", p->y2label);
    fputs("set cbrange [", gp);
    put_num(gp, h->level - h->zspan);
    fputc(':', gp);
    put_num(gp, h->level + h->zspan);
    fputs("]\n", gp);
    if (h->contour) {
        fputs("set contour base\nset cntrparam levels discrete ", gp);
        put_num(gp, h->level);
        fputs("\nset cntrlabel onecolor\n", gp);
    } else
        fputs("unset contour\n", gp);
    fprintf(gp, "splot $p%zul%zu using 1:2:3 with pm3d notitle", pi, li);
    if (h->contour && !dumb)
        fprintf(gp, ", $p%zul%zu using 1:2:3 nosurface with lines lw 2.5 lc rgb 'black' notitle", pi, li);
    fputs("\nunset view\nunset pm3d\nunset contour\nunset colorbox\nset autoscale\nset cbrange [*:*]\n", gp);
}

static int panel_has_data(const slt_panel *p)
{
    for (size_t li = 0; li < p->nlayers; li++)
        for (size_t k = 0; k < p->layers[li].n; k++)
            if (p->layers[li].kind != SLT_LAYER_HLINE && p->layers[li].kind != SLT_LAYER_XMARK &&
                isfinite(p->layers[li].y[k]) && isfinite(p->layers[li].x[k]))
                return 1;
    return 0;
}

static void plot_panel(FILE *gp, size_t pi, const slt_panel *p, const char *key, int dumb)
{
    fputs("unset label 1\nset autoscale x\n", gp);
    if (p->key && dumb)
        fputs("set key inside right top nobox noenhanced\n", gp);
    else if (p->key) {
        fprintf(gp, "set key inside %s box opaque noenhanced font ',10'\n", key);
    } else
        fputs("unset key\n", gp);
    panel_axes(gp, p, dumb);
    arrows(gp, p);
    const slt_layer *h = heatmap_of(p);
    if (h) {
        splot_heatmap(gp, pi, p, h, dumb);
        return;
    }
    if (!panel_has_data(p)) { /* gnuplot refuses to autoscale nothing: a fixed empty frame */
        fputs("unset logscale\nset xrange [0:1]\nset yrange [0:1]\nunset key\n"
              "set label 1 'nothing to draw: no value in this panel' at graph 0.5, 0.5 center\n", gp);
    }
    fputs("plot ", gp);
    int n = 0;
    for (size_t li = 0; li < p->nlayers; li++)
        n += plot_layer(gp, pi, li, &p->layers[li], n > 0);
    if (!n) /* nothing at all to draw (a simulation-only quantity run with --trials 0): say so */
        fputs("NaN notitle", gp);
    fputc('\n', gp);
}

static void terminal(FILE *gp, const slt_figure *f, const char *term)
{
    if (!strcmp(term, "dumb"))
        fprintf(gp, "set terminal dumb size %d,%d mono\n", f->npanels > 1 ? 160 : 100, f->npanels > 1 ? 40 : 32);
    else if (!strcmp(term, "x11"))
        fprintf(gp, "set terminal x11 persist noraise size %d,%d enhanced title 'sltsim live'\n", f->width, f->height);
    else if (!strcmp(term, "svg"))
        fprintf(gp, "set terminal svg size %d,%d dynamic enhanced font 'DejaVu Sans,11'\n", f->width, f->height);
    else if (!strcmp(term, "pdf"))
        fprintf(gp, "set terminal pdfcairo size %.2fin,%.2fin enhanced font 'DejaVu Sans,10'\n", f->width / 110.0,
                f->height / 110.0);
    else
        fprintf(gp, "set terminal pngcairo size %d,%d enhanced font 'DejaVu Sans,11'\n", f->width, f->height);
}

void slt_gnuplot_script(FILE *gp, const slt_figure *f, const char *term)
{
    int dumb = !strcmp(term, "dumb");
    latin1_text = !strcmp(term, "x11");
    terminal(gp, f, term);
    fputs(latin1_text ? "set encoding iso_8859_1\n" : "set encoding utf8\n", gp);
    fputs("set border 3\nset tics nomirror\nset style data lines\n", gp);
    fputs(dumb ? "unset grid\n" : "set grid lc rgb '#dddddd'\n", gp);
    for (size_t pi = 0; pi < f->npanels; pi++)
        for (size_t li = 0; li < f->panels[pi].nlayers; li++)
            if (f->panels[pi].layers[li].n > 0)
                datablock(gp, pi, li, &f->panels[pi].layers[li]);
    if (f->npanels > 1) {
        size_t cols = f->npanels <= 3 ? f->npanels : f->npanels == 4 ? 2 : 3;
        size_t rows = (f->npanels + cols - 1) / cols;
        fprintf(gp, "set multiplot layout %zu,%zu title ", rows, cols);
        slt_gnuplot_quote(gp, f->title);
        fputs(" noenhanced font ',12'\n", gp);
    }
    for (size_t pi = 0; pi < f->npanels; pi++) {
        const slt_panel *p = &f->panels[pi];
        fputs("set title ", gp);
        slt_gnuplot_quote(gp, f->npanels > 1 ? p->title : f->title);
        fputs(" noenhanced\n", gp);
        plot_panel(gp, pi, p, f->key, dumb);
    }
    if (f->npanels > 1)
        fputs("unset multiplot\n", gp);
}

const char *slt_gnuplot_path(void)
{
    static const char *const cands[] = {SLT_GNUPLOT, "/usr/bin/gnuplot", "/usr/local/bin/gnuplot"};
    const char *env = getenv("SLTSIM_GNUPLOT");
    if (env)
        return env[0] == '/' && access(env, X_OK) == 0 ? env : NULL;
    for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++)
        if (cands[i][0] == '/' && access(cands[i], X_OK) == 0)
            return cands[i];
    return NULL;
}

/* gnuplot's first message, cleaned to one short line for the user. */
static void first_message(int fd, char *out, size_t len)
{
    char buf[2048];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    char *s = buf, *w;
    while ((w = strstr(s, "warning:")) && strchr(w, '\n') && (size_t)(w - s) < 40)
        s = strchr(w, '\n') + 1; /* gnuplot's warnings (iconv under LC_ALL=C) are not the error */
    while (*s == '\n' || *s == ' ' || *s == '^')
        s += strspn(s, "\n ^");
    size_t k = 0;
    for (; *s && k + 1 < len && k < 120; s++)
        out[k++] = (*s < 0x20 || *s == 0x7f) ? ' ' : *s;
    out[k] = 0;
}

/* Run gnuplot with its standard output on out_fd and error on err_fd, feeding it f's script. */
static int run_gnuplot(const char *gnuplot, const slt_figure *f, const char *term, int out_fd, int err_fd)
{
    int in[2];
    if (pipe(in))
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        close(in[0]);
        close(in[1]);
        execl(gnuplot, gnuplot, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigaction(SIGPIPE, &ign, &old); /* gnuplot may stop reading early: its status tells why */
    FILE *gp = fdopen(in[1], "w");
    if (gp) {
        slt_gnuplot_script(gp, f, term);
        fclose(gp);
    } else
        close(in[1]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    sigaction(SIGPIPE, &old, NULL);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* A temporary file beside target (same folder, so that rename is atomic). */
static int temp_beside(const char *target, char *tmp, size_t len)
{
    const char *slash = strrchr(target, '/');
    int dl = slash ? (int)(slash - target + 1) : 0;
    snprintf(tmp, len, "%.*s.sltsim-fig-XXXXXX", dl, target);
    int fd = mkostemp(tmp, O_CLOEXEC);
    mode_t mask = umask(0);
    umask(mask);
    if (fd >= 0)
        fchmod(fd, 0666 & ~mask); /* the permissions of any new file, not mkstemp's 0600 */
    return fd;
}

int slt_gnuplot_render(const slt_figure *f, const char *target, int dumb_to_stderr, char *err)
{
    const char *gnuplot = slt_gnuplot_path();
    if (!gnuplot) {
        snprintf(err, SLT_ERRLEN, "gnuplot not found: install the Debian package gnuplot-nox");
        return SLT_EFAIL;
    }
    int dumb = !strcmp(target, "dumb");
    const char *term = dumb ? "dumb" : target + strlen(target) - 3;
    char tmp[4096] = "", msg[160];
    FILE *ef = tmpfile();
    int out = dumb ? (dumb_to_stderr ? 2 : 1) : temp_beside(target, tmp, sizeof tmp);
    if (out < 0 || !ef) {
        snprintf(err, SLT_ERRLEN, "cannot create a file in the folder of %s: %s", target, strerror(errno));
        if (ef)
            fclose(ef);
        return SLT_EFAIL;
    }
    fflush(stdout);
    int st = run_gnuplot(gnuplot, f, term, out, fileno(ef));
    first_message(fileno(ef), msg, sizeof msg);
    fclose(ef);
    struct stat sb;
    int rc = SLT_OK;
    if (st != 0)
        snprintf(err, SLT_ERRLEN, "gnuplot failed drawing %s (%s)", target, msg[0] ? msg : "no message");
    else if (!dumb && (fstat(out, &sb) != 0 || sb.st_size == 0))
        snprintf(err, SLT_ERRLEN, "gnuplot wrote nothing for %s", target);
    else if (!dumb && (fsync(out) != 0 || rename(tmp, target) != 0))
        snprintf(err, SLT_ERRLEN, "cannot write %s: %s", target, strerror(errno));
    else
        err[0] = 0;
    if (err[0])
        rc = SLT_EFAIL;
    if (!dumb) {
        close(out);
        if (rc != SLT_OK)
            unlink(tmp);
    }
    return rc;
}
