#!/bin/sh
# Safety regression tests (TAP) for the command line and the engine, one or more per item of
# issue 7 they fix: argv never overruns a buffer, preset keys are validated before any work,
# every write is checked, provenance stays one line, every error is one sltsim: line, an existing
# -o file survives failures and kills, inputs are bounded; then an argument fuzz. Uses $SLTSIM.
. "${SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
BAD_AT=
case $S in /*) ;; */*) S=$(pwd)/$S ;; esac # the fuzz runs in a scratch folder

# one_line FILE: FILE holds exactly one line, starting "sltsim: "
one_line() { [ "$(wc -l < "$1")" -eq 1 ] && grep -q '^sltsim: ' "$1"; }
# rows_whole FILE NF: a header row, and every data row complete with NF fields
rows_whole() {
    [ -z "$(tail -c 1 "$1")" ] && awk -F, -v nf="$2" '/^#/ {next} {h++; if (NF != nf) bad = 1} END {exit bad || !h}' "$1"
}

# A small preset, quick to run (two points, theory and one trial).
cat > "$T/small.fig" <<'EOF'
title Small
experiment ridge
args gamma=0.5,2 n=20
trials 1
x gamma
y risk
logy 1
EOF
mkdir "$T/figs"

# --- item 1: repeated -q must not overrun anything (was char *extra[8] in cmd_figure)
set --
i=0; while [ $i -lt 600 ]; do set -- "$@" -q; i=$((i + 1)); done
$S figure "$T/small.fig" -o "$T/figs" --trials 0 "$@" > "$T/out" 2> "$T/err"; st=$?
[ $st -eq 0 ] && [ "$(cat "$T/out")" = "$(printf '%s\n%s' "$T/figs/small.csv" "$T/figs/small.png")" ] && is_png "$T/figs/small.png"
ok $? "item 1: 600 -q does not overflow (exit $st, the two file names printed)"
$S run ridge gamma=0.5,2 n=20 --trials 0 "$@" "$@" "$@" "$@" "$@" "$@" "$@" "$@" > "$T/out" 2> "$T/err"; st=$?
[ $st -eq 0 ] && [ "$(grep -vc '^#' "$T/out")" -eq 3 ]; ok $? "item 1: run with 4800 options (exit $st)"
set --

# --- item 6 (presets): every key checked before any work, refusals name file:line
printf 'precious\n' > "$T/figs/p.csv"; cp "$T/figs/p.csv" "$T/figs/p.orig"
pbad() { # pbad WANT LINE...: a preset with these lines after its first three is refused, nothing written
    want=$1; shift
    { printf 'experiment ridge\nargs gamma=0.5,2 n=20\ntrials 1\n'; for l in "$@"; do printf '%s\n' "$l"; done; } > "$T/p.fig"
    $S figure "$T/p.fig" -o "$T/figs" > "$T/out" 2> "$T/err"; st=$?
    [ $st -eq 2 ] && one_line "$T/err" && grep -q "^sltsim: $want" "$T/err" && [ ! -s "$T/out" ] &&
        cmp -s "$T/figs/p.csv" "$T/figs/p.orig" && [ ! -e "$T/figs/p.png" ]
    ok $? "$3refused before any work: $* (exit $st: $(cat "$T/err"))"
}
pbad "$T/p.fig:4: unknown setting 'foo'" "foo 1"
pbad "$T/p.fig:5: logy: expected 0 or 1" "x gamma" "logy abc"
pbad "$T/p.fig:4: yrange: " "yrange 0:1]; system(\"touch pw\"); #"
pbad "$T/p.fig:4: --x: 'foo' is not a column" "x foo"
pbad "$T/p.fig:4: --y: 'nosuch'" "y nosuch"
pbad "$T/p.fig:5: 'x' given twice (first at line 4)" "x gamma" "x n"
pbad "$T/p.fig:4: title: " "title $(awk 'BEGIN { while (i++ < 300) printf "t" }')"
printf 'experiment nosuch\n' > "$T/p.fig"
$S figure "$T/p.fig" -o "$T/figs" 2> "$T/err"; st=$?
[ $st -eq 2 ] && one_line "$T/err" && grep -q "^sltsim: $T/p.fig:1: unknown experiment 'nosuch'" "$T/err"
ok $? "item 6: unknown experiment named with file:line"

# the 13 shipped presets: still valid (loaded and checked; the theory-only ones quick to run)
for f in "${SRCDIR:-.}"/figures/*.fig; do
    name=$(basename "$f" .fig)
    grep -q '^trials 0$' "$f" || continue
    $S figure "$name" -o "$T/figs" -q > /dev/null 2> "$T/err"; st=$?
    [ $st -eq 0 ] && is_png "$T/figs/$name.png"; ok $? "item 6: preset $name still runs (exit $st)"
done
# every shipped preset passes validation: refused only by a deliberately impossible -o folder
for f in "${SRCDIR:-.}"/figures/*.fig; do
    name=$(basename "$f" .fig)
    $S figure "$name" -o "$T/nosuch/deeper" > /dev/null 2> "$T/err"; st=$?
    [ $st -eq 2 ] && grep -q "^sltsim: -o: cannot make the folder '$T/nosuch/deeper'" "$T/err"
    ok $? "item 6: preset $name valid up to the output folder ($(cat "$T/err"))"
done
$S figure ridgeless -o "$T/made" --trials 0 -q > /dev/null 2> "$T/err"; st=$?
[ $st -eq 0 ] && is_png "$T/made/ridgeless.png"; ok $? "figure -o: a missing folder is made (exit $st: $(cat "$T/err"))"
sed 's/^args .*/args gamma=abc/' "${SRCDIR:-.}/figures/ridgeless.fig" > "$T/badargs.fig"
$S figure "$T/badargs.fig" -o "$T/notmade" > /dev/null 2> "$T/err"; st=$?
[ $st -eq 2 ] && [ ! -e "$T/notmade" ] && grep -q "gamma: not a number" "$T/err"
ok $? "figure -o: a preset refused for its args makes no folder (exit $st: $(cat "$T/err"))"
is "$($S figure list | grep -c '')" "$(ls "${SRCDIR:-.}"/figures/*.fig | grep -c '')" "item 6: figure list shows every preset"
$S figure list | grep -q '^ridgeless  *Ridgeless least squares: double descent (ridge)$'; ok $? "item 6: figure list shows titles"

# --- item 9: plot options of run checked before any work, with or without --plot
printf 'precious\n' > "$T/keep.csv"; cp "$T/keep.csv" "$T/keep.orig"
rbad() { # rbad WANT ARGS...: refused with exit 2 and one line; keep.csv untouched; no figure
    want=$1; shift
    $S "$@" -o "$T/keep.csv" > "$T/out" 2> "$T/err"; st=$?
    [ $st -eq 2 ] && one_line "$T/err" && grep -q "^sltsim: $want" "$T/err" && [ ! -s "$T/out" ] &&
        cmp -s "$T/keep.csv" "$T/keep.orig" && [ ! -e "$T/keep.csv.partial" ] && [ ! -e "$T/p.png" ]
    ok $? "$ITEM: refused: $* (exit $st: $(cat "$T/err"))"
}
ITEM="item 9"
rbad "--x: 'foo'" run ridge gamma=0.5,2 n=20 --trials 1 --x foo
rbad "--y: 'nosuch'" run ridge gamma=0.5,2 n=20 --trials 1 --y nosuch --plot "$T/p.png"
rbad "yrange: " run ridge gamma=0.5,2 n=20 --trials 1 --yrange abc
rbad "--plot: nothing to draw" run ridge gamma=2 n=20 --trials 1 --plot "$T/p.png"

# --- item 15: a value too large is called too large
ITEM="item 15"
rbad "gamma: gamma n = 2e+19 features is too large" run ridge gamma=1e17
rbad "gamma: .*too large" run ridge gamma=1e17 --trials 0

# --- item 11: one line per error, user text escaped, values as typed
ITEM="item 11"
$S bogus > "$T/out" 2> "$T/err"; st=$?
[ $st -eq 2 ] && one_line "$T/err" && [ "$(cat "$T/err")" = "sltsim: unknown command 'bogus' (sltsim --help lists them)" ]
ok $? "item 11: sltsim bogus: one line (exit $st)"
$S > "$T/out" 2> "$T/err"; st=$?
[ $st -eq 2 ] && [ "$(grep -c '^sltsim: ' "$T/err")" -eq 1 ] && [ "$(wc -l < "$T/err")" -le 2 ] && [ ! -s "$T/out" ]
ok $? "item 11: sltsim alone: a short usage and one sltsim: line (exit $st)"
$S describe "$(printf 'ridge\nx')" 2> "$T/err"; st=$?
[ $st -eq 2 ] && one_line "$T/err" && grep -qF "'ridge\\nx'" "$T/err"; ok $? "item 11: a newline in a quoted argument is escaped"
$S run ridge "$(printf 'gamma=1\033[2J')" 2> "$T/err"; st=$?
[ $st -eq 2 ] && one_line "$T/err" && ! grep -q "$(printf '\033')" "$T/err"; ok $? "item 11: no escape sequence reaches the terminal"
rbad "--trials: expected an integer from 0 to 100000000, got '99999999999999999999'" run ridge --trials 99999999999999999999
rbad "--seed: expected an integer .*, got '99999999999999999999'" run ridge --seed 99999999999999999999
$S figure "$T/small.fig" -o "$T/figs" --threads 99999999999999999999 2> "$T/err"; st=$?
[ $st -eq 2 ] && grep -q "got '99999999999999999999'" "$T/err"; ok $? "item 11: figure --threads reported as typed"
printf 'experiment ridge\ntrials 99999999999999999999\n' > "$T/p.fig"
$S figure "$T/p.fig" -o "$T/figs" 2> "$T/err"; st=$?
[ $st -eq 2 ] && grep -q "^sltsim: $T/p.fig:2: trials: .*got '99999999999999999999'" "$T/err"; ok $? "item 11: preset trials reported as typed"

# --- item 8: write errors on every stream are exit 1 with one line
if [ -w /dev/full ]; then
    full() { # full ARGS...: sltsim ARGS > /dev/full fails with exit 1 and one sltsim: line
        $S "$@" > /dev/full 2> "$T/err"; st=$?
        [ $st -eq 1 ] && one_line "$T/err"; ok $? "item 8: > /dev/full: $* (exit $st: $(cat "$T/err"))"
    }
    full list
    full describe ridge
    full --version
    full --help
    full figure list
    full run ridge gamma=0.5,2 n=20 --trials 1
    full run ridge gamma=0.5,2 n=20 --trials 0 -q --plot "$T/p2.png"
    # with a figure drawn, gnuplot's own warnings (LC_ALL=C: "iconv failed") are the plot
    # module's to summarise: here only sltsim's line is counted
    full_plot() {
        $S "$@" > /dev/full 2> "$T/err"; st=$?
        [ $st -eq 1 ] && [ "$(grep -c '^sltsim: ' "$T/err")" -eq 1 ] && grep -q '^sltsim: error writing standard output' "$T/err"
        ok $? "item 8: > /dev/full: $* (exit $st: $(grep '^sltsim: ' "$T/err"))"
    }
    full_plot figure "$T/small.fig" -o "$T/figs" -q
    $S run ridge gamma=0.5,2 n=20 --trials 0 -o "$T/t.csv" 2> /dev/null
    full_plot plot "$T/t.csv" -o "$T/t.png"
    $S run ridge gamma=0.5,2 n=20 --trials 1 -o /dev/full 2> "$T/err"; st=$?
    [ $st -eq 1 ] && one_line "$T/err"; ok $? "item 8: -o /dev/full (exit $st: $(cat "$T/err"))"
fi
# a file that stops growing (ulimit -f; SIGXFSZ ignored so that write fails with EFBIG)
(trap '' XFSZ; ulimit -f 4; exec $S run ridge n=20:400:300 gamma=2 --trials 0 -o "$T/keep.csv") 2> "$T/err"; st=$?
[ $st -eq 1 ] && one_line "$T/err" && grep -q 'keep.csv unchanged, the [0-9]* finished rows are in .*keep.csv.partial' "$T/err" &&
    cmp -s "$T/keep.csv" "$T/keep.orig" && rows_whole "$T/keep.csv.partial" 25
ok $? "item 8/12: a write error mid-run: exit 1, the old file intact, whole rows in FILE.partial ($(cat "$T/err"))"
rm -f "$T/keep.csv.partial"

# --- items 10 and 16: provenance is one line, and the same for any --threads or --quiet
nl_name=$(printf '%s/a\nb.csv' "$T")
$S run ridge gamma=0.5,2 n=20 --trials 1 -o "$nl_name"; st=$?
[ $st -eq 0 ] && [ "$(grep -c '^#' "$nl_name")" -eq 4 ] && grep -qF "# command: sltsim run ridge gamma=0.5,2 n=20 --trials 1 -o \$'$T/a\\nb.csv'" "$nl_name" &&
    [ "$(grep -vc '^#' "$nl_name")" -eq 3 ]
ok $? "item 10: a newline in an argument is escaped in the # command: line"
$S run ridge gamma=0.5,2 n=20 --trials 0 --title "it's \`x\`" -o "$T/q.csv"
grep -qF "# command: sltsim run ridge gamma=0.5,2 n=20 --trials 0 --title 'it'\\''s \`x\`' -o $T/q.csv" "$T/q.csv"
ok $? "item 10: the recorded command is quoted for a shell"
$S run ridge "gamma=$(printf '\n0.5')" --trials 0 > "$T/out" 2> "$T/err"; st=$?
[ $st -eq 2 ] && one_line "$T/err"; ok $? "item 10: a newline inside a value is refused, not copied into # sweep:"
mkdir "$T/d1" "$T/d3"
(cd "$T/d1" && $S run ridge gamma=0.2:4:9 lambda=0,0.1 --trials 7 --threads 1 -o th.csv)
(cd "$T/d3" && $S run ridge gamma=0.2:4:9 lambda=0,0.1 --trials 7 --threads 3 -q -o th.csv)
cmp -s "$T/d1/th.csv" "$T/d3/th.csv"; ok $? "item 16: files byte-identical for --threads 1 and --threads 3 -q"
! grep -q -- '--threads\|--quiet\| -q' "$T/d3/th.csv"; ok $? "item 16: --threads and --quiet not recorded"

# --- item 12: an existing -o file survives everything
ITEM="item 12"
rbad "--trials: 100000000 trials of .* GB of results in memory" run ridge --trials 100000000
mkdir "$T/o" "$T/o/figs"
for o in "$T/o/figs" "$T/o/no/such.csv"; do
    ls -lAR --full-time "$T/o" > "$T/before"
    $S run ridge gamma=1 --trials 0 -o "$o" > "$T/out" 2> "$T/err"; st=$?
    ls -lAR --full-time "$T/o" > "$T/after"
    [ $st -eq 2 ] && one_line "$T/err" && grep -q "^sltsim: -o: " "$T/err" && cmp -s "$T/before" "$T/after"
    ok $? "item 12: -o $o refused before any work (exit $st: $(cat "$T/err"))"
done
# kills at pseudo-random moments (fixed seed): the old file byte for byte; INT/TERM keep whole rows
delays=$(awk 'BEGIN { srand(7); for (i = 0; i < 6; i++) printf "%.2f ", 0.2 + 1.6 * rand() }')
k=0
for d in $delays; do
    sig=$(echo "INT TERM KILL INT TERM KILL" | cut -d' ' -f$((k + 1))); k=$((k + 1))
    rm -f "$T/keep.csv.partial" "$T"/.keep.csv.*.tmp
    $S run ridge n=50:250:100 gamma=2 --trials 200 --threads 2 -o "$T/keep.csv" 2> "$T/err" &
    pid=$!
    sleep "$d"
    kill -"$sig" $pid
    wait $pid; st=$?
    if [ "$sig" = KILL ]; then
        [ $st -eq 137 ] && cmp -s "$T/keep.csv" "$T/keep.orig"
        ok $? "item 12: SIGKILL after ${d}s: the old file intact (the finished rows stay in keep.csv.partial, for --resume)"
    else
        [ $st -eq 130 ] && one_line "$T/err" && cmp -s "$T/keep.csv" "$T/keep.orig" &&
            { [ ! -e "$T/keep.csv.partial" ] || rows_whole "$T/keep.csv.partial" 25; }
        ok $? "item 12: SIG$sig after ${d}s: exit 130 ($st), the old file intact, whole rows kept ($(cat "$T/err"))"
    fi
done
rm -f "$T"/.keep.csv.*.tmp "$T/keep.csv.partial"
$S run ridge n=50:250:100 gamma=2 --trials 200 --threads 1 -o "$T/keep.csv" 2> "$T/err" &
pid=$!; wait_rows "$T/keep.csv.partial" 3; kill -TERM $pid; wait $pid; st=$?
[ $st -eq 130 ] && grep -q 'finished rows are in' "$T/err" && [ "$(grep -vc '^#' "$T/keep.csv.partial")" -ge 3 ] &&
    cmp -s "$T/keep.csv" "$T/keep.orig" && rows_whole "$T/keep.csv.partial" 25
ok $? "item 12: SIGTERM after two rows: FILE.partial holds the finished rows ($(cat "$T/err"))"
ls -A "$T" | grep -q '\.tmp$'; [ $? -ne 0 ]; ok $? "item 12: no temporary file left after INT/TERM"
rm -f "$T/keep.csv.partial"
# SIGTERM twice (Slurm, then mpirun, inside a job) is one request: the units in flight finish;
# a second Ctrl-C (SIGINT) stops at once
for sigs in "TERM TERM" "INT INT"; do
    # a trial of about a second (so a unit is in flight when the signals come)
    $S run masked-sc d=50 p=100 p_learn=400 k=3 n=400 epochs=300 noise=0.2:1:6 --trials 1 --threads 1 \
        -o "$T/keep.csv" 2> "$T/err" &
    pid=$!; wait_rows "$T/keep.csv.partial" 1
    for sig in $sigs; do kill -$sig $pid; sleep 0.2; done
    wait $pid; st=$?
    if [ "$sigs" = "TERM TERM" ]; then
        [ $st -eq 130 ] && grep -q 'finished rows are in' "$T/err" && ! grep -q 'twice' "$T/err"
    else
        [ $st -eq 130 ] && grep -q 'interrupted twice; stopped at once' "$T/err"
    fi
    ok $? "SIG${sigs% *} twice: exit 130 ($st), $( [ "$sigs" = "TERM TERM" ] && echo 'the units in flight finish' || echo 'stopped at once') ($(tr '\n' ' ' < "$T/err"))"
    rows_whole "$T/keep.csv.partial" 39; ok $? "SIG${sigs% *} twice: whole rows in FILE.partial"
    rm -f "$T/keep.csv.partial"
done
# a run that fails for lack of memory mid-run (ulimit -v): exit 1 and a message, the old file intact
# (not against an ASan build, which reserves terabytes of shadow memory at start: test_sanitize.sh
# runs this script with SLTSIM_ASAN set, and this one check is then reported as skipped there)
if [ -n "$SLTSIM_ASAN" ]; then
    n=$((n + 1)); echo "ok $n - item 12: out of memory mid-run # SKIP ulimit -v cannot apply to an ASan build"
else
(ulimit -v 1500000; exec $S run ridge gamma=0.5,2 n=20 --trials 60000000 --threads 1 -o "$T/keep.csv") 2> "$T/err"; st=$?
{ [ $st -eq 1 ] && grep -q 'out of memory' "$T/err" || [ $st -eq 2 ]; } && one_line "$T/err" && cmp -s "$T/keep.csv" "$T/keep.orig"
ok $? "item 12: out of memory mid-run: exit 1 with a message (or 2 if refused up front), the old file intact ($(cat "$T/err"))"
fi
# success replaces the file, keeping its permissions; a symbolic link is written through
chmod 640 "$T/keep.csv"; ln -s keep.csv "$T/link.csv"
$S run ridge gamma=0.5,2 n=20 --trials 0 -o "$T/link.csv"; st=$?
[ $st -eq 0 ] && [ -L "$T/link.csv" ] && [ "$(grep -vc '^#' "$T/keep.csv")" -eq 3 ] && [ "$(stat -c %a "$T/keep.csv")" = 640 ]
ok $? "item 12: success replaces the file through a symbolic link, permissions kept"

# --- items 13 and 14: presets are bounded and never echo a file
ITEM="item 13"
timeout 10 $S figure /dev/zero 2> "$T/err"; st=$?
[ $st -eq 2 ] && one_line "$T/err"; ok $? "item 13: figure /dev/zero refused at once (exit $st: $(cat "$T/err"))"
mkfifo "$T/fifo.fig" && { timeout 10 $S figure "$T/fifo.fig" 2> "$T/err"; st=$?; }
[ $st -eq 2 ] && one_line "$T/err"; ok $? "item 13: a FIFO does not hang (exit $st)"
printf 'root:x:0:0:SECRET-LINE:/root:/bin/bash\nother SECRET2\n' > "$T/secret"
$S figure "$T/secret" 2> "$T/err"; st=$?
[ $st -eq 2 ] && one_line "$T/err" && ! grep -q SECRET "$T/err"; ok $? "item 13: a non-preset file is not echoed ($(cat "$T/err"))"
printf 'experiment ridge\nSECRET_KEY_0123456789_0123456789_0123456789 x\n' > "$T/p.fig"
$S figure "$T/p.fig" 2> "$T/err"; st=$?
[ $st -eq 2 ] && ! grep -q SECRET "$T/err"; ok $? "item 13: a long key is not quoted ($(cat "$T/err"))"
mkdir "$T/dir.fig"
$S figure "$T/dir.fig" 2> "$T/err"; st=$?
[ $st -eq 2 ] && grep -q 'is a folder\|a folder, not a preset' "$T/err"; ok $? "item 14: a folder named x.fig ($(cat "$T/err"))"
awk 'BEGIN { printf "experiment ridge\ntitle "; for (i = 0; i < 5000; i++) printf "a"; printf "\nfoo bar\n" }' > "$T/p.fig"
$S figure "$T/p.fig" 2> "$T/err"; st=$?
[ $st -eq 2 ] && grep -q "p.fig:2: line longer than 4096 bytes" "$T/err"; ok $? "item 14: a long line is an error naming its line, never split"
awk 'BEGIN { printf "experiment ridge\nargs"; for (i = 0; i < 65; i++) printf " gamma=%d", i + 1; printf "\n" }' > "$T/p.fig"
$S figure "$T/p.fig" 2> "$T/err"; st=$?
[ $st -eq 2 ] && grep -q "p.fig:2: args: more than 64" "$T/err"; ok $? "item 14: args beyond 64 tokens are an error"
for bad in "trials abc" "trials 1e9" "trials -1" "trials" "logy abc" "logy" "title" "experiment"; do
    printf 'experiment ridge\nargs gamma=0.5,2\n%s\n' "$bad" > "$T/p.fig"
    $S figure "$T/p.fig" 2> "$T/err"; st=$?
    [ $st -eq 2 ] && one_line "$T/err" && grep -q "p.fig:3: " "$T/err"; ok $? "item 14: '$bad' refused with file:line ($(cat "$T/err"))"
done
printf 'experiment ridge\ntitle a\001b\n' > "$T/p.fig"
$S figure "$T/p.fig" 2> "$T/err"; st=$?
[ $st -eq 2 ] && grep -q "p.fig:2: control character" "$T/err"; ok $? "item 14: control characters refused"
head -c 1100000 /dev/zero | tr '\0' '\n' > "$T/big.fig"
$S figure "$T/big.fig" 2> "$T/err"; st=$?
[ $st -eq 2 ] && grep -q 'larger than 1 MB' "$T/err"; ok $? "item 14: a preset larger than 1 MB refused"
printf 'experiment ridge\r\nargs gamma=0.5,2 n=20\r\ntrials 0\r\nx gamma\r\n' > "$T/crlf.fig"
$S figure "$T/crlf.fig" -o "$T/figs" -q > /dev/null; ok $? "item 14: CRLF line ends accepted"

# --- argument fuzz: a few thousand generated command lines (fixed seed). Exit is always 0, 1 or 2;
# an error is exactly one "sltsim: " line; exit 2 creates or touches no file.
F=$T/fuzz; mkdir "$F" "$F/sub"; cp "$T/small.fig" "$F/small.fig"; printf 'old\n' > "$F/out.csv"
awk -v n="${SLT_FUZZ_N:-2000}" 'BEGIN {
    srand(20261201)
    ncmd = split("run run run run run run run run run run run run describe list figure plot --version help bogus -x", cmd, " ")
    nexp = split("ridge ridge ridge rf gd-dynamics early-stopping mp nosuch RIDGE", ex, " ")
    nas = split("gamma=0.5,2 gamma=0 gamma=1e17 gamma=abc gamma=0.1:2:3 gamma=1:2 gamma=0.1:10:3:log lambda=-1 lambda=0,0.1 " \
        "n=20 n=1 n=20.5 n=20,30 cov=two cov=x align=s1 gama=1 gamma =1 r2=1,2 sigma2=inf gamma=nan gamma=1,,2 " \
        "psi1=1,2 psi2=2 d=16 ntest=50 act=relu act=quad,erf features=sorf alpha=0.5,2 N=20 P=20 t=1,2 x=0:1:3 norm=as " \
        "snr=4 w0var=0 eta=0.1 gamma=1:2:20000000 gamma=0.5,2`touch\\ pw` n=20;touch\\ pw", as, " ")
    nopt = split("--trials --trials --seed --threads -o -o --plot --x --y --yrange --logy --title --ylabel --quiet -q " \
        "--hline --xmark --bogus --out --panels --size", opt, " ")
    val["--trials"] = "0 -1 abc 99999999999999999999 100000000 1e3"
    val["--seed"] = "1 -3 x 99999999999999999999"
    val["--threads"] = "1 2 0 2000 x"
    val["-o"] = "out.csv sub/out.csv nodir/x.csv . sub -"
    val["--out"] = val["-o"]
    val["--plot"] = "p.png x.jpg |touch\\ pw;.png dumb p.svg -p.png"
    val["--x"] = "gamma foo cov n 1x"
    val["--y"] = "risk nosuch risk,bias ,"
    val["--yrange"] = "0:1 abc 1:0 *:2 0:1];system(\"touch\\ pw\");#"
    val["--title"] = "a\\ b `touch\\ pw` it\047s"
    val["--ylabel"] = val["--title"]
    val["--hline"] = "risk foo"
    val["--xmark"] = "lambda_opt foo"
    val["--panels"] = "cov foo"
    val["--size"] = "800,600 1,1 x"
    for (k = 0; k < n; k++) {
        c = cmd[int(rand() * ncmd) + 1]; line = c
        e = ex[int(rand() * nexp) + 1]
        if (c == "run" || c == "describe")
            line = line "\t" e
        if (c == "run") # simulate only where a trial is quick
            line = line "\t--trials\t" (rand() < 0.7 || (e != "ridge" && e != "mp") ? 0 : 1) "\t-q"
        if (c == "figure")
            line = line "\t" (rand() < 0.3 ? "list" : rand() < 0.5 ? "small.fig" : "nosuch") "\t--trials\t0\t-o\tsub"
        if (c == "plot")
            line = line "\t" (rand() < 0.5 ? "out.csv" : "nosuch.csv")
        m = int(rand() * 5)
        for (j = 0; j < m; j++) {
            if (rand() < 0.5) { line = line "\t" as[int(rand() * nas) + 1]; continue }
            o = opt[int(rand() * nopt) + 1]; line = line "\t" o
            if (o in val && rand() < 0.95) { nv = split(val[o], v, " "); line = line "\t" v[int(rand() * nv) + 1] }
        }
        gsub(/\\ /, " ", line) # "a\ b": one argument with a space
        print line
    }
}' > "$T/fuzz.txt"
cd "$F" || exit 1
TAB=$(printf '\t')
fails=$( (
    ulimit -t 60 # no generated line may spin: CPU seconds per sltsim
    fails=0; runs=0; exit2=0
    before=$(ls -lAR --full-time .)
    while IFS= read -r line; do
        runs=$((runs + 1))
        oldifs=$IFS; IFS=$TAB; set -f; set -- $line; set +f; IFS=$oldifs
        $S "$@" > "$T/fout" 2> "$T/ferr" < /dev/null; st=$?
        nl=0; ns=0 # shell builtins only: the fuzz's time is in forks
        while IFS= read -r l; do nl=$((nl + 1)); case $l in "sltsim: "*) ns=$((ns + 1)) ;; esac; done < "$T/ferr"
        case $st in
            0) ;;
            1 | 2) if [ $ns -ne 1 ] || { [ $# -gt 0 ] && [ $nl -ne 1 ]; }; then
                       fails=$((fails + 1)); echo "# fuzz: not one sltsim: line (exit $st): $line" >&2
                   fi ;;
            *) fails=$((fails + 1)); echo "# fuzz: exit $st: $line" >&2 ;;
        esac
        after=$(ls -lAR --full-time .)
        if [ $st -eq 2 ]; then
            exit2=$((exit2 + 1))
            [ "$after" = "$before" ] || { fails=$((fails + 1)); echo "# fuzz: exit 2 touched a file: $line" >&2; }
        fi
        before=$after
    done < "$T/fuzz.txt"
    echo "$fails $runs $exit2"
) )
set -- $fails; fails=$1; runs=$2; exit2=$3
cd - > /dev/null
[ ! -e "$F/pw" ] && [ ! -e pw ]; ok $? "fuzz: no injected command ran"
[ $fails -eq 0 ] && [ $runs -ge 2000 ] && [ $exit2 -ge 500 ]
ok $? "fuzz: $runs command lines ($exit2 refused): exit always 0, 1 or 2, one sltsim: line per error, nothing touched on exit 2 ($fails failures)"
echo "1..$n"
