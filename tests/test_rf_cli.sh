#!/bin/sh
# CLI tests (TAP) of the rf experiment: listing, description, columns, theory values, skipped
# points, structured features (simulation only), determinism across thread counts with FFTW in
# use, bad input (exit 2, one line naming the parameter), figure presets. Uses $SLTSIM.
. "${SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"

# --- listing and description
$S list | grep -q '^rf '; ok $? "list names rf"
$S describe rf > "$T/d"; ok $? "describe rf exits 0"
grep -q 'arXiv:1908.05355' "$T/d" && grep -q 'features=iid only' "$T/d" && grep -q 'lambda = 0 with |N - n| <= 3' "$T/d"
ok $? "describe: reference, theory for iid only, skipped points"
grep -q 'erf, which' "$T/d" && grep -q 'general activation' "$T/d"; ok $? "describe: erf is the general activation by quadrature"
$S figure list | grep -q '^rf-double-descent '; ok $? "figure list shows rf-double-descent"
$S figure list | grep -q '^rf-structured '; ok $? "figure list shows rf-structured"

# --- columns and values
$S run rf psi1=0.5,2,3 lambda=0.1 tau2=0.25 --trials 0 > "$T/a.csv"; ok $? "theory-only run exits 0"
is "$(grep -v '^#' "$T/a.csv" | head -1)" \
   "psi1,psi2,lambda,act,F1,Fstar,tau2,d,features,ntest,testerr,test,bias,variance,test_sim,test_se,train_sim,train_se,bias_sim,bias_se,variance_sim,variance_se,trials" \
   "header: parameters, theory, NAME_sim/NAME_se, trials"
near "$(col test < "$T/a.csv" | sed -n 2p)" 0.444949 5e-7 "notes 1.2 example: R at psi1 = 2, lambda = 0.1, tau2 = 0.25"
near "$($S run rf psi1=3 lambda=1e-3 --trials 0 | col bias)" 0.577099 5e-7 "notes 1.3: B at psi1 = psi2 = 3, lambda = 1e-3"
near "$($S run rf psi1=3 lambda=1e-3 --trials 0 | col variance)" 2.953974 5e-7 "notes 1.3: V at psi1 = psi2 = 3, lambda = 1e-3"
near "$($S run rf psi1=0.5 lambda=0 tau2=1 F1=0 --trials 0 | col test)" 0.2 1e-12 "ridgeless psi1 < psi2: V = psi1/(psi2 - psi1) (notes 1.6)"
near "$($S run rf psi1=2 lambda=0.1 F1=0 Fstar=0.5 tau2=0 --trials 0 | col test)" \
     "$($S run rf psi1=2 lambda=0.1 F1=0 tau2=0.25 --trials 0 | col test | awk '{printf "%.12g", $1 + 0.25}')" 1e-12 \
     "Fstar is an amplitude: F* = 0.5 acts as tau2 = 0.25 plus the irreducible 0.25"
is "$($S run rf psi1=3 lambda=0 --trials 0 | col test)" inf "ridgeless at psi1 = psi2: inf"
is "$($S run rf psi1=3 lambda=0 d=50 --trials 2 | col trials)" 0 "ridgeless at N = n: not simulated"
is "$($S run rf psi1=3.04 lambda=0 d=50 --trials 2 | col test_sim)" "" "ridgeless at |N - n| = 2: simulation field empty"
$S run rf psi1=0.5,4 psi2=2 lambda=0.01 d=50 ntest=500 --trials 3 > "$T/b.csv"; ok $? "simulation run exits 0"
is "$(col trials < "$T/b.csv" | tr '\n' ' ')" "3 3 " "every point simulated"
col train_sim < "$T/b.csv" | awk 'NR == 1 {a = $1} NR == 2 {exit !(a > $1 && $1 >= 0)}'; ok $? "training error falls with psi1"
$S run rf psi1=1 act=quad,erf,tanh,softplus d=50 ntest=500 --trials 2 > "$T/c.csv"; ok $? "every activation runs"
is "$(col test_sim < "$T/c.csv" | grep -c '^[0-9]')" 4 "every activation simulated"

# --- structured features: simulation only, theory columns empty
$S run rf psi1=0.5,2 features=iid,orthogonal,sorf,circulant,fastfood d=64 ntest=500 --trials 3 > "$T/s.csv"
ok $? "every kind of weights runs (d = 64)"
is "$(col test < "$T/s.csv" | grep -c .)" 2 "theory filled for iid only"
is "$(col test_sim < "$T/s.csv" | grep -c '^[0-9]')" 10 "simulation for every kind"
is "$($S run rf psi1=2 features=circulant d=100 ntest=500 --trials 1 | col trials)" 1 "circulant at any d (100)"

# --- determinism across thread counts (same seed, same bytes but the command line), FFTW in use
for f in sorf iid fastfood; do
  same_threads "1 2" run rf psi1=0.3:4:6:log lambda=1e-3,0.1 features=$f d=64 ntest=500 --trials 5 --seed 3
  ok $? "features=$f: byte-identical for --threads 1 and 2"
done
$S run rf psi1=0.3:4:6:log lambda=1e-3,0.1 features=fastfood d=64 ntest=500 --trials 5 --seed 4 --threads 2 \
  | grep -v '^# command' > "$T/t4"
! cmp -s "$T/th2" "$T/t4"; ok $? "another seed gives other numbers"
# two input dimensions in one run: one FFTW plan each
same_threads "1 2" run rf psi1=1,2 d=32,64 features=sorf ntest=200 --trials 4 \
  && [ "$(col trials < "$T/th1" | tr '\n' ' ')" = "4 4 4 4 " ]
ok $? "d = 32, 64 in one run (two plans): all simulated, byte-identical for --threads 1 and 2"
# the exact and the sampled test error in one run, two activations and two d (one kernel each)
same_threads "1 2" run rf psi1=0.5,2 d=32,64 act=relu,tanh testerr=exact,sample ntest=200 --trials 4 \
  && [ "$(col test_sim < "$T/th1" | grep -c '^[0-9]')" = 16 ]
ok $? "testerr=exact,sample with act=relu,tanh, d = 32, 64: all simulated, byte-identical for --threads 1 and 2"

# --- bad input: exit 2, one line "sltsim: ..." naming the parameter, nothing written
bad "d: features=sorf needs d a power of 2" run rf d=100 features=sorf
bad "d: features=fastfood needs d a power of 2" run rf d=100 features=fastfood --trials 0
bad "psi1" run rf psi1=0
bad "psi1" run rf psi1=-1
bad "act" run rf act=foo
bad "lambda" run rf lambda=-1
bad "lambda" run rf lambda=inf
bad "features" run rf features=dense
bad "d" run rf d=1
bad "d" run rf d=20.5
bad "ntest" run rf ntest=10
bad "testerr" run rf testerr=foo
bad "tau2" run rf tau2=-0.1
bad "psi1: psi1 d = 0.1 gives no feature" run rf psi1=0.001 d=100 --trials 1
bad "psi1: N = " run rf psi1=10000 d=100000 --trials 1

# --- figures: a quick run drawn to PNG
if $S run rf psi1=0.3:4:5:log lambda=1e-3,0.1 features=iid,sorf d=32 ntest=200 --trials 2 -q -o "$T/f.csv" \
     --plot "$T/f.png" 2> "$T/err"; then
  is_png "$T/f.png"; ok $? "run --plot: a PNG"
else
  grep -q gnuplot "$T/err"; ok $? "run --plot: only a missing gnuplot may fail it ($(cat "$T/err"))"
fi
echo "1..$n"
