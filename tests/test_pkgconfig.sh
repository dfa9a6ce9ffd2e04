#!/bin/sh
# libsltsim as a package: `make install DESTDIR=$tmp` installs the library, its headers, sltsim.pc,
# the manual page and the Python helper; doc/examples/sweep.c compiles and links against that tree
# with `pkg-config --cflags --libs sltsim` (PKG_CONFIG_PATH and PKG_CONFIG_SYSROOT_DIR pointing
# into it) and runs the sweep: a CSV whose theory column is the known ridgeless risk.
. "${SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
SRC=${SRCDIR:-.}
B=$(cd "$(dirname "$S")" && pwd)
D=$T/root
# a make of our own, not the jobserver of the `make check` that runs this test
unset MAKEFLAGS MFLAGS MAKELEVEL
${MAKE:-make} -s -C "$B" install DESTDIR="$D" > "$T/install.log" 2>&1
st=$?
ok $st "make install DESTDIR=... (exit $st: $(tail -2 "$T/install.log" | tr '\n' ' '))"
pcfile=$(find "$D" -name sltsim.pc -path '*/pkgconfig/*' | head -1)
[ -n "$pcfile" ]; ok $? "sltsim.pc installed under \$(libdir)/pkgconfig ($pcfile)"
libdir=${pcfile%/pkgconfig/sltsim.pc}
prefix_lib=${libdir#"$D"}
[ -f "$libdir/libsltsim.a" ] || [ -f "$libdir/libsltsim.so" ]; ok $? "libsltsim installed in $prefix_lib"
inc=$(find "$D" -path '*/include/sltsim/engine/engine.h' | head -1)
[ -n "$inc" ]; ok $? "headers installed under include/sltsim/"
[ -n "$(find "$D" -path '*/man1/sltsim.1')" ]; ok $? "the manual page installed in man1"
[ -n "$(find "$D" -path '*/sltsim/python/sltsim.py')" ]; ok $? "the Python helper installed"

export PKG_CONFIG_PATH="$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$D"
is "$(pkg-config --modversion sltsim)" "$($S --version | sed -n '1s/^sltsim //p')" "pkg-config finds sltsim, same version as the binary"
flags=$(pkg-config --cflags --libs sltsim); st=$?
ok $st "pkg-config --cflags --libs sltsim: $flags"
echo "$flags" | grep -q -- "-I$D.*/include/sltsim" && echo "$flags" | grep -q -- "-L$libdir"
ok $? "the flags point into the DESTDIR tree"
${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -o "$T/sweep" "$SRC/doc/examples/sweep.c" $flags > "$T/cc.log" 2>&1
st=$?; [ -s "$T/cc.log" ] && [ $st -eq 0 ] && st=1
ok $st "doc/examples/sweep.c compiles and links with them, no warning (exit $st: $(head -3 "$T/cc.log" | tr '\n' ' '))"
LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$T/sweep" > "$T/sweep.csv" 2> "$T/sweep.err"
st=$?
ok $st "sweep runs (exit $st: $(head -2 "$T/sweep.err"))"
head -1 "$T/sweep.csv" | grep -q '^# sltsim .*experiment ridge$'; ok $? "its table starts with the provenance line"
is "$(col gamma < "$T/sweep.csv" | tr '\n' ' ')" "0.5 1.5 2 4 " "one row per gamma of the sweep"
is "$(col risk < "$T/sweep.csv" | sed -n 3p)" 0.75 \
   "theory risk at gamma = 2 (HMRT: r2 (1 - 1/gamma) + sigma2/(gamma - 1) = 0.75)"
is "$(col trials < "$T/sweep.csv" | sort -u)" 20 "20 trials at every point"
# the library gives the same numbers as the command line for the same sweep and seed
$S run ridge gamma=0.5,1.5,2,4 lambda=0 --trials 20 --seed 1 --threads 1 | grep -v '^#' > "$T/cli.csv"
grep -v '^#' "$T/sweep.csv" | cmp -s - "$T/cli.csv"; ok $? "same table as sltsim run with the same seed"
echo "1..$n"
