/* moons_sim.h: the two-moons data and the 2-width-1 ReLU network of starvation.md 7: forward and
 * backward passes over BLAS, full-batch training, margins, NTK eigenvector responses. A workspace
 * from slt_moons_alloc is the caller's (free with slt_moons_free); other functions return no memory. */
#ifndef SLT_MOONS_SIM_H
#define SLT_MOONS_SIM_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

enum { SLT_MOONS_MOMENTUM, SLT_MOONS_ADAM };

/* n points (x1, x2) of the recipe of starvation.md 7 into X (n x 2, row-major) and labels y = +-1:
 * n/2 (rounded down) on the outer moon (y = -1), the rest on the inner one (y = +1), Gaussian noise
 * of standard deviation `noise`, the separating shift `shift` (Delta), then a rotation by
 * `rotate` degrees. Class +1 lies at x1 < -Delta, class -1 at x1 > Delta before rotation. */
void slt_moons_data(long n, double noise, double shift, double rotate, gsl_rng *rng, double *X, double *y);

/* The network f(x) = w2' relu(W1 x + c1) + c2, parameters in one vector of slt_moons_nparams(w)
 * = 4 w + 1 doubles: the two columns of W1 (w each), c1 (w), w2 (w), then c2. */
size_t slt_moons_nparams(long width);
/* Initialisation of starvation.md 7 (PyTorch's default): layer 1 U(+-1/sqrt 2), layer 2 U(+-1/sqrt w). */
void slt_moons_init(long width, gsl_rng *rng, double *p);

typedef struct slt_moons_work slt_moons_work;
/* A workspace for a network of `width` units on up to `nmax` points. NULL if out of memory. */
slt_moons_work *slt_moons_alloc(long width, long nmax);
void slt_moons_free(slt_moons_work *w);
/* Bytes slt_moons_alloc(width, nmax) takes, plus the NTK of n training points (for memory checks). */
double slt_moons_bytes(long width, long nmax, long n);

/* Logits f (n) of the n points X. */
void slt_moons_forward(slt_moons_work *w, const double *p, long n, const double *X, double *f);
/* The training objective L = (1/n) sum_i log(1 + e^(-y_i f_i)) + sd (1/n) sum_i f_i^2 + (wd/2) |p|^2,
 * its gradient g (slt_moons_nparams doubles; NULL: not computed), and the logits f (n). Returns
 * the mean logistic loss alone (the training loss reported). */
double slt_moons_loss_grad(slt_moons_work *w, const double *p, long n, const double *X, const double *y,
                           double sd, double wd, double *f, double *g);
/* Input gradients G (n x 2) of f at the n points X (first-order geometric margins). */
void slt_moons_input_grad(slt_moons_work *w, const double *p, long n, const double *X, double *G);
/* The eigenvectors of the Gram matrix K = J J' of the Jacobian J (n x nparams) of the logits with
 * respect to the parameters, for the ranks j[0..nj-1] in decreasing eigenvalue order (1 = the
 * largest): U (n x nj, column r the eigenvector of rank j[r]). LAPACKE dsyevd; 0, or 1 on failure. */
int slt_moons_ntk(slt_moons_work *w, const double *p, long n, const double *X, size_t nj, const int *j, double *U);

/* Optimiser state and one full-batch step with gradient g: momentum 0.9 (buffer = g at the first
 * step, PyTorch SGD) or Adam (0.9, 0.999, 1e-8); wd is already in g. */
typedef struct {
    int opt;
    double lr;
    long step;
    size_t np;
    double *m, *v; /* momentum buffer / Adam moments (np each) */
} slt_moons_opt;
int slt_moons_opt_init(slt_moons_opt *o, int opt, double lr, size_t np);
void slt_moons_opt_step(slt_moons_opt *o, double *p, const double *g);
void slt_moons_opt_free(slt_moons_opt *o);

/* Training of one seed: initialise from rng (slt_moons_init), then `epochs` full-batch steps. */
typedef struct {
    long width;
    int opt;       /* SLT_MOONS_MOMENTUM or SLT_MOONS_ADAM */
    double lr, wd, sd;
} slt_moons_train_cfg;
/* What is measured on the n training points at a recorded epoch (before that epoch's update). */
typedef struct {
    double loss;          /* mean logistic loss (no penalty) */
    double mmin, mmean;   /* min and mean of y f */
    double mgeo;          /* min_i y_i f_i / |grad_x f(x_i)| (first-order geometric margin) */
    double resp2, resp7;  /* |f' u_2|, |f' u_7|: NTK eigenvectors at initialisation (NaN if n < 7) */
} slt_moons_rec;
/* Trains on (X, y) (n points) and records after e[r] updates, r < ne (e nondecreasing): rec[r]
 * (if rec is not NULL; the NTK is then formed at initialisation) and, for each of nt test sets of
 * ntest points (Xt: nt blocks of ntest x 2, yt: nt blocks of ntest), the accuracy
 * acc[r * nt + s] (fraction with y f > 0). p (slt_moons_nparams doubles) ends with the parameters
 * after e[ne - 1] updates. Returns 0, or 1 with a message (out of memory, dsyevd). */
int slt_moons_train(const slt_moons_train_cfg *c, long n, const double *X, const double *y, gsl_rng *rng,
                    size_t ne, const long *e, size_t nt, long ntest, const double *Xt, const double *yt,
                    slt_moons_rec *rec, double *acc, double *p, char *err);

#endif
