#!/usr/bin/env python3
"""Reference Monte Carlo of one-pass ASGD / SGD on Gaussian linear regression (theory note sgd.md
2, 8), vectorised over trials with numpy: the same work as `sltsim run sgd` for one point (a bias
run from the initial error and a noise run from w0 = w*, on the same samples x_t = sqrt(lambda) z_t).
Usage: ref_sgd_numpy.py D N TRIALS ALGO(sgd|asgd) [SEED]. Prints risk,risk_se,bias,bias_se,variance,variance_se
at the last iterate w_N, init large (error 1 on coordinates 1..5), sigma2 = 0.01, lambda_i = i^-2,
steps of the project's family (mu = 1e-3, kappa_tilde = 10)."""
import sys
import numpy as np

d, N, T, algo = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = np.random.default_rng(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
lam = np.arange(1, d + 1, dtype=float) ** -2.0
sl, sigma = np.sqrt(lam), 0.1
r2 = lam.sum() + 2 * lam[0]
q = np.sqrt(r2 / 1e-3 * 10)
c = 3 * np.sqrt(5) * q
al, de, ga = c / (1 + c), 1 / (5 * r2), 1 / (3 * np.sqrt(5) * 1e-3 * q)
be = al / (9 * q)
if algo == "sgd":
    al = 1.0
# runs stacked: [bias, noise] x trials x d
e = np.zeros((2, T, d))
e[0, :, :5] = 1.0
v = e.copy()
for t in range(N):
    x = rng.standard_normal((T, d)) * sl
    eps = sigma * rng.standard_normal(T)
    u = al * e + (1 - al) * v if al != 1.0 else e
    r = np.einsum("rtd,td->rt", u, x)
    r[1] -= eps
    g = r[:, :, None] * x[None, :, :]
    e = u - de * g
    if al != 1.0:
        v = be * u + (1 - be) * v - ga * g
b = 0.5 * (lam * e[0] ** 2).sum(1)
vr = 0.5 * (lam * e[1] ** 2).sum(1)
rk = 0.5 * (lam * (e[0] + e[1]) ** 2).sum(1)
out = []
for a in (rk, b, vr):
    out += [a.mean(), a.std(ddof=1) / np.sqrt(T)]
print("risk,risk_se,bias,bias_se,variance,variance_se")
print(",".join("%.10g" % z for z in out))
