/* rng.c: xoshiro256++ (Blackman & Vigna 2018) as a gsl_rng_type, SplitMix64 stream seeding, and
 * Doornik's ZIGNOR ziggurat ("An improved ziggurat method to generate normal random samples",
 * 2005) reading the xoshiro state inline. */
#include "rng.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rng_simd.h"

typedef struct {
    uint64_t s[4];
} xoshiro_state;

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t xoshiro_next(xoshiro_state *st)
{
    uint64_t *s = st->s;
    uint64_t result = rotl(s[0] + s[3], 23) + s[0];
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

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
static double zig_rx[ZIG_C][2] __attribute__((aligned(16))); /* {zig_ratio[i], zig_x[i]}: one load for both */
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
    for (int i = 0; i < ZIG_C; i++) {
        zig_ratio[i] = zig_x[i + 1] / zig_x[i];
        zig_rx[i][0] = zig_ratio[i];
        zig_rx[i][1] = zig_x[i];
    }
}

/* Where the ziggurat takes its words: first those of a buffer already drawn from the stream (by
 * the vectorised paths), then the stream itself; with an empty buffer, the stream alone. */
typedef struct {
    const uint64_t *p, *end;
    xoshiro_state *st;
} word_src;

static inline uint64_t next_word(word_src *w) { return w->p < w->end ? *w->p++ : xoshiro_next(w->st); }
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
static __attribute__((noinline)) double zig_finish(word_src *w, uint64_t bits)
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
        double f0 = exp(-0.5 * (zig_x[i] * zig_x[i] - x * x));
        double f1 = exp(-0.5 * (zig_x[i + 1] * zig_x[i + 1] - x * x));
        if (f1 + u01(w) * (f0 - f1) < 1.0)
            return x;
    }
}

static inline double zig_normal(xoshiro_state *st)
{
    uint64_t bits = xoshiro_next(st);
    double u = (double)(bits >> 11) * 0x1.0p-52 - 1.0; /* the fast path of zig_finish, inline */
    int i = (int)(bits & 0x7F);
    if (fabs(u) < zig_ratio[i])
        return u * zig_x[i];
    word_src w = {NULL, NULL, st};
    return zig_finish(&w, bits);
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

/* The vectorised paths. The stream is sequential: the scalar generator draws a buffer of words,
 * with the table entries of the layer each picks (scalar loads: a vector gather costs more). The fast path's result and verdict depend only on
 * the word, so `fast` evaluates them for every word of the buffer at once; then the walk takes the
 * runs of accepted words as they are and sends each rejected word through zig_finish, which takes
 * any further words it needs from the buffer first (those are then not normals of their own). The
 * buffer never holds more words than the normals still to make (each takes at least one), so the
 * stream ends where the scalar path leaves it. */
#define ZIG_BUF 256

/* the end of the run of set bits of ok starting at bit j, at most k */
static size_t run_end(const uint8_t *ok, size_t j, size_t k)
{
    while (j < k) {
        unsigned z = ~(unsigned)ok[j / 8] >> (j % 8) & 0xFFu >> (j % 8);
        if (z)
            return j + (size_t)__builtin_ctz(z) < k ? j + (size_t)__builtin_ctz(z) : k;
        j = (j / 8 + 1) * 8;
    }
    return k;
}

static void normals_blocked(xoshiro_state *st, double *x, size_t n, double scale, slt_zig_kernel *fast)
{
    uint64_t buf[ZIG_BUF];
    double rx[ZIG_BUF][2] __attribute__((aligned(16))), y[ZIG_BUF];
    uint8_t ok[ZIG_BUF / 8];
    size_t done = 0;
    while (done < n) {
        size_t nw = n - done < ZIG_BUF ? n - done : ZIG_BUF;
        for (size_t j = 0; j < nw; j++) {
            uint64_t b = xoshiro_next(st);
            buf[j] = b;
            memcpy(rx[j], zig_rx[b & 0x7F], sizeof rx[j]);
        }
        size_t k = fast(buf, rx, nw, scale, y, ok);
        word_src w = {buf, buf + nw, st};
        while (w.p < w.end) {
            size_t j = (size_t)(w.p - buf), e = run_end(ok, j, k);
            if (e > j) {
                memcpy(x + done, y + j, (e - j) * sizeof *x);
                done += e - j;
                w.p = buf + e;
            } else { /* rejected, or past the vectors */
                uint64_t bits = *w.p++;
                x[done++] = scale * zig_finish(&w, bits);
            }
        }
    }
}

static int path_ok(int path)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    return path == SLT_ZIG_SCALAR || (path == SLT_ZIG_AVX2 && __builtin_cpu_supports("avx2")) ||
           (path == SLT_ZIG_AVX512 && __builtin_cpu_supports("avx512f"));
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
    if (path == SLT_ZIG_SCALAR || n < 16) /* too few to gain from vectors */
        normals_scalar(r->state, x, n, scale);
    else
        normals_blocked(r->state, x, n, scale, path == SLT_ZIG_AVX2 ? slt_zig_fast_avx2 : slt_zig_fast_avx512);
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
