#!/bin/sh
# CLI tests (TAP) of the extras experiments (sensitivity, tilting, tilting-toy, nce, nce-landscape):
# listing, labels in describe, the median/quartile columns of the engine, determinism across
# thread counts (medians included), bad input (exit 2, one line naming the parameter). Uses $SLTSIM.
. "${SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
BAD_AT=

for e in sensitivity tilting tilting-toy nce nce-landscape; do
    $S list | grep -q "^$e "; ok $? "list names $e"
    $S describe "$e" | grep -q '\[U\] unverified'; ok $? "describe $e carries the [P] [D] [S] [U] labels"
done
is "$($S run nce R=1 --trials 3 | grep -v '^#' | head -1)" \
   "R,eta,batch,noise_batch,gamma,tol,T,lam_min,lam_max,kappa,flat,it_gd_nce,it_gd_comp,it_sgd_nce_med,it_sgd_nce_q1,it_sgd_nce_q3,it_sgd_comp_med,it_sgd_comp_q1,it_sgd_comp_q3,comp_final_bias_sim,comp_final_bias_se,trials" \
   "nce header: quantile columns NAME_med, NAME_q1, NAME_q3"
same_threads "1 2 3" run nce R=1,2 --trials 7 --quiet; ok $? "nce: medians byte-identical for --threads 1, 2, 3"
same_threads "1 2" run sensitivity model=ntk act=cos d=40 N=30,60 k=2,8,32 --trials 4 --quiet
ok $? "sensitivity: byte-identical for --threads 1, 2"
same_threads "1 2" run tilting learner=ridge,logreg lambda=1e-3,1 d=30 n_per=20 n_test=100 --trials 3 --quiet
ok $? "tilting: byte-identical for --threads 1, 2"
near "$($S run nce-landscape R=2 theta=1 --trials 0 | col lprof)" 0.813712566 1e-9 "nce-landscape: L_prof(1) at R = 2"
near "$($S run tilting-toy theta=80 --trials 0 | col mean_abs_d)" 0.173659855 1e-9 "tilting-toy: mean |d| at 80 degrees"

bad "k: model=rf needs k >= N" run sensitivity N=240 k=100 --trials 1
bad "k: model=ntk needs d k > N" run sensitivity model=ntk d=20 N=100 k=5 --trials 1
bad "k: k = " run sensitivity N=20000 k=10000000 --trials 1
bad "R: out-of-range" run nce R=9 --trials 0
bad "R: R = 6 is too far" run nce R=6 --trials 2
bad "m: m = " run tilting d=5 m=10 --trials 1
bad "theta: out-of-range" run tilting-toy theta=90
echo "1..$n"
