#!/usr/bin/env python3
"""Reference for bench/gd_dynamics.sh: the gradient-flow simulation of `sltsim run gd-dynamics`
written in numpy, doing the same work: per trial one Gaussian draw (X with N(0, 1/N) entries,
teacher, noise, w0), one symmetric eigendecomposition (numpy.linalg.eigh) of the smaller Gram
matrix, and the exact test and training error at every time of the grid in closed form
(linear.md 4.2, 5.2), vectorised over t. Prints CSV: alpha,t,test,test_se,train,train_se.

Usage: ref_gd_numpy.py N TRIALS [alpha,...] [snr] [w0var]
"""
import sys

import numpy as np


def trial(rng, N, P, sw2, se2, sw02, t):
    X = rng.standard_normal((P, N)) / np.sqrt(N)
    a = rng.standard_normal(N)
    b = rng.standard_normal(P)
    c = rng.standard_normal(N)
    sw, se, s0 = np.sqrt(sw2), np.sqrt(se2), np.sqrt(sw02)
    if P >= N:
        l, V = np.linalg.eigh(X.T @ X)
        A, C = V.T @ a, V.T @ c
        q = (V.T @ (X.T @ b)) / np.sqrt(l)
        null = 0.0  # no frozen directions for P >= N (X has full column rank)
    else:
        l, U = np.linalg.eigh(X @ X.T)
        A = (U.T @ (X @ a)) / np.sqrt(l)
        C = (U.T @ (X @ c)) / np.sqrt(l)
        q = U.T @ b
        # frozen subspace (the N - P null directions of X): w0 - wbar there never moves
        aa, cc, ac = a @ a - A @ A, c @ c - C @ C, a @ c - A @ C
        null = sw02 * cc - 2 * s0 * sw * ac + sw2 * aa
    bperp = max(b @ b - q @ q, 0.0) if P > N else 0.0
    sl = np.sqrt(l)
    z0 = s0 * C - sw * A
    lt = np.outer(t, l)
    D = np.exp(-lt)
    omdl = -np.expm1(-lt) / l
    z = z0 * D + se * sl * q * omdl
    r = D * (se * q - sl * z0)
    eg = ((z * z).sum(axis=1) + null) / N + se2
    et = (se2 * bperp + (r * r).sum(axis=1)) / P
    return eg, et


def main():
    N = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    T = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    alphas = [float(x) for x in (sys.argv[3] if len(sys.argv) > 3 else "0.5,1,2").split(",")]
    snr = float(sys.argv[4]) if len(sys.argv) > 4 else 4.0
    sw02 = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
    sw2, se2 = snr / (1 + snr), 1 / (1 + snr)
    t = np.exp(np.linspace(np.log(0.01), np.log(1000.0), 50))
    t[0], t[-1] = 0.01, 1000.0
    rng = np.random.default_rng(1)
    print("alpha,t,test,test_se,train,train_se")
    for alpha in alphas:
        P = int(round(alpha * N))
        G = np.empty((T, t.size))
        E = np.empty((T, t.size))
        for k in range(T):
            G[k], E[k] = trial(rng, N, P, sw2, se2, sw02, t)
        gm, gs = G.mean(axis=0), G.std(axis=0, ddof=1) / np.sqrt(T)
        em, es = E.mean(axis=0), E.std(axis=0, ddof=1) / np.sqrt(T)
        for i in range(t.size):
            print(f"{alpha:g},{t[i]:.10g},{gm[i]:.10g},{gs[i]:.10g},{em[i]:.10g},{es[i]:.10g}")


if __name__ == "__main__":
    main()
