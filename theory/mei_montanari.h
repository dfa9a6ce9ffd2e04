/* mei_montanari.h: asymptotic test error of random-features ridge regression with i.i.d. weights
 * (Mei & Montanari, arXiv:1908.05355; random_features.md section 1). No memory is returned. */
#ifndef SLT_MEI_MONTANARI_H
#define SLT_MEI_MONTANARI_H

/* Everything at one point. Quantities that do not exist for the branch taken are NaN:
 * b1, b2 outside the lambda > 0 solve, e0..e2 in the psi -> inf limits. */
typedef struct {
    double test;     /* R = F1^2 B + (tau^2 + F*^2) V + F*^2 (label noise not included) */
    double bias;     /* B */
    double variance; /* V */
    double chi;      /* nu1 nu2 at xi = i s, s = sqrt(psi1 psi2 lambar); chi <= 0 */
    double b1, b2;   /* nu_j(i s) = i b_j, b_j > 0 (lambda > 0 only) */
    double e0, e1, e2; /* the polynomials E0, E1, E2 at chi */
} slt_mm_result;

/* Test error of RF ridge regression in the proportional limit (random_features.md 1.3-1.5).
 *   psi1 = N/d > 0, psi2 = n/d > 0; either may be INFINITY: psi1 = inf is the kernel limit,
 *     psi2 = inf the infinite-data limit, both inf gives B = (lambda/(lambda + mu1^2))^2, V = 0.
 *   lambda >= 0 (may be INFINITY): the ridge of 1.1 (penalty N lambda/d); lambda == 0 exactly
 *     takes the ridgeless closed form, which is +inf at psi1 == psi2.
 *   mu1, mustar: activation constants (slt_act_constants); mustar > 0. Only zeta = mu1/mustar
 *     and lambar = lambda/mustar^2 enter.
 *   F1sq = F1^2 = ||beta1||^2, Fstarsq = F*^2 = E f_NL^2, tau2 = tau^2: the SQUARED amplitudes
 *     of the linear target, the nonlinear target and the label noise, all >= 0.
 * A coefficient that is 0 kills its term even where B or V is infinite (0 * inf = 0: a zero
 * target with zero noise is learnt exactly). Returns SLT_OK, SLT_EUSAGE (an input out of range,
 * or NaN) or SLT_EFAIL (the root finder failed, or B and V would have fewer than 4 correct
 * digits: only at psi1 = psi2 with B >~ 1e9, where E0 cancels to rounding);
 * out is written only on SLT_OK. */
int slt_mm_risk(double psi1, double psi2, double lambda, double mu1, double mustar, double F1sq,
                double Fstarsq, double tau2, slt_mm_result *out);

/* chi = nu1 nu2 at xi = i sqrt(psi1 psi2 lambar) for finite psi1, psi2 > 0 and zeta = mu1/mu*:
 * the bracketed Brent solve of 1.4 for lambar > 0 (b1, b2 returned when non-NULL), the ridgeless
 * closed form of 1.5 for lambar == 0 (b1, b2 set to NaN), chi = 0 for lambar = inf.
 * Returns SLT_OK, SLT_EUSAGE or SLT_EFAIL. */
int slt_mm_chi(double psi1, double psi2, double zeta, double lambar, double *chi, double *b1,
               double *b2);

/* The polynomials E0, E1, E2 of 1.3 at chi, with z = zeta; B = E1/E0, V = E2/E0. */
void slt_mm_polys(double psi1, double psi2, double zeta, double chi, double e[3]);

#endif
