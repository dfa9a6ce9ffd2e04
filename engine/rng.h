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
/* x[i] = scale * N(0,1), i < n */
void slt_rng_normals(gsl_rng *r, double *x, size_t n, double scale);
/* x uniform on the sphere of radius `radius` in R^d */
void slt_rng_sphere(gsl_rng *r, double *x, size_t d, double radius);

#endif
