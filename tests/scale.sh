#!/bin/sh
# Every report and command at real scale, under a hang limit, with a sanity
# check of what it printed. The inputs are made here, not committed: the
# benchmark's generator writes heap profiles of 10k and 100k unique stacks,
# awk writes a debug=2 dump of 100k goroutines, and the largest real
# profiles of ../shared/realworld/ join them when that folder is there.
#
# It finds hangs and crashes, it is not a speed test: each command gets
# SCALE_LIMIT seconds (default 120, for the ASan build on 2 cores).
# Sanity: the total is the same in top, tree and dot; a diff of a profile
# with itself is all zeros; merging a profile with itself doubles every
# folded value; -proto's output reads back to the same top.
#
# Usage: tests/scale.sh PROF    (PROF's build has bench/profgen)
# The last line is "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
suite_start scale "$1"
limit=${SCALE_LIMIT:-120}
profgen=$(dirname "$prof")/bench/profgen
[ -x "$profgen" ] || { echo "FAIL no profgen beside $prof"; echo "0 passed, 1 failed"; exit 1; }

# run NAME COMMAND...: COMMAND under the limit, stdout in $tmp/NAME.out;
# it must exit 0 (a hang, a crash or an error fails the check).
run() {
	name=$1
	shift
	rc=0
	timeout -k 5 "$limit" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" < /dev/null || rc=$?
	if [ "$rc" -eq 0 ]; then
		ok
		return 0
	fi
	[ "$rc" -eq 124 ] && rc="a hang (over ${limit}s)"
	bad "$name: exit $rc: $(head -c 300 "$tmp/$name.err" | head -n 2)"
	return 1
}

# same NAME A B: the files are equal.
same() {
	if cmp -s "$2" "$3"; then ok; else bad "$1: $2 and $3 differ"; diff "$2" "$3" | head -n 6; fi
}

# total FILE: the "of X total" of a report header, in the unit's base
# (reports may scale it differently: 52031.50MB and 50.81GB are one total).
total() {
	sed -n 's/.*Showing nodes accounting for .*, .* of \(.*\) total.*/\1/p' "$1" | head -n 1 |
		awk '{ v = $0; u = v; sub(/^-?[0-9.e+]+/, "", u); sub(/[^0-9.e+-].*$/, "", v)
			m["B"] = 1; m["kB"] = 1024; m["MB"] = 1024^2; m["GB"] = 1024^3; m["TB"] = 1024^4; m["PB"] = 1024^5
			m["ns"] = 1e-9; m["us"] = 1e-6; m["ms"] = 1e-3; m["s"] = 1; m["mins"] = 60; m["hrs"] = 3600
			printf "%.6g\n", v * (u in m ? m[u] : 1) }'
}

# near A B: equal within the rounding of a printed total (0.5%).
near() {
	[ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = a < 0 ? -a : a; exit !(d <= m * 0.005) }'
}

# The generated inputs.
"$profgen" -samples 10000 -stacks 10000 -seed 1 -o "$tmp/u10k.pb.gz" > /dev/null || bad "profgen 10k"
"$profgen" -samples 100000 -stacks 100000 -seed 2 -o "$tmp/u100k.pb.gz" > /dev/null || bad "profgen 100k"
"$profgen" -samples 100000 -stacks 100000 -seed 3 -o "$tmp/v100k.pb.gz" > /dev/null || bad "profgen 100k (second)"
inputs="$tmp/u10k.pb.gz $tmp/u100k.pb.gz"

# The largest real profiles (pb.gz, at most 3), when shared/ is beside the repository.
rw=$repo/../shared/realworld
if [ -d "$rw" ]; then
	for f in $(find "$rw" -name '*.pb.gz' -size +100k -printf '%s %p\n' 2> /dev/null | sort -rn | head -n 3 | cut -d' ' -f2-); do
		"$prof" -top "$f" > /dev/null 2>&1 && inputs="$inputs $f"
	done
fi

# A debug=2 dump of 100k goroutines in 1000 stacks and five states.
awk 'BEGIN {
	split("chan send|chan receive|chan receive (nil chan)|select (no cases)|sync.Mutex.Lock", st, "|")
	for (g = 1; g <= 100000; g++) {
		k = g % 1000; s = st[k % 5 + 1]
		printf "goroutine %d [%s, %d minutes]:\n", g + 100, s, k % 60 + 1
		printf "main.leak%d(0xc000012345)\n\t/app/leak.go:%d +0x1d\n", k, k + 10
		for (d = 0; d < k % 20; d++)
			printf "main.layer%d(...)\n\t/app/layer.go:%d +0x%x\n", d, d + 5, d * 16 + 8
		printf "created by main.start%d in goroutine 1\n\t/app/main.go:%d +0x45\n\n", k % 7, k % 7 + 30
	}
}' > "$tmp/dump.txt"

n=0
for f in $inputs; do
	n=$((n + 1))
	p=in$n
	for r in top tree traces tags raw dot flame folded; do
		run "$p-$r" "$prof" -$r "$f"
	done
	run "$p-peek" "$prof" -peek=. "$f"
	run "$p-list" "$prof" -list=. "$f" || true
	run "$p-svg" "$prof" -svg -output="$tmp/$p.svg" "$f" && [ -s "$tmp/$p.svg" ] || bad "$p-svg: no image"
	run "$p-proto" "$prof" -proto -output="$tmp/$p.proto.pb.gz" "$f"
	run "$p-diff" "$prof" diff "$f" "$f"
	run "$p-trend" "$prof" trend "$f" "$f" "$f"
	run "$p-base" "$prof" -top -base="$f" "$f"
	run "$p-diffbase" "$prof" -top -diff_base="$f" "$f"
	run "$p-merge3" "$prof" -top "$f" "$f" "$f"
	run "$p-merge2-folded" "$prof" -folded "$f" "$f"
	printf 'top 5\nsample_index=1\ntop 5 -cum\nfocus=.\ntraces\ntree 3\npeek .\nhide=runtime\ntop\nquit\n' > "$tmp/script"
	rc=0
	timeout -k 5 "$limit" "$prof" "$f" < "$tmp/script" > "$tmp/$p-shell.out" 2> "$tmp/$p-shell.err" || rc=$?
	if [ "$rc" -eq 0 ] && [ -s "$tmp/$p-shell.out" ]; then ok; else bad "$p-shell: exit $rc"; fi

	# Sanity of what they printed.
	t=$(total "$tmp/$p-top.out")
	if near "$t" "$(total "$tmp/$p-tree.out")" && near "$t" "$(total "$tmp/$p-dot.out")"; then
		ok
	else
		bad "$p: totals differ: top '$t', tree '$(total "$tmp/$p-tree.out")', dot '$(total "$tmp/$p-dot.out")'"
	fi
	if grep -q '(no stack changed)' "$tmp/$p-diff.out"; then ok; else bad "$p: diff with itself changed"; fi
	if grep -q 'Showing nodes accounting for 0, 0% of' "$tmp/$p-diffbase.out" &&
		[ "$(sed -n '/flat%/,$p' "$tmp/$p-diffbase.out" | wc -l)" -le 1 ]; then
		ok
	else
		bad "$p: -diff_base with itself is not all zeros"
	fi
	if grep -q 'Showing nodes accounting for 0, 0% of' "$tmp/$p-base.out"; then ok; else bad "$p: -base with itself is not zero"; fi
	awk '{ $NF = sprintf("%.0f", $NF * 2); print }' "$tmp/$p-folded.out" > "$tmp/$p-doubled"
	same "$p: merge with itself doubles" "$tmp/$p-doubled" "$tmp/$p-merge2-folded.out"
	if [ -s "$tmp/$p.proto.pb.gz" ]; then
		run "$p-proto-top" "$prof" -top "$tmp/$p.proto.pb.gz" &&
			same "$p: -proto reads back" "$tmp/$p-top.out" "$tmp/$p-proto-top.out"
	fi
done

# Two different 100k profiles: diff and trend must finish and agree in size.
run "diff-100k" "$prof" diff "$tmp/u100k.pb.gz" "$tmp/v100k.pb.gz"
run "trend-100k" "$prof" trend "$tmp/u100k.pb.gz" "$tmp/v100k.pb.gz" "$tmp/u100k.pb.gz"
run "diffbase-100k" "$prof" -top -diff_base="$tmp/u100k.pb.gz" "$tmp/v100k.pb.gz"

# The 100k-goroutine dump.
run dump-goroutines "$prof" goroutines "$tmp/dump.txt"
if grep -q '^100000 goroutines in 1000 groups' "$tmp/dump-goroutines.out" &&
	[ "$(awk '/^[0-9]+ goroutines  \[/ { s += $1 } END { print s }' "$tmp/dump-goroutines.out")" = 100000 ]; then
	ok
else
	bad "dump: the groups do not add up to 100000 goroutines"
fi
run dump-top "$prof" -top "$tmp/dump.txt"
if [ "$(total "$tmp/dump-top.out")" = 100000 ]; then ok; else bad "dump: top total is not 100000"; fi
run dump-traces "$prof" -traces "$tmp/dump.txt"
run dump-diff "$prof" diff "$tmp/dump.txt" "$tmp/dump.txt"
run dump-trend "$prof" trend "$tmp/dump.txt" "$tmp/dump.txt"
run dump-flame "$prof" -flame "$tmp/dump.txt"

suite_end
