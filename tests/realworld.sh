#!/bin/sh
# Real profiles from public projects (../shared/realworld beside the
# repository, or $REALWORLD; INDEX.tsv lists them), through prof:
#
#  - every file through every report: never a crash (an exit status above 2,
#    a signal, a sanitizer's report), never a hang (a timeout), and when prof
#    refuses a file, exactly one line on stderr and nothing on stdout;
#  - with go installed (and without --no-go), -top, -traces, -tree, -raw,
#    -tags and -dot byte for byte against go tool pprof (TZ=UTC, HOME,
#    PPROF_TMPDIR and PPROF_BINARY_PATH empty folders), but for the reasoned
#    exceptions in tests/realworld.exceptions (FILE<TAB>REPORT<TAB>REASON, FILE
#    and REPORT shell patterns). Where both refuse a file, that is a match.
#
# Files run in parallel. Prints "ok ..."/"FAIL ..." lines and ends with
# "N passed, N failed"; with no realworld folder there is nothing to check.
#
# Usage: tests/realworld.sh PROF [--no-go]
set -u

# One file: runs every report, writes its ok/FAIL lines to stdout.
one_file() {
	f=$1
	w=$(mktemp -d "$tmp/f.XXXXXX")
	for r in $reports; do
		args=$(printf '%s' "$r" | tr '+' ' ')
		# shellcheck disable=SC2086 # a report may be two flags.
		timeout "$limit" "$prof" $args "$dir/$f" > "$w/out" 2> "$w/err" < /dev/null
		rc=$?
		what="$f $args"
		if [ $rc -eq 124 ]; then
			echo "FAIL $what: no result after ${limit}s (hang?)"
			continue
		fi
		if [ $rc -gt 2 ]; then
			echo "FAIL $what: exit $rc (crash?)"
			head -n 3 "$w/err" | sed 's/^/  stderr: /'
			continue
		fi
		if grep -q -E 'Sanitizer|runtime error:' "$w/err"; then
			echo "FAIL $what: sanitizer report"
			head -n 3 "$w/err" | sed 's/^/  stderr: /'
			continue
		fi
		if [ $rc -ne 0 ]; then
			lines=$(wc -l < "$w/err")
			if [ "$lines" -ne 1 ] || [ -s "$w/out" ]; then
				echo "FAIL $what: exit $rc with $lines stderr lines and $(wc -c < "$w/out") bytes on stdout"
				continue
			fi
		fi
		echo "ok $what"
		case " $compared " in
		*" $r "*) [ -n "$pprof" ] && compare "$f" "$r" "$rc" "$w" ;;
		esac
	done
	rm -rf "$w"
}

# The reason FILE REPORT is an exception, or nothing.
exception() {
	[ -f "$exceptions" ] || return 0
	while IFS="$tab" read -r pf pr why; do
		case $pf in '' | '#'*) continue ;; esac
		# shellcheck disable=SC2254 # the fields are patterns.
		case $1 in $pf) case $2 in $pr) printf '%s\n' "$why" && return 0 ;; esac ;; esac
	done < "$exceptions"
}

# compare FILE REPORT PROF_STATUS DIR: prof's output in DIR/out against pprof's.
compare() {
	env TZ=UTC HOME="$tmp/home" PPROF_TMPDIR="$tmp/pprof" PPROF_BINARY_PATH="$tmp/bin" \
		timeout "$limit" "$pprof" "$2" "$dir/$1" > "$4/raw" 2> /dev/null < /dev/null
	grc=$?
	# pprof prints a name's control bytes raw, prof escapes them (README).
	dot=
	[ "$2" = -dot ] && dot=-dot
	"$escape" $dot < "$4/raw" > "$4/want"
	what="$1 $2 against go tool pprof"
	if [ $grc -ne 0 ] && [ "$3" -ne 0 ]; then
		echo "ok $what (both refuse it)"
		return
	fi
	if [ $grc -eq 0 ] && [ "$3" -eq 0 ] && cmp -s "$4/want" "$4/out"; then
		why=$(exception "$1" "$2")
		[ -n "$why" ] && echo "note $what: matches now, its exception can go"
		echo "ok $what"
		return
	fi
	why=$(exception "$1" "$2")
	if [ -n "$why" ]; then
		echo "exception $what: $why"
		return
	fi
	if [ $grc -ne 0 ]; then
		echo "FAIL $what: pprof refuses it (exit $grc), prof does not"
	elif [ "$3" -ne 0 ]; then
		echo "FAIL $what: prof refuses it (exit $3), pprof does not"
	else
		echo "FAIL $what: outputs differ"
		diff "$4/want" "$4/out" | head -n 8
	fi
}

tab=$(printf '\t')
if [ "${1:-}" = "--one-file" ]; then
	# A worker started by xargs below; the settings come in the environment.
	one_file "$2" > "$tmp/r.$$"
	cat "$tmp/r.$$"
	rm -f "$tmp/r.$$"
	exit 0
fi

self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
. "$(dirname "$0")/lib.sh"
suite_start realworld "$1"
usego=1
[ "${2:-}" = "--no-go" ] && usego=0
dir=${REALWORLD:-$repo/../shared/realworld}
if [ ! -f "$dir/INDEX.tsv" ]; then
	echo "no realworld profiles at $dir: nothing to check"
	suite_end
	exit
fi
dir=$(cd "$dir" && pwd)
exceptions=$repo/tests/realworld.exceptions

# The binary go tool pprof runs, called directly: HOME is emptied for
# pprof's sake, and go would rebuild pprof into an empty build cache.
pprof=
if [ $usego -eq 1 ] && command -v go > /dev/null 2>&1; then
	pprof=$(go tool -n pprof 2> /dev/null) || pprof=
	if [ -z "$pprof" ] || [ ! -x "$pprof" ]; then
		# Older go: build it once here.
		go build -o "$tmp/pprof-bin" cmd/pprof > /dev/null 2>&1 && pprof=$tmp/pprof-bin || pprof=
	fi
fi
mkdir "$tmp/home" "$tmp/pprof" "$tmp/bin"

compared="-top -traces -tree -raw -tags -dot"
# Every report; '+' joins the flags of one.
reports="$compared -peek=. -comments -list=. -proto -svg -flame -folded -goroutines"
reports="$reports -dot+-call_tree -top+-lines -top+-addresses"
limit=${PROF_TIMEOUT:-120}
escape=$(dirname "$prof")/tests/escape_filter
if [ -n "$pprof" ] && [ ! -x "$escape" ]; then
	echo "FAIL no $escape beside $prof: cannot compare names with pprof's"
	pprof=
fi
export prof dir tmp pprof compared reports limit exceptions escape

jobs=$(nproc 2> /dev/null || echo 4)
tail -n +2 "$dir/INDEX.tsv" | cut -f 1 | grep -v '^$' > "$tmp/files"
xargs -P "$jobs" -I '{}' sh "$self" --one-file '{}' < "$tmp/files" > "$tmp/results" 2>&1

grep -v '^ok ' "$tmp/results"
passed=$(grep -c '^ok ' "$tmp/results")
failed=$(grep -c '^FAIL ' "$tmp/results")
nexc=$(grep -c '^exception ' "$tmp/results")
echo "$(wc -l < "$tmp/files") files; $nexc listed exceptions${pprof:+; compared with go tool pprof}"
suite_end
