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
PY=${PYTHON3:-}
for p in $PY /usr/bin/python3 python3; do
    if $p -c 'import numpy, scipy' 2>/dev/null; then PY=$p; break; fi
done
mkdir -p bench/out
# Both sides on the same OpenBLAS kernels: sltsim picks them itself where OpenBLAS misdetects the
# processor (see cli/main.c); numpy gets the same choice through the environment.
core=$(./sltsim --version | sed -n 's/.*openblas [0-9.]* (\(.*\))/\1/p')
[ -n "$core" ] && [ -z "$OPENBLAS_CORETYPE" ] && export OPENBLAS_CORETYPE=$core
now() { date +%s.%N; }
best() { # best wall time of R runs of "$@", stdout of the last run kept in $OUT
    b=""
    for i in $(seq "$R"); do
        t0=$(now); "$@" > "$OUT" 2>/dev/null; t1=$(now)
        b=$(awk -v a="$t0" -v c="$t1" -v b="$b" 'BEGIN { t = c - a; print (b == "" || t < b) ? t : b }')
    done
    printf '%.3f' "$b"
}
OUT=bench/out/sltsim.csv;  ts=$(best ./sltsim run ridge gamma=0.1:5:40 n=200 r2=1 sigma2=0.25 --trials 50 --quiet)
OUT=bench/out/typical.txt; tt=$(best "$PY" "$REF/ref_ridgeless_numpy.py" 200 50)
OUT=bench/out/tuned.txt;   tu=$(best "$PY" "$REF/ref_ridgeless_numpy_tuned.py" 200 50)
# agreement: sltsim columns gamma($1), risk_sim($17), risk_se($18); numpy: gamma,mean,se
agree() {
    awk -F, -v ref="$1" '
        BEGIN { while ((getline l < ref) > 0) { split(l, f, ","); m[sprintf("%.4f", f[1])] = f[2]; s[sprintf("%.4f", f[1])] = f[3] } }
        /^#/ || /^gamma/ || $17 == "" { next }
        { g = sprintf("%.4f", $1); if (!(g in m)) next; z = ($17 - m[g]) / sqrt($18^2 + s[g]^2);
          n++; if (z < 0) z = -z; if (z > zmax) zmax = z; if (z > 3) bad++ }
        END { printf "%d points, max |z| = %.2f, %d beyond 3 SE", n, zmax, bad }' bench/out/sltsim.csv
}
at=$(agree bench/out/typical.txt); au=$(agree bench/out/tuned.txt)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
cat > bench/out/ridgeless.md <<EOT
### Ridgeless sweep: gamma = 0.1:5:40, n = 200, 50 trials ($(date -u +%Y-%m-%d), $(nproc) cores, $cpu, OpenBLAS kernels ${OPENBLAS_CORETYPE:-auto})

| program | wall time (best of $R) | sltsim speed-up | simulated means vs sltsim |
|---|---|---|---|
| sltsim $(./sltsim --version | head -1 | cut -d' ' -f2) (all cores) | ${ts} s | 1 | |
| numpy, typical (\`lstsq\` loop) | ${tt} s | $(awk -v a="$tt" -v b="$ts" 'BEGIN { printf "%.1f", a / b }')x | $at |
| numpy, tuned (Cholesky on the smaller Gram) | ${tu} s | $(awk -v a="$tu" -v b="$ts" 'BEGIN { printf "%.1f", a / b }')x | $au |

Same work in all three: every point with |p - n| > 3 simulated (here all 40), exact risk per draw. sltsim
draws one 200 x 1000 design matrix per trial for the whole sweep (common random numbers; each
point unbiased), grows the Gram matrix by rank updates as p increases and factorises once per point.
EOT
cat bench/out/ridgeless.md
