/* resume.c: reading back the table of a killed run, so that `run --resume` computes only what is
 * missing. The provenance lines and header must be byte for byte those this run writes (same
 * experiment, arguments, seed, version and libraries), and each row must be a row of this grid
 * in grid order; the file is then a prefix of the uninterrupted run's output. */
#define _GNU_SOURCE
#include "config.h"
#include "engine.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Longest line read back; rows are far shorter (at most a few kB). */
#define MAX_LINE (1 << 20)

/* The row prefix of point k: its parameters as written, and the comma after them. */
static void row_prefix(const slt_grid *g, size_t k, double *par, char *buf, size_t len)
{
    const slt_experiment *e = g->e;
    size_t o = 0;
    slt_grid_point(g, k, par);
    for (size_t i = 0; i < e->nparams && o + 1 < len; i++) {
        slt_format_param(&e->params[i], par[i], buf + o, len - o);
        o += strlen(buf + o);
        if (o + 1 < len)
            buf[o++] = ',';
    }
    buf[o < len ? o : len - 1] = 0;
}

/* A line of the file against the header line this run writes: 0 when equal, else a message
 * quoting both from a little before the first difference. */
static int same_line(const char *got, size_t glen, const char *want, size_t wlen, int lineno, char *err)
{
    if (glen == wlen && memcmp(got, want, glen) == 0)
        return 0;
    size_t d = 0;
    while (d < glen && d < wlen && got[d] == want[d])
        d++;
    size_t from = d > 20 ? d - 20 : 0;
    glen -= from, wlen -= from;
    snprintf(err, SLT_ERRLEN, "its line %d has '%s%.*s', this run's '%s%.*s'", lineno, from ? "..." : "",
             (int)(glen > 50 ? 50 : glen), got + from, from ? "..." : "", (int)(wlen > 50 ? 50 : wlen), want + from);
    for (char *c = err; *c; c++) /* one line, whatever the file held */
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    return -1;
}

/* The header lines: each compared in turn. */
static int scan_header(FILE *f, const char *want, char **line, size_t *cap, long *pos, char *err)
{
    int lineno = 0;
    for (const char *w = want; *w;) {
        const char *nl = strchr(w, '\n');
        size_t wlen = nl ? (size_t)(nl - w) : strlen(w);
        ssize_t n = getline(line, cap, f);
        lineno++;
        if (n <= 0 || (*line)[n - 1] != '\n') {
            snprintf(err, SLT_ERRLEN, "it ends before its header is complete (line %d)", lineno);
            return SLT_EUSAGE;
        }
        if (same_line(*line, (size_t)n - 1, w, wlen, lineno, err) != 0)
            return SLT_EUSAGE;
        *pos += n;
        w += wlen + (nl != NULL);
    }
    return SLT_OK;
}

/* The rows: complete lines, each the row of the next grid point with every column. blank[k], if
 * given: whether row k's theory fields are all empty (the theory columns follow the prefix, and
 * at least the trials column follows them, so each empty one is a lone comma). */
static int scan_rows(FILE *f, const slt_grid *g, size_t ncols, unsigned char *blank, char **line, size_t *cap,
                     size_t *rows, long *pos, char *err)
{
    char prefix[4096];
    double *par = malloc((g->e->nparams + 1) * sizeof(double));
    if (!par) {
        snprintf(err, SLT_ERRLEN, "out of memory");
        return SLT_EFAIL;
    }
    int rc = SLT_OK;
    ssize_t n;
    while (rc == SLT_OK && (n = getline(line, cap, f)) > 0 && (*line)[n - 1] == '\n' && n < MAX_LINE) {
        size_t commas = 0;
        for (ssize_t i = 0; i < n; i++)
            commas += (*line)[i] == ',';
        if (*rows < g->npoints)
            row_prefix(g, *rows, par, prefix, sizeof prefix);
        if (*rows >= g->npoints || commas + 1 != ncols || strncmp(*line, prefix, strlen(prefix)) != 0) {
            snprintf(err, SLT_ERRLEN, "row %zu is not the row of this grid's point %zu", *rows + 1, *rows + 1);
            rc = SLT_EUSAGE;
        } else {
            size_t plen = strlen(prefix), nt = slt_count(g->e->theory_cols), j = 0;
            while (j < nt && (*line)[plen + j] == ',')
                j++;
            if (blank)
                blank[*rows] = nt > 0 && j == nt;
            ++*rows;
            *pos += n;
        }
    }
    free(par);
    return rc;
}

int slt_resume_scan(int fd, const slt_grid *g, const slt_run_opts *o, size_t *rows, long *keep, char *err)
{
    char *want = NULL, *line = NULL;
    size_t wlen = 0, cap = 0;
    *rows = 0;
    *keep = 0;
    FILE *m = open_memstream(&want, &wlen);
    int bad = !m || slt_write_header(m, g, o) != 0;
    if ((m && fclose(m) != 0) || bad) {
        free(want);
        snprintf(err, SLT_ERRLEN, "out of memory");
        return SLT_EFAIL;
    }
    int dfd = dup(fd);
    FILE *f = dfd >= 0 ? fdopen(dfd, "r") : NULL;
    if (!f) {
        if (dfd >= 0)
            close(dfd);
        free(want);
        snprintf(err, SLT_ERRLEN, "cannot read it back");
        return SLT_EFAIL;
    }
    rewind(f);
    /* every row has the fields of the header row, the last line of want */
    size_t ncols = 1;
    const char *hdr = want + wlen - 1;
    while (hdr > want && hdr[-1] != '\n')
        hdr--;
    for (; *hdr; hdr++)
        ncols += *hdr == ',';
    int rc = scan_header(f, want, &line, &cap, keep, err);
    if (rc == SLT_OK)
        rc = scan_rows(f, g, ncols, o->resume_blank, &line, &cap, rows, keep, err);
    free(line);
    free(want);
    fclose(f);
    return rc;
}
