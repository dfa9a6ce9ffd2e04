/* ridge_sim.c: the exact risk of ridge(less) least squares for one Gaussian draw, linear.md 5.1.
 * Work is shared across the points of a sweep: one n x pmax design matrix per draw, the Gram
 * matrix of the smaller side (for Sigma = I, X X^T grows by rank updates as p increases; X^T X for
 * p <= n is a leading block of one product), and one factorisation per p for every lambda. */
#include "ridge_sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>
#include <lapacke.h>

#include "engine/rng.h"
#include "engine/slt.h"
#include "sims/chol.h"

void slt_ridge_layout(const slt_ridge_design *d, long p, double *s, unsigned char *in_beta)
{
    long h = lround(d->w1 * (double)p);
    double mean = 0;
    for (long j = 0; j < p; j++) {
        if (d->cov == SLT_COV_TWO)
            s[j] = j < h ? d->s1 : d->s2;
        else if (d->cov == SLT_COV_POWER)
            mean += (s[j] = pow((double)(j + 1), -d->decay));
        else
            s[j] = 1;
        in_beta[j] = d->align == SLT_ALIGN_RANDOM || (d->align == SLT_ALIGN_S1) == (j < h);
    }
    if (d->cov == SLT_COV_POWER)
        for (long j = 0; j < p; j++)
            s[j] /= mean / (double)p;
}

double slt_ridge_sim_bytes(long n, long pmax)
{
    double m = (double)(n < pmax ? n : pmax);
    return 8.0 * ((double)n * (double)pmax + 4 * m * m + 10.0 * (double)(n + pmax));
}

typedef struct {
    long n, p;
    const double *Z;     /* n x ldz, row-major; X = Z[:, :p] diag(sqrt(s)) */
    long ldz;
    const double *sq;    /* sqrt(s), p */
    double *A;           /* m x m Gram (m = min(n, p)), overwritten by its factorisation */
    double *evals;       /* eigenvalues when factorised by eigendecomposition */
    int eigen;
} gram_t;

/* The Gram matrices are filled row-major upper, which is the same memory as column-major lower:
 * LAPACK is called column-major on 'L', so that LAPACKE neither transposes nor copies. */

/* V = A^{-1} V for the two columns of V (m x 2, column-major): A + c I when eigen, else the Cholesky
 * factor of A + c I. One dpotrs with two right-hand sides packs the factor once, not per column. */
static int gram_solve(const gram_t *g, double c, double *v, double *tmp)
{
    long m = g->n < g->p ? g->n : g->p;
    if (!g->eigen)
        return LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, 'L', m, 2, g->A, m, v, m);
    /* A = Q diag(e) Q^T, column-major: column i of A is eigenvector i */
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, m, 2, m, 1.0, g->A, m, v, m, 0.0, tmp, m);
    double emax = g->evals[m - 1], cut = emax * (double)m * 2.2e-16;
    for (long i = 0; i < m; i++) {
        double e = g->evals[i] + c;
        /* lambda = 0: the pseudo-inverse (min-norm limit) drops null directions */
        int drop = c == 0 && g->evals[i] <= cut;
        tmp[i] = drop ? 0 : tmp[i] / e;
        tmp[m + i] = drop ? 0 : tmp[m + i] / e;
    }
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, m, 2, m, 1.0, g->A, m, tmp, m, 0.0, v, m);
    return 0;
}

/* beta_hat for both right-hand sides u = X beta and the noise eps at ridge c = n lambda, into
 * bh (p x 2, column-major: the estimate from u, then from eps):
 * p > n: X^T (X X^T + c)^{-1} [u eps];  p <= n: (X^T X + c)^{-1} X^T [u eps]. One two-column
 * dgemm and one solve instead of two of each. t1: 2n, t2: 2 min(n, p). */
static int estimate(const gram_t *g, double c, const double *u, const double *eps, double *bh, double *t1,
                    double *t2)
{
    long n = g->n, p = g->p;
    if (p > n) {
        memcpy(t1, u, n * sizeof(double));
        memcpy(t1 + n, eps, n * sizeof(double));
        if (gram_solve(g, c, t1, t2))
            return 1;
        /* Z is row-major n x ldz, i.e. column-major Z^T: its first p rows times t1 */
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, p, 2, n, 1.0, g->Z, g->ldz, t1, n, 0.0, bh, p);
    } else {
        memcpy(t1, u, n * sizeof(double));
        memcpy(t1 + n, eps, n * sizeof(double));
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, p, 2, n, 1.0, g->Z, g->ldz, t1, n, 0.0, bh, p);
        for (long j = 0; j < p; j++)
            bh[j] *= g->sq[j], bh[p + j] *= g->sq[j];
        return gram_solve(g, c, bh, t2);
    }
    for (long j = 0; j < p; j++)
        bh[j] *= g->sq[j], bh[p + j] *= g->sq[j];
    return 0;
}

/* Ridgeless (c = 0), Sigma = I, p > n, from the Cholesky factor L of G = X X^T: beta_hat_u is the
 * projection of beta on the row space of X and beta_hat_eps lies in it, so
 * bias = |beta|^2 - u^T G^-1 u = |beta|^2 - |L^-1 u|^2, var = |L^-1 eps|^2, cross term 0: two
 * forward solves, no back substitution and no X^T product. The subtraction loses at most
 * log10(|beta|^2 / bias) digits, bias / |beta|^2 ~ 1 - n/p: under 3 digits for p >= n + 1 at n <= 1000.
 * The solves were done by slt_chol_rows with u^T and eps^T as rows n and n + 1 of A (leading dimension
 * ld): those rows now hold (L^-1 u)^T and (L^-1 eps)^T. */
static void ridgeless_iso(const double *A, long n, long ld, double b2, double *out)
{
    double yu = 0, ye = 0;
    for (long j = 0; j < n; j++) {
        yu += A[n + j * ld] * A[n + j * ld];
        ye += A[n + 1 + j * ld] * A[n + 1 + j * ld];
    }
    out[1] = fmax(0.0, b2 - yu);
    out[2] = ye;
    out[0] = out[1] + out[2];
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

int slt_ridge_sim(const slt_ridge_design *d, size_t npts, const long *p, const double *lambda, gsl_rng *rng,
                  double *out, char *err)
{
    long n = d->n, pmax = 0;
    for (size_t k = 0; k < npts; k++)
        pmax = p[k] > pmax ? p[k] : pmax;
    long m0 = n < pmax ? n : pmax; /* columns whose X^T X block serves every p <= n */
    long *ps = malloc(npts * sizeof(long));
    double *Z = malloc((size_t)n * pmax * sizeof(double));
    double *Cn = malloc((size_t)m0 * m0 * sizeof(double));
    double *Gi = malloc((size_t)n * n * sizeof(double)); /* running Z_p Z_p^T, Sigma = I */
    double *A = malloc((size_t)(m0 + 2) * m0 * sizeof(double)); /* + 2 rows: see ridgeless_iso */
    double *Xs = d->cov == SLT_COV_ISO ? NULL : malloc((size_t)n * pmax * sizeof(double));
    double *ev = malloc(m0 * sizeof(double));
    double *gdir = malloc(pmax * sizeof(double)), *beta = malloc(pmax * sizeof(double));
    double *s = malloc(pmax * sizeof(double)), *sq = malloc(pmax * sizeof(double));
    unsigned char *in = malloc(pmax);
    double *eps = malloc(n * sizeof(double)), *u = malloc(n * sizeof(double));
    double *bh = malloc(2 * pmax * sizeof(double));
    double *t1 = malloc(2 * (pmax + n) * sizeof(double)), *t2 = malloc(2 * (pmax + n) * sizeof(double));
    double *zg = calloc(n, sizeof(double)); /* Z_p gdir_p, grown with p */
    int rc = 0, iso = d->cov == SLT_COV_ISO, zgrow = iso && d->align == SLT_ALIGN_RANDOM;
    if (!ps || !Z || !Cn || !Gi || !A || (!iso && !Xs) || !ev || !gdir || !beta || !s || !sq || !in || !eps ||
        !u || !bh || !t1 || !t2 || !zg) {
        snprintf(err, SLT_ERRLEN, "out of memory for n = %ld, p = %ld", n, pmax);
        rc = 1;
        goto done;
    }
    slt_rng_normals(rng, Z, (size_t)n * pmax, 1.0);
    slt_rng_normals(rng, gdir, pmax, 1.0);
    slt_rng_normals(rng, eps, n, sqrt(d->sigma2 + d->eta2)); /* omitted part: Gaussian, acts as noise */
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, m0, n, 1.0, Z, pmax, 0.0, Cn, m0);
    memset(Gi, 0, (size_t)n * n * sizeof(double));
    long pdone = 0, pz = 0; /* columns already in Gi, in zg */

    memcpy(ps, p, npts * sizeof(long));
    qsort(ps, npts, sizeof(long), cmp_long);
    for (size_t a = 0; a < npts && !rc; a++) {
        if (a > 0 && ps[a] == ps[a - 1])
            continue;
        long pp = ps[a], m = pp < n ? pp : n;
        size_t nl = 0; /* the lambdas at this p; lam, one of them */
        double lam = 0;
        for (size_t k = 0; k < npts; k++)
            if (p[k] == pp)
                nl++, lam = lambda[k];
        slt_ridge_layout(d, pp, s, in);
        double norm = 0, b2 = 0;
        for (long j = 0; j < pp; j++)
            norm += in[j] ? gdir[j] * gdir[j] : 0;
        norm = norm > 0 ? sqrt(d->r2 / norm) : 0;
        for (long j = 0; j < pp; j++) {
            beta[j] = in[j] ? norm * gdir[j] : 0;
            b2 += beta[j] * beta[j];
            sq[j] = sqrt(s[j]);
            t1[j] = sq[j] * beta[j];
        }
        gram_t g = {n, pp, Z, pmax, sq, A, ev, nl > 1};
        /* ridgeless, Sigma = I, p > n: A gets u^T and eps^T below the Gram (ridgeless_iso) */
        int solves = iso && pp > n && nl == 1 && lam == 0;
        long ld = solves ? n + 2 : m;
        if (zgrow) { /* u = X beta = norm Z_p gdir_p: only the new columns of Z are read */
            cblas_dgemv(CblasRowMajor, CblasNoTrans, n, pp - pz, 1.0, Z + pz, pmax, gdir + pz, 1, 1.0, zg, 1);
            pz = pp;
            for (long i = 0; i < n; i++)
                u[i] = norm * zg[i];
        } else /* u = X beta */
            cblas_dgemv(CblasRowMajor, CblasNoTrans, n, pp, 1.0, Z, pmax, t1, 1, 0.0, u, 1);
        if (pp > n) {
            if (Xs) { /* non-isotropic: X = Z diag(sqrt s) changes with p, so its Gram is formed anew */
                for (long i = 0; i < n; i++)
                    for (long j = 0; j < pp; j++)
                        Xs[i * pp + j] = Z[i * pmax + j] * sq[j];
                cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, n, pp, 1.0, Xs, pp, 0.0, A, n);
            } else {
                cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, n, pp - pdone, 1.0, Z + pdone, pmax, 1.0, Gi, n);
                pdone = pp;
                for (long j = 0; j < n; j++) /* the column-major lower triangle, all that is read */
                    memcpy(A + j * ld + j, Gi + j * n + j, (size_t)(n - j) * sizeof(double));
                for (long j = 0; solves && j < n; j++)
                    A[n + j * ld] = u[j], A[n + 1 + j * ld] = eps[j];
            }
        } else {
            for (long i = 0; i < m; i++)
                for (long j = i; j < m; j++)
                    A[i * m + j] = Cn[i * m0 + j] * sq[i] * sq[j];
        }
        if (g.eigen) {
            if (LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'L', m, A, m, ev)) {
                snprintf(err, SLT_ERRLEN, "dsyevd did not converge (n = %ld, p = %ld)", n, pp);
                rc = 1;
            }
        }
        for (size_t k = 0; k < npts && !rc; k++) {
            if (p[k] != pp)
                continue;
            double c = (double)n * lambda[k];
            if (!g.eigen) {
                for (long i = 0; i < m; i++)
                    A[i * ld + i] += c;
                if (slt_chol_rows(ld, m, A, ld)) {
                    snprintf(err, SLT_ERRLEN, "Cholesky failed (n = %ld, p = %ld, lambda = %g): singular Gram matrix",
                             n, pp, lambda[k]);
                    rc = 1;
                    break;
                }
                if (solves) {
                    ridgeless_iso(A, n, ld, b2, out + 3 * k);
                    out[3 * k] += d->eta2;
                    continue;
                }
                c = 0; /* already added */
            }
            if (estimate(&g, c, u, eps, bh, t1, t2)) {
                snprintf(err, SLT_ERRLEN, "solve failed (n = %ld, p = %ld)", n, pp);
                rc = 1;
                break;
            }
            double risk = 0, bias = 0, var = 0, *bb = bh, *bv = bh + pp;
            for (long j = 0; j < pp; j++) {
                double db = bb[j] - beta[j];
                bias += s[j] * db * db;
                var += s[j] * bv[j] * bv[j];
                risk += s[j] * (db + bv[j]) * (db + bv[j]);
            }
            out[3 * k] = risk + d->eta2;
            out[3 * k + 1] = bias;
            out[3 * k + 2] = var;
        }
    }
done:
    free(ps); free(Z); free(Cn); free(Gi); free(A); free(Xs); free(ev); free(gdir); free(beta);
    free(s); free(sq); free(in); free(eps); free(u); free(bh); free(t1); free(t2); free(zg);
    return rc;
}
