#!/bin/sh
. "${SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
echo "1..$n"
