#!/bin/sh
# Benchmark (not a test) of the rf experiment, in one run on this machine:
#  1. the sweep psi1 = 0.1:10:20:log, psi2 = 3, d = 200, lambda = 1e-3, tau2 = 0.25, 20 trials, in
#     sltsim and in bench/ref_rf_numpy.py (the same work, and the straightforward script); best of
#     R wall times each; the simulated means compared point by point (|difference| / combined SE);
#  2. feature-map throughput of the FFT transforms against the dense product (bench/rf_throughput).
# Writes bench/out/rf.md (bench/run_all.sh puts it in bench/RESULTS.md).
# Usage: bench/rf.sh [REPEATS]   (from the top of the source tree, after building)
set -e
cd "$(dirname "$0")/.."
R=${1:-3}
. bench/common.sh
PY=$(python_with 'numpy, scipy')
make -s bench/rf_throughput
OUT=bench/out/rf_sltsim.csv;  ts=$(best ./sltsim run rf psi1=0.1:10:20:log psi2=3 d=200 lambda=1e-3 tau2=0.25 --trials 20 --quiet)
OUT=bench/out/rf_same.txt;    tm=$(best "$PY" bench/ref_rf_numpy.py same 200 20 20)
OUT=bench/out/rf_typical.txt; tt=$(best "$PY" bench/ref_rf_numpy.py typical 200 20 20)
# agreement, row by row (both in grid order; psi1 checked to 1e-5 relative): sltsim columns
# psi1, test_sim, test_se found by name; numpy rows psi1,mean,se
agree() {
    awk -F, -v ref="$1" '
        BEGIN { while ((getline l < ref) > 0) { split(l, f, ","); r++; x[r] = f[1]; m[r] = f[2]; s[r] = f[3] } }
        /^#/ { next }
        !h { for (i = 1; i <= NF; i++) { if ($i == "test_sim") cm = i; if ($i == "test_se") cs = i } h = 1; next }
        { k++; if ($cm == "" || !(k in x)) next; if ((x[k] - $1) / $1 > 1e-5 || ($1 - x[k]) / $1 > 1e-5) { wrong++; next }
          z = ($cm - m[k]) / sqrt($cs^2 + s[k]^2); n++; if (z < 0) z = -z; if (z > zmax) zmax = z; if (z > 3) bad++ }
        END { printf "%d points, max |z| = %.2f, %d beyond 3 SE%s", n, zmax, bad, wrong ? ", " wrong " rows not matched" : "" }' bench/out/rf_sltsim.csv
}
am=$(agree bench/out/rf_same.txt); at=$(agree bench/out/rf_typical.txt)
thr=$(./bench/rf_throughput)
{
echo "### Random features (rf): psi1 = 0.1:10:20:log, psi2 = 3, d = 200, 20 trials ($(machine))"
echo
table_head "simulated means vs sltsim"
table_row 'numpy, the same work (`ref_rf_numpy.py same`)' "$tm" "$am"
table_row 'numpy, typical (`ref_rf_numpy.py typical`)' "$tt" "$at"
cat <<EOT

ReLU, lambda = 1e-3, tau2 = 0.25, n = 600, N = 20 ... 2000, 4000 fresh test inputs per trial. "Same work":
per trial one 2000 x 200 weight matrix for the whole sweep (a point uses its first N rows), one data
draw and one test set, the smaller Gram (a block of one product for N <= n, rank updates for N > n),
Cholesky solves; that is what sltsim does (trials on 2 threads, one BLAS thread each; numpy gives its
BLAS both cores). "Typical": fresh draws and test set per point and trial, Gram anew, numpy.linalg.solve.
Most of the time is the two feature products (n x N x d and 4000 x N x d dgemm), the same in both.

#### Feature-map throughput: one input, N = d features, one thread (microseconds per input)

$thr

The structured maps never form the d x d matrix: sorf is three Walsh-Hadamard transforms (the
butterfly of sims/structured.c, or an FFTW rank-log2(d) R2HC plan), fastfood two, circulant one FFTW
r2c/c2r pair with FFT(g) precomputed; plans made once with FFTW_ESTIMATE. The dense dgemv reads the
whole N x d matrix per input (memory bound); dgemm over a batch of 64 inputs is its best case.
EOT
} | section rf
