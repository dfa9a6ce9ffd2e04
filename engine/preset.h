/* preset.h: paper-figure presets, small "key value" text files in figures/ (experiment, sweep,
 * trials, plot settings) that `sltsim figure NAME` runs. A loaded preset owns its strings. */
#ifndef SLT_PRESET_H
#define SLT_PRESET_H

#include <stdio.h>

#define SLT_PRESET_MAXARGS 32

typedef struct {
    char *name;        /* file name without .fig */
    char *path;
    char *title, *experiment, *x, *y, *yrange, *ylabel, *hline, *xmark;
    char *args[SLT_PRESET_MAXARGS];
    int nargs;
    long trials;
    int logy;
} slt_preset;

/* NAME (searched in $SLTSIM_FIGURES, the installed figures folder, the source tree) or a path
 * to a .fig file. SLT_EUSAGE with a message if not found or malformed. */
int slt_preset_load(const char *name, slt_preset *p, char *err);
void slt_preset_free(slt_preset *p);
/* "name  title" for every preset found, sorted by name. */
void slt_preset_list(FILE *out);

#endif
