/* table.c: a bounded reader of sltsim tables. Lines longer than SLT_TABLE_MAXLINE, files larger
 * than SLT_TABLE_MAXBYTES (/dev/zero, a wrong file) and more than SLT_TABLE_MAXCOLS columns are
 * refused with one message that quotes at most a short token of the content. */
#define _GNU_SOURCE
#include "plots/table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/grid.h"
#include "plots/figure.h"

void slt_table_free(slt_table *t)
{
    for (int c = 0; c < t->ncols; c++)
        free(t->cols[c]);
    for (size_t r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++)
            free(t->rows[r][c]);
        free(t->rows[r]);
    }
    free(t->rows);
    memset(t, 0, sizeof *t);
}

int slt_table_col(const slt_table *t, const char *name)
{
    for (int c = 0; c < t->ncols; c++)
        if (!strcmp(t->cols[c], name))
            return c;
    return -1;
}

double slt_table_num(const slt_table *t, size_t r, int c)
{
    double v;
    const char *s = t->rows[r][c];
    if (!*s || slt_parse_number(s, &v) || !isfinite(v))
        return NAN;
    return v;
}

/* One line into buf (without its end of line). 1: a line; 0: end of file; -1: too long. */
static int read_line(FILE *f, char *buf, size_t len, long *total)
{
    size_t n = 0;
    int c;
    while ((c = getc(f)) != EOF && c != '\n') {
        if (n + 1 >= len)
            return -1;
        buf[n++] = (char)c;
    }
    *total += (long)n + 1;
    if (c == EOF && n == 0)
        return 0;
    if (n && buf[n - 1] == '\r')
        n--;
    buf[n] = 0;
    return 1;
}

static int split(char *line, char **f, int max)
{
    int n = 0;
    for (char *s = line;; s++) {
        char *c = strchr(s, ',');
        if (n == max)
            return max + 1;
        f[n++] = s;
        if (!c)
            break;
        *c = 0;
        s = c;
    }
    return n;
}

static int provenance(slt_table *t, const char *line)
{
    const char *p;
    if (!t->exp[0] && !strncmp(line, "# sltsim ", 9) && (p = strstr(line, ", experiment "))) {
        p += 13;
        size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-_");
        snprintf(t->exp, sizeof t->exp, "%.*s", (int)(n < sizeof t->exp ? n : sizeof t->exp - 1), p);
    } else if (!strncmp(line, "# sweep:", 8))
        snprintf(t->sweep, sizeof t->sweep, "%s", line + 8);
    return 0;
}

static int add_row(slt_table *t, char **fields, int n)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 256;
        char ***rows = realloc(t->rows, cap * sizeof(char **));
        if (!rows)
            return -1;
        t->rows = rows;
        t->cap = cap;
    }
    char **row = calloc((size_t)n, sizeof(char *));
    if (!row)
        return -1;
    t->rows[t->nrows++] = row;
    for (int c = 0; c < n; c++)
        if (!(row[c] = strdup(fields[c])))
            return -1;
    return 0;
}

static int parse_lines(FILE *f, const char *path, slt_table *t, char *line, char *err)
{
    char *fields[SLT_TABLE_MAXCOLS + 1];
    long total = 0, lineno = 0;
    int r;
    while ((r = read_line(f, line, SLT_TABLE_MAXLINE, &total)) == 1) {
        lineno++;
        if (lineno == 1 && strncmp(line, "# sltsim ", 9)) {
            snprintf(err, SLT_ERRLEN, "%s is not an sltsim table (its first line is not '# sltsim ...')", path);
            return SLT_EUSAGE;
        }
        if (total > SLT_TABLE_MAXBYTES) {
            snprintf(err, SLT_ERRLEN, "%s: larger than %ld MB; not an sltsim table to plot", path,
                     SLT_TABLE_MAXBYTES >> 20);
            return SLT_EUSAGE;
        }
        if (line[0] == '#') {
            provenance(t, line);
            continue;
        }
        int n = split(line, fields, SLT_TABLE_MAXCOLS);
        if (n > SLT_TABLE_MAXCOLS) {
            snprintf(err, SLT_ERRLEN, "%s:%ld: more than %d columns", path, lineno, SLT_TABLE_MAXCOLS);
            return SLT_EUSAGE;
        }
        if (!t->ncols) {
            for (int c = 0; c < n; c++) {
                if (!slt_plot_is_name(fields[c])) {
                    char tok[48];
                    slt_plot_quote_token(fields[c], tok, sizeof tok);
                    snprintf(err, SLT_ERRLEN, "%s:%ld: column name %s is not a name (letters, digits, _)", path,
                             lineno, tok);
                    return SLT_EUSAGE;
                }
                if (!(t->cols[c] = strdup(fields[c])))
                    return SLT_EFAIL;
                t->ncols = c + 1;
            }
            continue;
        }
        if (n != t->ncols) {
            snprintf(err, SLT_ERRLEN, "%s:%ld: a row has %d fields, the header %d", path, lineno, n, t->ncols);
            return SLT_EUSAGE;
        }
        if (add_row(t, fields, n)) {
            snprintf(err, SLT_ERRLEN, "%s: out of memory reading the table", path);
            return SLT_EFAIL;
        }
    }
    if (r < 0) {
        snprintf(err, SLT_ERRLEN, "%s:%ld: a line longer than %d bytes; not an sltsim table", path, lineno + 1,
                 SLT_TABLE_MAXLINE);
        return SLT_EUSAGE;
    }
    if (ferror(f)) {
        snprintf(err, SLT_ERRLEN, "cannot read %s: %s", path, strerror(errno));
        return SLT_EUSAGE;
    }
    return SLT_OK;
}

int slt_table_read(const char *path, slt_table *t, char *err)
{
    memset(t, 0, sizeof *t);
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        snprintf(err, SLT_ERRLEN, "%s is a directory, not a table", path);
        return SLT_EUSAGE;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, SLT_ERRLEN, "cannot read %s: %s", path, strerror(errno));
        return SLT_EUSAGE;
    }
    char *line = malloc(SLT_TABLE_MAXLINE);
    int rc = line ? parse_lines(f, path, t, line, err) : SLT_EFAIL;
    if (!line)
        snprintf(err, SLT_ERRLEN, "out of memory reading %s", path);
    free(line);
    fclose(f);
    if (rc == SLT_OK && (!t->exp[0] || !t->ncols)) {
        snprintf(err, SLT_ERRLEN, "%s is not an sltsim table (no '# sltsim ..., experiment' line or header)", path);
        rc = SLT_EUSAGE;
    } else if (rc == SLT_OK && !t->nrows) {
        snprintf(err, SLT_ERRLEN, "%s has no rows to plot", path);
        rc = SLT_EUSAGE;
    }
    return rc;
}
