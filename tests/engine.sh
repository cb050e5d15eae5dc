#!/bin/sh
# The engine against the in-place path: the shell runs the graph reports
# (top, tree, peek, list, flame, folded) on unique stacks with cached
# weights, tag verdicts and node indexes, and the others (traces, tags,
# raw, dot, goroutines) on a view that copies only what they change; the
# CLI filters the profile in place. For every fixture below and every option set, the shell's output
# (stdout and the notes on stderr) must equal the CLI's, byte for byte:
# once per option set (the caches filled by the first report serve the
# rest), and in one long session that sets and clears each option in turn
# (the caches invalidated and refilled).
#
# Usage: tests/engine.sh PROF
# The last line is "N passed, N failed".
. "$(dirname "$0")/lib.sh"
suite_start prof-engine "${1:?usage: tests/engine.sh PROF}"

t1=fixtures/leaky/normal/t1/heap.pb.gz
t3=fixtures/leaky/normal/t3/heap.pb.gz
# name|file|extra CLI args (also the shell's: it is started with them)
fixtures="heap|$t3|
labels|fixtures/edge/labels.pb.gz|
inline|fixtures/edge/inline.pb.gz|
recursion|fixtures/edge/recursion.pb.gz|
negative|fixtures/edge/negative.pb.gz|
hostile2|fixtures/edge/hostile2.pb.gz|
goroutine|fixtures/leaky/normal/t3/goroutine.pb.gz|
diffbase|$t3|-diff_base=$t1
base|$t3|-base=$t1
merged|$t3|$t1"
# Real profiles too, when ../shared/realworld is there (fewer option sets).
rw=$repo/../shared/realworld
if [ -d "$rw" ]; then
	for f in grafana__pyroscope/pkg__pprof__testdata__gotruncatefix__heap_go_truncated_2.pb.gz \
		grafana__pyroscope/pkg__pprof__testdata__dotnet.labels.pprof felixge__pprofutils/examples__anon.in.pprof; do
		[ -f "$rw/$f" ] && fixtures="$fixtures
rw-$(basename "$f")|$rw/$f|"
	done
fi

# shell lines (";" between them)|the CLI's flags for the same options
options="|
focus=main|-focus=main
ignore=runtime|-ignore=runtime
hide=runtime|-hide=runtime
show=main|-show=main
show_from=main|-show_from=main
prune_from=runtime|-prune_from=runtime
focus=nomatchatall|-focus=nomatchatall
hide=nomatch;show=nomatch|-hide=nomatch -show=nomatch
tagfocus=1kb:|-tagfocus=1kb:
tagfocus=handler=/api/users|-tagfocus=handler=/api/users
tagignore=64kB|-tagignore=64kB
tagignore=region=eu.*|-tagignore=region=eu.*
tagshow=region;taghide=hand|-tagshow=region -taghide=hand
tagfocus=nomatch;tagshow=nomatch|-tagfocus=nomatch -tagshow=nomatch
relative_percentages=true;focus=main|-relative_percentages -focus=main
relative_percentages=true;tagfocus=1kb:|-relative_percentages -tagfocus=1kb:
mean=true|-mean
sample_index=0|-sample_index=0
sort=cum|-cum
noinlines=true;hide=main|-noinlines -hide=main
hide=runtime;show_from=main|-hide=runtime -show_from=main
show=main;prune_from=runtime|-show=main -prune_from=runtime
hide=Sprintf;focus=main;relative_percentages=true|-hide=Sprintf -focus=main -relative_percentages
drop_negative=true|-drop_negative
tagroot=handler;focus=main|-tagroot=handler -focus=main
noinlines=true;tagshow=byt|-noinlines -tagshow=byt
trim=false|-trim=false
focus=main;ignore=Tick;hide=runtime;tagfocus=1kb:;sample_index=0|-focus=main -ignore=Tick -hide=runtime -tagfocus=1kb: -sample_index=0
granularity=lines|-lines
granularity=files|-files
granularity=addresses|-addresses
granularity=filefunctions;noinlines=true|-filefunctions -noinlines
granularity=lines;showcolumns=true|-lines -showcolumns"

# shell command|CLI report words
reports="top|-top
tree|-tree
peek main|-peek=main
list main|-list=main
flame|flame
folded|folded
traces|-traces
tags|-tags
raw|-raw
dot|-dot
goroutines|goroutines"

# shell_session EXTRA LINES: the shell's stdout (prompts out) and its notes (the greeting out).
shell_session() {
	# shellcheck disable=SC2086 # extra flags split on purpose
	printf '%b' "$2" | "$prof" $1 "$file" > "$tmp/sh.out" 2> "$tmp/sh.err"
	sed 's/(prof) //g' "$tmp/sh.out" > "$tmp/sh"
	sed '1,/^Entering interactive mode/d' "$tmp/sh.err" > "$tmp/sh.notes"
}

# cli_run REPORT EXTRA FLAGS: appends one CLI report to the expected output.
cli_run() {
	# shellcheck disable=SC2086
	"$prof" $1 -nodecount=12 $2 $3 "$file" >> "$tmp/cl" 2>> "$tmp/cl.notes" < /dev/null
}

compare() {
	# The CLI names itself and the file in an error; the shell gives the message alone.
	sed 's/^prof: [^ ]*: //' "$tmp/cl.notes" > "$tmp/cl.n" && mv "$tmp/cl.n" "$tmp/cl.notes"
	if cmp -s "$tmp/sh" "$tmp/cl" && cmp -s "$tmp/sh.notes" "$tmp/cl.notes"; then
		ok
	else
		bad "engine and CLI differ: $1"
		diff "$tmp/cl" "$tmp/sh" | head -n 6
		diff "$tmp/cl.notes" "$tmp/sh.notes" | head -n 4
	fi
}

shell_lines() { # shell_lines "a=b;c=d": one line each
	printf '%s' "$1" | tr ';' '\n'
	[ -n "$1" ] && printf '\n'
}

# clear_lines "a=b;c=d": the same options back to their defaults. The
# shell has no way back to no granularity: the sets that choose one come last.
clear_lines() {
	printf '%s\n' "$1" | tr ';' '\n' | sed -n 's/=.*/=/p' | grep -v '^granularity=' | sed 's/^sort=$/sort=flat/'
	printf 'sort=flat\ntrim=true\nmean=false\nnoinlines=false\nshowcolumns=false\nrelative_percentages=false\ndrop_negative=false\n'
}

echo "$fixtures" | while IFS='|' read -r fname file extra; do
	[ -n "$fname" ] || continue
	passed=0
	failed=0
	long_sh="compact_labels=false\nnodecount=12\n"
	: > "$tmp/long.cl"
	: > "$tmp/long.cl.notes"
	opts=$options
	case $fname in rw-*) opts=$(echo "$options" | sed -n '1,8p;11p;15p;17p;20p;34p') ;; esac
	echo "$opts" | {
		while IFS='|' read -r sh_opts cli_opts; do
			lines="compact_labels=false\nnodecount=12\n$(shell_lines "$sh_opts")"
			: > "$tmp/cl"
			: > "$tmp/cl.notes"
			echo "$reports" | {
				while IFS='|' read -r sh_cmd cli_cmd; do
					lines="$lines\n$sh_cmd"
					cli_run "$cli_cmd" "$extra" "$cli_opts"
				done
				printf '%s\n' "$lines" > "$tmp/lines"
			}
			lines=$(cat "$tmp/lines")
			shell_session "$extra" "$lines\n"
			compare "$fname [$sh_opts]"
			cat "$tmp/cl" >> "$tmp/long.cl"
			cat "$tmp/cl.notes" >> "$tmp/long.cl.notes"
			long_sh="$long_sh$(shell_lines "$sh_opts" | sed 's/$/\\n/' | tr -d '\n')"
			long_sh="$long_sh$(echo "$reports" | cut -d'|' -f1 | sed 's/$/\\n/' | tr -d '\n')"
			long_sh="$long_sh$(clear_lines "$sh_opts" | sed 's/$/\\n/' | tr -d '\n')"
		done
		shell_session "$extra" "$long_sh"
		cp "$tmp/long.cl" "$tmp/cl"
		cp "$tmp/long.cl.notes" "$tmp/cl.notes"
		compare "$fname: every option set in one session"
		echo "$passed $failed" > "$tmp/counts.$fname"
	}
done
# The loops ran in subshells: gather their counts.
for c in "$tmp"/counts.*; do
	read -r p f < "$c"
	passed=$((passed + p))
	failed=$((failed + f))
done
suite_end
