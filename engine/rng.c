/* rng.c: xoshiro256++ (Blackman & Vigna 2018) as a gsl_rng_type, SplitMix64 stream seeding, and
 * Doornik's ZIGNOR ziggurat ("An improved ziggurat method to generate normal random samples",
 * 2005) reading the xoshiro state inline. */
#include "rng.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

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

static inline double u01(xoshiro_state *st) { return (xoshiro_next(st) >> 11) * 0x1.0p-53; }

static __attribute__((noinline)) double zig_tail(xoshiro_state *st, int negative)
{
    double x, y;
    do {
        x = log(1.0 - u01(st)) / ZIG_R;
        y = log(1.0 - u01(st));
    } while (-2 * y < x * x);
    return negative ? x - ZIG_R : ZIG_R - x;
}

static inline __attribute__((always_inline)) double zig_normal(xoshiro_state *st)
{
    for (;;) {
        uint64_t bits = xoshiro_next(st);
        /* top 53 bits give u in [-1, 1); the low 7 bits, unused by u, pick the layer */
        double u = (double)(bits >> 11) * 0x1.0p-52 - 1.0;
        int i = (int)(bits & 0x7F);
        if (fabs(u) < zig_ratio[i])
            return u * zig_x[i];
        if (i == 0)
            return zig_tail(st, u < 0);
        double x = u * zig_x[i];
        double f0 = exp(-0.5 * (zig_x[i] * zig_x[i] - x * x));
        double f1 = exp(-0.5 * (zig_x[i + 1] * zig_x[i + 1] - x * x));
        if (f1 + u01(st) * (f0 - f1) < 1.0)
            return x;
    }
}

double slt_rng_normal(gsl_rng *r)
{
    pthread_once(&zig_once, zig_init);
    return zig_normal(r->state);
}

void slt_rng_normals(gsl_rng *r, double *x, size_t n, double scale)
{
    pthread_once(&zig_once, zig_init);
    /* a local copy of the state stays in registers through the inlined loop (25% faster than
     * through r->state; the same numbers) */
    xoshiro_state st = *(xoshiro_state *)r->state;
    for (size_t i = 0; i < n; i++)
        x[i] = scale * zig_normal(&st);
    *(xoshiro_state *)r->state = st;
}

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
