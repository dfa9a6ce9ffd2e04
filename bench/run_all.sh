#!/bin/sh
# Runs every benchmark (bench/ridgeless.sh, bench/gd_dynamics.sh, bench/rf.sh, bench/sensitivity.sh,
# bench/sgd.sh, bench/moons.sh, bench/floors.sh, bench/normals.sh; rf with the feature-map throughput of bench/rf_throughput; minutes in all) and
# writes bench/RESULTS.md from the sections they leave in bench/out/*.md (with any other section
# there, such as bench/masked_sc.sh's, which takes ~15 minutes and is run on its own).
# Usage: bench/run_all.sh [REPEATS]   (after building; REPEATS as in each script, default 3; moons
#        runs MOONS_REPEATS times, default 1)
#        bench/run_all.sh --assemble  (only write bench/RESULTS.md from bench/out/*.md)
set -e
cd "$(dirname "$0")/.."
order="ridgeless gd_dynamics rf sensitivity sgd moons floors normals"
mkdir -p bench/out
if [ "$1" != --assemble ]; then
    # moons takes ~8 minutes a repeat (numpy and PyTorch for minutes each): once unless MOONS_REPEATS
    for b in $order; do
        if [ "$b" = moons ]; then sh bench/moons.sh "${MOONS_REPEATS:-1}"; else sh "bench/$b.sh" "$@"; fi
    done
fi
{
    echo "# Benchmarks"
    echo
    echo "Each section is written by a script in bench/ (its output in bench/out/), on the development machine."
    echo "bench/run_all.sh runs them all and puts this file together."
    # the sections in the order above, then any others
    for f in $order $(ls bench/out/*.md 2>/dev/null | sed 's|.*/||; s|\.md$||'); do
        case " $seen " in *" $f "*) continue ;; esac
        seen="$seen $f"
        if [ -f "bench/out/$f.md" ]; then echo; cat "bench/out/$f.md"; fi
    done
} > bench/out/RESULTS.tmp
mv bench/out/RESULTS.tmp bench/RESULTS.md
echo "bench/RESULTS.md: $(grep -c '^### ' bench/RESULTS.md) sections"
