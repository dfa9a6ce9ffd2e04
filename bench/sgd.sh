#!/bin/sh
# Benchmark (not a test) of the sgd experiment. 1. The exact recursion (sgd.md 3): CPU time of
# `sltsim run sgd N=10000 --trials 0` (two recursions per point: bias and variance) at d = 2000 and
# 20000, in ns per coordinate-step. 2. The Monte Carlo at d = 200, N = 2000, ASGD, init large:
# sltsim with 10000 trials against bench/ref_sgd_numpy.py (the same work, vectorised over trials)
# with NPT trials (numpy's cost is linear in the trials: reported per trial and scaled to 10000).
# CPU seconds (user + sys), not wall time: the development machines are shared. Writes
# bench/out/sgd.md (bench/run_all.sh puts it in bench/RESULTS.md). Usage: SGD_NPT=1000 bench/sgd.sh   (run from anywhere, after
# building; an argument, the REPEATS of bench/run_all.sh, is ignored: one measurement each)
set -e
cd "$(dirname "$0")/.."
NPT=${SGD_NPT:-250} # numpy is fastest per trial at a few hundred trials (10.4 ms at 250, 16 ms at 1000 here)
. bench/common.sh
PY=$(python_with numpy)
cpu() { /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{print $1 + $2}'; }
mkdir -p bench/out
load0=$(cut -d' ' -f1 /proc/loadavg)
{
echo "### sgd: exact recursion and Monte Carlo ($(machine))"
echo
echo "| what | CPU seconds | per unit |"
echo "|---|---|---|"
for d in 2000 20000; do
    for a in sgd asgd; do
        t=$(cpu ./sltsim run sgd d=$d N=10000 algo=$a init=large --trials 0 -o /dev/null)
        echo "| exact recursion, $a, d = $d, N = 10000 (bias + variance) | $t | $(awk -v t="$t" -v d=$d 'BEGIN{printf "%.2f ns per coordinate-step", t / (2 * d * 10000) * 1e9}') |"
    done
done
ts=$(cpu ./sltsim run sgd d=200 N=2000 algo=asgd init=large --trials 10000 --quiet -o bench/out/sgd_sltsim.csv)
t1=$(cpu ./sltsim run sgd d=200 N=2000 algo=asgd init=large --trials 2000 --threads 1 --quiet -o /dev/null)
/usr/bin/time -f "%U %S" -o bench/out/sgd_numpy.time "$PY" bench/ref_sgd_numpy.py 200 2000 "$NPT" asgd > bench/out/sgd_numpy.csv
tn=$(awk '{print $1 + $2}' bench/out/sgd_numpy.time)
echo "| Monte Carlo, sltsim, ASGD, d = 200, N = 2000, 10000 trials | $ts | $(awk -v t="$ts" 'BEGIN{printf "%.2f ms per trial", t / 10}') |"
echo "| Monte Carlo, sltsim, the same, one thread, 2000 trials | $t1 | $(awk -v t="$t1" 'BEGIN{printf "%.2f ms per trial", t / 2}') |"
echo "| Monte Carlo, numpy $("$PY" -c 'import numpy; print(numpy.__version__)'), same, $NPT trials (vectorised) | $tn | $(awk -v t="$tn" -v n="$NPT" 'BEGIN{printf "%.2f ms per trial", t / n * 1000}') |"
echo
awk -v a="$ts" -v a1="$t1" -v b="$tn" -v n="$NPT" 'BEGIN{printf "sltsim / numpy CPU per trial, one core each (numpy runs on one): %.1fx faster (target 5x); with sltsim on both\ncores, CPU of both: %.1fx (running both cores changes the CPU per trial of sltsim by %+.0f%% here). numpy runs %d trials at once,\nabout its fastest per trial (at 1000 trials its arrays outgrow the cache: 16 ms per trial here).\n", (b / n) / (a1 / 2000), (b / n) / (a / 10000), 100 * ((a / 10000) / (a1 / 2000) - 1), n}'
echo
echo "sltsim runs four trials side by side, one per vector lane (each on its own samples and random stream; a
trial gives the same bits alone or in a pack), so its pass over d is shared; what is left is mostly the
normals: (d + 1) N = 402,000 per trial (see the floors section)."
echo
echo "numpy risk,risk_se,bias,bias_se,variance,variance_se: $(tail -1 bench/out/sgd_numpy.csv); sltsim risk_sim,risk_se: $(col risk_sim bench/out/sgd_sltsim.csv),$(col risk_se bench/out/sgd_sltsim.csv); exact risk $(col risk bench/out/sgd_sltsim.csv)."
echo
echo "Load average $load0 at the start, $(cut -d' ' -f1 /proc/loadavg) at the end (2 cores)."
} | section sgd
