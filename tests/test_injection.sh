#!/bin/sh
# Hostile text never becomes a gnuplot or shell command (TAP). Every vector of issue 7 (title,
# ylabel, output names, figure folder, CSV file name, preset file name and keys, CSV header and
# cells, yrange) and the options of the figure model (panels, y2, heat map, contour, size) is
# tried with payloads that would create a marker file if gnuplot or a shell ever ran them; after
# each command no marker may exist anywhere under the scratch folder or the working folder.
. "${SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
cd "$T" || exit 1
mkdir work && cd work || exit 1
$S run ridge gamma=0.5,2,3 n=20 --trials 0 -o base.csv

# payloads: backquotes, macros, system(), a closing quote then a command, a newline then a command
P1='x`touch pw1`'
P2="x'; system('touch pw2'); '"
P3='x"; system("touch pw3"); "'
P4='@x `touch pw4` $(touch pw4)'
P5="x
system('touch pw5')"
P6='x\\`touch pw6`'

# no_marker WHAT: no pw* file anywhere below $T
no_marker() {
    found=$(find "$T" -name 'pw*' | head -1)
    [ -z "$found" ]; ok $? "no command ran: $1${found:+ (found $found)}"
    find "$T" -name 'pw*' -exec rm -f {} +
}
# exits WANT WHAT CMD...: the command's exit status is WANT, with one 'sltsim:' line if it is 2
exits() {
    want=$1; what=$2; shift 2
    "$@" > "$T/out" 2> "$T/err"; st=$?
    lines=$(grep -c '' "$T/err")
    [ "$st" -eq "$want" ] && { [ "$st" -ne 2 ] || { [ "$lines" -eq 1 ] && grep -q '^sltsim: ' "$T/err"; }; }
    ok $? "$what: exit $st, want $want ($(head -c 200 "$T/err" | tr '\n' '|'))"
}

i=0
for p in "$P1" "$P2" "$P3" "$P4" "$P6"; do
    i=$((i + 1))
    exits 0 "--title payload $i" $S plot base.csv -o t$i.png --title "$p"
    no_marker "--title payload $i"
    exits 0 "--ylabel payload $i" $S plot base.csv -o t$i.png --ylabel "$p"
    no_marker "--ylabel payload $i"
    exits 0 "run --plot --title payload $i" $S run ridge gamma=0.5,2 n=20 --trials 0 -o r$i.csv --plot r$i.png --title "$p"
    no_marker "run --title payload $i"
done
exits 2 "--title with a newline is refused" $S plot base.csv -o t.png --title "$P5"
no_marker "--title with a newline"

# --- yrange is parsed as numbers, never pasted
exits 2 "--yrange with a command" $S plot base.csv -o y.png --yrange '0:1]; system("touch pw7"); #'
exits 2 "--yrange with a newline" $S plot base.csv -o y.png --yrange "0:1]
system('touch pw7')"
exits 2 "--yrange abc" $S plot base.csv -o y.png --yrange abc
exits 2 "--yrange on run, before any work" $S run ridge gamma=0.5,2 n=20 --trials 0 -o y.csv --plot y.png --yrange '0:1];`touch pw7`'
[ ! -e y.csv ]; ok $? "a refused --yrange on run writes no table"
no_marker "--yrange"

# --- output names: gnuplot never sees them; '|' and control characters are refused
exits 2 "figure name starting with |" $S plot base.csv -o '|touch pw8;.png'
exits 2 "--plot name starting with |" $S run ridge gamma=0.5,2 n=20 --trials 0 --plot '|touch pw8;.png'
exits 2 "figure name with a newline" $S plot base.csv -o "a
b.png"
exits 0 "figure name with backquotes is just a name" $S plot base.csv -o 'n`touch pw8`.png'
[ -s 'n`touch pw8`.png' ] && is_png 'n`touch pw8`.png'; ok $? "the figure is written under its literal name"
rm -f 'n`touch pw8`.png'
exits 0 "--plot name with a quote" $S run ridge gamma=0.5,2 n=20 --trials 0 -o q.csv --plot "q'\"; system('touch pw8').png"
no_marker "output names"
exits 2 "--plot into a missing folder, before any work" $S run ridge gamma=0.5,2 n=20 --trials 0 --plot no/such/dir/p.png
[ ! -s "$T/out" ]; ok $? "no image bytes on standard output when the folder is missing"

# --- the default figure name comes from the CSV's file name
cp base.csv 'c`touch pw9`.csv'
exits 0 "CSV file name with backquotes" $S plot 'c`touch pw9`.csv'
[ -s 'c`touch pw9`.png' ]; ok $? "default figure name taken literally"
no_marker "CSV file name"

# --- figure -o DIR and preset file names and keys
mkdir 'd`touch pw10`'
cat > 'p`touch pw11`.fig' <<'EOF'
title T`touch pw12`
experiment ridge
args gamma=0.5,2 n=20
trials 0
ylabel L`touch pw13`'; system('touch pw13'); '
EOF
exits 0 "preset with backquotes in its file name, title and ylabel" $S figure 'p`touch pw11`.fig' -o 'd`touch pw10`'
no_marker "preset and folder names"
printf 'experiment ridge\nargs gamma=0.5,2 n=20\ntrials 0\nyrange 0:1]; system("touch pw14"); #\n' > y.fig
exits 2 "preset yrange with a command" $S figure y.fig -o .
no_marker "preset yrange"

# --- CSV contents: header, word cells used as labels, fixed cells in the subtitle, reference cells
sed 's/^gamma,/gam`touch pw15`ma,/' base.csv > h.csv
exits 2 "a column name that is not a name" $S plot h.csv -o h.png
$S run ridge gamma=0.5,2,3 cov=iso,two n=20 --trials 0 -o w.csv
sed "s/,iso,/,iso\`touch pw16\`'; system('touch pw16'); ',/" w.csv > w2.csv
exits 0 "a word cell with a payload (curve label)" $S plot w2.csv -o w.png
sed "s/,0.25,/,0.25\`touch pw17\`,/" base.csv > f.csv
exits 0 "a fixed-parameter cell with a payload (subtitle)" $S plot f.csv -o f.png
exits 0 "a payload in a reference-line cell is not a number" $S plot f.csv -o f.png --hline sigma2
no_marker "CSV contents"

# --- the options of the figure model
exits 0 "--panels over a cell with a payload" $S plot w2.csv -o pn.png --panels cov
exits 2 "--panels with a payload" $S plot base.csv -o pn.png --panels 'cov`touch pw18`'
exits 2 "--y2 with a payload" $S plot base.csv -o pn.png --y2 'bias;`touch pw18`'
exits 2 "--heatmap with a payload" $S plot base.csv -o pn.png --heatmap 'risk`touch pw18`' --x gamma --y n
exits 2 "--contour with a payload" $S plot base.csv -o pn.png --contour '0`touch pw18`'
exits 2 "--size with a payload" $S plot base.csv -o pn.png --size '800,600`touch pw18`'
no_marker "figure-model options"

# --- unbounded or unrelated input
exits 2 "plot /dev/zero is refused, not read forever" timeout 20 $S plot /dev/zero -o z.png
printf 'secret-line-do-not-echo\n' > private.txt
exits 2 "plot of an unrelated file" $S plot private.txt -o z.png
! grep -q secret-line "$T/err"; ok $? "the content of an unrelated file is not echoed"

# --- gnuplot's failure is one sltsim line, and the previous figure survives
$S plot base.csv -o keep.png > /dev/null
cp keep.png keep.orig
SLTSIM_GNUPLOT=/bin/false $S plot base.csv -o keep.png > "$T/out" 2> "$T/err"; st=$?
[ "$st" -eq 1 ] && [ "$(grep -c '' "$T/err")" -eq 1 ] && grep -q '^sltsim: gnuplot failed' "$T/err"
ok $? "a gnuplot failure is exit 1 with one line ($(cat "$T/err"))"
cmp -s keep.png keep.orig; ok $? "a failed figure leaves the previous file intact"
[ -z "$(ls -a | grep '^\.sltsim-fig')" ]; ok $? "no temporary figure file left behind"

echo "1..$n"
