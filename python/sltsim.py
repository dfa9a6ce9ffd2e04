"""sltsim from Python: run experiments, read their tables, describe them, make figures.

Standard library only. A table comes back as a pandas.DataFrame when pandas can be imported, else
as a list of dicts (numbers as int or float, empty fields as None, words as str); either way its
provenance (the '#' lines: version, command, seed, libraries, sweep) is attached, as
``df.attrs["provenance"]`` or ``table.provenance``.

    import sltsim
    df = sltsim.run("ridge", gamma=(0.5, 1, 2), lambda_=0, trials=50)
    df.plot(x="gamma", y=["risk", "risk_sim"])

A parameter whose name is a Python keyword takes a trailing underscore (``lambda_=0.1``). A list or
tuple becomes a list ``a,b,c``; numbers are written so that they round-trip; a string is passed as
it is (a grid ``"0.1:5:40:log"`` or a word ``"relu"``). Errors raise SltsimError with sltsim's own
message and exit status (2 bad input, 1 a failure while running, 130 interrupted). A complete table in
which the theory failed at some rows (their theory fields empty; sltsim exits 1) is returned, with
one SltsimWarning per line sltsim wrote about them.

The binary is $SLTSIM if set, else the build tree next to this file (../sltsim), else sltsim on PATH.
"""
import csv
import io
import keyword
import math
import numbers
import os
import re
import shutil
import subprocess
import warnings

__all__ = ["SltsimError", "SltsimWarning", "run", "read_csv", "describe", "experiments", "figures", "figure", "plot",
           "version", "binary"]


class SltsimError(Exception):
    """sltsim refused or failed: .message is its error line (without 'sltsim: '), .status its
    exit status, .args_ the command it was given."""

    def __init__(self, message, status, args_=()):
        super().__init__(f"{message} (exit status {status})")
        self.message = message
        self.status = status
        self.args_ = list(args_)


class SltsimWarning(UserWarning):
    """The table is complete, but the theory failed at some of its rows (their theory fields are
    empty): the message is sltsim's line about them, without 'sltsim: '."""


# sltsim's lines about rows whose theory failed (the table itself is complete; exit status 1)
_ROWS_FAILED = re.compile(r"sltsim: [A-Za-z0-9_-]+: theory failed at ")


def binary():
    """The sltsim executable this module runs."""
    env = os.environ.get("SLTSIM")
    if env:
        return env
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sltsim")
    if os.access(here, os.X_OK):
        return os.path.normpath(here)
    return shutil.which("sltsim") or "sltsim"


def _call(args, check=True):
    """Run sltsim with args; return its standard output. Raises SltsimError on a non-zero exit,
    except for a complete table with rows whose theory failed: one SltsimWarning per such line."""
    cmd = [binary()] + [str(a) for a in args]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))
    except OSError as e:
        raise SltsimError(f"cannot run {cmd[0]}: {e.strerror}", 127, args) from None
    if check and p.returncode == 1 and p.stderr and all(_ROWS_FAILED.match(l) for l in p.stderr.splitlines()):
        for l in p.stderr.splitlines():
            warnings.warn(l[len("sltsim: "):], SltsimWarning, stacklevel=3)
        return p.stdout
    if check and p.returncode != 0:
        lines = [l for l in p.stderr.splitlines() if l.startswith("sltsim: ")]
        msg = lines[-1][len("sltsim: "):] if lines else (p.stderr.strip().splitlines() or ["no message"])[-1]
        raise SltsimError(msg, p.returncode, args)
    return p.stdout


def _fmt(v):
    """One parameter value as sltsim's grammar reads it."""
    if isinstance(v, (list, tuple, range)):
        if not len(v):
            raise ValueError("an empty list of values")
        return ",".join(_fmt(x) for x in v)
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        x = float(v)
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return repr(x)  # the shortest text that reads back as the same double
    if hasattr(v, "tolist"):  # numpy arrays and scalars
        return _fmt(v.tolist())
    return str(v)


def _param_name(k):
    return k[:-1] if k.endswith("_") and keyword.iskeyword(k[:-1]) else k


def _options(trials=None, seed=None, threads=None):
    out = []
    for name, v in (("--trials", trials), ("--seed", seed), ("--threads", threads)):
        if v is not None:
            out += [name, str(v)]
    return out


def run(experiment, trials=None, seed=None, threads=None, out=None, plot=None, **params):
    """Run `sltsim run EXPERIMENT NAME=VALUE ... [--trials N] [--seed S] [--threads K] [-o OUT]
    [--plot PLOT]` and return its table (see the module's documentation for the forms of values).
    out: also keep the CSV in this file; plot: also draw the figure (.png, .svg, .pdf)."""
    args = ["run", experiment] + [f"{_param_name(k)}={_fmt(v)}" for k, v in params.items()]
    args += _options(trials, seed, threads) + ["--quiet"]
    if plot is not None:
        args += ["--plot", plot]
    if out is None:
        return _table(_call(args))
    _call(args + ["-o", out])
    return read_csv(out)


def read_csv(path):
    """Read a table written by sltsim (run -o, figure) with its provenance."""
    with open(path, encoding="utf-8") as f:
        return _table(f.read())


def _provenance(lines):
    prov = {"lines": lines}
    for i, l in enumerate(lines):
        if i == 0 and l.startswith("sltsim "):
            head, _, exp = l.partition(", experiment ")
            prov["version"] = head.split()[1] if len(head.split()) > 1 else ""
            prov["experiment"] = exp
        elif l.startswith("seed "):
            parts = [p.strip() for p in l.split(";")]
            prov["seed"] = int(parts[0].split()[1])
            prov["libraries"] = "; ".join(parts[1:])
        elif l.startswith("derived: "):  # one line per distinct set of derived values
            prov.setdefault("derived", []).append(l[len("derived: "):])
        elif ": " in l:
            k, _, v = l.partition(": ")
            prov[k.strip()] = v
    return prov


def _number(v):
    if v == "":
        return None
    try:
        return int(v)
    except ValueError:
        pass
    try:
        return float(v)
    except ValueError:
        return v


class Table(list):
    """A list of row dicts with the table's provenance (used when pandas is not available)."""
    provenance = None

    def column(self, name):
        return [r[name] for r in self]


def _table(text):
    lines = text.splitlines()
    prov = _provenance([l[1:].strip() for l in lines if l.startswith("#")])
    body = "\n".join(l for l in lines if not l.startswith("#"))
    try:
        import pandas as pd
    except ImportError:
        pd = None
    if pd is not None:
        df = pd.read_csv(io.StringIO(body)) if body.strip() else pd.DataFrame()
        df.attrs["provenance"] = prov
        return df
    t = Table({k: _number(v) for k, v in r.items()} for r in csv.DictReader(io.StringIO(body)))
    t.provenance = prov
    return t


def experiments():
    """{name: one-line summary} for every experiment, in `sltsim list` order."""
    out = {}
    for l in _call(["list"]).splitlines():
        if l.strip():
            name, _, summary = l.partition(" ")
            out[name] = summary.strip()
    return out


def figures():
    """{preset name: its title line from `sltsim figure list`}."""
    out = {}
    for l in _call(["figure", "list"]).splitlines():
        if l.strip():
            name, _, title = l.partition(" ")
            out[name] = title.strip()
    return out


def _parse_range(text):
    """'(0, inf)', '[2, 1000000] integer' or 'iso|two|power' as a dict."""
    text = text.strip()
    if text[:1] in "([":
        integer = text.endswith(" integer")
        core = text[: -len(" integer")] if integer else text
        lo, _, hi = core[1:-1].partition(", ")
        return {"range": text, "min": _number(lo), "max": _number(hi), "min_open": core[0] == "(",
                "max_open": core[-1] == ")", "integer": integer, "words": None}
    return {"range": text, "min": None, "max": None, "min_open": False, "max_open": False,
            "integer": False, "words": text.split("|") if text else None}


def describe(experiment):
    """`sltsim describe EXPERIMENT` as a dict: name, summary, description (text), parameters (list
    of dicts: name, default, range, min, max, min_open, max_open, integer, words, help), columns
    (theory, simulation: base names; sim_columns: the NAME_sim/NAME_se names), shared (parameters one
    trial serves), references (list), sections (every section's raw lines, by heading)."""
    text = _call(["describe", experiment])
    lines = text.splitlines()
    name, _, summary = lines[0].partition(": ")
    d = {"name": name, "summary": summary, "description": "", "parameters": [],
         "columns": {"theory": [], "simulation": [], "sim_columns": []}, "shared": [], "references": [],
         "sections": {}}
    sec, body = "description", []
    d["sections"][sec] = body
    for l in lines[1:]:
        if l and not l[0].isspace():
            head, _, rest = l.partition(":")
            sec = head.strip()
            body = [rest.strip()] if rest.strip() else []
            d["sections"][sec] = body
        elif l.strip() or body:
            body.append(l)
    for k, v in d["sections"].items():
        while v and not v[-1].strip():
            v.pop()
    d["description"] = "\n".join(l.strip() for l in d["sections"].get("description", []))
    for k, v in d["sections"].items():
        if k.startswith("parameters"):
            for l in v:
                if l.startswith("  ") and not l.startswith("   "):
                    f = l.split(None, 3)
                    if len(f) >= 3 and f[1] == "default":
                        p = {"name": f[0], "default": f[2], "help": ""}
                        p.update(_parse_range(f[3] if len(f) > 3 else ""))
                        d["parameters"].append(p)
                elif d["parameters"]:
                    p = d["parameters"][-1]
                    p["help"] = (p["help"] + " " + l.strip()).strip()
        elif k == "columns":
            for l in v:
                l = l.strip()
                if l.startswith("parameters, then theory:"):
                    d["columns"]["theory"] = l.split(":", 1)[1].split()
                elif l.startswith("simulation"):
                    cols = l.split(":", 1)[1].split()
                    d["columns"]["sim_columns"] = cols
                    d["columns"]["simulation"] = [c[:-4] for c in cols if c.endswith(("_sim", "_med"))]
        elif k.startswith("one trial serves"):
            d["shared"] = v[0].split(" (")[0].split() if v else []
        elif k == "references":
            d["references"] = [l.strip() for l in v if l.strip()]
    return d


def figure(name, outdir=".", trials=None, seed=None, threads=None):
    """Run the figure preset NAME (or a .fig file) into outdir: {"csv": path, "png": path}."""
    os.makedirs(outdir, exist_ok=True)
    out = _call(["figure", name, "-o", outdir] + _options(trials, seed, threads) + ["--quiet"]).split()
    res = {"csv": None, "png": None}
    for p in out:
        res["csv" if p.endswith(".csv") else "png"] = p
    return res


def plot(table_csv, out, **options):
    """`sltsim plot TABLE.csv -o OUT --NAME VALUE ...`: True adds a flag (logy=True), False or
    None leaves an option out, a list becomes a,b,c. Returns the figure's path."""
    args = ["plot", table_csv, "-o", out]
    for k, v in options.items():
        if v is None or v is False:
            continue
        args.append("--" + _param_name(k))
        if v is not True:
            args.append(_fmt(v))
    _call(args)
    return out


def version():
    """{"sltsim": "0.1.0", "libraries": "gsl ...; fftw ...; blas ..."}"""
    lines = _call(["--version"]).splitlines()
    return {"sltsim": lines[0].split()[-1] if lines else "", "libraries": lines[1] if len(lines) > 1 else ""}
