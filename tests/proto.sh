#!/bin/sh
# prof -proto: the profile after filters, diffs and merges, written as gzip'd
# pprof protobuf, must read back as the same profile.
#
# Each case writes RT = "PROF -proto -output=RT PFLAGS INPUTS" and checks:
#   - RT is gzip data, and "PROF VIEW RT" (VIEW: -top unless given) equals
#     the expectation: a committed pprof golden (tests/golden/...), or
#     "PROF VIEW REF INPUTS", the report on the originals (REF: the flags
#     that report needs, -relative_percentages when the filters change the
#     total); "Active filters:" lines are left out, as RT has no filters;
#   - RT is a fixed point: -proto of RT gives RT again, byte for byte;
#   - with go installed: "go tool pprof VIEW RT" equals the golden, or
#     "go tool pprof VIEW REF INPUTS", and equals go tool pprof VIEW of
#     pprof's own -proto output for the same flags. Text inputs are read
#     differently by the two loaders (prof symbolizes debug=1 stacks), so
#     for them go's reading of RT is compared with prof's instead.
# Every fixture under fixtures/leaky/*/t{1,2,3}/, fixtures/leaky/*/cpu.pb.gz,
# fixtures/edge/ and fixtures/text/ is a case with no flags (-top and -traces),
# then the filter, merge, -base/-diff_base, label frame and -divide_by cases
# below. Then -proto's behaviour: bad input leaves no file, a terminal
# gets no binary data (a new profileNNN.pb.gz instead), the shell's
# "proto > FILE" and bare "proto".
# The last line is "N passed, N failed"; exit 1 on any failure.
#
# Usage: tests/proto.sh PROF [--no-go]   (--no-go: skip go tool pprof even when installed)
set -u
. "$(dirname "$0")/lib.sh"
suite_start proto "$1"
gold=tests/golden
havego=0
command -v go > /dev/null 2>&1 && [ "${2:-}" != --no-go ] && havego=1
# gotext ARGS...: go tool pprof's text report with names shown as prof shows
# them (pprof prints control bytes raw; tests/escape_filter.c).
escape=$(dirname "$prof")/tests/escape_filter
gotext() {
	go tool pprof "$@" > "$tmp/gotext" 2> /dev/null < /dev/null
	"$escape" < "$tmp/gotext"
}
tab=$(printf '\t')

# strip FILE: FILE without pprof's "Active filters:" block.
strip() {
	awk '/^Active filters:$/ { skip = 1; next } skip && /^   / { next } { skip = 0; print }' "$1"
}

# same WHAT WANT GOT: WANT and GOT are equal (a diff is shown when not).
same() {
	if cmp -s "$2" "$3"; then ok; else
		bad "$1"
		diff -u "$2" "$3" | head -n 20
	fi
}

# Samples with no stack count in a report's total, but pprof's filtering
# (which -proto runs, as every report does) drops them, so their round trip
# matches the report on the original only with -relative_percentages.
empty_stacks() {
	case $1 in
	*threadcreate* | *emptystack* | */crash.txt) return 0 ;;
	esac
	return 1
}

# The plain cases: every fixture, no flags, viewed with -top and -traces.
: > "$tmp/cases"
for f in fixtures/leaky/normal/t[123]/*.pb.gz fixtures/leaky/trimpath/t[123]/*.pb.gz \
	fixtures/leaky/*/cpu.pb.gz fixtures/edge/*.pb fixtures/edge/*.pb.gz fixtures/text/*.txt \
	fixtures/leaky/normal/t3/*.txt; do
	n=$(echo "${f#fixtures/}" | tr '/.' '__')
	g=$(awk -F "$tab" -v f="$f" '$2 == f && $3 == "" { print $1; exit }' "$gold/top.cases")
	if empty_stacks "$f"; then
		expect="ref:-relative_percentages"
	elif [ -n "$g" ]; then
		expect="golden:top/$g.txt"
	else
		expect="ref:"
	fi
	# (an empty field is a space: read would merge two tabs)
	printf '%s\t \t%s\t-top\t%s\n' "$n" "$f" "$expect" >> "$tmp/cases"
	# A heap block of 0 bytes in a text profile has the numeric label
	# bytes=0, which protobuf cannot hold: it reads back as no label (in
	# pprof too), so only go's reading of the round trip is compared.
	texp=ref:
	case $f in *heap.debug1.txt | *allocs.debug1.txt) texp=pprof ;; esac
	printf '%s-traces\t \t%s\t-traces\t%s\n' "$n" "$f" "$texp" >> "$tmp/cases"
done

# The variants: NAME, -proto flags, inputs, the report viewing the round trip,
# and the expectation: golden:FILE, strip:FILE for a golden with filters,
# ref:FLAGS, or pprof: only pprof's own -proto output (when go is installed)
# says what to expect. That is the case of -divide_by with an inexact ratio:
# -proto truncates each scaled sample, where a report scales the sums.
h1=fixtures/leaky/normal/t1/heap.pb.gz
h2=fixtures/leaky/normal/t2/heap.pb.gz
h3=fixtures/leaky/normal/t3/heap.pb.gz
g1=fixtures/leaky/normal/t1/goroutine.pb.gz
g3=fixtures/leaky/normal/t3/goroutine.pb.gz
cpu=fixtures/leaky/normal/cpu.pb.gz
lab=fixtures/edge/labels.pb.gz
cat >> "$tmp/cases" << EOF
focus-leak-heap	-focus=leak	$h3	-top	strip:reports/leaky_normal_t3_heap--relative.txt
focus-leak-goroutine	-focus=leak	$g3	-top	strip:reports/leaky_normal_t3_goroutine--relative.txt
focus-leak-cpu	-focus=leak	$cpu	-top	strip:reports/leaky_normal_cpu--relative.txt
focus-leak-block	-focus=leak	fixtures/leaky/normal/t3/block.pb.gz	-top	strip:reports/leaky_normal_t3_block--relative.txt
focus-leak-mutex	-focus=leak	fixtures/leaky/normal/t3/mutex.pb.gz	-top	strip:reports/leaky_normal_t3_mutex--relative.txt
focus-leak-trimpath	-focus=leak	fixtures/leaky/trimpath/t2/heap.pb.gz	-top	strip:reports/leaky_trimpath_t2_heap--relative.txt
focus-leak-inline	-focus=leak	fixtures/edge/inline.pb.gz	-top	strip:reports/edge_inline--relative.txt
focus-leak-recursion	-focus=leak	fixtures/edge/recursion.pb.gz	-top	strip:reports/edge_recursion--relative.txt
focus-main	-focus=main	$h3	-top	ref:-relative_percentages -focus=main
focus-main-traces	-focus=main	$g3	-traces	ref:-focus=main
ignore	-ignore=runtime	$g3	-top	ref:-relative_percentages -ignore=runtime
ignore-cpu	-ignore=runtime	$cpu	-top	ref:-relative_percentages -ignore=runtime
hide	-hide=runtime	$g3	-top	ref:-relative_percentages -hide=runtime
hide-traces	-hide=runtime	$cpu	-traces	ref:-hide=runtime
show	-show=main	$h3	-top	ref:-relative_percentages -show=main
show-inline	-show=main	fixtures/edge/inline.pb.gz	-top	ref:-relative_percentages -show=main
show_from	-show_from=main	$cpu	-top	ref:-relative_percentages -show_from=main
prune_from	-prune_from=fmt	$h3	-top	ref:-relative_percentages -prune_from=fmt
focus-ignore	-focus=main -ignore=Sprintf	$h3	-top	ref:-relative_percentages -focus=main -ignore=Sprintf
tagfocus	-tagfocus=region=eu	$lab	-top	ref:-relative_percentages -tagfocus=region=eu
tagfocus-traces	-tagfocus=region=eu	$lab	-traces	golden:reports/edge_labels--tagfocus_traces.txt
tagfocus-tags	-tagfocus=handler=users	$lab	-tags	ref:-relative_percentages -tagfocus=handler=users
tagrange	-tagfocus=1kb:64kb	$lab	-top	ref:-relative_percentages -tagfocus=1kb:64kb
tagignore	-tagignore=users	$lab	-top	ref:-relative_percentages -tagignore=users
taghide-traces	-taghide=handler	$lab	-traces	golden:reports/edge_labels--taghide_traces.txt
tagshow-tags	-tagshow=reg	$lab	-tags	golden:reports/edge_labels--tagshow.txt
tagroot	-tagroot=handler	$lab	-top	golden:reports/edge_labels--tagroot.txt
tagroot-bytes	-tagroot=bytes	$h3	-top	golden:reports/leaky_normal_t3_heap--tagroot_bytes.txt
tagleaf-traces	-tagleaf=region,handler	$lab	-traces	golden:reports/edge_labels--tagleaf_traces.txt
tagroot-tree	-tagroot=request_bytes	$lab	-tree	golden:reports/edge_labels--tagroot_tree.txt
labels-tags	 	$lab	-tags	golden:reports/edge_labels--tags.txt
units-tags	 	fixtures/edge/units.pb.gz	-tags	golden:reports/edge_units--tags.txt
comments	 	$h3	-comments	golden:reports/leaky_normal_t3_heap--comments.txt
base-top	-base=$h1	$h3	-top	golden:reports/leaky_normal_t3_heap--base_top.txt
base-traces	-base=$h1	$h3	-traces	golden:reports/leaky_normal_t3_heap--base_traces.txt
base-tree	-base=$g1	$g3	-tree	golden:reports/leaky_normal_t3_goroutine--base_tree.txt
base-normalize	-normalize -base=$h1	$h3	-top	golden:reports/leaky_normal_t3_heap--base_topnormalize.txt
base-drop_negative	-base=$g1	$g3	-top -drop_negative	golden:reports/leaky_normal_t3_goroutine--base_topdrop_negative.txt
diff_base-top	-diff_base=$h1	$h3	-top	golden:reports/leaky_normal_t3_heap--diff_base_top.txt
diff_base-traces	-diff_base=$g1	$g3	-traces	golden:reports/leaky_normal_t3_goroutine--diff_base_traces.txt
diff_base-block	-diff_base=fixtures/leaky/normal/t1/block.pb.gz	fixtures/leaky/normal/t3/block.pb.gz	-top	golden:reports/leaky_normal_t3_block--diff_base_top.txt
diff_base-normalize	-normalize -diff_base=fixtures/leaky/normal/t1/mutex.pb.gz	fixtures/leaky/normal/t3/mutex.pb.gz	-top	golden:reports/leaky_normal_t3_mutex--diff_base_topnormalize.txt
diff_base-focus	-diff_base=$h1 -focus=main	$h3	-top	ref:-relative_percentages -diff_base=$h1 -focus=main
merge-t1-t3	 	$h1 $h3	-top	golden:merge/heap_t1_t3.top.txt
merge-traces	 	$g1 fixtures/leaky/trimpath/t3/goroutine.pb.gz	-traces	golden:merge/goroutine_t1_trim_t3.traces.txt
merge-t1-t2	 	$h1 $h2	-top	ref:
merge-t1-t2-traces	 	$h1 $h2	-traces	ref:
merge-three	 	fixtures/leaky/normal/t1/mutex.pb.gz fixtures/leaky/normal/t2/mutex.pb.gz fixtures/leaky/normal/t3/mutex.pb.gz	-top	ref:
merge-focus	-focus=leak	$h1 $h2	-top	ref:-relative_percentages -focus=leak
merge-text	 	fixtures/leaky/normal/t1/goroutine.debug1.txt fixtures/leaky/normal/t3/goroutine.debug1.txt	-top	ref:
divide_by-half	-divide_by=0.5	$h3	-top	ref:-divide_by=0.5
divide_by-quarter	-divide_by=0.25	$g3	-traces	ref:-divide_by=0.25
divide_by-3	-divide_by=3	$g3	-top	pprof
divide_by-1024	-divide_by=1024	$h3	-top	pprof
divide_by-negative	-divide_by=-2	$h3	-top	ref:
noinlines	-noinlines	fixtures/edge/inline.pb.gz	-top	ref:-noinlines
noinlines-cpu	-noinlines -lines	$cpu	-top	ref:-noinlines
sample_index-all	-sample_index=0	$h3	-top	golden:top/leaky_normal_t3_heap.txt
sample_index-0	-inuse_objects	$h3	-top -sample_index=0	golden:top/leaky_normal_t3_heap--sample_index_0.txt
sample_index-2	 	$h3	-top -sample_index=2	golden:top/leaky_normal_t3_heap--sample_index_2.txt
mean	-mean	fixtures/leaky/normal/t3/block.pb.gz	-top -mean	golden:top/leaky_normal_t3_block--mean.txt
text-focus	-focus=main	fixtures/leaky/normal/t3/heap.debug1.txt	-top	ref:-relative_percentages -focus=main
text-debug2-ignore	-ignore=runtime	fixtures/leaky/normal/t3/goroutine.debug2.txt	-top	ref:-relative_percentages -ignore=runtime
EOF

while IFS="$tab" read -r name pflags inputs view expect; do
	[ -n "$name" ] || continue
	rt=$tmp/rt.pb.gz
	# A case with the -proto flags and inputs of the one before views the same round trip.
	fresh=0
	if [ "$pflags|$inputs" != "${last:-}" ]; then
		fresh=1
		last="$pflags|$inputs"
		rm -f "$rt"
		rc=0
		# shellcheck disable=SC2086 # flags and inputs are split on purpose.
		"$prof" -proto -output="$rt" $pflags $inputs > "$tmp/out" 2> "$tmp/err" < /dev/null || rc=$?
		if [ $rc -ne 0 ] || [ ! -s "$rt" ] || [ -s "$tmp/out" ]; then
			bad "$name: prof -proto $pflags $inputs: exit $rc: $(head -n 1 "$tmp/err")"
			last=
			continue
		fi
		if [ "$(od -An -tx1 -N2 "$rt" | tr -d ' \n')" = 1f8b ]; then ok; else bad "$name: not gzip data"; fi
	fi
	text=0
	case $inputs in *.txt*) text=1 ;; esac
	# The expectation, prof's and go's (when go reads the inputs as prof does).
	case $expect in
	golden:*)
		cp "$gold/${expect#golden:}" "$tmp/want"
		cp "$tmp/want" "$tmp/gowant"
		;;
	strip:*)
		strip "$gold/${expect#strip:}" > "$tmp/want"
		cp "$tmp/want" "$tmp/gowant"
		;;
	ref:*)
		ref=${expect#ref:}
		# shellcheck disable=SC2086
		"$prof" $view $ref $inputs > "$tmp/raw" 2> /dev/null < /dev/null
		strip "$tmp/raw" > "$tmp/want"
		if [ $havego -eq 1 ] && [ $text -eq 0 ]; then
			# shellcheck disable=SC2086
			gotext $view $ref $inputs > "$tmp/raw"
			strip "$tmp/raw" > "$tmp/gowant"
		fi
		;;
	pprof) ;;
	*)
		bad "$name: bad expectation $expect"
		continue
		;;
	esac
	# shellcheck disable=SC2086
	"$prof" $view "$rt" > "$tmp/got" 2> "$tmp/err" < /dev/null
	[ "$expect" = pprof ] || same "$name: prof $view of the round trip ($expect)" "$tmp/want" "$tmp/got"

	if [ $fresh -eq 1 ]; then
		rm -f "$tmp/rt2.pb.gz"
		"$prof" -proto -output="$tmp/rt2.pb.gz" "$rt" 2> /dev/null < /dev/null
		if cmp -s "$rt" "$tmp/rt2.pb.gz"; then ok; else bad "$name: -proto of the round trip is not the same bytes"; fi
	fi

	[ $havego -eq 1 ] || continue
	# shellcheck disable=SC2086
	gotext $view "$rt" > "$tmp/gogot"
	if [ $text -eq 1 ]; then
		same "$name: go tool pprof $view of the round trip, against prof's" "$tmp/got" "$tmp/gogot"
		continue
	fi
	[ "$expect" = pprof ] || same "$name: go tool pprof $view of the round trip ($expect)" "$tmp/gowant" "$tmp/gogot"
	# shellcheck disable=SC2086
	[ $fresh -eq 1 ] && go tool pprof -proto $pflags $inputs > "$tmp/go.pb.gz" 2> /dev/null < /dev/null
	# shellcheck disable=SC2086
	gotext $view "$tmp/go.pb.gz" > "$tmp/gogo"
	same "$name: go tool pprof $view, prof's -proto against pprof's" "$tmp/gogo" "$tmp/gogot"
done < "$tmp/cases"

# -divide_by with an inexact ratio: each sample's value truncated, as pprof's -proto does.
"$prof" -proto -divide_by=3 -output="$tmp/d3.pb.gz" "$g3" 2> /dev/null < /dev/null
"$prof" -traces "$g3" 2> /dev/null | awk '/^-----------\+/ { getline; if ($1 ~ /^[0-9]+$/) s += int($1 / 3) } END { print s + 0 }' > "$tmp/want"
"$prof" -traces "$tmp/d3.pb.gz" 2> /dev/null | awk '/^-----------\+/ { getline; if ($1 ~ /^[0-9]+$/) s += $1 } END { print s + 0 }' > "$tmp/got"
same "-divide_by=3 truncates each sample" "$tmp/want" "$tmp/got"

# ---- behaviour ----

# nofile NAME: no x.pb.gz and no temp file beside it.
nofile() {
	if [ ! -e "$tmp/bad/x.pb.gz" ] && [ -z "$(ls "$tmp/bad")" ]; then ok; else
		bad "$1: left $(ls "$tmp/bad")"
	fi
	rm -rf "$tmp/bad"
	mkdir -p "$tmp/bad"
}
mkdir -p "$tmp/bad"
x=$tmp/bad/x.pb.gz
if check broken 1 "$prof" -proto -output="$x" fixtures/broken/truncated-protobuf.pb; then ok; fi
nofile "broken input"
if check missing 1 "$prof" -proto -output="$x" fixtures/nonexistent.pb.gz; then ok; fi
nofile "missing input"
if check sample_index 1 "$prof" -proto -sample_index=nope -output="$x" "$h3"; then ok; fi
nofile "-sample_index=nope"
if check divide_by-zero 1 "$prof" -proto -divide_by=0 -output="$x" "$h3" && grep -q "zero divisor" "$tmp/err"; then
	ok
else bad "-divide_by=0 message"; fi
nofile "-divide_by=0"
if check bad-regex 2 "$prof" -proto -focus='(' -output="$x" "$h3"; then ok; fi
nofile "bad -focus regex"
if check merge-kinds 1 "$prof" -proto -output="$x" "$h3" "$g3"; then ok; fi
nofile "merge of different kinds"
# A failure leaves an existing file as it was.
echo keep > "$tmp/keep"
if check keep 1 "$prof" -proto -output="$tmp/keep" fixtures/broken/truncated-protobuf.pb &&
	[ "$(cat "$tmp/keep")" = keep ]; then ok; else bad "a failed -proto changed the existing output"; fi

# Without -output and not on a terminal: the bytes go to stdout.
"$prof" -proto -output="$tmp/s.pb.gz" "$h3" < /dev/null
if check stdout 0 "$prof" -proto "$h3" && cmp -s "$tmp/out" "$tmp/s.pb.gz"; then ok; else
	bad "-proto to stdout differs from -output"
fi
if gzip -t < "$tmp/out" 2> /dev/null; then ok; else bad "-proto to stdout is not gzip data"; fi
# The subcommand spelling.
if check subcommand 0 "$prof" proto -output="$tmp/sub.pb.gz" "$h3" && cmp -s "$tmp/sub.pb.gz" "$tmp/s.pb.gz"; then
	ok
else bad "prof proto differs from prof -proto"; fi
# Help knows it.
if check help 0 "$prof" help proto && grep -q "gzip'd pprof protobuf" "$tmp/out"; then ok; else bad "prof help proto"; fi
if check usage 0 "$prof" --help && grep -q "^  proto " "$tmp/out"; then ok; else bad "proto missing from --help"; fi

# On a terminal without -output, as pprof: the data goes to a new file
# profileNNN.pb.gz in the current folder, never to the terminal.
mkdir "$tmp/cwd"
if command -v script > /dev/null 2>&1; then
	(cd "$tmp/cwd" && : > profile001.pb.gz &&
		script -q -c "\"$prof\" -proto \"$repo/$h3\"; echo \"rc=\$?\"" /dev/null < /dev/null > "$tmp/tty" 2>&1)
	if grep -q "Generating report in profile002.pb.gz" "$tmp/tty" && grep -q "rc=0" "$tmp/tty" &&
		cmp -s "$tmp/cwd/profile002.pb.gz" "$tmp/s.pb.gz" && [ ! -s "$tmp/cwd/profile001.pb.gz" ] &&
		! LC_ALL=C grep -q "$(printf '\037\213')" "$tmp/tty"; then ok; else
		bad "-proto on a terminal: $(head -c 200 "$tmp/tty")"
	fi
fi

# The shell: "proto > FILE" writes the filtered profile; bare "proto" writes
# a new profileNNN.pb.gz, as pprof's shell does.
(cd "$tmp/cwd" && printf 'focus=leak\nproto > %s\nproto\n' "$tmp/shell.pb.gz" | "$prof" "$repo/$h3" > "$tmp/out" 2> "$tmp/err")
"$prof" -top "$tmp/shell.pb.gz" > "$tmp/got" 2> /dev/null < /dev/null
strip "$gold/reports/leaky_normal_t3_heap--relative.txt" > "$tmp/want"
same "shell: proto > FILE" "$tmp/want" "$tmp/got"
if grep -q "Generating report in profile00[23].pb.gz" "$tmp/err" && ! LC_ALL=C grep -q "$(printf '\037\213')" "$tmp/out" &&
	cmp -s "$tmp/shell.pb.gz" "$(ls "$tmp"/cwd/profile00[23].pb.gz | tail -n 1)"; then ok; else
	bad "shell: bare proto: $(tail -n 2 "$tmp/err")"
fi

suite_end
