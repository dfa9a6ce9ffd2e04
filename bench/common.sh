# Shared by the benchmarks bench/*.sh (sourced, not run, from the top of the source tree after the
# script's `cd`; the script sets R, the repeats).
mkdir -p bench/out
# Both sides on the same OpenBLAS kernels: sltsim picks them itself where OpenBLAS misdetects the
# processor (see cli/main.c); numpy and the other programs get the same choice through the environment.
core=$(./sltsim --version | sed -n 's/.*openblas [0-9.]* (\(.*\))/\1/p')
if [ -n "$core" ] && [ -z "$OPENBLAS_CORETYPE" ]; then export OPENBLAS_CORETYPE="$core"; fi

# python_with 'numpy, scipy': the first of $PYTHON3, /usr/bin/python3, python3 that imports those
# modules ($PYTHON3 as it is when none does)
python_with() {
    for p in ${PYTHON3:-} /usr/bin/python3 python3; do
        if $p -c "import $1" 2>/dev/null; then echo "$p"; return; fi
    done
    echo "${PYTHON3:-}"
}

# col NAME [FILE]: field NAME of the data rows of a CSV (FILE, else stdin; header looked up by name)
col() { awk -F, -v c="$1" '/^#/ {next} !h {for (i = 1; i <= NF; i++) if ($i == c) k = i; h = 1; next} {print $k}' ${2:+"$2"}; }
# ratio A B: A / B to one decimal
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
now() { date +%s.%N; }
best() { # best wall time of R runs of "$@", stdout of the last run kept in $OUT, the best CPU time
    b=""; c=""  # (user + system, all threads) in $OUT.cpu
    for i in $(seq "$R"); do
        t0=$(now); /usr/bin/time -o "$OUT.time" -f '%U %S' "$@" > "$OUT" 2>/dev/null; t1=$(now)
        b=$(awk -v a="$t0" -v c="$t1" -v b="$b" 'BEGIN { t = c - a; print (b == "" || t < b) ? t : b }')
        c=$(awk -v c="$c" '{ t = $1 + $2; print (c == "" || t < c) ? t : c }' "$OUT.time")
    done
    echo "$c" > "$OUT.cpu"
    printf '%.3f' "$b"
}
# cpu_line "NAME FILE" ...: "CPU time (user + system, best of R): NAME s (speed-up), ..." from the
# $OUT.cpu files best() left, the first being sltsim's
cpu_line() {
    printf 'CPU time (user + system, all threads, best of %s):' "$R"
    first=""
    for x in "$@"; do
        f=${x##* }; c=$(cat "$f.cpu")
        if [ -z "$first" ]; then first=$c; printf ' %s %.2f s' "${x% *}" "$c"
        else printf '; %s %.2f s (%.1fx)' "${x% *}" "$c" "$(awk -v a="$c" -v b="$first" 'BEGIN { print a / b }')"; fi
    done
    echo "."
}

# --- the markdown of a section: a heading naming the machine, a table of wall times, notes
# machine: date, cores, processor and OpenBLAS kernels, for the heading
machine() {
    printf '%s, %s cores, %s, OpenBLAS kernels %s' "$(date -u +%Y-%m-%d)" "$(nproc)" \
        "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" "${OPENBLAS_CORETYPE:-auto}"
}
# table_head COMPARED: the table's head and its first row, sltsim on all cores in $ts seconds;
# COMPARED names the last column (what the other programs' results are compared with)
table_head() {
    printf '| program | wall time (best of %s) | sltsim speed-up | %s |\n|---|---|---|---|\n' "$R" "$1"
    printf '| sltsim %s (all cores) | %s s | 1 | |\n' "$(./sltsim --version | head -1 | cut -d' ' -f2)" "$ts"
}
# table_row PROGRAM SECONDS COMPARISON: a row, with the speed-up of sltsim ($ts seconds) over PROGRAM
table_row() {
    printf '| %s | %s s | %sx | %s |\n' "$1" "$2" "$(awk -v a="$2" -v b="$ts" 'BEGIN { printf "%.1f", a / b }')" "$3"
}
# section NAME: the markdown on stdin to bench/out/NAME.md (bench/run_all.sh puts the sections
# together in bench/RESULTS.md), and shown
section() {
    cat > "bench/out/$1.md"
    cat "bench/out/$1.md"
}

# sens_counts T: "normals flops" that T trials of the default sensitivity sweep cannot avoid (RF tanh,
# d = 200, N = 80, 160, 240, k = 1000 ... 40000): X, Y, z and W drawn; X W (2 Nmax d kmax), the Gram
# of the features (Nmax^2 kmax, symmetric half), W'z (2 d kmax), and per point (N, k) the solve
# (N^3/3 + 2 N^2) and the gradient (2 N k + 2 d k); tanh not counted. One formula for
# bench/sensitivity.sh and bench/floors.sh.
sens_counts() {
    awk -v T="$1" 'BEGIN { d = 200; Nm = 240; km = 40000; split("80 160 240", Ns, " "); split("1000 4000 16000 40000", ks, " ")
        f = 2 * Nm * d * km + Nm^2 * km + 2 * d * km
        for (i = 1; i <= 3; i++) for (j = 1; j <= 4; j++) { N = Ns[i]; k = ks[j]; f += N^3 / 3 + 2 * N^2 + 2 * N * k + 2 * d * k }
        print T * (Nm * d + Nm + d + d * km), T * f }'
}
