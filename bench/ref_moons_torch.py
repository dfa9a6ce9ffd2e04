#!/usr/bin/env python3
"""Reference for bench/moons.sh: the two-moons training of `sltsim run moons` in PyTorch on the CPU,
float64, as a user of the paper's code would write it: nn.Sequential(Linear(2, 500), ReLU,
Linear(500, 1)) with its default initialisation, torch.optim.SGD(momentum=0.9, lr=1e-2), the mean
logistic loss (softplus(-y f)), EPOCHS full-batch steps per seed; the NTK at initialisation from
torch.func-free per-block formulas (the same Gram as bench/ref_moons_numpy.py) and torch.linalg.eigh.
Data from the numpy recipe. Prints CSV: seed,train_loss,margin_mean,acc.

Usage: [TORCH_THREADS=K] ref_moons_torch.py SEEDS EPOCHS [WIDTH]
"""
import os
import sys

import numpy as np
import torch

from ref_moons_numpy import moons


def ntk_vectors(net, X):
    W1, c1 = net[0].weight, net[0].bias
    w2 = net[2].weight[0]
    a = X @ W1.T + c1
    d = (a > 0) * w2
    J = torch.cat([(d[:, :, None] * X[:, None, :]).reshape(len(X), -1), d, a.clamp(min=0), torch.ones(len(X), 1, dtype=X.dtype)], 1)
    _, U = torch.linalg.eigh(J @ J.T)
    return U.flip(1)[:, [1, 6]]


def main():
    seeds, epochs = int(sys.argv[1]), int(sys.argv[2])
    w = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    # intra-op threads: $TORCH_THREADS, default 1 (at n = 300, width 500 a second thread barely
    # helps, and on a loaded machine its spin-waiting multiplied PyTorch's CPU time by four)
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "1")))
    print("seed,train_loss,margin_mean,acc")
    for s in range(seeds):
        rng = np.random.default_rng(s)
        torch.manual_seed(s)
        X, y = (torch.tensor(v) for v in moons(rng, 300))
        Xt, yt = (torch.tensor(v) for v in moons(rng, 2000))
        net = torch.nn.Sequential(torch.nn.Linear(2, w), torch.nn.ReLU(), torch.nn.Linear(w, 1)).double()
        opt = torch.optim.SGD(net.parameters(), lr=1e-2, momentum=0.9)
        with torch.no_grad():
            ntk_vectors(net, X)
        for _ in range(epochs):
            opt.zero_grad()
            loss = torch.nn.functional.softplus(-y * net(X)[:, 0]).mean()
            loss.backward()
            opt.step()
        with torch.no_grad():
            f, ft = net(X)[:, 0], net(Xt)[:, 0]
            print(f"{s},{torch.nn.functional.softplus(-y * f).mean():.10g},{(y * f).mean():.10g},{(yt * ft > 0).double().mean():.10g}")


if __name__ == "__main__":
    main()
