#!/bin/sh
# --resume (TAP): a run killed by SIGINT, SIGTERM or SIGKILL at pseudo-random moments (fixed seed)
# and resumed gives the uninterrupted run's file byte for byte; refusals (another run's file,
# nothing to resume) exit 2 with one line and leave FILE.partial as it was; a full disk is exit 1;
# rows whose theory failed before the interruption are reported by the resumed run (exit 1).
. "${SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
one_line() { [ "$(wc -l < "$1")" -eq 1 ] && grep -q '^sltsim: ' "$1"; }

# 60 batches of one point each: rows finish one by one, in a second or two
RUN="run ridge n=20:200:60 gamma=2 --trials 30"
# shellcheck disable=SC2086
$S $RUN -o "$T/r.csv" 2> "$T/err"; ok $? "the uninterrupted run ($(cat "$T/err"))"
mv "$T/r.csv" "$T/ref.csv"

# kill_at SIG ROWS PAUSE: start the run, wait for ROWS finished rows and PAUSE seconds, send SIG;
# sets st (exit status)
kill_at() {
    rm -f "$T/r.csv" "$T/r.csv.partial"
    # shellcheck disable=SC2086
    $S $RUN --threads 2 -o "$T/r.csv" 2> "$T/err" &
    pid=$!
    wait_rows "$T/r.csv.partial" "$2"
    sleep "$3"
    kill -"$1" $pid
    wait $pid; st=$?
}

# pseudo-random moments: a row count among the first 26, then up to 0.2 s more
moments=$(awk 'BEGIN { srand(14); for (i = 0; i < 6; i++) printf "%d:%.2f ", 2 + int(24 * rand()), 0.2 * rand() }')
k=0
for m in $moments; do
    k=$((k + 1))
    sig=$(echo "INT TERM KILL INT TERM KILL" | cut -d' ' -f$k)
    kill_at $sig "${m%:*}" "${m#*:}"
    if [ $st -eq 0 ]; then # finished before the signal: nothing to resume, the file complete
        cmp -s "$T/r.csv" "$T/ref.csv"; ok $? "SIG$sig after ${m%:*} rows: finished first, the same file"
        continue
    fi
    want=130; [ $sig = KILL ] && want=137
    rows=$(grep -vc '^#' "$T/r.csv.partial" 2> /dev/null)
    [ $st -eq $want ] && [ ! -e "$T/r.csv" ] && [ "${rows:-0}" -ge 2 ]
    ok $? "SIG$sig after ${m%:*} rows and ${m#*:} s: exit $st, $rows lines kept in FILE.partial"
    # shellcheck disable=SC2086
    $S $RUN --threads 1 -o "$T/r.csv" --resume 2> "$T/err"; st=$?
    [ $st -eq 0 ] && [ ! -s "$T/err" ] && cmp -s "$T/r.csv" "$T/ref.csv" && [ ! -e "$T/r.csv.partial" ]
    ok $? "SIG$sig: --resume (another --threads) gives the uninterrupted file byte for byte (exit $st $(cat "$T/err"))"
done

# a resumed run interrupted in turn, then resumed again
kill_at INT 5 0
# shellcheck disable=SC2086
$S $RUN --threads 2 -o "$T/r.csv" --resume 2> "$T/err" &
# (after a few more rows: a signal before sltsim has set up its handlers would just end it)
more=$(($(grep -vc '^#' "$T/r.csv.partial") + 3))
pid=$!; wait_rows "$T/r.csv.partial" $more; kill -TERM $pid; wait $pid; st1=$?
# shellcheck disable=SC2086
$S $RUN -o "$T/r.csv" --resume 2> "$T/err"; st=$?
[ $st -eq 0 ] && { [ $st1 -eq 130 ] || [ $st1 -eq 0 ]; } && cmp -s "$T/r.csv" "$T/ref.csv"
ok $? "interrupted twice, resumed twice: the same file (exits $st1, $st)"

# a partial file cut in the middle of a row (a SIGKILL during a write), and a complete one
head -c 3000 "$T/ref.csv" > "$T/r.csv.partial"; rm -f "$T/r.csv"
# shellcheck disable=SC2086
$S $RUN -o "$T/r.csv" --resume 2> "$T/err"; st=$?
[ $st -eq 0 ] && cmp -s "$T/r.csv" "$T/ref.csv"; ok $? "a cut last row is computed again (exit $st $(cat "$T/err"))"
cp "$T/ref.csv" "$T/r.csv.partial"; rm -f "$T/r.csv"
# shellcheck disable=SC2086
$S $RUN -o "$T/r.csv" --resume 2> "$T/err"; st=$?
[ $st -eq 0 ] && cmp -s "$T/r.csv" "$T/ref.csv"; ok $? "every row already there: renamed into place (exit $st)"

# refusals: exit 2, one line, FILE.partial unchanged, FILE not created
head -c 3000 "$T/ref.csv" > "$T/keep"
refuse() { # refuse WANT ARGS...
    want=$1; shift
    cp "$T/keep" "$T/r.csv.partial"; rm -f "$T/r.csv"
    $S "$@" 2> "$T/err"; st=$?
    [ $st -eq 2 ] && one_line "$T/err" && grep -q "$want" "$T/err" && cmp -s "$T/keep" "$T/r.csv.partial" &&
        [ ! -e "$T/r.csv" ]
    ok $? "refused: $* (exit $st: $(cat "$T/err"))"
}
# shellcheck disable=SC2086
refuse "not from this run (its line 2 has .*--seed 2" $RUN --seed 2 -o "$T/r.csv" --resume
refuse "not from this run" run ridge n=20:200:60 gamma=3 --trials 30 -o "$T/r.csv" --resume
refuse "not from this run" run rf -o "$T/r.csv" --resume
# shellcheck disable=SC2086
refuse "needs -o FILE" $RUN --resume
# shellcheck disable=SC2086
refuse "no .*other.csv.partial to resume" $RUN -o "$T/other.csv" --resume
sed '0,/^2,0,1,0.25,0,20,/s//2,0,1,0.25,0,21,/' "$T/ref.csv" | head -c 3000 > "$T/keep"
# shellcheck disable=SC2086
refuse "row [0-9]* is not the row of this grid" $RUN -o "$T/r.csv" --resume
printf '# sltsim 0.1.0, exp' > "$T/keep"
# shellcheck disable=SC2086
refuse "ends before its header is complete" $RUN -o "$T/r.csv" --resume

# one run at a time on a file: a second one is refused while the first holds FILE.partial
rm -f "$T/r.csv" "$T/r.csv.partial"
# shellcheck disable=SC2086
$S $RUN --threads 1 -o "$T/r.csv" 2> /dev/null &
pid=$!; wait_rows "$T/r.csv.partial" 2
# shellcheck disable=SC2086
$S $RUN -o "$T/r.csv" 2> "$T/err"; st=$?
kill -INT $pid; wait $pid
[ $st -eq 2 ] && one_line "$T/err" && grep -q "being written by another sltsim run" "$T/err"
ok $? "a second run on the same -o is refused while the first writes it (exit $st: $(cat "$T/err"))"

# a full disk: exit 1 and one line, never 0
for args in "--trials 2 -o /dev/full" "--trials 0 -o /dev/full" "--trials 2 --plot dumb -o /dev/full"; do
    # shellcheck disable=SC2086
    $S run ridge gamma=0.5,2 n=40 $args > /dev/null 2> "$T/err"; st=$?
    [ $st -eq 1 ] && one_line "$T/err" && grep -q "No space left on device" "$T/err"
    ok $? "full disk, $args: exit 1 ($st: $(cat "$T/err"))"
done
for args in "--trials 2" "--trials 0" "--plot dumb --trials 2"; do
    # shellcheck disable=SC2086
    $S run ridge gamma=0.5,2 n=40 $args > /dev/full 2> "$T/err"; st=$?
    [ $st -eq 1 ] && one_line "$T/err" && grep -q "No space left on device" "$T/err"
    ok $? "full disk, $args > /dev/full: exit 1 ($st: $(cat "$T/err"))"
done
$S describe ridge > /dev/full 2> "$T/err"; st=$?
[ $st -eq 1 ] && one_line "$T/err"; ok $? "full disk, describe > /dev/full: exit 1 ($st: $(cat "$T/err"))"

# cut_resume N ARGS...: the run's complete file cut to its provenance and first N rows as
# FILE.partial, then resumed; sets st, and $T/c.err; the file must equal the complete one
cut_resume() {
    _keep=$1; shift
    rm -f "$T/c.csv" "$T/c.csv.partial"
    $S run "$@" -o "$T/c.csv" 2> /dev/null
    mv "$T/c.csv" "$T/cfull.csv"
    awk -v k="$_keep" '/^#/ || h == 0 { print; if (!/^#/) h = 1; next } ++r <= k' "$T/cfull.csv" > "$T/c.csv.partial"
    $S run "$@" -o "$T/c.csv" --resume 2> "$T/c.err"; st=$?
    cmp -s "$T/c.csv" "$T/cfull.csv"
}
# quantile columns (NAME_med, NAME_q1, NAME_q3) count three fields each in a resumed row
cut_resume 1 nce R=1,2 T=2000 --trials 2; ok $? "nce (quantile columns) resumed: the same file (exit $st: $(cat "$T/c.err"))"
# rows whose theory failed before the interruption are reported again and exit 1 (a genuine
# failing point, see tests/test_extreme_points.sh): rows 1-2 written, 3-4 computed
FAIL="starvation s1=1e-12,2 s2=100 lambda=1e-12 t=0,1 eta=1e-6 --trials 2"
# shellcheck disable=SC2086
cut_resume 2 $FAIL; same=$?
[ $same -eq 0 ] && [ $st -eq 1 ] && [ "$(grep -c '^sltsim: starvation: theory failed at .* (row [12]; ' "$T/c.err")" -eq 2 ] &&
    [ "$(grep -c '' "$T/c.err")" -eq 2 ]
ok $? "failing rows written before a resume: reported again, exit 1, the same file ($st: $(cat "$T/c.err"))"
# shellcheck disable=SC2086
cut_resume 1 $FAIL; same=$?
[ $same -eq 0 ] && [ $st -eq 1 ] && [ "$(grep -c '^sltsim: ' "$T/c.err")" -eq 2 ]
ok $? "a failing row on each side of the cut: each reported once ($st: $(cat "$T/c.err"))"
echo "1..$n"
