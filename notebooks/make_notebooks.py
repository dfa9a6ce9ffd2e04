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
    "robustness.ipynb": [
        ("md", "# Robustness, regularisation and the landscape of estimators\n\nThree results from "
               "`theory/extras.md`, each computed exactly and simulated: boundary tilting (Tanay & Griffin), "
               "NCE against a compositional likelihood (Jiang et al. 2023), and the sensitivity of "
               "interpolators against the universal law of robustness (Bombari et al. 2023). `sltsim describe` "
               "marks what is from a paper [P], derived and checked [D], simulated [S] or unverified [U]."),
        ("code", SETUP),
        ("md", "## 1. Pure boundary tilting\n\nTwo classes on a line, t = y mu + sigma N(0, 1); the boundary "
               "passes through 0 and tilts by theta. Every tilt below 90 degrees classifies the same points "
               "correctly, but the distance to the boundary shrinks like cos theta."),
        ("code", 'rows = sltsim("run", "tilting-toy", "theta=0:85:18", "--trials", 10,\n'
                 '              "--plot", os.path.join(OUT, "toy.png"))\n'
                 'display(Image(os.path.join(OUT, "toy.png")))\n'
                 'assert len({r["accuracy"] for r in rows}) == 1  # the theory: Phi(mu/sigma) at every tilt\n'
                 'for r in rows:  # mean |d| = E|t| cos theta; the simulation within 4 SE\n'
                 '    assert abs(r["mean_abs_d"] - rows[0]["mean_abs_d"] * math.cos(math.radians(r["theta"]))) < 1e-9  # CSV: 10 digits\n'
                 '    assert abs(r["mean_abs_d_sim"] - r["mean_abs_d"]) < 4 * r["mean_abs_d_se"]'),
        ("md", "## 2. L2 regularisation and the adversarial distance\n\nLogistic regression on two Gaussian "
               "classes in d dimensions, most coordinates of low variance. As the penalty lambda falls the "
               "boundary tilts away from the nearest-centroid direction: the angle theta grows, and the "
               "adversarial distance d_adv = mean y d(x) falls, exactly as 1/2 ||j - i|| cos theta."),
        ("code", 'rows = sltsim("run", "tilting", "lambda=1e-4:1:5:log", "d=200", "n_per=50", "n_test=1000",\n'
                 '              "--trials", 6, "--plot", os.path.join(OUT, "tilting.png"))\n'
                 'display(Image(os.path.join(OUT, "tilting.png")))\n'
                 'for r in rows:\n'
                 '    print(f\'lambda {r["lambda"]:8.0e}  theta {r["theta_deg_sim"]:5.1f} deg  d_adv {r["d_adv_sim"]:.3f}  \'\n'
                 '          f\'error {r["pop_err_sim"]:.3f}  mean |d| {r["pop_mean_abs_d_sim"]:.3f}\')\n'
                 '    assert abs(r["d_adv_sim"] - r["half_dist_cos_sim"]) < 1e-9  # the identity, fit by fit\n'
                 'theta = [r["theta_deg_sim"] for r in rows]  # rows in increasing lambda\n'
                 'assert theta == sorted(theta, reverse=True)'),
        ("md", "## 3. NCE has a flat landscape, the compositional likelihood does not\n\nEstimating the mean R "
               "of N(R, 1) against noise N(0, 1): the curvature of the NCE loss at its optimum carries a factor "
               "e^{-R^2/8}, so gradient descent slows down exponentially in R^2, while the compositional NLL "
               "has curvature 1 for every R. Iteration counts of SGD are skewed, so the table reports their "
               "median and quartiles (`_med`, `_q1`, `_q3`)."),
        ("code", 'land = sltsim("run", "nce-landscape", "R=1,2,4", "theta=-0.5:1.5:41", "units=R",\n'
                 '               "--plot", os.path.join(OUT, "nce_landscape.png"), "--x", "theta_over_R")\n'
                 'display(Image(os.path.join(OUT, "nce_landscape.png")))\n'
                 'rows = sltsim("run", "nce", "R=1,2,3", "--trials", 10)\n'
                 'for r in rows:\n'
                 '    print(f\'R = {r["R"]:.0f}: kappa {r["kappa"]:.4f}; GD NCE {r["it_gd_nce"]:.0f} vs compositional \'\n'
                 '          f\'{r["it_gd_comp"]:.0f}; SGD NCE median {r["it_sgd_nce_med"]:.0f} \'\n'
                 '          f\'[{r["it_sgd_nce_q1"]:.0f}, {r["it_sgd_nce_q3"]:.0f}] vs {r["it_sgd_comp_med"]:.0f}\')\n'
                 'assert [r["it_gd_nce"] for r in rows] == [59, 226, 1186]  # extras.md 3\n'
                 'assert all(r["it_sgd_nce_med"] > 2 * r["it_sgd_comp_med"] for r in rows[1:])'),
        ("md", "The compositional SGD reaches the tolerance fast but does not stay there: its inner "
               "estimate of the normaliser is a ratio of heavy-tailed weights, biased for small noise "
               "batches. `comp_final_bias` is the long-run mean of theta minus R:"),
        ("code", 'rows = sltsim("run", "nce", "R=3", "noise_batch=64,1024", "--trials", 4)\n'
                 'bias = [r["comp_final_bias_sim"] for r in rows]\n'
                 'print("noise batch 64, 1024: bias", [round(b, 2) for b in bias])\n'
                 'assert bias[0] > bias[1] > 0'),
        ("md", "## 4. Sensitivity of interpolators and the universal law of robustness\n\nA model that "
               "interpolates N noisy labels in d dimensions with p parameters has sensitivity at least about "
               "sqrt(N d / p) (Bubeck & Sellke). For an NTK with an even activation the minimum-norm "
               "interpolator approaches its infinite-width value once p >> N d; with tanh the random-features "
               "interpolator stays sensitive whatever its width (once k is well above N)."),
        ("code", 'ntk = sltsim("run", "sensitivity", "model=ntk", "act=square", "d=100", "N=100", "k=4:1024:5:log",\n'
                 '              "--trials", 6, "--plot", os.path.join(OUT, "sensitivity.png"))\n'
                 'display(Image(os.path.join(OUT, "sensitivity.png")))\n'
                 'S = [r["S_sim"] for r in ntk]\n'
                 'print("NTK square: S", [round(s, 2) for s in S], "S_inf", round(ntk[-1]["S_inf_sim"], 2))\n'
                 'assert S[0] > S[-1] and abs(S[-1] / ntk[-1]["S_inf_sim"] - 1) < 0.15\n'
                 'rf = sltsim("run", "sensitivity", "model=rf", "act=tanh", "d=100", "N=100", "k=800,12800", "--trials", 6)\n'
                 'print("RF tanh: S", [round(r["S_sim"], 2) for r in rf], "while U", [round(r["U"], 2) for r in rf])\n'
                 'assert rf[1]["S_sim"] > 0.85 * rf[0]["S_sim"] and abs(rf[1]["U"] - rf[0]["U"] / 4) < 1e-9  # S flat, U down 4x'),
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
