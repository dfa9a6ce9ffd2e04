#!/bin/sh
# CLI contract tests (TAP): commands, value grammar, CSV shape, determinism across thread counts,
# bad input refused with exit 2 and one line, interrupts, figures. Uses $SLTSIM (the built binary).
. "${SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"

# --- commands
$S list > "$T/list"; ok $? "list exits 0"
grep -q '^ridge ' "$T/list"; ok $? "list names ridge"
$S describe ridge > "$T/desc"; ok $? "describe ridge exits 0"
grep -q 'gamma' "$T/desc" && grep -q 'arXiv:1903.08560' "$T/desc" && grep -q '|p - n| <= 3' "$T/desc"
ok $? "describe gives parameters, references and the skipped points"
$S --version | grep -q 'gsl .*fftw .*blas openblas'; ok $? "--version names GSL, FFTW and OpenBLAS"
LD_DEBUG=bindings $S run ridge gamma=2 --trials 1 2>&1 >/dev/null | grep "symbol .cblas_dsyrk'" | grep -q libopenblas
ok $? "BLAS calls bind to OpenBLAS, not gslcblas"
$S figure list | grep -q '^ridgeless '; ok $? "figure list shows ridgeless"
$S figure list | grep -q '^ridge-lambda '; ok $? "figure list shows ridge-lambda"

# --- CSV shape
$S run ridge gamma=0.5,2 --trials 3 > "$T/a.csv"; ok $? "run exits 0"
is "$(grep -c '^#' "$T/a.csv")" 4 "four provenance lines"
head -1 "$T/a.csv" | grep -q '^# sltsim [0-9.]*, experiment ridge$'; ok $? "first line names version and experiment"
sed -n 2p "$T/a.csv" | grep -q '^# command: sltsim run ridge gamma=0.5,2 --trials 3$'; ok $? "command line recorded"
sed -n 3p "$T/a.csv" | grep -q '^# seed 1; gsl '; ok $? "seed and libraries recorded"
hdr=$(grep -v '^#' "$T/a.csv" | head -1)
is "$hdr" "gamma,lambda,r2,sigma2,eta2,n,cov,s1,s2,w1,decay,align,risk,bias,variance,risk_finite,lambda_opt,risk_opt,risk_sim,risk_se,bias_sim,bias_se,variance_sim,variance_se,trials" "header: parameters, theory, NAME_sim/NAME_se, trials"
is "$(grep -vc '^#' "$T/a.csv")" 3 "header plus one row per point"
is "$(awk -F, '!/^#/ && NR > 5 {print NF}' "$T/a.csv" | sort -u)" 25 "every row has as many fields as the header"
is "$(awk -F, '!/^#/ && $1 == "2" {print $13}' "$T/a.csv")" 0.75 "theory risk at gamma = 2 (HMRT: 0.75)"
is "$($S run ridge gamma=1 --trials 0 | col lambda_opt)/$($S run ridge gamma=1 --trials 0 | col risk_opt)" \
   "0.25/0.3903882032" "optimal ridge at gamma = 1: lambda* = sigma2 gamma / r2, R = 0.3903882 (linear.md 2.3)"

# --- value grammar
cnt() { $S run ridge "$@" --trials 0 | grep -v '^#' | tail -n +2 | wc -l; }
is "$(cnt gamma=0.5)" 1 "a number"
is "$(cnt gamma=0.5,1.5,2)" 3 "a list"
is "$(cnt gamma=0.1:2:7)" 7 "a linear grid start:stop:count"
is "$(cnt gamma=0.1:10:5:log)" 5 "a log grid"
is "$(cnt gamma=0.5,2 lambda=0:1:3)" 6 "Cartesian product"
is "$(cnt cov=iso,two gamma=2)" 2 "words"
is "$($S run ridge gamma=0.1:10:3:log --trials 0 | awk -F, '!/^#/ && NR > 5 {printf "%s ", $1}')" "0.1 1 10 " "log grid values, ends exact"
is "$($S run ridge lambda=0.1,1 gamma=0.5,2 --trials 0 | awk -F, '!/^#/ && NR > 5 {printf "%s/%s ", $1, $2}')" \
   "0.5/0.1 2/0.1 0.5/1 2/1 " "first parameter given varies slowest"
is "$($S run ridge gamma=1 --trials 0 | awk -F, '!/^#/ && NR > 5 {print $13}')" inf "inf where the mathematics says so"
is "$($S run ridge gamma=1 --trials 5 | awk -F, '!/^#/ && NR > 5 {print $19 "|" $25}')" "|0" "skipped point: empty simulation fields, 0 trials"

# --- determinism across thread counts (same seed, same bytes but the command line)
same_threads "1 2 3" run ridge gamma=0.2:4:9 lambda=0,0.1 --trials 7 --seed 5; ok $? "byte-identical for --threads 1, 2, 3"
$S run ridge gamma=0.2:4:9 lambda=0,0.1 --trials 7 --seed 6 | grep -v '^# command' > "$T/t6"
! cmp -s "$T/th1" "$T/t6"; ok $? "another seed gives other numbers"

# --- bad input: exit 2, one line "sltsim: ..." naming the parameter, nothing written
bad "trials" run ridge --trials -1
bad "trials" run ridge --trials abc
bad "threads" run ridge --threads 0
bad "seed" run ridge --seed -3
bad "unknown experiment" run nosuch
bad "unknown parameter 'gama'" run ridge gama=1
bad "gamma" run ridge gamma=0
bad "gamma" run ridge gamma=-1
bad "lambda" run ridge lambda=-0.1
bad "n" run ridge n=1
bad "n" run ridge n=20.5
bad "gamma" run ridge gamma=nan
bad "lambda" run ridge lambda=inf
bad "gamma" run ridge gamma=0.1:1:0
bad "gamma" run ridge gamma=2:1:5:log
bad "gamma" run ridge gamma=0:1:5:log
bad "gamma" run ridge gamma=1,,2
bad "gamma" run ridge gamma=abc
bad "gamma" run ridge gamma=1:2
bad "gamma" run ridge gamma=1:2:3:lin
bad "cov" run ridge cov=diag
bad "align" run ridge align=s1
bad "given twice" run ridge gamma=1 gamma=2
bad "-o: given twice" run ridge --out "$T/first.csv"
bad "--trials: given twice" run ridge --trials 1 --trials 2
bad "--plot: given twice" run ridge --live --plot "$T/x.png"
bad "--x: given twice" run ridge gamma=1,2 n=50,60 --x gamma --x n
bad "--trials: given twice" figure ridgeless --trials 1 --trials 2
bad "--out: given twice" figure ridgeless -o "$T" --out "$T"
bad "NAME=VALUE" run ridge gamma
bad "n" run ridge n=1000000 gamma=10 --trials 1
bad "plot" run ridge --plot fig.jpg
bad "nothing to draw" run ridge gamma=2 --plot "$T/one.png"
bad "unknown option" run ridge --trails 5
bad "no figure preset" figure nosuch

# --- a missing gnuplot: message, table still written, exit 1
SLTSIM_GNUPLOT=/nonexistent/gnuplot $S run ridge gamma=0.5,2 --trials 0 -o "$T/g.csv" --plot "$T/g.png" 2> "$T/err"
st=$?
[ $st -eq 1 ] && grep -q 'gnuplot-nox' "$T/err" && [ "$(grep -vc '^#' "$T/g.csv")" -eq 3 ]
ok $? "missing gnuplot: exit 1 ($st), Debian package named, table written"

# --- interrupt: exit 130, the rows finished so far written whole to FILE.partial (FILE itself is
# only ever written complete; tests/test_safety.sh checks an existing FILE survives)
$S run ridge n=50:250:100 gamma=2 --trials 200 --threads 1 -o "$T/int.csv" 2>/dev/null &
pid=$!
wait_rows "$T/int.csv.partial" 3
kill -INT $pid
wait $pid
st=$?
rows=$(grep -vc '^#' "$T/int.csv.partial")
[ $st -eq 130 ] && [ ! -e "$T/int.csv" ] && [ "$rows" -ge 2 ] && [ "$rows" -lt 101 ] && awk -F, '!/^#/ {if (NF != 25) exit 1}' "$T/int.csv.partial"
ok $? "SIGINT: exit 130 ($st), $rows lines written whole to FILE.partial"

# --- figures: valid files of each format
$S run ridge gamma=0.2:5:12 r2=1,2 --trials 4 -q -o "$T/f.csv" --plot "$T/f.png"; ok $? "run --plot png exits 0"
is_png "$T/f.png"; ok $? "PNG signature"
$S plot "$T/f.csv" -o "$T/f.svg" > /dev/null && grep -q '<svg' "$T/f.svg" && grep -q '</svg>' "$T/f.svg"; ok $? "plot to SVG"
$S plot "$T/f.csv" -o "$T/f.pdf" > /dev/null && [ "$(head -c 4 "$T/f.pdf")" = "%PDF" ]; ok $? "plot to PDF"
$S plot "$T/f.csv" --plot dumb > "$T/dumb" && grep -q 'gamma' "$T/dumb"; ok $? "plot in the terminal (dumb)"
$S plot "$T/f.csv" --x r2 -o "$T/g2.png" > /dev/null; ok $? "plot --x chooses the axis"
$S plot "$T/f.csv" --y nosuch -o "$T/g3.png" 2> "$T/err" > /dev/null; st=$?
[ $st -eq 2 ] && grep -q "^sltsim: --y: 'nosuch'" "$T/err"; ok $? "plot --y with an unknown quantity: exit 2"
echo "1..$n"
