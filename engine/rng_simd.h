/* rng_simd.h (internal to rng.c): the vectorised fast path of the ZIGNOR ziggurat. A kernel takes
 * words already drawn from a stream and turns the leading run of them that the fast path accepts
 * into normals; rng.c runs the rest of the ziggurat (wedges, tail) for the first word it does not
 * accept. Each kernel is compiled for its instruction set; call it only where the processor has it. */
#ifndef SLT_RNG_SIMD_H
#define SLT_RNG_SIMD_H

#include <stddef.h>
#include <stdint.h>

/* For the leading words w[0], ..., w[k-1] that the fast path accepts, x[j] = scale * (u_j * zx[j])
 * with u_j as in rng.c's zig_normal, bit for bit, where zr[j] and zx[j] are the entries of zig_ratio
 * and zig_x for the layer w[j] picks (looked up by the caller: a gather costs more than the scalar
 * loads); returns k. Stops at the first word it rejects or where fewer words remain than the vector
 * holds (k <= nw). May write x[0 .. nw-1] (x must hold nw doubles); only x[0 .. k-1] are meaningful. */
typedef size_t slt_zig_kernel(const uint64_t *w, const double *zr, const double *zx, size_t nw, double *x,
                              double scale);

slt_zig_kernel slt_zig_fast_avx2, slt_zig_fast_avx512;

#endif
