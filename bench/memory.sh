#!/usr/bin/env bash
# Every report's time and peak memory at scale: each report, the merges
# (-base, -diff_base, three files) and the snapshot commands (diff, trend)
# on a profile of 1M samples where nearly every sample has its own stack,
# with a second and third snapshot of the same shape (-seed 2, -seed 3).
# Peak RSS is GNU time's %M; the ratio is to the uncompressed size of the
# input(s) a command reads, each file as often as it is read (A B A loads A
# twice) (the scale issue's target: at most 3x). Not a test: it prints one row per
# command and PASS/MISS, from one run of each.
#
# usage: bench/memory.sh [BUILD_DIR]        (default: <repo>/build)
#
# environment:
#   PROF_BENCH_DIR      keep the generated profiles here (shared with run.sh)
#   PROF_BENCH_SAMPLES  the sample count (default 1000000)
if [ ! -x /usr/bin/time ]; then
	echo "memory: GNU time (/usr/bin/time, Debian package time) is needed for peak RSS" >&2
	exit 1
fi
bench_name=profmem
. "$(dirname "$0")/unique.sh"
a=$datadir/prof-$label-u.pb.gz
b=$datadir/prof-$label-u-seed2.pb.gz
c=$datadir/prof-$label-u-seed3.pb.gz
gen_unique "$a"
gen_unique "$b" -seed 2
gen_unique "$c" -seed 3
raw_a=$(gzip -dc "$a" | wc -c)
raw_b=$(gzip -dc "$b" | wc -c)
raw_c=$(gzip -dc "$c" | wc -c)

echo "every report on $label samples, nearly every one its own stack"
echo "(uncompressed: $(awk -v r="$raw_a" 'BEGIN { printf "%.1f MB", r / 1e6 }'); second snapshot $(awk -v r="$raw_b" 'BEGIN { printf "%.1f MB", r / 1e6 }'); target: peak RSS <= 3x the input(s))"
printf '%-22s %8s %10s %7s  %s\n' command time "peak RSS" ratio verdict
# row NAME RAW ARGS...: one run of prof ARGS, its wall time, peak RSS and ratio to RAW bytes.
row() {
	local name=$1 raw=$2
	shift 2
	if ! /usr/bin/time -f '%e %M' -o "$scratch/t" "$prof" "$@" > /dev/null 2> "$scratch/err"; then
		printf '%-22s %s\n' "$name" "failed: $(tail -n 1 "$scratch/err")"
		return
	fi
	read -r secs kb < <(tail -n 1 "$scratch/t")
	awk -v n="$name" -v t="$secs" -v kb="$kb" -v r="$raw" 'BEGIN {
		x = kb * 1024 / r
		printf "%-22s %7.2fs %7.0f MB %6.2fx  %s\n", n, t, kb * 1024 / 1e6, x, x <= 3 ? "PASS" : "MISS"
	}'
}
row top "$raw_a" -top "$a"
row tree "$raw_a" -tree "$a"
row "peek ." "$raw_a" -peek=. "$a"
row traces "$raw_a" -traces "$a"
row tags "$raw_a" -tags "$a"
row raw "$raw_a" -raw "$a"
row "list main." "$raw_a" -list=main\\. "$a"
row dot "$raw_a" -dot "$a"
row svg "$raw_a" -svg "$a"
row flame "$raw_a" flame "$a"
row folded "$raw_a" folded "$a"
row proto "$raw_a" -proto "$a"
both=$((raw_a + raw_b))
row "-top -base" "$both" -top -base="$b" "$a"
row "-top -diff_base" "$both" -top -diff_base="$b" "$a"
row "-top A B A (merge)" "$((both + raw_a))" -top "$a" "$b" "$a"
row "diff B A" "$both" diff "$b" "$a"
row "trend A B C" "$((both + raw_c))" trend "$a" "$b" "$c"
exit 0
