/* extras_inputs.h: the deterministic test inputs of extras.md: g(m) = sqrt(2) cos(0.1 m^2 + m),
 * m = 0, 1, 2, ... in double. Header-only; no memory is returned. */
#ifndef SLT_EXTRAS_INPUTS_H
#define SLT_EXTRAS_INPUTS_H
#include <math.h>

static __attribute__((unused)) double g_in(double m) { return sqrt(2.0) * cos(0.1 * m * m + m); }

#endif
