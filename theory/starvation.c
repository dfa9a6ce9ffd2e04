/* starvation.c: the two-feature toy of gradient starvation (Pezeshki et al., NeurIPS 2021,
 * arXiv:2011.09468), in the exact z-space form derived in the theory note starvation.md 3-6. */
#include "starvation.h"

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multiroots.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_lambert.h>
#include <gsl/gsl_vector.h>

void slt_starv_U(double delta, double U[4])
{
    double c = sqrt(fmax(0.0, 1 - delta * delta));
    U[0] = c;
    U[1] = -delta;
    U[2] = delta;
    U[3] = c;
}

double slt_starv_sigm(double m)
{
    if (m > 0) {
        double e = exp(-m);
        return e / (1 + e);
    }
    return 1 / (1 + exp(m));
}

/* Margins m = U z and gradient weights alpha = sigma(-m) (starvation.md 3). */
static void weights(const double U[4], const double z[2], double a[2])
{
    for (int i = 0; i < 2; i++)
        a[i] = slt_starv_sigm(U[2 * i] * z[0] + U[2 * i + 1] * z[1]);
}

/* starvation.md 3: WD dz/dt = S^2 U'a - lambda z; SD S^2 (U'a - lambda z); MSE S^2 (U'1 - z). */
void slt_starv_rhs(const slt_starv_toy *m, const double z[2], double F[2])
{
    double U[4], a[2] = {1, 1};
    slt_starv_U(m->delta, U);
    if (m->reg != SLT_STARV_MSE)
        weights(U, z, a);
    for (int j = 0; j < 2; j++) {
        double g = U[j] * a[0] + U[2 + j] * a[1], s2 = m->s[j] * m->s[j];
        if (m->reg == SLT_STARV_WD)
            F[j] = s2 * g - m->lambda * z[j];
        else if (m->reg == SLT_STARV_SD)
            F[j] = s2 * (g - m->lambda * z[j]);
        else
            F[j] = s2 * (g - z[j]);
    }
}

/* dF/dz: dg/dz = -U' diag(a (1 - a)) U for the logistic loss, -I... for MSE the -z term alone. */
void slt_starv_jac(const slt_starv_toy *m, const double z[2], double J[4])
{
    double U[4], a[2];
    slt_starv_U(m->delta, U);
    weights(U, z, a);
    for (int j = 0; j < 2; j++)
        for (int l = 0; l < 2; l++) {
            double s2 = m->s[j] * m->s[j], dg = 0, id = j == l;
            for (int i = 0; i < 2 && m->reg != SLT_STARV_MSE; i++)
                dg -= U[2 * i + j] * a[i] * (1 - a[i]) * U[2 * i + l];
            if (m->reg == SLT_STARV_WD)
                J[2 * j + l] = s2 * dg - m->lambda * id;
            else if (m->reg == SLT_STARV_SD)
                J[2 * j + l] = s2 * (dg - m->lambda * id);
            else
                J[2 * j + l] = -s2 * id;
        }
}

static int ode_rhs(double t, const double y[], double f[], void *p)
{
    (void)t;
    slt_starv_rhs(p, y, f);
    return GSL_SUCCESS;
}

/* starvation.md 8: rk8pd at rtol 1e-10 (atol 1e-12 for z near 0); the problem is only mildly
 * stiff (Jacobian eigenvalues up to s_max^2/4 + lambda), so an explicit method is efficient. */
int slt_starv_flow(const slt_starv_toy *m, double t, double z[2])
{
    gsl_odeiv2_system sys = {ode_rhs, NULL, 2, (void *)m};
    gsl_odeiv2_driver *d = gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-3, 1e-12, 1e-10);
    double t0 = 0;
    z[0] = z[1] = 0;
    if (!d)
        return 1;
    gsl_odeiv2_driver_set_nmax(d, 0);
    int st = t > 0 ? gsl_odeiv2_driver_apply(d, &t0, t, z) : GSL_SUCCESS;
    gsl_odeiv2_driver_free(d);
    return st != GSL_SUCCESS;
}

void slt_starv_euler(const slt_starv_toy *m, double eta, long k, double z[2])
{
    double F[2];
    z[0] = z[1] = 0;
    for (long i = 0; i < k; i++) {
        slt_starv_rhs(m, z, F);
        z[0] += eta * F[0];
        z[1] += eta * F[1];
    }
}

static double margin_eq(double x, void *p) { return *(double *)p * x - slt_starv_sigm(x); }

/* starvation.md 4: lambda m - sigma(-m) is increasing, -1/2 at m = 0; the bracket doubles
 * from [0, 50] until the sign changes (m* ~ log(1/lambda) for small lambda). */
int slt_starv_sd_margin(double lambda, double *mstar)
{
    gsl_function f = {margin_eq, &lambda};
    double lo = 0, hi = 50;
    *mstar = NAN;
    if (!(lambda > 0))
        return 1;
    while (margin_eq(hi, &lambda) < 0 && hi < 1e6)
        hi *= 2;
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s || gsl_root_fsolver_set(s, &f, lo, hi) != GSL_SUCCESS) {
        gsl_root_fsolver_free(s);
        return 1;
    }
    int st = GSL_CONTINUE;
    for (int it = 0; it < 200 && st == GSL_CONTINUE; it++) {
        if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
            break;
        lo = gsl_root_fsolver_x_lower(s);
        hi = gsl_root_fsolver_x_upper(s);
        st = gsl_root_test_interval(lo, hi, 0, 1e-15);
    }
    *mstar = gsl_root_fsolver_root(s);
    gsl_root_fsolver_free(s);
    return st != GSL_SUCCESS;
}

static int mr_f(const gsl_vector *x, void *p, gsl_vector *f)
{
    double z[2] = {gsl_vector_get(x, 0), gsl_vector_get(x, 1)}, F[2];
    slt_starv_rhs(p, z, F);
    gsl_vector_set(f, 0, F[0]);
    gsl_vector_set(f, 1, F[1]);
    return GSL_SUCCESS;
}

static int mr_df(const gsl_vector *x, void *p, gsl_matrix *J)
{
    double z[2] = {gsl_vector_get(x, 0), gsl_vector_get(x, 1)}, Jz[4];
    slt_starv_jac(p, z, Jz);
    for (int i = 0; i < 4; i++)
        gsl_matrix_set(J, i / 2, i % 2, Jz[i]);
    return GSL_SUCCESS;
}

static int mr_fdf(const gsl_vector *x, void *p, gsl_vector *f, gsl_matrix *J)
{
    mr_f(x, p, f);
    return mr_df(x, p, J);
}

/* WD fixed point: hybridsj on F(z) = 0 from the flow at t = 2000 (starvation.md 8), which is
 * already within the basin; residual |F| < 1e-13 (F is O(1): round-off level). */
static int wd_fixed(const slt_starv_toy *m, double zstar[2])
{
    double z0[2];
    if (slt_starv_flow(m, 2000, z0))
        return 1;
    gsl_multiroot_function_fdf f = {mr_f, mr_df, mr_fdf, 2, (void *)m};
    gsl_multiroot_fdfsolver *s = gsl_multiroot_fdfsolver_alloc(gsl_multiroot_fdfsolver_hybridsj, 2);
    gsl_vector_view x = gsl_vector_view_array(z0, 2);
    if (!s || gsl_multiroot_fdfsolver_set(s, &f, &x.vector) != GSL_SUCCESS) {
        gsl_multiroot_fdfsolver_free(s);
        return 1;
    }
    int st = gsl_multiroot_test_residual(s->f, 1e-13);
    for (int it = 0; it < 100 && st == GSL_CONTINUE; it++) {
        if (gsl_multiroot_fdfsolver_iterate(s) != GSL_SUCCESS)
            break;
        st = gsl_multiroot_test_residual(s->f, 1e-13);
    }
    zstar[0] = gsl_vector_get(s->x, 0);
    zstar[1] = gsl_vector_get(s->x, 1);
    gsl_multiroot_fdfsolver_free(s);
    return st != GSL_SUCCESS;
}

int slt_starv_fixed(const slt_starv_toy *m, double zstar[2])
{
    double U[4], ms = 1;
    slt_starv_U(m->delta, U);
    if (m->reg == SLT_STARV_WD)
        return wd_fixed(m, zstar);
    /* SD: U'sigma(-U z) = lambda z has the solution U z = m* 1 (U square and orthogonal) */
    if (m->reg == SLT_STARV_SD && slt_starv_sd_margin(m->lambda, &ms))
        return 1;
    zstar[0] = ms * (U[0] + U[2]);
    zstar[1] = ms * (U[1] + U[3]);
    return 0;
}

int slt_starv_dz2(const slt_starv_toy *m, double *dz2)
{
    double z[2], J[4], U[4], a[2];
    *dz2 = 0;
    if (m->reg != SLT_STARV_WD) /* starvation.md 4: S is absent from the SD and MSE fixed points */
        return 0;
    if (slt_starv_fixed(m, z))
        return 1;
    slt_starv_jac(m, z, J);
    slt_starv_U(m->delta, U);
    weights(U, z, a);
    /* dF/d(s_1^2) = (g_1, 0); dz = -J^{-1} (g_1, 0), second component = J_10 g_1 / det J */
    double g1 = U[0] * a[0] + U[2] * a[1], det = J[0] * J[3] - J[1] * J[2];
    *dz2 = J[2] * g1 / det;
    return 0;
}

/* starvation.md 6, with W_j = W(k_j). */
void slt_starv_first_order(const slt_starv_toy *m, double z[2], double *dz2)
{
    double k1, k2, d = m->delta;
    if (m->reg == SLT_STARV_MSE) {
        z[0] = z[1] = *dz2 = NAN;
        return;
    }
    k1 = m->reg == SLT_STARV_WD ? m->s[0] * m->s[0] / m->lambda : 1 / m->lambda;
    k2 = m->reg == SLT_STARV_WD ? m->s[1] * m->s[1] / m->lambda : 1 / m->lambda;
    double W1 = gsl_sf_lambert_W0(k1), W2 = gsl_sf_lambert_W0(k2);
    z[0] = W1 + d * W2 * (W1 + k1 / k2) / (1 + W1);
    z[1] = W2 - d * W1 * (W2 + k2 / k1) / (1 + W2);
    double dk1 = -d / (1 + W2) * W1 / (k1 * (1 + W1)) * (W2 - k2 * W1 / k1);
    *dz2 = m->reg == SLT_STARV_WD ? dk1 / m->lambda : 0;
}
