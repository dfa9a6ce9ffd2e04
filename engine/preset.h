/* preset.h: paper-figure presets, small "key value" text files in figures/ (experiment, sweep,
 * trials, plot settings) that `sltsim figure NAME` runs. A loaded preset owns its strings. */
#ifndef SLT_PRESET_H
#define SLT_PRESET_H

#include <stdio.h>

#define SLT_PRESET_MAXARGS 64        /* NAME=VALUE tokens over all `args` lines */
#define SLT_PRESET_MAXLINE 4096      /* bytes in one line, without its line break */
#define SLT_PRESET_MAXBYTES 1048576  /* bytes in one preset file */
#define SLT_PRESET_MAXSETTINGS 64    /* plot settings in one preset */

/* A setting the preset does not interpret itself (a plot option: "x", "yrange", "logy"):
 * the caller validates it, naming path:line when it is refused. */
typedef struct {
    char *key, *value;
    int line;
} slt_preset_setting;

typedef struct {
    char *name;        /* file name without .fig */
    char *path;
    char *title;       /* shown by `figure list`; also the figure's title (a plot setting) */
    char *experiment;
    int title_line, experiment_line, trials_line;
    char *args[SLT_PRESET_MAXARGS];
    int nargs;
    long trials;       /* set only with a trials line (trials_line > 0); else the experiment's default */
    slt_preset_setting settings[SLT_PRESET_MAXSETTINGS];
    int nsettings;
} slt_preset;

/* NAME (searched in $SLTSIM_FIGURES, the installed figures folder, the source tree) or a path
 * to a .fig file. SLT_EUSAGE with a message "path:line: ..." if not found or malformed: lines
 * and files are bounded, keys are identifiers given once, values of its own keys are checked.
 * Messages quote at most a short, sanitized key token, never the content of the file. */
int slt_preset_load(const char *name, slt_preset *p, char *err);
void slt_preset_free(slt_preset *p);
/* "name  title (experiment)" for every preset found, sorted by name. 0, or -1 on a write error. */
int slt_preset_list(FILE *out);

#endif
