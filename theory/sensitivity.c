/* sensitivity.c: the universal law of robustness line (Bubeck & Sellke, arXiv:2105.12806) and the
 * infinite-width kernels of RF and NTK interpolators with their input gradients (Bombari, Kiyani,
 * Mondelli, ICML 2023, arXiv:2302.01629); the kernels and gradients are derived in extras.md 1 [D]
 * and checked there against Monte Carlo and finite differences. */
#include "theory/sensitivity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

const char *const slt_sens_models[] = {"rf", "ntk", NULL};
const char *const slt_sens_acts[] = {"tanh", "square", "cos", NULL};

double slt_sens_phi(int act, double a, int order)
{
    if (act == SLT_SENS_SQUARE)
        return order == 0 ? 0.5 * a * a : order == 1 ? a : 1;
    if (act == SLT_SENS_COS)
        return order == 0 ? cos(a) : order == 1 ? -sin(a) : -cos(a);
    double t = tanh(a), s2 = 1 - t * t; /* sech^2 */
    return order == 0 ? t : order == 1 ? s2 : -2 * t * s2;
}

double slt_sens_U(double N, double d, double p) { return sqrt(N * d / p); }
double slt_sens_p(int model, double d, double k) { return model == SLT_SENS_NTK ? d * k : k; }

/* extras.md 1, infinite-width table [D] */
double slt_sens_kernel(int model, int act, double a, double b, double c, double xx)
{
    if (act == SLT_SENS_SQUARE)
        return model == SLT_SENS_RF ? (a * b + 2 * c * c) / 4 : xx * c;
    if (act == SLT_SENS_COS)
        return model == SLT_SENS_RF ? exp(-(a + b) / 2) * cosh(c) : xx * exp(-(a + b) / 2) * sinh(c);
    return NAN;
}

/* grad_z K(z, x_i) += coef * (cx x_i + cz z): the table's gradients in that form */
static void kernel_grad(int model, int act, double ai, double az, double ci, double zx, double d, double *cx,
                        double *cz)
{
    double e = exp(-(ai + az) / 2);
    if (act == SLT_SENS_SQUARE && model == SLT_SENS_RF)
        *cx = ci / d, *cz = ai / (2 * d);
    else if (act == SLT_SENS_SQUARE)
        *cx = 2 * zx / d, *cz = 0;
    else if (model == SLT_SENS_RF)
        *cx = e * sinh(ci) / d, *cz = -e * cosh(ci) / d;
    else
        *cx = e * sinh(ci) + zx * e * cosh(ci) / d, *cz = -zx * e * sinh(ci) / d;
}

int slt_sens_solve(double *K, const double *Kc, size_t N, double *y)
{
    double *y0 = malloc(N * sizeof(double));
    if (!y0)
        return 1;
    memcpy(y0, y, N * sizeof(double));
    int rc = LAPACKE_dposv(LAPACK_COL_MAJOR, 'L', (int)N, 1, K, (int)N, y, (int)N) != 0;
    if (rc) {
        double tr = 0;
        for (size_t i = 0; i < N; i++)
            tr += Kc[i * N + i];
        memcpy(K, Kc, N * N * sizeof(double));
        memcpy(y, y0, N * sizeof(double));
        for (size_t i = 0; i < N; i++)
            K[i * N + i] += 1e-12 * tr / (double)N;
        rc = LAPACKE_dposv(LAPACK_COL_MAJOR, 'L', (int)N, 1, K, (int)N, y, (int)N) != 0;
    }
    free(y0);
    return rc;
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

int slt_sens_inf(int model, int act, const double *X, const double *Y, const double *z, size_t N, size_t d,
                 double *S)
{
    if (act == SLT_SENS_TANH)
        return 1;
    double *K = malloc(N * N * sizeof(double)), *Kc = malloc(N * N * sizeof(double)),
           *al = malloc(N * sizeof(double)), *g = calloc(d, sizeof(double)), dd = (double)d;
    int rc = !K || !Kc || !al || !g;
    for (size_t i = 0; !rc && i < N; i++)
        for (size_t j = 0; j < N; j++) {
            double xx = dot(&X[i * d], &X[j * d], d);
            Kc[i * N + j] = slt_sens_kernel(model, act, dot(&X[i * d], &X[i * d], d) / dd,
                                            dot(&X[j * d], &X[j * d], d) / dd, xx / dd, xx);
        }
    if (!rc) {
        memcpy(K, Kc, N * N * sizeof(double));
        memcpy(al, Y, N * sizeof(double));
        rc = slt_sens_solve(K, Kc, N, al);
    }
    double az = rc ? 0 : dot(z, z, d) / dd;
    for (size_t i = 0; !rc && i < N; i++) {
        double zx = dot(z, &X[i * d], d), cx, cz;
        kernel_grad(model, act, dot(&X[i * d], &X[i * d], d) / dd, az, zx / dd, zx, dd, &cx, &cz);
        for (size_t l = 0; l < d; l++)
            g[l] += al[i] * (cx * X[i * d + l] + cz * z[l]);
    }
    if (!rc)
        *S = sqrt(dd * dot(g, g, d));
    free(K), free(Kc), free(al), free(g);
    return rc;
}
