#!/bin/sh
# MPI (TAP; run by make check when built --with-mpi): under `mpirun -np K` (K = 1, 2, 3, any
# --threads) sltsim writes the file a single process writes, byte for byte, for ridge, rf (with
# FFTW-structured features) and gd-dynamics (a time axis), and rows whose theory fails (exit 1);
# rank 0 alone speaks and writes; a SIGTERM keeps the finished rows, and --resume under mpirun completes them. Tiny grids.
. "${SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
one_line() { [ "$(wc -l < "$1")" -eq 1 ] && grep -q '^sltsim: ' "$1"; }
MPIRUN=${MPIRUN:-mpirun}
# as root, more ranks than cores, in a container: shared memory only, no single-copy mechanism
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
mpi() { _k=$1; shift; $MPIRUN -q --oversubscribe --allow-run-as-root -np "$_k" "$S" "$@"; }
S=$(cd "$(dirname "$S")" && pwd)/$(basename "$S") # the tests run in their own folders
mkdir "$T/one" "$T/k1" "$T/k2" "$T/k3"

# same_ranks ARGS...: "sltsim run ARGS -o t.csv" alone (--threads 1), then under mpirun -np K
# (--threads K - 1, so 0 threads is never asked); one check per K
same_ranks() {
    (cd "$T/one" && rm -f t.csv && "$S" run "$@" --threads 1 -o t.csv 2> err)
    for k in 1 2 3; do
        (cd "$T/k$k" && rm -f t.csv && mpi $k run "$@" --threads $((k > 1 ? k - 1 : 2)) -o t.csv 2> err)
        st=$?
        [ $st -eq 0 ] && [ -s "$T/one/t.csv" ] && cmp -s "$T/one/t.csv" "$T/k$k/t.csv" && [ ! -s "$T/k$k/err" ]
        ok $? "mpirun -np $k run $*: the single-process file byte for byte (exit $st $(cat "$T/k$k/err"))"
    done
}
same_ranks ridge gamma=0.5:2:4 n=30,40 --trials 6
same_ranks ridge n=20:60:5 gamma=2 lambda=0,0.1 --trials 0
same_ranks rf psi1=0.5,2 psi2=2 d=16 --trials 4
same_ranks rf features=iid,sorf d=16 psi1=0.5,1 --trials 3
same_ranks gd-dynamics alpha=0.5,2 snr=4 t=0.1:100:5:log N=30 --trials 5

# rows whose theory fails (a genuine case, see tests/test_extreme_points.sh): under mpirun the same
# file, the same 'sltsim: ' lines from rank 0 only, and exit 1
FAIL="run starvation s1=1e-12,2 s2=100 lambda=1e-12 t=0,1 eta=1e-6 --trials 2"
(cd "$T/one" && rm -f f.csv && "$S" $FAIL --threads 1 -o f.csv 2> ferr)
for k in 2 3; do
    (cd "$T/k$k" && rm -f f.csv && mpi $k $FAIL --threads 1 -o f.csv 2> ferr); st=$?
    [ $st -eq 1 ] && cmp -s "$T/one/f.csv" "$T/k$k/f.csv" && cmp -s "$T/one/ferr" "$T/k$k/ferr" && [ -s "$T/one/ferr" ]
    ok $? "mpirun -np $k, rows whose theory fails: the same file and messages, exit 1 (exit $st)"
done

# standard output, and the figure drawn by rank 0 only
"$S" run ridge gamma=0.5,2 n=30 --trials 3 --plot dumb > "$T/one/so.txt" 2> "$T/one/so.err"
mpi 3 run ridge gamma=0.5,2 n=30 --trials 3 --plot dumb > "$T/k3/so.txt" 2> "$T/k3/err"; st=$?
[ $st -eq 0 ] && cmp -s "$T/one/so.txt" "$T/k3/so.txt" && [ "$(grep -c '^# sltsim' "$T/k3/so.txt")" -eq 1 ]
ok $? "mpirun -np 3 to standard output with --plot dumb: the table and figure once, the same bytes (exit $st)"

# a figure preset: rank 0 writes its table and figure
printf 'title tiny\nexperiment ridge\nargs gamma=0.5,2 n=30\ntrials 3\nx gamma\n' > "$T/tiny.fig"
(cd "$T/one" && "$S" figure ../tiny.fig -o . --quiet > out)
(cd "$T/k2" && mpi 2 figure ../tiny.fig -o . --quiet > out 2> err); st=$?
[ $st -eq 0 ] && cmp -s "$T/one/tiny.csv" "$T/k2/tiny.csv" && is_png "$T/k2/tiny.png" && cmp -s "$T/one/out" "$T/k2/out"
ok $? "mpirun -np 2 figure FILE.fig: the same table, a PNG, the paths printed once (exit $st $(cat "$T/k2/err"))"

# rank 0 speaks for all: one message, one listing
mpi 3 run ridge gamma=-1 > "$T/out" 2> "$T/err"; st=$?
[ $st -eq 2 ] && one_line "$T/err" && grep -q '^sltsim: gamma: ' "$T/err"
ok $? "mpirun -np 3 with a bad value: exit 2, one line ($st: $(cat "$T/err"))"
n_one=$("$S" list | wc -l); n_mpi=$(mpi 3 list | wc -l)
is "$n_mpi" "$n_one" "mpirun -np 3 list: listed once"

# SIGTERM to every rank (as Slurm does at a time limit): exit 130, whole rows kept; --resume
RUN="run ridge n=20:200:60 gamma=2 --trials 30"
(cd "$T/one" && "$S" $RUN -o r.csv 2> /dev/null)
cd "$T/k3" || exit 1
# shellcheck disable=SC2086
$MPIRUN -q -np 3 "$S" $RUN --threads 1 -o r.csv 2> err & # not through mpi(): $! must be mpirun
pid=$!
wait_rows "r.csv.partial" 5
# shellcheck disable=SC2046
kill -TERM $(ps -o pid= --ppid $pid)
wait $pid; st=$?
rows=$(grep -vc '^#' r.csv.partial 2> /dev/null)
[ $st -eq 130 ] && one_line err && grep -q 'interrupted; .*finished rows are in .*r.csv.partial' err && [ ! -e r.csv ] &&
    [ "${rows:-0}" -ge 5 ] && awk -F, '!/^#/ { if (!nf) nf = NF; else if (NF != nf) exit 1 }' r.csv.partial
ok $? "SIGTERM to the ranks of mpirun -np 3: exit 130 ($st), $rows lines kept whole ($(cat err))"
mpi 2 $RUN --threads 1 -o r.csv --resume 2> err; st=$?
[ $st -eq 0 ] && cmp -s r.csv "$T/one/r.csv" && [ ! -e r.csv.partial ]
ok $? "mpirun -np 2 --resume: the uninterrupted single-process file byte for byte (exit $st $(cat err))"
# SIGTERM to mpirun itself: it passes it on to the ranks; the finished rows are kept (a longer
# run, so that the signal surely arrives before the end; SIGINT is not used because a script's
# background jobs ignore it)
RUN="run ridge n=20:300:100 gamma=2 --trials 60"
(cd "$T/one" && "$S" $RUN -o r2.csv 2> /dev/null)
rm -f r2.csv
# shellcheck disable=SC2086
$MPIRUN -q -np 2 "$S" $RUN --threads 1 -o r2.csv 2> err &
pid=$!
wait_rows "r2.csv.partial" 5
kill -TERM $pid
wait $pid; st=$?
[ $st -ne 0 ] && grep -q '^sltsim: interrupted; .*finished rows are in .*r2.csv.partial' err && [ ! -e r2.csv ]
ok $? "SIGTERM to mpirun: exit $st, finished rows kept ($(grep sltsim err))"
"$S" $RUN -o r2.csv --resume 2> err; st=$?
[ $st -eq 0 ] && cmp -s r2.csv "$T/one/r2.csv"
ok $? "a single process resumes what mpirun left (exit $st $(cat err))"
cd / || exit 1
echo "1..$n"
