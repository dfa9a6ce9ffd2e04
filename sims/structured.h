/* structured.h: structured random features (ORF, SORF, Fastfood, signed circulant) computed with
 * FFTW in O(N log d) per input. Plans and maps are owned by the caller (free with their _free). */
#ifndef SLT_STRUCTURED_H
#define SLT_STRUCTURED_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

/* Kinds of weight matrices; the index is the position of the word in slt_sf_names. */
enum {
    SLT_SF_IID = 0,    /* i.i.d. rows uniform on S^{d-1}(sqrt d) (dense) */
    SLT_SF_ORTHOGONAL, /* ORF: sqrt(d) Q, Q Haar (dense; any d) */
    SLT_SF_SORF,       /* sqrt(d) Hn D1 Hn D2 Hn D3 (d a power of 2) */
    SLT_SF_CIRCULANT,  /* C(g) D, ||g|| = sqrt(d) (any d) */
    SLT_SF_FASTFOOD,   /* H G Pi H B / ||G|| (d a power of 2) */
    SLT_SF_COUNT
};

/* CLI words, NULL-terminated: "iid", "orthogonal", "sorf", "circulant", "fastfood". */
extern const char *const slt_sf_names[];

/* Index of a word in slt_sf_names, or -1. */
int slt_sf_from_name(const char *word);

/* SLT_OK if kind can be built at dimension d (d >= 1; a power of 2 for sorf and fastfood),
 * SLT_EUSAGE otherwise. Experiments call it to reject a point with a clear message. */
int slt_sf_supported(int kind, size_t d);

/* Bytes a map of this kind, d and N holds (ingredients and work buffers), for memory checks. */
double slt_sf_map_bytes(int kind, size_t d, size_t N);

/* ---- plans: one per dimension d, shared read-only by all threads ----
 * Created with FFTW_ESTIMATE, so that the algorithm, hence every bit of the output, does not
 * depend on timing. FFTW's planner is not thread-safe: create and free plans outside parallel
 * regions (before the threads start, after they end). Executing is thread-safe. */
typedef struct slt_sf_plan slt_sf_plan;

/* NULL on failure. The Walsh-Hadamard plan exists only when d is a power of 2. */
slt_sf_plan *slt_sf_plan_alloc(size_t d);
void slt_sf_plan_free(slt_sf_plan *p);
size_t slt_sf_plan_dim(const slt_sf_plan *p);

/* Unnormalised Walsh-Hadamard transform in Sylvester order, in place:
 * x <- H x, H_ij = (-1)^popcount(i & j), d = slt_sf_plan_dim(p) a power of 2.
 * SLT_SF_WHT_FFTW: a rank-log2(d) FFTW r2r plan with every dimension of size 2 and kind
 * FFTW_R2HC; x must have the alignment of fftw_malloc memory. SLT_SF_WHT_BUTTERFLY: an in-place
 * butterfly loop, any x. Both give the same bits in the tests (d <= 4096); the butterfly is
 * about 4x faster here (d = 4096: ~14 us against ~60 us), so prefer it. Returns SLT_OK, or
 * SLT_EUSAGE (d not a power of 2, unknown method, misaligned x for the FFTW method). */
enum { SLT_SF_WHT_BUTTERFLY = 0, SLT_SF_WHT_FFTW = 1 };
int slt_sf_wht(const slt_sf_plan *p, int method, double *x);

/* ---- maps: the random ingredients of one draw of Theta (N x d), plus work buffers ----
 * N rows in ceil(N/d) independent blocks of d rows, the last truncated; every row has norm
 * sqrt(d). A map belongs to one thread at a time (its buffers are reused by apply); maps built
 * on one plan may be used on different threads at once. The plan must outlive its maps. */
typedef struct slt_sf_map slt_sf_map;

/* Allocate for kind and N >= 1 rows on plan p; draw with slt_sf_map_draw before use.
 * wht_method (SLT_SF_WHT_*) is the transform apply uses for sorf and fastfood.
 * NULL if the kind is not supported at this d (see slt_sf_supported) or memory runs out. */
slt_sf_map *slt_sf_map_alloc(const slt_sf_plan *p, int kind, size_t N, int wht_method);
void slt_sf_map_free(slt_sf_map *m);

/* Draw fresh ingredients from r (the only source of randomness; same r state, same map).
 * Per block, in this order: iid d normals per row (gsl_ran_gaussian_ziggurat); orthogonal d*d
 * normals, column-major; sorf signs D1, D2, D3 (d each, gsl_rng_uniform_int(r, 2)); circulant
 * g (d normals) then signs D; fastfood signs B, the permutation Pi (Fisher-Yates from the top,
 * gsl_rng_uniform_int(r, i + 1)), then G (d normals). A map may be redrawn for each trial.
 * Returns SLT_OK or SLT_EFAIL (LAPACK failure in the QR of orthogonal). */
int slt_sf_map_draw(slt_sf_map *m, gsl_rng *r);

/* out[a] = <theta_a, x> / sqrt(d) for a < N: the pre-activations of one input x in R^d.
 * O(N log d) for sorf, fastfood, circulant; a dgemv for iid and orthogonal. */
void slt_sf_apply(slt_sf_map *m, const double *x, double *out);

/* The same for n inputs: X is n x d row-major, out n x N row-major (one dgemm for iid and
 * orthogonal). */
void slt_sf_apply_batch(slt_sf_map *m, const double *X, size_t n, double *out);

/* The rows theta_a themselves, as an N x d row-major matrix (norm sqrt(d) each), computed from
 * the ingredients by the definitions of random_features.md 3.1, independently of apply (the
 * transposed transform, or the circulant definition entry by entry): O(N d log d), O(N d) for
 * circulant. For tests and for dense comparisons (Gaussian-equivalent features, 3.3).
 * Returns SLT_OK, or SLT_EFAIL if its O(d) scratch cannot be allocated. */
int slt_sf_dense_rows(const slt_sf_map *m, double *theta);

#endif
