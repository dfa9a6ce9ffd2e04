/* table.h: reading a table written by sltsim (provenance lines, header, rows) for figures, with
 * bounded line length, size and column count, since tables are exchanged between people. A table
 * owns its strings: free with slt_table_free. */
#ifndef SLT_TABLE_H
#define SLT_TABLE_H

#include <stddef.h>

#define SLT_TABLE_MAXCOLS 256
#define SLT_TABLE_MAXLINE 65536               /* bytes in one line */
#define SLT_TABLE_MAXBYTES (512L * 1024 * 1024) /* bytes in one table */

typedef struct {
    char exp[64];      /* experiment named by the '# sltsim ..., experiment NAME' line */
    char sweep[1024];  /* the '# sweep:' line: "a=spec b=spec" */
    int ncols;
    char *cols[SLT_TABLE_MAXCOLS];
    size_t nrows, cap;
    char ***rows;      /* rows[r][c], "" when empty */
} slt_table;

/* SLT_EUSAGE + message for a file that is missing, too large, or not an sltsim table. */
int slt_table_read(const char *path, slt_table *t, char *err);
void slt_table_free(slt_table *t);
int slt_table_col(const slt_table *t, const char *name); /* -1 if absent */
/* The value of a cell as a number: NaN when empty, not a number, or not finite. */
double slt_table_num(const slt_table *t, size_t r, int c);

#endif
