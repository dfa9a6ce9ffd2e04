#!/bin/sh
# python/sltsim.py under Debian's python3 (the first python3 on PATH may lack pandas): run, read_csv,
# describe, experiments, figures, figure, plot, errors; a DataFrame with pandas, and a list of dicts
# when pandas cannot be imported. TAP, one line per check, from the Python script below.
SRC=${SRCDIR:-.}
S=${SLTSIM:-$PWD/sltsim}
PY=""
for p in ${PYTHON3:-} /usr/bin/python3 python3; do
    if $p -c 'import pandas' 2>/dev/null; then PY=$p; break; fi
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
if [ -z "$PY" ]; then
    echo "not ok 1 - a python3 with pandas (Debian package python3-pandas)"; echo "1..1"; exit 0
fi
SLTSIM="$S" "$PY" - "$SRC/python" "$T" <<'PYEOF'
import math, os, subprocess, sys
sys.path.insert(0, sys.argv[1])
T = sys.argv[2]
n = 0
def ok(cond, msg):
    global n
    n += 1
    print(("ok" if cond else "not ok"), n, "-", msg)

def checks(sltsim, frame):
    tag = "pandas" if frame else "no pandas"
    t = sltsim.run("ridge", gamma=(0.5, 2), lambda_=0, trials=3, seed=5)
    rows = t.to_dict("records") if frame else t
    prov = t.attrs["provenance"] if frame else t.provenance
    ok((type(t).__name__ == "DataFrame") == frame and isinstance(rows, list), f"[{tag}] run returns a {'DataFrame' if frame else 'list of dicts'}")
    ok([r["gamma"] for r in rows] == [0.5, 2], f"[{tag}] one row per point, numbers as numbers")
    ok(abs(rows[1]["risk"] - 0.75) < 1e-9, f"[{tag}] theory risk at gamma = 2 is 0.75")
    ok(rows[0]["cov"] == "iso" and rows[0]["n"] == 200, f"[{tag}] words as text, integers as integers")
    ok(prov.get("experiment") == "ridge" and prov.get("seed") == 5 and "gsl" in prov.get("libraries", "")
       and prov.get("command", "").startswith("sltsim run ridge gamma=0.5,2 lambda=0"), f"[{tag}] provenance parsed: {prov.get('command')}")
    t2 = sltsim.run("ridge", gamma=1, trials=3)
    r2 = (t2.to_dict("records") if frame else t2)[0]
    empty = r2["risk_sim"]
    ok(empty is None or (isinstance(empty, float) and math.isnan(empty)), f"[{tag}] an empty field is {'NaN' if frame else 'None'} ({empty!r})")
    ok(r2["risk"] == math.inf, f"[{tag}] inf read as infinity")
    # numbers go out so that they read back as the same double
    t3 = sltsim.run("ridge", gamma=0.1 + 0.2, lambda_=1 / 3, trials=0)
    cmd = (t3.attrs["provenance"] if frame else t3.provenance)["command"]
    ok("gamma=0.30000000000000004" in cmd and "lambda=0.3333333333333333" in cmd, f"[{tag}] values formatted round-trip: {cmd}")
    p = os.path.join(T, f"t{int(frame)}.csv")
    subprocess.run([os.environ["SLTSIM"], "run", "ridge", "gamma=0.5,1.5", "--trials", "2", "-o", p], check=True)
    t4 = sltsim.read_csv(p)
    ok(len(t4) == 2 and (t4.attrs["provenance"] if frame else t4.provenance)["sweep"] == "gamma=0.5,1.5", f"[{tag}] read_csv with provenance")
    t5 = sltsim.run("sgd", N=10, d=(100, 200), trials=0)
    der = (t5.attrs["provenance"] if frame else t5.provenance).get("derived", [])
    ok(len(der) == 2 and der[0].startswith("at d=100 ") and "delta=" in der[1], f"[{tag}] derived values: one per line {der}")

import sltsim
checks(sltsim, True)

# the same without pandas: a fresh interpreter state where importing pandas fails
sys.modules["pandas"] = None
import importlib
checks(importlib.reload(sltsim), False)
del sys.modules["pandas"]
sltsim = importlib.reload(sltsim)

# experiments, describe: the parsed dict matches the columns of a real run of every experiment
exps = sltsim.experiments()
listed = subprocess.run([os.environ["SLTSIM"], "list"], capture_output=True, text=True).stdout.split("\n")
ok(list(exps) == [l.split()[0] for l in listed if l.strip()], f"experiments(): {list(exps)}")
for e in exps:
    d = sltsim.describe(e)
    names = [p["name"] for p in d["parameters"]]
    small = {}
    for p in d["parameters"]:   # one point: each swept default replaced by its first value
        v = p["default"]
        if ":" in v or "," in v:
            small[p["name"]] = v.split(",")[0].split(":")[0]
    t = sltsim.run(e, trials=0, **small)
    cols = names + d["columns"]["theory"] + d["columns"]["sim_columns"] + ["trials"]
    ok(d["name"] == e and d["summary"] and d["references"] and list(t.columns) == cols,
       f"describe('{e}'): {len(names)} parameters, columns {d['columns']['theory']} + simulation, as in a run")
    ok(all(p["words"] or p["min"] is not None for p in d["parameters"]), f"describe('{e}'): every range parsed")

# errors: sltsim's message and exit status
for kw, want in (({"gamma": -1}, "gamma"), ({"gama": 1}, "gama")):
    try:
        sltsim.run("ridge", **kw)
        ok(False, f"run('ridge', {kw}) raises")
    except sltsim.SltsimError as err:
        ok(err.status == 2 and want in err.message and not err.message.startswith("sltsim:"),
           f"run('ridge', {kw}) raises SltsimError, status {err.status}: {err.message}")
try:
    sltsim.describe("nosuch"); ok(False, "describe('nosuch') raises")
except sltsim.SltsimError as err:
    ok(err.status == 2 and "nosuch" in err.message, f"describe('nosuch'): {err.message}")

# rows whose theory failed: the table, and one SltsimWarning per row (a genuine failing point, see
# tests/test_extreme_points.sh)
import warnings
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    tf = sltsim.run("starvation", s1=(1e-12, 2), s2=100, lambda_=1e-12, t=0, eta=1e-6, trials=0)
rf = tf.to_dict("records")
ok(len(rf) == 2 and math.isnan(rf[0]["z1_star"]) and abs(rf[1]["z1_star"] - 35.24333268) < 1e-6
   and len(w) == 1 and issubclass(w[0].category, sltsim.SltsimWarning) and "theory failed at s1=1e-12" in str(w[0].message),
   f"failing rows: the table comes back, one SltsimWarning ({[str(x.message)[:60] for x in w]})")

# threads do not change the numbers
a = sltsim.run("ridge", gamma="0.2:3:5", trials=4, threads=1)
b = sltsim.run("ridge", gamma="0.2:3:5", trials=4, threads=2)
ok(a.equals(b), "threads=1 and threads=2 give the same table")

# figures, figure, plot
figs = sltsim.figures()
ok(len(figs) > 0 and all(f for f in figs), f"figures(): {len(figs)} presets")
name = min(figs)
res = sltsim.figure(name, os.path.join(T, "figs"), trials=1)
ok(os.path.getsize(res["png"]) > 0 and len(sltsim.read_csv(res["csv"])) > 0, f"figure('{name}'): {res}")
svg = sltsim.plot(res["csv"], os.path.join(T, "f.svg"), title="a 'quoted' title")
ok("<svg" in open(svg).read(), "plot() writes an SVG")
t5 = sltsim.run("ridge", gamma="0.5:2:4", trials=2, out=os.path.join(T, "o.csv"), plot=os.path.join(T, "o.png"))
ok(len(t5) == 4 and os.path.getsize(os.path.join(T, "o.png")) > 0 and os.path.getsize(os.path.join(T, "o.csv")) > 0,
   "run(out=..., plot=...) keeps the CSV and draws the figure")
print(f"1..{n}")
PYEOF
