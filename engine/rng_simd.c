/* rng_simd.c: the ziggurat of rng.c with its fast path in vectors, by AVX2 or AVX-512, for rng.c,
 * which chooses one at run time (the rest of the library is built for any x86-64). Same doubles as
 * the scalar path, bit for bit, and the stream left in the same state.
 *
 * The stream is sequential, so a block of its words is made in passes over arrays (in the first
 * level cache): the state's steps in scalar code (s0 and s3 kept for each word: 7 integer operations
 * a step instead of 10), the xoshiro256++ scrambler rotl(s0 + s3, 23) + s0 and the layer of each word
 * in vectors, the table lookups in scalar code (a vector gather costs more), the fast path in vectors
 * (as if each word began a normal: its result and verdict depend on the word alone), the wedge tests
 * of the rejected words together (zig_wedges), and last the walk, which takes the words in order:
 * the accepted ones as they are, the rejected ones through the wedge (whose uniform is the next word,
 * then not a normal of its own) or through rng.c's slt_zig_finish (the tail; a uniform past the
 * block). A block never holds more words than the normals still to make (each takes at least one),
 * so the stream ends where the scalar path leaves it. */
#include "rng_simd.h"

#include <math.h>
#include <string.h>

double slt_zig_margin = 1e-9; /* see zig_wedges */

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define ZIG_BUF 256 /* words per block; a multiple of 8 */

typedef struct {
    uint64_t s0[ZIG_BUF], s3[ZIG_BUF], w[ZIG_BUF + 1], layer[ZIG_BUF];
    double ratio[ZIG_BUF], x[ZIG_BUF], y[ZIG_BUF];
    uint8_t ok[ZIG_BUF / 8], settled[ZIG_BUF], wedge[ZIG_BUF];
    /* the words the fast path rejects, the arguments of their wedge tests (see zig_wedges) */
    uint32_t rej[ZIG_BUF];
    double a0[ZIG_BUF + 8], a1[ZIG_BUF + 8], un[ZIG_BUF + 8];
} zig_block;

typedef double v8d __attribute__((vector_size(64)));
typedef double v8d_u __attribute__((vector_size(64), aligned(8)));

/* the steps of the state for words [from, to) (to - from a multiple of 8), s0 and s3 before each kept;
 * with `look`, also the table entries of the layers of words [from - ZIG_SUB, to - ZIG_SUB), whose
 * loads and stores the processor runs beside the steps' integer operations */
#define ZIG_SUB 32
static inline __attribute__((always_inline)) void zig_steps(xoshiro_state *st, zig_block *b, size_t from, size_t to,
                                                            int look, const double *zr, const double *zx)
{
    uint64_t s0 = st->s[0], s1 = st->s[1], s2 = st->s[2], s3 = st->s[3];
    for (size_t j = from; j < to; j += 8)
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
            if (look) {
                uint64_t i = b->layer[l - ZIG_SUB];
                __asm__("" : "+r"(i)); /* scalar loads and stores, not the compiler's vector inserts */
                b->ratio[l - ZIG_SUB] = zr[i];
                b->x[l - ZIG_SUB] = zx[i];
            }
        }
    st->s[0] = s0, st->s[1] = s1, st->s[2] = s2, st->s[3] = s3;
}

/* the table entries of the layers of words [from, to) */
static inline __attribute__((always_inline)) void zig_lookup(zig_block *b, size_t from, size_t to, const double *zr,
                                                             const double *zx)
{
    for (size_t l = from; l < to; l++) {
        uint64_t i = b->layer[l];
        __asm__("" : "+r"(i));
        b->ratio[l] = zr[i];
        b->x[l] = zx[i];
    }
}

/* The wedge tests of the block's rejected words. A word r the fast path rejects, of a layer i > 0,
 * with a next word in the block, takes that word as the uniform U of its wedge test (rng.c's
 * slt_zig_wedge): f1 + U (f0 - f1) < 1 with f0 = exp(a0), f1 = exp(a1), a0 = -(x_i^2 - x^2)/2,
 * a1 = -(x_{i+1}^2 - x^2)/2. Only the verdict matters, not the exponentials, so it is taken from
 * Taylor polynomials of degree 12 where that is safe: for |a| <= 0.8 (every layer has
 * |a| <= (x_i^2 - x_{i+1}^2)/2 <= 0.732) their error is below 0.8^13/13! e^0.8 < 2e-11 relative, with
 * rounding a few units in the last place (and a0, a1 here may differ from the scalar path's by a
 * rounding or a fused multiply-add: below 1e-14), and f0, f1 <= e^0.8 < 2.3, so d = f1 + U (f0 - f1)
 * is within 2e-10 of the same expression on libm's exp (itself within an ulp of the true value):
 * where d is further than slt_zig_margin = 1e-9 from 1 the verdicts agree. Nearer, or for |a| > 0.8,
 * slt_zig_wedge itself decides. The verdicts are therefore those of the scalar path. Returns the
 * number of rejected words (listed in rej). */

static const double inv_fact[13] = {1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040,
                                    1.0 / 40320, 1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600};

/* *a = the polynomial at *a (by pointer: no vector in the ABI of a function built for any x86-64) */
static inline __attribute__((always_inline)) void exp_taylor(v8d *a)
{
    v8d p = *a * inv_fact[12] + inv_fact[11];
#pragma GCC unroll 11
    for (int q = 10; q >= 0; q--)
        p = p * *a + inv_fact[q];
    *a = p;
}

static inline __attribute__((always_inline)) size_t zig_wedges(zig_block *b, size_t k, size_t nw, const double *zx)
{
    size_t m = 0;
    for (size_t j = 0; j < k; j += 64) {
        uint64_t z = 0;
        for (size_t h = j; h < j + 64 && h < k; h += 8)
            z |= (uint64_t)(uint8_t)~b->ok[h / 8] << (h - j);
        for (; z; z &= z - 1)
            b->rej[m++] = (uint32_t)(j + (size_t)__builtin_ctzll(z));
    }
    b->w[nw] = 0; /* a uniform for the last word, never used (the last word is not settled) */
    for (size_t t = 0; t < m; t++) {
        uint32_t r = b->rej[t];
        uint64_t i = b->layer[r];
        double u = (double)(b->w[r] >> 11) * 0x1.0p-52 - 1.0, x = u * zx[i];
        b->settled[r] = r + 1 < nw && i != 0;
        b->a0[t] = -0.5 * (zx[i] * zx[i] - x * x);
        b->a1[t] = -0.5 * (zx[i + 1] * zx[i + 1] - x * x);
        b->un[t] = (double)(b->w[r + 1] >> 11) * 0x1.0p-53;
    }
    for (size_t t = 0; t < m; t += 8) {
        v8d a0 = *(const v8d_u *)(b->a0 + t), a1 = *(const v8d_u *)(b->a1 + t), un = *(const v8d_u *)(b->un + t);
        exp_taylor(&a0);
        exp_taylor(&a1);
        v8d d = a1 + un * (a0 - a1); /* f1 + U (f0 - f1) */
        for (size_t l = t; l < m && l < t + 8; l++) {
            double dl = d[l - t];
            uint32_t r = b->rej[l];
            b->wedge[r] = dl < 1;
            if (b->settled[r] && !(fabs(b->a0[l]) <= 0.8 && fabs(b->a1[l]) <= 0.8 && fabs(dl - 1) > slt_zig_margin))
                b->wedge[r] = (uint8_t)slt_zig_wedge(b->w[r], b->w[r + 1]);
        }
    }
    return m;
}

typedef size_t zig_pack_fn(const double *y, unsigned keep, double *dst);

/* The normals of words [a, e) of the block: y[j] where bit j of keep is set, in order at x + *done
 * (pack stores those of 8 words, the bits of keep set for them, and returns their number). */
static inline __attribute__((always_inline)) void zig_flush(const zig_block *b, const uint8_t *keep, size_t a,
                                                            size_t e, double *x, size_t *done, zig_pack_fn *pack)
{
    for (size_t j = a / 8 * 8; j < e; j += 8) {
        unsigned m = keep[j / 8];
        if (j < a)
            m &= 0xFFu << (a - j);
        if (j + 8 > e)
            m &= 0xFFu >> (j + 8 - e);
        *done += pack(b->y + j, m, x + *done);
    }
}

/* *y = scale times the normal of slt_zig_finish from word j of the block's nw; returns where the
 * next normal begins (nw if slt_zig_finish went past the block) */
static inline size_t zig_word(const zig_block *b, size_t j, size_t nw, xoshiro_state *st, double *y, double scale)
{
    word_src w = {b->w + j + 1, b->w + nw, st};
    *y = scale * slt_zig_finish(&w, b->w[j]);
    return (size_t)(w.p - b->w);
}

typedef void zig_vec_fn(zig_block *b, size_t from, size_t to);
typedef void zig_fast_fn(zig_block *b, size_t k, double scale);

/* The path whose vector passes are `words` (the scrambler and the layers of words [from, to)), `fast`
 * (the fast path of k words) and `pack`, inlined into each path, compiled for its instruction set. */
static inline __attribute__((always_inline)) void zig_run(xoshiro_state *stream, double *x, size_t n,
                                                          double scale, const double *zr, const double *zx,
                                                          zig_vec_fn *words, zig_fast_fn *fast, zig_pack_fn *pack)
{
    xoshiro_state st[1] = {*stream}; /* a copy the compiler can keep in registers */
    zig_block b;
    size_t done = 0;
    while (done < n) {
        size_t nw = n - done < ZIG_BUF ? n - done : ZIG_BUF, k = nw / 8 * 8;
        /* in pieces of ZIG_SUB words, the lookups of each beside the steps of the next */
        size_t c = k < ZIG_SUB ? k : ZIG_SUB, looked = 0;
        zig_steps(st, &b, 0, c, 0, zr, zx);
        words(&b, 0, c);
        for (size_t j = c; j < k; j += ZIG_SUB) {
            size_t e = j + ZIG_SUB < k ? j + ZIG_SUB : k;
            zig_steps(st, &b, j, e, 1, zr, zx);
            looked = e - ZIG_SUB;
            words(&b, j, e);
        }
        zig_lookup(&b, looked, k, zr, zx);
        for (size_t j = k; j < nw; j++) /* the last few, not a whole vector */
            b.w[j] = xoshiro_next(st);
        fast(&b, k, scale);
        size_t m = zig_wedges(&b, k, nw, zx), pos = 0, from = 0;
        /* the walk: which words give normals (keep), flushed in order before each word that goes
         * through slt_zig_finish and at the end. x has room for what is written at x + done: the
         * words left in the block are at most the normals left. */
        uint8_t keep[ZIG_BUF / 8];
        memcpy(keep, b.ok, k / 8);
        for (size_t t = 0; t < m; t++) {
            size_t r = b.rej[t];
            if (r < pos) /* taken as a uniform */
                continue;
            if (b.settled[r]) {
                keep[r / 8] |= (uint8_t)(b.wedge[r] << r % 8);
                if (r + 1 < k)
                    keep[(r + 1) / 8] &= (uint8_t)~(1u << (r + 1) % 8);
                pos = r + 2;
            } else {
                zig_flush(&b, keep, from, r, x, &done, pack);
                from = pos = zig_word(&b, r, nw, st, x + done++, scale);
            }
        }
        zig_flush(&b, keep, from, k, x, &done, pack);
        for (pos = pos > k ? pos : k; pos < nw;) /* the last few, not a whole vector */
            pos = zig_word(&b, pos, nw, st, x + done++, scale);
    }
    *stream = st[0];
}

/* The fast path, bit for bit that of rng.c: y = scale * (u * zig_x[i]) and the verdict |u| < zig_ratio[i]
 * are the same IEEE operations in the same order (no addition to fuse with a multiplication), and u,
 * (w >> 11) 2^-52 - 1 in the scalar code (exact: k = w >> 11 < 2^53 converts exactly, the scaling is
 * by a power of two and the result, a multiple of 2^-52 in [-1, 1), is representable), is formed
 * exactly here too: with m the low 52 bits of k and t its top bit (the top bit of w), f = 1 + m 2^-52
 * is the double with exponent 0 and mantissa m, and u = f - 2 + t, i.e. f - 1 (t = 1) or f - 2 (t = 0),
 * exact again: the same double. */
#define ZIG_MANT 0x000FFFFFFFFFFFFFLL
#define ZIG_ONE 0x3FF0000000000000LL

__attribute__((target("avx2,fma"))) static void words_avx2(zig_block *b, size_t from, size_t to)
{
    const __m256i layer = _mm256_set1_epi64x(0x7F);
    for (size_t j = from; j < to; j += 4) {
        __m256i s0 = _mm256_loadu_si256((const __m256i *)(b->s0 + j));
        __m256i s = _mm256_add_epi64(s0, _mm256_loadu_si256((const __m256i *)(b->s3 + j)));
        __m256i w = _mm256_add_epi64(_mm256_or_si256(_mm256_slli_epi64(s, 23), _mm256_srli_epi64(s, 41)), s0);
        _mm256_storeu_si256((__m256i *)(b->w + j), w);
        _mm256_storeu_si256((__m256i *)(b->layer + j), _mm256_and_si256(w, layer));
    }
}

__attribute__((target("avx2,fma"))) static void fast_avx2(zig_block *b, size_t k, double scale)
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

__attribute__((target("avx512f,fma"))) static void words_avx512(zig_block *b, size_t from, size_t to)
{
    const __m512i layer = _mm512_set1_epi64(0x7F);
    for (size_t j = from; j < to; j += 8) {
        __m512i s0 = _mm512_loadu_si512(b->s0 + j);
        __m512i w = _mm512_add_epi64(_mm512_rol_epi64(_mm512_add_epi64(s0, _mm512_loadu_si512(b->s3 + j)), 23), s0);
        _mm512_storeu_si512(b->w + j, w);
        _mm512_storeu_si512(b->layer + j, _mm512_and_si512(w, layer));
    }
}

__attribute__((target("avx512f,fma"))) static void fast_avx512(zig_block *b, size_t k, double scale)
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

/* the 4 doubles at y whose bits of keep are set, stored in order at dst; returns their number */
__attribute__((target("avx2,fma"))) static inline size_t pack4(const double *y, unsigned keep, double *dst)
{
    static const int32_t perm[16][8] = { /* pairs of 32-bit lanes: lanes of the kept doubles first */
        {0, 1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7}, {2, 3, 0, 1, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7},
        {4, 5, 0, 1, 2, 3, 6, 7}, {0, 1, 4, 5, 2, 3, 6, 7}, {2, 3, 4, 5, 0, 1, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7},
        {6, 7, 0, 1, 2, 3, 4, 5}, {0, 1, 6, 7, 2, 3, 4, 5}, {2, 3, 6, 7, 0, 1, 4, 5}, {0, 1, 2, 3, 6, 7, 4, 5},
        {4, 5, 6, 7, 0, 1, 2, 3}, {0, 1, 4, 5, 6, 7, 2, 3}, {2, 3, 4, 5, 6, 7, 0, 1}, {0, 1, 2, 3, 4, 5, 6, 7}};
    static const int64_t first[5][4] = {{0, 0, 0, 0}, {-1, 0, 0, 0}, {-1, -1, 0, 0}, {-1, -1, -1, 0}, {-1, -1, -1, -1}};
    __m256 v = _mm256_castpd_ps(_mm256_loadu_pd(y));
    __m256d c = _mm256_castps_pd(_mm256_permutevar8x32_ps(v, _mm256_loadu_si256((const __m256i *)perm[keep])));
    size_t cnt = (size_t)__builtin_popcount(keep);
    _mm256_maskstore_pd(dst, _mm256_loadu_si256((const __m256i *)first[cnt]), c);
    return cnt;
}

__attribute__((target("avx2,fma"))) static size_t pack_avx2(const double *y, unsigned keep, double *dst)
{
    if (keep == 0xFF) { /* the usual case */
        _mm256_storeu_pd(dst, _mm256_loadu_pd(y));
        _mm256_storeu_pd(dst + 4, _mm256_loadu_pd(y + 4));
        return 8;
    }
    size_t c = pack4(y, keep & 0xF, dst);
    return c + pack4(y + 4, keep >> 4, dst + c);
}

__attribute__((target("avx512f,fma"))) static size_t pack_avx512(const double *y, unsigned keep, double *dst)
{
    __m512d c = _mm512_maskz_compress_pd((__mmask8)keep, _mm512_loadu_pd(y));
    unsigned cnt = (unsigned)__builtin_popcount(keep);
    _mm512_mask_storeu_pd(dst, (__mmask8)((1u << cnt) - 1), c);
    return cnt;
}

__attribute__((target("avx2,fma"))) void slt_zig_avx2(xoshiro_state *st, double *x, size_t n, double scale,
                                                      const double *zr, const double *zx)
{
    zig_run(st, x, n, scale, zr, zx, words_avx2, fast_avx2, pack_avx2);
}

__attribute__((target("avx512f,fma"))) void slt_zig_avx512(xoshiro_state *st, double *x, size_t n, double scale,
                                                           const double *zr, const double *zx)
{
    zig_run(st, x, n, scale, zr, zx, words_avx512, fast_avx512, pack_avx512);
}

#else /* not x86-64: never called (rng.c finds no AVX), defined so that the library links */
void slt_zig_avx2(xoshiro_state *st, double *x, size_t n, double scale, const double *zr, const double *zx) {}
void slt_zig_avx512(xoshiro_state *st, double *x, size_t n, double scale, const double *zr, const double *zx) {}
#endif
