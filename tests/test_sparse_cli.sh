#!/bin/sh
# CLI tests (TAP) of masked-sc and sc-toy: listing, description, the column contract, the toy's
# worked values through the table, pairing, fresh samples, determinism across thread counts, bad
# input (exit 2, one line naming the parameter), presets listed. Uses $SLTSIM. Runs in a few seconds:
# the training runs here are tiny (d = 12, 3 epochs); the regimes of the note are in bench/.
. "${SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
SIZES="d=12 p=12 p_learn=24 k=2 batch=20 epochs=3 nheld=40"
TINY="$SIZES n=40"

# --- listing and description
$S list | grep -q '^masked-sc '; ok $? "list names masked-sc"
$S list | grep -q '^sc-toy '; ok $? "list names sc-toy"
$S describe masked-sc > "$T/d"; ok $? "describe masked-sc exits 0"
grep -q 'arXiv:2302.12715' "$T/d" && grep -q 'stop-gradient' "$T/d" && grep -q 'SD = SE sqrt(trials)' "$T/d"
ok $? "describe masked-sc: reference, stop-gradient, SD from SE"
$S describe sc-toy | grep -q 'mu_m^2'; ok $? "describe sc-toy: the -mu_m^2 limit"

# --- the column contract of the issue
$S run masked-sc $TINY --trials 2 > "$T/m.csv"; ok $? "masked-sc tiny run exits 0"
is "$(grep -v '^#' "$T/m.csv" | head -1)" \
   "d,p,p_learn,k,noise,n,batch,epochs,lr,visible,init,objective,nheld,steps,scaling,p_learn_per_n,cos_standard_sim,cos_standard_se,cos_masked_sim,cos_masked_se,cos_gap_sim,cos_gap_se,euc_standard_sim,euc_standard_se,euc_masked_sim,euc_masked_se,train_standard_sim,train_standard_se,train_masked_sim,train_masked_se,heldout_standard_sim,heldout_standard_se,heldout_masked_sim,heldout_masked_se,recovered_standard_sim,recovered_standard_se,recovered_masked_sim,recovered_masked_se,trials" \
   "masked-sc header: parameters, p_learn_per_n, NAME_sim/NAME_se, trials"
near "$(col cos_gap_sim < "$T/m.csv")" \
     "$(awk -F, '!/^#/ && NR > 1 && $1 != "d" {printf "%.12g", $17 - $19}' "$T/m.csv")" 1e-12 \
     "cos_gap = cos_standard - cos_masked (paired, same draws)"
is "$(col p_learn_per_n < "$T/m.csv")" 0.6 "p_learn_per_n = 24/40"
$S run masked-sc $TINY objective=standard --trials 2 > "$T/s.csv"
is "$(col cos_standard_sim < "$T/s.csv")" "$(col cos_standard_sim < "$T/m.csv")" "objective=standard: the same standard run as beside masked"
is "$(col cos_masked_sim < "$T/s.csv")$(col cos_gap_sim < "$T/s.csv")" "" "objective=standard: masked and gap fields empty"
$S run masked-sc $SIZES n=0 init=samples,gaussian --trials 2 > "$T/f.csv"; ok $? "fresh samples (n = 0), other inits run"
is "$(col train_standard_sim < "$T/f.csv" | tr '\n' ' ')" "  " "n = 0: training losses empty"
is "$(col heldout_masked_sim < "$T/f.csv" | grep -c '^[0-9]')" 2 "n = 0: held-out losses present"
is "$(col p_learn_per_n < "$T/f.csv" | head -1)" 0 "n = 0: p_learn_per_n = 0"

# --- the issue's default of 5 trials; the sizes scaling=d used, in the provenance
$S run masked-sc $TINY --quiet > "$T/five.csv"; ok $? "masked-sc without --trials exits 0"
is "$(col trials < "$T/five.csv")" 5 "masked-sc: 5 trials by default (issue 10)"
$S describe masked-sc | grep -q '^trials: 5 per point'; ok $? "describe masked-sc names the 5 default trials"
$S run masked-sc d=20,40 scaling=d --trials 0 > "$T/sc.csv"
is "$(grep '^# derived:' "$T/sc.csv" | tr '\n' '|')" \
   "# derived: at d=20 (scaling=d): p=40 p_learn=80 k=1|# derived: at d=40 (scaling=d): p=80 p_learn=160 k=2|" \
   "scaling=d: the sizes used are in the provenance, one line per d"

# --- sc-toy: the worked values of sparse_coding.md 10 through the table
$S run sc-toy c=10 m=5 delta=0.1157 --trials 0 > "$T/t.csv"; ok $? "sc-toy theory run"
near "$(col dl_star < "$T/t.csv")" -1.3452 5e-5 "dL* = -1.3452 at c = 10, m = 5"
near "$(col delta_star < "$T/t.csv")" 0.1157 5e-5 "delta* = 0.1157"
near "$(col dl_limit < "$T/t.csv")" -1.3525 5e-5 "limit -mu_5^2 = -1.3525"
near "$(col mu_m < "$T/t.csv")" 1.162964 1e-6 "mu_5"
near "$(col nu_m < "$T/t.csv")" 1.800020 1e-6 "nu_5"
near "$(col mask_truth < "$T/t.csv")" 2.1111 5e-5 "L_mask(G) = 2.1111 at d = 20, v = 18"
$S run sc-toy c=5 delta=0,0.3 samples=20000 --trials 4 > "$T/u.csv"; ok $? "sc-toy Monte Carlo"
is "$(col dl_standard_sim < "$T/u.csv" | head -1)$(col dl_masked_sim < "$T/u.csv" | head -1)" 00 "delta = 0: both changes exactly 0 (paired)"

# --- determinism across thread counts
same_threads "1 2" run masked-sc $TINY noise=0.5,1 init=truth,samples --trials 3 --seed 4
ok $? "masked-sc: byte-identical for --threads 1 and 2"
same_threads "1 2" run sc-toy c=3,10 delta=0:1:5 samples=5000 --trials 3 --seed 2
ok $? "sc-toy: byte-identical for --threads 1 and 2"

# --- bad input
bad "k: sparsity 300 exceeds the 200 true atoms" run masked-sc k=300
bad "k: sparsity 6 exceeds" run masked-sc p=5 k=6 --trials 0
bad "p_learn" run masked-sc p_learn=0
bad "p_learn" run masked-sc p_learn=-3
bad "visible" run masked-sc visible=0
bad "visible" run masked-sc visible=1
bad "visible" run masked-sc visible=1.5
bad "visible: 0.001 d = 0 visible" run masked-sc visible=0.001
bad "visible: 0.999 d = 100 visible" run masked-sc visible=0.999
bad "p_learn: p' = 1000000 atoms" run masked-sc p_learn=1000000 d=100000 --trials 1
bad "init" run masked-sc init=A
bad "objective" run masked-sc objective=recon
bad "n" run masked-sc n=-1
bad "lr" run masked-sc lr=0
bad "visible: 20 visible coordinates" run sc-toy d=20 visible=20
bad "m: 20 copies" run sc-toy d=20 m=20
bad "m" run sc-toy m=0

# --- presets: every one is listed
for f in masked-sc-noise masked-sc-p-learn masked-sc-d-scaling masked-sc-memorisation sc-toy-gain-vs-signal sc-toy-gain-vs-delta; do
  $S figure list | grep -q "^$f "; ok $? "figure list shows $f"
done
echo "1..$n"
