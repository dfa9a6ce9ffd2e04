#!/bin/sh
# CLI tests (TAP) of the experiments sgd and sgd-modes: listing, the describe text (exact curves,
# which columns are bounds, no Li et al. bound), columns and values against theory/sgd.md, bounds
# empty where they do not apply, determinism across thread counts, bad input (exit 2, one line
# naming the parameter), the figure presets. Uses $SLTSIM (the built binary).
. "${SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
BAD_AT=  # the refusals below give the start of the message

# --- listing and description
$S list | grep -q '^sgd '; ok $? "list names sgd"
$S list | grep -q '^sgd-modes '; ok $? "list names sgd-modes"
$S describe sgd > "$T/d"; ok $? "describe sgd exits 0"
grep -q 'EXACT (equalities' "$T/d" && grep -q 'bound_zou, an UPPER bound' "$T/d" && grep -q 'lower_jensen, a LOWER bound' "$T/d" \
  && grep -q 'Theorem 4.1) is NOT implemented' "$T/d" && grep -q 'arXiv:2311.14222' "$T/d"
ok $? "describe sgd: exact curves, the two bounds, no Li et al. bound, reference"
grep -q 'delta = 0.05487820316' "$T/d"; ok $? "describe sgd: the derived default steps"
$S describe sgd-modes | grep -q 'lambda_cross'; ok $? "describe sgd-modes"

# --- columns and values (sgd.md 3, 5, 6)
$S run sgd d=200 N=500 init=large algo=sgd --trials 0 > "$T/a.csv"; ok $? "sgd run exits 0"
is "$(grep -v '^#' "$T/a.csv" | head -1)" \
   "d,decay,logdecay,sigma2,init,init_from,init_to,N,algo,avg,delta,gamma,alpha,beta,mu,kappa_tilde,split,risk,bias,variance,risk_head,risk_tail,bound_zou,lower_jensen,kstar,risk_sim,risk_se,bias_sim,bias_se,variance_sim,variance_se,trials" \
   "sgd header"
is "$(col risk < "$T/a.csv")" 0.003852769131 "SGD last iterate, large init, N = 500 (sgd.md 3)"
is "$(col bound_zou < "$T/a.csv")" "" "no Zou bound for the last iterate"
$S run sgd d=200 N=500 init=large algo=sgd,asgd avg=uniform --trials 0 > "$T/b.csv"
is "$(col bound_zou < "$T/b.csv" | tr '\n' ' ')" "0.04796962266  " "Zou bound for SGD uniform only (sgd.md 5)"
is "$(col kstar < "$T/b.csv" | tr '\n' ' ')" "5  " "k*(500) = 5 (sgd.md 5)"
is "$(col lower_jensen < "$T/b.csv" | tr '\n' ' ')" "  " "no Jensen bound for averages"
is "$($S run sgd d=200 N=10 --trials 0 | col split | uniq)" 0 "split 0 in the table = the crossover index"
$S run sgd d=200 N=100 split=6,0 algo=sgd --trials 0 > "$T/s.csv"
is "$(col risk_head < "$T/s.csv" | uniq | wc -l | tr -d ' ')" 1 "default split is the crossover index 6 (lambda_x = 0.0248)"
$S run sgd-modes d=200 lambda=0.1 --trials 0 > "$T/m.csv"
is "$(col delta_eff < "$T/m.csv")" 0.4712778534 "delta_eff (sgd.md 6)"
is "$(col band_lo < "$T/m.csv")" 0.000768595013 "complex band lower edge (sgd.md 6)"

# --- simulation: every point has theory and simulation side by side
$S run sgd d=50 N=10,100 init=large,zero avg=last,tail --trials 5 > "$T/c.csv"; ok $? "sgd simulation runs"
is "$(col trials < "$T/c.csv" | sort -u)" 5 "every point simulated"
is "$(awk -F, '!/^#/ && NR > 5 && $5 == "zero" {print $28}' "$T/c.csv" | sort -u)" 0 "zero init: simulated bias 0"

# --- determinism across thread counts
same_threads "1 2" run sgd d=40 N=5,50 init=large,small,zero algo=sgd,asgd avg=last,uniform --trials 7 --seed 4
ok $? "sgd: byte-identical for --threads 1 and 2"

# --- bad input: exit 2, one line "sltsim: ..." naming the parameter, nothing written
bad "delta: SGD step delta = 0.7 is not mean-square stable.*allowed: delta < 0.61139" run sgd d=200 delta=0.7 algo=sgd
bad "gamma: ASGD steps .* not mean-square stable.*allowed at these alpha, beta, delta: gamma < 13.5" run sgd d=200 gamma=20 algo=asgd
bad "init_from: init=small on coordinates 21..10 is not a range inside 1..d = 10" run sgd d=10 init=small
bad "init_from: init=large on coordinates 8..3" run sgd d=100 init_from=8 init_to=3
bad "init_from: init=flat on coordinates 1..300" run sgd d=100 init=flat init_to=300
bad "init_from: init=zero has no initial error" run sgd init=zero init_from=3
bad "split: split = 300 exceeds d = 200" run sgd d=200 split=300
bad "N: d N = 2e+10" run sgd d=2000 N=1e7
bad "N" run sgd N=0
# the steps derived from mu and kappa_tilde (sgd.md 2) are in the provenance, once per spectrum
$S run sgd N=10,100 d=100,200 --trials 0 > "$T/der.csv"
is "$(grep -c '^# derived: at d=' "$T/der.csv")" 2 "sgd: one '# derived:' line per distinct spectrum"
grep -q '^# derived: at d=100 decay=2 logdecay=0 mu=0.001 kappa_tilde=10: R^2=3.6349839 delta=0.05502087643 ' "$T/der.csv"
ok $? "sgd: derived delta = 1/(5 R^2) at d = 100 (R^2 = tr H + 2 lambda_1)"
$S run sgd N=10 delta=0.01 --trials 0 | grep -q '^# derived: .* delta=0.01 '; ok $? "sgd: a given delta is the one reported"
$S describe sgd | grep -q '^derived at the defaults.*R^2=3.644434192 delta=0.05487820316'; ok $? "describe sgd: the steps at the defaults"
bad "avg" run sgd avg=middle
bad "algo" run sgd algo=adam
bad "lambda" run sgd-modes lambda=0

echo "1..$n"
