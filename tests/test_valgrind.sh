#!/bin/sh
# valgrind memcheck (TAP) on the C tests that run in seconds (the Monte Carlo ones would take
# tens of minutes under valgrind; test_sanitize.sh covers them with ASan) and on a sample of
# CLI runs of every experiment, plots included. Any invalid access, use of an uninitialised
# value or definite leak fails the check.
S=${SLTSIM:-./sltsim}
B=$(dirname "$S")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite"
check() {
    what=$1; shift
    n=$((n + 1))
    $VG "$@" > "$T/out" 2> "$T/err"; st=$?
    if [ $st -ne 99 ] && ! grep -q '^not ok' "$T/out"; then echo "ok $n - memcheck clean: $what"
    else echo "not ok $n - memcheck: $what (exit $st)"; head -30 "$T/err" | sed 's/^/# /'; fi
}
for t in test_mp test_ridge test_advani_saxe test_activation test_mei_montanari test_structured test_figure test_engine_rows; do
    [ -x "$B/tests/$t" ] && check "$t" "$B/tests/$t"
done
for e in $($S list | awk '{print $1}'); do
    check "describe $e" "$S" describe "$e"
done
check "run ridge" "$S" run ridge gamma=0.5,2 n=20 --trials 2 --threads 2 -o "$T/r.csv"
check "plot ridge" "$S" plot "$T/r.csv" -o "$T/r.png"
check "run gd-dynamics" "$S" run gd-dynamics alpha=0.5,2 N=20 t=0.1:10:5:log --trials 2 -o "$T/g.csv"
check "run rf" "$S" run rf psi1=0.5,2 d=16 ntest=50 --trials 2 -o "$T/f.csv"
check "run mp" "$S" run mp alpha=0.5 N=20 x=0:3:10 --trials 2 -o "$T/m.csv"
check "run early-stopping" "$S" run early-stopping alpha=0.5,2 N=20 --trials 2 -o "$T/e.csv"
check "a refused value" "$S" run ridge gamma=-1
echo "1..$n"
