/* rng.c: xoshiro256++ (Blackman & Vigna 2018) as a gsl_rng_type, SplitMix64 stream seeding, and
 * Doornik's ZIGNOR ziggurat ("An improved ziggurat method to generate normal random samples",
 * 2005) reading the xoshiro state inline. */
#include "rng.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rng_simd.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void seed_state(xoshiro_state *st, uint64_t seed, uint64_t a, uint64_t b)
{
    /* Hash the triple through SplitMix64 so that neighbouring (a, b) give unrelated states. */
    uint64_t h = seed;
    uint64_t x = splitmix64(&h) ^ a;
    x = splitmix64(&x) ^ b;
    for (int i = 0; i < 4; i++)
        st->s[i] = splitmix64(&x);
    if (!(st->s[0] | st->s[1] | st->s[2] | st->s[3]))
        st->s[0] = 1; /* the all-zero state is the one forbidden state */
}

static void xo_set(void *vstate, unsigned long seed) { seed_state(vstate, seed, 0, 0); }
static unsigned long xo_get(void *vstate) { return xoshiro_next(vstate) >> 32; }
static double xo_get_double(void *vstate) { return (xoshiro_next(vstate) >> 11) * 0x1.0p-53; }

static const gsl_rng_type xoshiro_type = {"xoshiro256++", 0xffffffffUL, 0, sizeof(xoshiro_state),
                                          &xo_set, &xo_get, &xo_get_double};
const gsl_rng_type *slt_rng_xoshiro256pp = &xoshiro_type;

gsl_rng *slt_rng_alloc(uint64_t seed, uint64_t a, uint64_t b)
{
    gsl_rng *r = gsl_rng_alloc(slt_rng_xoshiro256pp);
    if (r)
        seed_state(r->state, seed, a, b);
    return r;
}

void slt_rng_reseed(gsl_rng *r, uint64_t seed, uint64_t a, uint64_t b) { seed_state(r->state, seed, a, b); }

/* ZIGNOR tables: computed once (read-only afterwards), shared by all threads. */
#define ZIG_C 128
#define ZIG_R 3.442619855899
#define ZIG_V 9.91256303526217e-3
static double zig_x[ZIG_C + 1], zig_ratio[ZIG_C];
static pthread_once_t zig_once = PTHREAD_ONCE_INIT;

static void zig_init(void)
{
    double f = exp(-0.5 * ZIG_R * ZIG_R);
    zig_x[0] = ZIG_V / f;
    zig_x[1] = ZIG_R;
    zig_x[ZIG_C] = 0;
    for (int i = 2; i < ZIG_C; i++) {
        zig_x[i] = sqrt(-2 * log(ZIG_V / zig_x[i - 1] + f));
        f = exp(-0.5 * zig_x[i] * zig_x[i]);
    }
    for (int i = 0; i < ZIG_C; i++)
        zig_ratio[i] = zig_x[i + 1] / zig_x[i];
}

static inline double u01(word_src *w) { return (next_word(w) >> 11) * 0x1.0p-53; }

static double zig_tail(word_src *w, int negative)
{
    double x, y;
    do {
        x = log(1.0 - u01(w)) / ZIG_R;
        y = log(1.0 - u01(w));
    } while (-2 * y < x * x);
    return negative ? x - ZIG_R : ZIG_R - x;
}

/* The ziggurat from its first word `bits`, drawing any further words from w. Every path runs this
 * one copy (built for any x86-64) for the words its fast path does not accept. */
double slt_zig_finish(word_src *w, uint64_t bits)
{
    for (;; bits = next_word(w)) {
        /* top 53 bits give u in [-1, 1); the low 7 bits, unused by u, pick the layer */
        double u = (double)(bits >> 11) * 0x1.0p-52 - 1.0;
        int i = (int)(bits & 0x7F);
        if (fabs(u) < zig_ratio[i])
            return u * zig_x[i];
        if (i == 0)
            return zig_tail(w, u < 0);
        double x = u * zig_x[i];
        if (slt_zig_wedge(bits, next_word(w)))
            return x;
    }
}

int slt_zig_wedge(uint64_t bits, uint64_t next)
{
    double u = (double)(bits >> 11) * 0x1.0p-52 - 1.0;
    int i = (int)(bits & 0x7F);
    double x = u * zig_x[i];
    double f0 = exp(-0.5 * (zig_x[i] * zig_x[i] - x * x));
    double f1 = exp(-0.5 * (zig_x[i + 1] * zig_x[i + 1] - x * x));
    return f1 + (double)(next >> 11) * 0x1.0p-53 * (f0 - f1) < 1.0;
}

static inline double zig_normal(xoshiro_state *st)
{
    uint64_t bits = xoshiro_next(st);
    double u = (double)(bits >> 11) * 0x1.0p-52 - 1.0; /* the fast path of slt_zig_finish, inline */
    int i = (int)(bits & 0x7F);
    if (fabs(u) < zig_ratio[i])
        return u * zig_x[i];
    word_src w = {NULL, NULL, st};
    return slt_zig_finish(&w, bits);
}

double slt_rng_normal(gsl_rng *r)
{
    pthread_once(&zig_once, zig_init);
    return zig_normal(r->state);
}

static void normals_scalar(xoshiro_state *st, double *x, size_t n, double scale)
{
    for (size_t i = 0; i < n; i++)
        x[i] = scale * zig_normal(st);
}

static int path_ok(int path)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    int fma = __builtin_cpu_supports("fma");
    return path == SLT_ZIG_SCALAR || (path == SLT_ZIG_AVX2 && fma && __builtin_cpu_supports("avx2")) ||
           (path == SLT_ZIG_AVX512 && fma && __builtin_cpu_supports("avx512f"));
#else
    return path == SLT_ZIG_SCALAR;
#endif
}

static const char *const path_names[SLT_ZIG_PATHS] = {"scalar", "avx2", "avx512"};

const char *slt_rng_path_name(int path) { return path >= 0 && path < SLT_ZIG_PATHS ? path_names[path] : "?"; }

int slt_rng_path_supported(int path) { return path >= 0 && path < SLT_ZIG_PATHS && path_ok(path); }

int slt_rng_path_parse(const char *name)
{
    if (!name || !*name || !strcmp(name, "auto"))
        return SLT_ZIG_AUTO;
    for (int p = 0; p < SLT_ZIG_PATHS; p++)
        if (!strcmp(name, path_names[p]))
            return path_ok(p) ? p : -2;
    return -3;
}

static int zig_path;
static pthread_once_t path_once = PTHREAD_ONCE_INIT;

static void path_init(void)
{
    int p = slt_rng_path_parse(getenv("SLTSIM_SIMD"));
    if (p < 0) /* auto, or a value the command line refuses */
        for (p = SLT_ZIG_PATHS - 1; !path_ok(p); p--)
            ;
    zig_path = p;
}

int slt_rng_path(void)
{
    pthread_once(&path_once, path_init);
    return zig_path;
}

static void normals_path(gsl_rng *r, double *x, size_t n, double scale, int path)
{
    pthread_once(&zig_once, zig_init);
    if (path == SLT_ZIG_SCALAR || n < 64) /* too few to gain from vectors (measured) */
        normals_scalar(r->state, x, n, scale);
    else
        (path == SLT_ZIG_AVX2 ? slt_zig_avx2 : slt_zig_avx512)(r->state, x, n, scale, zig_ratio, zig_x);
}

int slt_rng_normals_by(gsl_rng *r, double *x, size_t n, double scale, int path)
{
    if (!slt_rng_path_supported(path))
        return -1;
    normals_path(r, x, n, scale, path);
    return 0;
}

void slt_rng_normals(gsl_rng *r, double *x, size_t n, double scale) { normals_path(r, x, n, scale, slt_rng_path()); }

void slt_rng_sphere(gsl_rng *r, double *x, size_t d, double radius)
{
    double ss;
    do {
        slt_rng_normals(r, x, d, 1.0);
        ss = 0;
        for (size_t i = 0; i < d; i++)
            ss += x[i] * x[i];
    } while (ss == 0);
    double c = radius / sqrt(ss);
    for (size_t i = 0; i < d; i++)
        x[i] *= c;
}
