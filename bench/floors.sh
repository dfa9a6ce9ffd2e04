#!/bin/sh
# Benchmark (not a test): each benchmark's one-thread time against its floor on this machine, next
# to sltsim's speed-up over the references measured by the benchmark's own section.
# Floor = random numbers needed / the measured normal rate + unavoidable dense flops / the measured
# one-thread dgemm rate (bench/floor_rates: slt_rng_normals and a 1000^3 dgemm, CPU time), plus,
# for the spectral gd-dynamics sampler only, the measured time of its eigenvalue step (below).
# Times are CPU seconds (user + system, best of R) with --threads 1: the other sections report
# wall times, which a shared machine inflates; CPU time is what the floor predicts.
# Counts per trial (n, p, N, P, m = min of the two sides, as in each benchmark):
#  ridgeless (lambda = 0): normals n pmax + pmax + n; flops: Gram n m0^2 (m0 = largest p <= n) and
#    X X' over all pmax columns n^2 pmax (its first p > n point needs p of them at once; the floor
#    once counted n^2 (pmax - n), 8e6 flops a trial too few), u = X beta grown with p 2 n pmax; per point a Cholesky m^3/3
#    and, for p > n, two forward solves 2 m^2 (bias |beta|^2 - |L^-1 u|^2, variance |L^-1 eps|^2);
#    for p <= n the estimate from u is beta itself, the noise's needs X^T eps 2 n p and 2 m^2.
#  gd-dynamics: literal: normals P N + 2 N + P; flops: Gram m^2 max(N, P) and the tridiagonal
#    reduction 4/3 m^3 (the least any dense eigenvalue method does). spectral: normals 2 N + P and
#    2m - 1 chi-squared variates (2 normals each), no dense flops, and the eigenvalues of its
#    m x m Laguerre bidiagonal at the measured time of the faster of LAPACK dsterf and dlasq1 on
#    bidiagonals of the benchmark's sizes (an O(m^2) step with a division in every inner step, no
#    flop count at a dgemm rate describes it); exponentials of the mode decays not counted.
#  rf (exact test error, the default): normals d (Nmax + n + 1) + n; flops: features 2 n Nmax d,
#    kernel Nmax^2 d (the symmetric half of Theta Theta'), Gram n m0^2 and n^2 (Nmax - n), per point
#    m^3/3 + 4 m^2 + 4 N n (+ 4 N n if N > n) + 2 N^2 (the quadratic form, 2 label parts); the
#    kernel's table evaluations (Nmax^2/2) are not flops and are left out.
#  sgd (ASGD Monte Carlo, d = 200, N = 2000): normals (d + 1) N; flops 2 runs (bias, noise) x N
#    steps x 4 d (a dot product and an update, the least an SGD step does).
#  sensitivity (RF tanh, defaults): normals Nmax d + Nmax + d + d kmax; flops: X W 2 Nmax d kmax,
#    Gram Nmax^2 kmax, W'z 2 d kmax, per point (N, k) N^3/3 + 2 N^2 + 2 N k + 2 d k (tanh not counted).
# moons and masked-sc have no row: their work (2-input layers, greedy OMP, Adam) is elementwise
# and level-2, not dgemm-shaped or normals-bound, so this floor would say nothing about them.
# Writes bench/out/floors.md. Usage: bench/floors.sh [REPEATS] (from anywhere, after building)
set -e
cd "$(dirname "$0")/.."
R=${1:-3}
. bench/common.sh
load0=$(cut -d' ' -f1-3 /proc/loadavg)
make -s bench/floor_rates
# the gd benchmark's Laguerre bidiagonals: (max(N, P), m) for alpha = 0.5, 1, 2 at N = 400
rates() { ./bench/floor_rates 400:200 400:400 800:400 2> bench/out/floors_eig$1.txt > bench/out/floors_rates$1.txt; }
rates 0
cpu() { # best CPU time (user + system) of R runs of "$@"
    b=""
    for i in $(seq "$R"); do
        /usr/bin/time -o bench/out/floors.time -f '%U %S' "$@" > /dev/null 2>&1
        t=$(awk '{ print $1 + $2 }' bench/out/floors.time)
        b=$(awk -v a="$t" -v b="$b" 'BEGIN { print (b == "" || a < b) ? a : b }')
    done
    echo "$b"
}
# sim TRIALS COMMAND...: the run with TRIALS trials minus the same run with --trials 0 (theory
# columns, start-up): the simulation's time (an option may be given only once)
sim() {
    t=$1; shift
    a=$(cpu "$@" --threads 1 --trials "$t"); b=$(cpu "$@" --threads 1 --trials 0)
    awk -v a="$a" -v b="$b" 'BEGIN { print a - b }'
}
ridge=$(sim 50 ./sltsim run ridge gamma=0.1:5:40 n=200 r2=1 sigma2=0.25 --quiet)
gds=$(sim 100 ./sltsim run gd-dynamics alpha=0.5,1,2 snr=4 t=0.01:1000:50:log N=400 --quiet)
gdl=$(sim 100 ./sltsim run gd-dynamics alpha=0.5,1,2 snr=4 t=0.01:1000:50:log N=400 --quiet sampler=literal)
rf=$(sim 20 ./sltsim run rf psi1=0.1:10:20:log psi2=3 d=200 lambda=1e-3 tau2=0.25 --quiet)
# fewer trials than their benchmarks (10000, 20): the time per trial is what is compared
sgd=$(sim 1000 ./sltsim run sgd d=200 N=2000 algo=asgd init=large --quiet)
sens=$(sim 5 ./sltsim run sensitivity --quiet)
load1=$(cut -d' ' -f1-3 /proc/loadavg)
# the rates measured again after the runs: the higher rates and the shorter eigenvalue times of the
# two (the lower floor) are used, so that a busy moment of the shared machine cannot lift the floor
rates 1
set -- $(cat bench/out/floors_rates0.txt bench/out/floors_rates1.txt)
nrate=$(awk -v a="$1" -v b="$6" 'BEGIN { print (a > b ? a : b) }'); grate=$(awk -v a="$2" -v b="$7" 'BEGIN { print (a > b ? a : b) }')
eig=$(awk -v a="$3" -v b="$4" -v c="$5" -v d="$8" -v e="$9" -v f="${10}" \
    'BEGIN { x = a + b + c; y = d + e + f; print 100 * (x < y ? x : y) }')
# floors: "normals flops seconds" of a whole run (seconds: measured steps counted as they are)
fl_ridge=$(awk 'BEGIN { n = 200; pm = 1000; T = 50; m0 = 0
    for (i = 0; i < 40; i++) { p = int((0.1 + 4.9 * i / 39) * n + 0.5); if (p <= n && p > m0) m0 = p
        m = p < n ? p : n; f += m^3 / 3 + 2 * m^2 + (p > n ? 4 * n : 2 * n * p) }
    f += n * m0^2 + n^2 * pm + 2 * n * pm; print T * (n * pm + pm + n), T * f, 0 }')
# the same sweep on the cheapest route known (not sltsim's): one factorisation for every p <= n
# (leading blocks, lambda = 0), then for p > n the first point's Gram and factor and, for each later
# point, an update of the factor with its k new columns (2 n^2 k); forward solves and u as above
fl_ridge_min=$(awk 'BEGIN { n = 200; pm = 1000; T = 50; m0 = 0; p1 = 0; prev = 0
    for (i = 0; i < 40; i++) { p = int((0.1 + 4.9 * i / 39) * n + 0.5)
        if (p <= n) { if (p > m0) m0 = p; f += 2 * p^2 + 2 * n * p }
        else { if (!p1) { p1 = p; f += n^2 * p + n^3 / 3 } else f += 2 * n^2 * (p - prev); f += 2 * n^2 }
        prev = p }
    f += n * m0^2 + m0^3 / 3 + 2 * n * pm; print T * (n * pm + pm + n), T * f, 0 }')
fl_gd() { awk -v lit="$1" -v eig="$eig" 'BEGIN { N = 400; T = 100; split("0.5 1 2", al, " ")
    for (k = 1; k <= 3; k++) { P = int(al[k] * N + 0.5); m = P < N ? P : N; M = P < N ? N : P
        if (lit) { g += P * N + 2 * N + P; f += m^2 * M + 4 / 3 * m^3 } else g += 2 * N + P + 2 * (2 * m - 1) }
    print T * g, T * f, lit ? 0 : eig }'; }
fl_gdl=$(fl_gd 1); fl_gds=$(fl_gd 0)
fl_rf=$(awk 'BEGIN { d = 200; n = 600; T = 20; Nm = 0; m0 = 0
    for (i = 0; i < 20; i++) { N = int(0.1 * 100^(i / 19) * d + 0.5); Nv[i] = N; if (N > Nm) Nm = N; if (N <= n && N > m0) m0 = N }
    for (i = 0; i < 20; i++) { N = Nv[i]; m = N < n ? N : n; f += m^3 / 3 + 4 * m^2 + 4 * N * n + (N > n ? 4 * N * n : 0) + 2 * N^2 }
    f += 2 * n * Nm * d + Nm^2 * d + n * m0^2 + (Nm > n ? n^2 * (Nm - n) : 0)
    print T * (d * (Nm + n + 1) + n), T * f, 0 }')
fl_sgd=$(awk 'BEGIN { d = 200; N = 2000; T = 1000; print T * (d + 1) * N, T * 2 * N * 4 * d, 0 }')
fl_sens="$(sens_counts 5) 0"
floor() { echo "$1" | awk -v r="$nrate" -v g="$grate" '{ printf "%.3f", $1 / r + $2 / (g * 1e9) + $3 }'; }
# refs NAME HEADING: sltsim's speed-ups over the references in the section NAME of this run
# (bench/out/NAME.md), else in bench/RESULTS.md (the section starting with HEADING); its date
refs() {
    if [ -f "bench/out/$1.md" ]; then cat "bench/out/$1.md"
    else awk -v h="$2" 'index($0, h) == 1 { on = 1; print; next } /^### / { on = 0 } on' bench/RESULTS.md; fi |
    awk -F'|' '
        NR == 1 { if (match($0, /\(20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]/)) day = substr($0, RSTART + 1, 10) }
        /^\| program/ { cc = sc = 0; for (i = 3; i < NF; i++) { if ($i ~ /CPU/ && !cc) cc = i; if ($i ~ /speed-up/) sc = i }
            w = $sc ~ /wall \/ CPU/ ? " wall / CPU" : " wall" }
        /^\| sltsim/ && cc && s == "" { s = $cc + 0 }
        /^\| (numpy|PyTorch)/ { n = $2; sub(/ *\(.*/, "", n); gsub(/`/, "", n); sub(/^ +/, "", n)
            if (sc && $sc ~ /x *$/) { x = $sc; gsub(/^ +| +$/, "", x); x = x w }
            else if (cc && $cc + 0 > 0 && s > 0) x = sprintf("%.1fx CPU", ($cc + 0) / s)
            else next
            r = r (r == "" ? "" : "; ") n " " x }
        /sltsim \/ numpy CPU per trial/ { x = $0; sub(/.*: /, "", x); sub(/ faster.*/, "", x); r = "numpy " x " CPU per trial" }
        /^CPU time \(user \+ system/ { n = split($0, e, "; "); for (i = 2; i <= n; i++) if (e[i] !~ /^sltsim/) {
            x = e[i]; sub(/ [0-9.]+ s \(/, " ", x); sub(/\)\.?$/, "", x); c = c (c == "" ? "" : "; ") x " CPU" } }
        END { if (c != "") r = c "; " r; print (r == "" ? "none found" : r) (day == "" ? "" : " (" day ")") }'
}
row() { # NAME CPU "NORMALS FLOPS SECONDS" REFERENCES
    f=$(floor "$3")
    echo "$3" | awk -v nm="$1" -v t="$2" -v f="$f" -v r="$nrate" -v g="$grate" -v refs="$4" '{
        e = $3 > 0 ? sprintf("; eigenvalues: %.3f s", $3) : ""
        printf "| %s | %.3f s | %.3f s (%.3g normals: %.3f s; %.3g flops: %.3f s%s) | %.2fx | %s |\n",
            nm, t, f, $1, $1 / r, $2, $2 / (g * 1e9), e, t / f, refs }'
}
{
echo "### One-thread time against the floor ($(machine))"
echo
printf 'Measured here (one thread, CPU time; the better of before and after the runs): %.0f M normals/s (slt_rng_normals), %.1f GFLOP/s (dgemm 1000^3).\n' \
    "$(awk -v r="$nrate" 'BEGIN { print r / 1e6 }')" "$grate"
echo "Load average (1, 5, 15 min) $load0 at the start, $load1 at the end (2 cores, shared)."
echo
echo "| benchmark | simulation, one thread, CPU (best of $R) | floor: normals + dense flops (+ measured eigenvalue step) | time / floor | sltsim's speed-up over the references (their section) |"
echo "|---|---|---|---|---|"
row "ridgeless sweep (gamma = 0.1:5:40, n = 200, 50 trials)" "$ridge" "$fl_ridge" "$(refs ridgeless '### Ridgeless')"
row "ridgeless sweep, against the floor of the cheapest route known (factor updates; see below)" "$ridge" "$fl_ridge_min" "(as above)"
row "gd-dynamics, spectral sampler (default; 100 trials)" "$gds" "$fl_gds" "$(refs gd_dynamics '### Gradient-flow')"
row "gd-dynamics, literal sampler" "$gdl" "$fl_gdl" "(numpy does the same work: see its section)"
row "rf (psi1 = 0.1:10:20:log, d = 200, 20 trials)" "$rf" "$fl_rf" "$(refs rf '### Random features')"
row "sgd, ASGD Monte Carlo (d = 200, N = 2000, 1000 trials)" "$sgd" "$fl_sgd" "$(refs sgd '### sgd')"
row "sensitivity (defaults, RF tanh, 5 trials)" "$sens" "$fl_sens" "$(refs sensitivity '### Sensitivity')"
cat <<EOT

Simulation time = the run's CPU time less that of the same run with \`--trials 0\` (theory, start-up).
The floor counts the random numbers and the dense flops the algorithm cannot avoid (bench/floors.sh
lists them), every flop at the rate of a large dgemm; it leaves out the rest (pivoting, activations,
exponentials, memory traffic). The ridgeless row counts a fresh Cholesky factorisation per point
(32 of order 200 per trial), as sltsim does: its left-looking blocked Cholesky runs at about 0.8 of
the dgemm rate at order 200 (OpenBLAS's dpotrf about 0.45), with the two forward solves carried
through it as extra rows. Routes with fewer flops exist: updating the previous factor with each
point's 25 new columns (about 2 n^2 k = 2.0e6 flops a point against 3.7e6) and one factorisation
for all p <= n at lambda = 0 (leading blocks): the second ridgeless row counts those. sltsim does
not take that route: the update (LAPACK dtpqrt) needs fewer flops but measured no faster.
The speed-ups over the references are those of the benchmarks' own sections (CPU time, user +
system of all threads, where the section gives it; wall time with all cores), in this run if they
were run in it, else as committed (date shown).
moons and masked-sc have no row: their work (two-input layers, greedy OMP, Adam) is elementwise or
level-2, neither dgemm-shaped nor bound by random numbers, so this floor says nothing about them.

The spectral gd-dynamics sampler does not draw the data: per trial it needs 2N + P normals, 2m - 1
chi-squared variates and the eigenvalues of an m x m bidiagonal (O(m^2), m = min(N, P)). That last
step cannot run at a dgemm rate (each inner step of dsterf's root-free QR, or of dqds, waits on a
division), so its floor counts it at the measured time of the faster LAPACK route on bidiagonals of
the benchmark's sizes (per call, before the runs: $(awk '{ printf "%s%s", (NR > 1 ? "; " : ""), $0 }' bench/out/floors_eig0.txt);
after them: $(awk '{ printf "%s%s", (NR > 1 ? "; " : ""), $0 }' bench/out/floors_eig1.txt)).
This is the cost of the best available implementation, not a hardware bound; a solver interleaving
several trials' bidiagonals could go below it. Against the literal sampler's floor (data, Gram
matrix and tridiagonal reduction at the dgemm rate) the spectral sampler takes
$(awk -v a="$(floor "$fl_gdl")" -v b="$gds" 'BEGIN { printf "%.2f", b / a }')x: it does less than any literal method could.
EOT
} | section floors
