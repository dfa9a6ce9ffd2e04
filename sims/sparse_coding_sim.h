/* sparse_coding_sim.h: Monte Carlo of dictionary learning with the standard and the masking
 * objective (sparse_coding.md 2-7, 11) and of the one-atom toy model (10), one trial per call.
 * Results go to caller arrays; workspaces are internal and freed before returning. */
#ifndef SLT_SPARSE_CODING_SIM_H
#define SLT_SPARSE_CODING_SIM_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

enum { SLT_SC_INIT_TRUTH, SLT_SC_INIT_SAMPLES, SLT_SC_INIT_GAUSSIAN };
enum { SLT_SC_STANDARD, SLT_SC_MASKED };

/* One training setting (sparse_coding.md 2, 3, 6). n = 0: a fresh batch every step (11), with
 * 5 steps per epoch as in the paper's protocol (n = 5 batch). */
typedef struct {
    long d, p, p_learn, k, n, batch, epochs;
    double sigma, lr;
    long v;            /* visible coordinates of the masking split, 1 <= v < d */
    int init;          /* SLT_SC_INIT_* */
    int run[2];        /* train the standard / masked objective */
    long nheld;        /* fresh samples for the held-out losses */
    long steps;        /* Adam steps; 0 = epochs times the batches per epoch */
} slt_sc_config;

/* Outcome of one objective; train is NaN when n = 0 (no fixed training set). */
typedef struct {
    double cos, euc, recovered; /* sparse_coding.md 7; recovered: fraction with max |cos| >= 0.9 */
    double train, heldout;      /* the objective's own loss on the training set / on fresh samples */
} slt_sc_result;

/* One trial: draw A, the training set, the held-out set and the initial dictionary once, then train
 * every requested objective from them (paired: both see the same data in the same order, and a
 * fresh-batch stream is replayed identically). Returns 0, or 1 with a message in err. */
int slt_sc_trial(const slt_sc_config *c, gsl_rng *rng, slt_sc_result res[2], char *err);
/* Bytes one trial needs (for the memory check). */
double slt_sc_trial_bytes(const slt_sc_config *c);

/* Loss and stop-gradient gradient on the scored columns cols[0..ncols) (cols NULL: all d columns,
 * ncols = d) given the codes
 * (idx, coef: k per signal, idx -1 = unused): loss = (1/nb) sum_i ||Y_i,cols - z_i B_cols||^2,
 * grad[j, cols] -= (2/nb) z_ij R_i,cols for the active j of each signal (sparse, O(nb k ncols));
 * other entries of grad are left as they are. R is scratch of ncols doubles. */
double slt_sc_loss_grad(const double *B, long d, const double *Y, size_t nb, size_t k, const int *idx,
                        const double *coef, const int *cols, size_t ncols, double *grad, double *R);
/* One Adam step (lr, beta1 0.9, beta2 0.999, eps 1e-8, bias correction; step t >= 1) on x (size n)
 * with moments m, v, then every row (length d) of x rescaled to unit norm. */
void slt_sc_adam_step(double *x, double *m, double *v, const double *g, size_t n, long d, long t, double lr);
/* Recovery of the p true atoms A (p x d) by the q learned atoms B (q x d): cosine error,
 * Euclidean error and the fraction of atoms with max_j |cos| >= 0.9 (sparse_coding.md 7). */
int slt_sc_metrics(const double *A, long p, const double *B, long q, long d, double *cos, double *euc, double *rec);

/* Toy model (sparse_coding.md 10), sigma = 1: paired Monte Carlo of L(P(delta_i, m)) - L(G) under the
 * standard loss (gain_std) and the masked loss with v visible coordinates drawn per sample
 * (gain_mask), and L_mask(G) (mask_truth), over `samples` draws of y = c s a + eps with the flat
 * atom a = 1/sqrt(d). Requires 1 <= m < d, 1 <= v < d. Returns 0, or 1 with a message. */
int slt_sc_toy_mc(double c, long m, long d, long v, long samples, size_t ndelta, const double *delta, gsl_rng *rng,
                  double *gain_std, double *gain_mask, double *mask_truth, char *err);

#endif
