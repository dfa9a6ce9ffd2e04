/* live.c: a figure redrawn as rows arrive (`run --plot live`), for lectures: in the terminal with
 * gnuplot's dumb terminal (the screen cleared between frames), or in a window when DISPLAY is set
 * and gnuplot can open one (one gnuplot kept running, so the window updates in place). */
#define _GNU_SOURCE
#include "plots/live.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "plots/figure.h"

struct slt_plot_live {
    char csv[4096];
    slt_plot_opts po;
    int to_stderr;
    FILE *gp;      /* window: the gnuplot we keep, NULL in the terminal */
    pid_t pid;
    double last;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Whether this gnuplot can open its x11 terminal on DISPLAY (run directly, no shell). */
static int x11_works(const char *gnuplot)
{
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1), dup2(null, 2);
        execl(gnuplot, gnuplot, "-e", "set terminal x11", (char *)NULL);
        _exit(127);
    }
    int st;
    return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* gnuplot with its input on a pipe and its output discarded; x11 only when it can open one. */
static FILE *start_window(pid_t *pid)
{
    const char *gnuplot = slt_gnuplot_path();
    int in[2], null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (!gnuplot || !getenv("DISPLAY") || null < 0 || pipe(in))
        return NULL;
    if (!x11_works(gnuplot)) { /* gnuplot-nox, or no X server there */
        close(in[0]), close(in[1]), close(null);
        return NULL;
    }
    if ((*pid = fork()) == 0) {
        dup2(in[0], 0), dup2(null, 1), dup2(null, 2);
        close(in[1]);
        execl(gnuplot, gnuplot, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(null);
    return *pid > 0 ? fdopen(in[1], "w") : NULL;
}

slt_plot_live *slt_plot_live_open(const char *csv, const slt_plot_opts *po, int to_stderr)
{
    slt_plot_live *lv = calloc(1, sizeof *lv);
    if (!lv)
        return NULL;
    snprintf(lv->csv, sizeof lv->csv, "%s", csv);
    lv->po = *po;
    lv->to_stderr = to_stderr;
    lv->gp = start_window(&lv->pid);
    lv->last = -1e9;
    return lv;
}

int slt_plot_live_window(const slt_plot_live *lv) { return lv && lv->gp; }

void slt_plot_live_follow(slt_plot_live *lv, const char *csv)
{
    if (lv)
        snprintf(lv->csv, sizeof lv->csv, "%s", csv);
}

void slt_plot_live_update(slt_plot_live *lv, int final)
{
    if (!lv || (!final && now() - lv->last < 1.0))
        return;
    lv->last = now();
    slt_table t;
    slt_figure f;
    char err[SLT_ERRLEN];
    const slt_experiment *e;
    /* frames drawn while the run goes on are drawn inside the engine's row writer: they join the
     * table's points instead of evaluating the theory on a fine grid (up to a second per curve) */
    lv->po.coarse = !final;
    /* an early frame may have too few rows for a figure: it is skipped, not an error */
    if (slt_table_read(lv->csv, &t, err) == SLT_OK && (e = slt_registry_find(t.exp)) &&
        slt_figure_build(&t, e, &lv->po, &f, err) == SLT_OK) {
        if (lv->gp) {
            struct sigaction ign = {.sa_handler = SIG_IGN}, old;
            sigaction(SIGPIPE, &ign, &old);
            slt_gnuplot_script(lv->gp, &f, "x11");
            fflush(lv->gp);
            sigaction(SIGPIPE, &old, NULL);
        } else {
            FILE *tty = lv->to_stderr ? stderr : stdout;
            fputs("\033[H\033[2J", tty); /* home and clear: the next frame replaces this one */
            fflush(tty);
            slt_gnuplot_render(&f, "dumb", lv->to_stderr, err);
        }
        slt_figure_free(&f);
    }
    slt_table_free(&t);
}

void slt_plot_live_close(slt_plot_live *lv)
{
    if (!lv)
        return;
    if (lv->gp) { /* the window persists after gnuplot leaves */
        fclose(lv->gp);
        int st;
        waitpid(lv->pid, &st, 0);
    }
    free(lv);
}
