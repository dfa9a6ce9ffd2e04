/* quantile.c: median and quartile aggregation of a simulated quantity over trials, for
 * experiments that declare it in quantile_cols (engine.c writes NAME_med, NAME_q1, NAME_q3).
 * Deterministic: the values are sorted, so the thread that produced each trial is irrelevant. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "slt.h"

int slt_is_quantile_col(const slt_experiment *e, size_t j)
{
    const char *name = e->sim_cols ? e->sim_cols[j] : NULL;
    for (const char *const *q = e->quantile_cols; name && q && *q; q++)
        if (!strcmp(*q, name))
            return 1;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Type-7 quantile of sorted v[0..n-1]; exact order statistics are returned as they are, so a
 * +inf (a censored run) never meets 0 * inf. */
static double sorted_quantile(const double *v, size_t n, double p)
{
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    double frac = h - (double)lo;
    if (frac == 0 || lo + 1 >= n)
        return v[lo];
    if (isinf(v[lo + 1]))
        return v[lo + 1];
    return v[lo] + frac * (v[lo + 1] - v[lo]);
}

long slt_quantiles(const double *x, size_t n, size_t stride, double q[3])
{
    q[0] = q[1] = q[2] = slt_empty();
    double *v = malloc((n + 1) * sizeof(double));
    size_t c = 0;
    for (size_t i = 0; v && i < n; i++) {
        double t = x[i * stride];
        if (!slt_is_empty(t) && !isnan(t))
            v[c++] = t;
    }
    if (c > 0) {
        qsort(v, c, sizeof(double), cmp_double);
        q[0] = sorted_quantile(v, c, 0.5);
        q[1] = sorted_quantile(v, c, 0.25);
        q[2] = sorted_quantile(v, c, 0.75);
    }
    free(v);
    return (long)c;
}
