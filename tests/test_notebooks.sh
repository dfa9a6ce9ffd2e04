#!/bin/sh
# Executes every notebook in notebooks/ with nbclient (Debian's python3, which has pandas for
# python/sltsim.py), one TAP line each.
# A notebook fails if any cell raises, including its own theory-vs-simulation assertions.
SRC=${SRCDIR:-.}
S=${SLTSIM:-$PWD/sltsim}
PY=${PYTHON3:-}
for p in $PY /usr/bin/python3 python3; do
    if $p -c 'import nbclient, nbformat, ipykernel, pandas' 2>/dev/null; then PY=$p; break; fi
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
for nb in "$SRC"/notebooks/*.ipynb; do
    n=$((n + 1))
    if SLTSIM="$S" SLTSIM_NOTEBOOK_OUT="$T" "$PY" - "$nb" "$T" > "$T/log" 2>&1 <<'PYEOF'
import sys, os, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": os.path.dirname(sys.argv[1])}}).execute()
PYEOF
    then
        echo "ok $n - notebook $(basename "$nb") executes, its checks hold"
    else
        echo "not ok $n - notebook $(basename "$nb")"
        sed 's/^/# /' "$T/log" | tail -30
    fi
done
echo "1..$n"
