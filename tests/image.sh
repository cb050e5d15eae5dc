#!/bin/sh
# Graph images drawn in the process by Graphviz's libraries: -svg works with
# no `dot` executable anywhere (PATH is emptied for prof), gives well-formed
# XML (xmllint) for every fixture, hostile names included, and shows the same
# graph as -dot (every node label of the DOT is in the SVG). -png, -gif and
# -ps give their formats' magic bytes, or one clear error line when the
# Graphviz plugin is not installed. Bad input leaves no output file.
# The last line is "N passed, N failed"; the exit status is 1 on any failure.
#
# Usage: tests/image.sh PROF
set -u
. "$(dirname "$0")/lib.sh"
suite_start image "$1"

if ! command -v xmllint > /dev/null 2>&1; then
	echo "image.sh: xmllint not found (Debian: libxml2-utils)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

# nodot ARGS...: prof ARGS with no dot executable reachable.
nodot() {
	rc=0
	env PATH=/nonexistent "$prof" "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null || rc=$?
}

for f in fixtures/edge/*.pb.gz fixtures/leaky/normal/t3/*.pb.gz fixtures/leaky/trimpath/same/*.pb.gz \
	fixtures/leaky/normal/cpu.pb.gz fixtures/leaky/normal/t3/goroutine.debug2.txt; do
	rm -f "$tmp/g.svg"
	nodot -svg -output="$tmp/g.svg" "$f"
	if [ $rc -ne 0 ]; then
		# Only a profile pprof also refuses may fail (an empty one, say).
		if "$prof" -dot "$f" > /dev/null 2>&1; then
			bad "$f: -svg exit $rc: $(head -n 1 "$tmp/err")"
		else
			ok
		fi
		continue
	fi
	if grep -q '^<svg' "$tmp/g.svg" && xmllint --noout "$tmp/g.svg" 2> "$tmp/xml"; then
		ok
	else
		bad "$f: not a well-formed SVG: $(head -n 1 "$tmp/xml" 2> /dev/null)"
		continue
	fi
	# The SVG shows the graph of -dot: the same nodes, in the same number.
	"$prof" -dot "$f" > "$tmp/g.dot" 2> /dev/null
	# Nodes are declared, or named by an edge only (pprof's DOT can point an
	# edge at a node it dropped; Graphviz draws it).
	LC_ALL=C sed -n -e 's/^\(N[0-9_]*\) \[.*/\1/p' -e 's/^\(N[0-9_]*\) -> \(N[0-9_]*\) .*/\1\
\2/p' "$tmp/g.dot" | sort -u > "$tmp/want"
	LC_ALL=C sed -n 's/^<title>\(N[0-9_]*\)<\/title>$/\1/p' "$tmp/g.svg" | sort -u > "$tmp/got"
	if cmp -s "$tmp/want" "$tmp/got"; then ok; else
		bad "$f: $(wc -l < "$tmp/got") nodes in the SVG, $(wc -l < "$tmp/want") in the DOT"
	fi
done

# Hostile names are escaped, not interpreted.
h=fixtures/edge/hostile.pb.gz
nodot -svg "$h"
if [ $rc -eq 0 ] && xmllint --noout "$tmp/out" 2> /dev/null && grep -q '&lt;script&gt;' "$tmp/out" &&
	! grep -q '<script' "$tmp/out" && ! grep -q "$(printf '\033')" "$tmp/out"; then
	ok
else
	bad "hostile names in the SVG"
fi

# Other formats: the right magic, or one clear line when the plugin is missing.
for fmt in png gif ps pdf; do
	case $fmt in
	png) magic=$(printf '\211PNG') ;;
	gif) magic=GIF8 ;;
	ps) magic=%!PS ;;
	pdf) magic=%PDF ;;
	esac
	rm -f "$tmp/g.$fmt"
	nodot -$fmt -output="$tmp/g.$fmt" fixtures/leaky/normal/t3/heap.pb.gz
	if [ $rc -eq 0 ] && [ "$(head -c ${#magic} "$tmp/g.$fmt")" = "$magic" ]; then
		ok
	elif [ $rc -eq 1 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "renderer plugin is not installed" "$tmp/err" &&
		[ ! -e "$tmp/g.$fmt" ]; then
		ok
	else
		bad "-$fmt: exit $rc: $(head -n 1 "$tmp/err")"
	fi
done

# Bad input: one line, exit 1, no file.
nodot -svg -output="$tmp/bad.svg" fixtures/broken/empty-file.pb
if [ $rc -eq 1 ] && [ ! -e "$tmp/bad.svg" ] && [ "$(wc -l < "$tmp/err")" -eq 1 ]; then ok; else bad "bad input: exit $rc"; fi
nodot -svg -output="$tmp/none.svg" '-focus=(' fixtures/leaky/normal/t3/heap.pb.gz
if [ $rc -ne 0 ] && [ ! -e "$tmp/none.svg" ]; then ok; else bad "-svg with a bad regex: exit $rc"; fi
# Hostile names through every granularity and the tag boxes (pprof's DOT
# leaves file names and label values unescaped; Graphviz gets them escaped).
for flags in -lines -files -addresses -tagshow=tag -call_tree; do
	nodot -svg $flags "$h"
	if [ $rc -eq 0 ] && xmllint --noout "$tmp/out" 2> /dev/null; then ok; else bad "hostile names, -svg $flags: exit $rc"; fi
done

# On a terminal without -output, as pprof: a new profileNNN.svg, not the terminal.
if command -v script > /dev/null 2>&1; then
	mkdir "$tmp/cwd"
	(cd "$tmp/cwd" && script -q -c "\"$prof\" -svg \"$repo/$h\"; echo \"rc=\$?\"" /dev/null < /dev/null > "$tmp/tty" 2>&1)
	if grep -q "Generating report in profile001.svg" "$tmp/tty" && grep -q "rc=0" "$tmp/tty" &&
		xmllint --noout "$tmp/cwd/profile001.svg" 2> /dev/null && ! grep -q '<svg' "$tmp/tty"; then ok; else
		bad "-svg on a terminal: $(head -c 200 "$tmp/tty")"
	fi
fi

suite_end
