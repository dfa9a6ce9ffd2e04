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

/* u = k 2^-52 - 1 with k = w >> 11 < 2^53 (the scalar code: exact, as k converts exactly, the
 * scaling is by a power of two and the result, a multiple of 2^-52 in [-1, 1), is representable).
 * Here: with m the low 52 bits of k and t its top bit (the top bit of w), f = 1 + m 2^-52 is the
 * double with exponent 0 and mantissa m, and u = f - 2 + t, i.e. f - 1 (t = 1) or f - 2 (t = 0),
 * again exact: the same double. */
#define ZIG_MANT 0x000FFFFFFFFFFFFFLL
#define ZIG_ONE 0x3FF0000000000000LL

/* the fast path of the 4 words at w: results stored at y, the accepted lanes returned (a bit each) */
__attribute__((target("avx2"))) static inline unsigned fast4(const uint64_t *w, const double (*rx)[2],
                                                             double scale, double *y)
{
    const __m256i mant = _mm256_set1_epi64x(ZIG_MANT), one_bits = _mm256_set1_epi64x(ZIG_ONE);
    const __m256d one = _mm256_set1_pd(1.0), two = _mm256_set1_pd(2.0), sign = _mm256_set1_pd(-0.0);
    __m256i b = _mm256_loadu_si256((const __m256i *)w);
    __m256d p0 = _mm256_loadu_pd(rx[0]), p1 = _mm256_loadu_pd(rx[2]); /* r0 x0 r1 x1, r2 x2 r3 x3 */
    __m256d r = _mm256_permute4x64_pd(_mm256_unpacklo_pd(p0, p1), 0xD8); /* r0 r2 r1 r3 -> r0 r1 r2 r3 */
    __m256d xi = _mm256_permute4x64_pd(_mm256_unpackhi_pd(p0, p1), 0xD8);
    __m256d f = _mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(_mm256_srli_epi64(b, 11), mant), one_bits));
    __m256d u = _mm256_sub_pd(f, _mm256_blendv_pd(two, one, _mm256_castsi256_pd(b))); /* by w's top bit */
    _mm256_storeu_pd(y, _mm256_mul_pd(_mm256_set1_pd(scale), _mm256_mul_pd(u, xi)));
    return (unsigned)_mm256_movemask_pd(_mm256_cmp_pd(_mm256_andnot_pd(sign, u), r, _CMP_LT_OQ));
}

__attribute__((target("avx2"))) static inline unsigned fast8_avx2(const uint64_t *w, const double (*rx)[2],
                                                                  double scale, double *y)
{
    return fast4(w, rx, scale, y) | fast4(w + 4, rx + 4, scale, y + 4) << 4;
}

__attribute__((target("avx512f"))) static inline unsigned fast8_avx512(const uint64_t *w, const double (*rx)[2],
                                                                      double scale, double *y)
{
    const __m512i mant = _mm512_set1_epi64(ZIG_MANT), one_bits = _mm512_set1_epi64(ZIG_ONE),
                  top = _mm512_set1_epi64(INT64_MIN), even = _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0),
                  odd = _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1);
    const __m512d one = _mm512_set1_pd(1.0), two = _mm512_set1_pd(2.0);
    __m512i b = _mm512_loadu_si512(w);
    __m512d p0 = _mm512_loadu_pd(rx[0]), p1 = _mm512_loadu_pd(rx[4]);
    __m512d r = _mm512_permutex2var_pd(p0, even, p1), xi = _mm512_permutex2var_pd(p0, odd, p1);
    __m512d f = _mm512_castsi512_pd(_mm512_or_si512(_mm512_and_si512(_mm512_srli_epi64(b, 11), mant), one_bits));
    __m512d u = _mm512_sub_pd(f, _mm512_mask_blend_pd(_mm512_test_epi64_mask(b, top), two, one));
    _mm512_storeu_pd(y, _mm512_mul_pd(_mm512_set1_pd(scale), _mm512_mul_pd(u, xi)));
    return _mm512_cmp_pd_mask(_mm512_abs_pd(u), r, _CMP_LT_OQ);
}

#define ZIG_BUF 256 /* words; a multiple of 8 */

typedef unsigned fast8_fn(const uint64_t *w, const double (*rx)[2], double scale, double *y);

/* The path with fast8 as its vectors (inlined into each path, compiled for its instruction set). */
static inline __attribute__((always_inline)) void zig_run(xoshiro_state *stream, double *x, size_t n,
                                                          double scale, const double (*tab)[2], fast8_fn *fast8)
{
    xoshiro_state st[1] = {*stream}; /* a copy the compiler can keep in registers (buf might alias *stream) */
    uint64_t buf[ZIG_BUF];
    double rx[ZIG_BUF][2];
    size_t pos = 0, gen = 0, done = 0; /* buf[pos .. gen) drawn, not yet used */
    while (done < n) {
        if (gen - pos < 64) { /* draw up to 8 more words, never more than the normals left */
            if (gen + 8 > ZIG_BUF) {
                memmove(buf, buf + pos, (gen - pos) * sizeof *buf);
                memmove(rx, rx + pos, (gen - pos) * sizeof *rx);
                gen -= pos;
                pos = 0;
            }
            size_t room = n - done - (gen - pos), g = room < 8 ? room : 8;
            for (size_t j = 0; j < g; j++, gen++) {
                uint64_t b = xoshiro_next(st);
                buf[gen] = b;
                memcpy(rx[gen], tab[b & 0x7F], sizeof rx[gen]);
            }
        }
        if (gen - pos >= 8) { /* x has room for 8: the words drawn are at most the normals left */
            unsigned ok = fast8(buf + pos, rx + pos, scale, x + done);
            if (ok == 0xFF) {
                pos += 8;
                done += 8;
                continue;
            }
            unsigned j = (unsigned)__builtin_ctz(~ok);
            pos += j;
            done += j;
        }
        /* a rejected word, or fewer than 8 left */
        word_src w = {buf + pos + 1, buf + gen, st};
        x[done++] = scale * slt_zig_finish(&w, buf[pos]);
        pos = (size_t)(w.p - buf);
    }
    *stream = st[0];
}

__attribute__((target("avx2"))) void slt_zig_avx2(xoshiro_state *st, double *x, size_t n, double scale,
                                                  const double (*rx)[2])
{
    zig_run(st, x, n, scale, rx, fast8_avx2);
}

__attribute__((target("avx512f"))) void slt_zig_avx512(xoshiro_state *st, double *x, size_t n, double scale,
                                                       const double (*rx)[2])
{
    zig_run(st, x, n, scale, rx, fast8_avx512);
}

#else /* not x86-64: never called (rng.c finds no AVX), defined so that the library links */
void slt_zig_avx2(xoshiro_state *st, double *x, size_t n, double scale, const double (*rx)[2]) {}
void slt_zig_avx512(xoshiro_state *st, double *x, size_t n, double scale, const double (*rx)[2]) {}
#endif
