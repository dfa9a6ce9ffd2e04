#!/usr/bin/env python3
"""Builds the figure gallery: runs every preset in figures/*.fig (`sltsim figure NAME -o DIR`), draws
an SVG of each from its table with the preset's own plot keys (`sltsim plot DIR/NAME.csv -o
DIR/NAME.svg ...`), and writes DIR/index.html and DIR/README.md: per figure the picture, the paper
and the result it reproduces and what to see (the preset's comment block), the preset's title, the
exact command and its run time. Nothing here names a preset: the list is whatever figures/ holds.

usage: gallery.py [--sltsim BIN] [--figures DIR] [--out DIR]
environment: GALLERY_TRIALS=N runs every preset with --trials N (a fast mode for tests);
             GALLERY_TIMEOUT=S stops a preset after S seconds (it is then reported as failed).
Exit status 0 when every preset produced its PNG and SVG, 1 otherwise (the page is written anyway).
Standard library only; run by Debian's python3 (make gallery).
"""
import argparse
import glob
import html
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
import sltsim  # noqa: E402  (python/sltsim.py of this tree)

RUN_KEYS = {"experiment", "args", "trials"}  # preset keys that are not plot options


def read_preset(path):
    """(comment text, [(key, value)]) of a .fig file."""
    comment, keys, in_head = [], [], True
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                if in_head:
                    comment.append(line[1:].strip())
                continue
            if not line.strip():
                continue
            in_head = False
            k, _, v = line.strip().partition(" ")
            keys.append((k, v.strip()))
    return " ".join(c for c in comment if c), keys


def flag_options(help_text):
    """Options that `sltsim --help` shows without an argument (--logy), and those with one."""
    flags, valued = set(), set()
    for m in re.finditer(r"--([a-z][a-z0-9-]*)(\s[A-Z][A-Z0-9_,.:|]*)?", help_text):
        (valued if m.group(2) else flags).add(m.group(1))
    return flags - valued, valued


def plot_args(keys, flags, valued):
    """The preset's plot keys as `sltsim plot` options: `logy 1` becomes --logy, `x gamma` --x gamma."""
    out = []
    for k, v in keys:
        if k in RUN_KEYS:
            continue
        if k in flags or (k not in valued and v in ("1", "yes", "true", "")):
            if v not in ("0", "no", "false"):
                out.append("--" + k)
        else:
            out += ["--" + k, v]
    return out


def reproduces(comment):
    """The last parenthesised citation in the comment, one with a year or a theory-note section:
    '(HMRT 2019, Fig. 2; linear.md 6.5)'."""
    found = [g for g in re.findall(r"\(((?:[^()]|\([^()]*\))*)\)", comment)
             if re.search(r"\b(19|20)\d\d\b|\.md\b", g)]
    return found[-1] if found else ""


def papers(comment, references):
    """The experiment's references whose first author's surname the comment names (Marchenko,
    Advani, Nakkiran...), else its first reference (its main paper)."""
    hits = []
    for r in references:
        first = r.split(",")[0].split()
        if first and len(first[-1]) > 2 and re.search(r"\b" + re.escape(first[-1]) + r"\b", comment):
            hits.append(r)
    return hits or references[:1]


def shell_quote(a):
    return a if re.fullmatch(r"[A-Za-z0-9_./:=,+-]+", a) else "'" + a.replace("'", "'\\''") + "'"


def run(cmd, timeout):
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        rc, err = p.returncode, p.stderr
    except subprocess.TimeoutExpired:
        rc, err = -1, f"stopped after {timeout} s (GALLERY_TIMEOUT)"
    return rc, err.strip(), time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sltsim", default=os.environ.get("SLTSIM") or os.path.join(HERE, "..", "sltsim"))
    ap.add_argument("--figures", default=os.path.join(HERE, "..", "figures"))
    ap.add_argument("--out", default="doc/gallery")
    o = ap.parse_args()
    os.environ["SLTSIM"] = o.sltsim
    trials = os.environ.get("GALLERY_TRIALS", "")
    timeout = float(os.environ["GALLERY_TIMEOUT"]) if os.environ.get("GALLERY_TIMEOUT") else None
    os.makedirs(o.out, exist_ok=True)
    flags, valued = flag_options(subprocess.run([o.sltsim, "--help"], capture_output=True, text=True).stdout)
    ver = sltsim.version()
    cores = os.cpu_count()
    refs = {}
    entries, failed = [], 0
    presets = sorted(glob.glob(os.path.join(o.figures, "*.fig")))
    if not presets:
        print(f"gallery: no presets in {o.figures}", file=sys.stderr)
        return 1
    for path in presets:
        name = os.path.basename(path)[:-4]
        comment, keys = read_preset(path)
        kv = dict(keys)
        exp = kv.get("experiment", "")
        if exp and exp not in refs:
            try:
                refs[exp] = sltsim.describe(exp)["references"]
            except sltsim.SltsimError:
                refs[exp] = []
        # the fast mode lowers a preset's trials, never raises them (a theory-only preset stays so)
        own = kv.get("trials", "")
        fast = trials if trials and not (own.isdigit() and int(own) <= int(trials)) else ""
        cmd = ["sltsim", "figure", name, "-o", "DIR"] + (["--trials", fast] if fast else [])
        rc, err, secs = run([o.sltsim] + cmd[1:4] + [o.out] + cmd[5:], timeout)
        svg_cmd = ["sltsim", "plot", f"DIR/{name}.csv", "-o", f"DIR/{name}.svg"] + plot_args(keys, flags, valued)
        src = os.path.join(o.out, name)
        if rc == 0:
            rc2, err2, _ = run([o.sltsim, "plot", src + ".csv", "-o", src + ".svg"] + svg_cmd[5:], timeout)
            if rc2 != 0:
                rc, err = rc2, err2
        ok = rc == 0 and os.path.exists(src + ".png") and os.path.exists(src + ".svg")
        failed += not ok
        print(f"gallery: {name:22s} {secs:7.1f} s  {'ok' if ok else 'FAILED: ' + err.splitlines()[-1] if err else 'FAILED'}",
              file=sys.stderr)
        entries.append({
            "name": name, "title": kv.get("title", name), "experiment": exp, "comment": comment,
            "reproduces": reproduces(comment), "papers": papers(comment, refs.get(exp, [])),
            "references": refs.get(exp, []),
            "trials": fast or own, "preset_trials": own,
            "command": " ".join(shell_quote(a) for a in cmd),
            "svg_command": " ".join(shell_quote(a) for a in svg_cmd),
            "seconds": round(secs, 1), "ok": ok, "error": "" if ok else err,
        })
    meta = {"version": ver["sltsim"], "libraries": ver["libraries"], "cores": cores,
            "fast": bool(trials), "trials": trials, "date": time.strftime("%Y-%m-%d")}
    write_html(os.path.join(o.out, "index.html"), entries, meta)
    write_readme(os.path.join(o.out, "README.md"), entries, meta)
    with open(os.path.join(o.out, "gallery.json"), "w", encoding="utf-8") as f:
        json.dump({"meta": meta, "figures": entries}, f, indent=1)
    print(f"gallery: {len(entries) - failed} of {len(entries)} figures in {os.path.join(o.out, 'index.html')}",
          file=sys.stderr)
    return 1 if failed else 0


def how_made(meta):
    s = (f"sltsim {meta['version']} ({meta['libraries']}), {meta['cores']} cores, {meta['date']}. "
         "Run times are wall-clock times of the command shown, on that machine.")
    if meta["fast"]:
        s += (f" Fast mode: every preset ran with --trials {meta['trials']} instead of its own count, so the "
              "simulation points are noisier than the preset's figure.")
    return s


CSS = """
body { font-family: 'DejaVu Sans', sans-serif; margin: 0 auto; max-width: 1300px; padding: 1em 2em; color: #222; }
h1 { margin-bottom: 0.2em; } .meta { color: #555; }
nav { columns: 3; margin: 1em 0 2em; } nav a { display: block; }
section { border-top: 1px solid #ccc; padding: 1.2em 0; display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.5em; }
section img { width: 100%; height: auto; border: 1px solid #ddd; }
h2 { margin-top: 0; font-size: 1.35em; } .name { font-family: monospace; color: #666; font-size: 0.8em; }
pre { background: #f4f4f4; padding: 0.6em; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.9em; }
.refs { font-size: 0.85em; color: #444; } .failed { color: #b00; font-weight: bold; }
#imgcheck { color: #555; font-size: 0.85em; }
@media (max-width: 900px) { section { grid-template-columns: 1fr; } nav { columns: 1; } }
"""

# The page checks its own images (the PNGs shown, and each SVG loaded as an image) once everything
# has loaded and writes the result into #imgcheck
# (read back by tests/test_gallery.sh through Chromium's --dump-dom).
CHECK = """
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.querySelectorAll('img.figure'));
  var bad = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); })
                .map(function (i) { return i.getAttribute('src'); });
  var svgs = Array.prototype.slice.call(document.querySelectorAll('a.svg')).map(function (a) { return a.getAttribute('href'); });
  var svgOk = 0, svgBad = [], pending = svgs.length;
  function report() {
    var el = document.getElementById('imgcheck');
    el.textContent = (imgs.length - bad.length) + ' of ' + imgs.length + ' images loaded, ' +
                     svgOk + ' of ' + svgs.length + ' SVG' +
                     (bad.length || svgBad.length ? '; not loaded: ' + bad.concat(svgBad).join(' ') : '');
    el.setAttribute('data-loaded', imgs.length - bad.length);
    el.setAttribute('data-total', imgs.length);
  }
  if (!pending) report();
  svgs.forEach(function (src) {
    var im = new Image();
    im.onload = function () { if (im.naturalWidth > 0) svgOk++; else svgBad.push(src); if (!--pending) report(); };
    im.onerror = function () { svgBad.push(src); if (!--pending) report(); };
    im.src = src;
  });
});
"""


def write_html(path, entries, meta):
    e = html.escape
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>sltsim: gallery of paper figures</title>", f"<style>{CSS}</style>",
           f"<script>{CHECK}</script></head><body>",
           "<h1>sltsim: gallery of paper figures</h1>",
           f"<p>Every figure preset of <code>sltsim figure list</code>, regenerated by <code>make gallery</code>: "
           "theory as lines, Monte Carlo simulation as points with standard-error bars. Click a figure for its SVG; "
           "the table behind it is the CSV beside it.</p>",
           f'<p class="meta">{e(how_made(meta))}</p>', "<nav>"]
    out += [f'<a href="#{e(x["name"])}">{e(x["title"])}</a>' for x in entries]
    out.append("</nav>")
    for x in entries:
        n = e(x["name"])
        out.append(f'<section id="{n}" class="preset" data-preset="{n}">')
        out.append(f'<div><a class="svg" href="{n}.svg"><img class="figure" src="{n}.png" alt="{e(x["title"])}"></a></div><div>')
        out.append(f'<h2>{e(x["title"])} <span class="name">{n}</span></h2>')
        if not x["ok"]:
            out.append(f'<p class="failed">This preset failed: {e(x["error"])}</p>')
        if x["papers"]:
            out.append("<p><b>Paper:</b> " + "; ".join(e(p) for p in x["papers"]) + "</p>")
        if x["reproduces"]:
            out.append(f"<p><b>Reproduces:</b> {e(x['reproduces'])}</p>")
        out.append(f"<p><b>What to see:</b> {e(x['comment'])}</p>")
        out.append(f"<p><b>Command</b> (experiment <code>{e(x['experiment'])}</code>, "
                   f"{e(x['trials'])} trials, {x['seconds']} s):</p><pre>{e(x['command'])}</pre>")
        out.append(f"<p>SVG from its table:</p><pre>{e(x['svg_command'])}</pre>")
        out.append(f'<p>Files: <a href="{n}.png">PNG</a>, <a href="{n}.svg">SVG</a>, <a href="{n}.csv">CSV</a></p>')
        if x["references"]:
            out.append('<details class="refs"><summary>Papers behind the experiment</summary><ul>')
            out += [f"<li>{e(r)}</li>" for r in x["references"]]
            out.append("</ul></details>")
        out.append("</div></section>")
    out.append('<p id="imgcheck">images not checked yet</p></body></html>')
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def write_readme(path, entries, meta):
    out = ["# sltsim: gallery of paper figures", "",
           "Generated by `make gallery` from `figures/*.fig`; do not edit. " + how_made(meta)
           + " In the commands, DIR is the output folder.", ""]
    out += [f"- [{x['title']}](#{x['name']})" for x in entries]
    for x in entries:
        out += ["", f'<a id="{x["name"]}"></a>', f"## {x['title']} (`{x['name']}`)", "",
                f"![{x['title']}]({x['name']}.png)", ""]
        if not x["ok"]:
            out += [f"**This preset failed:** {x['error']}", ""]
        if x["papers"]:
            out += ["**Paper:** " + "; ".join(x["papers"]), ""]
        if x["reproduces"]:
            out += [f"**Reproduces:** {x['reproduces']}", ""]
        out += [f"**What to see:** {x['comment']}", "",
                f"Experiment `{x['experiment']}`, {x['trials']} trials, {x['seconds']} s:", "",
                "    " + x["command"], "    " + x["svg_command"], ""]
        if x["references"]:
            out += ["All papers behind the experiment: " + "; ".join(x["references"]), ""]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out).rstrip() + "\n")


if __name__ == "__main__":
    sys.exit(main())
