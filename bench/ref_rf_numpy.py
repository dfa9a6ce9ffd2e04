"""numpy reference for bench/rf.sh: the Monte Carlo of random-features ridge regression that
`sltsim run rf psi1=0.1:10:20:log psi2=3 d=200 --trials 20` does (random_features.md 2), in float64.

Usage: ref_rf_numpy.py [same|sampled|typical] [d] [trials] [npsi]
  same     the work sltsim does (testerr=exact, its default): per trial one weight matrix with the
           largest N (a point uses its first N rows), one data draw for the whole sweep, the Gram
           of the smaller side (a block of one product for N <= n, rank updates for N > n),
           Cholesky solves (scipy.linalg.cho_factor / cho_solve), and the exact test error over the
           sphere, 1 - 2 a'b + a'K a with the ReLU arc-cosine kernel K of Theta Theta'/d (exact at
           every d for ReLU) and b = Theta beta1/(2 sqrt d), K formed once for the largest N;
  sampled  the same, but the test error on one 4000-point test set per trial (sltsim testerr=sample);
  typical  the straightforward script: fresh weights, data and test set for every point and
           trial, Gram formed anew, numpy.linalg.solve.
Model: x, theta uniform on the sphere of radius sqrt(d), ReLU features sigma(<theta, x>/sqrt d),
y = <beta1, x> + N(0, tau2), ||beta1|| = 1, tau2 = 0.25, lambda = 1e-3 (c = n N lambda/d),
test error on fresh noise-free targets. Prints psi1,mean,se per point (CSV).
"""
import sys
import time

import numpy as np
from scipy.linalg import cho_factor, cho_solve

mode = sys.argv[1] if len(sys.argv) > 1 else "same"
d = int(sys.argv[2]) if len(sys.argv) > 2 else 200
trials = int(sys.argv[3]) if len(sys.argv) > 3 else 20
npsi = int(sys.argv[4]) if len(sys.argv) > 4 else 20
psi2, lam, tau2, ntest = 3.0, 1e-3, 0.25, 4000
psi1s = np.exp(np.linspace(np.log(0.1), np.log(10), npsi))
Ns = [int(np.floor(p * d + 0.5)) for p in psi1s]
n = int(round(psi2 * d))
rng = np.random.default_rng(1)


def sphere(m, radius):
    g = rng.standard_normal((m, d))
    return g * (radius / np.linalg.norm(g, axis=1, keepdims=True))


def relu(t):
    return np.maximum(t, 0.0, out=t)


t0 = time.time()
res = np.empty((npsi, trials))
if mode in ("same", "sampled"):
    Nmax = max(Ns)
    m0 = max([N for N in Ns if N <= n], default=0)
    for t in range(trials):
        Theta = sphere(Nmax, np.sqrt(d))
        X = sphere(n, np.sqrt(d))
        b = sphere(1, 1.0)[0]
        y = X @ b + np.sqrt(tau2) * rng.standard_normal(n)
        Z = relu(X @ Theta.T / np.sqrt(d))
        C = Z[:, :m0].T @ Z[:, :m0] if m0 else None
        ZtY = Z[:, :m0].T @ y if m0 else None
        G = np.zeros((n, n))
        done = 0
        coefs = []
        for N in Ns:
            c = n * N * lam / d
            if N <= n:
                a = cho_solve(cho_factor(C[:N, :N] + c * np.eye(N)), ZtY[:N])
            else:
                G += Z[:, done:N] @ Z[:, done:N].T
                done = N
                a = Z[:, :N].T @ cho_solve(cho_factor(G + c * np.eye(n)), y)
            coefs.append(a)
        if mode == "same":
            R = np.clip(Theta @ Theta.T / d, -1.0, 1.0)
            K = (np.sqrt(1 - R * R) + (np.pi - np.arccos(R)) * R) / (2 * np.pi)
            np.fill_diagonal(K, 0.5)
            bv = 0.5 * (Theta @ b) / np.sqrt(d)
            for k, N in enumerate(Ns):
                a = coefs[k]
                res[k, t] = 1 - 2 * a @ bv[:N] + a @ (K[:N, :N] @ a)
            continue
        Xt = sphere(ntest, np.sqrt(d))
        ft = Xt @ b
        Zt = relu(Xt @ Theta.T / np.sqrt(d))
        for k, N in enumerate(Ns):
            res[k, t] = np.mean((ft - Zt[:, :N] @ coefs[k]) ** 2)
else:
    for k, N in enumerate(Ns):
        for t in range(trials):
            Theta = sphere(N, np.sqrt(d))
            X = sphere(n, np.sqrt(d))
            b = sphere(1, 1.0)[0]
            y = X @ b + np.sqrt(tau2) * rng.standard_normal(n)
            Z = relu(X @ Theta.T / np.sqrt(d))
            c = n * N * lam / d
            if N <= n:
                a = np.linalg.solve(Z.T @ Z + c * np.eye(N), Z.T @ y)
            else:
                a = Z.T @ np.linalg.solve(Z @ Z.T + c * np.eye(n), y)
            Xt = sphere(ntest, np.sqrt(d))
            res[k, t] = np.mean((Xt @ b - relu(Xt @ Theta.T / np.sqrt(d)) @ a) ** 2)
for k in range(npsi):
    print(f"{psi1s[k]:.6f},{res[k].mean():.8f},{res[k].std(ddof=1) / np.sqrt(trials):.8f}")
print(f"# wall {time.time() - t0:.2f}s", file=sys.stderr)
