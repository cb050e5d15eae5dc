#!/usr/bin/env bash
# Benchmark prof on large generated profiles against decompression alone
# (gzip -dc; igzip -dc when installed) and, when Go is installed, against
# `go tool pprof`. Not a test: it always goes on, and prints PASS/MISS
# against the targets of the load issue, one row per work, from one run:
#     prof -top, 1M samples (dup and unique shapes)   <= 1.0x gzip -dc, peak RSS <= 2x raw
#     prof -top, 100k samples                          >= 100x faster than go tool pprof -top
#     -traces, -tree, -dot, flame, diff of two 1M      <= 2x gzip -dc (of the input(s))
#     wide profile (200k functions, 1M locations)      <= 1.5x gzip -dc
#     prof goroutines, 1M-goroutine debug=2 dump       <= 3x cat of the file
#
# usage: bench/run.sh [BUILD_DIR]            (default: <repo>/build)
#
# environment:
#   PROF_BENCH_DIR      keep the generated profiles here (reused while newer
#                       than profgen); default: a temp dir removed at exit
#   PROF_BENCH_SAMPLES  sample counts to generate (default "100000 1000000")
#   PROF_BENCH_SHAPES   "dup" (N/8 distinct stacks, many samples share one) and/or
#                       "unique" (nearly every sample its own stack); default both
#   PROF_BENCH_REPORTS  0 skips the other reports, the wide profile and goroutines
#   PROF_BENCH_SHELL    0 skips the shell's recompute rows (bench/shell.sh: each
#                       kind of change, then a report, on the 1M unique profile)
#   PROF_BENCH_MEMORY   0 skips every report's peak memory (bench/memory.sh)
#   PROF_BENCH_RUNS     timed runs of each command, median taken (default 3)
#   PROF_BENCH_GO       0 skips `go tool pprof` (slow: ~5 s on 100k)
#   PROF_BENCH_GO_BIG   1 also runs go tool pprof on the 1M profiles (~1.5 min, >3 GB each)
#   PROF_BENCH_TIMEOUT  seconds before a prof run is killed (default 600)
set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=${1:-$repo/build}
case $build in /*) ;; *) build=$PWD/$build ;; esac

samples_list=${PROF_BENCH_SAMPLES:-"100000 1000000"}
runs=${PROF_BENCH_RUNS:-3}
prof_timeout=${PROF_BENCH_TIMEOUT:-600}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/profbench.XXXXXX") || exit 1
cleanup() { rm -rf "$scratch"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*"; }
warn() { printf 'run.sh: %s\n' "$*" >&2; }

# ---------------------------------------------------------------- tools
time_bin=
if [ -x /usr/bin/time ] && /usr/bin/time -f '%M' -o /dev/null true 2>/dev/null; then
	time_bin=/usr/bin/time
else
	warn "GNU time not found (apt-get install time): peak RSS will be n/a"
fi
igzip=
command -v igzip >/dev/null 2>&1 && igzip=igzip
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	PATH=$PATH:/usr/local/go/bin
fi
timeout_bin=
command -v timeout >/dev/null 2>&1 && timeout_bin=timeout

now() {
	if [ -n "${EPOCHREALTIME:-}" ]; then
		printf '%s\n' "$EPOCHREALTIME"
	else
		date +%s.%N
	fi
}

# measure RUNS TIMEOUT CMD...: runs CMD with stdout to /dev/null.
# Sets M_TIME (median wall seconds), M_RSS (max peak RSS in KB, or empty),
# M_RC (0, or the exit status of the first failing run) and leaves the
# stderr of the last run in $scratch/err.
measure() {
	local n=$1 tmo=$2 i t0 t1 rc rss
	shift 2
	M_TIME= M_RSS= M_RC=0 M_ALL=
	local pre=()
	[ -n "$timeout_bin" ] && [ "$tmo" != 0 ] && pre=("$timeout_bin" "$tmo")
	for ((i = 0; i < n; i++)); do
		rm -f "$scratch/time.out"
		t0=$(now)
		if [ -n "$time_bin" ]; then
			"${pre[@]}" "$time_bin" -f '%M' -o "$scratch/time.out" "$@" >/dev/null 2>"$scratch/err"
		else
			"${pre[@]}" "$@" >/dev/null 2>"$scratch/err"
		fi
		rc=$?
		t1=$(now)
		if [ "$rc" != 0 ]; then
			M_RC=$rc
			return
		fi
		M_ALL="$M_ALL $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
		M_TIME=$(printf '%s\n' $M_ALL | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
		if [ -s "$scratch/time.out" ]; then
			rss=$(tail -n 1 "$scratch/time.out")
			if [ -z "$M_RSS" ] || [ "$rss" -gt "$M_RSS" ]; then M_RSS=$rss; fi
		fi
	done
}

# fmt_div A B [DIGITS]: A/B, or "-" if either is empty
fmt_div() {
	awk -v a="${1:-}" -v b="${2:-}" -v d="${3:-2}" \
		'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.*f\n", d, a / b }'
}
mb() { awk -v a="${1:-}" -v s="${2:-1048576}" 'BEGIN { if (a == "") print "-"; else printf "%.1f\n", a / s }'; }
verdict() { # ratio limit
	awk -v r="$1" -v l="$2" 'BEGIN { if (r == "-") print "n/a"; else if (r + 0 <= l + 0) print "PASS"; else print "MISS" }'
}
label_of() {
	awk -v n="$1" 'BEGIN { if (n % 1000000 == 0) printf "%dM\n", n / 1000000;
		else if (n % 1000 == 0) printf "%dk\n", n / 1000; else print n }'
}

# ---------------------------------------------------------------- build
profgen=
configured=0
if [ -f "$build/build.ninja" ]; then
	configured=1
elif command -v meson >/dev/null 2>&1; then
	say "configuring $build ..."
	if meson setup "$build" "$repo" >"$scratch/setup.log" 2>&1; then
		configured=1
	else
		warn "meson setup failed (tail of log follows)"
		tail -n 5 "$scratch/setup.log" >&2
	fi
fi
if [ "$configured" = 1 ]; then
	if meson compile -C "$build" profgen >"$scratch/gen.log" 2>&1; then
		profgen=$build/bench/profgen
	else
		warn "building profgen with meson failed (tail of log follows)"
		tail -n 10 "$scratch/gen.log" >&2
	fi
	if ! meson compile -C "$build" prof >"$scratch/prof.log" 2>&1; then
		if [ -x "$build/prof" ]; then
			warn "building prof failed; benchmarking the existing, possibly stale $build/prof (tail of log follows)"
		else
			warn "building prof failed (tail of log follows)"
		fi
		tail -n 10 "$scratch/prof.log" >&2
	fi
fi
if [ -z "$profgen" ]; then
	# Fallback while the project itself does not configure or build:
	# profgen only needs protoc-c, protobuf-c and zlib.
	say "building profgen directly with protoc-c + cc ..."
	mkdir -p "$scratch/pb"
	if protoc-c --proto_path="$repo/proto" --c_out="$scratch/pb" "$repo/proto/profile.proto" &&
		${CC:-cc} -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -I"$scratch/pb" \
			"$repo/bench/gen.c" "$scratch/pb/profile.pb-c.c" \
			$(pkg-config --cflags --libs libprotobuf-c zlib) -o "$scratch/profgen"; then
		profgen=$scratch/profgen
	else
		warn "cannot build profgen"
		exit 1
	fi
fi

prof=$build/prof
prof_ok=1
if [ ! -x "$prof" ]; then
	prof_ok=0
fi

buildinfo=
if [ "$configured" = 1 ] && command -v python3 >/dev/null 2>&1; then
	buildinfo=$(meson introspect "$build" --buildoptions 2>/dev/null | python3 -c '
import json, sys
try:
    o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
    print("buildtype=%s b_sanitize=%s b_ndebug=%s" % (o.get("buildtype"), o.get("b_sanitize"), o.get("b_ndebug")))
except Exception:
    pass' 2>/dev/null)
fi

# ---------------------------------------------------------------- data
if [ -n "${PROF_BENCH_DIR:-}" ]; then
	datadir=$PROF_BENCH_DIR
	mkdir -p "$datadir" || exit 1
	datanote="(cache)"
else
	datadir=$scratch
	datanote="(temporary)"
fi

say "prof benchmark"
say "  build:   $build ${buildinfo:+($buildinfo)}"
case $buildinfo in
*b_sanitize=none*) ;;
"") ;;
*) say "  WARNING: sanitizers enabled: numbers are not representative" ;;
esac
case $buildinfo in
*buildtype=debug\ * | *buildtype=plain\ *) say "  WARNING: unoptimized build: numbers are not representative" ;;
esac
if [ "$prof_ok" = 1 ]; then
	say "  prof:    $prof"
else
	say "  prof:    NOT BUILT ($prof missing) - only gunzip/go numbers below"
fi
say "  data:    $datadir $datanote"
say "  runs:    median of $runs (time), max over runs (RSS); go tool pprof: 1 run"

declare -a L_LABEL L_N L_FILE L_GZ L_RAW L_GUNZIP L_IGZ L_PROF L_PROFRSS L_PROFERR
i=0
for shape in ${PROF_BENCH_SHAPES:-dup unique}; do
for n in $samples_list; do
	lbl=$(label_of "$n")
	stacks=()
	if [ "$shape" = unique ]; then
		lbl=$lbl-u
		stacks=(-stacks "$n")
	fi
	f=$datadir/prof-$lbl.pb.gz
	if [ ! -s "$f" ] || [ "$profgen" -nt "$f" ]; then
		say "  generating $lbl samples ..."
		t0=$(now)
		if ! "$profgen" -samples "$n" "${stacks[@]}" -o "$f.tmp"; then
			warn "profgen failed for $n samples"
			rm -f "$f.tmp"
			continue
		fi
		mv "$f.tmp" "$f"
		t1=$(now)
		say "    $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"
	fi
	L_LABEL[i]=$lbl
	L_N[i]=$n
	L_FILE[i]=$f
	L_GZ[i]=$(stat -c %s "$f")
	L_RAW[i]=$(gzip -dc "$f" | wc -c)

	measure "$runs" 0 gzip -dc "$f"
	L_GUNZIP[i]=$M_TIME
	L_IGZ[i]=
	if [ -n "$igzip" ]; then
		measure "$runs" 0 igzip -dc "$f"
		L_IGZ[i]=$M_TIME
	fi

	L_PROF[i]= L_PROFRSS[i]= L_PROFERR[i]=
	if [ "$prof_ok" = 1 ]; then
		measure "$runs" "$prof_timeout" "$prof" -top "$f"
		if [ "$M_RC" = 0 ]; then
			L_PROF[i]=$M_TIME
			L_PROFRSS[i]=$M_RSS
		else
			case $M_RC in
			124) L_PROFERR[i]="TIMEOUT after ${prof_timeout}s" ;;
			13[0-9] | 1[4-9][0-9]) L_PROFERR[i]="killed by signal $((M_RC - 128))" ;;
			*) L_PROFERR[i]="exit status $M_RC" ;;
			esac
			L_PROFERR[i]="${L_PROFERR[i]}: $(head -c 300 "$scratch/err" | tr '\n' ' ')"
		fi
	fi
	i=$((i + 1))
done
done
count=$i

# ---------------------------------------------------------------- report
# fail_note RC: why a run failed
fail_note() {
	case $1 in
	124) printf 'TIMEOUT after %ss' "$prof_timeout" ;;
	13[0-9] | 1[4-9][0-9]) printf 'killed by signal %s' "$(($1 - 128))" ;;
	*) printf 'exit status %s' "$1" ;;
	esac
	printf ': %s' "$(head -c 300 "$scratch/err" | tr '\n' ' ')"
}
overall=PASS
# row NAME PROF_S GZIP_S IGZIP_S TIME_LIMIT RSS_KB RAW_BYTES RSS_LIMIT [NOTE]: one line of the table
row() {
	local x v rx rv
	x=$(fmt_div "$2" "$3")
	v=$(if [ "$5" = - ]; then echo -; else verdict "$x" "$5"; fi)
	rx=$(fmt_div "${6:+$(($6 * 1024))}" "$7")
	rv=$(if [ "$8" = - ]; then echo -; else verdict "$rx" "$8"; fi)
	case "$v$rv" in *MISS* | *n/a*) overall=MISS ;; esac
	printf '%-26s %8s %8s %8s | %6s %6s %-4s | %8s %6s %5s %-4s\n' "$1" "${2:--}" "${3:--}" "${4:--}" \
		"$x" "$( [ "$5" = - ] && echo - || echo "<=$5")" "$v" "$(mb "$6" 1024)" "$rx" \
		"$( [ "$8" = - ] && echo - || echo "<=$8")" "$rv"
	[ -n "${9:-}" ] && say "        ${9}"
}
table_head() {
	say ""
	printf '%-26s %8s %8s %8s | %6s %6s %-4s | %8s %6s %5s %-4s\n' \
		"$1" prof_s gzip_s igzip_s xgzip target "" rss_MiB xraw target ""
}

say ""
printf '%-7s %8s %7s %7s\n' profile samples gz_MiB raw_MiB
for ((i = 0; i < count; i++)); do
	printf '%-7s %8s %7s %7s\n' "${L_LABEL[i]}" "${L_N[i]}" "$(mb "${L_GZ[i]}")" "$(mb "${L_RAW[i]}")"
done
table_head "prof -top"
for ((i = 0; i < count; i++)); do
	tl=- rl=-
	if [ "${L_N[i]}" -ge 1000000 ]; then tl=1.0 rl=2; fi
	row "-top ${L_LABEL[i]}" "${L_PROF[i]}" "${L_GUNZIP[i]}" "${L_IGZ[i]}" "$tl" "${L_PROFRSS[i]}" \
		"${L_RAW[i]}" "$rl" "${L_PROFERR[i]:+prof FAILED: ${L_PROFERR[i]}}"
done

# ---------------------------------------------------------------- go
# prof against go tool pprof -top: the speedup, >= 100x on the 100k rows.
if [ "${PROF_BENCH_GO:-1}" != 0 ] && command -v go >/dev/null 2>&1; then
	gopprof=("go" "tool" "pprof")
	tooldir=$(go env GOTOOLDIR 2>/dev/null)
	[ -n "$tooldir" ] && [ -x "$tooldir/pprof" ] && gopprof=("$tooldir/pprof")
	say ""
	say "go tool pprof -top ($(go env GOVERSION 2>/dev/null), 1 run)"
	printf '%-26s %8s %8s | %8s %6s | %8s %8s %-4s\n' profile go_s prof_s go_rss rss_x speedup target ""
	for ((i = 0; i < count; i++)); do
		if [ "${L_N[i]}" -ge 1000000 ] && [ "${PROF_BENCH_GO_BIG:-0}" != 1 ]; then
			continue
		fi
		measure 1 0 "${gopprof[@]}" -top "${L_FILE[i]}"
		if [ "$M_RC" != 0 ]; then
			say "${L_LABEL[i]}: go tool pprof failed (exit $M_RC): $(head -c 200 "$scratch/err")"
			continue
		fi
		sp=$(fmt_div "$M_TIME" "${L_PROF[i]}" 1)
		tg=- v=-
		if [ "${L_N[i]}" -lt 1000000 ]; then
			tg='>=100'
			v=$(awk -v r="$sp" 'BEGIN { if (r == "-") print "n/a"; else if (r + 0 >= 100) print "PASS"; else print "MISS" }')
			[ "$v" = PASS ] || overall=MISS
		fi
		printf '%-26s %8s %8s | %8s %6s | %8s %8s %-4s\n' "-top ${L_LABEL[i]}" "$M_TIME" "${L_PROF[i]:--}" \
			"$(mb "$M_RSS" 1024)" "$(fmt_div "${M_RSS:+$((M_RSS * 1024))}" "${L_RAW[i]}" 1)" "$sp" "$tg" "$v"
	done
fi

# ---------------------------------------------------------------- reports
# The other reports on the largest unique profile (and diff against a
# second snapshot of it), the wide profile, and goroutines.
if [ "$prof_ok" = 1 ] && [ "${PROF_BENCH_REPORTS:-1}" != 0 ] && [ "$count" -gt 0 ]; then
	big=$((count - 1))
	fa=${L_FILE[big]} lbl=${L_LABEL[big]}
	fb=$datadir/prof-$lbl-seed2.pb.gz
	gen_if_missing() { # FILE ARGS...
		local f=$1
		shift
		if [ ! -s "$f" ] || [ "$profgen" -nt "$f" ]; then
			say "  generating $(basename "$f") ..."
			"$profgen" "$@" -o "$f.tmp" && mv "$f.tmp" "$f" || { rm -f "$f.tmp"; return 1; }
		fi
	}
	stk=()
	case $lbl in *-u) stk=(-stacks "${L_N[big]}") ;; esac
	gen_if_missing "$fb" -samples "${L_N[big]}" "${stk[@]}" -seed 2 || fb=
	fw=$datadir/prof-wide.pb.gz
	gen_if_missing "$fw" -samples 1000000 -stacks 1000000 -locations 1000000 -functions 200000 || fw=
	fg=$datadir/goroutines-1M.txt
	if [ ! -s "$fg" ]; then
		say "  generating goroutines-1M.txt ..."
		awk 'BEGIN {
			split("chan send|chan receive|chan receive (nil chan)|select (no cases)|sync.Mutex.Lock", st, "|")
			for (g = 1; g <= 1000000; g++) {
				k = g % 1000; s = st[k % 5 + 1]
				printf "goroutine %d [%s, %d minutes]:\n", g + 100, s, k % 60 + 1
				printf "main.leak%d(0xc000012345)\n\t/app/leak.go:%d +0x1d\n", k, k + 10
				for (d = 0; d < k % 20; d++)
					printf "main.layer%d(...)\n\t/app/layer.go:%d +0x%x\n", d, d + 5, d * 16 + 8
				printf "created by main.start%d in goroutine 1\n\t/app/main.go:%d +0x45\n\n", k % 7, k % 7 + 30
			}
		}' > "$fg.tmp" && mv "$fg.tmp" "$fg"
	fi

	table_head "reports on $lbl"
	for rep in -traces -tree -dot flame; do
		measure "$runs" "$prof_timeout" "$prof" $rep "$fa"
		note=
		[ "$M_RC" = 0 ] || { note="prof FAILED: $(fail_note "$M_RC")"; M_TIME= M_RSS=; }
		row "$rep $lbl" "$M_TIME" "${L_GUNZIP[big]}" "${L_IGZ[big]}" 2 "$M_RSS" "${L_RAW[big]}" - "$note"
	done
	if [ -n "$fb" ]; then
		measure "$runs" 0 gzip -dc "$fa" "$fb"
		gz2=$M_TIME ig2=
		[ -n "$igzip" ] && { measure "$runs" 0 igzip -dc "$fa" "$fb"; ig2=$M_TIME; }
		raw2=$(gzip -dc "$fa" "$fb" | wc -c)
		measure "$runs" "$prof_timeout" "$prof" diff "$fa" "$fb"
		note=
		[ "$M_RC" = 0 ] || [ "$M_RC" = 3 ] || { note="prof FAILED: $(fail_note "$M_RC")"; M_TIME= M_RSS=; }
		row "diff $lbl $lbl-seed2" "$M_TIME" "$gz2" "$ig2" 2 "$M_RSS" "$raw2" - "$note"
	fi
	if [ -n "$fw" ]; then
		measure "$runs" 0 gzip -dc "$fw"
		gzw=$M_TIME igw=
		[ -n "$igzip" ] && { measure "$runs" 0 igzip -dc "$fw"; igw=$M_TIME; }
		raww=$(gzip -dc "$fw" | wc -c)
		measure "$runs" "$prof_timeout" "$prof" -top "$fw"
		note=
		[ "$M_RC" = 0 ] || { note="prof FAILED: $(fail_note "$M_RC")"; M_TIME= M_RSS=; }
		say ""
		say "wide: 1M samples, 1M locations, 200k functions ($(mb "$(stat -c %s "$fw")") MiB gz, $(mb "$raww") MiB raw)"
		row "-top wide" "$M_TIME" "$gzw" "$igw" 1.5 "$M_RSS" "$raww" - "$note"
	fi
	if [ -s "$fg" ]; then
		measure "$runs" 0 cat "$fg"
		catt=$M_TIME
		measure "$runs" "$prof_timeout" "$prof" goroutines "$fg"
		note=
		[ "$M_RC" = 0 ] || { note="prof FAILED: $(fail_note "$M_RC")"; M_TIME= M_RSS=; }
		say ""
		say "goroutines: a debug=2 dump of 1M goroutines ($(mb "$(stat -c %s "$fg")") MiB); the comparison is cat FILE > /dev/null"
		printf '%-26s %8s %8s | %6s %6s %-4s | %8s\n' work prof_s cat_s xcat target "" rss_MiB
		x=$(fmt_div "$M_TIME" "$catt")
		v=$(verdict "$x" 3)
		[ "$v" = PASS ] || overall=MISS
		printf '%-26s %8s %8s | %6s %6s %-4s | %8s\n' "goroutines 1M" "${M_TIME:--}" "$catt" "$x" "<=3" "$v" "$(mb "$M_RSS" 1024)"
		[ -n "$note" ] && say "        $note"
	fi
fi

say ""
if [ "$prof_ok" != 1 ]; then
	say "prof: not built, no verdict"
else
	say "overall: $overall"
fi

# ---------------------------------------------------------------- shell
# A change of filter, sample index or granularity in the shell, then a
# report, on the 1M unique-stack profile: bench/shell.sh, which takes each
# line's time from the shell itself (PROF_SHELL_TIMING).
if [ "$prof_ok" = 1 ] && [ "${PROF_BENCH_SHELL:-1}" != 0 ]; then
	say ""
	PROF_BENCH_DIR=$datadir PROF_BENCH_RUNS=$runs "$here/shell.sh" "$build"
fi

# ---------------------------------------------------------------- memory
# Every report's time and peak RSS on the 1M unique-stack profile, with the
# merges and snapshot commands: bench/memory.sh (one run each).
if [ "$prof_ok" = 1 ] && [ "${PROF_BENCH_MEMORY:-1}" != 0 ]; then
	say ""
	PROF_BENCH_DIR=$datadir "$here/memory.sh" "$build"
fi

exit 0
