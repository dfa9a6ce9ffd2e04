#!/bin/sh
# The gallery: `make gallery` in fast mode (GALLERY_TRIALS=2: every preset with --trials 2) into a
# scratch folder, then its index.html in headless Chromium: every image loaded (the page's own script
# writes "K of N images loaded, L of N SVG" into #imgcheck after the load event; --dump-dom reads it back) and
# every preset of figures/*.fig and `sltsim figure list` is on the page and in README.md. Keeps a
# screenshot in tests/gallery-screenshot.png of the build tree.
. "${SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
SRC=${SRCDIR:-.}
B=$(cd "$(dirname "$S")" && pwd)
G=$T/gallery
unset MAKEFLAGS MFLAGS MAKELEVEL

start=$(date +%s)
GALLERY_TRIALS=2 GALLERY_TIMEOUT=300 ${MAKE:-make} -s -C "$B" gallery GALLERY_DIR="$G" > "$T/make.log" 2>&1
st=$?
secs=$(( $(date +%s) - start ))
ok $st "make gallery (fast mode) exits 0 in $secs s ($(grep -v ' ok$' "$T/make.log" | tail -2 | tr '\n' ' '))"
sed 's/^/# /' "$T/make.log"
[ -s "$G/index.html" ] && [ -s "$G/README.md" ]; ok $? "index.html and README.md written"

ls "$SRC"/figures/*.fig | sed 's,.*/,,; s,\.fig$,,' | sort > "$T/presets"
$S figure list | awk '{print $1}' | sort > "$T/listed"
cmp -s "$T/presets" "$T/listed"; ok $? "figures/*.fig and sltsim figure list agree ($(wc -l < "$T/presets") presets)"
for p in $(cat "$T/presets"); do
    is_png "$G/$p.png" && head -c 400 "$G/$p.svg" | grep -q '<svg' \
        && grep -q "data-preset=\"$p\"" "$G/index.html" && grep -q "(\`$p\`)" "$G/README.md" \
        && grep -q "sltsim figure $p -o DIR" "$G/index.html"
    ok $? "preset $p: PNG, SVG, its section with the command in index.html, in README.md"
done

CH=""
for c in chromium chromium-browser google-chrome; do
    command -v "$c" > /dev/null && { CH=$c; break; }
done
[ -n "$CH" ]; ok $? "headless Chromium available ($CH; Debian package chromium)"
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
--disable-component-update --disable-sync --hide-scrollbars --virtual-time-budget=20000"
timeout 180 "$CH" $flags --user-data-dir="$T/profile1" --dump-dom "file://$G/index.html" > "$T/dom.html" 2> "$T/chromium.err"
st=$?
ok $st "Chromium loads index.html (exit $st)"
total=$(wc -l < "$T/presets")
check=$(sed -n 's/.*<p id="imgcheck"[^>]*>\([^<]*\)<.*/\1/p' "$T/dom.html")
is "$check" "$total of $total images loaded, $total of $total SVG" "every PNG and SVG loaded in Chromium (naturalWidth > 0)"
for p in $(cat "$T/presets"); do grep -q "data-preset=\"$p\"" "$T/dom.html" || echo "$p"; done > "$T/nodom"
[ ! -s "$T/nodom" ]; ok $? "every preset is on the rendered page ($(tr '\n' ' ' < "$T/nodom"))"

timeout 180 "$CH" $flags --user-data-dir="$T/profile2" --window-size=1300,2400 \
    --screenshot="$T/shot.png" "file://$G/index.html" > /dev/null 2>> "$T/chromium.err"
is_png "$T/shot.png" && cp "$T/shot.png" "$B/tests/gallery-screenshot.png"
ok $? "screenshot kept in tests/gallery-screenshot.png"
echo "1..$n"
