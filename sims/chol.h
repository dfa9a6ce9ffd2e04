/* chol.h (internal to the library): the Cholesky factorisation of the Gram matrices of the
 * simulations (ridge_sim.c, rf_sim.c), faster than LAPACK's dpotrf at their orders. In place: no memory. */
#ifndef SLT_CHOL_H
#define SLT_CHOL_H

/* A = L L^T for the m x m column-major lower triangle of A (leading dimension m), L in place
 * (the strict upper triangle is not read). 0, or 1 if A is not (numerically) positive definite;
 * A is then partly overwritten. */
int slt_chol_factor(long m, double *A);

/* The same for the c x c lower triangle of A (leading dimension ld >= rows), carried through the
 * rows - c rows below it: each such row b^T becomes (L^-1 b)^T, so forward solves ride along at
 * dgemm speed (ridge_sim.c: two extra rows u^T and eps^T). */
int slt_chol_rows(long rows, long c, double *A, long ld);

#endif
