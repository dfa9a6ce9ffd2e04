#!/bin/sh
# Benchmark (not a test): gradient-flow dynamics, a 50-point log time grid (0.01 to 1000) at
# alpha = 0.5, 1, 2, N = 400, SNR 4, 100 trials, in sltsim and in the numpy reference
# bench/ref_gd_numpy.py (the same work: one draw and one eigendecomposition of the smaller Gram
# matrix per trial, the closed-form errors at all 50 times), in one run on this machine. Best of R
# wall times each; the simulated test errors are compared point by point (|difference| / combined
# SE). Writes bench/out/gd_dynamics.md.
# Usage: bench/gd_dynamics.sh [REPEATS]   (run from anywhere, after building)
set -e
cd "$(dirname "$0")/.."
R=${1:-3}
. bench/common.sh
PY=$(python_with numpy)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
OUT=bench/out/gd_sltsim.csv
ts=$(best ./sltsim run gd-dynamics alpha=0.5,1,2 snr=4 t=0.01:1000:50:log N=400 --trials 100 --quiet)
OUT=bench/out/gd_sltsim1.csv
tone=$(best ./sltsim run gd-dynamics alpha=0.5,1,2 snr=4 t=0.01:1000:50:log N=400 --trials 100 --quiet --threads 1)
if [ "$(grep -v '^# command' bench/out/gd_sltsim.csv)" = "$(grep -v '^# command' bench/out/gd_sltsim1.csv)" ]; then
    same="byte-identical table (but the command line)"
else
    same="TABLES DIFFER"
fi
OUT=bench/out/gd_sltsim_lit.csv
tlit=$(best ./sltsim run gd-dynamics alpha=0.5,1,2 snr=4 t=0.01:1000:50:log N=400 --trials 100 --quiet sampler=literal)
OUT=bench/out/gd_numpy.csv
tn=$(best "$PY" bench/ref_gd_numpy.py 400 100 0.5,1,2 4)
# agreement of the test-error means: sltsim alpha($1), t($4) and test_sim, test_se found by name;
# numpy alpha,t,test,test_se
agree() {
    awk -F, '
    NR == FNR { if (FNR > 1) { k = sprintf("%g/%.6g", $1, $2); m[k] = $3; s[k] = $4 } next }
    /^#/ { next }
    /^alpha/ { for (i = 1; i <= NF; i++) { if ($i == "test_sim") cm = i; if ($i == "test_se") cs = i } next }
    $cm == "" { next }
    { k = sprintf("%g/%.6g", $1, $4); if (!(k in m)) next; z = ($cm - m[k]) / sqrt($cs^2 + s[k]^2);
      n++; if (z < 0) z = -z; if (z > zmax) zmax = z; if (z > 3) bad++ }
    END { printf "%d points, max |z| = %.2f, %d beyond 3 SE", n, zmax, bad }' bench/out/gd_numpy.csv "$1"
}
load1=$(cut -d' ' -f1-3 /proc/loadavg)
agree_s=$(agree bench/out/gd_sltsim.csv); agree_l=$(agree bench/out/gd_sltsim_lit.csv)
npv=$("$PY" -c 'import numpy; print(numpy.__version__)')
{
echo "### Gradient-flow dynamics: 50-point log time grid, alpha = 0.5, 1, 2, N = 400, 100 trials ($(machine))"
echo
table_head "simulated test error vs sltsim"
table_row 'sltsim, `--threads 1`' "$tone" "$same"
table_row 'sltsim, `sampler=literal` (all cores)' "$tlit" "$agree_l (numpy vs literal)"
table_row "numpy $npv (\`eigh\` per trial, vectorised over t)" "$tn" "$agree_s"
cat <<EOT

sltsim's default spectral sampler draws per trial the eigenvalues of the smaller Gram matrix from the
beta = 1 Laguerre bidiagonal model (LAPACK dsterf, O(m^2), no eigenvectors) and the projections of
teacher, noise and w0 as fresh normals: exact in distribution (\`sltsim describe gd-dynamics\`).
\`sampler=literal\` and numpy do the same work as each other: 300 draws (X of P x 400, teacher,
noise), one symmetric eigendecomposition of the smaller Gram matrix per draw (X X' of 200 x 200 at
alpha = 0.5, X'X of 400 x 400 otherwise; numpy's eigh is LAPACK dsyevd; sltsim does dsyevd's
tridiagonal reduction and divide and conquer but back-transforms only the 3 vectors it projects,
not all the eigenvectors). All three then give the exact test and training error at all 50 times
from the modes.
sltsim runs one trial per thread with single-threaded OpenBLAS; numpy runs its trials in sequence
with OpenBLAS threads, which do not speed up \`eigh\` at n = 400 (43 ms per call with 1 or 2
threads here). The eigendecompositions dominate both; the single-thread row separates the gain
from the second core from the per-trial gain.
$(cpu_line "sltsim bench/out/gd_sltsim.csv" "sltsim one thread bench/out/gd_sltsim1.csv" "sltsim literal bench/out/gd_sltsim_lit.csv" "numpy bench/out/gd_numpy.csv")
Load average (1, 5, 15 min) $load0 at the start, $load1 at the end: wall times on a shared machine;
the one-thread CPU times are in the section "One-thread time against the floor".
EOT
} | section gd_dynamics
