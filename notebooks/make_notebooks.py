"""Writes the course notebooks in this folder from the cell lists below (run once after editing;
the .ipynb files are committed). Each notebook calls the sltsim command line, reads its CSV with
python/sltsim.py (a pandas DataFrame), shows the gnuplot figure, and checks theory against simulation, so that
executing it in the tests proves the demonstration still works."""
import nbformat as nbf, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))

SETUP = '''import os, sys
from IPython.display import Image, display

# python/sltsim.py of this tree: runs $SLTSIM, else the build tree's sltsim, else the one on PATH
sys.path.insert(0, os.path.join(os.getcwd(), "..", "python"))
import sltsim
OUT = os.environ.get("SLTSIM_NOTEBOOK_OUT", ".")
'''


# The sgd, robustness and starvation notebooks were written before python/sltsim.py and keep their own
# small CLI helper (a list of dicts, numbers as floats); this is that cell, unchanged.
CLI_SETUP = '''import csv, io, math, os, shutil, subprocess
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


FIRST_SETUP = """import os, subprocess, sys
from IPython.display import Image, display

sys.path.insert(0, os.path.join(os.getcwd(), "..", "python"))   # python/sltsim.py of this tree
import sltsim
OUT = os.environ.get("SLTSIM_NOTEBOOK_OUT", ".")
# the sltsim of this build first on PATH, so that the commands below are the ones you type in a terminal
os.environ["PATH"] = os.path.dirname(os.path.abspath(sltsim.binary())) + os.pathsep + os.environ["PATH"]

def sh(command, want=0):
    \"\"\"Run a shell command line (as in a terminal), print what it prints, check its exit status.\"\"\"
    p = subprocess.run(command, shell=True, capture_output=True, text=True, cwd=OUT)
    print(p.stdout + p.stderr, end="")
    assert p.returncode == want, f"exit status {p.returncode}, expected {want}"
    return p.stdout
"""

FIRST_HOUR = [
    ("md", "# Your first hour with sltsim\n\n"
           "sltsim computes the curves that learning-theory papers prove (the risk of least squares, the error "
           "of gradient descent over time, random-features regression) and puts beside them a Monte Carlo "
           "simulation of the very model each theorem talks about. Everything is a command line; this notebook "
           "runs the commands for you and shows what they print. In a terminal, type the text inside `sh(...)`."),
    ("code", FIRST_SETUP),
    ("md", "## 1. What can it compute?\n\n`sltsim list` names the experiments, one line each:"),
    ("code", 'out = sh("sltsim list")\nassert "ridge" in out'),
    ("md", "`sltsim describe EXP` tells you everything about one of them: the model, its parameters with their "
           "defaults and allowed ranges, the columns of its table, and the papers. Here the top of it:"),
    ("code", 'out = sh("sltsim describe ridge | head -25")\nassert "gamma" in out'),
    ("md", "## 2. A first run: theory only\n\n`--trials 0` asks for the theory alone, which is instantaneous. "
           "The output is a CSV table. Lines starting with `#` record how it was made (version, the exact command, "
           "the seed, the libraries), then a header, then one row per parameter value:"),
    ("code", 'out = sh("sltsim run ridge gamma=0.5,2 --trials 0")\nassert out.startswith("# sltsim")'),
    ("md", "Columns come in a fixed order: the **parameters** first (every one, swept or not), then the **theory** "
           "(`risk`, `bias`, `variance`, ...), then for each simulated quantity `NAME_sim` and `NAME_se`, the mean "
           "over trials and its standard error, then `trials`. With `--trials 0` the simulation columns are empty.\n\n"
           "## 3. Saying which values: the value grammar\n\n"
           "A value is a number `0.5`, a list `0.5,1,2`, a grid `start:stop:count` (both ends included), a log grid "
           "`start:stop:count:log`, or a word such as `cov=two`. Two swept parameters give every combination, the "
           "first one varying slowest:"),
    ("code", 'sh("sltsim run ridge gamma=0.5,2 lambda=0:1:3 --trials 0 -o grid.csv")\n'
             '# the table, read back with python/sltsim.py (section 9), a few of its columns:\n'
             'grid = sltsim.read_csv(os.path.join(OUT, "grid.csv"))\n'
             'print(grid[["gamma", "lambda", "risk"]].to_string(index=False))\n'
             'assert len(grid) == 2 * 3'),
    ("md", "## 4. Simulation\n\nWith `--trials N` each point is also simulated N times: data drawn, the estimator "
           "actually fitted, its risk measured. The mean should agree with the theory within a few standard errors. "
           "At gamma = 1 (as many features as samples) the risk is infinite and sltsim leaves the simulation empty "
           "rather than print a meaningless average:"),
    ("code", 'sh("sltsim run ridge gamma=0.5,1,2 --trials 50 --quiet -o sim.csv")\n'
             'sim = sltsim.read_csv(os.path.join(OUT, "sim.csv"))\n'
             'print(sim[["gamma", "risk", "risk_sim", "risk_se", "trials"]].to_string(index=False))\n'
             'assert sim.trials.tolist() == [50, 0, 50]'),
    ("md", "## 5. A figure\n\n`--plot FILE.png` draws the table with gnuplot: theory as lines, simulation as points "
           "with error bars (`.svg` and `.pdf` work too, and `--plot dumb` draws in the terminal). This is double "
           "descent: the risk of the minimum-norm interpolator explodes at gamma = 1 and comes down again beyond it."),
    ("code", 'sh("sltsim run ridge gamma=0.1:5:40 lambda=0 --trials 30 --quiet -o dd.csv --plot dd.png")\n'
             'display(Image(os.path.join(OUT, "dd.png")))'),
    ("md", "The table is kept in `dd.csv`; `sltsim plot` draws it again with other choices, here the bias and the "
           "variance instead of the risk:"),
    ("code", 'sh("sltsim plot dd.csv -o parts.png --y bias,variance --yrange 0:5")\n'
             'display(Image(os.path.join(OUT, "parts.png")))'),
    ("md", "## 6. The same numbers every time\n\nA run is determined by its seed (`--seed`, default 1), whatever "
           "the number of threads: a colleague gets your table byte for byte."),
    ("code", 'a = sh("sltsim run ridge gamma=0.5,2 --trials 20 --seed 7 --threads 1 | grep -v \'^# command\'")\n'
             'b = sh("sltsim run ridge gamma=0.5,2 --trials 20 --seed 7 --threads 2 | grep -v \'^# command\'")\n'
             'assert a == b'),
    ("md", "## 7. When something is wrong\n\nBad input is refused before any work, with exit status 2 and one line "
           "that names the parameter and what is allowed:"),
    ("code", 'sh("sltsim run ridge gamma=-1", want=2)\nsh("sltsim run ridge gama=1", want=2)'),
    ("md", "## 8. Paper figures\n\nThe figures of the papers are presets: `sltsim figure list` shows them and "
           "`sltsim figure NAME -o DIR` regenerates one (its table and its picture). `make gallery` in the source "
           "tree draws all of them on one page."),
    ("code", 'out = sh("sltsim figure list")\nassert "ridgeless" in out'),
    ("code", 'sh("sltsim figure ridgeless -o . --trials 10 --quiet")\n'
             'display(Image(os.path.join(OUT, "ridgeless.png")))'),
    ("md", "## 9. From Python\n\n`python/sltsim.py` wraps all of this: a sweep is one call and comes back as a "
           "pandas DataFrame (a list of dicts without pandas), with the provenance attached. Lists become `a,b,c`; "
           "`lambda`, a Python keyword, is written `lambda_`."),
    ("code", 'df = sltsim.run("ridge", gamma=[0.5, 2, 4], lambda_=0, trials=20)\n'
             'print(df[["gamma", "risk", "risk_sim", "risk_se"]])\n'
             'print(df.attrs["provenance"]["command"])\n'
             'assert (abs(df.risk_sim - df.risk) < 5 * df.risk_se + 0.05).all()'),
    ("md", "Errors come back as exceptions carrying sltsim's message and exit status:"),
    ("code", 'try:\n    sltsim.run("ridge", gamma=-1)\nexcept sltsim.SltsimError as e:\n'
             '    print(e.status, e.message)\n    assert e.status == 2'),
    ("md", "## Where next\n\n- `man sltsim` (or `man -l doc/sltsim.1` in the build tree): every command, option "
           "and experiment.\n- The other notebooks in this folder, one per family of experiments: the Marchenko-Pastur "
           "law, double descent in least squares, the dynamics of gradient descent and early stopping, "
           "random-features regression, SGD against accelerated SGD, robustness, gradient starvation.\n- `doc/examples/sweep.c`: the "
           "same sweep from C, through `libsltsim` and `pkg-config --cflags --libs sltsim`.\n- "
           "`doc/adding-an-experiment.md`: adding your own model."),
]

NOTEBOOKS = {
    "first_hour.ipynb": FIRST_HOUR,
    "marchenko_pastur.ipynb": [
        ("md", "# The Marchenko-Pastur law: the spectrum of a sample covariance\n\n"
               "**The claim in plain words.** Fill a P x N matrix X with independent Gaussian entries and look at "
               "the eigenvalues of X'X. With many more rows than columns they would all sit near one value (the "
               "true covariance is a multiple of the identity). When P and N are both large and comparable they do "
               "not: they spread over an interval whose ends depend only on the ratio alpha = P/N, with a density "
               "that every large draw reproduces (Marchenko & Pastur 1967). With fewer rows than columns "
               "(alpha < 1) X'X has rank P, so a fraction 1 - alpha of its eigenvalues are exactly zero: an atom "
               "at 0. The other linear notebooks rest on this law: the ridgeless risk (double descent) and the "
               "dynamics of gradient descent are integrals against it."),
        ("md", r"""## The formula

Normalisation of Advani & Saxe (sltsim's `norm=as`, the default): $X$ is $P \times N$ with $N(0, 1/N)$ entries,
$C = X^\top X$ ($N \times N$), $\alpha = P/N$. As $N \to \infty$ the fraction of eigenvalues of $C$ in
$[l, l + dl]$ tends to $\rho(l)\,dl$ with

$$\rho(l) = \rho_c(l) + (1 - \alpha)_+\,\delta(l), \qquad
\rho_c(l) = \frac{\sqrt{(l_+ - l)(l - l_-)}}{2\pi l} \ \text{ on } (l_-, l_+), \qquad l_\pm = (1 \pm \sqrt\alpha)^2 .$$

The continuous part has mass $\int \rho_c = \min(1, \alpha)$ and mean $\int \rho_c(l)\, l\, dl = \alpha$. At $\alpha = 1$
the lower edge reaches 0 and $\rho_c(l) \approx 1/(\pi\sqrt l)$ there.
In the normalisation of Hastie, Montanari, Rosset & Tibshirani (`norm=hmrt`: $\hat\Sigma = X^\top X/n$ with $N(0, 1)$
entries, $\gamma = p/n$) the same matrix has $\gamma = 1/\alpha$ and $C = \alpha\hat\Sigma$; the atom is
$(1 - 1/\gamma)_+$."""),
        ("code", SETUP),
        ("md", "## The figure\n\nThe law at alpha = 0.5, 1 and 2 (lines) against the eigenvalues of 20 sampled "
               "matrices with N = 400 (points: a Gaussian kernel density estimate of width 4 eigenvalue spacings, "
               "its mean over the 20 draws with standard errors). Each draw is one 400 x 400 eigendecomposition. "
               "The atom of alpha = 0.5 is not drawn: it is the column `atom`."),
        ("code", 'mp = sltsim.run("mp", alpha=[0.5, 1, 2], x="0:6:61", N=400, trials=20, out=os.path.join(OUT, "mp.csv"))\n'
                 'sltsim.plot(os.path.join(OUT, "mp.csv"), os.path.join(OUT, "mp.png"), y="density", yrange="0:1.2")\n'
                 'display(Image(os.path.join(OUT, "mp.png")))'),
        ("md", "## Simulation against theory\n\nThe kernel estimate is compared with `density_smoothed`, the law "
               "convolved with the same kernel, so that the smoothing is not counted as an error. Inside the bulk "
               "every point should lie within a few standard errors of it. Within 0.15 of an edge the finite-N "
               "spectrum spills over the limit (the extreme eigenvalues fluctuate on the scale N^(-2/3), "
               "Tracy-Widom), so the edges are left out of the z-scores; the spill is the small tail beyond l_+ "
               "in the figure."),
        ("code", 'lo, hi = (1 - mp.alpha ** 0.5) ** 2, (1 + mp.alpha ** 0.5) ** 2\n'
                 'bulk = mp[(mp.x > lo + 0.15) & (mp.x < hi - 0.15)]\n'
                 'z = (bulk.density_sim - bulk.density_smoothed) / bulk.density_se\n'
                 'print(f"{len(z)} points in the bulk, largest |z| = {z.abs().max():.2f}")\n'
                 '# one draw serves the whole x grid, so the points of a curve are correlated: each within 4 SE\n'
                 'assert z.abs().max() < 4'),
        ("md", "## The atom and the mass\n\nThe zero eigenvalues are counted exactly (`atom_sim`: at alpha = 0.5, "
               "N - P = 200 of the 400 eigenvalues in every draw, so its standard error is 0), and the kernel "
               "estimate integrates to the mass of the continuous part, min(1, alpha):"),
        ("code", 'def trapezoid(y, x):\n'
                 '    y, x = list(y), list(x)\n'
                 '    return sum((x[k + 1] - x[k]) * (y[k + 1] + y[k]) / 2 for k in range(len(x) - 1))\n'
                 '\n'
                 'for a, g in mp.groupby("alpha"):\n'
                 '    mass = trapezoid(g.density_sim, g.x)\n'
                 '    print(f"alpha = {a}: atom {g.atom.iloc[0]:.3f} (sampled {g.atom_sim.iloc[0]:.3f} +- {g.atom_se.iloc[0]:.3f}), "\n'
                 '          f"mass of the continuous part {mass:.4f} (law {min(1, a)})")\n'
                 '    assert abs(g.atom.iloc[0] - max(0, 1 - a)) < 1e-12 and abs(g.atom_sim.iloc[0] - g.atom.iloc[0]) < 1e-12\n'
                 '    # a grid of spacing 0.1: the 1/sqrt(l) peak at alpha = 1 costs the most\n'
                 '    assert abs(mass - min(1, a)) < 0.01'),
        ("md", "## Two normalisations, one matrix\n\nWith gamma = p/n = 2 features per sample (HMRT), X'X/n "
               "has rank n = p/2: half of its eigenvalues are zero. Its law is the AS law at alpha = 1/gamma = 0.5, "
               "rescaled by C = alpha Sigma_hat: f_gamma(s) = alpha rho_c(alpha s). Here n = 200, p = 400. Beside the "
               "law, two estimates from the same sampled eigenvalues: the kernel estimate (points in the colour of the "
               "line), which rounds off the steep lower edge because its kernel is wider than at N = 400, and the raw "
               "histogram (`hist`, bins of width 0.1, no smoothing), which does not:"),
        ("code", 'h = sltsim.run("mp", norm="hmrt", gamma=2, x="0:6:61", N=200, trials=20, out=os.path.join(OUT, "mp_hmrt.csv"))\n'
                 'sltsim.plot(os.path.join(OUT, "mp_hmrt.csv"), os.path.join(OUT, "mp_hmrt.png"), y="density,hist", yrange="0:0.3")\n'
                 'display(Image(os.path.join(OUT, "mp_hmrt.png")))\n'
                 'a = sltsim.run("mp", alpha=0.5, x=[0.5 * s for s in h.x], trials=0)  # the AS law at l = alpha s\n'
                 'assert (abs(h.density - 0.5 * a.density) < 1e-9).all()\n'
                 'assert (h.atom == 0.5).all() and (h.atom_sim == 0.5).all()\n'
                 'print("f_2(s) = 0.5 rho_c(0.5 s) at every s; atom", h.atom[0], "sampled", h.atom_sim[0])'),
        ("md", "## Question for students\n\nAt alpha = 1 the density near 0 behaves like 1 / (pi sqrt(l)), so "
               "the integral of rho_c(l) / l diverges, while for alpha != 1 it is finite: alpha / (1 - alpha) "
               "below 1 and 1 / (alpha - 1) above. The variance of the minimum-norm least-squares estimator is "
               "the noise variance times such an integral of 1/l over the spectrum. Use these two facts to explain "
               "why the ridgeless risk in `ridge_double_descent.ipynb` is infinite at gamma = 1 and finite on both "
               "sides. Then look at the smallest eigenvalues at alpha = 1: how does the sampled density near "
               "l = 0.05 change from N = 100 to N = 800, and why? Try "
               "`sltsim.run(\"mp\", alpha=1, x=\"0:0.5:11\", N=[100, 800], trials=5)`."),
    ],
    "ridge_double_descent.ipynb": [
        ("md", "# Double descent in least squares\n\nMinimum-norm least squares on n samples with p = gamma n "
               "features (Hastie, Montanari, Rosset, Tibshirani 2019). The excess risk diverges at the "
               "interpolation threshold gamma = 1 and descends again beyond it. sltsim computes the "
               "limiting risk exactly and simulates the estimator itself."),
        ("md", r"""## The formula

Features $x \sim N(0, I_p)$, labels $y = x^\top\beta + \varepsilon$ with $\|\beta\|^2 = r^2$ and
$\operatorname{Var}\varepsilon = \sigma^2$, $n$ samples, $\gamma = p/n$. The minimum-norm least-squares estimator
$\hat\beta = X^{+}y$ (the limit of ridge as $\lambda \to 0^+$) has, as $n, p \to \infty$ with $p/n \to \gamma$, the excess risk

$$R(\gamma) = \mathbb E\,\|\hat\beta - \beta\|^2 =
\begin{cases} \sigma^2\,\dfrac{\gamma}{1-\gamma}, & \gamma < 1,\\[1.5ex]
r^2\Big(1 - \dfrac1\gamma\Big) + \dfrac{\sigma^2}{\gamma - 1}, & \gamma > 1,\end{cases}
\qquad R(1) = \infty .$$

At finite $n$ the exact mean (column `risk_finite`) is $\sigma^2 p/(n-p-1)$ for $p \le n-2$ and
$r^2(1 - n/p) + \sigma^2 n/(p-n-1)$ for $p \ge n+2$. sltsim's defaults are $r^2 = 1$, $\sigma^2 = 0.25$; the
formula is exactly what `risk` contains:"""),
        ("code", SETUP),
        ("code", 'th = sltsim.run("ridge", gamma=[0.5, 2], lambda_=0, trials=0)  # theory only: instantaneous\n'
                 'print(th[["gamma", "r2", "sigma2", "risk"]].to_string(index=False))\n'
                 'r2, s2 = th.r2[0], th.sigma2[0]\n'
                 'assert abs(th.risk[0] - s2 * 0.5 / (1 - 0.5)) < 1e-9\n'
                 'assert abs(th.risk[1] - (r2 * (1 - 1 / 2) + s2 / (2 - 1))) < 1e-9'),
        ("code", 'rows = sltsim.run("ridge", gamma="0.1:5:40", lambda_=0, n=200, trials=50,\n'
                 '                  plot=os.path.join(OUT, "ridgeless.png"))\n'
                 'display(Image(os.path.join(OUT, "ridgeless.png")))'),
        ("md", "Every simulated point should lie within a few standard errors of the **exact finite-n mean** "
               "(the limit differs from it by O(1/n), most visibly near gamma = 1). Points with |p - n| <= 3 "
               "are not simulated: their risk has an infinite mean or variance."),
        ("code", 'sim = rows.dropna(subset=["risk_sim"])\n'
                 'z = (sim.risk_sim - sim.risk_finite) / sim.risk_se\n'
                 'print(f"{len(z)} simulated points, largest |z| = {z.abs().max():.2f}")\n'
                 '# 40 correlated points, each within 4 SE: a right-skewed risk makes 3-SE excursions ordinary\n'
                 'assert z.abs().max() < 4'),
        ("md", "## Regularisation removes the peak\n\nWith the optimal ridge penalty lambda* = sigma^2 gamma / r^2 "
               "the risk increases monotonically in gamma (Nakkiran et al. 2020). Here a few fixed penalties:"),
        ("code", 'rows = sltsim.run("ridge", gamma="0.1:5:30", lambda_=[0, 0.01, 0.1, 0.5], trials=30,\n'
                 '                  plot=os.path.join(OUT, "ridge.png"))\n'
                 'display(Image(os.path.join(OUT, "ridge.png")))\n'
                 'peak = rows.groupby("lambda").risk.max()\n'
                 'print(peak)\n'
                 'assert peak[0.5] < peak[0.1] < peak[0.01] < peak[0.0]'),
        ("md", "## Question for students\n\nAt lambda = 0 and gamma = 2 (twice as many features as samples) the "
               "excess risk is r2 (1 - 1/gamma) + sigma2 / (gamma - 1). Which term is the bias and which the "
               "variance, and why does adding features beyond gamma = 2 lower one of them but raise the other? "
               "Check your answer with `sltsim.run(\"ridge\", gamma=[2, 4, 8], lambda_=0, trials=0)`."),
    ],
    "gd_dynamics_early_stopping.ipynb": [
        ("md", "# Generalisation dynamics of gradient descent\n\nA linear student trained by gradient flow on "
               "P noisy examples of a linear teacher in N dimensions (Advani & Saxe 2017). The test error "
               "first falls, reaches a minimum at t*, then rises as the student fits the noise; at alpha = P/N = 1 "
               "it grows without bound, like sqrt(t)."),
        ("md", r"""## The formula

Inputs $x \in \mathbb R^N$ with $N(0, 1/N)$ entries, $P = \alpha N$ examples, teacher $\bar w \sim N(0, \sigma_w^2 I)$,
labels $y = \bar w \cdot x + \varepsilon$, $\varepsilon \sim N(0, \sigma_\varepsilon^2)$,
$\mathrm{SNR} = \sigma_w^2/\sigma_\varepsilon^2$ (sltsim: $\sigma_w^2 + \sigma_\varepsilon^2 = 1$). The student starts
at $w(0) = 0$ and follows the gradient flow $\dot w = X^\top(y - Xw)$. The eigen-direction of $X^\top X$ with
eigenvalue $l$ is learned at rate $l$; averaging over the Marchenko-Pastur density $\rho_c$ of those eigenvalues
(notebook `marchenko_pastur.ipynb`), the test error is

$$E_g(t) = \sigma_w^2\Big[\int \rho_c(l)\, e^{-2lt}\, dl + (1-\alpha)_+\Big]
+ \sigma_\varepsilon^2 \int \rho_c(l)\, \frac{\big(1 - e^{-lt}\big)^2}{l}\, dl + \sigma_\varepsilon^2 .$$

The first term is the part of the teacher not learned yet (for $\alpha < 1$ a fraction $1-\alpha$ of the
directions is never seen); the second is the noise learned so far, which grows with $t$. As $t \to \infty$ it
tends to $\sigma_\varepsilon^2 \int \rho_c/l$, which is finite for $\alpha \ne 1$:
$E_g(\infty) = \sigma_\varepsilon^2/(\alpha - 1) + \sigma_\varepsilon^2$ for $\alpha > 1$. At $\alpha = 1$,
$\rho_c(l) \approx 1/(\pi\sqrt l)$ near 0 and $E_g(t) \approx 0.661\,\sigma_\varepsilon^2 \sqrt t$."""),
        ("code", SETUP),
        ("code", 'rows = sltsim.run("gd-dynamics", alpha=[0.5, 1, 2], snr=4, t="0.01:1000:40:log", N=200,\n'
                 '                  trials=40, plot=os.path.join(OUT, "dynamics.png"))\n'
                 'display(Image(os.path.join(OUT, "dynamics.png")))'),
        ("md", "The simulation diagonalises X'X once per trial and evaluates the exact flow at every t. "
               "It should sit on the theory (the Marchenko-Pastur integrals) within a few standard errors, "
               "except that at alpha = 1 and long times the finite-N spectrum is cut off near 1/N^2:"),
        ("code", 'kept = rows[(rows.alpha != 1) | (rows.t < 50)]\n'
                 'z = (kept.test_sim - kept.test) / kept.test_se\n'
                 'print(f"{len(z)} points, largest |z| = {z.abs().max():.2f}")\n'
                 '# 40 correlated times per curve; each within 4 SE (3 SE statistical + finite-N O(1/N) bias)\n'
                 'assert z.abs().max() < 4'),
        ("md", "## Early stopping against weight decay, and the overtraining peak\n\nStopping at t* is nearly "
               "as good as the optimal L2 penalty g = 1/SNR; training to the end is catastrophic near alpha = 1."),
        ("code", 'rows = sltsim.run("early-stopping", alpha="0.2:3:15", snr=4, trials=0)\n'
                 'print(rows[["alpha", "tstar", "test_tstar", "test_inf", "test_ridge"]].to_string(index=False))\n'
                 'assert (rows.test_ridge <= rows.test_tstar * (1 + 1e-9)).all()\n'
                 'assert (rows.test_tstar <= rows.test_inf).all()\n'
                 '# the long-time limit of the formula at alpha > 1: se2 / (alpha - 1) + se2, se2 = 1 / (1 + snr)\n'
                 'se2, late = 1 / (1 + 4), rows[rows.alpha > 1.1]\n'
                 'assert (abs(late.test_inf - (se2 / (late.alpha - 1) + se2)) < 1e-6).all()'),
        ("md", "## Question for students\n\nEarly stopping comes within a few percent of optimal weight decay "
               "at every alpha. Gradient flow from w = 0 shrinks each eigendirection of X'X by 1 - exp(-l t), "
               "ridge by l / (l + g). Sketch both filters against l: why are they close when t is about 1/g?"),
    ],
    "random_features.ipynb": [
        ("md", "# Random-features regression: double descent in the number of features\n\n"
               "Ridge regression on N random ReLU features of d-dimensional inputs, n samples "
               "(Mei & Montanari 2019). With a small ridge the test error peaks where the number of "
               "features N equals the number of samples n (psi1 = psi2); regularisation removes the peak."),
        ("md", r"""## The formula

Inputs $x_i$ and weights $\theta_j$ uniform on the sphere of radius $\sqrt d$, features
$\sigma(\langle\theta_j, x\rangle/\sqrt d)$ (ReLU), labels $y = f(x) + \varepsilon$ with a target of linear part
$\|\beta_1\|^2 = F_1^2$, nonlinear part of variance $F_*^2$ and noise $\operatorname{Var}\varepsilon = \tau^2$. The fit is

$$\hat a = \arg\min_a \frac1n \sum_{i=1}^n \Big(y_i - \sum_{j=1}^N a_j\,\sigma(\langle\theta_j, x_i\rangle/\sqrt d)\Big)^2
+ \frac{N\lambda}{d}\,\|a\|^2, \qquad \psi_1 = \frac Nd,\ \psi_2 = \frac nd .$$

As $N, n, d \to \infty$ the test error tends to (Mei & Montanari)

$$R = F_1^2\,\mathcal B(\zeta, \psi_1, \psi_2, \bar\lambda) + (\tau^2 + F_*^2)\,\mathcal V(\zeta, \psi_1, \psi_2, \bar\lambda) + F_*^2,$$

with $\zeta = \mu_1/\mu_*$ and $\bar\lambda = \lambda/\mu_*^2$ from the activation ($\mu_1 = \mathbb E\,G\sigma(G)$, $\mu_*^2$ the
variance of $\sigma(G)$ not explained by a constant and $G$; ReLU: $\zeta = 1.659$), and $\mathcal B$, $\mathcal V$ rational
functions of one scalar that solves a fixed-point equation. One case is simple: without ridge and with fewer
features than samples,

$$\mathcal V = \frac{\psi_1}{\psi_2 - \psi_1} \qquad (\lambda \to 0,\ \psi_1 < \psi_2),$$

which blows up as $\psi_1 \to \psi_2$: the peak. sltsim's column `variance` is $\mathcal V$:"""),
        ("code", SETUP),
        ("code", 'th = sltsim.run("rf", psi1=[0.5, 2, 2.9], psi2=3, lambda_=0, trials=0)  # theory only\n'
                 'print(th[["psi1", "psi2", "lambda", "bias", "variance", "test"]].to_string(index=False))\n'
                 'assert (abs(th.variance - th.psi1 / (th.psi2 - th.psi1)) < 1e-9 * th.variance).all()'),
        ("code", 'rows = sltsim.run("rf", psi1="0.1:10:25:log", psi2=3, lambda_=[1e-3, 1e-1], tau2=0.25,\n'
                 '                  d=100, trials=20, plot=os.path.join(OUT, "rf.png"))\n'
                 'display(Image(os.path.join(OUT, "rf.png")))'),
        ("md", "The theory is the large-d limit; at d = 100 the simulation is within a few percent of it "
               "(largest near the peak, notes: ~3% low at d = 100)."),
        ("code", 'z = (rows.test_sim - rows.test) / (rows.test_se ** 2 + (0.04 * rows.test) ** 2) ** 0.5\n'
                 'print(f"{len(z)} points, largest |z| = {z.abs().max():.2f} (SE and a 4% finite-d allowance combined)")\n'
                 'assert z.abs().max() < 3.5\n'
                 'peak = rows.groupby("lambda").test.max()\n'
                 'assert peak[1e-3] > 1.2 > peak[1e-1]'),
        ("md", "## Structured random features\n\nReplacing i.i.d. weights by orthogonal or Hadamard-based "
               "(SORF) weights, computed with FFTs in O(N log d), changes the error: the i.i.d. formula does "
               "not apply to them, so sltsim shows them as simulations beside the i.i.d. theory line."),
        ("code", 'rows = sltsim.run("rf", features=["iid", "sorf", "fastfood"], psi1="0.5:6:10:log", psi2=3, tau2=0,\n'
                 '                  d=64, trials=10, plot=os.path.join(OUT, "rf_structured.png"))\n'
                 'display(Image(os.path.join(OUT, "rf_structured.png")))\n'
                 '# summed over the points near psi1 = 1\n'
                 'near1 = rows[(rows.psi1 > 0.8) & (rows.psi1 < 2)].groupby("features").test_sim.sum()\n'
                 'print(near1)\n'
                 'assert near1["sorf"] < near1["iid"] < near1["fastfood"]'),
        ("md", "## Question for students\n\nThe peak sits at psi1 = psi2, where the number of features equals "
               "the number of samples. Predict what happens to the peak when you double psi2, then run "
               "`sltsim.run(\"rf\", psi1=\"0.1:10:25:log\", psi2=6, lambda_=1e-3, trials=0)` to check."),
    ],
    "sgd_vs_asgd.ipynb": [
        ("md", "# SGD vs accelerated SGD on linear regression\n\nOne pass over fresh Gaussian samples, "
               "x ~ N(0, H) with eigenvalues lambda_i = i^-2 (Li, Deng, Wu, Zhou, Gu, ICLR 2024). Accelerated SGD "
               "(ASGD) beats SGD when the initial error lies in small-eigenvalue directions and loses when it lies in "
               "the top directions; its variance is always larger.\n\n**What is drawn.** The lines are the *exact* "
               "expected risk (an equality: a closed second-moment recursion for Gaussian data, theory note sgd.md 3), "
               "not an approximation and not a bound; the points are Monte Carlo means with standard errors. Two "
               "bounds exist in sltsim and are labelled as bounds: the Zou et al. upper bound for averaged SGD and a "
               "Jensen lower bound on the bias. The ASGD upper bound of Li et al. (their Theorem 4.1) is not "
               "implemented."),
        ("md", r"""## The formula

Data $x \sim N(0, H)$, $H = \operatorname{diag}(\lambda_1 \ge \dots \ge \lambda_d)$, here $\lambda_i = i^{-2}$, $d = 200$;
labels $y = \langle w^*, x\rangle + \varepsilon$, $\varepsilon \sim N(0, \sigma^2)$. The risk is the excess loss
$\Delta(w) = \tfrac12 (w - w^*)^\top H (w - w^*)$. SGD with step $\gamma$ takes one fresh sample per step,

$$w_t = w_{t-1} + \gamma\,\big(y_t - \langle w_{t-1}, x_t\rangle\big)\,x_t .$$

For Gaussian data the second moments $m_{t,i} = \mathbb E (w_t - w^*)_i^2$ obey a closed recursion (Isserlis), so the
expected risk is computed exactly, step by step, in $O(d)$ per step:

$$m_{t+1,i} = \big(1 - 2\gamma\lambda_i + 2\gamma^2\lambda_i^2\big)\, m_{t,i} + \gamma^2 \lambda_i \sum_j \lambda_j m_{t,j}
+ \gamma^2\sigma^2\lambda_i, \qquad \mathbb E\,\Delta(w_t) = \tfrac12 \sum_i \lambda_i\, m_{t,i} .$$

ASGD (short step $\delta$, long step $\gamma$, momentum $\beta$, mixing $\alpha$) has the same kind of recursion on
three moments per coordinate. In the mean, the error along eigenvalue $\lambda$ contracts per step by
$|1 - \delta\lambda|$ for SGD (with step $\delta$) and by the spectral radius of a $2\times2$ matrix $M(\lambda)$ for ASGD;
ASGD contracts faster exactly below the crossover

$$\lambda_\times \approx \frac{(1 - \alpha) + \beta}{\delta} .$$"""),
        ("code", CLI_SETUP),
        ("code", 'rows = sltsim("run", "sgd", "d=200", "init=large,small", "algo=sgd,asgd", "N=10:2000:10:log",\n'
                 '              "--trials", 200, "--plot", os.path.join(OUT, "sgd.png"))\n'
                 'display(Image(os.path.join(OUT, "sgd.png")))\n'
                 'z = [(r["risk_sim"] - r["risk"]) / r["risk_se"] for r in rows]\n'
                 'print(f"{len(z)} points, largest |z| = {max(map(abs, z)):.2f}")\n'
                 '# the recursion is exact at d = 200: only Monte Carlo error, 4 SE (correlated points, common samples)\n'
                 'assert max(map(abs, z)) < 4\n'
                 'end = {(r["init"], r["algo"]): r["risk"] for r in rows if r["N"] == 2000}\n'
                 'print(end)\n'
                 'assert end["small", "asgd"] < end["small", "sgd"] and end["large", "sgd"] < end["large", "asgd"]'),
        ("md", "## Why: one eigen-direction at a time\n\nThe mean error of each eigen-direction contracts by a "
               "factor rho(lambda) per step. ASGD's rate -log rho is larger than SGD's below a crossover "
               "eigenvalue lambda_x (it behaves like SGD with the larger step delta_eff) and smaller above it."),
        ("code", 'modes = sltsim("run", "sgd-modes", "d=200", "lambda=1e-5:1:41:log", "--trials", 0)\n'
                 'lx, de = modes[0]["lambda_cross"], modes[0]["delta_eff"]\n'
                 'print(f"lambda_x = {lx:.4g}, delta_eff = {de:.4g}")\n'
                 'assert all((r["rate_asgd"] > r["rate_sgd"]) == (r["lambda"] < lx) for r in modes)'),
        ("md", "## A bound is not a prediction\n\nThe Zou et al. bound for the uniform average of SGD lies "
               "above the exact risk, by a factor of about 2 to 10 here."),
        ("code", 'rows = sltsim("run", "sgd", "d=200", "algo=sgd", "avg=uniform", "N=10:5000:10:log", "--trials", 0)\n'
                 'for r in rows:\n'
                 '    print(f"N = {r[\'N\']:5.0f}  exact {r[\'risk\']:.4g}  Zou bound {r[\'bound_zou\']:.4g}  k* = {r[\'kstar\']:.0f}")\n'
                 'assert all(r["bound_zou"] >= r["risk"] for r in rows)'),
        ("md", "## Question for students\n\nThe crossover lambda_x above is about 0.025, the eigenvalue of index "
               "i = 6.4 for lambda_i = i^-2. `init=large` puts the initial error on coordinates 1..5 and "
               "`init=small` on 21..200, and ASGD loses on the first and wins on the second. Predict the winner "
               "at N = 2000 for `init=flat` (initial error 1 on all 200 coordinates), knowing that the risk weighs "
               "coordinate i by lambda_i. Explain your answer with the columns `risk_head` and `risk_tail` (the "
               "risk on the coordinates whose eigenvalue is at least lambda_x, i <= 6, and on the rest), then check it: "
               "`sltsim(\"run\", \"sgd\", \"d=200\", \"init=flat\", \"algo=sgd,asgd\", \"N=100,2000\", \"--trials\", 0)`."),
    ],
    "robustness.ipynb": [
        ("md", "# Robustness, regularisation and the landscape of estimators\n\nThree results from "
               "`theory/extras.md`, each computed exactly and simulated: boundary tilting (Tanay & Griffin), "
               "NCE against a compositional likelihood (Jiang et al. 2023), and the sensitivity of "
               "interpolators against the universal law of robustness (Bombari et al. 2023). `sltsim describe` "
               "marks what is from a paper [P], derived and checked [D], simulated [S] or unverified [U]."),
        ("md", r"""## The claims in plain words, and their formulas

1. **An accurate classifier can be fragile.** Tilting a linear boundary away from the direction that joins the two
   class centroids $i$ and $j$ need not cost accuracy, but it brings the data closer to the boundary. For every
   linear classifier $s(x) = w\cdot x + b$, with $d(x) = s(x)/\|w\|$ and $\theta$ the angle between $w$ and $j - i$,
   the mean signed distance of the $n$ training points to the boundary is exactly
   $$d_{\mathrm{adv}} = \frac1n \sum_k y_k\, d(x_k) = \tfrac12\, \|j - i\| \cos\theta .$$
   L2 regularisation keeps $\theta$ small.
2. **A loss can have the right minimum and still be slow to reach it.** Estimating the mean $R$ of $N(R, 1)$ by
   noise-contrastive estimation against $N(0, 1)$, the curvature of the (profiled) loss at its minimum is
   $$\kappa(R) = e^{-R^2/8}\; \tfrac12\, \mathbb E_{u \sim N(0,1)}\big[u^2 \operatorname{sech}(Ru/2)\big],$$
   exponentially small in $R^2$, while the compositional likelihood has curvature 1 for every $R$.
3. **Interpolating noise needs many parameters to be smooth.** A model with $p$ parameters that fits $N$ noisy
   labels in $d$ dimensions has sensitivity $S = \sqrt d\, \|\nabla_z f(z)\|$ of at least about
   $$U = \sqrt{N d / p}$$
   (the universal law of robustness); whether a given interpolator reaches that bound depends on the model."""),
        ("code", CLI_SETUP),
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
        ("md", "## Question for students\n\nIn part 2, most of the d = 200 coordinates have a small standard "
               "deviation (s_low = 0.1) and carry no signal. As lambda falls to 1e-4 the logistic-regression "
               "boundary tilts by about 70 degrees and d_adv falls by a factor of about 3, while the test error "
               "rises only from about 0.17 to 0.20. Which coordinates does the tilted w lean on, and why does "
               "leaning on them cost so little accuracy but so much distance? Predict how the tilt angle changes "
               "when every coordinate has the same spread (s_low = 1), then check: `sltsim(\"run\", \"tilting\", "
               "\"lambda=1e-4\", \"d=200\", \"n_per=50\", \"n_test=1000\", \"s_low=0.1,1\", \"--trials\", 4)`."),
    ],
    "gradient_starvation.ipynb": [
        ("md", "# Gradient starvation and spectral decoupling\n\n"
               "With cross-entropy, a feature that is learned fast takes the gradient away from the others: "
               "once the samples that carry it are fitted, their gradient weights sigma(-margin) vanish and "
               "they stop teaching anything else (Pezeshki et al., NeurIPS 2021). Spectral decoupling (SD), "
               "an L2 penalty on the logits instead of the weights, removes the coupling. sltsim integrates "
               "the exact dynamics of a two-feature model and trains the model itself (gradient descent on "
               "theta, with a random rotation V per trial that must drop out)."),
        ("md", r"""## The formula

A network linearised around its initialisation: outputs $\hat y = \Phi\theta$ on $n$ samples with labels
$y_i = \pm 1$, $Y = \operatorname{diag}(y)$. Write $Y\Phi = U S V^\top$ (SVD): the singular values $s_j$ are the
strengths of the features, and $z = S V^\top\theta$ their responses; the margins are $m = Y\hat y = Uz$. With the
logistic loss $\ell(m) = \log(1 + e^{-m})$, gradient flow on $\theta$ is exactly

$$\text{weight decay } \tfrac\lambda2\|\theta\|^2:\quad \dot z = S^2 U^\top \sigma(-Uz) - \lambda z,
\qquad\text{spectral decoupling } \tfrac\lambda2\|\hat y\|^2:\quad \dot z = S^2\big[U^\top \sigma(-Uz) - \lambda z\big],$$

with $\sigma(-m_i)$ the weight of sample $i$ in the gradient. The fixed points are

$$\text{WD: } z^* = \tfrac1\lambda S^2 U^\top \sigma(-Uz^*) \ \ (\text{coupled through } U), \qquad
\text{SD: } U^\top\sigma(-Uz^*) = \lambda z^* \ \ (S \text{ absent}),$$

and under SD every margin is the root of $\lambda m = \sigma(-m)$, close to the Lambert $W(1/\lambda)$.
Feature 1 starves feature 2 when $\partial z_2^*/\partial(s_1^2) < 0$."""),
        ("code", CLI_SETUP),
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
        ("md", "Gradient descent with step eta = 0.05 is explicit Euler on z, so above it sits within O(eta) of the "
               "exact flow (columns `z1`, `z2`). With `method=flow` the simulation integrates the gradient flow on "
               "theta itself (a random V per trial) and must land on the exact z-space flow: within 4 standard "
               "errors plus 1e-8 (the integrators' tolerance and the table's 10 significant digits; the standard "
               "errors are round-off, since V drops out)."),
        ("code", 'fl = sltsim("run", "starvation", "s1=2,4,6", "reg=wd,sd", "lambda=0.01", "t=0:250:11", "method=flow",\n'
                 '            "--trials", 3)\n'
                 'gap = max(abs(r[f"z{j}_sim"] - r[f"z{j}"]) - 4 * r[f"z{j}_se"] for r in fl for j in (1, 2))\n'
                 'print(f"{len(fl)} points: largest |simulation - theory| beyond 4 SE = {gap:.2g}")\n'
                 'assert gap < 1e-8\n'
                 'gd_gap = max(abs(r["z1_sim"] - r["z1"]) for r in wd)\n'
                 'print(f"gradient descent, eta = 0.05: largest gap to the flow {gd_gap:.3g} (O(eta))")\n'
                 'assert 1e-4 < gd_gap < 2 * 0.05'),
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
        ("md", "## Question for students\n\nWith delta = 0 the two features are carried by separate samples "
               "(U = I) and the weight-decay fixed point reads z_j = (s_j^2 / lambda) sigma(-z_j): each response "
               "depends on its own strength only. Predict the sign of the starvation derivative dz2*/d(s1^2) at "
               "s1 = 3 (stronger than s2 = 2) for delta = 0, delta = 0.5 and delta = -0.5, and explain the case "
               "delta = -0.5 in terms of the margins m = U z: does a stronger feature 1 then help or starve "
               "feature 2? Check with `sltsim(\"run\", \"starvation\", \"s1=3\", \"delta=0,0.5,-0.5\", \"t=0\", "
               "\"method=flow\", \"--trials\", 0)` (column `dz2_ds1sq`)."),
    ],
}

def build(name, cells):
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for k, (kind, src) in enumerate(cells):
        cell = nbf.v4.new_markdown_cell(src) if kind == "md" else nbf.v4.new_code_cell(src)
        # stable ids (nbformat draws random ones), so that regenerating changes only what was edited
        cell.id = f"{os.path.splitext(name)[0][:56]}-{k}"
        nb.cells.append(cell)
    nbf.write(nb, os.path.join(HERE, name))

if __name__ == "__main__":
    for name, cells in NOTEBOOKS.items():
        if len(sys.argv) == 1 or name in sys.argv[1:]:
            build(name, cells)
