#!/bin/sh
# The whole test run: builds prof (build/) and, unless --no-asan, a second
# copy with AddressSanitizer and UBSan (build-asan/; it takes every
# two-thread path on small inputs too, -Dthreads_on_small=true, so the
# threaded walks and printers are checked against the goldens), then runs every suite on
# each: cmocka unit tests, golden reports (top and the others), scripted
# shell sessions, the engine against the in-place path (tests/engine.sh),
# goroutines, flame graphs, -proto round trips, broken
# inputs, CLI behaviour, captures over HTTP (tests/capture.sh), I/O faults,
# every command at scale (tests/scale.sh), real profiles (tests/realworld.sh);
# the werror builds with gcc and clang (tests/builds.sh); the fuzz targets
# for 10 s each when clang is there;
# and, when go is installed, re-derives the goldens with go tool pprof.
# Prints each suite's failures and ends with "N passed, N failed".
#
# Usage: tests/run.sh [--no-asan]
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
asan=1
[ "${1:-}" = "--no-asan" ] && asan=0

passed=0
failed=0
log=$(mktemp "${TMPDIR:-/tmp}/prof-tests.XXXXXX")
trap 'rm -f "$log"' EXIT INT TERM

# count LABEL: adds the last "N passed, N failed" line of $log to the totals.
count() {
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "$1: no result line (crashed?)"
		tail -n 20 "$log"
		failed=$((failed + 1))
		return
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	passed=$((passed + p))
	failed=$((failed + f))
	grep -E '^(FAIL|---|\+\+\+|[-+@ ]|  stderr)' "$log" | head -n 60
	echo "$1: $p passed, $f failed"
}

# unit BUILD LABEL: runs the cmocka binaries, counting each test case.
unit() {
	up=0
	uf=0
	for t in "$1"/tests/test_*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		out=$("$t" 2>&1)
		n=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
		m=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p')
		if [ -z "$n$m" ]; then
			printf '%s\n' "$out" | tail -n 20
			m=1
		fi
		[ -n "$m" ] && printf '%s\n' "$out" | grep -E 'FAILED|ERROR|Failure' | head -n 20
		up=$((up + ${n:-0}))
		uf=$((uf + ${m:-0}))
	done
	echo "$up passed, $uf failed" > "$log"
	count "$2"
}

suites() {
	b=$1
	tag=$2
	unit "$b" "${tag}unit"
	for s in top reports list legacy dot; do
		SET=$s tests/golden/run.sh "$b/prof" > "$log" 2>&1
		count "${tag}golden $s"
	done
	tests/golden/shell.sh run "$b/prof" > "$log" 2>&1
	count "${tag}shell sessions"
	tests/goroutines.sh "$b/prof" > "$log" 2>&1
	count "${tag}goroutines"
	tests/text.sh "$b/prof" > "$log" 2>&1
	count "${tag}text profiles"
	tests/flame.sh "$b/prof" > "$log" 2>&1
	count "${tag}flame and folded"
	tests/image.sh "$b/prof" > "$log" 2>&1
	count "${tag}images (svg, png, ...)"
	# go tool pprof reads the same bytes from either build: once is enough.
	tests/proto.sh "$b/prof" ${tag:+--no-go} > "$log" 2>&1
	count "${tag}proto round trips"
	tests/broken.sh "$b/prof" > "$log" 2>&1
	count "${tag}broken"
	tests/cli.sh "$b/prof" > "$log" 2>&1
	count "${tag}cli"
	tests/engine.sh "$b/prof" > "$log" 2>&1
	count "${tag}engine (shell on unique stacks = CLI in place)"
	tests/capture.sh "$b/prof" > "$log" 2>&1
	count "${tag}capture (HTTP, a live Go service)"
	tests/faults.sh "$b/prof" > "$log" 2>&1
	count "${tag}I/O faults"
	tests/scale.sh "$b/prof" > "$log" 2>&1
	count "${tag}scale (10k/100k stacks, 100k goroutines)"
	# Real profiles (../shared/realworld, when there): never a crash or a
	# hang; against go tool pprof once, the sanitized build only the former.
	tests/realworld.sh "$b/prof" ${tag:+--no-go} > "$log" 2>&1
	count "${tag}realworld"
	# prof ui driven by tmux through every view and key (waits poll, so the sanitized build passes too).
	tests/tui/browser.sh "$b/prof" > "$log" 2>&1
	count "${tag}browser (prof ui in tmux)"
}

build() {
	dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" > "$log" 2>&1 || { cat "$log"; echo "0 passed, 1 failed"; exit 1; }
	fi
	meson compile -C "$dir" > "$log" 2>&1 || { tail -n 40 "$log"; echo "0 passed, 1 failed"; exit 1; }
}

build build
# Distributions build with their own flags: -Dwerror=true in debugoptimized
# and release, with gcc and clang, must compile (counted, not tested).
tests/builds.sh > "$log" 2>&1
count "werror builds (gcc, clang; debugoptimized, release)"
suites build ""
tests/tui/shell.sh build/prof > "$log" 2>&1
count "tui (tmux)"
if [ $asan -eq 1 ]; then
	build build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug -Dthreads_on_small=true
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		suites build-asan "asan "
fi
# Every parser under libFuzzer for a few seconds each (tests/fuzz/run.sh),
# when clang is there to build the targets.
if command -v clang > /dev/null 2>&1; then
	if { [ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false > "$log" 2>&1; } &&
		meson compile -C build-fuzz > "$log" 2>&1; then
		tests/fuzz/run.sh build-fuzz 10 > "$log" 2>&1
		count "fuzz (10 s per target)"
	else
		tail -n 40 "$log"
		echo "fuzz: the -Dfuzz=true build failed"
		failed=$((failed + 1))
	fi
fi
if command -v go > /dev/null 2>&1; then
	for s in top reports list legacy dot; do
		SET=$s tests/golden/rederive.sh > "$log" 2>&1
		count "rederive $s"
	done
	tests/golden/shell.sh rederive > "$log" 2>&1
	count "rederive shell"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
