#!/bin/sh
# Benchmark (not a test) of the sensitivity experiment: its default sweep (model=rf act=tanh d=200
# N=80,160,240 k=1000,4000,16000,40000, 20 trials) in sltsim and in bench/ref_sensitivity_numpy.py
# (the same work, and the straightforward script); best of R wall times each; the simulated means
# compared point by point (|difference| / combined SE). Also the exact-gradient NCE GD count at
# R = 5 (53269 in extras.md 3; too slow for the tests). Writes bench/out/sensitivity.md.
# Usage: bench/sensitivity.sh [REPEATS]   (from the top of the source tree, after building)
set -e
cd "$(dirname "$0")/.."
R=${1:-3}
. bench/common.sh
PY=$(python_with 'numpy, scipy')
OUT=bench/out/sens_sltsim.csv;  ts=$(best ./sltsim run sensitivity --trials 20 --quiet)
OUT=bench/out/sens_same.txt;    tm=$(best "$PY" bench/ref_sensitivity_numpy.py same 20)
OUT=bench/out/sens_typical.txt; tt=$(best "$PY" bench/ref_sensitivity_numpy.py typical 20)
OUT=bench/out/sens_1thread.csv; t1=$(best ./sltsim run sensitivity --trials 20 --threads 1 --quiet)
grep -v '^#' bench/out/sens_sltsim.csv > bench/out/sens_a.tmp; grep -v '^#' bench/out/sens_1thread.csv > bench/out/sens_b.tmp
same=$(cmp -s bench/out/sens_a.tmp bench/out/sens_b.tmp && echo identical || echo DIFFERENT); rm -f bench/out/sens_a.tmp bench/out/sens_b.tmp
# agreement row by row: sltsim columns N, k, S_sim, S_se by name; numpy rows N,k,mean,se
agree() {
    awk -F, -v ref="$1" '
        BEGIN { while ((getline l < ref) > 0) { split(l, f, ","); r++; n[r] = f[1]; k[r] = f[2]; m[r] = f[3]; s[r] = f[4] } }
        /^#/ { next }
        !h { for (i = 1; i <= NF; i++) { if ($i == "N") cn = i; if ($i == "k") ck = i; if ($i == "S_sim") cm = i; if ($i == "S_se") cs = i } h = 1; next }
        { q++; if ($cn != n[q] || $ck != k[q]) { wrong++; next }
          z = ($cm - m[q]) / sqrt($cs^2 + s[q]^2); c++; if (z < 0) z = -z; if (z > zmax) zmax = z; if (z > 3) bad++ }
        END { printf "%d points, max |z| = %.2f, %d beyond 3 SE%s", c, zmax, bad, wrong ? ", " wrong " rows not matched" : "" }' bench/out/sens_sltsim.csv
}
am=$(agree bench/out/sens_same.txt); at=$(agree bench/out/sens_typical.txt)
t0=$(now); gd=$(./sltsim run nce R=5 --trials 0 --quiet | awk -F, '/^#/ { next } !h { for (i = 1; i <= NF; i++) if ($i == "it_gd_nce") c = i; h = 1; next } { print $c }'); t1g=$(now)
{
echo "### Sensitivity (sensitivity): default sweep, RF tanh, d = 200, N = 80, 160, 240, k = 1000 ... 40000, 20 trials ($(machine))"
echo
table_head "simulated S vs sltsim"
printf '| sltsim, `--threads 1` | %s s | %sx | %s table (but the command line) |\n' "$t1" "$(awk -v a="$t1" -v b="$ts" 'BEGIN { printf "%.1f", a / b }')" "$same"
table_row 'numpy, the same work (`ref_sensitivity_numpy.py same`)' "$tm" "$am"
table_row 'numpy, typical (`ref_sensitivity_numpy.py typical`)' "$tt" "$at"
cat <<EOT

Kernel-trick gradients in all three (S = sqrt(d) |W (tanh'(W'z) . F' alpha)|, alpha = (F F')^-1 Y); no
N x p feature matrix beyond F itself. "Same work": per trial one X, Y, z with N = 240 and one
200 x 40000 W for the whole sweep (first N rows, first k columns), F F' accumulated over the column
blocks of W and solved through its leading N x N blocks (Cholesky): what sltsim does (trials on 2
threads, one BLAS thread each; numpy gives its BLAS both cores). "Typical": fresh draws and a fresh
Gram for every point and trial, numpy.linalg.solve. The X W product (240 x 200 x 40000) and the Gram
update (240^2 x 40000) dominate; tanh of the 240 x 40000 matrix is the rest.

Exact-gradient NCE GD at R = 5 (extras.md 3: 53269, +-1): $gd iterations, $(awk -v a="$t0" -v b="$t1g" 'BEGIN { printf "%.1f", b - a }') s (two qagi
quadratures per step).
EOT
} | section sensitivity
