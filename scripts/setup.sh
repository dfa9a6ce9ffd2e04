#!/bin/sh
# Set up sltsim on Debian 12: install the Debian packages that are missing (needs root or sudo),
# then configure and build in the source tree. Tests need every package listed: groff-base and
# man-db (the manual page), chromium (the gallery page), python3-pandas (python/sltsim.py,
# notebooks), clang, libclang-rt-14-dev and libomp-dev (the fuzz targets),
# gnuplot-x11 (gnuplot-nox and its x11 terminal), xvfb, tmux, x11-utils and x11-apps (live
# figures), libopenmpi-dev and openmpi-bin (MPI runs: sltsim is configured --with-mpi whenever
# Open MPI is installed, so that the tests cover it). Safe to run again; it only does what is missing.
set -e
cd "$(dirname "$0")/.."

PKGS="gcc make autoconf automake libtool pkg-config libgsl-dev libfftw3-dev libopenblas-dev \
liblapacke-dev gnuplot-x11 fonts-dejavu-core python3 python3-numpy python3-scipy \
jupyter-nbconvert python3-nbclient python3-ipykernel python3-pandas groff-base man-db chromium \
clang libclang-rt-14-dev libomp-dev xvfb tmux x11-utils x11-apps libopenmpi-dev openmpi-bin"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup: installing Debian packages:$missing" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO=sudo
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq >&2
    $SUDO apt-get install -y -qq --no-install-recommends $missing >&2
fi

if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
    echo "setup: autoreconf" >&2
    autoreconf -fi >/dev/null 2>&1 || autoreconf -fi >&2
fi
# MPI when Open MPI is there (a build configured before it was installed is configured again)
mpi=""
command -v mpicc > /dev/null 2>&1 && command -v mpirun > /dev/null 2>&1 && mpi=--with-mpi
if [ ! -f Makefile ] || [ configure -nt Makefile ] ||
    { [ -n "$mpi" ] && ! grep -q 'define SLT_HAVE_MPI' config.h 2> /dev/null; }; then
    echo "setup: configure $mpi" >&2
    ./configure -q $mpi >&2
fi
echo "setup: make" >&2
make -s -j"$(nproc)" >&2
