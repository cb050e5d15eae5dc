#!/bin/sh
# Command-line behaviour: both spellings, flags, stdin, -output, help,
# version and exit statuses. The last line is "N passed, N failed".
#
# Usage: tests/cli.sh PROF
set -u
. "$(dirname "$0")/lib.sh"
suite_start cli "$1"
heap=fixtures/leaky/normal/t1/heap.pb.gz
golden=tests/golden/top/leaky_normal_t1_heap.txt

# The subcommand spelling equals pprof's spelling.
if check subcommand 0 "$prof" top "$heap" && cmp -s "$tmp/out" "$golden"; then ok; else bad "prof top differs from golden"; fi
if check text 0 "$prof" text "$heap" && cmp -s "$tmp/out" "$golden"; then ok; else bad "prof text differs"; fi
if check dashdash 0 "$prof" --top "$heap" && cmp -s "$tmp/out" "$golden"; then ok; else bad "prof --top differs"; fi
# dot in both spellings, and to a file.
dotgolden=tests/golden/dot/leaky_normal_t1_heap--dot.txt
if check dot 0 "$prof" dot "$heap" && cmp -s "$tmp/out" "$dotgolden"; then ok; else bad "prof dot differs from golden"; fi
if check dot-output 0 "$prof" -dot -output="$tmp/g.dot" "$heap" && [ ! -s "$tmp/out" ] && cmp -s "$tmp/g.dot" "$dotgolden"; then ok; else bad "-dot -output"; fi
if check call-tree-false 0 "$prof" dot -call_tree=false "$heap" && cmp -s "$tmp/out" "$dotgolden"; then ok; else bad "-call_tree=false"; fi
# -flag value and -flag=value are the same.
"$prof" -top -nodecount=3 "$heap" > "$tmp/a" 2>/dev/null
if check space-value 0 "$prof" -top -nodecount 3 "$heap" && cmp -s "$tmp/out" "$tmp/a"; then ok; else bad "-nodecount 3 vs -nodecount=3"; fi
# Flags after the file, as a person types them.
if check flag-after-file 0 "$prof" top "$heap" -nodecount=3 && cmp -s "$tmp/out" "$tmp/a"; then ok; else bad "flag after file"; fi
# stdin as -.
if "$prof" -top - < "$heap" > "$tmp/out" 2>/dev/null && cmp -s "$tmp/out" "$golden"; then ok; else bad "stdin -"; fi
# Uncompressed input from stdin.
if gzip -dc "$heap" | "$prof" -top - > "$tmp/out" 2>/dev/null && cmp -s "$tmp/out" "$golden"; then ok; else bad "uncompressed stdin"; fi
# -output writes the file and nothing to stdout; a failed run leaves no file.
if check output 0 "$prof" -top -output="$tmp/report.txt" "$heap" && [ ! -s "$tmp/out" ] && cmp -s "$tmp/report.txt" "$golden"; then ok; else bad "-output"; fi
if check output-bad 1 "$prof" -top -output="$tmp/bad.txt" fixtures/broken/empty-file.pb && [ ! -e "$tmp/bad.txt" ] && [ -z "$(ls "$tmp" | grep tmp)" ]; then ok; else bad "-output on bad input"; fi
# Usage errors exit 2 with one line on stderr naming the problem.
if check unknown-flag 2 "$prof" -top -bogus "$heap" && grep -q "unknown flag -bogus" "$tmp/err" && [ ! -s "$tmp/out" ]; then ok; else bad "unknown flag"; fi
if check no-file 2 "$prof" top; then ok; else bad "no file"; fi
if check missing-value 2 "$prof" -top "$heap" -nodecount; then ok; else bad "missing value"; fi
if check bad-int 2 "$prof" -top -nodecount=x "$heap"; then ok; else bad "bad int"; fi
if check two-reports 2 "$prof" -top -text "$heap"; then ok; else bad "two reports"; fi
# Bad sample index: input-dependent, exit 1, pprof's message.
if check bad-index 1 "$prof" -top -sample_index=9 "$heap" && grep -q "sample_index 9 is outside the range \[0..3\]" "$tmp/err" && [ ! -s "$tmp/out" ]; then ok; else bad "bad sample index"; fi
if check zero-divisor 1 "$prof" -top -divide_by=0 "$heap" && grep -q "zero divisor" "$tmp/err"; then ok; else bad "zero divisor"; fi
# Missing file: exit 1, names the file.
if check missing-file 1 "$prof" -top "$tmp/nope.pb.gz" && grep -q "^prof: $tmp/nope.pb.gz: No such file or directory$" "$tmp/err"; then ok; else bad "missing file"; fi
# Other reports in both spellings.
g=tests/golden/reports/leaky_normal_t3_goroutine--peek_main.txt
if check peek-sub 0 "$prof" peek 'main\.' fixtures/leaky/normal/t3/goroutine.pb.gz && cmp -s "$tmp/out" "$g"; then ok; else bad "prof peek REGEX"; fi
g=tests/golden/reports/leaky_normal_t3_goroutine--traces.txt
if check traces-sub 0 "$prof" traces fixtures/leaky/normal/t3/goroutine.pb.gz && cmp -s "$tmp/out" "$g"; then ok; else bad "prof traces"; fi
if check peek-nomatch 1 "$prof" -peek=zzzz "$heap" && grep -q "no matches found for regexp: zzzz" "$tmp/err" && [ ! -s "$tmp/out" ]; then ok; else bad "peek without a match"; fi
if check bad-regex 2 "$prof" -top -focus='(' "$heap" && grep -q "parsing focus regexp" "$tmp/err"; then ok; else bad "bad focus regex"; fi
if check no-match-warning 0 "$prof" -top -focus=zzzz "$heap" && grep -q "^Focus expression matched no samples$" "$tmp/err"; then ok; else bad "focus warning"; fi
# Several files of one kind are merged as pprof merges them (goldens made by
# go tool pprof with the same arguments); different kinds are an error.
if check merge-top 0 "$prof" -top fixtures/leaky/normal/t1/heap.pb.gz fixtures/leaky/normal/t3/heap.pb.gz &&
	cmp -s "$tmp/out" tests/golden/merge/heap_t1_t3.top.txt; then ok; else bad "merged top"; fi
if check merge-traces 0 "$prof" -traces fixtures/leaky/normal/t1/goroutine.pb.gz fixtures/leaky/trimpath/t3/goroutine.pb.gz &&
	cmp -s "$tmp/out" tests/golden/merge/goroutine_t1_trim_t3.traces.txt; then ok; else bad "merged traces"; fi
if check merge-kinds 1 "$prof" -top "$heap" fixtures/leaky/normal/t1/goroutine.pb.gz &&
	grep -q "empty common sample type list" "$tmp/err" && [ ! -s "$tmp/out" ]; then ok; else bad "merge of different kinds"; fi
# Comparison flags: usage errors as in pprof.
if check base-and-diff 2 "$prof" -top -base="$heap" -diff_base="$heap" "$heap" && grep -q "cannot both be specified" "$tmp/err"; then ok; else bad "-base with -diff_base"; fi
if check normalize-alone 2 "$prof" -top -normalize "$heap" && grep -q "must have base profile" "$tmp/err"; then ok; else bad "-normalize without a base"; fi
if check base-kind 1 "$prof" -top -base=fixtures/leaky/normal/t1/goroutine.pb.gz "$heap" && grep -q "empty common sample type list" "$tmp/err"; then ok; else bad "base of another kind"; fi
# A base with more sample types than the profile (heap's 4 under a CPU profile's 2) is refused the same way, not overrun.
if check base-more-types 1 "$prof" -top -diff_base="$heap" fixtures/edge/cpu.pb.gz && grep -q "empty common sample type list" "$tmp/err"; then ok; else bad "base with more sample types"; fi
# prof diff: regression goldens (reviewed by hand; pprof has no such report).
t1=fixtures/leaky/normal/t1
t3=fixtures/leaky/normal/t3
for g in "goroutine_t1_t3:$t1/goroutine.pb.gz $t3/goroutine.pb.gz" \
	"goroutine_debug2_t1_t3_v:-v $t1/goroutine.debug2.txt $t3/goroutine.debug2.txt" \
	"heap_t1_t3:$t1/heap.pb.gz $t3/heap.pb.gz" \
	"goroutine_debug1_vs_pb:$t1/goroutine.debug1.txt $t3/goroutine.pb.gz"; do
	gname=${g%%:*}
	# shellcheck disable=SC2086 # the arguments are split on purpose
	if check "diff-$gname" 0 "$prof" diff ${g#*:} && cmp -s "$tmp/out" "tests/golden/diff/$gname.txt"; then ok; else bad "diff $gname"; fi
done
# Every seeded leak is among the growing stacks, ahead of anything that did not grow.
"$prof" diff "$t1/goroutine.debug2.txt" "$t3/goroutine.debug2.txt" > "$tmp/d" 2>&1
leaks_ok=1
for f in leakSendNoReceiver leakNilChanRecv leakLockNeverReleased leakSelectForever leakTickerWorker janitor; do
	sed -n '/^ *base/,/^$/p' "$tmp/d" | head -n 7 | grep -q "$f" || leaks_ok=0
done
if [ $leaks_ok = 1 ]; then ok; else bad "diff lists the leaks first"; fi
if check diff-fail 3 "$prof" diff -fail_if_grew=5 "$t1/goroutine.pb.gz" "$t3/goroutine.pb.gz" && grep -q "grew by 10" "$tmp/err"; then ok; else bad "diff -fail_if_grew"; fi
if check diff-pass 0 "$prof" diff -fail_if_grew=10 "$t1/goroutine.pb.gz" "$t3/goroutine.pb.gz"; then ok; else bad "diff -fail_if_grew not reached"; fi
# The shell and the command line run the same reports: a sequence of
# shell commands gives the bytes of the equal CLI invocations.
h3=fixtures/leaky/normal/t3/heap.pb.gz
same_as_cli() { # same_as_cli NAME "SHELL LINES" CLI ARGS...
	name=$1
	lines=$2
	shift 2
	printf 'compact_labels=false\n%b' "$lines" | "$prof" "$h3" 2> /dev/null | sed 's/(prof) //g' > "$tmp/sh"
	"$@" > "$tmp/cl" 2> /dev/null
	if cmp -s "$tmp/sh" "$tmp/cl"; then ok; else bad "shell and CLI differ: $name"; diff "$tmp/cl" "$tmp/sh" | head -n 5; fi
}
same_as_cli top 'top 7\n' "$prof" -top -nodecount=7 "$h3"
same_as_cli focus-cum 'focus=main\nsample_index=alloc_space\ntop 5 -cum\n' "$prof" -top -cum -nodecount=5 -focus=main -sample_index=alloc_space "$h3"
same_as_cli traces 'hide=runtime\ntraces\n' "$prof" -traces -hide=runtime "$h3"
same_as_cli tree 'granularity=lines\ntree\n' "$prof" -tree -lines "$h3"
same_as_cli peek 'peek main\n' "$prof" -peek=main "$h3"
same_as_cli tags 'tags\n' "$prof" -tags "$h3"
same_as_cli raw 'raw\n' "$prof" -raw "$h3"
same_as_cli dot 'nodecount=20\ndot\n' "$prof" -dot -nodecount=20 "$h3"
same_as_cli folded 'ignore=Tick\nfolded\n' "$prof" folded -ignore=Tick "$h3"
same_as_cli diff "diff $t1/heap.pb.gz\n" "$prof" diff "$t1/heap.pb.gz" "$h3"
same_as_cli trend "trend $t1/heap.pb.gz fixtures/leaky/normal/t2/heap.pb.gz\n" "$prof" trend "$t1/heap.pb.gz" fixtures/leaky/normal/t2/heap.pb.gz "$h3"
# pprof's -symbolize: its binary-seeking modes are accepted (prof never symbolizes).
if check symbolize-none 0 "$prof" -top -symbolize=none "$t3/heap.pb.gz" && cmp -s "$tmp/out" tests/golden/top/leaky_normal_t3_heap.txt; then ok; else bad "-symbolize=none"; fi
if check symbolize-bad 2 "$prof" -top -symbolize=demangle=full "$t3/heap.pb.gz" && grep -q "never symbolizes" "$tmp/err"; then ok; else bad "-symbolize=demangle=full"; fi
# Two images in one process (the shell): Graphviz's context is made once and kept.
mkdir "$tmp/img2"
if (cd "$tmp/img2" && printf 'svg\nsvg\n' | "$prof" "$OLDPWD/$t3/heap.pb.gz" > /dev/null 2> err) &&
	[ -s "$tmp/img2/profile001.svg" ] && [ -s "$tmp/img2/profile002.svg" ]; then ok; else bad "two svgs in the shell"; cat "$tmp/img2/err" | head -5; fi
# A program under a module path with a domain: its frame names the stack, in diff and trend.
m1=fixtures/edge/modpath1.pb.gz
m2=fixtures/edge/modpath2.pb.gz
if check diff-modpath 0 "$prof" diff "$m1" "$m2" &&
	grep -q 'sync.runtime_SemacquireMutex <- github.com/acme/app/store.(\*Cache).Get$' "$tmp/out"; then ok; else bad "diff drops a module-path frame"; fi
if check trend-modpath 0 "$prof" trend "$m1" "$m2" "$m2" &&
	grep -q '1\. score.*<- github.com/acme/app/store.(\*Cache).Get$' "$tmp/out"; then ok; else bad "trend drops a module-path frame"; fi
if check diff-one 2 "$prof" diff "$t1/goroutine.pb.gz"; then ok; else bad "diff with one profile"; fi
# Snapshots load side by side; a refusal still reads as loading in order: the first bad file's line, alone.
b1=fixtures/broken/bad-string-index-label.pb
b2=fixtures/broken/bad-string-index-mapping-filename.pb
for args in "diff $b1 $b2" "diff $t1/goroutine.pb.gz $b1" "trend $t1/goroutine.pb.gz $b1 $b2"; do
	if check "load-order" 1 "$prof" $args && [ ! -s "$tmp/out" ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] &&
		grep -q "^prof: $b1: " "$tmp/err"; then ok; else bad "$args: not one line for the first bad file"; fi
done
if check diff-kinds 1 "$prof" diff "$t1/heap.pb.gz" "$t3/goroutine.pb.gz"; then ok; else bad "diff of different kinds"; fi
# prof trend: regression goldens; snapshots sort by time whatever the argument order.
t2=fixtures/leaky/normal/t2
for g in "trend_goroutine_debug2:$t1/goroutine.debug2.txt $t2/goroutine.debug2.txt $t3/goroutine.debug2.txt" \
	"trend_goroutine_pb_unordered:$t3/goroutine.pb.gz $t1/goroutine.pb.gz $t2/goroutine.pb.gz" \
	"trend_goroutine_heap:$t1/goroutine.pb.gz $t2/goroutine.pb.gz $t3/goroutine.pb.gz $t1/heap.pb.gz $t2/heap.pb.gz $t3/heap.pb.gz"; do
	gname=${g%%:*}
	# shellcheck disable=SC2086 # the arguments are split on purpose
	if check "$gname" 0 "$prof" trend ${g#*:} && cmp -s "$tmp/out" "tests/golden/diff/$gname.txt"; then ok; else bad "$gname"; fi
done
# Every seeded leak grew at every step and is a suspect, on dumps and on profiles.
for kind in goroutine.debug2.txt goroutine.pb.gz; do
	"$prof" trend "$t1/$kind" "$t2/$kind" "$t3/$kind" > "$tmp/t" 2>&1
	all=1
	for f in leakSendNoReceiver leakNilChanRecv leakLockNeverReleased leakSelectForever leakTickerWorker janitor; do
		sed -n '/^Leak suspects/,$p' "$tmp/t" | grep "grew every step" | grep -q "$f" || all=0
	done
	if [ $all = 1 ]; then ok; else bad "trend flags every leak ($kind)"; fi
done
if check trend-one 2 "$prof" trend "$t1/goroutine.pb.gz"; then ok; else bad "trend with one snapshot"; fi
# Help and version.
if check help 0 "$prof" --help && grep -q "usage: prof" "$tmp/out"; then ok; else bad "--help"; fi
if check help-top 0 "$prof" help top && grep -q "^top:" "$tmp/out"; then ok; else bad "help top"; fi
if check help-tags 0 "$prof" help tags && grep -q "^tags:" "$tmp/out"; then ok; else bad "help tags"; fi
if check help-dot 0 "$prof" help dot && grep -q "^dot:" "$tmp/out"; then ok; else bad "help dot"; fi
if check help-bogus 2 "$prof" help bogus; then ok; else bad "help bogus"; fi
if check version 0 "$prof" --version && grep -q "^prof [0-9]" "$tmp/out"; then ok; else bad "--version"; fi
# The man page is well-formed roff (groff's warnings would show here).
if command -v groff > /dev/null 2>&1; then
	if groff -man -Tutf8 -ww src/cli/prof.1 > "$tmp/man" 2> "$tmp/manerr" && [ ! -s "$tmp/manerr" ] && grep -q "prof" "$tmp/man"; then ok; else bad "man page"; fi
fi
# A write error on stdout is an error, not a silent success.
if [ -w /dev/full ]; then
	if check write-error 1 sh -c "\"$prof\" -top \"$heap\" > /dev/full" && grep -q "error writing output" "$tmp/err"; then ok; else bad "write error"; fi
fi
# Hostile names: piped or on a terminal (script(1) gives one), no control
# byte, invalid UTF-8 or bidi control gets through; each is shown escaped.
hostile=fixtures/edge/hostile.pb.gz
esc=$(printf '\033')
# unsafe FILE: whether FILE holds a byte the name policy forbids.
unsafe() {
	LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]' "$1" ||
		! iconv -f UTF-8 -t UTF-8 "$1" > /dev/null 2>&1
}
if check hostile-pipe 0 "$prof" -top "$hostile" && grep -q 'esc\\x1b\[31m' "$tmp/out" && ! unsafe "$tmp/out"; then ok; else bad "hostile names piped"; fi
# Every text report, piped, on both hostile fixtures.
for h in "$hostile" fixtures/edge/hostile2.pb.gz; do
	for cmd in -top -traces -tags -tree -raw -peek=. -list=. -comments -dot -text -top+-lines -top+-addresses \
		flame folded goroutines diff+$h trend+$h+$h -top+-diff_base=$h; do
		args=$(printf '%s' "$cmd" | tr + ' ')
		# shellcheck disable=SC2086 # ARGS are split on purpose.
		"$prof" $args "$h" > "$tmp/out" 2> "$tmp/err" < /dev/null
		if ! unsafe "$tmp/out" && ! unsafe "$tmp/err"; then ok; else bad "hostile names piped: $args $h"; fi
	done
done
if command -v script > /dev/null 2>&1; then
	for cmd in "-top" "-traces" "-tags" "-tree" "-raw"; do
		script -qec "\"$prof\" $cmd $hostile" /dev/null > "$tmp/tty" 2>&1 < /dev/null
		if grep -q '\\x1b[]\[]' "$tmp/tty" && ! grep -q "$esc" "$tmp/tty" &&
			! LC_ALL=C grep -q "$(printf '\377')" "$tmp/tty"; then
			ok
		else
			bad "hostile names reach a terminal ($cmd)"
		fi
	done
fi
# Go 1.26 (fixtures/leaky126): the runtime's leak verdict comes first in
# diff and trend, marked LEAKED, apart from the "stuck forever" guess; a
# goroutineleak profile (pb.gz, debug=1) works in every report.
n126=fixtures/leaky126/normal
for g in "go126_diff_debug2:$n126/t1/goroutine.debug2.txt $n126/t3/goroutine.debug2.txt" \
	"go126_diff_leak:$n126/t1/goroutineleak.pb.gz $n126/t3/goroutineleak.debug1.txt" \
	"go126_trend_debug2:$n126/t1/goroutine.debug2.txt $n126/t2/goroutine.debug2.txt $n126/t3/goroutine.debug2.txt" \
	"go126_trend_leak:$n126/t3/goroutineleak.pb.gz $n126/t1/goroutineleak.pb.gz $n126/t2/goroutineleak.pb.gz"; do
	gname=${g%%:*}
	cmd=diff
	case $gname in *trend*) cmd=trend ;; esac
	# shellcheck disable=SC2086 # the arguments are split on purpose
	if check "$gname" 0 "$prof" $cmd ${g#*:}; then
		[ "${CLI_REGEN:-}" = 1 ] && cp "$tmp/out" "tests/golden/diff/$gname.txt"
		if cmp -s "$tmp/out" "tests/golden/diff/$gname.txt"; then ok; else bad "$gname"; fi
	else bad "$gname"; fi
done
# leaked_first FILE: every LEAKED row of a table comes before every other row.
leaked_first() {
	awk '/^ *(base|values) /{t=1; next} t && /^$/{exit} t{ if ($0 ~ /LEAKED/) { if (plain) bad=1; n++ } else plain=1 } END{exit !(n > 0 && !bad)}' "$1"
}
"$prof" diff "$n126/t1/goroutine.debug2.txt" "$n126/t3/goroutine.debug2.txt" > "$tmp/d" 2>&1
if leaked_first "$tmp/d" && grep -q '^ *2 *12 *+10 *+500%  LEAKED \[chan receive (nil chan)\] main.leakNilChanRecv ' "$tmp/d" &&
	! grep -q '(leaked)\|labels:' "$tmp/d"; then ok; else bad "go126 diff: LEAKED first, states exact"; fi
"$prof" trend "$n126/t1/goroutine.debug2.txt" "$n126/t2/goroutine.debug2.txt" "$n126/t3/goroutine.debug2.txt" > "$tmp/t" 2>&1
if leaked_first "$tmp/t" &&
	[ "$(sed -n '/^Leak suspects/,$p' "$tmp/t" | sed -n 2p | grep -c 'LEAKED')" = 1 ] &&
	! grep -q 'LEAKED.*stuck forever\|stuck forever.*LEAKED' "$tmp/t"; then ok; else bad "go126 trend: LEAKED first"; fi
# The leak profile in every report, pb.gz and debug=1 alike.
for f in "$n126/t3/goroutineleak.pb.gz" "$n126/t3/goroutineleak.debug1.txt"; do
	for r in -top -traces -tree -peek=main -tags -raw -dot -text; do
		if check "leak $r" 0 "$prof" $r "$f" && [ -s "$tmp/out" ]; then ok; else bad "goroutineleak $r on $f"; fi
	done
	if check "leak type" 0 "$prof" -top "$f" && grep -q '^Type: goroutineleak$' "$tmp/out" &&
		grep -q ' main.leakSendNoReceiver$' "$tmp/out"; then ok; else bad "goroutineleak Type on $f"; fi
done
# debug=1 and pb.gz of one moment hold the same leaks.
if check leak-same 0 "$prof" diff "$n126/t3/goroutineleak.debug1.txt" "$n126/t3/goroutineleak.pb.gz" &&
	grep -q '^Delta: 0 (+0%)$' "$tmp/out" && [ "$(grep -c '  LEAKED ' "$tmp/out")" -eq 7 ] && ! grep -q ' [+-][1-9]' "$tmp/out"; then ok; else bad "goroutineleak debug1 vs pb"; fi

suite_end
