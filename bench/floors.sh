#!/bin/sh
# Benchmark (not a test): each benchmark's one-thread time against its floor on this machine.
# Floor = random numbers needed / the measured normal rate + unavoidable dense flops / the measured
# one-thread dgemm rate (bench/floor_rates: slt_rng_normals and a 1000^3 dgemm, CPU time). Times
# are CPU seconds (user + system, best of R) with --threads 1: the other sections report wall
# times, which a shared machine inflates; CPU time is what the floor predicts.
# Counts per trial (n, p, N, P, m = min of the two sides, as in each benchmark):
#  ridgeless: normals n pmax + pmax + n; flops: Gram n m0^2 (m0 = largest p <= n) and the rank
#    updates n^2 (pmax - n), then per point a Cholesky m^3/3, two solves 4 m^2, X^T [u eps] 4 n p
#    and u = X beta 2 n p.
#  gd-dynamics: literal: normals P N + 2 N + P; flops: Gram m^2 max(N, P) and the tridiagonal
#    reduction 4/3 m^3 (the least any dense eigenvalue method does). spectral: normals 2 N + P and
#    2m - 1 chi-squared variates (counted as 2 normals each); no dense flops: its remaining work,
#    the O(m^2) bidiagonal eigenvalues (dsterf) and 2 exponentials per mode and time, is not
#    dgemm-shaped, so this floor is a lower bound it cannot approach.
#  rf (exact test error, the default): normals d (Nmax + n + 1) + n; flops: features 2 n Nmax d,
#    kernel Nmax^2 d (the symmetric half of Theta Theta'), Gram n m0^2 and n^2 (Nmax - n), per point
#    m^3/3 + 4 m^2 + 4 N n (+ 4 N n if N > n) + 2 N^2 (the quadratic form, 2 label parts); the
#    kernel's table evaluations (Nmax^2/2) are not flops and are left out.
# Writes bench/out/floors.md. Usage: bench/floors.sh [REPEATS] (from anywhere, after building)
set -e
cd "$(dirname "$0")/.."
R=${1:-3}
. bench/common.sh
make -s bench/floor_rates
rates=$(./bench/floor_rates)
nrate=${rates% *}; grate=${rates#* }
cpu() { # best CPU time (user + system) of R runs of "$@"
    b=""
    for i in $(seq "$R"); do
        /usr/bin/time -o bench/out/floors.time -f '%U %S' "$@" > /dev/null 2>&1
        t=$(awk '{ print $1 + $2 }' bench/out/floors.time)
        b=$(awk -v a="$t" -v b="$b" 'BEGIN { print (b == "" || a < b) ? a : b }')
    done
    echo "$b"
}
# each run minus the same run with --trials 0 (theory columns, start-up): the simulation's time
sim() {
    a=$(cpu "$@" --threads 1); b=$(cpu "$@" --threads 1 --trials 0)
    awk -v a="$a" -v b="$b" 'BEGIN { print a - b }'
}
ridge=$(sim ./sltsim run ridge gamma=0.1:5:40 n=200 r2=1 sigma2=0.25 --trials 50 --quiet)
gds=$(sim ./sltsim run gd-dynamics alpha=0.5,1,2 snr=4 t=0.01:1000:50:log N=400 --trials 100 --quiet)
gdl=$(sim ./sltsim run gd-dynamics alpha=0.5,1,2 snr=4 t=0.01:1000:50:log N=400 --trials 100 --quiet sampler=literal)
rf=$(sim ./sltsim run rf psi1=0.1:10:20:log psi2=3 d=200 lambda=1e-3 tau2=0.25 --trials 20 --quiet)
# floors: "normals flops" of a whole run
fl_ridge=$(awk 'BEGIN { n = 200; pm = 1000; T = 50; m0 = 0
    for (i = 0; i < 40; i++) { p = int((0.1 + 4.9 * i / 39) * n + 0.5); if (p <= n && p > m0) m0 = p
        m = p < n ? p : n; f += m^3 / 3 + 4 * m^2 + 6 * n * p }
    f += n * m0^2 + n^2 * (pm - n); print T * (n * pm + pm + n), T * f }')
fl_gd() { awk -v lit="$1" 'BEGIN { N = 400; T = 100; split("0.5 1 2", al, " ")
    for (k = 1; k <= 3; k++) { P = int(al[k] * N + 0.5); m = P < N ? P : N; M = P < N ? N : P
        if (lit) { g += P * N + 2 * N + P; f += m^2 * M + 4 / 3 * m^3 } else g += 2 * N + P + 2 * (2 * m - 1) }
    print T * g, T * f }'; }
fl_gdl=$(fl_gd 1); fl_gds=$(fl_gd 0)
fl_rf=$(awk 'BEGIN { d = 200; n = 600; T = 20; Nm = 0; m0 = 0
    for (i = 0; i < 20; i++) { N = int(0.1 * 100^(i / 19) * d + 0.5); Nv[i] = N; if (N > Nm) Nm = N; if (N <= n && N > m0) m0 = N }
    for (i = 0; i < 20; i++) { N = Nv[i]; m = N < n ? N : n; f += m^3 / 3 + 4 * m^2 + 4 * N * n + (N > n ? 4 * N * n : 0) + 2 * N^2 }
    f += 2 * n * Nm * d + Nm^2 * d + n * m0^2 + (Nm > n ? n^2 * (Nm - n) : 0)
    print T * (d * (Nm + n + 1) + n), T * f }')
floor() { echo "$1" | awk -v r="$nrate" -v g="$grate" '{ printf "%.3f", $1 / r + $2 / (g * 1e9) }'; }
row() { # NAME CPU "NORMALS FLOPS"
    f=$(floor "$3")
    echo "$3" | awk -v nm="$1" -v t="$2" -v f="$f" -v r="$nrate" -v g="$grate" \
        '{ printf "| %s | %.3f s | %.3f s (%.3g normals: %.3f s; %.3g flops: %.3f s) | %.1fx |\n", nm, t, f, $1, $1 / r, $2, $2 / (g * 1e9), t / f }'
}
{
echo "### One-thread time against the floor ($(machine))"
echo
printf 'Measured here (one thread, CPU time): %.0f M normals/s (slt_rng_normals), %.1f GFLOP/s (dgemm 1000^3).\n\n' \
    "$(awk -v r="$nrate" 'BEGIN { print r / 1e6 }')" "$grate"
echo "| benchmark | simulation, one thread, CPU (best of $R) | floor: normals + dense flops | time / floor |"
echo "|---|---|---|---|"
row "ridgeless sweep (gamma = 0.1:5:40, n = 200, 50 trials)" "$ridge" "$fl_ridge"
row "gd-dynamics, spectral sampler (default)" "$gds" "$fl_gds"
row "gd-dynamics, literal sampler" "$gdl" "$fl_gdl"
row "rf (psi1 = 0.1:10:20:log, d = 200, 20 trials)" "$rf" "$fl_rf"
cat <<EOT

Simulation time = the run's CPU time less that of the same run with \`--trials 0\` (theory, start-up).
The floor counts the random numbers and the dense flops the algorithm cannot avoid (bench/floors.sh
lists them); it leaves out the rest (pivoting, activations, exponentials, memory traffic). The
spectral gd-dynamics sampler is below the literal sampler's floor by $(awk -v a="$(floor "$fl_gdl")" -v b="$gds" 'BEGIN { printf "%.1f", a / b }')x;
its own floor counts only random numbers: what is left is the O(min(N, P)^2) eigenvalue problem of
the bidiagonal (LAPACK dsterf, about two thirds of its time) and the exponentials of the mode decays.
EOT
} | section floors
