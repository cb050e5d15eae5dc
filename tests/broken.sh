#!/bin/sh
# Every file under fixtures/broken/ that has a NAME.err beside it must make
# "prof -top NAME" print exactly that line on stderr, nothing on stdout, and
# exit 1; NAME.args.err is the first line of a usage error (exit 2) of the
# command line in NAME.args, one argument a line. NAME.top is the report
# that "prof -top NAME" must give (exit 0): an input that once crashed prof.
# Files without a .err or .top (scripts, sources) are skipped.
#
# Then the hostile files too big to commit, made by tests/badgen.c (built
# here with cc and zlib) into a temporary folder: each must give the line in
# fixtures/broken/generated/NAME.err (sizes, which follow zlib's output,
# read as N) or the report in NAME.top. The bomb must be refused in under 30
# seconds and 1 GiB (measured with /usr/bin/time, when there, outside the
# sanitizers). The last line is "N passed, N failed".
#
# Usage: tests/broken.sh PROF
set -eu
prof=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$(cd "$(dirname "$0")/../fixtures/broken" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/broken.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0
failed=0
cd "$dir"
for want in *.err; do
	name=${want%.err}
	rc=0
	case $name in
	*.args)
		# A command line, one argument a line: a usage error (exit 2) with that line first.
		status=2
		(IFS='
'; set -f; exec "$prof" $(cat "$name")) > "$tmp/out" 2> "$tmp/err.all" < /dev/null || rc=$?
		head -n 1 "$tmp/err.all" > "$tmp/err" ;;
	*)
		status=1
		"$prof" -top "$name" > "$tmp/out" 2> "$tmp/err" < /dev/null || rc=$? ;;
	esac
	if [ $rc -eq $status ] && [ ! -s "$tmp/out" ] && cmp -s "$want" "$tmp/err"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL broken/$name: exit $rc, $(wc -c < "$tmp/out") bytes on stdout"
		diff -u "$want" "$tmp/err" | head -n 10 || true
	fi
done

# NAME.top: an input that once crashed prof (found by a fuzzer) now gives that safe report.
for want in *.top; do
	[ -f "$want" ] || continue
	name=${want%.top}
	rc=0
	"$prof" -top "$name" > "$tmp/out" 2> "$tmp/err" < /dev/null || rc=$?
	if [ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && cmp -s "$want" "$tmp/out"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL broken/$name: exit $rc, want the report in $want"
		diff -u "$want" "$tmp/out" | head -n 10 || true
	fi
done

# generated KIND NAME: badgen KIND makes NAME; prof -top NAME must give NAME.err or NAME.top.
generated() {
	gen=$dir/generated
	if ! "$tmp/badgen" "$1" "$tmp/$2"; then
		failed=$((failed + 1))
		echo "FAIL generated/$2: badgen $1 failed"
		return
	fi
	rc=0
	(cd "$tmp" && env $genenv $timer "$prof" -top "$2" > "$tmp/out" 2> "$tmp/err" < /dev/null) || rc=$?
	rm -f "$tmp/$2"
	sed 's/[0-9][0-9.]* \(bytes\|KiB\|MiB\|GiB\)/N \1/g' "$tmp/err" > "$tmp/err.n"
	if [ -f "$gen/$2.err" ]; then
		[ $rc -eq 1 ] && [ ! -s "$tmp/out" ] && cmp -s "$gen/$2.err" "$tmp/err.n" && ok=1 || ok=0
		want=$gen/$2.err got=$tmp/err.n
	else
		[ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && cmp -s "$gen/$2.top" "$tmp/out" && ok=1 || ok=0
		want=$gen/$2.top got=$tmp/out
	fi
	if [ $ok -eq 1 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL generated/$2: exit $rc"
		head -n 3 "$tmp/err" | sed 's/^/  stderr: /'
		diff -u "$want" "$got" | head -n 10 || true
	fi
}

# limits LABEL SECONDS KIB: the last generated run took at most that long and that much memory.
limits() {
	[ -n "$timer" ] && [ -s "$tmp/time" ] || return 0
	# time -o starts with "Command exited with non-zero status 1".
	read -r secs kib <<- EOF
	$(tail -n 1 "$tmp/time" | tr _ ' ')
	EOF
	if awk -v s="$secs" -v k="$kib" -v ms="$2" -v mk="$3" 'BEGIN { exit !(s < ms && k < mk) }'; then
		echo "$1: refused in ${secs}s, peak RSS ${kib} KiB"
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $1: took ${secs}s and ${kib} KiB (at most ${2}s and $3 KiB)"
	fi
}

repo=$(cd "$dir/../.." && pwd)
if ! ${CC:-cc} -O2 -std=c11 -o "$tmp/badgen" "$repo/tests/badgen.c" -lz 2> "$tmp/cc"; then
	failed=$((failed + 1))
	echo "FAIL tests/badgen.c does not build"
	cat "$tmp/cc"
else
	timer=
	# The sanitizers' shadow memory and slowness say nothing about prof's limits.
	if [ -x /usr/bin/time ] && [ -z "${ASAN_OPTIONS:-}" ]; then
		timer="/usr/bin/time -o $tmp/time -f %e_%M"
	fi
	genenv=
	generated bomb bomb.pb.gz
	limits "the bomb" 30 1048576
	generated empty-strings empty-strings.pb.gz
	generated text-bomb text-bomb.txt.gz
	limits "the text bomb" 30 1048576
	# Past a lower limit: inflating the default 2 GiB takes long under the sanitizers.
	genenv=PROF_MAX_SIZE=512mb
	generated skipped-fields skipped-fields.pb.gz
	genenv=
	generated big-label big-label.pb.gz
	generated locations locations.pb.gz
	generated wrapping-mapping wrapping-mapping.pb
	generated members members.pb.gz
fi

# The shell's diff loads its base under the same -max_size as the command line's files.
head -c 13631488 /dev/zero > "$tmp/13-mib"
if printf 'diff %s\n' "$tmp/13-mib" | "$prof" -max_size=12mb "$repo/fixtures/leaky/normal/t3/goroutine.pb.gz" 2>&1 |
	grep -q "13-mib: is larger than 12 MiB"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL the shell's diff ignores -max_size"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
