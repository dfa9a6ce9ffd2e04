#!/bin/sh
# Runs every benchmark (bench/ridgeless.sh, bench/gd_dynamics.sh, bench/rf.sh, bench/floors.sh,
# bench/normals.sh; rf with the feature-map throughput of bench/rf_throughput; minutes in all) and
# writes bench/RESULTS.md from the sections they leave in bench/out/*.md.
# Usage: bench/run_all.sh [REPEATS]   (after building; REPEATS as in each script, default 3)
#        bench/run_all.sh --assemble  (only write bench/RESULTS.md from bench/out/*.md)
set -e
cd "$(dirname "$0")/.."
order="ridgeless gd_dynamics rf sensitivity moons floors normals"
mkdir -p bench/out
if [ "$1" != --assemble ]; then
    for b in $order; do sh "bench/$b.sh" "$@"; done
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
