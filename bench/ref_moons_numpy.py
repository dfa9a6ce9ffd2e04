#!/usr/bin/env python3
"""Reference for bench/moons.sh: the two-moons training of `sltsim run moons` (starvation.md 7) in
numpy, float64, doing the same work per seed: the data recipe (n = 300, noise 0.1, shift 0.1), a
2-500-1 ReLU network with PyTorch's initialisation, the NTK Gram at initialisation and its
eigendecomposition (numpy.linalg.eigh), EPOCHS full-batch steps of GD with momentum 0.9 at lr 1e-2 on
the mean logistic loss, then the mean margin y f and the accuracy on 2000 fresh points. Prints CSV:
seed,train_loss,margin_mean,acc.

Usage: ref_moons_numpy.py SEEDS EPOCHS [WIDTH]
"""
import sys

import numpy as np


def moons(rng, n, noise=0.1, shift=0.1):
    """starvation.md 7: the two moons, then the separating shift, as (x2, x1)."""
    nout = n // 2
    nin = n - nout
    to, ti = np.linspace(0, np.pi, nout), np.linspace(0, np.pi, nin)
    X = np.concatenate([np.stack([np.cos(to), np.sin(to)], 1), np.stack([1 - np.cos(ti), 1 - np.sin(ti) - 0.5], 1)])
    y = np.concatenate([-np.ones(nout), np.ones(nin)])
    X = X + noise * rng.standard_normal(X.shape)
    x1 = X[:, 0] - 0.5
    x2 = X[:, 1] - 0.3 * y
    x2 = x2 - x2.mean()
    x2 = -y * np.abs(x2) - y * shift
    return np.stack([x2, x1], 1), y


def init(rng, w):
    b1, b2 = 1 / np.sqrt(2), 1 / np.sqrt(w)
    return [rng.uniform(-b1, b1, (w, 2)), rng.uniform(-b1, b1, w), rng.uniform(-b2, b2, w), rng.uniform(-b2, b2)]


def ntk_vectors(p, X):
    W1, c1, w2, _ = p
    a = X @ W1.T + c1
    d = (a > 0) * w2
    J = np.concatenate([d[:, :, None] * X[:, None, :], d[:, :, None], np.maximum(a, 0)[:, :, None]], 2)
    J = np.concatenate([J.reshape(len(X), -1), np.ones((len(X), 1))], 1)
    _, U = np.linalg.eigh(J @ J.T)
    return U[:, ::-1][:, [1, 6]]


def forward(p, X):
    W1, c1, w2, c2 = p
    A = np.maximum(X @ W1.T + c1, 0)
    return A, A @ w2 + c2


def train(p, X, y, epochs, lr=1e-2):
    n = len(y)
    buf = None
    for _ in range(epochs):
        A, f = forward(p, X)
        m = y * f
        gf = -y / (1 + np.exp(m)) / n
        G = np.outer(gf, p[2]) * (A > 0)
        g = [G.T @ X, G.sum(0), A.T @ gf, gf.sum()]
        buf = g if buf is None else [0.9 * b + gi for b, gi in zip(buf, g)]
        p = [pi - lr * b for pi, b in zip(p, buf)]
    return p


def main():
    seeds, epochs = int(sys.argv[1]), int(sys.argv[2])
    w = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    print("seed,train_loss,margin_mean,acc")
    for s in range(seeds):
        rng = np.random.default_rng(s)
        X, y = moons(rng, 300)
        Xt, yt = moons(rng, 2000)
        p = init(rng, w)
        ntk_vectors(p, X)
        p = train(p, X, y, epochs)
        _, f = forward(p, X)
        _, ft = forward(p, Xt)
        print(f"{s},{np.mean(np.logaddexp(0, -y * f)):.10g},{np.mean(y * f):.10g},{np.mean(yt * ft > 0):.10g}")


if __name__ == "__main__":
    main()
