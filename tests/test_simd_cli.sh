#!/bin/sh
# CLI tests (TAP) of SLTSIM_SIMD, the path of the normal generator: tables are byte-identical whatever
# the path (ridge, rf, gd-dynamics with both samplers, a few trials each), and a bad value is refused.
. "${SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"

paths=scalar
for p in avx2 avx512; do
  if SLTSIM_SIMD=$p $S list > /dev/null 2>&1; then paths="$paths $p"; else echo "# $p: not on this processor"; fi
done
k=0
while read -r run; do
  k=$((k + 1))
  unset SLTSIM_SIMD
  $S run $run --quiet > "$T/auto$k.csv"; ok $? "run $run exits 0"
  for p in $paths; do
    SLTSIM_SIMD=$p $S run $run --quiet > "$T/$p$k.csv"
    cmp -s "$T/auto$k.csv" "$T/$p$k.csv"; ok $? "$run: SLTSIM_SIMD=$p gives the same table as the default"
  done
done <<EOT
ridge gamma=0.2:3:6 n=100 --trials 5
rf psi1=0.5:4:4 psi2=3 d=50 --trials 3
gd-dynamics alpha=0.5,2 N=100 t=0.1:100:5:log --trials 3
gd-dynamics alpha=0.5,2 N=100 t=0.1:100:5:log --trials 3 sampler=literal
EOT

SLTSIM_SIMD=avx3 $S list > "$T/out" 2> "$T/err"; st=$?
is "$st" 2 "SLTSIM_SIMD=avx3 exits 2"
[ ! -s "$T/out" ] && [ "$(wc -l < "$T/err")" -eq 1 ] && grep -q '^sltsim: SLTSIM_SIMD=avx3: expected auto, scalar, avx2 or avx512' "$T/err"
ok $? "SLTSIM_SIMD=avx3: one line on stderr naming the choices, nothing on stdout"
SLTSIM_SIMD=auto $S list > /dev/null; ok $? "SLTSIM_SIMD=auto accepted"
echo "1..$n"
