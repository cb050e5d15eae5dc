#!/bin/sh
# The runtime's text profiles read like its protobuf ones. Checks, with no Go
# needed:
#  - same moment, two formats: fixtures/leaky/*/same/ was written with nothing
#    changing between the writes (see fixtures/gen/leaky/main.go), so for
#    goroutine, block, mutex, heap and allocs, `prof -top` of the debug=1 text
#    equals that of the pb.gz, header aside. Both run with -hide='^runtime\.':
#    the runtime leaves the runtime frames at the leaf out of text profiles.
#  - a debug=2 dump counts as many goroutines as the debug=1 header says, at
#    every moment;
#  - totals of heap and contention text equal pprof's for the same text
#    (tests/golden/text/pprof-totals.txt, made by go tool pprof with
#    TEXT_REGEN=1: pprof names no function in these files, but it sums them);
#  - `prof -top` and `prof -traces` of every text fixture equal the goldens
#    in tests/golden/text/ (prof's own output, checked by eye when made;
#    TEXT_REGEN=1 rewrites them).
# The last line is "N passed, N failed"; the exit status is 1 on any failure.
#
# Usage: tests/text.sh PROF
set -u
. "$(dirname "$0")/lib.sh"
suite_start text "$1"
gold=tests/golden/text
regen=${TEXT_REGEN:-}

# body FILE ARGS...: prof -top ARGS FILE without the lines naming the file
# and its moment, which differ between the two formats.
body() {
	f=$1
	shift
	"$prof" -top "$@" "$f" 2> "$tmp/err" < /dev/null | grep -v -e '^File: ' -e '^Type: ' -e '^Time: ' -e '^Duration: '
}

for build in normal trimpath; do
	d=fixtures/leaky/$build/same
	for kind in goroutine block mutex heap allocs; do
		# The text of allocs is that of heap: only the protobuf knows that
		# alloc_space is its default, so the indexes are named.
		case $kind in
		goroutine) sis='-sample_index=0' ;;
		block | mutex) sis='-sample_index=0 -sample_index=1' ;;
		*) sis='-sample_index=0 -sample_index=1 -sample_index=2 -sample_index=3' ;;
		esac
		for si in '' $sis; do
			[ "$kind" = allocs ] && [ -z "$si" ] && continue
			body "$d/$kind.debug1.txt" -hide='^runtime\.' $si > "$tmp/text"
			body "$d/$kind.pb.gz" -hide='^runtime\.' $si > "$tmp/pb"
			if [ -s "$tmp/pb" ] && cmp -s "$tmp/text" "$tmp/pb"; then
				ok
			else
				bad "same moment $build $kind $si: text and pb.gz differ"
				diff "$tmp/pb" "$tmp/text" | head -n 10 | sed 's/^/  /'
			fi
		done
	done
done

# A debug=2 dump has as many goroutines as the debug=1 header counts.
for f in fixtures/leaky/*/*/goroutine.debug2.txt fixtures/leaky126/*/*/goroutine.debug2.txt; do
	d=$(dirname "$f")
	want=$(sed -n '1s/^goroutine profile: total \([0-9]*\)$/\1/p' "$d/goroutine.debug1.txt")
	got=$("$prof" -top -nodecount=1 "$f" 2> /dev/null | sed -n 's/.* of \([0-9]*\) total$/\1/p')
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		ok
	else
		bad "$f: $got goroutines, the debug=1 header says $want"
	fi
done

# Totals of heap and contention text, against pprof's. Units are fixed so
# that the line does not depend on which nodes each tool shows.
totals() {
	tool=$1
	for f in fixtures/leaky/normal/*/heap.debug1.txt fixtures/leaky/normal/*/block.debug1.txt \
		fixtures/leaky/normal/*/mutex.debug1.txt fixtures/leaky/trimpath/same/*.debug1.txt; do
		case $f in *goroutine* | *threadcreate*) continue ;; esac
		for si in 0 1 2 3; do
			line=$($tool -top -nodecount=1 -sample_index=$si -unit=B "$f" 2> /dev/null |
				sed -n 's/.* of \(.*\) total$/\1/p')
			[ -n "$line" ] && echo "$f $si $line"
		done
	done
}
if [ "$regen" = 1 ]; then
	# pprof looks nothing of this machine up.
	(export HOME="$tmp" PPROF_TMPDIR="$tmp" PPROF_BINARY_PATH="$tmp"; totals "go tool pprof") > "$gold/pprof-totals.txt"
fi
totals "$prof" > "$tmp/totals"
while read -r line; do
	if grep -q -x -F -e "$line" "$tmp/totals"; then
		ok
	else
		bad "total differs from pprof's: want $line, got: $(grep -F "${line%% *} ${line#* }" "$tmp/totals" | head -n 1)"
	fi
done < "$gold/pprof-totals.txt"
[ -s "$gold/pprof-totals.txt" ] || bad "no pprof totals"

# prof's own reading of every text fixture.
for f in fixtures/leaky/normal/*/*.debug1.txt fixtures/leaky/trimpath/same/*.debug1.txt \
	fixtures/leaky/normal/t3/goroutine.debug2.txt fixtures/text/*.txt \
	fixtures/leaky126/normal/t3/*.txt fixtures/leaky126/normal/*.txt; do
	name=$(echo "$f" | sed -e 's|^fixtures/||' -e 's|/|_|g' -e 's|\.txt$||')
	for report in top traces; do
		rc=0
		"$prof" -$report "$f" > "$tmp/out" 2> "$tmp/err" < /dev/null || rc=$?
		if [ $rc -ne 0 ]; then
			bad "$f -$report: exit $rc: $(head -n 1 "$tmp/err")"
			continue
		fi
		[ "$regen" = 1 ] && cp "$tmp/out" "$gold/$name--$report.txt"
		if cmp -s "$tmp/out" "$gold/$name--$report.txt"; then
			ok
		else
			bad "$f -$report differs from $gold/$name--$report.txt:"
			diff "$gold/$name--$report.txt" "$tmp/out" | head -n 10 | sed 's/^/  /'
		fi
	done
done

# Go 1.23+ keeps 128 frames of a stack in debug=1 too: the deep recursion of
# fixtures/gen/leaky126 reads the same from its debug=1 and its pb.gz.
d126=fixtures/leaky126/normal/t3
for k in goroutine goroutineleak; do
	a=$("$prof" -traces -focus=leakDeep "$d126/$k.debug1.txt" 2> /dev/null | grep -c 'main.leakDeep$')
	b=$("$prof" -traces -focus=leakDeep "$d126/$k.pb.gz" 2> /dev/null | grep -c 'main.leakDeep$')
	if [ "$a" -ge 120 ] && [ "$a" = "$b" ]; then ok; else bad "$k: deep stack: $a frames in debug=1, $b in pb.gz"; fi
done

suite_end
