/* starvation_sim.h: one trial of the gradient-starvation toy on the actual logistic model
 * (starvation.md 3, 5, 8): literal GD, gradient flow or dual iteration on theta. No memory is returned. */
#ifndef SLT_STARVATION_SIM_H
#define SLT_STARVATION_SIM_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "theory/starvation.h"

enum { SLT_STARV_GD, SLT_STARV_FLOW, SLT_STARV_DUAL };

/* One trial: draws V (d x 2, orthonormal columns, Haar) from rng, forms Phi = Y U S V' (2 x d,
 * y = (+1, +1)) and trains theta in R^d from 0 by `method`:
 *  GD:   theta -= eta grad L (the loss of m->reg), k = round(t[i]/eta) steps;
 *  FLOW: d theta/dt = -grad L by odeiv2 (rk8pd, rtol 1e-10), at time t[i];
 *  DUAL: alpha -= eta_dual (C K alpha + log(alpha/(1 - alpha))), clipped into (0, 1), from
 *        alpha = 1e-8, k = round(t[i]/eta) steps; theta = C (Y Phi)' alpha for WD, and for SD the
 *        minimiser of the penalised problem at that alpha (K = I then); not for MSE.
 * z[2 i + j] = (U' Y Phi theta)_j at record i. The times t[i] >= 0 may come in any order.
 * Returns 0, or 1 with a message (out of memory, integrator failure, DUAL with MSE). */
int slt_starv_sim(const slt_starv_toy *m, int method, double eta, double eta_dual, long d, size_t nt,
                  const double *t, gsl_rng *rng, double *z, char *err);

/* The largest curvature of the loss on theta (a bound over all theta): GD is stable for
 * eta < 2 / slt_starv_curvature(). s_max^2/4 + lambda (WD), s_max^2 (1/4 + lambda) (SD), s_max^2 (MSE). */
double slt_starv_curvature(const slt_starv_toy *m);

#endif
