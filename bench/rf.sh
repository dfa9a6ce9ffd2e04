#!/bin/sh
# Benchmark (not a test) of the rf experiment, in one run on this machine:
#  1. the sweep psi1 = 0.1:10:20:log, psi2 = 3, d = 200, lambda = 1e-3, tau2 = 0.25, 20 trials: sltsim
#     (exact test error, its default; also --threads 1 and testerr=sample) and bench/ref_rf_numpy.py
#     (the same work, exact; the same work with a sampled test set; the straightforward script, which
#     samples a test set); best of R runs each, wall and CPU (user + system) times, the load average
#     around the runs; the simulated means compared point by point (|difference| / combined SE);
#  2. feature-map throughput of the FFT transforms against the dense product (bench/rf_throughput).
# Writes bench/out/rf.md (bench/run_all.sh puts it in bench/RESULTS.md).
# Usage: bench/rf.sh [REPEATS]   (from the top of the source tree, after building)
set -e
cd "$(dirname "$0")/.."
R=${1:-3}
. bench/common.sh
PY=$(python_with 'numpy, scipy')
make -s bench/rf_throughput
# timed CMD...: best() of CMD: its best wall time of R runs into $ts (stdout of the last run in
# $OUT), its best CPU time (user + system) into $tc
timed() { ts=$(best "$@"); tc=$(printf '%.2f' "$(cat "$OUT.cpu")"); }
SWEEP="psi1=0.1:10:20:log psi2=3 d=200 lambda=1e-3 tau2=0.25 --trials 20 --quiet"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
OUT=bench/out/rf_sltsim1.csv;  timed ./sltsim run rf $SWEEP --threads 1; t1=$ts; c1=$tc
OUT=bench/out/rf_sample.csv;   timed ./sltsim run rf $SWEEP testerr=sample; tsm=$ts; csm=$tc
OUT=bench/out/rf_same.txt;     timed "$PY" bench/ref_rf_numpy.py same 200 20 20; tm=$ts; cm=$tc
OUT=bench/out/rf_sampled.txt;  timed "$PY" bench/ref_rf_numpy.py sampled 200 20 20; tp=$ts; cp=$tc
OUT=bench/out/rf_typical.txt;  timed "$PY" bench/ref_rf_numpy.py typical 200 20 20; tt=$ts; ct=$tc
OUT=bench/out/rf_sltsim.csv;   timed ./sltsim run rf $SWEEP; cs=$tc
load1=$(cut -d' ' -f1-3 /proc/loadavg)
if [ "$(grep -v '^# command' bench/out/rf_sltsim.csv)" = "$(grep -v '^# command' bench/out/rf_sltsim1.csv)" ]; then
    same="byte-identical table (but the command line)"
else
    same="TABLES DIFFER"
fi
# agreement, row by row (both in grid order; psi1 checked to 1e-5 relative): sltsim columns
# psi1, test_sim, test_se found by name; numpy rows psi1,mean,se
agree() {
    awk -F, -v ref="$1" '
        BEGIN { while ((getline l < ref) > 0) { split(l, f, ","); r++; x[r] = f[1]; m[r] = f[2]; s[r] = f[3] } }
        /^#/ { next }
        !h { for (i = 1; i <= NF; i++) { if ($i == "test_sim") cm = i; if ($i == "test_se") cs = i } h = 1; next }
        { k++; if ($cm == "" || !(k in x)) next; if ((x[k] - $1) / $1 > 1e-5 || ($1 - x[k]) / $1 > 1e-5) { wrong++; next }
          z = ($cm - m[k]) / sqrt($cs^2 + s[k]^2); n++; if (z < 0) z = -z; if (z > zmax) zmax = z; if (z > 3) bad++ }
        END { printf "%d points, max |z| = %.2f, %d beyond 3 SE%s", n, zmax, bad, wrong ? ", " wrong " rows not matched" : "" }' "${2:-bench/out/rf_sltsim.csv}"
}
# row PROGRAM WALL CPU COMPARISON: wall and CPU times, sltsim's speed-ups on both
row() {
    printf '| %s | %s s | %s s | %s | %s |\n' "$1" "$2" "$3" \
        "$(awk -v a="$2" -v b="$ts" -v c="$3" -v d="$cs" 'BEGIN { printf "%.1fx / %.1fx", a / b, c / d }')" "$4"
}
am=$(agree bench/out/rf_same.txt); ap=$(agree bench/out/rf_sampled.txt bench/out/rf_sample.csv)
at=$(agree bench/out/rf_typical.txt)
thr=$(./bench/rf_throughput)
npv=$("$PY" -c 'import numpy; print(numpy.__version__)')
{
echo "### Random features (rf): psi1 = 0.1:10:20:log, psi2 = 3, d = 200, 20 trials ($(machine))"
echo
printf '| program | wall time (best of %s) | CPU time, user + system (best of %s) | sltsim speed-up, wall / CPU | simulated means vs sltsim |\n|---|---|---|---|---|\n' "$R" "$R"
row "sltsim $(./sltsim --version | head -1 | cut -d' ' -f2) (2 threads; exact test error, the default)" "$ts" "$cs" ""
row 'sltsim, `--threads 1`' "$t1" "$c1" "$same"
row 'sltsim, `testerr=sample` (2 threads)' "$tsm" "$csm" ""
row "numpy $npv, the same work (\`ref_rf_numpy.py same\`: exact test error)" "$tm" "$cm" "$am"
row 'numpy, the same work with a sampled test set (`ref_rf_numpy.py sampled`)' "$tp" "$cp" "$ap (vs testerr=sample)"
row 'numpy, typical (`ref_rf_numpy.py typical`: sampled test sets)' "$tt" "$ct" "$at"
cat <<EOT

Load average (1, 5, 15 min) $load0 before the runs and $load1 after: the machine is shared, so wall
times vary with what else runs; CPU times much less (numpy's CPU time includes its BLAS threads).
Scaling of sltsim from 1 to 2 threads: $(awk -v a="$t1" -v b="$ts" 'BEGIN { printf "%.2fx", a / b }') in wall time (CPU $c1 s and $cs s, $(awk -v a="$c1" -v b="$cs" 'BEGIN { printf "%+.0f%%", 100 * (b / a - 1) }') with
the second thread: two trials at once share the caches and memory bandwidth); the wall-time ratio measures sltsim only when the load average stays below
the number of cores, otherwise it measures the competition for them.
ReLU, lambda = 1e-3, tau2 = 0.25, n = 600, N = 20 ... 2000. The test error is exact by default:
E_x (f(x) - f_hat(x))^2 over the sphere is 1 - 2 a'b + a'K a with K_ij = kappa(<theta_i, theta_j>/d),
formed for the largest N only (leading blocks serve smaller N), no test inputs: N^2 d flops for
the kernel instead of 4000 N d for test features (\`sltsim describe rf\`). "Same work": per trial
one 2000 x 200 weight matrix for the whole sweep (a point uses its first N rows), one data draw, the
smaller Gram (a block of one product for N <= n, rank updates for N > n), Cholesky solves, and the
exact test error with the arc-cosine kernel (numpy forms the whole 2000 x 2000 K); "sampled": the
same with one 4000-point test set per trial, as sltsim \`testerr=sample\`. sltsim runs its trials on
2 threads with one BLAS thread each; numpy gives its BLAS both cores. "Typical": fresh draws and test
set per point and trial, Gram anew, numpy.linalg.solve.

#### Feature-map throughput: one input, N = d features, one thread (microseconds per input)

$thr

The structured maps never form the d x d matrix: sorf is three Walsh-Hadamard transforms (the
butterfly of sims/structured.c, or an FFTW rank-log2(d) R2HC plan), fastfood two, circulant one FFTW
r2c/c2r pair with FFT(g) precomputed; plans made once with FFTW_ESTIMATE. The dense dgemv reads the
whole N x d matrix per input (memory bound); dgemm over a batch of 64 inputs is its best case.
EOT
} | section rf
