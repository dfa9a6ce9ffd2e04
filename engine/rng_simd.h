/* rng_simd.h (internal to the library): the xoshiro256++ step and the word source shared by rng.c
 * and rng_simd.c, and the vectorised paths of the ZIGNOR ziggurat. Each path is compiled for its
 * instruction set: call it only where the processor has it. */
#ifndef SLT_RNG_SIMD_H
#define SLT_RNG_SIMD_H

#include <stddef.h>
#include <stdint.h>

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

/* Where the ziggurat takes its words: first those of a buffer already drawn from the stream (by
 * the vectorised paths), then the stream itself; with an empty buffer, the stream alone. */
typedef struct {
    const uint64_t *p, *end;
    xoshiro_state *st;
} word_src;

static inline uint64_t next_word(word_src *w) { return w->p < w->end ? *w->p++ : xoshiro_next(w->st); }

/* rng.c: one standard normal by the ziggurat from its first word `bits`, any further words from w.
 * Every path runs this one copy (built for any x86-64) for the words its fast path rejects. */
double slt_zig_finish(word_src *w, uint64_t bits);
/* rng.c: the wedge test of slt_zig_finish for a word `bits` the fast path rejects, of a layer i > 0,
 * with `next` the word after it: nonzero if u zig_x[i] is the normal. */
int slt_zig_wedge(uint64_t bits, uint64_t next);

/* x[i] = scale * N(0,1), i < n, the same doubles as rng.c's scalar path and the stream left in the
 * same state; zr, zx: rng.c's zig_ratio and zig_x, the ziggurat's layers (ZIGNOR, 128 of them). */
typedef void slt_zig_path(xoshiro_state *st, double *x, size_t n, double scale, const double *zr,
                          const double *zx);

slt_zig_path slt_zig_avx2, slt_zig_avx512;

/* The vector paths take the verdict of a wedge test from polynomials where it is further than this
 * from the edge (1e-9), else from slt_zig_wedge (rng_simd.c explains). Changed only by the tests:
 * with a large margin every verdict comes from slt_zig_wedge. */
extern double slt_zig_margin;

#endif
