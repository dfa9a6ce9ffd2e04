#!/bin/sh
# Benchmark (not a test): the ridgeless sweep gamma = 0.1:5:40, n = 200, 50 trials, in sltsim and in
# the two numpy reference scripts of ../shared/bench-ref (a typical lstsq loop and a tuned
# Cholesky-on-the-Gram loop), in one run on this machine. Best of R wall times each; the simulated
# means are compared point by point (|difference| / combined SE). Writes bench/out/ridgeless.md.
# Usage: bench/ridgeless.sh [REPEATS]   (run from the top of the source tree, after building)
set -e
cd "$(dirname "$0")/.."
R=${1:-3}
REF=${SLTSIM_BENCH_REF:-../shared/bench-ref}
. bench/common.sh
PY=$(python_with 'numpy, scipy')
load0=$(cut -d' ' -f1-3 /proc/loadavg)
OUT=bench/out/sltsim.csv;  ts=$(best ./sltsim run ridge gamma=0.1:5:40 n=200 r2=1 sigma2=0.25 --trials 50 --quiet)
OUT=bench/out/typical.txt; tt=$(best "$PY" "$REF/ref_ridgeless_numpy.py" 200 50)
OUT=bench/out/tuned.txt;   tu=$(best "$PY" "$REF/ref_ridgeless_numpy_tuned.py" 200 50)
# agreement: sltsim columns gamma($1), risk_sim($19), risk_se($20); numpy: gamma,mean,se
agree() {
    awk -F, -v ref="$1" '
        BEGIN { while ((getline l < ref) > 0) { split(l, f, ","); m[sprintf("%.4f", f[1])] = f[2]; s[sprintf("%.4f", f[1])] = f[3] } }
        /^#/ || /^gamma/ || $19 == "" { next }
        { g = sprintf("%.4f", $1); if (!(g in m)) next; z = ($19 - m[g]) / sqrt($20^2 + s[g]^2);
          n++; if (z < 0) z = -z; if (z > zmax) zmax = z; if (z > 3) bad++ }
        END { printf "%d points, max |z| = %.2f, %d beyond 3 SE", n, zmax, bad }' bench/out/sltsim.csv
}
load1=$(cut -d' ' -f1-3 /proc/loadavg)
at=$(agree bench/out/typical.txt); au=$(agree bench/out/tuned.txt)
{
echo "### Ridgeless sweep: gamma = 0.1:5:40, n = 200, 50 trials ($(machine))"
echo
table_head "simulated means vs sltsim"
table_row 'numpy, typical (`lstsq` loop)' "$tt" "$at"
table_row 'numpy, tuned (Cholesky on the smaller Gram)' "$tu" "$au"
cat <<EOT

Same work in all three: every point with |p - n| > 3 simulated (here all 40), exact risk per draw. sltsim
draws one 200 x 1000 design matrix per trial for the whole sweep (common random numbers; each
point unbiased), grows the Gram matrix by rank updates as p increases and factorises once per point;
for lambda = 0 and p > n (isotropic) the bias and variance come from two forward solves with the
Cholesky factor (|beta|^2 - |L^-1 u|^2 and |L^-1 eps|^2), without the estimate itself.
$(cpu_line "sltsim bench/out/sltsim.csv" "numpy typical bench/out/typical.txt" "numpy tuned bench/out/tuned.txt")
Load average (1, 5, 15 min) $load0 at the start, $load1 at the end: wall times on a shared machine;
the one-thread CPU times are in the section "One-thread time against the floor".
EOT
} | section ridgeless
