#!/bin/sh
# Re-derives every golden of top.cases with go tool pprof into a scratch
# folder and compares it byte for byte with the committed one in top/.
# Cases listed in rederive.exceptions (NAME<TAB>REASON) are not compared.
# Prints "ok NAME" or "FAIL NAME" per case and a final line
# "N passed, N failed"; exits 1 if any case failed. Without go on PATH it
# prints "0 passed, 0 failed, N skipped" and exits 0.
#
# Usage: tests/golden/rederive.sh [BUILD_DIR]
# The scratch folder is BUILD_DIR/golden-rederived when BUILD_DIR is given,
# else a temporary folder that is removed afterwards.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# SET picks the case list: SET.cases with goldens in SET/ (top, reports, list, dot).
set=${SET:-top}
cases=$here/$set.cases
tab=$(printf '\t')

total=$(grep -c "$tab" "$cases" || true)

if ! command -v go >/dev/null 2>&1; then
	echo "rederive.sh: go not found; skipping" >&2
	echo "0 passed, 0 failed, $total skipped"
	exit 0
fi

if [ $# -ge 1 ] && [ -n "$1" ]; then
	mkdir -p "$1"
	scratch=$(cd "$1" && pwd)/golden-rederived
	rm -rf "$scratch"
	mkdir -p "$scratch"
else
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/rederive.XXXXXX")
	trap 'rm -rf "$scratch"' EXIT INT TERM
fi

"$here/regen.sh" "$scratch" 2> "$scratch/regen.log" || true

passed=0
failed=0
while IFS="$tab" read -r name fixture flags; do
	[ -n "$name" ] || continue
	why=$(grep "^$name$tab" "$here/rederive.exceptions" | cut -f 2)
	if [ -n "$why" ]; then
		echo "exception $name: $why"
		passed=$((passed + 1))
	elif [ -f "$scratch/$name.txt" ] && [ -f "$here/$set/$name.txt" ] &&
		cmp -s "$scratch/$name.txt" "$here/$set/$name.txt"; then
		echo "ok $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name ($fixture $flags)"
		if [ -f "$scratch/$name.txt" ] && [ -f "$here/$set/$name.txt" ]; then
			diff -u "$here/$set/$name.txt" "$scratch/$name.txt" | head -n 40 || true
		fi
		failed=$((failed + 1))
	fi
done < "$cases"

if [ $failed -ne 0 ] && [ -s "$scratch/regen.log" ]; then
	sed 's/^/regen: /' "$scratch/regen.log"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
