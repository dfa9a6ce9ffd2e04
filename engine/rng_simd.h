/* rng_simd.h (internal to rng.c): the vectorised fast path of the ZIGNOR ziggurat. A kernel
 * evaluates the fast path on every word of a buffer already drawn from a stream, as if each began a
 * normal; rng.c then walks the buffer, taking the accepted results and running the rest of the
 * ziggurat (wedges, tail) where a word is rejected. Each kernel is compiled for its instruction set:
 * call it only where the processor has it. */
#ifndef SLT_RNG_SIMD_H
#define SLT_RNG_SIMD_H

#include <stddef.h>
#include <stdint.h>

/* For j < k = nw rounded down to a multiple of 8: y[j] = scale * (u_j * rx[j][1]), with u_j formed
 * from w[j] as in rng.c's zig_finish, bit for bit, and bit j % 8 of ok[j / 8] set if |u_j| < rx[j][0]
 * (the fast path accepts w[j]); rx[j] holds zig_ratio[i] and zig_x[i] for the layer i that w[j]
 * picks. Returns k. */
typedef size_t slt_zig_kernel(const uint64_t *w, const double (*rx)[2], size_t nw, double scale, double *y,
                              uint8_t *ok);

slt_zig_kernel slt_zig_fast_avx2, slt_zig_fast_avx512;

#endif
