/* preset.c: reading figure presets. Format, one setting per line, '#' starts a comment:
 *   title TEXT | experiment NAME | args NAME=VALUE ... | trials N | any plot option: x NAME,
 *   y Q,..., yrange LO:HI, ylabel TEXT, hline COLUMN, xmark COLUMN, logy 0|1, ...
 * Presets are exchanged between people, so the reader trusts nothing: the file must be a regular
 * file of bounded size, lines are bounded and plain text, keys are identifiers given once, and
 * errors name path:line and at most the offending key, never the content of the file. */
#define _GNU_SOURCE
#include "preset.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "slt.h"

#define MAXKEY 32

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
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = 0;
    return s;
}

static int is_key(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
    return n > 0 && n <= MAXKEY && !s[n];
}

/* Bytes other than tab below 0x20, and DEL: a preset is plain text, and these would reach
 * terminals and provenance lines. */
static int has_control(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
            return 1;
    return 0;
}

static int refuse(char *err, const char *path, int line, const char *fmt, const char *arg)
{
    char msg[SLT_ERRLEN];
    snprintf(msg, sizeof msg, fmt, arg);
    snprintf(err, SLT_ERRLEN, "%.90s:%d: %.150s", path, line, msg);
    return SLT_EUSAGE;
}

/* The line where `key` was already given, or 0. */
static int seen(const slt_preset *p, const char *key)
{
    if (!strcmp(key, "title") || !strcmp(key, "experiment") || !strcmp(key, "trials"))
        return !strcmp(key, "title") ? p->title_line : !strcmp(key, "experiment") ? p->experiment_line : p->trials_line;
    for (int i = 0; i < p->nsettings; i++)
        if (!strcmp(p->settings[i].key, key))
            return p->settings[i].line;
    return 0;
}

static int parse_trials(const char *path, int line, const char *val, slt_preset *p, char *err)
{
    char *end;
    errno = 0;
    long v = strtol(val, &end, 10);
    if (!*val || *end || errno || v < 0 || v > SLT_MAX_TRIALS) {
        char msg[SLT_ERRLEN];
        snprintf(msg, sizeof msg, "trials: expected an integer from 0 to %d, got '%%.40s'", SLT_MAX_TRIALS);
        return refuse(err, path, line, msg, val);
    }
    p->trials = v;
    p->trials_line = line;
    return SLT_OK;
}

static int parse_args(const char *path, int line, char *val, slt_preset *p, char *err)
{
    char *save = NULL;
    for (char *t = strtok_r(val, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        if (p->nargs >= SLT_PRESET_MAXARGS)
            return refuse(err, path, line, "args: more than %s NAME=VALUE tokens", SLT_STR(SLT_PRESET_MAXARGS));
        if (!(p->args[p->nargs] = strdup(t)))
            return refuse(err, path, line, "%s", "out of memory");
        p->nargs++;
    }
    return SLT_OK;
}

static int parse_line(const char *path, int line, char *s, slt_preset *p, char *err)
{
    s = trim(s);
    if (!*s || *s == '#')
        return SLT_OK;
    char *key = s, *val = s + strcspn(s, " \t");
    if (*val)
        *val++ = 0;
    val = trim(val);
    if (!is_key(key))
        return refuse(err, path, line, "%s", "expected a setting 'KEY VALUE' (e.g. 'experiment ridge')");
    int first = strcmp(key, "args") ? seen(p, key) : 0;
    if (first) {
        char msg[64];
        snprintf(msg, sizeof msg, "'%%s' given twice (first at line %d)", first);
        return refuse(err, path, line, msg, key);
    }
    if (!strcmp(key, "args"))
        return parse_args(path, line, val, p, err);
    if (!strcmp(key, "trials"))
        return parse_trials(path, line, val, p, err);
    int own = !strcmp(key, "title") || !strcmp(key, "experiment");
    if (own && !*val)
        return refuse(err, path, line, "%s needs a value", key);
    if (!own && p->nsettings >= SLT_PRESET_MAXSETTINGS)
        return refuse(err, path, line, "more than %s settings", SLT_STR(SLT_PRESET_MAXSETTINGS));
    char *copy = strdup(val), *kcopy = own ? NULL : strdup(key);
    if (!copy || (!own && !kcopy)) {
        free(copy);
        free(kcopy);
        return refuse(err, path, line, "%s", "out of memory");
    }
    if (!strcmp(key, "title"))
        p->title = copy, p->title_line = line;
    else if (!strcmp(key, "experiment"))
        p->experiment = copy, p->experiment_line = line;
    else
        p->settings[p->nsettings++] = (slt_preset_setting){kcopy, copy, line};
    return SLT_OK;
}

/* The whole file, NUL-terminated, if it is a regular file of at most SLT_PRESET_MAXBYTES.
 * O_NONBLOCK: opening a FIFO must not wait for a writer. */
static char *read_bounded(const char *path, size_t *len, char *err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    const char *why = NULL;
    if (fd < 0 || fstat(fd, &st) != 0)
        why = strerror(errno);
    else if (S_ISDIR(st.st_mode))
        why = "a folder, not a preset file";
    else if (!S_ISREG(st.st_mode))
        why = "not a regular file";
    else if (st.st_size > SLT_PRESET_MAXBYTES)
        why = "larger than 1 MB (a preset is a few lines)";
    char *buf = why ? NULL : malloc(SLT_PRESET_MAXBYTES + 2);
    size_t n = 0;
    ssize_t r = 1;
    while (buf && n <= SLT_PRESET_MAXBYTES && (r = read(fd, buf + n, SLT_PRESET_MAXBYTES + 1 - n)) > 0)
        n += (size_t)r;
    if (!why && !buf)
        why = "out of memory";
    else if (!why && r < 0)
        why = strerror(errno);
    else if (!why && n > SLT_PRESET_MAXBYTES)
        why = "larger than 1 MB (a preset is a few lines)";
    if (fd >= 0)
        close(fd);
    if (why) {
        snprintf(err, SLT_ERRLEN, "cannot read preset %.160s: %s", path, why);
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

static int parse_file(const char *path, slt_preset *p, char *err)
{
    size_t len;
    char *text = read_bounded(path, &len, err);
    if (!text)
        return SLT_EUSAGE;
    int line = 0, rc = SLT_OK;
    for (char *s = text, *end = text + len; rc == SLT_OK && s < end;) {
        line++;
        char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        s[n] = 0;
        if (n && s[n - 1] == '\r')
            s[--n] = 0;
        if (n > SLT_PRESET_MAXLINE)
            rc = refuse(err, path, line, "line longer than %s bytes", SLT_STR(SLT_PRESET_MAXLINE));
        else if (has_control(s, n))
            rc = refuse(err, path, line, "%s", "control character or NUL byte (a preset is plain text)");
        else
            rc = parse_line(path, line, s, p, err);
        s = nl ? nl + 1 : end;
    }
    free(text);
    if (rc == SLT_OK && !p->experiment) {
        snprintf(err, SLT_ERRLEN, "%.160s: no 'experiment' line (is it a preset?)", path);
        rc = SLT_EUSAGE;
    }
    return rc;
}

static int find_preset(const char *name, char *path, size_t len, char *err)
{
    size_t n = strlen(name);
    if (strchr(name, '/') || (n > 4 && !strcmp(name + n - 4, ".fig"))) {
        if (n >= len) {
            snprintf(err, SLT_ERRLEN, "preset path longer than %zu bytes", len - 1);
            return SLT_EUSAGE;
        }
        memcpy(path, name, n + 1);
        return SLT_OK;
    }
    for (int i = 0; i < NDIRS && n < 256; i++) {
        const char *d = search_dirs(i);
        if (d && (size_t)snprintf(path, len, "%s/%s.fig", d, name) < len && access(path, R_OK) == 0)
            return SLT_OK;
    }
    snprintf(err, SLT_ERRLEN, "no figure preset named '%.64s' (sltsim figure list shows them)", name);
    return SLT_EUSAGE;
}

int slt_preset_load(const char *name, slt_preset *p, char *err)
{
    memset(p, 0, sizeof *p);
    char path[4096];
    int rc = find_preset(name, path, sizeof path, err);
    if (rc != SLT_OK)
        return rc;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t bl = strlen(base);
    p->name = strndup(base, bl > 4 && !strcmp(base + bl - 4, ".fig") ? bl - 4 : bl);
    p->path = strdup(path);
    if (!p->name || !p->path) {
        snprintf(err, SLT_ERRLEN, "out of memory");
        rc = SLT_EFAIL;
    } else
        rc = parse_file(path, p, err);
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
    for (int i = 0; i < p->nargs; i++)
        free(p->args[i]);
    for (int i = 0; i < p->nsettings; i++) {
        free(p->settings[i].key);
        free(p->settings[i].value);
    }
    memset(p, 0, sizeof *p);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* A listable preset name: what a user can type back as `sltsim figure NAME`. */
static int listable(const char *s, size_t n)
{
    return n > 0 && n < 256 && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") >= n;
}

int slt_preset_list(FILE *out)
{
    char *names[512];
    int n = 0;
    for (int i = 0; i < NDIRS; i++) {
        const char *d = search_dirs(i);
        DIR *dir = d ? opendir(d) : NULL;
        struct dirent *de;
        while (dir && (de = readdir(dir)) && n < 512) {
            size_t l = strlen(de->d_name);
            if (l <= 4 || strcmp(de->d_name + l - 4, ".fig") || !listable(de->d_name, l - 4))
                continue;
            char *nm = strndup(de->d_name, l - 4);
            int dup = !nm;
            for (int k = 0; nm && k < n; k++)
                dup |= !strcmp(names[k], nm);
            if (dup)
                free(nm);
            else
                names[n++] = nm;
        }
        if (dir)
            closedir(dir);
    }
    qsort(names, (size_t)n, sizeof names[0], cmp_str);
    int rc = 0;
    for (int k = 0; k < n; k++) {
        slt_preset p;
        char err[SLT_ERRLEN];
        if (rc == 0 && slt_preset_load(names[k], &p, err) == SLT_OK) {
            if (fprintf(out, "%-24s %s (%s)\n", p.name, p.title ? p.title : "", p.experiment) < 0)
                rc = -1;
            slt_preset_free(&p);
        }
        free(names[k]);
    }
    return fflush(out) != 0 || ferror(out) ? -1 : rc;
}
