#!/bin/sh
# Opt-in check (`make check-extremes`, minutes): every numeric parameter of every experiment at
# the ends of its declared range (the bound itself when closed, 1e-12 above 0 or 1e-9 inside
# when open, 1e12 for an infinite upper end), theory only, each judged by `extreme` (tests/tap.sh):
# exit 0 with no 'nan' field, exit 2 with one 'sltsim: ' line, or exit 1 with a 'sltsim: ' line per
# row whose theory failed, within 120 s; never a crash or a hang. The fast checks of chosen extreme
# points with their limits are tests/test_extreme_points.sh. Usage: SLTSIM=./sltsim sh tests/extremes.sh
. "${SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
ends() { # RANGE: the values to try
    lo=$(echo "$1" | sed 's/^[[(]\([^,]*\),.*/\1/'); hi=$(echo "$1" | sed 's/.*, *\([^])]*\)[])].*/\1/')
    case "$1" in "["*) echo "$lo" ;; *) [ "$lo" != -inf ] && awk -v l="$lo" 'BEGIN { printf "%.12g\n", l == 0 ? 1e-12 : l + (l < 0 ? -l : l) * 1e-9 }' ;; esac
    case "$1" in *"]"*) echo "$hi" ;; *) if [ "$hi" = inf ]; then echo 1e12; else awk -v h="$hi" 'BEGIN { printf "%.12g\n", h - (h < 0 ? -h : h) * 1e-9 }'; fi ;; esac
}
for e in $($S list | awk '{print $1}'); do
    $S describe "$e" | awk '/^parameters/ {p = 1; next} /^columns/ {p = 0} p && /^  [a-zA-Z_0-9]+ +default/ && $4 !~ /\|/ {print $1, $4}' > "$T/params"
    while read -r name range; do
        for v in $(ends "$range"); do
            extreme "$e" "$name=$v"
        done
    done < "$T/params"
done
echo "1..$n"
