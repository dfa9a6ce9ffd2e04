/* clones.h (internal): function clones for the processor found at load time (GCC on x86-64; clang
 * 14 cannot call its clones across files, so the fuzz build and other compilers or processors get
 * the generic code). SLT_CLONES: AVX2 and generic; SLT_CLONES_512: AVX-512, AVX2 and generic. A
 * clone compiled for AVX2 alone has no FMA, so loops without contraction give the same bits in
 * every clone; where AVX-512 (and so FMA) is among them, add optimize("fp-contract=off") if the
 * bits must not depend on the processor. */
#ifndef SLT_CLONES_H
#define SLT_CLONES_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SLT_CLONES __attribute__((target_clones("avx2", "default")))
#define SLT_CLONES_512 __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SLT_CLONES
#define SLT_CLONES_512
#endif

#endif
