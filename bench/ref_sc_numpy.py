#!/usr/bin/env python3
"""Reference for bench/masked_sc.sh: one run of the masked sparse coding protocol
(sparse_coding.md 2-7) in Python, as the authors' released code does it: scikit-learn OMP
(orthogonal_mp, unscaled atoms) for the codes, then either numpy (Adam written out, stop-gradient
gradients in closed form) or PyTorch (autograd through the loss with the codes as constants,
torch.optim.Adam). Both objectives are trained from the same draw. Prints CSV:
objective,cos,euc,seconds.

Usage: ref_sc_numpy.py numpy|torch [d p p_learn k n batch epochs noise seed]
"""
import sys
import time

import numpy as np
from sklearn.linear_model import orthogonal_mp


def unit_rows(X):
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def samples(rng, A, k, sigma, n):
    p, d = A.shape
    Z = np.zeros((n, p))
    for i in range(n):
        S = rng.choice(p, k, replace=False)
        z = rng.standard_normal(k)
        Z[i, S] = z / np.linalg.norm(z)
    return Z @ A + sigma * rng.standard_normal((n, d))


def codes(D, Y, k):
    """k-sparse OMP codes of the rows of Y over the rows of D (sklearn: atoms are columns)."""
    C = orthogonal_mp(D.T, Y.T, n_nonzero_coefs=k)
    return C.T if C.ndim == 2 else C[None, :]


def cos_error(A, B):
    M = np.abs(unit_rows(A) @ unit_rows(B).T).max(axis=1)
    return np.mean(1 - M), np.mean(np.sqrt(np.maximum(2 - 2 * M, 0)))


def train_numpy(B0, Y, k, batch, epochs, lr, v, masked, rng):
    B = B0.copy()
    m = np.zeros_like(B)
    s = np.zeros_like(B)
    n, d = Y.shape
    t = 0
    for _ in range(epochs):
        for off in range(0, n, batch):
            Yb = Y[off:off + batch]
            t += 1
            if masked:
                perm = rng.permutation(d)
                V, H = perm[:v], perm[v:]
                Z = codes(B[:, V], Yb[:, V], k)
                R = Yb[:, H] - Z @ B[:, H]
                G = np.zeros_like(B)
                G[:, H] = -2 / len(Yb) * Z.T @ R
            else:
                Z = codes(B, Yb, k)
                G = -2 / len(Yb) * Z.T @ (Yb - Z @ B)
            m = 0.9 * m + 0.1 * G
            s = 0.999 * s + 0.001 * G * G
            B -= lr * (m / (1 - 0.9 ** t)) / (np.sqrt(s / (1 - 0.999 ** t)) + 1e-8)
            B = unit_rows(B)
    return B


def train_torch(B0, Y, k, batch, epochs, lr, v, masked, rng):
    import torch
    torch.set_num_threads(1)
    B = torch.tensor(B0, requires_grad=True)
    opt = torch.optim.Adam([B], lr=lr)
    Yt = torch.tensor(Y)
    n, d = Y.shape
    for _ in range(epochs):
        for off in range(0, n, batch):
            Yb = Yt[off:off + batch]
            Bn = B.detach().numpy()
            if masked:
                perm = rng.permutation(d)
                V, H = perm[:v], perm[v:]
                Z = torch.tensor(codes(Bn[:, V], Yb.numpy()[:, V], k))
                loss = ((Yb[:, H] - Z @ B[:, H]) ** 2).sum(dim=1).mean()
            else:
                Z = torch.tensor(codes(Bn, Yb.numpy(), k))
                loss = ((Yb - Z @ B) ** 2).sum(dim=1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            with torch.no_grad():
                B /= B.norm(dim=1, keepdim=True)
    return B.detach().numpy()


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "numpy"
    a = [float(x) for x in sys.argv[2:]]
    d, p, q, k, n, batch, epochs = (int(x) for x in (a + [50, 100, 500, 3, 500, 100, 500][len(a):])[:7])
    noise = a[7] if len(a) > 7 else 1.0
    seed = int(a[8]) if len(a) > 8 else 1
    rng = np.random.default_rng(seed)
    sigma = noise / np.sqrt(d)
    A = unit_rows(rng.standard_normal((p, d)))
    Y = samples(rng, A, k, sigma, n)
    B0 = unit_rows(samples(rng, A, k, sigma, q))
    B0[:p] = A  # A-init
    v = round(0.9 * d)
    train = train_torch if mode == "torch" else train_numpy
    print("objective,cos,euc,seconds")
    for name, masked in (("standard", False), ("masked", True)):
        t0 = time.perf_counter()
        B = train(B0, Y, k, batch, epochs, 1e-3, v, masked, np.random.default_rng(seed + 1))
        c, e = cos_error(A, B)
        print(f"{name},{c:.6g},{e:.6g},{time.perf_counter() - t0:.3f}")


if __name__ == "__main__":
    main()
