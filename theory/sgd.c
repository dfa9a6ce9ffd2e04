/* sgd.c: exact expected risk of one-pass SGD and ASGD on Gaussian linear regression, stability,
 * the Zou et al. bound, the Jensen lower bound and the per-eigenmode rates. Section numbers refer
 * to the theory note sgd.md (Li, Deng, Wu, Zhou, Gu, ICLR 2024, arXiv 2311.14222; Zou, Wu,
 * Braverman, Gu, Kakade, COLT 2021, arXiv 2103.12692; Jain et al., COLT 2018, arXiv 1704.08227). */
#include "theory/sgd.h"

#include <math.h>
#include <stdlib.h>

void slt_sgd_spectrum(size_t d, double a, double b, double *lambda)
{
    for (size_t i = 0; i < d; i++) {
        double k = (double)(i + 1);
        lambda[i] = pow(k, -a) * (b != 0 ? pow(log(k + 1), -b) : 1);
    }
}

double slt_sgd_r2(const double *lambda, size_t d)
{
    double tr = 0;
    for (size_t i = d; i-- > 0;) /* smallest first: less round-off */
        tr += lambda[i];
    return tr + 2 * lambda[0];
}

/* sgd.md 2: q = sqrt(kappa kappa_tilde), kappa = R^2/mu */
slt_sgd_steps slt_sgd_family(double r2, double mu, double kappa_tilde)
{
    double q = sqrt(r2 / mu * kappa_tilde), c = 3 * sqrt(5.0) * q;
    slt_sgd_steps s = {SLT_SGD_ACCEL, c / (1 + c), 0, 1 / (3 * sqrt(5.0) * mu * q), 1 / (5 * r2)};
    s.beta = s.alpha / (9 * q);
    return s;
}

/* sgd.md 2, AccSGD: delta = lr, beta = c^2 xi/kappa, gamma = c xi lr, alpha = c/(c + beta) */
slt_sgd_steps slt_sgd_accsgd(double lr, double kappa, double xi, double c)
{
    double beta = c * c * xi / kappa;
    slt_sgd_steps s = {SLT_SGD_ACCEL, c / (c + beta), beta, c * xi * lr, lr};
    return s;
}

/* Running sums of the averaged outputs (sgd.md 3): per coordinate, sum of A_t and of Y_t[0]
 * over t = s..N-1, with Y the 2-vector (scalar for SGD) Y_{t+1} = M (Y_t + (A_t, C_t)). */
typedef struct {
    double *A, *B, *C;        /* second moments E a^2, E b^2, E ab (SGD: A only) */
    double *Y0, *Y1, *sA, *sY; /* averaging: Y and the running sums */
} moments;

static void moments_free(moments *m)
{
    free(m->A); /* one block */
    m->A = NULL;
}

static int moments_alloc(moments *m, const slt_sgd_problem *p)
{
    size_t d = p->d;
    m->A = calloc(7 * d + 1, sizeof(double));
    if (!m->A)
        return 1;
    m->B = m->A + d;
    m->C = m->B + d;
    m->Y0 = m->C + d;
    m->Y1 = m->Y0 + d;
    m->sA = m->Y1 + d;
    m->sY = m->sA + d;
    for (size_t i = 0; i < d && p->v2; i++)
        m->A[i] = m->B[i] = m->C[i] = p->v2[i];
    return 0;
}

/* One SGD step of sgd.md 3 on every coordinate; `acc`: accumulate the averages first.
 * Returns S_{t+1} = sum_j lambda_j m_{t+1,j}. */
static double sgd_step(const slt_sgd_problem *p, double g, double S, int acc, moments *m)
{
    double Snew = 0, noise = S + p->sigma2;
    for (size_t i = 0; i < p->d; i++) {
        double l = p->lambda[i], a = m->A[i];
        if (acc) {
            m->sA[i] += a;
            m->sY[i] += m->Y0[i];
            m->Y0[i] = (1 - g * l) * (m->Y0[i] + a);
        }
        a = (1 - 2 * g * l + 2 * g * g * l * l) * a + g * g * l * noise;
        m->A[i] = a;
        Snew += l * a;
    }
    return Snew;
}

static double cc_of(double al, double A, double B, double C)
{
    return al * al * A + 2 * al * (1 - al) * C + (1 - al) * (1 - al) * B;
}

/* One ASGD step of sgd.md 3 (the A+, B+, C+ recursion); returns the next S = sum lambda E c^2. */
static double asgd_step(const slt_sgd_problem *p, const slt_sgd_steps *s, double S, int acc, moments *m)
{
    double al = s->alpha, be = s->beta, ga = s->gamma, de = s->delta, Snew = 0;
    for (size_t i = 0; i < p->d; i++) {
        double l = p->lambda[i], A = m->A[i], B = m->B[i], C = m->C[i];
        if (acc) {
            double m11 = al * (1 - de * l), m12 = (1 - al) * (1 - de * l);
            double m21 = al * (be - ga * l), m22 = (1 - al) * (be - ga * l) + 1 - be;
            double y0 = m->Y0[i] + A, y1 = m->Y1[i] + C;
            m->sA[i] += A;
            m->sY[i] += m->Y0[i];
            m->Y0[i] = m11 * y0 + m12 * y1;
            m->Y1[i] = m21 * y0 + m22 * y1;
        }
        double cc = cc_of(al, A, B, C), cb = al * C + (1 - al) * B;
        double q = 2 * l * l * cc + l * S + p->sigma2 * l; /* Q + sigma^2 lambda */
        double mix = be * cc + (1 - be) * cb;              /* E[(beta c + (1-beta) b) c] */
        m->A[i] = (1 - 2 * de * l) * cc + de * de * q;
        m->B[i] = be * be * cc + 2 * be * (1 - be) * cb + (1 - be) * (1 - be) * B - 2 * ga * l * mix + ga * ga * q;
        m->C[i] = mix - ga * l * cc - de * l * mix + de * ga * q;
        Snew += l * cc_of(al, m->A[i], m->B[i], m->C[i]);
    }
    return Snew;
}

int slt_sgd_exact(const slt_sgd_problem *p, const slt_sgd_steps *s, long N, int avg, double *contrib)
{
    moments m;
    if (moments_alloc(&m, p))
        return 1;
    int accel = s->algo == SLT_SGD_ACCEL;
    long start = avg == SLT_SGD_UNIFORM ? 0 : avg == SLT_SGD_TAIL ? N / 2 : N;
    double S = 0;
    for (size_t i = 0; i < p->d; i++)
        S += p->lambda[i] * (accel ? cc_of(s->alpha, m.A[i], m.B[i], m.C[i]) : m.A[i]);
    for (long t = 0; t < N; t++)
        S = accel ? asgd_step(p, s, S, t >= start, &m) : sgd_step(p, s->delta, S, t >= start, &m);
    double n = (double)(N - start);
    for (size_t i = 0; i < p->d; i++)
        contrib[i] = 0.5 * p->lambda[i] * (avg == SLT_SGD_LAST ? m.A[i] : (m.sA[i] + 2 * m.sY[i]) / (n * n));
    moments_free(&m);
    return 0;
}

/* sgd.md 4 */
double slt_sgd_s(const double *lambda, size_t d, double gamma)
{
    if (gamma * lambda[0] >= 1)
        return INFINITY;
    double s = 0;
    for (size_t i = d; i-- > 0;)
        s += lambda[i] / (1 - gamma * lambda[i]);
    return 0.5 * gamma * s;
}

double slt_sgd_limit(const double *lambda, size_t d, double gamma, double sigma2)
{
    double s = slt_sgd_s(lambda, d, gamma);
    return s < 1 ? 0.5 * sigma2 * s / (1 - s) : INFINITY;
}

/* Jury's test: all roots of z^3 + a2 z^2 + a1 z + a0 strictly inside the unit circle. */
static int cubic_stable(double a2, double a1, double a0)
{
    double p1 = 1 + a2 + a1 + a0, pm1 = -1 + a2 - a1 + a0;
    return p1 > 0 && -pm1 > 0 && fabs(a0) < 1 && fabs(a0 * a0 - 1) > fabs(a0 * a2 - a1);
}

static double det3(const double m[3][3])
{
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
           m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}

/* One coordinate of the ASGD second-moment map of sgd.md 3 on (A, B, C), split as T = D + u w':
 * D_i the block without the coupling S (its fourth-moment part 2 lambda^2 Cc stays in D_i),
 * u_i = lambda_i (delta^2, gamma^2, delta gamma), w_i'(A, B, C) = lambda_i Cc. Returns
 * w_i' (I - D_i)^-1 u_i, or +inf if D_i is not a contraction. */
static double asgd_secular_term(const slt_sgd_steps *s, double l)
{
    double al = s->alpha, be = s->beta, ga = s->gamma, de = s->delta;
    double cc[3] = {al * al, (1 - al) * (1 - al), 2 * al * (1 - al)}, cb[3] = {0, 1 - al, al};
    double ra = 1 - 2 * de * l + 2 * de * de * l * l;
    double rbc = be * be - 2 * ga * l * be + 2 * ga * ga * l * l, rbb = 2 * be * (1 - be) - 2 * ga * l * (1 - be);
    double rcc = be - ga * l - de * l * be + 2 * de * ga * l * l, rcb = (1 - be) * (1 - de * l);
    double D[3][3], u[3] = {l * de * de, l * ga * ga, l * de * ga};
    for (int j = 0; j < 3; j++) {
        D[0][j] = ra * cc[j];
        D[1][j] = rbc * cc[j] + rbb * cb[j] + (j == 1 ? (1 - be) * (1 - be) : 0);
        D[2][j] = rcc * cc[j] + rcb * cb[j];
    }
    double tr = D[0][0] + D[1][1] + D[2][2];
    double c2 = D[0][0] * D[1][1] - D[0][1] * D[1][0] + D[0][0] * D[2][2] - D[0][2] * D[2][0] + D[1][1] * D[2][2] -
                D[1][2] * D[2][1];
    if (!cubic_stable(-tr, c2, -det3(D)))
        return INFINITY;
    double I[3][3], x[3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            I[i][j] = (i == j) - D[i][j];
    double det = det3(I);
    for (int k = 0; k < 3; k++) { /* Cramer's rule */
        double Mk[3][3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                Mk[i][j] = j == k ? u[i] : I[i][j];
        x[k] = det3(Mk) / det;
    }
    return l * (cc[0] * x[0] + cc[1] * x[1] + cc[2] * x[2]);
}

double slt_sgd_margin(const double *lambda, size_t d, const slt_sgd_steps *s)
{
    if (s->algo != SLT_SGD_ACCEL)
        return slt_sgd_s(lambda, d, s->delta);
    double f = 0;
    for (size_t i = d; i-- > 0 && isfinite(f);)
        f += asgd_secular_term(s, lambda[i]);
    return f;
}

double slt_sgd_step_bound(const double *lambda, size_t d, const slt_sgd_steps *s, int which)
{
    slt_sgd_steps t = *s;
    double *x = which ? &t.gamma : &t.delta, lo = 0, hi = *x;
    *x = 0;
    if (!(slt_sgd_margin(lambda, d, &t) < 1))
        return 0;
    for (int k = 0; k < 200 && hi - lo > 1e-12 * hi; k++) {
        *x = 0.5 * (lo + hi);
        if (slt_sgd_margin(lambda, d, &t) < 1)
            lo = *x;
        else
            hi = *x;
    }
    return lo;
}

/* sgd.md 5 (Zou et al. 2021, Thm 2.1 as used here), a4 = 3 for Gaussian x */
double slt_sgd_zou(const slt_sgd_problem *p, double gamma, long N, long *kstar)
{
    const double a4 = 3;
    double tr = 0, Ng = (double)N * gamma;
    for (size_t i = p->d; i-- > 0;)
        tr += p->lambda[i];
    size_t k = 0;
    while (k < p->d && p->lambda[k] >= 1 / Ng)
        k++;
    if (kstar)
        *kstar = (long)k;
    if (!(gamma * a4 * tr < 1))
        return NAN;
    double bias = 0, head_v = 0, tail_lv = 0, tail_l2 = 0;
    for (size_t i = 0; i < p->d; i++) {
        double l = p->lambda[i], v2 = p->v2 ? p->v2[i] : 0;
        if (i < k) {
            bias += exp(-2 * Ng * l) * v2 / l / (Ng * Ng);
            head_v += v2;
        } else {
            bias += l * v2;
            tail_lv += l * v2;
            tail_l2 += l * l;
        }
    }
    double deff = (double)k / (double)N + Ng * gamma * tail_l2, c = 1 - gamma * a4 * tr;
    double var = (2 * a4 * (head_v + Ng * tail_lv) / (Ng * c) + p->sigma2 / c) * deff;
    return 2 * bias + 2 * var;
}

/* Mean-error matrix M(lambda) of sgd.md 6, row-major */
static void mode_matrix(const slt_sgd_steps *s, double l, double m[4])
{
    double al = s->alpha, be = s->beta;
    m[0] = al * (1 - s->delta * l);
    m[1] = (1 - al) * (1 - s->delta * l);
    m[2] = al * (be - s->gamma * l);
    m[3] = (1 - al) * (be - s->gamma * l) + 1 - be;
}

/* sgd.md 6: bias >= (1/2) sum lambda_i [(M_i^N (v_i, v_i))_1]^2; M^N by repeated squaring */
double slt_sgd_jensen(const slt_sgd_problem *p, const slt_sgd_steps *s, long N)
{
    double sum = 0;
    for (size_t i = 0; i < p->d && p->v2; i++) {
        double l = p->lambda[i], e;
        if (s->algo != SLT_SGD_ACCEL)
            e = pow(1 - s->delta * l, (double)N);
        else {
            double m[4], r[4] = {1, 0, 0, 1};
            mode_matrix(s, l, m);
            for (long n = N; n > 0; n >>= 1) {
                if (n & 1) {
                    double t[4] = {r[0] * m[0] + r[1] * m[2], r[0] * m[1] + r[1] * m[3], r[2] * m[0] + r[3] * m[2],
                                   r[2] * m[1] + r[3] * m[3]};
                    r[0] = t[0], r[1] = t[1], r[2] = t[2], r[3] = t[3];
                }
                double t[4] = {m[0] * m[0] + m[1] * m[2], m[0] * m[1] + m[1] * m[3], m[2] * m[0] + m[3] * m[2],
                               m[2] * m[1] + m[3] * m[3]};
                m[0] = t[0], m[1] = t[1], m[2] = t[2], m[3] = t[3];
            }
            e = r[0] + r[1];
        }
        sum += 0.5 * l * e * e * p->v2[i];
    }
    return sum;
}

/* sgd.md 6. With p = 2 - tr M (no cancellation: p = (1-alpha)(1-beta) + beta + lambda T1) and
 * det(I - M) = lambda ((1-alpha) gamma + alpha beta delta) (expanding the 2x2 determinant), the
 * larger real eigenvalue is 1 - 2 det(I - M)/(p + sqrt(disc)): accurate as lambda -> 0. */
double slt_sgd_rate(const slt_sgd_steps *s, double l)
{
    if (l <= 0)
        return 0;
    if (s->algo != SLT_SGD_ACCEL)
        return s->delta * l < 1 ? -log1p(-s->delta * l) : -log(fabs(1 - s->delta * l));
    double al = s->alpha, be = s->beta, ga = s->gamma, de = s->delta;
    double t1 = al * de + (1 - al) * ga, p = (1 - al) * (1 - be) + be + l * t1, tr = 2 - p;
    double det = al * (1 - be) * (1 - de * l), disc = tr * tr - 4 * det;
    if (disc < 0) /* complex pair: modulus sqrt(det) */
        return -0.5 * (log(al) + log1p(-be) + log1p(-de * l));
    double sq = sqrt(disc);
    if (tr >= 0)
        return -log1p(-2 * l * ((1 - al) * ga + al * be * de) / (p + sq));
    return -log(0.5 * (sq - tr));
}

double slt_sgd_delta_eff(const slt_sgd_steps *s)
{
    double al = s->alpha, be = s->beta;
    return (al * be * s->delta + (1 - al) * s->gamma) / (al * be + 1 - al);
}

static double rate_gap(const slt_sgd_steps *s, double l)
{
    slt_sgd_steps sgd = {SLT_SGD_PLAIN, 1, 0, 0, s->delta};
    return slt_sgd_rate(s, l) - slt_sgd_rate(&sgd, l);
}

/* First sign change (+ to -) of rate_ASGD - rate_SGD on a log scan of (1e-12, 1)/delta, refined by
 * bisection in log lambda. */
double slt_sgd_lambda_cross(const slt_sgd_steps *s)
{
    const int n = 600;
    double lo = log(1e-12 / s->delta), hi = log((1 - 1e-9) / s->delta), prev = lo;
    if (!(rate_gap(s, exp(lo)) > 0))
        return NAN;
    for (int k = 1; k <= n; k++) {
        double x = lo + (hi - lo) * k / n;
        if (rate_gap(s, exp(x)) <= 0) {
            double a = prev, b = x;
            for (int it = 0; it < 200 && b - a > 1e-15; it++) {
                double m = 0.5 * (a + b);
                if (rate_gap(s, exp(m)) > 0)
                    a = m;
                else
                    b = m;
            }
            return exp(0.5 * (a + b));
        }
        prev = x;
    }
    return NAN;
}

/* disc(lambda) = tr^2 - 4 det is a quadratic a l^2 + b l + c with c = disc(0) = p0^2 (since
 * det(I - M(0)) = 0); stable roots q/a and c/q. */
void slt_sgd_band(const slt_sgd_steps *s, double *lo, double *hi)
{
    double al = s->alpha, be = s->beta;
    double t1 = al * s->delta + (1 - al) * s->gamma, p0 = (1 - al) * (1 - be) + be, t0 = 2 - p0;
    double d1 = al * (1 - be) * s->delta;
    double a = t1 * t1, b = -2 * t0 * t1 + 4 * d1, c = p0 * p0, disc = b * b - 4 * a * c;
    *lo = *hi = NAN;
    if (s->algo != SLT_SGD_ACCEL || !(disc > 0) || a == 0)
        return;
    double q = -0.5 * (b + copysign(sqrt(disc), b)), r1 = q / a, r2 = c / q;
    *lo = fmin(r1, r2);
    *hi = fmax(r1, r2);
}
