#!/bin/sh
# Build libsltsim's sources once more with instrumentation, into OUT/obj, and link against them:
#   fuzz: clang, coverage + ASan + UBSan; the libFuzzer targets tests/fuzz/fuzz_*.c
#   san:  gcc, ASan + UBSan (no recovery); the C tests tests/test_*.c and the sltsim command
# usage: build-instrumented.sh fuzz|san OUT SRCDIR BUILDDIR "LIBS" SOURCES...
set -e
mode=$1; out=$2; src=$3; build=$4; libs=$5; shift 5
SAN="-g -O1 -fno-omit-frame-pointer -fopenmp -fsanitize=address,undefined"
if [ "$mode" = fuzz ]; then
    CC=${FUZZ_CC:-clang}; FLAGS="$SAN -fno-sanitize-recover=undefined"; OBJFLAGS=-fsanitize=fuzzer-no-link
    LINKFLAGS=-fsanitize=fuzzer; mains="$src/tests/fuzz/fuzz_*.c"
else
    CC=${SAN_CC:-gcc}; FLAGS="$SAN -fno-sanitize-recover=all"; OBJFLAGS=; LINKFLAGS=
    mains="$src/tests/test_*.c $src/cli/main.c"
fi
CPPFLAGS="-DHAVE_CONFIG_H -I$build -I$src -I$src/engine $(pkg-config --cflags gsl fftw3) ${MPI_CFLAGS:-}"
mkdir -p "$out/obj"
rm -f "$out/FAILED"
# objects are reused only while no header changed since they were built
if [ ! -e "$out/stamp" ] || [ -n "$(find "$src" -name '*.h' -newer "$out/stamp" -not -path "$out/*" | head -1)" ] ||
   [ "$build/config.h" -nt "$out/stamp" ]; then
    rm -f "$out"/obj/*.o
fi
touch "$out/stamp"
objs=""
for s in "$@"; do
    o="$out/obj/$(echo "$s" | tr / _).o"
    objs="$objs $o"
    if [ ! -f "$o" ] || [ "$src/$s" -nt "$o" ]; then
        # shellcheck disable=SC2086
        { $CC $FLAGS $OBJFLAGS $CPPFLAGS "-DSLT_SRCDIR=\"$src\"" -c "$src/$s" -o "$o" || touch "$out/FAILED"; } &
        [ "$(jobs -p | wc -l)" -lt "$(nproc)" ] || wait
    fi
done
wait
[ ! -e "$out/FAILED" ] || { echo "build-instrumented: a compilation failed" >&2; exit 1; }
rm -f "$out/libinst.a"
# shellcheck disable=SC2086
ar rcs "$out/libinst.a" $objs
for t in $mains; do
    name=$(basename "$t" .c)
    [ "$name" = main ] && name=sltsim
    # shellcheck disable=SC2086
    { $CC $FLAGS $LINKFLAGS $CPPFLAGS "-DSLT_SRCDIR=\"$src\"" "$t" "$out/libinst.a" $libs -o "$out/$name" ||
        touch "$out/FAILED"; } &
    [ "$(jobs -p | wc -l)" -lt "$(nproc)" ] || wait
done
wait
[ ! -e "$out/FAILED" ] || { echo "build-instrumented: a link failed" >&2; exit 1; }
