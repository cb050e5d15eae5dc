#!/bin/sh
# Runs PROF on every case of top.cases and compares its stdout byte for byte
# with the golden top/NAME.txt (made by go tool pprof). For each case the
# command is
#     PROF -top FLAGS FIXTURE      (or without -top when FLAGS has -text)
# run from the repository root with TZ=UTC. A failing case shows the first
# lines of a unified diff (golden first). The last line is
# "N passed, N failed"; the exit status is 1 if any case failed.
#
# Usage: tests/golden/run.sh PROF      (from any directory; POSIX sh tools only)
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 PROF" >&2
	exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
. "$here/mode.sh"
# SET picks the case list: SET.cases with goldens in SET/ (top, reports, list, dot).
set=${SET:-top}
repo=$(cd "$here/../.." && pwd)

prof=$1
case $prof in
/*) ;;
*/*) prof=$(pwd)/$prof ;;
*) prof=$(command -v "$prof" || echo "$prof") ;;
esac
if [ ! -x "$prof" ]; then
	echo "run.sh: $1: not an executable" >&2
	exit 2
fi
mode_prof=$prof

tmp=$(mktemp -d "${TMPDIR:-/tmp}/golden-run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

tab=$(printf '\t')
set -f
passed=0
failed=0
cd "$repo"
while IFS="$tab" read -r name fixture flags; do
	[ -n "$name" ] || continue
	report_mode "$flags"
	rc=0
	# shellcheck disable=SC2086 # FLAGS are split on purpose.
	TZ=UTC "$prof" $mode $flags "$fixture" > "$tmp/out" 2> "$tmp/err" < /dev/null || rc=$?
	if [ $rc -eq 0 ] && cmp -s "$here/$set/$name.txt" "$tmp/out"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $name: prof${mode:+ $mode}${flags:+ $flags} $fixture (exit $rc)"
		if [ -s "$tmp/err" ]; then
			head -n 5 "$tmp/err" | sed 's/^/  stderr: /'
		fi
		diff -u "$here/$set/$name.txt" "$tmp/out" | head -n 40 || true
	fi
done < "$here/$set.cases"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
