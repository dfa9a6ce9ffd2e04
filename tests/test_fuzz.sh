#!/bin/sh
# The libFuzzer targets (TAP): build them with clang (ASan + UBSan) and run each for
# $FUZZ_SECONDS seconds (CI: 60) after replaying the saved regression inputs. Any crash, leak,
# hang (10 s per input) or sanitizer report fails the check.
secs=${FUZZ_SECONDS:-60}
cd "${BUILDDIR:-.}" || exit 1
if ! ${MAKE:-make} -s fuzz-build > fuzz-build.log 2>&1; then
    echo "not ok 1 - the fuzz targets build with clang"
    tail -20 fuzz-build.log | sed 's/^/# /'
    echo "1..1"
    exit 0
fi
sh "${SRCDIR:-.}/tests/fuzz/run.sh" fuzz-build "${SRCDIR:-.}/tests/fuzz" "$secs"
