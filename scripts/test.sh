#!/bin/sh
# Set up if needed, run the whole test suite (make check, under LC_ALL=C), and end with the line
# "N passed, N failed" counting every individual check.
cd "$(dirname "$0")/.."
scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
LC_ALL=C make -s -k -j"$(nproc)" check >&2
status=$?
log=test-suite.log
pass=$(sed -n 's/^# PASS: *//p' "$log" | head -1)
fail=$(sed -n 's/^# FAIL: *//p' "$log" | head -1)
err=$(sed -n 's/^# ERROR: *//p' "$log" | head -1)
xpass=$(sed -n 's/^# XPASS: *//p' "$log" | head -1)
pass=${pass:-0}; failed=$(( ${fail:-0} + ${err:-0} + ${xpass:-0} ))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
[ "$failed" -gt 0 ] && grep -E '^(FAIL|ERROR|XPASS)' tests/*.log >&2 2>/dev/null
echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
