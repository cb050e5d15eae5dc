#!/usr/bin/env bash
# The shell's recompute: a change of focus, ignore, hide, tagfocus,
# sample_index or granularity, then a report, on a profile of 1M samples
# where nearly every sample has its own stack (the engine's worst case: as
# many unique stacks as samples). Each line's wall time comes from the
# shell itself (PROF_SHELL_TIMING), so loading is not counted. Not a test:
# it prints each change's time, the median, and PASS/MISS against the
# target of 100 ms.
#
# usage: bench/shell.sh [BUILD_DIR]         (default: <repo>/build)
#
# environment:
#   PROF_BENCH_DIR      keep the generated profile here (shared with run.sh)
#   PROF_BENCH_SAMPLES  the sample count (default 1000000)
#   PROF_BENCH_RUNS     sessions; each change's median over them (default 3)
runs=${PROF_BENCH_RUNS:-3}
bench_name=profshell
. "$(dirname "$0")/unique.sh"
f=$datadir/prof-$label-u.pb.gz
gen_unique "$f"

# Each change, then top (and other reports after some), then the change undone.
script='top
focus=Sprintf
top
focus=
top
ignore=rawstring
top
ignore=
top
hide=runtime
top
hide=
top
tagfocus=handler=items
top
tagfocus=
top
sample_index=alloc_space
top
sample_index=inuse_space
top
granularity=lines
top
granularity=functions
top
show=main
top
show=
top
focus=Sprintf
tree
peek Sprintf
flame
focus=
top
'
for ((r = 0; r < runs; r++)); do
	printf '%s' "$script" | PROF_SHELL_TIMING=1 "$prof" "$f" 2>&1 >/dev/null |
		sed -n 's/^prof-timing: \([0-9.]*\) s: \(.*\)$/\1\t\2/p' > "$scratch/run$r"
done

echo "prof shell on $label-u ($n samples, nearly one stack each): each line's time, median of $runs sessions"
# The lines in order, each with its median over the runs; a report's line
# is labelled with the change before it.
lines=$(wc -l < "$scratch/run0")
: > "$scratch/medians"
for ((k = 1; k <= lines; k++)); do
	med=$(for ((r = 0; r < runs; r++)); do sed -n "${k}p" "$scratch/run$r" | cut -f1; done |
		sort -n | awk -v m=$(((runs + 1) / 2)) 'NR == m')
	printf '%s\t%s\n' "$med" "$(sed -n "${k}p" "$scratch/run0" | cut -f2)" >> "$scratch/medians"
done
awk -F'\t' '
	$2 ~ /=/ { change = $2; printf "  %-26s %7.1f ms\n", $2, $1 * 1000; next }
	{
		printf "  %-26s %7.1f ms   %s\n", $2, $1 * 1000, change == "" ? "(no change before)" : "after " change
		if (NR > 1) print $1 > "/dev/stderr"
		change = ""
	}' "$scratch/medians" 2> "$scratch/after"
m=$(sort -n "$scratch/after" | awk -v n="$(wc -l < "$scratch/after")" 'NR == int((n + 1) / 2)')
awk -v m="$m" 'BEGIN { printf "median report after a change: %.1f ms (target <= 100 ms): %s\n", m * 1000, m <= 0.1 ? "PASS" : "MISS" }'
