#!/usr/bin/env python3
"""Writes the manual page sltsim(1) to standard output from the built sltsim itself: the synopsis,
value grammar and options from `sltsim --help`, every experiment from `sltsim list` and `sltsim
describe EXP` (parameters with defaults and ranges, columns, shared draws, references), the presets
from `sltsim figure list`; the exit status, output format and examples are the command-line contract
(DESIGN.md). Every example is run by tests/test_man.sh.

usage: mkman.py [--sltsim BIN] [--figdir DIR]     (make builds doc/sltsim.1 with it)
Standard library only.
"""
import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
import sltsim  # noqa: E402

# Each example runs as it is in an empty directory (tests/test_man.sh); keep them quick.
EXAMPLES = [
    ("The experiments, and the parameters, columns and references of one:",
     ["sltsim list", "sltsim describe ridge"]),
    ("Double descent of minimum-norm least squares: the theory and 50 simulated trials per point, as a table "
     "and a figure:",
     ["sltsim run ridge gamma=0.1:5:40 lambda=0 --trials 50 --plot dd.png -o dd.csv"]),
    ("Two swept parameters (their Cartesian product, gamma varying slowest), then a second figure from the "
     "same table with lambda on the x axis:",
     ["sltsim run ridge gamma=0.5,1,2 lambda=1e-3:10:20:log --trials 20 -o lam.csv",
      "sltsim plot lam.csv -o lam.svg --x lambda"]),
    ("Theory only (no simulation), drawn in the terminal:",
     ["sltsim run gd-dynamics alpha=0.5,1,2 snr=4 t=0.01:1000:40:log --trials 0 --plot dumb -o dyn.csv"]),
    ("The same seed gives the same table whatever the number of threads:",
     ["sltsim run ridge gamma=0.5,2 --trials 10 --seed 7 --threads 1 -o a.csv",
      "sltsim run ridge gamma=0.5,2 --trials 10 --seed 7 --threads 2 -o b.csv"]),
    ("A paper figure preset, written to the current directory as ridgeless.csv and ridgeless.png:",
     ["sltsim figure list", "sltsim figure ridgeless -o . --trials 10"]),
    ("Versions of sltsim and of the libraries it uses:", ["sltsim --version"]),
]

EXIT = [("0", "success."),
        ("1", "a failure while running: input/output, or a numerical method that did not converge "
              "(the message says which); or a complete table in which the theory failed at some rows: "
              "their theory fields are empty, and a line \"sltsim: EXP: theory failed at ...\" on standard "
              "error names each (the first ten; then a count)."),
        ("2", "bad usage or bad input: one line on standard error, starting \"sltsim: \", names the parameter or "
              "option and what is allowed; nothing is written."),
        ("130", "interrupted; every row finished so far has been written.")]

OUTPUT = [
    "Tables are CSV in the C locale. Lines starting with # come first: the version and experiment, the "
    "exact command, the seed and library versions, the sweep. Then one header row and one row per grid "
    "point (and per step of an internal axis such as time).",
    "Columns: the parameters, then the theory quantities by plain name (risk, test), then for each "
    "simulated quantity NAME_sim (the mean over trials) and NAME_se (its standard error), then trials. "
    "Numbers round-trip (%.10g); inf where the mathematics says so (a theory value is never nan); an "
    "empty field where a quantity was not computed at that point, or where the theory failed at it "
    "(see EXIT STATUS).",
    "The same seed gives byte-identical output whatever --threads is, and whatever the number of MPI "
    "ranks. An output file FILE is written as FILE.partial beside it and renamed into place on success: "
    "a failed or interrupted run never destroys an existing file, and leaves its finished rows in "
    "FILE.partial, where the same command with --resume continues it (after checking the provenance "
    "lines are the same; exit 2 otherwise).",
]


def esc(s):
    """Text for a roff line: backslashes, hyphens as \\- (they are mostly options), a leading dot or quote."""
    s = s.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + s if s[:1] in (".", "'") else s


def arg(s):
    return '"' + esc(s).replace('"', "\\(dq") + '"'


def option_item(item):
    """'--trials N (0 = theory only; default 20)' as (roff option, roff text)."""
    m = re.match(r"((?:-[\w/-]+)(?:\s+[A-Z][^\s(]*)?)\s*(.*)$", item)
    if not m:
        return None
    opt, rest = m.group(1), m.group(2).strip()
    parts = opt.split(None, 1)
    head = "\\fB" + esc(parts[0]) + "\\fR" + (" \\fI" + esc(parts[1]) + "\\fR" if len(parts) > 1 else "")
    if rest.startswith("(") and rest.endswith(")"):
        rest = rest[1:-1]
    return head, esc(rest[:1].upper() + rest[1:] + ("." if rest and not rest.endswith(".") else ""))


def help_sections(text):
    """`sltsim --help` as (synopsis lines, {heading: body text}) with headings such as 'VALUE',
    'run options', 'plot options' (a line 'heading: text' starts a block; indented lines continue it)."""
    synopsis, blocks, cur = [], {}, None
    for line in text.splitlines():
        if not line.strip():
            cur = None
            continue
        m = re.match(r"^(usage:)?\s*(sltsim\b.*)$", line)
        if m and (cur is None or cur == "usage") and (m.group(1) or synopsis):
            for form in re.split(r"\s\|\s(?=sltsim\b)", m.group(2).strip()):
                synopsis.append(re.split(r"\s{2,}", form.strip()))
            cur = "usage"
            continue
        m = re.match(r"^([A-Za-z][\w ]*):\s+(.*)$", line)
        if m and not line[0].isspace():
            cur = m.group(1)
            blocks[cur] = m.group(2)
        elif cur and cur != "usage":
            blocks[cur] += " " + line.strip()
    return synopsis, blocks


def option_items(text):
    """Split an options block at each option (a word starting with -), outside parentheses."""
    items, cur, depth = [], "", 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and ch == "-" and (i == 0 or text[i - 1].isspace()) and cur.strip() \
                and re.match(r"-{1,2}[a-z]", text[i:i + 3]):
            items.append(cur.strip())
            cur = ""
        cur += ch
    return items + ([cur.strip()] if cur.strip() else [])


# Used only where `sltsim --help` gives a command no description of its own.
COMMAND_FALLBACK = {"run": "run an experiment over a grid of parameter values and write its table",
                    "plot": "draw a figure from an existing table",
                    "figure": "run a paper-figure preset: its table and figure go to DIR (default .)",
                    "figure list": "the paper-figure presets, one line each",
                    "--version": "the version of sltsim and of GSL, FFTW and BLAS in use"}


def description_lines(text):
    """An experiment's description: a new line where a labelled part starts ('Theory:', 'Simulation:')."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if out and re.match(r"^[A-Z][\w ,()*-]{0,40}:\s", line):
            out.append(".br")
        out.append(esc(line))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sltsim", default=os.environ.get("SLTSIM") or os.path.join(HERE, "..", "sltsim"))
    ap.add_argument("--figdir", default="/usr/local/share/sltsim/figures")
    o = ap.parse_args()
    os.environ["SLTSIM"] = o.sltsim
    helptext = subprocess.run([o.sltsim, "--help"], capture_output=True, text=True, check=True).stdout
    ver = sltsim.version()
    date = time.strftime("%Y-%m-%d", time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))))
    synopsis, blocks = help_sections(helptext)
    out = [".\\\" Generated by scripts/mkman.py from sltsim --help, list, describe and figure list. Do not edit.",
           f'.TH SLTSIM 1 "{date}" "sltsim {ver["sltsim"]}" "User Commands"',
           ".nh", ".ad l", ".SH NAME", "sltsim \\- statistical\\-learning\\-theory simulator: theoretical curves of learning\\-theory "
           "papers overlaid with Monte Carlo simulations",
           ".SH SYNOPSIS"]
    for i, (cmd, *what) in enumerate(synopsis):
        if i:
            out.append(".br")
        words = cmd.split(None, 2)
        line = "\\fBsltsim\\fR"
        if len(words) > 1:
            line += " \\fB" + esc(words[1]) + "\\fR"
        if len(words) > 2:
            line += " " + esc(words[2])
        out.append(line)
    out += [".SH DESCRIPTION",
            "sltsim computes the theoretical curves of statistical\\-learning\\-theory papers (double descent "
            "in linear and random\\-feature models, gradient\\-descent dynamics, early stopping, the "
            "Marchenko\\-Pastur law) and overlays them with Monte Carlo simulations of the very models the "
            "theorems describe. An experiment is run over a grid of parameter values; each grid point gets "
            "its theory values and, with \\fB\\-\\-trials\\fR \\fIN\\fR > 0, the mean and standard error of "
            "\\fIN\\fR independent simulations. The table goes to a CSV file or standard output and "
            "optionally to a figure drawn by gnuplot.",
            ".SH COMMANDS"]
    for cmd, *what in synopsis:
        words = cmd.split() + ["", ""]
        text = what[0] if what else COMMAND_FALLBACK.get(" ".join(words[1:3]),
                                                          COMMAND_FALLBACK.get(words[1], "see OPTIONS and EXAMPLES"))
        out += [".TP", "\\fB" + esc(cmd) + "\\fR", esc(text[:1].upper() + text[1:] + ".")]
    value = next((v for k, v in blocks.items() if k.upper().startswith("VALUE")), None)
    if value:
        out += [".SH VALUES", "A parameter is set as \\fINAME\\fR=\\fIVALUE\\fR, where \\fIVALUE\\fR is " + esc(value)]
    opts = [(k, v) for k, v in blocks.items() if "option" in k.lower()]
    if opts:
        out.append(".SH OPTIONS")
        for k, v in opts:
            out += [f".SS {arg(k[:1].upper() + k[1:])}"]
            for item in option_items(v):
                it = option_item(item)
                if it:
                    out += [".TP", it[0]] + ([it[1]] if it[1] else [])
                else:
                    out += [".PP", esc(item)]
    out += [".SH EXIT STATUS"]
    for code, text in EXIT:
        out += [".TP", f"\\fB{code}\\fR", esc(text[:1].upper() + text[1:])]
    out += [".SH OUTPUT"]
    for i, p in enumerate(OUTPUT):
        out += ([".PP"] if i else []) + [esc(p)]
    out += [".SH EXPERIMENTS",
            "Each experiment as \\fBsltsim describe\\fR \\fIEXP\\fR shows it. Ranges: ( ) exclude and [ ] "
            "include the bound; words are separated by |."]
    for name, summary in sltsim.experiments().items():
        d = sltsim.describe(name)
        out += [f".SS {arg(name)}", esc(d["summary"] or summary), ".PP"] + description_lines(d["description"])
        out += [".PP", "Parameters:"]
        for p in d["parameters"]:
            out += [".TP", f"\\fB{esc(p['name'])}\\fR=\\fIVALUE\\fR",
                    f"default \\fB{esc(p['default'])}\\fR; {esc(p['range'])}.", ".br", esc(p["help"])]
        cols = d["columns"]
        out += [".PP", "Columns: the parameters; theory: \\fB" + esc(" ".join(cols["theory"]) or "none") + "\\fR;",
                "simulation (mean and standard error): \\fB" + esc(" ".join(cols["sim_columns"]) or "none")
                + "\\fR; trials."]
        if d["shared"]:
            out.append("One trial serves every value of \\fB" + esc(" ".join(d["shared"])) + "\\fR "
                       "(shared random draws: points along these axes are correlated, each is unbiased).")
        for k, v in d["sections"].items():
            if k not in ("description", "columns", "references") and not k.startswith("parameters") \
                    and not k.startswith("one trial serves"):
                out += [".PP", esc(k[:1].upper() + k[1:]) + ":"] + [esc(l.strip()) for l in v if l.strip()]
        if d["references"]:
            out += [".PP", "References:"]
            for r in d["references"]:
                out += [".IP \\(bu 2", esc(r)]
    figs = sltsim.figures()
    if figs:
        out += [".SH FIGURE PRESETS",
                "\\fBsltsim figure\\fR \\fINAME\\fR \\fB\\-o\\fR \\fIDIR\\fR runs a preset and writes "
                "\\fIDIR\\fR/\\fINAME\\fR.csv and \\fIDIR\\fR/\\fINAME\\fR.png. A preset is a small text file "
                "(NAME.fig): copy one, edit it and run it with \\fBsltsim figure\\fR \\fIFILE\\fR.fig."]
        for name, title in figs.items():
            out += [".TP", f"\\fB{esc(name)}\\fR", esc(title)]
    out += [".SH EXAMPLES"]
    for i, (what, cmds) in enumerate(EXAMPLES):
        out += ([".PP"] if i else []) + [esc(what), ".PP", ".RS 4", ".nf"] + [esc(c) for c in cmds] + [".fi", ".RE"]
    out += [".SH ENVIRONMENT", ".TP", "\\fBOPENBLAS_CORETYPE\\fR",
            "OpenBLAS kernel family; sltsim chooses it itself when OpenBLAS does not recognise the processor "
            "(\\fBsltsim \\-\\-version\\fR shows the one in use).",
            ".TP", "\\fBSLTSIM_SIMD\\fR",
            "The path of the normal generator: \\fBauto\\fR (the default: AVX\\-512, else AVX2, else scalar, as "
            "the processor has them), \\fBscalar\\fR, \\fBavx2\\fR or \\fBavx512\\fR. All give the same tables, "
            "byte for byte; only their speed differs. Another name, or a path the processor lacks, is refused "
            "(exit 2).",
            ".TP", "\\fBOMPI_COMM_WORLD_SIZE\\fR, \\fBPMIX_RANK\\fR, \\fBPMI_RANK\\fR",
            "Set by mpirun or srun: an sltsim built with \\-\\-with\\-mpi then starts MPI and shares the run's "
            "work units among the ranks; rank 0 alone writes and prints. Without them MPI is not started.",
            ".SH FILES", ".TP", "\\fI" + esc(o.figdir) + "/*.fig\\fR", "The figure presets.",
            ".SH SEE ALSO", "\\fBgnuplot\\fR(1). The gallery of every preset: \\fBmake gallery\\fR in the source "
            "tree. Python: python/sltsim.py. C: \\fBpkg\\-config \\-\\-cflags \\-\\-libs sltsim\\fR."]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
