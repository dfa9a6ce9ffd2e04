/* rng_simd.c: the ziggurat's fast path on 4 (AVX2) or 8 (AVX-512) words at once, for rng.c, which
 * chooses one at run time (the rest of the library is built for any x86-64). Bit-identical to the
 * scalar fast path: the uniform u = (w >> 11) 2^-52 - 1 is formed exactly (see below), and the
 * product scale * (u * zig_x[i]) and the comparison |u| < zig_ratio[i] are the same IEEE operations
 * in the same order (no fused multiply-add: there is no addition to fuse). */
#include "rng_simd.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* u = k 2^-52 - 1 with k = w >> 11 < 2^53 (the scalar code: exact, as k converts exactly, the
 * scaling is by a power of two and the result, a multiple of 2^-52 in [-1, 1), is representable).
 * Here: with m the low 52 bits of k and t its top bit (the top bit of w), f = 1 + m 2^-52 is the
 * double with exponent 0 and mantissa m, and u = f - 2 + t, i.e. f - 1 (t = 1) or f - 2 (t = 0),
 * again exact: the same double. */
#define ZIG_MANT 0x000FFFFFFFFFFFFFLL
#define ZIG_ONE 0x3FF0000000000000LL

/* the accepted lanes (a bit each) of the 4 words at w, their results stored at y */
__attribute__((target("avx2"))) static inline int fast4(const uint64_t *w, const double (*rx)[2], __m256d sc,
                                                        double *y)
{
    const __m256i mant = _mm256_set1_epi64x(ZIG_MANT), one_bits = _mm256_set1_epi64x(ZIG_ONE);
    const __m256d one = _mm256_set1_pd(1.0), two = _mm256_set1_pd(2.0), sign = _mm256_set1_pd(-0.0);
    __m256i b = _mm256_loadu_si256((const __m256i *)w);
    __m256d p0 = _mm256_loadu_pd(rx[0]), p1 = _mm256_loadu_pd(rx[2]); /* r0 x0 r1 x1, r2 x2 r3 x3 */
    __m256d r = _mm256_permute4x64_pd(_mm256_unpacklo_pd(p0, p1), 0xD8); /* r0 r2 r1 r3 -> r0 r1 r2 r3 */
    __m256d xi = _mm256_permute4x64_pd(_mm256_unpackhi_pd(p0, p1), 0xD8);
    __m256d f = _mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(_mm256_srli_epi64(b, 11), mant), one_bits));
    __m256d u = _mm256_sub_pd(f, _mm256_blendv_pd(two, one, _mm256_castsi256_pd(b))); /* by w's top bit */
    _mm256_storeu_pd(y, _mm256_mul_pd(sc, _mm256_mul_pd(u, xi)));
    return _mm256_movemask_pd(_mm256_cmp_pd(_mm256_andnot_pd(sign, u), r, _CMP_LT_OQ));
}

__attribute__((target("avx2"))) size_t slt_zig_fast_avx2(const uint64_t *w, const double (*rx)[2], size_t nw,
                                                         double scale, double *y, uint8_t *ok)
{
    const __m256d sc = _mm256_set1_pd(scale);
    size_t k = 0;
    for (; k + 8 <= nw; k += 8)
        ok[k / 8] = (uint8_t)(fast4(w + k, rx + k, sc, y + k) | fast4(w + k + 4, rx + k + 4, sc, y + k + 4) << 4);
    return k;
}

__attribute__((target("avx512f"))) size_t slt_zig_fast_avx512(const uint64_t *w, const double (*rx)[2],
                                                              size_t nw, double scale, double *y, uint8_t *ok)
{
    const __m512i mant = _mm512_set1_epi64(ZIG_MANT), one_bits = _mm512_set1_epi64(ZIG_ONE),
                  top = _mm512_set1_epi64(INT64_MIN), even = _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0),
                  odd = _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1);
    const __m512d one = _mm512_set1_pd(1.0), two = _mm512_set1_pd(2.0), sc = _mm512_set1_pd(scale);
    size_t k = 0;
    for (; k + 8 <= nw; k += 8) {
        __m512i b = _mm512_loadu_si512(w + k);
        __m512d p0 = _mm512_loadu_pd(rx[k]), p1 = _mm512_loadu_pd(rx[k + 4]);
        __m512d r = _mm512_permutex2var_pd(p0, even, p1), xi = _mm512_permutex2var_pd(p0, odd, p1);
        __m512d f = _mm512_castsi512_pd(_mm512_or_si512(_mm512_and_si512(_mm512_srli_epi64(b, 11), mant), one_bits));
        __m512d u = _mm512_sub_pd(f, _mm512_mask_blend_pd(_mm512_test_epi64_mask(b, top), two, one));
        ok[k / 8] = (uint8_t)_mm512_cmp_pd_mask(_mm512_abs_pd(u), r, _CMP_LT_OQ);
        _mm512_storeu_pd(y + k, _mm512_mul_pd(sc, _mm512_mul_pd(u, xi)));
    }
    return k;
}

#else /* not x86-64: never called (rng.c finds no AVX), defined so that the library links */
size_t slt_zig_fast_avx2(const uint64_t *w, const double (*rx)[2], size_t nw, double scale, double *y, uint8_t *ok)
{
    return 0;
}
size_t slt_zig_fast_avx512(const uint64_t *w, const double (*rx)[2], size_t nw, double scale, double *y, uint8_t *ok)
{
    return 0;
}
#endif
