#!/bin/sh
# Benchmark (not a test): the two-moons training of starvation.md 7 (n = 300, width 500, GD with
# momentum, lr 1e-2, EPOCHS full-batch steps, SEEDS seeds, NTK at initialisation, final margins and
# accuracy on 2000 fresh points) in sltsim, in numpy (bench/ref_moons_numpy.py) and in PyTorch on the
# CPU, float64 (bench/ref_moons_torch.py, Debian python3-torch). Wall time (best of R) and CPU time
# (user + system, of the same run) for each; the seed-mean margin and accuracy are compared.
# Writes bench/out/moons.md.
# Usage: [TORCH_THREADS=K] bench/moons.sh [REPEATS] [SEEDS] [EPOCHS]   (defaults 1, 10, 10000: the
# issue's run; PyTorch intra-op threads K, default 1). Each program's "WALL CPU" is also kept in
# bench/out/moons_times.txt as it finishes.
set -e
cd "$(dirname "$0")/.."
R=${1:-1}
SEEDS=${2:-10}
EPOCHS=${3:-10000}
. bench/common.sh
PY=$(python_with numpy)
PYT=$(python_with torch)
# timed CMD...: R runs of CMD (stdout of the last in $OUT); prints "WALL CPU" of the fastest run,
# CPU = user + system seconds
timed() {
    for i in $(seq "$R"); do
        /usr/bin/time -f '%e %U %S' -o bench/out/time.txt "$@" > "$OUT" 2>/dev/null
        awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' bench/out/time.txt
    done | sort -n | head -1 | tee -a bench/out/moons_times.txt
}
echo "# $(date -u) SEEDS=$SEEDS EPOCHS=$EPOCHS: sltsim, sltsim --threads 1, numpy, torch" >> bench/out/moons_times.txt
OUT=bench/out/moons_sltsim.csv
set -- $(timed ./sltsim run moons epochs="$EPOCHS" shift_test=0.1 --trials "$SEEDS" --quiet); ts=$1; cs=$2
OUT=bench/out/moons_sltsim1.csv
set -- $(timed ./sltsim run moons epochs="$EPOCHS" shift_test=0.1 --trials "$SEEDS" --quiet --threads 1); t1=$1; c1=$2
OUT=bench/out/moons_numpy.csv
set -- $(timed "$PY" bench/ref_moons_numpy.py "$SEEDS" "$EPOCHS"); tn=$1; cn=$2
OUT=bench/out/moons_torch.csv
set -- $(timed "$PYT" bench/ref_moons_torch.py "$SEEDS" "$EPOCHS"); tt=$1; ct=$2
# seed means of margin_mean and acc: sltsim columns by name, the references' columns 3 and 4
sm=$(col margin_mean_sim < bench/out/moons_sltsim.csv); sa=$(col acc_sim < bench/out/moons_sltsim.csv)
means() { awk -F, 'NR > 1 { m += $3; a += $4; k++ } END { printf "margin %.3f, acc %.4f", m / k, a / k }' "$1"; }
npv=$("$PY" -c 'import numpy; print(numpy.__version__)')
tv=$("$PYT" -c 'import torch; print(torch.__version__)')
{
echo "### Two moons: $SEEDS seeds x $EPOCHS epochs, width 500, n = 300 ($(machine))"
echo
echo "| program | wall time (best of $R) | CPU time | sltsim speed-up (wall / CPU) | seed means |"
echo "|---|---|---|---|---|"
printf '| sltsim %s (all cores) | %s s | %s s | 1 | margin %.3f, acc %.4f |\n' "$(./sltsim --version | head -1 | cut -d' ' -f2)" "$ts" "$cs" "$sm" "$sa"
echo "| sltsim, \`--threads 1\` | $t1 s | $c1 s | $(ratio "$t1" "$ts") / $(ratio "$c1" "$cs") | |"
echo "| numpy $npv | $tn s | $cn s | $(ratio "$tn" "$ts") / $(ratio "$cn" "$cs") | $(means bench/out/moons_numpy.csv) |"
echo "| PyTorch $tv (CPU, float64, ${TORCH_THREADS:-1} intra-op thread(s)) | $tt s | $ct s | $(ratio "$tt" "$ts") / $(ratio "$ct" "$cs") | $(means bench/out/moons_torch.csv) |"
cat <<EOT

Same work in all three: per seed the data recipe, PyTorch's initialisation, the NTK Gram at
initialisation and its eigendecomposition, $EPOCHS full-batch GD steps with momentum on the mean
logistic loss in double precision, then margins and the accuracy on 2000 fresh points. sltsim runs
one seed per thread (fused, vectorised layer-1 passes and BLAS dgemv for the output layer);
numpy and PyTorch run the seeds in sequence (numpy's OpenBLAS may use every core; PyTorch uses
${TORCH_THREADS:-1} intra-op thread(s): at this size a second thread barely helps it, and on a loaded
machine its spin-waiting made PyTorch's CPU time per epoch about four times larger in a trial run). The random
streams differ (numpy/PyTorch generators vs sltsim's), so the seed means agree statistically, not
digit for digit. CPU time (user + system) is shown beside wall time because the development
machine is shared: wall times there vary with its load, CPU times much less.
EOT
} | section moons
