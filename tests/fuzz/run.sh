#!/bin/sh
# Runs the libFuzzer targets of a -Dfuzz=true build for a bounded time each:
#
#     CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
#     meson compile -C build-fuzz
#     tests/fuzz/run.sh build-fuzz 15 [TARGET...]     # seconds per target
#
# Each target starts from a seed corpus gathered from fixtures/ (and
# ../shared/realworld/ when present) by content, plus what earlier runs
# found (BUILD/fuzz-corpus/TARGET, kept), with TARGET.dict (text.dict for the
# text formats). A crash, leak or timeout is a failure, its input kept as
# BUILD/fuzz-crashes/TARGET-*: fix it and add it to fixtures/broken/. With
# PARALLEL=1 the targets run all at once (under nice -n 19). Prints each
# target's executions; the last line is "N passed, N failed".
set -u
build=$(cd "$1" && pwd)
secs=${2:-15}
shift 2 2>/dev/null || shift $#
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo" || exit 2
all="pb text_count text_heap text_contention text_dump crashlog legacy folded options regex demangle shell"
targets=${*:-$all}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# files: the fixtures (and real profiles) under 64 KiB, one name a line.
files() {
	find fixtures -type f -size -64k
	[ -d ../shared/realworld ] && find ../shared/realworld -type f -size -64k
}

# first_line FILE: its first line, for telling the text formats apart.
first_line() { head -c 200 "$1" | head -n 1 | tr -d '\r\000'; }

# seed TARGET FILE: whether FILE belongs in TARGET's seed corpus.
seed() {
	case $1 in
	pb) case $2 in *.pb|*.pb.gz|*.pprof|*.prof.gz) return 0 ;; esac; return 1 ;;
	legacy) case $2 in */legacy/*|*/broken/legacy-*) return 0 ;; esac; return 1 ;;
	folded) case $2 in */folded/*|*/broken/folded-*) return 0 ;; esac
		case $2 in *.txt) grep -q '^[^ ]*;[^ ]* [0-9]*$' "$2" 2>/dev/null ;; *) return 1 ;; esac ;;
	esac
	case $2 in *.txt) ;; *) return 1 ;; esac
	l=$(first_line "$2")
	case $1 in
	text_count) case $l in *" profile: total "*) return 0 ;; esac ;;
	text_heap) case $l in "heap profile: "*) return 0 ;; esac ;;
	text_contention) case $l in "--- contention:"*|"--- mutex:"*) return 0 ;; esac ;;
	text_dump) case $l in "goroutine "*"]:") return 0 ;; esac ;;
	crashlog) case $l in "panic: "*|"fatal error: "*|"SIGQUIT"*|"SIGSEGV"*) return 0 ;; esac ;;
	esac
	return 1
}

# seeds TARGET DIR: fills DIR with TARGET's seeds.
seeds() {
	mkdir -p "$2"
	case $1 in
	options)
		printf 'top\000-focus=main\000x.pb.gz' > "$2/1"
		printf -- '-traces\000-tagfocus=bytes=1kb:64kb\000-max_size=512mb\000x' > "$2/2"
		printf 'peek\000^main\\.\000-hide=runtime\000-nodecount=5\000a\000b' > "$2/3"
		printf -- '-top\000-diff_base=a\000-normalize\000-show_from=(a|b)+\000c' > "$2/4"
		return ;;
	regex)
		printf '\000^runtime\\.\000runtime.main' > "$2/1"
		printf '\001(a|b)*\\d+\000ab12' > "$2/2"
		printf '\000[[:alpha:]]\\w{2,5}\\s\000abc d' > "$2/3"
		return ;;
	demangle)
		printf '_ZNSt6vectorIiSaIiEE9push_backERKi' > "$2/1"
		printf '_ZN4core3fmt5write17h0123456789abcdefE' > "$2/2"
		printf '_RNvCs1234_7mycrate3foo' > "$2/3"
		printf 'main.(*T).M[go.shape.interface { M() int }]' > "$2/4"
		printf 'std::map<int, int>::find(int const&) const' > "$2/5"
		return ;;
	shell)
		printf 'top10 main -runtime\n' > "$2/1"
		printf 'focus=serve\ntree\n:\ntraces\n' > "$2/2"
		printf 'samples\npeek handle\nnodecount=3 //: three\ntop -cum\n' > "$2/3"
		printf 'granularity=lines\nlist parse\ntags\nhelp top\no\n' > "$2/4"
		return ;;
	esac
	n=0
	for f in $(files); do
		if seed "$1" "$f"; then
			n=$((n + 1))
			cp "$f" "$2/$n"
		fi
	done
}

# fuzz TARGET: runs it for $secs seconds; prints its line, returns its status.
# A fixed seed (FUZZ_SEED, default 1) so that a CI run on a fresh corpus
# walks the same inputs each time: a red run is the code's, reproducible,
# not the luck of the draw. FUZZ_SEED=0 lets libFuzzer pick (long runs).
seed=${FUZZ_SEED:-1}

fuzz() {
	t=$1
	exe=$build/tests/fuzz/fuzz_$t
	dict=$here/$t.dict
	case $t in text_*|crashlog) dict=$here/text.dict ;; esac
	corpus=$build/fuzz-corpus/$t
	mkdir -p "$corpus" "$build/fuzz-crashes"
	seeds "$t" "$tmp/seeds-$t"
	rc=0
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		${nice:+nice -n 19} "$exe" -max_total_time="$secs" -seed="$seed" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -close_fd_mask=3 \
		-print_final_stats=1 -dict="$dict" -artifact_prefix="$build/fuzz-crashes/$t-" \
		"$corpus" "$tmp/seeds-$t" > "$tmp/log-$t" 2>&1 || rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/log-$t" | tail -n 1)
	if [ $rc -eq 0 ]; then
		echo "fuzz_$t: ${runs:-?} executions in ${secs}s, $(ls "$corpus" | wc -l) in the corpus"
	else
		echo "FAIL fuzz_$t: exit $rc after ${runs:-?} executions"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written|    #[0-9] )' "$tmp/log-$t" | head -n 20
	fi
	return $rc
}

passed=0
failed=0
nice=
if [ "${PARALLEL:-0}" = 1 ]; then
	for t in $targets; do
		(nice=nice; fuzz "$t" > "$tmp/result-$t"; echo $? > "$tmp/rc-$t") &
	done
	wait
	for t in $targets; do
		cat "$tmp/result-$t"
		[ "$(cat "$tmp/rc-$t")" = 0 ] && passed=$((passed + 1)) || failed=$((failed + 1))
	done
else
	for t in $targets; do
		fuzz "$t" && passed=$((passed + 1)) || failed=$((failed + 1))
	done
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
