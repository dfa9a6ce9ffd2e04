/* preset.c: reading figure presets. Format, one setting per line, '#' starts a comment:
 *   title TEXT | experiment NAME | args NAME=VALUE ... | trials N | x NAME | y Q,... |
 *   yrange LO:HI | logy 0|1 | ylabel TEXT | hline COLUMN | xmark COLUMN */
#define _GNU_SOURCE
#include "preset.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slt.h"

static const char *search_dirs(int i)
{
    switch (i) {
    case 0:
        return getenv("SLTSIM_FIGURES");
#ifdef SLT_FIGDIR
    case 1:
        return SLT_FIGDIR;
#endif
#ifdef SLT_SRCDIR
    case 2:
        return SLT_SRCDIR "/figures";
#endif
    default:
        return NULL;
    }
}
#define NDIRS 3

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = 0;
    return s;
}

static int parse_file(const char *path, slt_preset *p, char *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, SLT_ERRLEN, "cannot read preset %s", path);
        return SLT_EUSAGE;
    }
    char line[2048];
    int lineno = 0, rc = SLT_OK;
    p->trials = SLT_DEFAULT_TRIALS;
    while (rc == SLT_OK && fgets(line, sizeof line, f)) {
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#')
            continue;
        char *key = s, *val = s + strcspn(s, " \t");
        if (*val)
            *val++ = 0;
        val = trim(val);
        char **slot = !strcmp(key, "title") ? &p->title : !strcmp(key, "experiment") ? &p->experiment
                      : !strcmp(key, "x") ? &p->x : !strcmp(key, "y") ? &p->y : !strcmp(key, "yrange") ? &p->yrange
                      : !strcmp(key, "ylabel") ? &p->ylabel : !strcmp(key, "hline") ? &p->hline
                      : !strcmp(key, "xmark") ? &p->xmark : NULL;
        if (slot) {
            free(*slot);
            *slot = strdup(val);
        } else if (!strcmp(key, "args")) {
            char *save = NULL;
            for (char *t = strtok_r(val, " \t", &save); t && p->nargs < SLT_PRESET_MAXARGS; t = strtok_r(NULL, " \t", &save))
                p->args[p->nargs++] = strdup(t);
        } else if (!strcmp(key, "trials"))
            p->trials = strtol(val, NULL, 10);
        else if (!strcmp(key, "logy"))
            p->logy = atoi(val);
        else {
            snprintf(err, SLT_ERRLEN, "%s:%d: unknown setting '%s'", path, lineno, key);
            rc = SLT_EUSAGE;
        }
    }
    fclose(f);
    if (rc == SLT_OK && !p->experiment) {
        snprintf(err, SLT_ERRLEN, "%s: no 'experiment' line", path);
        rc = SLT_EUSAGE;
    }
    return rc;
}

int slt_preset_load(const char *name, slt_preset *p, char *err)
{
    memset(p, 0, sizeof *p);
    char path[4096];
    size_t n = strlen(name);
    int is_file = strchr(name, '/') || (n > 4 && !strcmp(name + n - 4, ".fig"));
    if (is_file)
        snprintf(path, sizeof path, "%s", name);
    else {
        path[0] = 0;
        for (int i = 0; i < NDIRS && !path[0]; i++) {
            const char *d = search_dirs(i);
            char cand[4096];
            if (!d)
                continue;
            snprintf(cand, sizeof cand, "%s/%s.fig", d, name);
            if (access(cand, R_OK) == 0)
                snprintf(path, sizeof path, "%s", cand);
        }
        if (!path[0]) {
            snprintf(err, SLT_ERRLEN, "no figure preset named '%s' (sltsim figure list shows them)", name);
            return SLT_EUSAGE;
        }
    }
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t bl = strlen(base);
    p->name = strndup(base, bl > 4 && !strcmp(base + bl - 4, ".fig") ? bl - 4 : bl);
    p->path = strdup(path);
    int rc = parse_file(path, p, err);
    if (rc != SLT_OK)
        slt_preset_free(p);
    return rc;
}

void slt_preset_free(slt_preset *p)
{
    free(p->name);
    free(p->path);
    free(p->title);
    free(p->experiment);
    free(p->x);
    free(p->y);
    free(p->yrange);
    free(p->ylabel);
    free(p->hline);
    free(p->xmark);
    for (int i = 0; i < p->nargs; i++)
        free(p->args[i]);
    memset(p, 0, sizeof *p);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void slt_preset_list(FILE *out)
{
    char *names[512];
    int n = 0;
    for (int i = 0; i < NDIRS; i++) {
        const char *d = search_dirs(i);
        DIR *dir = d ? opendir(d) : NULL;
        struct dirent *de;
        while (dir && (de = readdir(dir)) && n < 512) {
            size_t l = strlen(de->d_name);
            if (l <= 4 || strcmp(de->d_name + l - 4, ".fig"))
                continue;
            char *nm = strndup(de->d_name, l - 4);
            int dup = 0;
            for (int k = 0; k < n; k++)
                dup |= !strcmp(names[k], nm);
            if (dup)
                free(nm);
            else
                names[n++] = nm;
        }
        if (dir)
            closedir(dir);
    }
    qsort(names, n, sizeof names[0], cmp_str);
    for (int k = 0; k < n; k++) {
        slt_preset p;
        char err[SLT_ERRLEN];
        if (slt_preset_load(names[k], &p, err) == SLT_OK) {
            fprintf(out, "%-24s %s (%s)\n", p.name, p.title ? p.title : "", p.experiment);
            slt_preset_free(&p);
        }
        free(names[k]);
    }
}
