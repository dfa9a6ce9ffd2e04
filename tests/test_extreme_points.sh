#!/bin/sh
# Extreme points of every experiment, theory only (issue 14, item 5): lambda = 1e-12, gamma = 1e-3
# and 1e3, psi1 = psi2 exactly, t = 1e9, alpha at the threshold, and each experiment's analogous
# ends. Each run is judged by `extreme` (tests/tap.sh: exit 0 without nan, or exit 1/2 with only
# 'sltsim: ' lines; never a crash or a hang), then compared with a known limit where one exists.
# Tolerances are those of the closed forms, not statistics: the limits are exact, and a run at
# lambda = 1e-12 or t = 1e9 differs from its limit by O(lambda) or O(1/t) (relative 1e-9 allowed).
# The sweep of every declared range end is tests/extremes.sh (`make check-extremes`, minutes).
. "${SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
EXTREME_TIMEOUT=60
v() { col "$1" < "$T/x.csv" | sed -n "${2}p"; } # v COLUMN ROW: a value of the last run

# ridge: lambda = 1e-12 against the ridgeless formulas (linear.md 2.1), gamma at 1e-3 and 1e3
extreme ridge gamma=0.5,2 lambda=0,1e-12
near "$(v risk 2)" "$(v risk 1)" 1e-9 "ridge gamma=0.5: lambda=1e-12 vs ridgeless"
near "$(v risk 1)" 0.25 1e-12 "ridge gamma=0.5 ridgeless closed form s2 g/(1-g)"
near "$(v risk 4)" "$(v risk 3)" 1e-9 "ridge gamma=2: lambda=1e-12 vs ridgeless r2(1-1/g)+s2/(g-1) = 0.75"
near "$(v risk 3)" 0.75 1e-12 "ridge gamma=2 ridgeless closed form"
extreme ridge gamma=1 lambda=0,1e-12
is "$(v risk 1)" inf "ridge gamma=1 lambda=0: infinite risk (with noise)"
awk -v r="$(v risk 2)" 'BEGIN { exit !(r > 1e4 && r < 1e7) }'; ok $? "ridge gamma=1 lambda=1e-12: large and finite ($(v risk 2))"
extreme ridge gamma=1e-3,1e3 lambda=1e-12 n=1000000
near "$(v risk 1)" 0.00025025025025 1e-12 "ridge gamma=1e-3: s2 g/(1-g)"
near "$(v risk 2)" 0.99925025025025 1e-9 "ridge gamma=1e3: r2(1-1/g) + s2/(g-1)"
extreme ridge gamma=0.5,1,2 lambda=0,1e-12 cov=two
extreme ridge gamma=1e-3 lambda=0,1e-12 cov=power n=100000 decay=3
extreme ridge gamma=1e3 lambda=0,1e-12 cov=power n=200 decay=3
extreme ridge gamma=1 lambda=0 sigma2=0 eta2=0

# mp: alpha at the threshold 1 (density ~ 1/sqrt(x) at 0, edge at 4); alpha far from it
extreme mp alpha=1 x=0,1e-12,4
is "$(v density 1)" inf "mp alpha=1: density infinite at x=0"
is "$(v density 3)" 0 "mp alpha=1: density 0 at the edge (1+1)^2 = 4"
extreme mp alpha=1e-3,1e3 N=1000000 x=0,1
extreme mp norm=hmrt gamma=1e-3,1,1e3 N=1000000 x=0,1e-12,1

# gd-dynamics: t = 1e9 against the t = inf limits (linear.md 4.4); alpha at the threshold 1; eta
# at the stability limit 2/l_max
extreme gd-dynamics alpha=0.5,2 t=1e9,inf
near "$(v test 1)" "$(v test 2)" 1e-9 "gd alpha=0.5: test at t=1e9 vs t=inf"
near "$(v test 2)" 0.8 1e-12 "gd alpha=0.5 t=inf: S(1-a) + s2 a/(1-a) + s2"
near "$(v test 3)" "$(v test 4)" 1e-9 "gd alpha=2: test at t=1e9 vs t=inf"
near "$(v train 3)" 0.1 1e-9 "gd alpha=2 t=1e9: train (1-1/a) s2"
extreme gd-dynamics alpha=1 t=0,1e9,inf
is "$(v test 3)" inf "gd alpha=1 t=inf: diverges with noise"
extreme gd-dynamics alpha=1 snr=0,1e6 t=1e9
extreme gd-dynamics alpha=1 eta=0.4999999 t=1e9
extreme gd-dynamics alpha=2 w0var=100 t=1e-12,1e9
extreme early-stopping alpha=0.999999,1,1.000001
is "$(v test_inf 2)" inf "early-stopping alpha=1: test_inf infinite"
extreme early-stopping alpha=1e-3,1e3 N=100000
extreme early-stopping alpha=1 snr=0,1e6

# rf: psi1 = psi2 exactly (the interpolation threshold), lambda = 0 and 1e-12; ratios 1e-3, 1e3
extreme rf psi1=3 psi2=3 lambda=0,1e-12
is "$(v test 1)" inf "rf psi1=psi2 lambda=0: infinite test error"
awk -v r="$(v test 2)" 'BEGIN { exit !(r > 1e3 && r < 1e8) }'; ok $? "rf psi1=psi2 lambda=1e-12: large and finite ($(v test 2))"
extreme rf psi1=1 psi2=3 lambda=0,1e-12
near "$(v test 2)" "$(v test 1)" 1e-9 "rf psi1=1 psi2=3: lambda=1e-12 vs ridgeless"
extreme rf psi1=1e-3,1e3 psi2=1e-3,1e3 lambda=1e-12
extreme rf psi1=3 psi2=3 lambda=1e-12 act=tanh,softplus,quad,erf

# sgd, sgd-modes: the smallest eigenvalue, step sizes at the ends, N at the ends (work bounded)
extreme sgd-modes lambda=1e-12,1e3
extreme sgd-modes lambda=1e-12 mu=1e-12 kappa_tilde=1e-12
extreme sgd gamma=1e-3 N=1,10000 d=100
extreme sgd d=1 N=1000000 algo=sgd
extreme sgd sigma2=0 init=zero N=1,100 d=10

# nce: a step size so small that GD cannot reach tol within T (answered at once: empty), the
# separation at its ends, the smallest T
extreme nce eta=1e-12
is "$(v it_gd_nce 1)" "" "nce eta=1e-12: it_gd_nce empty (not within T)"
extreme nce R=0.5,8 gamma=1e-3,1 T=1 tol=1e-12,1e6
extreme nce-landscape R=0.5,8 theta=-100,0,100

# starvation: lambda = 0 and 1e-12 (fixed point at infinity for WD), t at its end against z*
extreme starvation s1=2 lambda=0.01 t=100000 method=gd,flow
near "$(v z1 1)" "$(v z1_star 1)" 1e-6 "starvation gd t=1e5: z1 reaches z1*"
extreme starvation s1=2 lambda=1e-12 t=0,10
extreme starvation s1=2 reg=sd,mse lambda=0,1e-12 t=0,10
extreme starvation s1=1e-12,100 s2=1e-12,100 reg=wd,sd,mse lambda=1e-12 t=1 eta=1e-6
extreme sd-margin lambda=1e-12,1e3
near "$(v m_star 1)" "$(v m_lambertw 1)" 1e-9 "sd-margin lambda=1e-12: m* = W(1/lambda) (sigma(-m) ~ e^-m)"

# the rest: their parameters' ends
extreme tilting lambda=1e-12,1e12
extreme tilting-toy theta=-89.999999,0,89.999999 sigma=1e-12,100
extreme sensitivity d=20 N=1 k=1
extreme sc-toy c=0,1e3 m=1,64 delta=0,0.5
extreme masked-sc visible=0.01,0.99
extreme moons

# A row whose theory fails (a genuine case: the WD fixed point of a feature of strength 1e-12 at
# lambda = 1e-12 defeats hybridsj): its theory fields are left empty, its simulation kept, one
# 'sltsim: ' line names it, the other rows stand, the file is committed, and the exit status is 1;
# the same bytes whatever --threads (tests/test_engine_rows checks the engine's side in detail).
fail_args="starvation s1=1e-12,2 s2=100 lambda=1e-12 t=0,1 eta=1e-6 --trials 2"
"$S" run $fail_args --threads 1 -o "$T/f1.csv" 2> "$T/f1.err"; echo $? > "$T/f1.st"
"$S" run $fail_args --threads 2 -o "$T/f2.csv" 2> "$T/f2.err"; echo $? > "$T/f2.st"
is "$(cat "$T/f1.st")" 1 "a run with failing rows exits 1"
is "$(grep -c '' "$T/f1.err")/$(grep -c '^sltsim: starvation: theory failed at s1=1e-12, s2=100, lambda=1e-12, t=[01], eta=1e-06 (row [12]; theory fields left empty): fixed point (multiroot hybridsj) did not converge' "$T/f1.err")" 2/2 \
    "one 'sltsim: ' line per failing row, naming the point, the row and the reason"
[ -f "$T/f1.csv" ] && [ ! -e "$T/f1.csv.partial" ]; ok $? "the table is committed"
is "$(col z1_star < "$T/f1.csv" | tr '\n' ' ')" "  35.24333268 35.24333268 " "failing rows: theory empty; the others intact"
is "$(col trials < "$T/f1.csv" | tr '\n' ' ')" "2 2 2 2 " "failing rows keep their simulation"
grep -v '^#' "$T/f1.csv" | grep -q nan; ok $((!$?)) "no nan in the table"
grep -v '^# command' "$T/f1.csv" > "$T/f1.rows"; grep -v '^# command' "$T/f2.csv" > "$T/f2.rows"
cmp -s "$T/f1.rows" "$T/f2.rows" && cmp -s "$T/f1.err" "$T/f2.err" && [ "$(cat "$T/f2.st")" = 1 ]
ok $? "--threads 2: the same table, messages and status"
# the same as a preset: the figure is drawn, its paths printed (what Python's figure() reads), exit 1
printf 'title failing rows\nexperiment starvation\nargs %s\nx t\ny z1\n' "$(echo "$fail_args" | sed 's/^starvation //; s/ --trials 2$//')" > "$T/fail.fig"
"$S" figure "$T/fail.fig" -o "$T/figs" --trials 2 > "$T/fig.out" 2> "$T/fig.err"; st=$?
[ $st -eq 1 ] && [ "$(cat "$T/fig.out")" = "$T/figs/fail.csv
$T/figs/fail.png" ] && [ -s "$T/figs/fail.png" ]
ok $? "figure with failing rows: drawn, paths printed, exit 1 ($st: $(tr '\n' ' ' < "$T/fig.err"))"
echo "1..$n"
