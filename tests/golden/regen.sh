#!/bin/sh
# Regenerates the goldens of `go tool pprof -top` listed in top.cases.
#
# Each line of top.cases is NAME<TAB>FIXTURE<TAB>FLAGS (FIXTURE relative to
# the repository root, FLAGS space-separated and possibly empty). The golden
# NAME.txt is the stdout of
#     go tool pprof -top FLAGS FIXTURE      (or without -top when FLAGS has -text)
# run from the repository root with TZ=UTC and HOME, PPROF_TMPDIR and
# PPROF_BINARY_PATH pointing at empty temporary folders, so that nothing of
# the machine is looked up.
#
# Usage: tests/golden/regen.sh [OUT_DIR]    (default: tests/golden/top)
# Needs go (go tool pprof). Works from any directory.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/mode.sh"
# SET picks the case list: SET.cases with goldens in SET/ (top, reports, list, dot).
set=${SET:-top}
repo=$(cd "$here/../.." && pwd)
out=${1:-$here/$set}

command -v go >/dev/null 2>&1 || { echo "regen.sh: go not found" >&2; exit 1; }

case $out in /*) ;; *) out=$(pwd)/$out ;; esac
mkdir -p "$out"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/golden.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/home" "$tmp/pprof" "$tmp/bin"

tab=$(printf '\t')
set -f
n=0
status=0
cd "$repo"
while IFS="$tab" read -r name fixture flags; do
	[ -n "$name" ] || continue
	report_mode "$flags"
	# shellcheck disable=SC2086 # FLAGS are split on purpose.
	if ! env TZ=UTC HOME="$tmp/home" PPROF_TMPDIR="$tmp/pprof" \
		PPROF_BINARY_PATH="$tmp/bin" \
		go tool pprof $mode $flags "$fixture" > "$out/$name.txt" 2> "$tmp/err"; then
		echo "regen.sh: $name: go tool pprof failed:" >&2
		cat "$tmp/err" >&2
		status=1
	fi
	n=$((n + 1))
done < "$here/$set.cases"

# A golden must not name a folder of the machine that made it.
set +f
if grep -l -F -e "$repo" -e "$tmp" -e "${HOME:-/nonexistent}/" "$out"/*.txt >&2; then
	echo "regen.sh: machine paths in the goldens above" >&2
	status=1
fi

echo "regen.sh: $n goldens in $out" >&2
exit $status
