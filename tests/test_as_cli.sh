#!/bin/sh
# CLI tests (TAP) of the Advani-Saxe experiments gd-dynamics and early-stopping: listing, columns,
# theory values, skipped points, determinism across thread counts, bad input (exit 2, one line
# naming the parameter), the figure presets. Uses $SLTSIM (the built binary).
. "${SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
BAD_AT=  # the refusals below give the start of the message

# --- listing and description
$S list | grep -q '^gd-dynamics '; ok $? "list names gd-dynamics"
$S list | grep -q '^early-stopping '; ok $? "list names early-stopping"
$S describe gd-dynamics > "$T/d1"; ok $? "describe gd-dynamics exits 0"
grep -q 'arXiv:1710.03667' "$T/d1" && grep -q 'round(t/eta)' "$T/d1" && grep -q '|P - N| <= 3' "$T/d1"
ok $? "describe gd-dynamics: reference, GD time convention, skipped points"
grep -q 'sampler' "$T/d1" && grep -q 'Dumitriu-Edelman' "$T/d1" && grep -q 'exact because' "$T/d1"
ok $? "describe gd-dynamics: both samplers, why the spectral one is exact in distribution"
$S describe early-stopping > "$T/d2"; ok $? "describe early-stopping exits 0"
grep -q 'arXiv:1710.03667' "$T/d2" && grep -q 'g = se2/sw2 = 1/snr' "$T/d2" && grep -q '|P - N| <= 3' "$T/d2"
ok $? "describe early-stopping: reference, optimal weight decay, skipped points"

# --- columns and values
$S run gd-dynamics alpha=2 t=0,2,inf N=50 --trials 3 > "$T/a.csv"; ok $? "gd-dynamics run exits 0"
is "$(grep -v '^#' "$T/a.csv" | head -1)" \
   "alpha,snr,w0var,t,N,eta,sampler,train,test,tstar,noise,train_sim,train_se,test_sim,test_se,trials" "gd-dynamics header"
is "$(col test < "$T/a.csv" | tr '\n' ' ')" "1 0.3457292243 0.4 " "gd-dynamics test at t = 0, 2, inf (linear.md 4.3/1.25)"
is "$(col trials < "$T/a.csv" | tr '\n' ' ')" "3 3 3 " "every point simulated"
$S run early-stopping alpha=0.5,1,2 N=100 --trials 3 > "$T/b.csv"; ok $? "early-stopping run exits 0"
is "$(grep -v '^#' "$T/b.csv" | head -1)" \
   "alpha,snr,w0var,N,sampler,tstar,test_tstar,test_inf,test_ridge,test_tstar_sim,test_tstar_se,test_inf_sim,test_inf_se,test_ridge_sim,test_ridge_se,trials" \
   "early-stopping header"
is "$(col test_inf < "$T/b.csv" | tr '\n' ' ')" "0.8 inf 0.4 " "test_inf: inf at alpha = 1"
is "$(col test_inf_sim < "$T/b.csv" | tr '\n' '|')" "$(col test_inf_sim < "$T/b.csv" | head -1)||$(col test_inf_sim < "$T/b.csv" | tail -1)|" \
   "test_inf_sim empty at P = N only"
[ -n "$(col test_tstar_sim < "$T/b.csv" | sed -n 2p)" ]; ok $? "test_tstar simulated at alpha = 1"
# the overtraining peak: test_inf largest next to alpha = 1, test_tstar has no peak there
$S run early-stopping alpha=0.1:4:40 --trials 0 > "$T/c.csv"
col test_tstar < "$T/c.csv" | awk 'NR > 1 && $1 > p + 1e-12 {up++} {p = $1} END {exit up > 0}'
ok $? "test_tstar decreases with alpha (no peak)"
is "$(col test_inf < "$T/c.csv" | sed -n 10p)" inf "test_inf = inf at alpha = 1 of the default grid"
# GD: t is reached at step round(t/eta)
is "$($S run gd-dynamics alpha=2 eta=0.1 t=0.52,0.5 --trials 0 | col test | uniq | wc -l | tr -d ' ')" 1 \
   "eta = 0.1: t = 0.52 and t = 0.5 are both step 5"
$S run gd-dynamics alpha=0.5,2 eta=0.1 t=0.5,5 N=50 --trials 4 > "$T/g.csv"; ok $? "GD simulation runs"
is "$(col test_sim < "$T/g.csv" | grep -c .)" 4 "GD: every point simulated"
is "$($S run gd-dynamics alpha=2 eta=0.1 t=inf N=50 --trials 4 | col trials)" 0 "GD at t = inf: not simulated"

# the literal sampler gives the tables of sltsim before the spectral one existed (same seed, same
# numbers: values written by the earlier version)
is "$($S run gd-dynamics alpha=0.5,2 t=1,inf N=30 w0var=0.5 --trials 3 sampler=literal | col test_sim | tr '\n' ' ')" \
   "0.8819214841 1.047316732 0.4373499978 0.3255737116 " "sampler=literal: flow simulation unchanged"
is "$($S run gd-dynamics alpha=2 eta=0.1 t=1 N=30 --trials 3 sampler=literal | col test_sim)" 0.305657688 \
   "sampler=literal: GD iteration unchanged"
is "$($S run early-stopping alpha=0.5 N=30 --trials 3 sampler=literal | col test_inf_sim)" 0.8900975275 \
   "sampler=literal: early-stopping unchanged"
is "$($S run gd-dynamics alpha=2 eta=1e-5 t=100 N=30 --trials 2 | col trials)" 2 \
   "spectral GD: 1e7 steps in closed form, no step limit"

# --- determinism across thread counts
same_threads "1 2" run gd-dynamics alpha=0.5,1,2 t=0.1:100:7:log N=60 --trials 9 --seed 4
ok $? "gd-dynamics (flow): byte-identical for --threads 1 and 2"
same_threads "1 2" run gd-dynamics alpha=0.5,2 eta=0.05 t=0.1,1,10 N=40 --trials 6 --seed 4
ok $? "gd-dynamics (GD): byte-identical for --threads 1 and 2"
same_threads "1 2" run gd-dynamics alpha=0.5,1,2 t=0.1:100:7:log N=60 --trials 9 --seed 4 sampler=literal
ok $? "gd-dynamics (flow, literal sampler): byte-identical for --threads 1 and 2"
same_threads "1 2" run gd-dynamics alpha=0.5,2 eta=0.05 t=0.1,1,10 N=40 --trials 6 --seed 4 sampler=literal
ok $? "gd-dynamics (GD, literal iteration): byte-identical for --threads 1 and 2"
same_threads "1 2" run early-stopping alpha=0.5:2:4 snr=1,4 w0var=0,0.5 N=60 --trials 7 --seed 4
ok $? "early-stopping: byte-identical for --threads 1 and 2"
same_threads "1 2" run early-stopping alpha=0.5:2:4 snr=1,4 w0var=0,0.5 N=60 --trials 7 --seed 4 sampler=literal
ok $? "early-stopping (literal sampler): byte-identical for --threads 1 and 2"

# --- bad input: exit 2, one line "sltsim: ..." naming the parameter, nothing written
bad "eta: .*allowed: 0 (gradient flow) or eta < 0.3253" run gd-dynamics alpha=2 eta=0.33 --trials 2
bad "eta: .*allowed: 0 (gradient flow) or eta < 0.3431" run gd-dynamics alpha=2 eta=0.35 --trials 0
bad "eta: eta = 0.215 is unstable at alpha = 4" run gd-dynamics alpha=0.5,4 eta=0.215 --trials 2
bad "eta" run gd-dynamics eta=-0.1
bad "t: .*gradient steps" run gd-dynamics eta=1e-5 t=100 --trials 1 sampler=literal
bad "t" run gd-dynamics t=-1
bad "alpha" run gd-dynamics alpha=0
bad "alpha" run gd-dynamics alpha=-1
bad "alpha: alpha N" run gd-dynamics alpha=0.001 N=100 --trials 1
bad "N" run gd-dynamics N=1
bad "N" run gd-dynamics N=100.5
bad "N: N = 100000" run gd-dynamics N=100000 alpha=20 --trials 1 sampler=literal
bad "sampler" run gd-dynamics sampler=exact
bad "snr" run gd-dynamics snr=-1
bad "snr: snr + w0var" run gd-dynamics snr=1e6 w0var=10 --trials 0
bad "w0var" run gd-dynamics w0var=-0.5
bad "alpha" run early-stopping alpha=0
bad "alpha: alpha N" run early-stopping alpha=0.001 N=100
bad "N" run early-stopping N=1
bad "snr" run early-stopping snr=abc
bad "unknown parameter 't'" run early-stopping t=1
bad "unknown parameter 'eta'" run early-stopping eta=0.1

# --- figure presets
for f in gd-dynamics early-stopping tstar-snr; do
  $S figure list | grep -q "^$f "; ok $? "figure list shows $f"
done
$S figure tstar-snr -o "$T" > /dev/null 2>&1 && is_png "$T/tstar-snr.png"
ok $? "figure tstar-snr renders a PNG"
echo "1..$n"
