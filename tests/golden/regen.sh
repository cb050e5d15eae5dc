#!/bin/sh
# Regenerates the goldens of `go tool pprof -top` listed in top.cases.
#
# Each line of top.cases is NAME<TAB>FIXTURE<TAB>FLAGS (FIXTURE relative to
# the repository root, FLAGS space-separated and possibly empty). The golden
# NAME.txt is the stdout of
#     go tool pprof -top FLAGS FIXTURE      (or without -top when FLAGS has -text)
# run from the repository root with TZ=UTC and HOME, PPROF_TMPDIR and
# PPROF_BINARY_PATH pointing at empty temporary folders, so that nothing of
# the machine is looked up, and passed through build/tests/escape_filter:
# pprof prints a profile's control bytes raw, prof shows them escaped (the
# README's "Names as prof shows them"), and the filter does only that.
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
escape=${ESCAPE_FILTER:-$repo/build/tests/escape_filter}
[ -x "$escape" ] || { echo "regen.sh: $escape: build prof first (meson compile -C build)" >&2; exit 1; }

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
	# DOT doubles the backslash of an escape, as it does any in a name.
	dot=
	case " $mode $flags" in *" -dot"*) dot=-dot ;; esac
	# shellcheck disable=SC2086 # FLAGS are split on purpose.
	if ! env TZ=UTC HOME="$tmp/home" PPROF_TMPDIR="$tmp/pprof" \
		PPROF_BINARY_PATH="$tmp/bin" \
		go tool pprof $mode $flags "$fixture" > "$tmp/raw" 2> "$tmp/err" ||
		! "$escape" $dot < "$tmp/raw" > "$out/$name.txt"; then
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
