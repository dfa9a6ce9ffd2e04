#!/bin/sh
# Build the libFuzzer targets with clang: every libsltsim source compiled once with coverage,
# ASan and UBSan into OUT/obj, then each tests/fuzz/fuzz_*.c linked against them.
# usage: build.sh OUT SRCDIR BUILDDIR "LIBS" SOURCES...
set -e
out=$1; src=$2; build=$3; libs=$4; shift 4
CC=${FUZZ_CC:-clang}
FLAGS="-g -O1 -fno-omit-frame-pointer -fopenmp -fsanitize=address,undefined -fno-sanitize-recover=undefined"
CPPFLAGS="-DHAVE_CONFIG_H -I$build -I$src -I$src/engine $(pkg-config --cflags gsl fftw3)"
mkdir -p "$out/obj"
objs=""
for s in "$@"; do
    o="$out/obj/$(echo "$s" | tr / _).o"
    objs="$objs $o"
    if [ ! -f "$o" ] || [ "$src/$s" -nt "$o" ]; then
        # shellcheck disable=SC2086
        $CC $FLAGS -fsanitize=fuzzer-no-link $CPPFLAGS "-DSLT_SRCDIR=\"$src\"" -c "$src/$s" -o "$o" &
        [ "$(jobs -p | wc -l)" -lt "$(nproc)" ] || wait
    fi
done
wait
rm -f "$out/libfuzzsltsim.a"
# shellcheck disable=SC2086
ar rcs "$out/libfuzzsltsim.a" $objs
for t in "$src"/tests/fuzz/fuzz_*.c; do
    # shellcheck disable=SC2086
    $CC $FLAGS -fsanitize=fuzzer $CPPFLAGS "$t" "$out/libfuzzsltsim.a" $libs -o "$out/$(basename "$t" .c)"
done
