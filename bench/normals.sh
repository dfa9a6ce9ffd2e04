#!/bin/sh
# Benchmark (not a test): the normal rate of each path of slt_rng_normals (scalar, AVX2, AVX-512;
# bench/normal_rates, one thread, CPU time), the paths timed in turn round after round, each keeping
# its best round, with the load average of the machine while they ran. All paths give the same
# doubles (tests/test_rng_simd); they differ only in speed.
# Writes bench/out/normals.md. Usage: bench/normals.sh [ROUNDS] (default 60: about 7 s of CPU; from
# anywhere, after building)
set -e
cd "$(dirname "$0")/.."
R=${1:-60}
. bench/common.sh
make -s bench/normal_rates
load0=$(cut -d' ' -f1 /proc/loadavg)
# calls of 10^4 normals (the array stays in the second-level cache: the generator alone) and of 10^6
# (8 MB written to memory per call, as when a simulation draws a large matrix)
/usr/bin/time -o bench/out/normals.time -f '%U %S %e' sh -c \
    "./bench/normal_rates $((R * 10)) 10000 > bench/out/normals.small && ./bench/normal_rates $R 1000000 > bench/out/normals.large"
load1=$(cut -d' ' -f1 /proc/loadavg)
rate() { awk -v p="$1" '$1 == p { print $2 }' "bench/out/normals.$2"; }
{
echo "### Normals: the paths of slt_rng_normals, one thread ($(machine))"
echo
echo "| path | M normals/s, calls of 10^4 | vs scalar | M normals/s, calls of 10^6 | vs scalar |"
echo "|---|---|---|---|---|"
for p in scalar avx2 avx512; do
    if [ "$(rate $p small)" = - ]; then echo "| $p | not on this processor | | | |"; continue; fi
    awk -v p="$p" -v a="$(rate $p small)" -v b="$(rate scalar small)" -v c="$(rate $p large)" -v d="$(rate scalar large)" \
        'BEGIN { printf "| %s | %.0f | %.2fx | %.0f | %.2fx |\n", p, a / 1e6, a / b, c / 1e6, c / d }'
done
cat <<EOT

CPU time, the best of $((R * 10)) rounds of 8 calls of 10^4 and of $R rounds of 8 calls of 10^6, the
paths timed in turn in each round; load average $load0 before, $load1 after (2 cores shared with
other work: CPU time is the fair measure); the whole run took $(awk '{ printf "%.1f s user + %.1f s system, %.1f s wall", $1, $2, $3 }' bench/out/normals.time).
Without SLTSIM_SIMD, slt_rng_normals takes the fastest path the processor has (here: $(rate auto small));
SLTSIM_SIMD=scalar|avx2|avx512 forces one. All paths give the same doubles and leave the stream in
the same state (tests/test_rng_simd). They all draw the words of the stream one by one
(xoshiro256++ is sequential, and the stream may not change); the vector paths run the state's steps
apart from its scrambler, evaluate the ziggurat's fast path in vectors and settle the wedge tests of
a block together.
EOT
} | section normals
