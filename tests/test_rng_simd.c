/* The paths of slt_rng_normals (scalar, AVX2, AVX-512) give the same doubles and leave the stream in
 * the same state, so that a table does not depend on the processor; and the scalar path is the
 * generator every table was made with (hashes recorded from it before the vector paths existed,
 * commit 005eedf). Exact comparisons (memcmp): no tolerance. A path this processor lacks is skipped. */
#include <stdlib.h>
#include <string.h>

#include "engine/rng.h"
#include "engine/rng_simd.h"
#include "tests/check.h"

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* the normals of stream (seed, a, b) by `path`, hashed with the next 4 outputs of the stream */
static uint64_t hash_normals(uint64_t seed, uint64_t a, uint64_t b, size_t n, double scale, int path, double *x)
{
    gsl_rng *r = slt_rng_alloc(seed, a, b);
    slt_rng_normals_by(r, x, n, scale, path);
    uint64_t next[4];
    for (int k = 0; k < 4; k++)
        next[k] = gsl_rng_get(r);
    gsl_rng_free(r);
    return fnv(fnv(0xcbf29ce484222325ULL, x, n * sizeof *x), next, sizeof next);
}

static void golden(double *x)
{
    static const struct {
        uint64_t seed, a, b;
        size_t n;
        double scale;
        uint64_t hash;
    } g[] = {{1u, 0u, 0u, 1000000, 1, 0x366fe48da1844c91ULL},
             {42u, 3u, 7u, 100000, -0.3, 0xe7fcbc89157c9d64ULL},
             {2026u, 1u, 2u, 4097, 2.5, 0x8e8314e6289ccc1aULL},
             {7u, 0u, 9u, 17, 1, 0x684683504801a31fULL},
             {99u, 5u, 5u, 1, 1, 0x69e5ce9d92b3ab90ULL}};
    for (int p = 0; p < SLT_ZIG_PATHS; p++) {
        if (!slt_rng_path_supported(p)) {
            check_ok(1, "# SKIP %s: not on this processor", slt_rng_path_name(p));
            continue;
        }
        int same = 0;
        for (size_t c = 0; c < sizeof g / sizeof *g; c++)
            same += hash_normals(g[c].seed, g[c].a, g[c].b, g[c].n, g[c].scale, p, x) == g[c].hash;
        check_ok(same == (int)(sizeof g / sizeof *g), "%s: %d of 5 streams as recorded before vector paths existed",
                 slt_rng_path_name(p), same);
    }
}

/* path against scalar: many seeds and lengths, each from a fresh stream, outputs and end states */
static void lengths(int path, const char *how, double *x, double *y)
{
    static const size_t len[] = {0, 1, 7, 8, 9, 17, 63, 64, 65, 71, 255, 256, 257, 263, 300, 511, 1000, 4097, 1000000};
    static const double scales[] = {1.0, 0.7, -2.5};
    for (size_t l = 0; l < sizeof len / sizeof *len; l++) {
        int seeds = len[l] >= 1000000 ? 3 : 40, bad = 0;
        for (int s = 0; s < seeds; s++) {
            gsl_rng *r0 = slt_rng_alloc((uint64_t)s + 1, 11, len[l]), *r1 = slt_rng_alloc((uint64_t)s + 1, 11, len[l]);
            double sc = scales[s % 3];
            slt_rng_normals_by(r0, x, len[l], sc, SLT_ZIG_SCALAR);
            slt_rng_normals_by(r1, y, len[l], sc, path);
            bad += memcmp(x, y, len[l] * sizeof *x) != 0 ||
                   memcmp(gsl_rng_state(r0), gsl_rng_state(r1), gsl_rng_size(r0)) != 0;
            gsl_rng_free(r0);
            gsl_rng_free(r1);
        }
        check_ok(bad == 0, "%s%s = scalar, n = %zu: %d of %d seeds differ (normals or end state)",
                 slt_rng_path_name(path), how, len[l], bad, seeds);
    }
}

/* calls of many lengths in turn on one stream, each call by a different path (cycling through
 * those supported), against the same calls by the scalar path */
static void interleaved(double *x, double *y)
{
    int paths[SLT_ZIG_PATHS], np = 0, bad = 0;
    for (int p = 0; p < SLT_ZIG_PATHS; p++)
        if (slt_rng_path_supported(p))
            paths[np++] = p;
    for (uint64_t s = 1; s <= 10; s++) {
        gsl_rng *r0 = slt_rng_alloc(s, 5, 0), *r1 = slt_rng_alloc(s, 5, 0);
        uint64_t lcg = s;
        size_t at = 0;
        for (int c = 0; c < 300; c++) {
            lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t n = (size_t)(lcg >> 33) % 700;
            slt_rng_normals_by(r0, x + at, n, 1.0, SLT_ZIG_SCALAR);
            slt_rng_normals_by(r1, y + at, n, 1.0, paths[c % np]);
            at += n;
        }
        bad += memcmp(x, y, at * sizeof *x) != 0 || memcmp(gsl_rng_state(r0), gsl_rng_state(r1), gsl_rng_size(r0)) != 0;
        gsl_rng_free(r0);
        gsl_rng_free(r1);
    }
    check_ok(bad == 0, "300 calls of lengths 0-699 by paths in turn = scalar: %d of 10 streams differ", bad);
}

int main(void)
{
    enum { NMAX = 1000000 };
    double *x = malloc(NMAX * sizeof *x), *y = malloc(NMAX * sizeof *y);
    if (!x || !y)
        return 1;
    golden(x);
    for (int p = SLT_ZIG_AVX2; p < SLT_ZIG_PATHS; p++) {
        if (!slt_rng_path_supported(p)) {
            check_ok(1, "# SKIP %s: not on this processor", slt_rng_path_name(p));
            continue;
        }
        lengths(p, "", x, y);
        /* every wedge verdict through slt_zig_wedge (none from the polynomials): same again */
        slt_zig_margin = 10;
        lengths(p, " (wedges by slt_zig_wedge)", x, y);
        slt_zig_margin = 1e-9;
    }
    interleaved(x, y);
    check_ok(slt_rng_path_parse("scalar") == SLT_ZIG_SCALAR && slt_rng_path_parse("auto") == SLT_ZIG_AUTO &&
                 slt_rng_path_parse(NULL) == SLT_ZIG_AUTO && slt_rng_path_parse("avx") == -3 &&
                 slt_rng_path_parse("avx512") == (slt_rng_path_supported(SLT_ZIG_AVX512) ? SLT_ZIG_AVX512 : -2),
             "path names: scalar, auto (or unset), an unknown one, one this processor may lack");
    check_ok(slt_rng_path_supported(slt_rng_path()), "slt_rng_normals uses %s, a path this processor runs",
             slt_rng_path_name(slt_rng_path()));
    free(x);
    free(y);
    return check_done();
}
