/* rng_simd.c: the ziggurat with its fast path on 8 words at once, by AVX2 (two vectors of 4) or
 * AVX-512, for rng.c, which chooses one at run time (the rest of the library is built for any
 * x86-64). Same doubles as the scalar path, bit for bit: the uniform u = (w >> 11) 2^-52 - 1 is
 * formed exactly (see below), and the product scale * (u * zig_x[i]) and the comparison
 * |u| < zig_ratio[i] are the same IEEE operations in the same order (no fused multiply-add: there is
 * no addition to fuse); the words the fast path rejects go through rng.c's slt_zig_finish.
 *
 * The stream is sequential, so its words are drawn one by one, each with the table entries of the
 * layer it picks (scalar loads: a vector gather costs more), 8 at a time into a buffer a little
 * ahead of the 8 words the vectors evaluate (the processor overlaps the two). Where a word is
 * rejected the normals of the words before it are kept and slt_zig_finish takes the further words
 * it needs from the buffer first: those are then not normals of their own, and the vectors resume
 * after them. The buffer never holds more words than the normals still to make (each takes at
 * least one), so the stream ends where the scalar path leaves it. */
#include "rng_simd.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define ZIG_BUF 256 /* words per block; a multiple of 8 */

/* A block of words in passes over arrays (in the first level cache): the state's steps alone in
 * scalar code (s0 and s3 kept for each word: 7 integer operations a step instead of 10), the
 * xoshiro256++ scrambler rotl(s0 + s3, 23) + s0 and the layer index in vectors, the table lookups
 * in scalar code, the fast path in vectors. */
typedef struct {
    uint64_t s0[ZIG_BUF], s3[ZIG_BUF], w[ZIG_BUF], layer[ZIG_BUF];
    double ratio[ZIG_BUF], x[ZIG_BUF], y[ZIG_BUF + 8]; /* y: room to copy whole vectors */
    uint8_t ok[ZIG_BUF / 8];
} zig_block;

/* the steps of the state for k words (k a multiple of 8), s0 and s3 before each kept */
static inline __attribute__((always_inline)) void zig_steps(xoshiro_state *st, zig_block *b, size_t k)
{
    uint64_t s0 = st->s[0], s1 = st->s[1], s2 = st->s[2], s3 = st->s[3];
    for (size_t j = 0; j < k; j += 8)
#pragma GCC unroll 8
        for (size_t l = j; l < j + 8; l++) {
            b->s0[l] = s0;
            b->s3[l] = s3;
            uint64_t t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = rotl(s3, 45);
        }
    st->s[0] = s0, st->s[1] = s1, st->s[2] = s2, st->s[3] = s3;
}

/* the table entries of the layer of each of k words */
static inline __attribute__((always_inline)) void zig_lookup(zig_block *b, size_t k, const double *zr,
                                                             const double *zx)
{
    for (size_t j = 0; j < k; j += 8)
#pragma GCC unroll 8
        for (size_t l = j; l < j + 8; l++) {
            b->ratio[l] = zr[b->layer[l]];
            b->x[l] = zx[b->layer[l]];
        }
}

/* the end of the run of set bits of ok starting at bit j, at most k */
static inline size_t run_end(const uint8_t *ok, size_t j, size_t k)
{
    while (j < k) {
        unsigned z = (~(unsigned)ok[j / 8] >> (j % 8)) & (0xFFu >> (j % 8));
        if (z)
            return j + (size_t)__builtin_ctz(z) < k ? j + (size_t)__builtin_ctz(z) : k;
        j = (j / 8 + 1) * 8;
    }
    return k;
}

/* dst[i] = src[i], i < len, by 8 at a time where dst has room (room >= len) for the whole vectors */
static inline __attribute__((always_inline)) void copy_run(double *dst, const double *src, size_t len, size_t room)
{
    size_t i = 0;
    if ((len + 7) / 8 * 8 <= room)
        for (; i < len; i += 8)
            memcpy(dst + i, src + i, 8 * sizeof *dst);
    else
        for (; i < len; i++)
            dst[i] = src[i];
}

typedef void zig_vec_fn(zig_block *b, size_t k, double scale);

/* The path whose vector passes are `words` (the scrambler and the layers of k words) and `fast`
 * (the fast path of k words), inlined into each path, compiled for its instruction set. */
static inline __attribute__((always_inline)) void zig_run(xoshiro_state *stream, double *x, size_t n,
                                                          double scale, const double *zr, const double *zx,
                                                          zig_vec_fn *words, zig_vec_fn *fast)
{
    xoshiro_state st[1] = {*stream}; /* a copy the compiler can keep in registers */
    zig_block b;
    size_t done = 0;
    while (done < n) {
        size_t nw = n - done < ZIG_BUF ? n - done : ZIG_BUF, k = nw / 8 * 8;
        zig_steps(st, &b, k);
        words(&b, k, scale);
        for (size_t j = k; j < nw; j++) /* the last few, not a whole vector */
            b.w[j] = xoshiro_next(st);
        zig_lookup(&b, k, zr, zx);
        fast(&b, k, scale);
        /* the walk: runs of accepted words as they are, each rejected one through slt_zig_finish */
        word_src w = {b.w, b.w + nw, st};
        while (w.p < w.end) {
            size_t j = (size_t)(w.p - b.w), e = run_end(b.ok, j, k);
            if (e > j) {
                copy_run(x + done, b.y + j, e - j, n - done);
                done += e - j;
                w.p = b.w + e;
            } else {
                uint64_t bits = *w.p++;
                x[done++] = scale * slt_zig_finish(&w, bits);
            }
        }
    }
    *stream = st[0];
}

/* u = k 2^-52 - 1 with k = w >> 11 < 2^53 (the scalar code: exact, as k converts exactly, the
 * scaling is by a power of two and the result, a multiple of 2^-52 in [-1, 1), is representable).
 * Here: with m the low 52 bits of k and t its top bit (the top bit of w), f = 1 + m 2^-52 is the
 * double with exponent 0 and mantissa m, and u = f - 2 + t, i.e. f - 1 (t = 1) or f - 2 (t = 0),
 * again exact: the same double. */
#define ZIG_MANT 0x000FFFFFFFFFFFFFLL
#define ZIG_ONE 0x3FF0000000000000LL

__attribute__((target("avx2"))) static void words_avx2(zig_block *b, size_t k, double scale)
{
    const __m256i layer = _mm256_set1_epi64x(0x7F);
    for (size_t j = 0; j < k; j += 4) {
        __m256i s0 = _mm256_loadu_si256((const __m256i *)(b->s0 + j)), s = _mm256_add_epi64(s0, _mm256_loadu_si256((const __m256i *)(b->s3 + j)));
        __m256i w = _mm256_add_epi64(_mm256_or_si256(_mm256_slli_epi64(s, 23), _mm256_srli_epi64(s, 41)), s0);
        _mm256_storeu_si256((__m256i *)(b->w + j), w);
        _mm256_storeu_si256((__m256i *)(b->layer + j), _mm256_and_si256(w, layer));
    }
}

__attribute__((target("avx2"))) static void fast_avx2(zig_block *b, size_t k, double scale)
{
    const __m256i mant = _mm256_set1_epi64x(ZIG_MANT), one_bits = _mm256_set1_epi64x(ZIG_ONE);
    const __m256d one = _mm256_set1_pd(1.0), two = _mm256_set1_pd(2.0), sign = _mm256_set1_pd(-0.0),
                  sc = _mm256_set1_pd(scale);
    for (size_t j = 0; j < k; j += 8) {
        unsigned ok = 0;
        for (size_t h = 0; h < 8; h += 4) {
            __m256i w = _mm256_loadu_si256((const __m256i *)(b->w + j + h));
            __m256d f = _mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(_mm256_srli_epi64(w, 11), mant), one_bits));
            __m256d u = _mm256_sub_pd(f, _mm256_blendv_pd(two, one, _mm256_castsi256_pd(w))); /* by w's top bit */
            _mm256_storeu_pd(b->y + j + h, _mm256_mul_pd(sc, _mm256_mul_pd(u, _mm256_loadu_pd(b->x + j + h))));
            __m256d lt = _mm256_cmp_pd(_mm256_andnot_pd(sign, u), _mm256_loadu_pd(b->ratio + j + h), _CMP_LT_OQ);
            ok |= (unsigned)_mm256_movemask_pd(lt) << h;
        }
        b->ok[j / 8] = (uint8_t)ok;
    }
}

__attribute__((target("avx512f"))) static void words_avx512(zig_block *b, size_t k, double scale)
{
    const __m512i layer = _mm512_set1_epi64(0x7F);
    for (size_t j = 0; j < k; j += 8) {
        __m512i s0 = _mm512_loadu_si512(b->s0 + j);
        __m512i w = _mm512_add_epi64(_mm512_rol_epi64(_mm512_add_epi64(s0, _mm512_loadu_si512(b->s3 + j)), 23), s0);
        _mm512_storeu_si512(b->w + j, w);
        _mm512_storeu_si512(b->layer + j, _mm512_and_si512(w, layer));
    }
}

__attribute__((target("avx512f"))) static void fast_avx512(zig_block *b, size_t k, double scale)
{
    const __m512i mant = _mm512_set1_epi64(ZIG_MANT), one_bits = _mm512_set1_epi64(ZIG_ONE),
                  top = _mm512_set1_epi64(INT64_MIN);
    const __m512d one = _mm512_set1_pd(1.0), two = _mm512_set1_pd(2.0), sc = _mm512_set1_pd(scale);
    for (size_t j = 0; j < k; j += 8) {
        __m512i w = _mm512_loadu_si512(b->w + j);
        __m512d f = _mm512_castsi512_pd(_mm512_or_si512(_mm512_and_si512(_mm512_srli_epi64(w, 11), mant), one_bits));
        __m512d u = _mm512_sub_pd(f, _mm512_mask_blend_pd(_mm512_test_epi64_mask(w, top), two, one));
        b->ok[j / 8] = (uint8_t)_mm512_cmp_pd_mask(_mm512_abs_pd(u), _mm512_loadu_pd(b->ratio + j), _CMP_LT_OQ);
        _mm512_storeu_pd(b->y + j, _mm512_mul_pd(sc, _mm512_mul_pd(u, _mm512_loadu_pd(b->x + j))));
    }
}

__attribute__((target("avx2"))) void slt_zig_avx2(xoshiro_state *st, double *x, size_t n, double scale,
                                                  const double *zr, const double *zx)
{
    zig_run(st, x, n, scale, zr, zx, words_avx2, fast_avx2);
}

__attribute__((target("avx512f"))) void slt_zig_avx512(xoshiro_state *st, double *x, size_t n, double scale,
                                                       const double *zr, const double *zx)
{
    zig_run(st, x, n, scale, zr, zx, words_avx512, fast_avx512);
}

#else /* not x86-64: never called (rng.c finds no AVX), defined so that the library links */
void slt_zig_avx2(xoshiro_state *st, double *x, size_t n, double scale, const double *zr, const double *zx) {}
void slt_zig_avx512(xoshiro_state *st, double *x, size_t n, double scale, const double *zr, const double *zx) {}
#endif
