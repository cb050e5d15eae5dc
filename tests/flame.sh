#!/bin/sh
# prof flame and prof folded on the fixtures.
#
# flame, at widths 40, 80 and 200: exits 0; no line is wider than the width
# (in runes: UTF-8 continuation bytes do not count); the line after the title
# is the root box "[root ...]" exactly as wide as the width; no escape bytes
# (stdout is not a terminal, so no colour); the output equals the regression
# golden tests/golden/flame/NAME.wW.txt.
# folded: exits 0; equals tests/golden/flame/NAME.folded; its values add up to
# the values "prof -traces -unit=ns" (or us) lists, raw numbers in the sample
# unit; read back with "prof folded" it gives the same lines.
# With colour (through script(1), when it is installed): escapes, same width.
# The last line is "N passed, N failed"; exit 1 on any failure.
#
# Usage: tests/flame.sh PROF           run the checks
#        tests/flame.sh PROF --regen   rewrite the goldens from PROF first
set -u
. "$(dirname "$0")/lib.sh"
suite_start flame "$1"
regen=0
[ "${2:-}" = "--regen" ] && regen=1
unset COLUMNS
golden=tests/golden/flame
esc=$(printf '\033')

# runes FILE: the widest line of FILE, in runes.
runes() {
	LC_ALL=C tr -d '\200-\277' < "$1" | LC_ALL=C awk 'length($0) > w { w = length($0) } END { print w + 0 }'
}

# name FIXTURE: the golden's base name, "leaky_normal_t3_heap".
name() {
	n=${1#fixtures/}
	n=${n%.pb.gz}
	echo "$n" | tr '/' '_'
}

fixtures="fixtures/leaky/normal/cpu.pb.gz fixtures/leaky/normal/t3/heap.pb.gz fixtures/leaky/normal/t3/goroutine.pb.gz"
for f in fixtures/edge/*.pb.gz; do
	fixtures="$fixtures $f"
done

if [ $regen -eq 1 ]; then
	mkdir -p "$golden"
	for f in $fixtures; do
		n=$(name "$f")
		for w in 40 80 200; do
			"$prof" flame -width=$w "$f" > "$golden/$n.w$w.txt" < /dev/null
		done
		"$prof" folded "$f" > "$golden/$n.folded" < /dev/null
	done
fi

for f in $fixtures; do
	n=$(name "$f")
	for w in 40 80 200; do
		out=$tmp/$n.w$w
		rc=0
		"$prof" flame -width=$w "$f" > "$out" 2> "$tmp/err" < /dev/null || rc=$?
		if [ $rc -ne 0 ]; then
			bad "flame $n -width=$w: exit $rc: $(head -n 1 "$tmp/err")"
			continue
		fi
		max=$(runes "$out")
		if [ "$max" -le $w ]; then ok; else bad "flame $n -width=$w: a line of $max columns"; fi
		sed -n 2p "$out" > "$tmp/root"
		rw=$(runes "$tmp/root")
		if [ "$rw" -eq $w ] && grep -q '^\[root .*\]$' "$tmp/root"; then ok; else
			bad "flame $n -width=$w: root row of $rw columns: $(cat "$tmp/root")"
		fi
		if grep -q "$esc" "$out"; then bad "flame $n -width=$w: escape bytes without colour"; else ok; fi
		if cmp -s "$out" "$golden/$n.w$w.txt"; then ok; else
			bad "flame $n -width=$w differs from $golden/$n.w$w.txt"
			diff -u "$golden/$n.w$w.txt" "$out" | head -n 20
		fi
	done

	# folded
	rc=0
	"$prof" folded "$f" > "$tmp/folded" 2> "$tmp/err" < /dev/null || rc=$?
	if [ $rc -ne 0 ]; then
		bad "folded $n: exit $rc: $(head -n 1 "$tmp/err")"
		continue
	fi
	if cmp -s "$tmp/folded" "$golden/$n.folded"; then ok; else
		bad "folded $n differs from $golden/$n.folded"
		diff -u "$golden/$n.folded" "$tmp/folded" | head -n 20
	fi
	# The sum of the values against the samples "prof -traces" lists: the
	# first field of each line after a separator is the sample's value, a
	# raw number when -unit is the sample unit's own (nanoseconds, or
	# microseconds; bytes and counts are raw with either).
	got=$(awk '{ s += $NF } END { printf "%.0f\n", s }' "$tmp/folded")
	sums=""
	for u in ns us; do
		sums="$sums $("$prof" -traces -unit=$u "$f" 2> /dev/null < /dev/null | awk '
			/^-----------\+/ { first = 1; next }
			first && /^ *-?[0-9]/ { v = $1; sub(/[^0-9.-].*$/, "", v); s += v; first = 0; next }
			/^ *[^0-9 -][^ ]*: / { next }
			{ first = 0 }
			END { printf "%.0f\n", s }')"
	done
	case " $sums " in
	*" $got "*) ok ;;
	*) bad "folded $n: values add up to $got, traces (ns, us) to$sums" ;;
	esac
	# Round trip: folded output read back gives the same lines.
	if [ -s "$tmp/folded" ]; then
		rc=0
		"$prof" folded "$tmp/folded" > "$tmp/again" 2> "$tmp/err" < /dev/null || rc=$?
		if [ $rc -eq 0 ] && cmp -s "$tmp/folded" "$tmp/again"; then ok; else
			bad "folded $n: read back gives other lines (exit $rc: $(head -n 1 "$tmp/err"))"
		fi
		# And its flame graph keeps the invariants.
		"$prof" flame -width=80 "$tmp/folded" > "$tmp/flame2" 2> /dev/null < /dev/null
		if [ "$(runes "$tmp/flame2")" -le 80 ] && [ "$(sed -n 2p "$tmp/flame2" | wc -m)" -gt 0 ]; then ok; else
			bad "flame of folded $n"
		fi
	fi
done

# Folded input as flamegraph.pl and inferno take it (fixtures/folded/MANIFEST):
# each file reads as plain.txt does, with nothing on stderr or one note.
"$prof" folded fixtures/folded/plain.txt > "$tmp/plain" 2> /dev/null < /dev/null
for f in fixtures/folded/*.txt; do
	n=${f##*/}
	case $n in
	invalid-lines.txt) want="prof: $f: skipped 4 lines that are not \"stack count\" (the first is line 1)" ;;
	fractions.txt) want="prof: $f: dropped the fraction of 2 counts" ;;
	*) want= ;;
	esac
	rc=0
	"$prof" folded "$f" > "$tmp/out" 2> "$tmp/err" < /dev/null || rc=$?
	if [ $rc -eq 0 ] && cmp -s "$tmp/out" "$tmp/plain" && [ "$(cat "$tmp/err")" = "$want" ]; then ok; else
		bad "folded input $n: exit $rc, stderr $(head -n 2 "$tmp/err")"
		diff -u "$tmp/plain" "$tmp/out" | head -n 10
	fi
done
# No stack read (a folded file that sniffs as one is in fixtures/broken/): one line, exit 1.
printf 'a;b 9223372036854775807\nb 1\n' > "$tmp/bad.txt"
rc=0
"$prof" flame "$tmp/bad.txt" > "$tmp/out" 2> "$tmp/err" < /dev/null || rc=$?
if [ $rc -eq 1 ] && [ ! -s "$tmp/out" ] &&
	[ "$(cat "$tmp/err")" = "prof: $tmp/bad.txt: line 2: the counts add up to more than 2^63" ]; then ok; else
	bad "bad folded input: exit $rc, stderr $(head -n 1 "$tmp/err")"
fi
# Usage: a width out of range.
rc=0
"$prof" flame -width=5 fixtures/leaky/normal/cpu.pb.gz > "$tmp/out" 2> "$tmp/err" < /dev/null || rc=$?
if [ $rc -eq 1 ] && grep -q "width 5 is out of range" "$tmp/err"; then ok; else bad "flame -width=5: exit $rc"; fi
# The terminal's width from COLUMNS, 80 without it.
COLUMNS=120 "$prof" flame fixtures/leaky/normal/cpu.pb.gz > "$tmp/out" 2> /dev/null < /dev/null
if [ "$(sed -n 2p "$tmp/out" | LC_ALL=C tr -d '\200-\277' | awk '{ print length($0) }')" = 120 ]; then ok; else
	bad "COLUMNS=120"
fi
"$prof" flame fixtures/leaky/normal/cpu.pb.gz > "$tmp/out" 2> /dev/null < /dev/null
if cmp -s "$tmp/out" "$golden/leaky_normal_cpu.w80.txt"; then ok; else bad "default width 80"; fi

# Colour on a terminal (script(1) gives prof one), none with NO_COLOR.
if command -v script > /dev/null 2>&1; then
	script -q -c "\"$prof\" flame -width=100 fixtures/leaky/normal/cpu.pb.gz" /dev/null < /dev/null 2> /dev/null |
		tr -d '\r' > "$tmp/color"
	sed "s/$esc\[[0-9;]*m//g" "$tmp/color" > "$tmp/stripped"
	"$prof" flame -width=100 fixtures/leaky/normal/cpu.pb.gz > "$tmp/plain" 2> /dev/null < /dev/null
	if grep -q "$esc\[" "$tmp/color" && cmp -s "$tmp/stripped" "$tmp/plain"; then ok; else
		bad "colour on a terminal: escapes, and the same text without them"
	fi
	NO_COLOR=1 script -q -c "\"$prof\" flame -width=100 fixtures/leaky/normal/cpu.pb.gz" /dev/null < /dev/null 2> /dev/null |
		tr -d '\r' > "$tmp/nocolor"
	if grep -q "$esc" "$tmp/nocolor"; then bad "NO_COLOR still colours"; else ok; fi
fi

suite_end
