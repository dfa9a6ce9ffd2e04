"""numpy reference for bench/sensitivity.sh: the Monte Carlo of `sltsim run sensitivity` at its
defaults (model=rf act=tanh d=200 N=80,160,240 k=1000,4000,16000,40000, 20 trials; extras.md 1),
in float64.

Usage: ref_sensitivity_numpy.py [same|typical] [trials]
  same     the work sltsim does: per trial one X (240 x 200), Y, z and one W (200 x 40000) for the
           whole sweep (a point uses the first N rows and the first k columns); block by block of
           2048 columns of W the features tanh(X W) and the update of the Gram F F' of the largest
           N, up to each width k, where every N solves with the leading block (Cholesky);
  typical  the straightforward script: fresh X, Y, z, W for every point and trial, F F' formed
           anew, numpy.linalg.solve.
Both use the kernel trick: theta = F' alpha, grad = W (tanh'(W'z) * theta), S = sqrt(d) |grad|.
Prints N,k,mean,se per point (CSV), in sltsim's grid order.
"""
import sys

import numpy as np
from scipy.linalg import cho_factor, cho_solve

mode = sys.argv[1] if len(sys.argv) > 1 else "same"
trials = int(sys.argv[2]) if len(sys.argv) > 2 else 20
d, Ns, ks = 200, [80, 160, 240], [1000, 4000, 16000, 40000]
BLOCK = 2048  # columns of W per block, as sltsim
rng = np.random.default_rng(1)


def dtanh(a):
    return 1.0 - np.tanh(a) ** 2


def sens(F, W, h, Y, G=None):
    """S from the features F (N x k), W (d x k), h = W'z, labels Y; G = F F' if already formed."""
    G = F @ F.T if G is None else G
    alpha = cho_solve(cho_factor(G, lower=True), Y) if mode == "same" else np.linalg.solve(G, Y)
    g = W @ (dtanh(h) * (F.T @ alpha))
    return np.sqrt(d) * np.linalg.norm(g)


def trial_same(S):
    X = rng.standard_normal((max(Ns), d))
    Y = rng.standard_normal(max(Ns))
    z = rng.standard_normal(d)
    W = rng.standard_normal((d, max(ks))) / np.sqrt(d)
    h = W.T @ z
    F = np.empty((max(Ns), max(ks)))
    G = np.zeros((max(Ns), max(Ns)))
    k0 = 0
    for c in range(0, max(ks), BLOCK):  # features block by block, G updated up to each width
        e = min(c + BLOCK, max(ks))
        np.tanh(X @ W[:, c:e], out=F[:, c:e])
        while k0 < e:
            k = min([k for k in ks if k0 < k < e] + [e])
            B = F[:, k0:k]
            G += B @ B.T
            k0 = k
            if k in ks:
                j = ks.index(k)
                for i, N in enumerate(Ns):
                    S[i, j] = sens(F[:N, :k], W[:, :k], h[:k], Y[:N], G[:N, :N])


def trial_typical(S):
    for i, N in enumerate(Ns):
        for j, k in enumerate(ks):
            X = rng.standard_normal((N, d))
            Y = rng.standard_normal(N)
            z = rng.standard_normal(d)
            W = rng.standard_normal((d, k)) / np.sqrt(d)
            S[i, j] = sens(np.tanh(X @ W), W, W.T @ z, Y)


runs = np.empty((trials, len(Ns), len(ks)))
for t in range(trials):
    (trial_same if mode == "same" else trial_typical)(runs[t])
mean, se = runs.mean(0), runs.std(0, ddof=1) / np.sqrt(trials)
for i, N in enumerate(Ns):
    for j, k in enumerate(ks):
        print(f"{N},{k},{mean[i, j]:.10g},{se[i, j]:.10g}")
