/* plot.c: `sltsim plot` and `run --plot`: check the target name, read the table, build the
 * figure model and render it through gnuplot. */
#include "plots/plot.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "plots/figure.h"

int slt_plot_check_target(const char *target, char *err)
{
    size_t n = strlen(target);
    char tok[64];
    slt_plot_quote_token(target, tok, sizeof tok);
    if (!strcmp(target, "dumb") || !strcmp(target, "live"))
        return SLT_OK;
    if (!(n > 4 && (!strcmp(target + n - 4, ".png") || !strcmp(target + n - 4, ".svg") ||
                    !strcmp(target + n - 4, ".pdf")))) {
        snprintf(err, SLT_ERRLEN, "--plot: %s must end in .png, .svg or .pdf, or be 'dumb' (draw in the terminal) or 'live' (redraw as rows arrive)",
                 tok);
        return SLT_EUSAGE;
    }
    for (const unsigned char *p = (const unsigned char *)target; *p; p++)
        if (*p < 0x20 || *p == 0x7f) {
            snprintf(err, SLT_ERRLEN, "--plot: the figure name %s contains control characters", tok);
            return SLT_EUSAGE;
        }
    if (target[0] == '|' || target[0] == '-' || n >= 4000) {
        snprintf(err, SLT_ERRLEN, "--plot: refusing the figure name %s (it must not start with '|' or '-')", tok);
        return SLT_EUSAGE;
    }
    const char *slash = strrchr(target, '/');
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - target) + 1 : 1, slash ? target : ".");
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        snprintf(err, SLT_ERRLEN, "--plot: no folder for %s (%s)", tok, errno ? strerror(errno) : "not a folder");
        return SLT_EUSAGE;
    }
    if (stat(target, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        snprintf(err, SLT_ERRLEN, "--plot: %s is a folder", tok);
        return SLT_EUSAGE;
    }
    return SLT_OK;
}

int slt_plot_csv(const char *csv, const char *target, const slt_plot_opts *po, int csv_on_stdout, char *err)
{
    slt_table t;
    int rc = slt_table_read(csv, &t, err);
    const slt_experiment *e = rc == SLT_OK ? slt_registry_find(t.exp) : NULL;
    if (rc == SLT_OK && !e) {
        snprintf(err, SLT_ERRLEN, "%s: unknown experiment '%s'", csv, t.exp);
        rc = SLT_EUSAGE;
    }
    slt_figure f;
    if (rc == SLT_OK && (rc = slt_figure_build(&t, e, po, &f, err)) == SLT_OK) {
        rc = slt_gnuplot_render(&f, target, csv_on_stdout, err);
        slt_figure_free(&f);
    }
    slt_table_free(&t);
    return rc;
}
