#!/bin/sh
# Every file under fixtures/broken/ that has a NAME.err beside it must make
# "prof -top NAME" print exactly that line on stderr, nothing on stdout, and
# exit 1. Files without a .err (scripts, sources) are skipped. The last line
# is "N passed, N failed".
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
	"$prof" -top "$name" > "$tmp/out" 2> "$tmp/err" < /dev/null || rc=$?
	if [ $rc -eq 1 ] && [ ! -s "$tmp/out" ] && cmp -s "$want" "$tmp/err"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL broken/$name: exit $rc, $(wc -c < "$tmp/out") bytes on stdout"
		diff -u "$want" "$tmp/err" | head -n 10 || true
	fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
