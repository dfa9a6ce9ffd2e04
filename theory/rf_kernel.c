/* rf_kernel.c: the random-features kernel on the sphere at finite d, exactly (random_features.md 2 item 6).
 * For unit e1, e2 with <e1, e2> = cos(theta) and x uniform on S^{d-1}(sqrt d), the pair (<e1, x>, <e2, x>)
 * is the projection y of x on the plane of e1, e2, written in a basis at angle theta. y is rotation
 * invariant in the plane, with |y|^2 = d u, u ~ Beta(1, (d - 2)/2) (the two-dimensional marginal of the
 * sphere has density proportional to (1 - |y|^2/d)^((d - 4)/2); d = 2: |y|^2 = 2 exactly). In polar
 * coordinates y = r (cos phi, sin phi):
 *   kappa(cos theta) = E_r (1/2 pi) int sigma(r cos phi) sigma(r cos(phi - theta)) dphi
 *                    = sum_j c_j cos(j theta) = sum_j c_j T_j(rho),
 *   c_0 = E_r A_0(r)^2, c_j = 2 E_r A_j(r)^2, A_j(r) = (1/2 pi) int sigma(r cos phi) cos(j phi) dphi,
 * a Chebyshev series in rho. A_j by the trapezoid rule on M equispaced angles (one real FFT: spectrally
 * accurate for a smooth sigma), E_r by a Gauss rule in u (Jacobi weight (1 - u)^((d-4)/2)) or, for large
 * d, Gauss-Legendre in r^2/2 on [0, 40] with the density as a factor (the mass beyond is < e^-39).
 * relu is positively homogeneous: the angular integral factors out E r^2 = 2 and the kernel is the
 * Gaussian arc-cosine kernel (Cho and Saul 2009) at every d: (sqrt(1 - rho^2) + (pi - acos rho) rho)/(2 pi).
 * Reference for the Gaussian limit of the smooth kernels: C. K. I. Williams, Neural Computation 10(5), 1998
 * (erf: (2/pi) asin(2 rho/3)). */
#include "theory/rf_kernel.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_fft_real.h>
#include <gsl/gsl_integration.h>

#include "theory/activation.h"

#define NANG 1024      /* angles of the trapezoid rule (a power of 2 for the radix-2 FFT) */
#define NCHEB 256      /* Chebyshev terms kept (aliasing error ~ A_{NANG - NCHEB}, negligible) */
#define NRAD 128       /* radial Gauss nodes */
#define JACOBI_MAX_D 120 /* from here on, Gauss-Legendre in r^2/2 on [0, SMAX] */
#define SMAX 40.0
#define NTAB 512       /* table intervals on [-1, 1] */
#define DEG 7          /* table polynomial degree (table_eval is written for 7) */
#define RELU_TAIL 0.9  /* relu: kappa'' ~ (1 - rho^2)^(-1/2) at the ends; exact formula beyond this */

struct slt_rf_kernel {
    int act;
    long d;
    slt_rfk_moments mom;
    double c[NCHEB];                  /* Chebyshev coefficients (smooth activations) */
    double tab[NTAB * (DEG + 1)];     /* per interval, monomial coefficients in the local t in [-1, 1] */
    double tail;                      /* |rho| above which slt_rfk_eval uses the exact form */
    int avx2;                         /* slt_rfk_apply may use table_avx2 */
};

static double relu_kernel(double rho)
{
    return (sqrt(1 - rho * rho) + (M_PI - acos(rho)) * rho) / (2 * M_PI);
}

/* E r^p, r^2 = d u, u ~ Beta(1, b), b = (d - 2)/2: E u^q = Gamma(1 + q) Gamma(1 + b)/Gamma(1 + b + q). */
static double radial_moment(long d, double p)
{
    double b = 0.5 * (double)(d - 2), q = 0.5 * p;
    return pow((double)d, q) * exp(lgamma(1 + q) + lgamma(1 + b) - lgamma(1 + b + q));
}

/* The radial rule: r[i], w[i] (summing to 1), returns the number of nodes (0 on failure). */
static int radial_rule(long d, double *r, double *w)
{
    if (d == 2) {
        r[0] = sqrt(2.0);
        w[0] = 1;
        return 1;
    }
    int jac = d <= JACOBI_MAX_D;
    const gsl_integration_fixed_type *T = jac ? gsl_integration_fixed_jacobi : gsl_integration_fixed_legendre;
    /* Jacobi on [0, 1]: weight (1 - u)^alpha u^0 */
    gsl_integration_fixed_workspace *ws = gsl_integration_fixed_alloc(T, NRAD, 0.0, jac ? 1.0 : SMAX,
                                                                       jac ? 0.5 * (double)(d - 4) : 0.0, 0.0);
    if (!ws)
        return 0;
    const double *x = gsl_integration_fixed_nodes(ws), *wt = gsl_integration_fixed_weights(ws);
    double sum = 0;
    for (int i = 0; i < NRAD; i++) {
        if (jac) {
            r[i] = sqrt((double)d * x[i]);
            w[i] = wt[i];
        } else { /* s = r^2/2, density of s proportional to (1 - 2 s/d)^((d - 4)/2) */
            r[i] = sqrt(2 * x[i]);
            w[i] = wt[i] * exp(0.5 * (double)(d - 4) * log1p(-2 * x[i] / (double)d));
        }
        sum += w[i];
    }
    for (int i = 0; i < NRAD; i++)
        w[i] /= sum;
    gsl_integration_fixed_free(ws);
    return NRAD;
}

/* The Chebyshev coefficients and moments of a smooth activation. Returns 0, or 1 on failure. */
static int smooth_series(slt_rf_kernel *k)
{
    double r[NRAD], w[NRAD], f[NANG];
    int nr = radial_rule(k->d, r, w);
    if (!nr)
        return 1;
    double e0 = 0, e1 = 0, e2 = 0;
    for (int j = 0; j < NCHEB; j++)
        k->c[j] = 0;
    for (int q = 0; q < nr; q++) {
        for (int i = 0; i < NANG; i++)
            f[i] = slt_act_eval(k->act, r[q] * cos(2 * M_PI * i / NANG));
        gsl_fft_real_radix2_transform(f, 1, NANG); /* f[j] = sum_i f_i cos(2 pi i j/NANG), j <= NANG/2 */
        for (int j = 0; j < NCHEB; j++) {
            double A = f[j] / NANG;
            k->c[j] += (j ? 2 : 1) * w[q] * A * A;
        }
        double A0 = f[0] / NANG, A1 = f[1] / NANG, A2 = f[2] / NANG;
        e0 += w[q] * A0;
        e1 += w[q] * r[q] * A1;                        /* E s sigma(s), s = r cos phi */
        e2 += w[q] * r[q] * r[q] * 0.5 * (A0 + A2); /* E s^2 sigma(s): cos^2 = (1 + cos 2 phi)/2 */
    }
    double k1 = 0;
    for (int j = NCHEB - 1; j >= 0; j--)
        k1 += k->c[j];
    double dd = (double)k->d;
    k->mom = (slt_rfk_moments){k1, e0, e1, dd / (dd - 1) * (e2 - e0)};
    return 0;
}

double slt_rfk_exact(const slt_rf_kernel *k, double rho)
{
    rho = rho > 1 ? 1 : rho < -1 ? -1 : rho;
    if (k->act == SLT_ACT_RELU)
        return relu_kernel(rho);
    double b1 = 0, b2 = 0; /* Clenshaw */
    for (int j = NCHEB - 1; j >= 1; j--) {
        double t = 2 * rho * b1 - b2 + k->c[j];
        b2 = b1;
        b1 = t;
    }
    return rho * b1 - b2 + k->c[0];
}

/* Per interval: the degree-DEG interpolant at Chebyshev points, in monomials of the local variable. */
static void build_table(slt_rf_kernel *k)
{
    double mono[DEG + 1][DEG + 1] = {{0}}; /* mono[n][p]: coefficient of t^p in T_n(t) */
    mono[0][0] = 1;
    mono[1][1] = 1;
    for (int n = 2; n <= DEG; n++)
        for (int p = 0; p <= n; p++)
            mono[n][p] = (p ? 2 * mono[n - 1][p - 1] : 0) - mono[n - 2][p];
    const double h = 2.0 / NTAB;
    for (int i = 0; i < NTAB; i++) {
        double mid = -1 + (i + 0.5) * h, v[DEG + 1], b[DEG + 1];
        double *t = k->tab + i * (DEG + 1);
        int tail = fabs(mid) - 0.5 * h > k->tail;
        for (int m = 0; m <= DEG; m++)
            v[m] = tail ? 0 : slt_rfk_exact(k, mid + 0.5 * h * cos(M_PI * (m + 0.5) / (DEG + 1)));
        for (int n = 0; n <= DEG; n++) {
            b[n] = 0;
            for (int m = 0; m <= DEG; m++)
                b[n] += v[m] * cos(M_PI * n * (m + 0.5) / (DEG + 1));
            b[n] *= (n ? 2.0 : 1.0) / (DEG + 1);
        }
        for (int p = 0; p <= DEG; p++) {
            t[p] = 0;
            for (int n = p; n <= DEG; n++)
                t[p] += b[n] * mono[n][p];
        }
    }
}

slt_rf_kernel *slt_rfk_alloc(int act, long d)
{
    if (act < 0 || act >= SLT_ACT_COUNT || d < 2)
        return NULL;
    slt_rf_kernel *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->act = act;
    k->d = d;
    if (act == SLT_ACT_RELU) {
        /* A_j(r) = r A_j(1): A_0(1) = 1/pi, A_1(1) = 1/4, A_2(1) = 1/(3 pi) */
        double er = radial_moment(d, 1), er3 = radial_moment(d, 3), dd = (double)d;
        k->mom = (slt_rfk_moments){0.5, er / M_PI, 0.5, dd / (dd - 1) * (er3 * 2 / (3 * M_PI) - er / M_PI)};
        k->tail = RELU_TAIL;
    } else {
        if (smooth_series(k)) {
            free(k);
            return NULL;
        }
        k->tail = 2; /* analytic in rho on [-1, 1] (an even analytic function of theta): table throughout */
    }
    build_table(k);
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    k->avx2 = __builtin_cpu_supports("avx2");
#endif
    return k;
}

void slt_rfk_free(slt_rf_kernel *k)
{
    free(k);
}

slt_rfk_moments slt_rfk_get_moments(const slt_rf_kernel *k)
{
    return k->mom;
}

int slt_rfk_activation(const slt_rf_kernel *k)
{
    return k->act;
}

long slt_rfk_dim(const slt_rf_kernel *k)
{
    return k->d;
}

/* Estrin's scheme: a short dependency chain, so that consecutive elements overlap */
static inline double table_eval(const slt_rf_kernel *k, double rho)
{
    double s = (rho + 1) * (0.5 * NTAB);
    int i = (int)s;
    i = i < 0 ? 0 : i; /* rho beyond +-1 by rounding: the end polynomials, |t| - 1 ~ 1e-13 */
    i = i > NTAB - 1 ? NTAB - 1 : i;
    double t = 2 * (s - i) - 1, t2 = t * t;
    const double *c = k->tab + i * (DEG + 1);
    double lo = (c[0] + c[1] * t) + t2 * (c[2] + c[3] * t), hi = (c[4] + c[5] * t) + t2 * (c[6] + c[7] * t);
    return lo + t2 * t2 * hi;
}

double slt_rfk_eval(const slt_rf_kernel *k, double rho)
{
    rho = rho > 1 ? 1 : rho < -1 ? -1 : rho;
    return fabs(rho) > k->tail ? slt_rfk_exact(k, rho) : table_eval(k, rho);
}

#define APPLY_CHUNK 256

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* table_chunk for 4 values at a time, with the operations of table_eval in its order, so the same
 * doubles bit for bit: no FMA contraction (fp-contract=off; target avx2 alone has no FMA, but a
 * build for a newer processor would). The 8 coefficients of each value are loaded as two vectors
 * and transposed in registers: 8 loads and 16 shuffles per 4 values instead of 32 scalar loads
 * (the scalar loop is bound by its instruction count, ~10 cycles a value; AVX-512 gathers did no
 * better on the AMD EPYC measured). Returns the number of values done (a multiple of 4); *far is
 * set if one of them has |rho| > k->tail. */
_Static_assert(DEG == 7, "table_avx2 loads DEG + 1 = 8 coefficients per interval");
__attribute__((target("avx2"), optimize("fp-contract=off"))) static size_t
table_avx2(const slt_rf_kernel *k, double *y, double *r, size_t h, double scale, int *far)
{
    const __m256d one = _mm256_set1_pd(1), two = _mm256_set1_pd(2), half = _mm256_set1_pd(0.5 * NTAB);
    const __m256d sc = _mm256_set1_pd(scale), lim = _mm256_set1_pd(k->tail), sign = _mm256_set1_pd(-0.0);
    const __m128i zero = _mm_setzero_si128(), top = _mm_set1_epi32(NTAB - 1);
    __m256d out = _mm256_setzero_pd();
    size_t i = 0;
    for (; i + 4 <= h; i += 4) {
        __m256d rho = _mm256_loadu_pd(y + i);
        _mm256_storeu_pd(r + i, rho);
        out = _mm256_or_pd(out, _mm256_cmp_pd(_mm256_andnot_pd(sign, rho), lim, _CMP_GT_OQ));
        __m256d s = _mm256_mul_pd(_mm256_add_pd(rho, one), half);
        __m128i j = _mm_min_epi32(_mm_max_epi32(_mm256_cvttpd_epi32(s), zero), top);
        __m256d t = _mm256_sub_pd(_mm256_mul_pd(two, _mm256_sub_pd(s, _mm256_cvtepi32_pd(j))), one);
        __m128i o = _mm_slli_epi32(j, 3); /* the offsets j (DEG + 1) of the intervals in k->tab (DEG = 7) */
        const double *c[4] = {k->tab + _mm_cvtsi128_si32(o), k->tab + _mm_extract_epi32(o, 1),
                              k->tab + _mm_extract_epi32(o, 2), k->tab + _mm_extract_epi32(o, 3)};
        __m256d v[8]; /* v[p]: coefficient p of the 4 values */
        for (int half4 = 0; half4 < 8; half4 += 4) {
            __m256d a0 = _mm256_loadu_pd(c[0] + half4), a1 = _mm256_loadu_pd(c[1] + half4);
            __m256d a2 = _mm256_loadu_pd(c[2] + half4), a3 = _mm256_loadu_pd(c[3] + half4);
            __m256d u0 = _mm256_unpacklo_pd(a0, a1), u1 = _mm256_unpackhi_pd(a0, a1);
            __m256d u2 = _mm256_unpacklo_pd(a2, a3), u3 = _mm256_unpackhi_pd(a2, a3);
            v[half4] = _mm256_permute2f128_pd(u0, u2, 0x20);
            v[half4 + 1] = _mm256_permute2f128_pd(u1, u3, 0x20);
            v[half4 + 2] = _mm256_permute2f128_pd(u0, u2, 0x31);
            v[half4 + 3] = _mm256_permute2f128_pd(u1, u3, 0x31);
        }
        __m256d t2 = _mm256_mul_pd(t, t);
        __m256d lo = _mm256_add_pd(_mm256_add_pd(v[0], _mm256_mul_pd(v[1], t)),
                                   _mm256_mul_pd(t2, _mm256_add_pd(v[2], _mm256_mul_pd(v[3], t))));
        __m256d hi = _mm256_add_pd(_mm256_add_pd(v[4], _mm256_mul_pd(v[5], t)),
                                   _mm256_mul_pd(t2, _mm256_add_pd(v[6], _mm256_mul_pd(v[7], t))));
        _mm256_storeu_pd(y + i, _mm256_mul_pd(sc, _mm256_add_pd(lo, _mm256_mul_pd(_mm256_mul_pd(t2, t2), hi))));
    }
    *far = !_mm256_testz_pd(out, out);
    return i;
}
#endif

/* The table over h values, rho kept in r (unclamped: slt_rfk_exact clamps); nonzero if some
 * |rho| > k->tail. Without AVX2 a loop without calls (gcc 12 does not vectorise its gathers). */
static int table_chunk(const slt_rf_kernel *k, double *y, double *r, size_t h, double scale)
{
    size_t i = 0;
    int far = 0;
#if defined(__x86_64__) && defined(__GNUC__)
    if (k->avx2)
        i = table_avx2(k, y, r, h, scale, &far);
#endif
    for (; i < h; i++) {
        r[i] = y[i];
        y[i] = scale * table_eval(k, r[i]);
        far |= fabs(r[i]) > k->tail;
    }
    return far;
}

void slt_rfk_apply(const slt_rf_kernel *k, double *x, size_t n, double scale)
{
    /* in chunks: the table for all, then the rare tail entries (relu, |rho| > 0.9) exactly */
    double r[APPLY_CHUNK];
    for (size_t i0 = 0; i0 < n; i0 += APPLY_CHUNK) {
        size_t h = n - i0 < APPLY_CHUNK ? n - i0 : APPLY_CHUNK;
        double *y = x + i0;
        if (table_chunk(k, y, r, h, scale))
            for (size_t i = 0; i < h; i++)
                if (fabs(r[i]) > k->tail)
                    y[i] = scale * slt_rfk_exact(k, r[i]);
    }
}
