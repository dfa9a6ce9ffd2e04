# TAP helpers shared by the shell tests (sourced, not run): tests/test_cli.sh, tests/test_as_cli.sh,
# tests/test_rf_cli.sh. Each script sources it with
#   . "${SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
# (SRCDIR comes from TESTS_ENVIRONMENT in Makefile.am; by hand, from the top of the tree:
# SLTSIM=./sltsim sh tests/test_cli.sh) and ends with: echo "1..$n".
# Sets S (the binary: $SLTSIM, else ./sltsim), T (a scratch directory, removed on exit), n (checks so far).
S=${SLTSIM:-./sltsim}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0

# ok STATUS MESSAGE: one check, passed when STATUS is 0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
# is GOT WANT MESSAGE: GOT and WANT the same string
is() { [ "$1" = "$2" ]; ok $? "$3 (got '$1', want '$2')"; }
# near GOT WANT TOL MESSAGE: |GOT - WANT| <= TOL
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; exit !(a != "" && (d < 0 ? -d : d) <= t) }'; ok $? "$4 (got '$1', want $2 +- $3)"; }
# col NAME: field NAME of the data rows of a CSV on stdin (header looked up by name), one per line
col() { awk -F, -v c="$1" '/^#/ {next} !h {for (i = 1; i <= NF; i++) if ($i == c) k = i; h = 1; next} {print $k}'; }
# is_png FILE: FILE starts with the PNG signature
is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; }

# same_threads "K1 K2 ..." ARGS...: runs "sltsim ARGS --threads K" for each K (the first one 1), the
# output without its '# command' line in $T/thK; status 0 when all are byte-identical
same_threads() {
    _ks=$1; shift; _st=0
    for _k in $_ks; do
        $S "$@" --threads "$_k" | grep -v '^# command' > "$T/th$_k"
        cmp -s "$T/th1" "$T/th$_k" || _st=1
    done
    return $_st
}

# bad WANT ARGS...: "sltsim ARGS -o FILE" is refused: exit 2, nothing on stdout, FILE not written and
# one line on stderr matching "^sltsim: ${BAD_AT}WANT"; BAD_AT is '.*' (WANT anywhere in the
# message); a script sets BAD_AT= after sourcing this file for messages that start with WANT
BAD_AT='.*'
bad() {
    want=$1; shift
    rm -f "$T/bad.csv"
    $S "$@" -o "$T/bad.csv" > "$T/out" 2> "$T/err"
    st=$?
    lines=$(wc -l < "$T/err")
    [ $st -eq 2 ] && [ "$lines" -eq 1 ] && grep -q "^sltsim: $BAD_AT$want" "$T/err" && [ ! -e "$T/bad.csv" ] && [ ! -s "$T/out" ]
    ok $? "refused: $* (exit $st: $(cat "$T/err"))"
}

# wait_rows PATTERN N: wait (up to 60 s) until a file matching PATTERN (a run's FILE.partial)
# holds N lines that are not provenance; status 0 when it does
wait_rows() {
    _w=0
    while [ $_w -lt 600 ]; do
        for _f in $1; do [ -f "$_f" ] && [ "$(grep -vc '^#' "$_f")" -ge "$2" ] && return 0; done
        sleep 0.1; _w=$((_w + 1))
    done
    return 1
}

# extreme ARGS...: "sltsim run ARGS --trials 0" at an extreme point (issue 14, item 5) ends within
# EXTREME_TIMEOUT (default 120) seconds in one of: exit 0, silent, no nan field; exit 2 (refused)
# with one 'sltsim: ' line; exit 1 (rows whose theory failed: their fields empty) with only
# 'sltsim: ' lines and no nan field. Never a crash or a hang. Leaves the table in $T/x.csv and the
# status in $xst for checks of the values.
extreme() {
    timeout "${EXTREME_TIMEOUT:-120}" "$S" run "$@" --trials 0 > "$T/x.csv" 2> "$T/x.err"; xst=$?
    _nan=$(grep -v '^#' "$T/x.csv" | grep -c nan)
    _lines=$(grep -c '' "$T/x.err"); _other=$(grep -vc '^sltsim: ' "$T/x.err")
    { [ $xst -eq 0 ] && [ "$_nan" -eq 0 ] && [ "$_lines" -eq 0 ]; } ||
        { [ $xst -eq 2 ] && [ "$_lines" -eq 1 ] && [ "$_other" -eq 0 ]; } ||
        { [ $xst -eq 1 ] && [ "$_lines" -ge 1 ] && [ "$_other" -eq 0 ] && [ "$_nan" -eq 0 ]; }
    ok $? "$* (exit $xst$(head -c 200 "$T/x.err" | tr '\n' ' ' | sed 's/^./: &/'))"
}
