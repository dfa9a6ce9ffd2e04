/* rng.h: random streams for Monte Carlo trials: xoshiro256++ wrapped as a gsl_rng_type, one
 * independent stream per (batch, trial), and a fast ziggurat for normals. No memory is returned
 * except by slt_rng_alloc (free with gsl_rng_free). */
#ifndef SLT_RNG_H
#define SLT_RNG_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

extern const gsl_rng_type *slt_rng_xoshiro256pp;

/* A generator of type slt_rng_xoshiro256pp seeded for stream (a, b) of `seed`. NULL if out of
 * memory. Streams of distinct (seed, a, b) are independent for all practical purposes (the
 * state is four SplitMix64 outputs of a hash of the triple). */
gsl_rng *slt_rng_alloc(uint64_t seed, uint64_t a, uint64_t b);
void slt_rng_reseed(gsl_rng *r, uint64_t seed, uint64_t a, uint64_t b);

/* One standard normal (Doornik's ZIGNOR, 128 layers). r must be of type slt_rng_xoshiro256pp;
 * about 4x faster than gsl_ran_gaussian_ziggurat because it reads the state directly. */
double slt_rng_normal(gsl_rng *r);
/* x[i] = scale * N(0,1), i < n, by the path slt_rng_path() names */
void slt_rng_normals(gsl_rng *r, double *x, size_t n, double scale);

/* The paths of slt_rng_normals: the scalar ziggurat and its fast path vectorised with AVX2 or
 * AVX-512 (chosen at run time). All give the same doubles and leave the stream in the same state,
 * so a table does not depend on the processor; they differ only in speed. */
enum { SLT_ZIG_AUTO = -1, SLT_ZIG_SCALAR, SLT_ZIG_AVX2, SLT_ZIG_AVX512, SLT_ZIG_PATHS };
/* "scalar", "avx2", "avx512" */
const char *slt_rng_path_name(int path);
/* nonzero if this processor (and its operating system) runs the path */
int slt_rng_path_supported(int path);
/* A path by name: SLT_ZIG_AUTO for "auto", "" or NULL; -2 for a path this processor lacks; -3 for
 * an unknown name. */
int slt_rng_path_parse(const char *name);
/* The path slt_rng_normals uses, chosen once per process: the one the environment variable
 * SLTSIM_SIMD names (scalar, avx2, avx512) if supported, else (also for auto) the fastest here. */
int slt_rng_path(void);
/* slt_rng_normals by the given path; -1 (nothing drawn) if this processor lacks it */
int slt_rng_normals_by(gsl_rng *r, double *x, size_t n, double scale, int path);
/* x uniform on the sphere of radius `radius` in R^d */
void slt_rng_sphere(gsl_rng *r, double *x, size_t d, double radius);

#endif
