#!/bin/sh
# ASan + UBSan (TAP): every C test and every CLI test script once more against an instrumented
# build (san-build/: gcc -fsanitize=address,undefined -fno-sanitize-recover=all). A check passes
# when the test passes there and no sanitizer reports anything (leaks included).
SRC=${SRCDIR:-.}
cd "${BUILDDIR:-.}" || exit 1
n=0
if ! ${MAKE:-make} -s san-build > san-build.log 2>&1; then
    echo "not ok 1 - the sanitizer build"; tail -20 san-build.log | sed 's/^/# /'; echo "1..1"; exit 0
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=87
# report NAME LOG STATUS: one TAP line; a failure shows the first sanitizer or test failure
report() {
    n=$((n + 1))
    if [ "$3" -eq 0 ] && ! grep -q '^not ok\|ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$2"; then
        echo "ok $n - $1 clean under ASan + UBSan"
    else
        echo "not ok $n - $1 under ASan + UBSan (exit $3)"
        grep -m3 -A12 '^not ok\|ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$2" | sed 's/^/# /'
    fi
}
mkdir -p san-build/logs
for src in "$SRC"/tests/test_*.c; do
    t=san-build/$(basename "$src" .c)
    log=san-build/logs/$(basename "$t").log
    "$t" > "$log" 2>&1
    report "$(basename "$t")" "$log" $?
done
for s in "$SRC"/tests/test_*cli*.sh "$SRC"/tests/test_injection.sh "$SRC"/tests/test_safety.sh; do
    [ -f "$s" ] || continue
    log=san-build/logs/$(basename "$s").log
    SLTSIM=$PWD/san-build/sltsim sh "$s" > "$log" 2>&1
    report "$(basename "$s")" "$log" $?
done
echo "1..$n"
