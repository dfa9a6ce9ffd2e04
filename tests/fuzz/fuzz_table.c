/* fuzz_table.c: libFuzzer target for the CSV reader of `sltsim plot` and the figure model built
 * from what it read (a synthetic experiment with a cheap theory, so that each input is fast),
 * under plot options taken from the input's first line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plots/figure.h"

static const char *const words[] = {"a", "b", NULL};
static const slt_param params[] = {
    {"x", SLT_REAL, "0", -1e9, 1e9, 0, 0, NULL, "x"},
    {"s", SLT_INT, "1", 0, 1e6, 0, 0, NULL, "s"},
    {"w", SLT_WORD, "a", 0, 0, 0, 0, words, "w"},
};
static const char *const theory_cols[] = {"f", "g", NULL};
static const char *const sim_cols[] = {"f", NULL};
static const slt_column columns[] = {{"g", SLT_COL_UPPER, "f", NULL}, {NULL, 0, NULL, NULL}};
static int theory(const double *par, double *out, char *err)
{
    out[0] = par[0] * par[1];
    out[1] = out[0] + 1;
    (void)err;
    return SLT_OK;
}
static const slt_experiment fz = {.name = "fz", .summary = "fuzz", .nparams = 3, .params = params,
                                  .theory_cols = theory_cols, .sim_cols = sim_cols, .theory = theory,
                                  .columns = columns, .plot = {.hline = "g", .xmark = "f"}};

/* options from "key=value;key=value" */
static void options(char *line, slt_plot_opts *po)
{
    char err[SLT_ERRLEN];
    for (char *s = line, *semi; s; s = semi ? semi + 1 : NULL) {
        if ((semi = strchr(s, ';')))
            *semi = 0;
        char *eq = strchr(s, '=');
        if (eq)
            *eq = 0;
        slt_plot_set(po, s, eq ? eq + 1 : NULL, err);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    const uint8_t *nl = memchr(data, '\n', size);
    size_t head = nl ? (size_t)(nl - data) : size;
    char *opt = strndup((const char *)data, head);
    char path[] = "/tmp/sltsim-fuzz-table-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || !opt)
        abort();
    if (size > head && write(fd, data + head + 1, size - head - 1) < 0)
        abort();
    close(fd);
    slt_plot_opts po = {0};
    options(opt, &po);
    slt_table t;
    slt_figure f;
    char err[SLT_ERRLEN];
    if (slt_table_read(path, &t, err) == SLT_OK && slt_figure_build(&t, &fz, &po, &f, err) == SLT_OK) {
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        slt_gnuplot_script(m, &f, "png");
        fclose(m);
        free(buf);
        slt_figure_free(&f);
    }
    slt_table_free(&t);
    unlink(path);
    free(opt);
    return 0;
}
