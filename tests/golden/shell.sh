#!/bin/sh
# Scripted shell sessions against go tool pprof's: for every heap and
# goroutine fixture of fixtures/leaky, the script below is fed to the
# interactive mode on stdin, and stdout with the prompts taken out must equal
# pprof's (committed in shell/NAME.txt).
#
# Usage: tests/golden/shell.sh run PROF    compare prof with the goldens
#        tests/golden/shell.sh regen       rewrite the goldens (needs go)
#        tests/golden/shell.sh rederive    compare go tool pprof with them
# The last line is "N passed, N failed" (run, rederive).
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
mode=${1:-}
cd "$repo"
export TZ=UTC
heap_script='top5\nsample_index=alloc_space\ntop 3 -cum\nfocus=main\ntraces\n:\ntop -runtime 4\ntags\npeek retain\n'
goroutine_script='top5\ntop 3 -cum\nfocus=leak\ntraces\n:\ntree 4\npeek gopark\nhide=runtime\ntop\n'

session() { # session PROGRAM FIXTURE SCRIPT
	if [ "$1" = pprof ]; then
		printf "$3" | HOME=/nonexistent PPROF_BINARY_PATH=/nonexistent go tool pprof "$2" 2> /dev/null | sed 's/(pprof) //g'
	else
		printf "$3" | "$1" "$2" 2> /dev/null | sed 's/(prof) //g'
	fi
}

case $mode in
run) [ $# -eq 2 ] || { echo "usage: $0 run PROF" >&2; exit 2; }
	prog=$(cd "$(dirname "$2")" && pwd)/$(basename "$2") ;;
regen | rederive) prog=pprof
	if ! command -v go > /dev/null 2>&1; then
		echo "0 passed, 0 failed, 1 skipped"
		exit 0
	fi ;;
*) echo "usage: $0 run PROF | regen | rederive" >&2; exit 2 ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/shell-golden.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0
failed=0
for f in fixtures/leaky/*/t*/heap.pb.gz fixtures/leaky/*/t*/goroutine.pb.gz; do
	name=$(echo "$f" | sed 's|^fixtures/||; s|\.pb\.gz$||; s|/|_|g')
	case $f in
	*heap*) script=$heap_script ;;
	*) script=$goroutine_script ;;
	esac
	session "$prog" "$f" "$script" > "$tmp/out"
	if [ "$mode" = regen ]; then
		cp "$tmp/out" "$here/shell/$name.txt"
		continue
	fi
	if cmp -s "$tmp/out" "$here/shell/$name.txt"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL shell $name"
		diff -u "$here/shell/$name.txt" "$tmp/out" | head -n 30
	fi
done
[ "$mode" = regen ] && { echo "regenerated $(ls "$here/shell" | wc -l) shell goldens"; exit 0; }
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
