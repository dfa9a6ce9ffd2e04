"""Writes the course notebooks in this folder from the cell lists below (run once after editing;
the .ipynb files are committed). Each notebook calls the sltsim command line, reads its CSV with
the standard library, shows the gnuplot figure, and checks theory against simulation, so that
executing it in the tests proves the demonstration still works."""
import nbformat as nbf, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))

SETUP = '''import csv, io, math, os, shutil, subprocess
from IPython.display import Image, display

# the sltsim binary: $SLTSIM, else the build tree next to this notebook, else PATH
SLTSIM = os.environ.get("SLTSIM") or next(
    (p for p in [os.path.join(os.getcwd(), "..", "sltsim"), shutil.which("sltsim")] if p and os.path.exists(p)), "sltsim")
OUT = os.environ.get("SLTSIM_NOTEBOOK_OUT", ".")

def sltsim(*args):
    """Run sltsim, return the table as a list of dicts (numbers as floats, empty fields as None)."""
    text = subprocess.run([SLTSIM, *map(str, args), "--quiet"], check=True, capture_output=True, text=True).stdout
    rows = csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#"))
    def num(v):
        try:
            return float(v) if v != "" else None
        except ValueError:
            return v
    return [{k: num(v) for k, v in r.items()} for r in rows]
'''

NOTEBOOKS = {
    "ridge_double_descent.ipynb": [
        ("md", "# Double descent in least squares\n\nMinimum-norm least squares on n samples with p = gamma n "
               "features (Hastie, Montanari, Rosset, Tibshirani 2019). The excess risk diverges at the "
               "interpolation threshold gamma = 1 and descends again beyond it. sltsim computes the "
               "limiting risk exactly and simulates the estimator itself."),
        ("code", SETUP),
        ("code", 'rows = sltsim("run", "ridge", "gamma=0.1:5:40", "lambda=0", "n=200", "--trials", 50,\n'
                 '              "--plot", os.path.join(OUT, "ridgeless.png"))\n'
                 'display(Image(os.path.join(OUT, "ridgeless.png")))'),
        ("md", "Every simulated point should lie within a few standard errors of the **exact finite-n mean** "
               "(the limit differs from it by O(1/n), most visibly near gamma = 1). Points with |p - n| <= 3 "
               "are not simulated: their risk has an infinite mean or variance."),
        ("code", 'z = [(r["risk_sim"] - r["risk_finite"]) / r["risk_se"] for r in rows if r["risk_sim"] is not None]\n'
                 'print(f"{len(z)} simulated points, largest |z| = {max(map(abs, z)):.2f}")\n'
                 '# 40 correlated points, each within 4 SE: a right-skewed risk makes 3-SE excursions ordinary\n'
                 'assert max(map(abs, z)) < 4'),
        ("md", "## Regularisation removes the peak\n\nWith the optimal ridge penalty lambda* = sigma^2 gamma / r^2 "
               "the risk increases monotonically in gamma (Nakkiran et al. 2020). Here a few fixed penalties:"),
        ("code", 'rows = sltsim("run", "ridge", "gamma=0.1:5:30", "lambda=0,0.01,0.1,0.5", "--trials", 30,\n'
                 '              "--plot", os.path.join(OUT, "ridge.png"))\n'
                 'display(Image(os.path.join(OUT, "ridge.png")))\n'
                 'peak = {lam: max(r["risk"] for r in rows if r["lambda"] == lam) for lam in (0.0, 0.01, 0.1, 0.5)}\n'
                 'print(peak)\n'
                 'assert peak[0.5] < peak[0.1] < peak[0.01] < peak[0.0]'),
    ],
    "gd_dynamics_early_stopping.ipynb": [
        ("md", "# Generalisation dynamics of gradient descent\n\nA linear student trained by gradient flow on "
               "P noisy examples of a linear teacher in N dimensions (Advani & Saxe 2017). The test error "
               "first falls, reaches a minimum at t*, then rises as the student fits the noise; at alpha = P/N = 1 "
               "it grows without bound, like sqrt(t)."),
        ("code", SETUP),
        ("code", 'rows = sltsim("run", "gd-dynamics", "alpha=0.5,1,2", "snr=4", "t=0.01:1000:40:log", "N=200",\n'
                 '              "--trials", 40, "--plot", os.path.join(OUT, "dynamics.png"))\n'
                 'display(Image(os.path.join(OUT, "dynamics.png")))'),
        ("md", "The simulation diagonalises X'X once per trial and evaluates the exact flow at every t. "
               "It should sit on the theory (the Marchenko-Pastur integrals) within a few standard errors, "
               "except that at alpha = 1 and long times the finite-N spectrum is cut off near 1/N^2:"),
        ("code", 'z = [(r["test_sim"] - r["test"]) / r["test_se"] for r in rows if r["alpha"] != 1 or r["t"] < 50]\n'
                 'print(f"{len(z)} points, largest |z| = {max(map(abs, z)):.2f}")\n'
                 '# 40 correlated times per curve; each within 4 SE (3 SE statistical + finite-N O(1/N) bias)\n'
                 'assert max(map(abs, z)) < 4'),
        ("md", "## Early stopping against weight decay, and the overtraining peak\n\nStopping at t* is nearly "
               "as good as the optimal L2 penalty g = 1/SNR; training to the end is catastrophic near alpha = 1."),
        ("code", 'rows = sltsim("run", "early-stopping", "alpha=0.2:3:15", "snr=4", "--trials", 0)\n'
                 'print(" alpha   t*      E(t*)   E(inf)   E(ridge)")\n'
                 'for r in rows:\n'
                 '    print(f"{r[\'alpha\']:5.2f} {r[\'tstar\']:6.3f} {r[\'test_tstar\']:7.4f} {r[\'test_inf\']:8.4f} {r[\'test_ridge\']:8.4f}")\n'
                 'assert all(r["test_ridge"] <= r["test_tstar"] * (1 + 1e-9) for r in rows)\n'
                 'assert all(r["test_tstar"] <= r["test_inf"] for r in rows)'),
    ],
    "random_features.ipynb": [
        ("md", "# Random-features regression: double descent in the number of features\n\n"
               "Ridge regression on N random ReLU features of d-dimensional inputs, n samples "
               "(Mei & Montanari 2019). With a small ridge the test error peaks where the number of "
               "features N equals the number of samples n (psi1 = psi2); regularisation removes the peak."),
        ("code", SETUP),
        ("code", 'rows = sltsim("run", "rf", "psi1=0.1:10:25:log", "psi2=3", "lambda=1e-3,1e-1", "tau2=0.25",\n'
                 '              "d=100", "--trials", 20, "--plot", os.path.join(OUT, "rf.png"))\n'
                 'display(Image(os.path.join(OUT, "rf.png")))'),
        ("md", "The theory is the large-d limit; at d = 100 the simulation is within a few percent of it "
               "(largest near the peak, notes: ~3% low at d = 100)."),
        ("code", 'z = [(r["test_sim"] - r["test"]) / math.hypot(r["test_se"], 0.04 * r["test"]) for r in rows]\n'
                 'print(f"{len(z)} points, largest |z| = {max(map(abs, z)):.2f} (SE and a 4% finite-d allowance combined)")\n'
                 'assert max(map(abs, z)) < 3.5\n'
                 'peak = {lam: max(r["test"] for r in rows if r["lambda"] == lam) for lam in (1e-3, 1e-1)}\n'
                 'assert peak[1e-3] > 1.2 > peak[1e-1]'),
        ("md", "## Structured random features\n\nReplacing i.i.d. weights by orthogonal or Hadamard-based "
               "(SORF) weights, computed with FFTs in O(N log d), changes the error: the i.i.d. formula does "
               "not apply to them, so sltsim shows them as simulations beside the i.i.d. theory line."),
        ("code", 'rows = sltsim("run", "rf", "features=iid,sorf,fastfood", "psi1=0.5:6:10:log", "psi2=3", "tau2=0",\n'
                 '              "d=64", "--trials", 10, "--plot", os.path.join(OUT, "rf_structured.png"))\n'
                 'display(Image(os.path.join(OUT, "rf_structured.png")))\n'
                 'near1 = {f: sum(r["test_sim"] for r in rows if r["features"] == f and 0.8 < r["psi1"] < 2)\n'
                 '         for f in ("iid", "sorf", "fastfood")}  # summed over the points near psi1 = 1\n'
                 'print(near1)\n'
                 'assert near1["sorf"] < near1["iid"] < near1["fastfood"]'),
    ],
    "gradient_starvation.ipynb": [
        ("md", "# Gradient starvation and spectral decoupling\n\n"
               "With cross-entropy, a feature that is learned fast takes the gradient away from the others: "
               "once the samples that carry it are fitted, their gradient weights sigma(-margin) vanish and "
               "they stop teaching anything else (Pezeshki et al., NeurIPS 2021). Spectral decoupling (SD), "
               "an L2 penalty on the logits instead of the weights, removes the coupling. sltsim integrates "
               "the exact dynamics of a two-feature model and trains the model itself (gradient descent on "
               "theta, with a random rotation V per trial that must drop out)."),
        ("code", SETUP),
        ("md", "## The two-feature toy\n\nTwo samples, feature strengths s1 (varied) and s2 = 2, coupling "
               "delta = 0.5. Under weight decay the weak feature's response z2 ends lower the stronger feature 1 "
               "is; under SD every run ends at the same point."),
        ("code", 'wd = sltsim("run", "starvation", "s1=2,3,4,5,6", "reg=wd", "lambda=0.01", "t=0:250:51", "--trials", 2,\n'
                 '            "--plot", os.path.join(OUT, "toy_wd.png"), "--x", "t", "--y", "z2")\n'
                 'display(Image(os.path.join(OUT, "toy_wd.png")))\n'
                 'sd = sltsim("run", "starvation", "s1=2,3,4,5,6", "reg=sd", "lambda=0.002", "t=250", "--trials", 2)\n'
                 'end = [r for r in wd if r["t"] == 250]\n'
                 'print(" s1   WD z1    WD z2    SD z1    SD z2")\n'
                 'for a, b in zip(end, sd):\n'
                 '    print(f"{a[\'s1\']:3.0f} {a[\'z1_sim\']:8.4f} {a[\'z2_sim\']:8.4f} {b[\'z1_sim\']:8.4f} {b[\'z2_sim\']:8.4f}")\n'
                 '# starvation: z2 at the end falls from ~1.64 (s1 = 2) to ~1.18 (s1 = 6)\n'
                 'z2 = [r["z2_sim"] for r in end]\n'
                 'assert abs(z2[0] - 1.64) < 0.01 and abs(z2[-1] - 1.18) < 0.01 and z2 == sorted(z2, reverse=True)\n'
                 '# decoupling: every SD run ends at (6.37, 1.71)\n'
                 'assert all(abs(r["z1_sim"] - 6.37) < 0.01 and abs(r["z2_sim"] - 1.71) < 0.01 for r in sd)\n'
                 '# V drops out: the spread over random rotations is round-off\n'
                 'assert max(r["z2_se"] for r in wd if r["z2_se"] is not None) < 1e-12'),
        ("md", "## Who starves whom\n\nThe derivative of the end point z2* with respect to s1^2: negative "
               "(feature 1 starves feature 2) when s1 > s2, zero at s1 = s2, positive below; identically zero "
               "under SD. The first-order formula in delta is shown beside the exact value: it gets the sign "
               "right but, at delta = 0.5, not the size."),
        ("code", 'rows = sltsim("run", "starvation", "s1=1:6:26", "reg=wd,sd", "lambda=0.01", "t=0", "method=flow",\n'
                 '              "--trials", 0, "--plot", os.path.join(OUT, "derivative.png"), "--x", "s1",\n'
                 '              "--y", "dz2_ds1sq,dz2_first")\n'
                 'display(Image(os.path.join(OUT, "derivative.png")))\n'
                 'w = {r["s1"]: r["dz2_ds1sq"] for r in rows if r["reg"] == "wd"}\n'
                 'assert w[1.0] > 0 and abs(w[2.0]) < 1e-12 and w[3.0] < 0 and w[6.0] < 0\n'
                 'assert all(r["dz2_ds1sq"] == 0 for r in rows if r["reg"] == "sd")'),
        ("md", "## The SD margin\n\nUnder SD every sample ends with the same margin m*, the root of "
               "lambda m = sigma(-m), close to the Lambert W(1/lambda) for small lambda."),
        ("code", 'rows = sltsim("run", "sd-margin", "lambda=1e-4:1:9:log", "--trials", 0)\n'
                 'for r in rows:\n'
                 '    print(f"lambda = {r[\'lambda\']:8.2g}   m* = {r[\'m_star\']:8.4f}   W(1/lambda) = {r[\'m_lambertw\']:8.4f}")\n'
                 'assert abs(sltsim("run", "sd-margin", "lambda=0.002")[0]["m_star"] - 4.665120) < 1e-6'),
        ("md", "## Two moons\n\nA 2-100-1 ReLU network trained on two moons that a vertical line separates "
               "(shift = +0.1). It learns that line and nothing else: when the test data bring the moon tips "
               "closer (shift_test < 0), its accuracy drops. Weight decay does not help; SD does, and it caps "
               "the mean margin y f near the SD margin law sigma(-m) = 2 sd m (m = 3.767 at sd = 0.003)."),
        ("code", 'rows = sltsim("run", "moons", "width=100", "epochs=3000", "wd=2e-4", "sd=0,0.003",\n'
                 '              "shift_test=0.1:-0.2:4", "--trials", 3, "--plot", os.path.join(OUT, "moons_ood.png"),\n'
                 '              "--x", "shift_test", "--y", "acc")\n'
                 'display(Image(os.path.join(OUT, "moons_ood.png")))\n'
                 'acc = {r["sd"]: r["acc_sim"] for r in rows if abs(r["shift_test"] + 0.2) < 1e-9}\n'
                 'mm = {r["sd"]: r["margin_mean_sim"] for r in rows}\n'
                 'print("accuracy at shift_test = -0.2:", acc, " mean margin:", mm)\n'
                 '# observed at 3000 epochs, seeds 1-3: 0.985 (SD) vs 0.93 (wd); margin 3.68 (SD, law 3.767) vs 10.8\n'
                 'assert acc[0.003] > acc[0.0] + 0.03\n'
                 'assert abs(mm[0.003] - 3.767) < 0.15 and mm[0.0] > 8'),
        ("md", "The decision boundary, as the sign of the seed-averaged logit on a grid (`+` class +1, `.` class -1): "
               "straight without SD, bent round the moons with it."),
        ("code", 'for sdv in ("0", "0.003"):\n'
                 '    g = sltsim("run", "moons-boundary", "width=100", "epochs=3000", "wd=2e-4", f"sd={sdv}",\n'
                 '               "x2=1.5:-1.5:13", "x1=-2:2:41", "--trials", 3)\n'
                 '    print(f"sd = {sdv}")\n'
                 '    for k in range(13):\n'
                 '        print("   " + "".join("+" if r["logit_sim"] > 0 else "." for r in g[41 * k:41 * (k + 1)]))\n'
                 '    assert g[0]["logit_sim"] > 0 and g[40]["logit_sim"] < 0'),
    ],
}

def build(name, cells):
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for kind, src in cells:
        nb.cells.append(nbf.v4.new_markdown_cell(src) if kind == "md" else nbf.v4.new_code_cell(src))
    nbf.write(nb, os.path.join(HERE, name))

if __name__ == "__main__":
    for name, cells in NOTEBOOKS.items():
        if len(sys.argv) == 1 or name in sys.argv[1:]:
            build(name, cells)
