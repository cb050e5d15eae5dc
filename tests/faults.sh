#!/bin/sh
# I/O faults: a write error (/dev/full, a disk that fills, -output into a
# folder that cannot be written) gives one line on stderr and exit 1, and
# leaves no partial file; a reader that closes the pipe early ends prof
# quietly. A full disk is tests/faultshim.c, an LD_PRELOAD library built
# here with cc. The last line is "N passed, N failed".
#
# Usage: tests/faults.sh PROF
. "$(dirname "$0")/lib.sh"
suite_start faults "$1"

small=fixtures/leaky/normal/t3/goroutine.pb.gz
big=$tmp/big.pb.gz
# A report larger than a pipe's buffer, so that prof is still writing when the reader goes.
"$(dirname "$prof")/bench/profgen" -samples 20000 -o "$big" > /dev/null 2>&1 ||
	cp fixtures/leaky/normal/t3/heap.pb.gz "$big"

# want NAME STATUS LINE: the last check exited STATUS with exactly LINE on stderr and nothing on stdout.
want() {
	rc=$?
	if [ "$rc" -eq "$2" ] && [ "$(cat "$tmp/err")" = "$3" ] && [ ! -s "$tmp/out" ]; then
		ok
	else
		bad "$1: exit $rc, want $2 and \"$3\""
		head -n 3 "$tmp/err" | sed 's/^/  stderr: /'
	fi
}

# nothing_left NAME FILE: neither FILE nor a temporary file beside it exists.
nothing_left() {
	if [ -e "$2" ] || ls "$2".tmp.* > /dev/null 2>&1; then
		bad "$1: left $(ls -d "$2" "$2".tmp.* 2> /dev/null | tr '\n' ' ')"
	else
		ok
	fi
}

# stdout on a full device
# (stdio keeps no errno: -proto flushes as it goes, so at exit nothing is
# left to flush and the line can only say that writing failed)
for report in top traces proto; do
	line="prof: error writing output: No space left on device"
	[ $report = proto ] && line="prof: error writing output"
	"$prof" -$report "$big" > /dev/full 2> "$tmp/err"
	rc=$?
	: > "$tmp/out"
	(exit $rc)
	want "-$report on /dev/full" 1 "$line"
done

# -output on a device is written in place, never renamed over
"$prof" -traces -output=/dev/full "$small" > "$tmp/out" 2> "$tmp/err"
want "-output=/dev/full" 1 "prof: /dev/full: No space left on device"
[ -c /dev/full ] && ok || bad "-output=/dev/full replaced the device"
"$prof" -top -output=/dev/null "$small" > "$tmp/out" 2> "$tmp/err"
want "-output=/dev/null" 0 ""
[ -c /dev/null ] && ok || bad "-output=/dev/null replaced the device"

# -output into a folder that cannot be written (root writes anywhere but /proc)
if [ "$(id -u)" = 0 ]; then
	dir=/proc reason="No such file or directory"
else
	dir=$tmp/ro reason="Permission denied"
	mkdir "$dir" && chmod 555 "$dir"
fi
"$prof" -top -output="$dir/out.txt" "$small" > "$tmp/out" 2> "$tmp/err"
want "-output into $dir" 1 "prof: $dir/out.txt: $reason"
nothing_left "-output into $dir" "$dir/out.txt"
"$prof" -top -output="$tmp/no/such/out.txt" "$small" > "$tmp/out" 2> "$tmp/err"
want "-output into a missing folder" 1 "prof: $tmp/no/such/out.txt: No such file or directory"

# a disk that fills: write(2) fails with ENOSPC after N bytes. glibc's stdio
# calls its own write, which no LD_PRELOAD reaches, so the shim is for
# -output (outfile writes through write(2)); /dev/full covers stdout.
if ${CC:-cc} -shared -fPIC -o "$tmp/faultshim.so" tests/faultshim.c -ldl 2> "$tmp/cc"; then
	# The sanitizers' runtime wants to come first; the shim only wraps write.
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
	for n in 0 1 4096 100000; do
		for report in traces proto; do
			FAULT_WRITE_AFTER=$n LD_PRELOAD=$tmp/faultshim.so \
				"$prof" -$report -output="$tmp/out.$report" "$big" > "$tmp/out" 2> "$tmp/err"
			want "full disk after $n bytes, -$report -output" 1 "prof: $tmp/out.$report: No space left on device"
			nothing_left "full disk after $n bytes, -$report -output" "$tmp/out.$report"
		done
	done
	# A file that was there stays whole when its replacement cannot be written.
	printf 'old\n' > "$tmp/keep.txt"
	FAULT_WRITE_AFTER=100 LD_PRELOAD=$tmp/faultshim.so \
		"$prof" -traces -output="$tmp/keep.txt" "$big" > "$tmp/out" 2> "$tmp/err"
	want "full disk, -output over a file" 1 "prof: $tmp/keep.txt: No space left on device"
	[ "$(cat "$tmp/keep.txt")" = old ] && ok || bad "full disk, -output over a file: the old file changed"
else
	bad "tests/faultshim.c does not build"
	cat "$tmp/cc"
fi

# a reader that closes the pipe early: prof ends quietly (SIGPIPE), with the
# signal ignored by its parent too
for ignore in no yes; do
	{
		if [ $ignore = yes ]; then trap '' PIPE; fi
		"$prof" -traces "$big" 2> "$tmp/err"
		echo $? > "$tmp/rc"
	} | head -n 1 > /dev/null
	rc=$(cat "$tmp/rc")
	if [ ! -s "$tmp/err" ] && { [ "$rc" = 141 ] || [ "$rc" = 0 ]; }; then
		ok
	else
		bad "closed pipe (SIGPIPE ignored: $ignore): exit $rc"
		head -n 3 "$tmp/err" | sed 's/^/  stderr: /'
	fi
done
suite_end
