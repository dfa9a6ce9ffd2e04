#!/bin/sh
# Regime test (TAP, ~15 CPU-seconds at 2 trials per setting): the half-scale regime of
# sparse_coding.md 9 (d = 50, p = 100, p_learn = 500, k = 3, n = 500, batch 100, 500 epochs, A-init),
# paired runs at fixed seeds, and the signs of cos_gap = cos_standard - cos_masked:
#   noise 1, p_learn = 5p:  gap > 0 (masking better; note: 0.277 vs 0.138)
#   noise 1, p_learn = p:   gap < 0 (the reversal; note: 0.129 vs 0.145)
#   noise 0.1:              |gap| small (a tie; note: 0.0031 vs 0.0039)
# Tolerances, from the spread observed at seed 1 with 4 trials (gap +0.138 +- 0.002, -0.0146 +- 0.0014,
# -0.0010 +- 0.0001 SE): a sign is asserted when the paired mean is 3 SE from 0 on its side (the
# observed margins are 66, 10 and 7 SE at 4 trials, ~sqrt(2) less at 2); the tie when |gap| < 0.005
# (the note's difference is 0.0008, its seed spread ~0.001). The means are printed beside the note's.
# More trials: SC_TRIALS=4 sh tests/test_sparse_regime.sh
. "${SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
TR=${SC_TRIALS:-2}
HALF="d=50 p=100 k=3 n=500 batch=100 epochs=500 init=truth"
run() { $S run masked-sc $HALF "$@" --trials "$TR" --seed 1 -q; }

run p_learn=500 noise=1 > "$T/a.csv"
run p_learn=100 noise=1 > "$T/b.csv"
run p_learn=500 noise=0.1 > "$T/c.csv"
for f in a b c; do
  printf '# %s: standard %s, masked %s, gap %s +- %s\n' "$f" "$(col cos_standard_sim < "$T/$f.csv")" \
    "$(col cos_masked_sim < "$T/$f.csv")" "$(col cos_gap_sim < "$T/$f.csv")" "$(col cos_gap_se < "$T/$f.csv")"
done
g() { echo "$(col cos_gap_sim < "$T/$1.csv") $(col cos_gap_se < "$T/$1.csv")"; }
awk -v a="$(g a)" 'BEGIN { split(a, x, " "); exit !(x[1] > 3 * x[2]) }'; ok $? "noise 1, p_learn = 5p: masked better ($(g a))"
awk -v a="$(g b)" 'BEGIN { split(a, x, " "); exit !(x[1] < -3 * x[2]) }'; ok $? "noise 1, p_learn = p: standard better, the reversal ($(g b))"
awk -v a="$(g c)" 'BEGIN { split(a, x, " "); exit !(x[1] < 0.005 && x[1] > -0.005) }'; ok $? "noise 0.1: a tie, |gap| < 0.005 ($(g c))"
echo "1..$n"
