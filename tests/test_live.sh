#!/bin/sh
# Live figures (TAP): `run --plot live` redraws the figure while rows arrive. The terminal form
# runs in a tmux pane (the screen must show the axes, the key and the final curve once the run
# ends, and the table is written as usual); the window form runs under Xvfb (a gnuplot window
# appears and a screenshot of the screen is not blank).
. "${SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
SB=$(cd "$(dirname "$S")" && pwd)/$(basename "$S")
sock="sltsim-live-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null; [ -n "$xpid" ] && kill "$xpid" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

# --- terminal: a tmux pane of 110 x 40
tmux -L "$sock" new-session -d -x 110 -y 40 "sh -c 'cd $T && $SB run ridge gamma=0.2:4:16 n=60 --trials 40 --plot live -o live.csv; echo EXIT=\$?; sleep 30'"
for i in $(seq 1 120); do
    tmux -L "$sock" capture-pane -p > "$T/screen" 2>/dev/null
    grep -q 'EXIT=' "$T/screen" && break
    sleep 0.5
done
grep -q 'EXIT=0' "$T/screen"; ok $? "the live run exits 0"
grep -q 'gamma' "$T/screen" && grep -q 'risk' "$T/screen"; ok $? "the screen shows the axis label and the key"
grep -q 'simulation (mean' "$T/screen"; ok $? "the screen shows the simulation entry of the final frame"
[ "$(grep -c '|' "$T/screen")" -ge 10 ]; ok $? "the screen shows a framed plot"
[ "$(grep -vc '^#' "$T/live.csv")" -eq 17 ]; ok $? "the table is written as usual (header and 16 rows)"

# --- window: Xvfb, then a screenshot
if command -v Xvfb > /dev/null; then
    disp=:$((90 + $$ % 100))
    Xvfb "$disp" -screen 0 1280x900x24 -nolisten tcp > "$T/xvfb.log" 2>&1 & xpid=$!
    for i in $(seq 1 60); do DISPLAY=$disp xwininfo -root > /dev/null 2>&1 && break; sleep 0.5; done
    DISPLAY=$disp "$S" run ridge gamma=0.2:4:16 n=60 --trials 20 --plot live -o "$T/w.csv" > "$T/wout" 2> "$T/werr"
    ok $? "the live run in a window exits 0 ($(head -c 200 "$T/werr"))"
    for i in $(seq 1 20); do
        DISPLAY=$disp xwininfo -root -tree > "$T/tree" 2>&1
        grep -q 'sltsim live' "$T/tree" && break
        sleep 0.5
    done
    grep -q 'sltsim live' "$T/tree"; ok $? "a gnuplot window titled 'sltsim live' is on the screen"
    ! grep -q 'ridge' "$T/wout"; ok $? "nothing drawn in the terminal when a window is used"
    DISPLAY=$disp xwd -root -silent > "$T/shot.xwd" 2>/dev/null
    # a blank screen compresses to almost nothing; a drawn figure does not
    size=$(gzip -c "$T/shot.xwd" | wc -c)
    [ "$size" -gt 20000 ]; ok $? "the screenshot shows a figure ($size bytes compressed)"
    if [ -n "$SLTSIM_KEEP_SHOT" ] && command -v convert > /dev/null; then convert "xwd:$T/shot.xwd" "$SLTSIM_KEEP_SHOT"; fi
else
    ok 1 "Xvfb is installed (scripts/setup.sh installs xvfb)"
fi
echo "1..$n"
