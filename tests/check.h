/* check.h: a tiny TAP producer for sltsim's C unit tests (one "ok"/"not ok" line per check).
 * Header-only; no memory is returned. Each test program ends with `return check_done();`. */
#ifndef SLT_CHECK_H
#define SLT_CHECK_H
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

static int check_count_ = 0, check_failed_ = 0;

static __attribute__((unused)) void check_ok(int cond, const char *fmt, ...)
{
    va_list ap;
    check_count_++;
    if (!cond)
        check_failed_++;
    printf("%sok %d - ", cond ? "" : "not ", check_count_);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

/* |got - want| <= tol (absolute); prints both values so a failure explains itself. */
static __attribute__((unused)) void check_close(double got, double want, double tol, const char *what)
{
    int ok = isfinite(want) ? fabs(got - want) <= tol : (got == want);
    check_ok(ok, "%s: got %.12g want %.12g (tol %.3g)", what, got, want, tol);
}

/* relative closeness: |got - want| <= rel * |want| */
static __attribute__((unused)) void check_rel(double got, double want, double rel, const char *what)
{
    int ok = isfinite(want) ? fabs(got - want) <= rel * fabs(want) : (got == want);
    check_ok(ok, "%s: got %.12g want %.12g (rel %.3g)", what, got, want, rel);
}

/* simulated mean within k standard errors of theory */
static __attribute__((unused)) void check_se(double mean, double se, double theory, double k, const char *what)
{
    double z = se > 0 ? (mean - theory) / se : INFINITY;
    check_ok(fabs(z) <= k, "%s: sim %.6g +- %.3g vs theory %.6g (z = %.2f, allowed %.1f)",
             what, mean, se, theory, z, k);
}

static __attribute__((unused)) int check_done(void)
{
    printf("1..%d\n", check_count_);
    return 0; /* failures are reported through TAP, not the exit status */
}
#endif
