#!/bin/sh
# Run each fuzz target (TAP): first every saved regression input and the seed corpus, then
# SECONDS of fuzzing from the corpus. A crash is saved to OUT/crashes/ with the input that
# caused it; copy it into tests/fuzz/regressions/<target>/ to keep it as a regression test.
# usage: run.sh OUT FUZZDIR SECONDS
out=$1; dir=$2; secs=${3:-60}
n=0
for src in "$dir"/fuzz_*.c; do
    name=$(basename "$src" .c)
    bin=$out/$name
    n=$((n + 1))
    if [ ! -x "$bin" ]; then
        echo "not ok $n - $name: not built"
        continue
    fi
    mkdir -p "$out/corpus/$name" "$out/crashes"
    cp -r "$dir/corpus/$name/." "$out/corpus/$name/" 2>/dev/null
    regs="$dir/regressions/$name"
    if [ -d "$regs" ] && [ -n "$(ls "$regs")" ]; then
        "$bin" -runs=0 "$regs"/* > "$out/$name.reg.log" 2>&1
        st=$?
        if [ $st -eq 0 ]; then echo "ok $n - $name: regression inputs pass"; else echo "not ok $n - $name: a regression input fails"; tail -20 "$out/$name.reg.log" | sed 's/^/# /'; fi
        n=$((n + 1))
    fi
    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
        -artifact_prefix="$out/crashes/$name-" "$out/corpus/$name" > "$out/$name.log" 2>&1
    st=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log")
    if [ $st -eq 0 ]; then
        echo "ok $n - $name: ${runs:-?} inputs in ${secs} s, no crash, leak, hang or sanitizer report"
    else
        echo "not ok $n - $name: exit $st after ${runs:-?} inputs (artifact in $out/crashes)"
        grep -m1 -A15 'ERROR\|SUMMARY\|deadly signal\|timeout' "$out/$name.log" | sed 's/^/# /'
    fi
done
echo "1..$n"
