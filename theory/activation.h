/* activation.h: activation functions sigma of random-features models, an in-place array apply
 * for simulations, and their Gaussian constants mu0, mu1, mu*. No memory is returned. */
#ifndef SLT_ACTIVATION_H
#define SLT_ACTIVATION_H

#include <stddef.h>

/* Built-in activations; the index is also the position of the word in slt_act_names. */
enum {
    SLT_ACT_RELU = 0, /* max(t, 0) */
    SLT_ACT_TANH,     /* tanh t */
    SLT_ACT_SOFTPLUS, /* log(1 + e^t), evaluated as max(t, 0) + log1p(exp(-|t|)) */
    SLT_ACT_QUAD,     /* t^2 / 2 */
    SLT_ACT_ERF,      /* erf t (Williams' arcsine-kernel activation) */
    SLT_ACT_COUNT
};

/* CLI words, NULL-terminated: "relu", "tanh", "softplus", "quad", "erf". */
extern const char *const slt_act_names[];

/* Index of a word in slt_act_names, or -1 if unknown. */
int slt_act_from_name(const char *word);

/* sigma(t) for a built-in kind (NaN for an unknown kind). */
double slt_act_eval(int kind, double t);

/* x[i] <- sigma(x[i]) for i < n, in place. The kind is dispatched once, outside the loop, so
 * the loops for relu and quad vectorise. An unknown kind fills x with NaN. */
void slt_act_apply(int kind, double *x, size_t n);

/* x[i] <- tanh(x[i]) for i < n, in place, vectorised: within 1.6 ulp of the exact value (libm's
 * tanh: 2.2), and the same values on every x86-64 (any vector width, no FMA). NaN stays NaN, +-inf gives +-1. */
void slt_tanh_array(double *x, size_t n);

/* Gaussian constants of an activation, G ~ N(0, 1) (random_features.md 1.2):
 * mu0 = E sigma(G), mu1 = E G sigma(G), m2 = E sigma(G)^2, mustar = sqrt(m2 - mu0^2 - mu1^2),
 * zeta = mu1 / mustar (NaN if mustar == 0). */
typedef struct {
    double mu0, mu1, mustar, zeta, m2;
} slt_act_consts;

/* Constants of a built-in kind: closed forms for relu and quad, quadrature otherwise.
 * Returns SLT_OK, SLT_EUSAGE (unknown kind) or SLT_EFAIL (quadrature did not converge). */
int slt_act_constants(int kind, slt_act_consts *out);

/* A general activation given as a callback. */
typedef double (*slt_act_fn)(double t, void *ctx);

/* Constants of a general activation by quadrature: qagil on (-inf, k_1], qags between kinks,
 * qagiu on [k_m, inf), where k_1 < ... < k_m are the given kinks plus 0; epsabs 1e-13,
 * epsrel 1e-12. kinks may be NULL when nkinks == 0. f must be finite and grow slower than
 * exp(t^2/4). Returns SLT_OK, SLT_EUSAGE (f NULL, non-finite kink) or SLT_EFAIL. */
int slt_act_constants_fn(slt_act_fn f, void *ctx, const double *kinks, size_t nkinks,
                         slt_act_consts *out);

#endif
