/* util.c: small shared pieces of the engine: the empty-field marker, list lengths, the
 * registry lookups, the checked theory of one point, the memory budget and its refusal message,
 * and library versions. */
#include <malloc.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <fftw3.h>
#include <gsl/gsl_version.h>

#include "engine.h"
#include "slt.h"

#define EMPTY_BITS 0x7ff8000000511e57ULL /* a quiet NaN with a payload no arithmetic produces */

double slt_empty(void)
{
    uint64_t b = EMPTY_BITS;
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

int slt_is_empty(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b == EMPTY_BITS;
}

size_t slt_count(const char *const *list)
{
    size_t n = 0;
    while (list && list[n])
        n++;
    return n;
}

long slt_default_trials(const slt_experiment *e)
{
    return e->default_trials > 0 ? e->default_trials : SLT_DEFAULT_TRIALS;
}

static int may_be_infinite(const slt_experiment *e, const char *col)
{
    for (const char *const *c = e->infinite_cols; c && *c; c++)
        if (!strcmp(*c, col))
            return 1;
    return 0;
}

/* A NaN is never a theory value: it is a root search or a quadrature that went wrong without
 * saying so, and written as "nan" it would pass for mathematics. */
int slt_theory_at(const slt_experiment *e, const double *par, double *out, char *err)
{
    size_t nt = slt_count(e->theory_cols);
    for (size_t j = 0; j < nt; j++)
        out[j] = slt_empty();
    err[0] = 0;
    int rc = e->theory(par, out, err) == SLT_OK ? SLT_OK : SLT_EFAIL;
    if (rc != SLT_OK && !err[0])
        snprintf(err, SLT_ERRLEN, "no reason given");
    for (size_t j = 0; j < nt && rc == SLT_OK; j++) {
        if (slt_is_empty(out[j]) || isfinite(out[j]) || (isinf(out[j]) && may_be_infinite(e, e->theory_cols[j])))
            continue;
        snprintf(err, SLT_ERRLEN, "column %s came out %s", e->theory_cols[j],
                 isnan(out[j]) ? "NaN" : out[j] > 0 ? "+inf" : "-inf");
        rc = SLT_EFAIL;
    }
    for (size_t j = 0; j < nt && rc != SLT_OK; j++)
        out[j] = slt_empty();
    return rc;
}

int slt_param_index(const slt_experiment *e, const char *name)
{
    for (size_t i = 0; i < e->nparams; i++)
        if (strcmp(e->params[i].name, name) == 0)
            return (int)i;
    return -1;
}

const slt_experiment *slt_registry_find(const char *name)
{
    for (size_t i = 0; i < slt_registry_count(); i++)
        if (strcmp(slt_registry_get(i)->name, name) == 0)
            return slt_registry_get(i);
    return NULL;
}

double slt_memory_budget(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || size <= 0)
        return 8e9;
    return 0.8 * (double)pages * (double)size;
}

int slt_memory_check(double bytes_per_trial, int threads, const char *smaller, char *err, const char *fmt, ...)
{
    double bytes = bytes_per_trial * threads, budget = slt_memory_budget();
    if (!(bytes > budget))
        return SLT_OK;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err, SLT_ERRLEN, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if (n < SLT_ERRLEN) /* else the head alone filled err: keep it, truncated */
        snprintf(err + n, SLT_ERRLEN - n,
                 " %.1f GB for %d simultaneous trials, more than the %.1f GB available; allowed: smaller %s, fewer "
                 "--threads, or --trials 0",
                 bytes / 1e9, threads, budget / 1e9, smaller);
    return SLT_EUSAGE;
}

extern char *openblas_get_config(void);
extern char *openblas_get_corename(void);

void slt_library_versions(char *buf, size_t len)
{
    char blas[64] = "openblas";
    const char *cfg = openblas_get_config();
    /* "OpenBLAS 0.3.21 DYNAMIC_ARCH ..." -> "openblas 0.3.21" */
    if (cfg && strncmp(cfg, "OpenBLAS ", 9) == 0) {
        size_t n = strcspn(cfg + 9, " ");
        snprintf(blas, sizeof blas, "openblas %.*s (%s)", (int)n, cfg + 9, openblas_get_corename());
    }
    const char *fv = fftw_version; /* "fftw-3.3.10-sse2-avx" */
    size_t fn = strncmp(fv, "fftw-", 5) == 0 ? strcspn(fv + 5, "-") : strlen(fv);
    snprintf(buf, len, "gsl %s; fftw %.*s; blas %s", gsl_version, (int)fn, strncmp(fv, "fftw-", 5) == 0 ? fv + 5 : fv,
             blas);
}

void slt_keep_trial_buffers(void)
{
#ifdef M_MMAP_THRESHOLD
    /* glibc serves blocks above the mmap threshold (128 kB at first, adapting up to 32 MB) with
     * mmap and returns them on free, so every trial's multi-megabyte buffers arrive as fresh pages
     * and page-fault again (measured: 10% of the CPU time of an rf sweep). At the largest allowed
     * threshold they come from each thread's arena, and the trim threshold keeps freed memory there
     * for the next trial. Numbers are unaffected; the memory held is the peak already checked. */
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
#endif
}
