#!/bin/sh
# Capture from a running service, all on 127.0.0.1: a stand-in server
# (tests/capture_server.py) for HTTP's failures, each with its one line and
# no file left, and a real Go service (fixtures/gen/service, built here)
# leaking in six ways, for top, text endpoints, -seconds, live diff and
# trend. Without python3 or go, their part says it is skipped. The last line
# is "N passed, N failed".
#
# Usage: tests/capture.sh PROF
set -u
. "$(dirname "$0")/lib.sh"
suite_start capture "$1"
pids=""
trap 'for p in $pids; do kill "$p" 2> /dev/null; done; rm -rf "$tmp"' EXIT
trap 'exit 2' INT TERM
saved=$tmp/captures/saved # two levels: made as mkdir -p makes them
export PPROF_TMPDIR="$saved"
unset PROF_MAX_SIZE http_proxy https_proxy HTTPS_PROXY ALL_PROXY all_proxy no_proxy NO_PROXY
fixture=fixtures/leaky/normal/t1/goroutine.pb.gz

# wait_port FILE [LINE]: the port the server printed on line LINE (default 1) of FILE ("port N" or "N"), within 10 s.
wait_port() {
	i=0
	while [ $i -lt 100 ]; do
		p=$(sed -n "${2:-1}s/^[^0-9]*\\([0-9][0-9]*\\)\$/\\1/p" "$1" 2> /dev/null)
		[ -n "$p" ] && { echo "$p"; return 0; }
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# nsaved: how many files (temporary ones too) the capture folder holds.
nsaved() { ls -A "$saved" 2> /dev/null | wc -l | tr -d ' '; }

# fails NAME WANT_LINE PROF_ARGS...: exit 1, nothing on stdout, WANT_LINE the last of stderr, no file saved.
# (A WANT_LINE ending in * matches any line starting with what comes before.)
fails() {
	fname=$1 fwant=$2
	shift 2
	before=$(nsaved)
	got=$(tail -n 1 "$tmp/err" 2> /dev/null)
	if check "$fname" 1 "$prof" "$@" && [ ! -s "$tmp/out" ] && got=$(tail -n 1 "$tmp/err") &&
		case $got in $fwant) true ;; *) false ;; esac && [ "$(nsaved)" = "$before" ]; then
		ok
	else
		bad "$fname: want \"$fwant\", got \"$got\" ($(nsaved) files, $before before)"
	fi
}

# interrupt_after N: a live trend of $u/ok sent SIGINT once its Nth snapshot is taken; its status in rc.
interrupt_after() {
	rm -f "$tmp/int.out" "$tmp/int.err" # the last run's lines must not be taken for this one's
	"$prof" trend -count=5 -interval=3s "$u/ok" > "$tmp/int.out" 2> "$tmp/int.err" &
	ipid=$!
	i=0
	while [ $i -lt 200 ] && ! grep -q "^Snapshot $1 of 5" "$tmp/int.err" 2> /dev/null; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -INT $ipid
	rc=0
	wait $ipid || rc=$?
}

standin() {
	python3 tests/capture_server.py "$fixture" "$tmp/server.log" > "$tmp/server.port" 2> "$tmp/server.err" &
	pids="$pids $!"
	port=$(wait_port "$tmp/server.port") || { bad "stand-in server did not start: $(head -n 3 "$tmp/server.err")"; return; }
	u=http://127.0.0.1:$port

	# A capture reads as the file would, and is saved first, under pprof's name, as it came.
	"$prof" top "$fixture" > "$tmp/want" 2> /dev/null
	if check url-top 0 "$prof" top "$u/ok" && cmp -s "$tmp/out" "$tmp/want" &&
		grep -qx "Saved profile in $saved/pprof.leaky-normal.goroutine.001.pb.gz" "$tmp/err" &&
		cmp -s "$saved/pprof.leaky-normal.goroutine.001.pb.gz" "$fixture"; then ok; else bad "prof top URL"; fi
	if command -v curl > /dev/null 2>&1; then
		curl -s -o "$tmp/curl.pb.gz" "$u/ok"
		if cmp -s "$tmp/curl.pb.gz" "$saved/pprof.leaky-normal.goroutine.001.pb.gz"; then ok; else bad "saved capture differs from curl's"; fi
	fi
	if check numbered 0 "$prof" top "$u/ok" && grep -q "pprof.leaky-normal.goroutine.002.pb.gz" "$tmp/err"; then ok; else bad "second capture numbered 002"; fi
	# Without PPROF_TMPDIR (or with one that is no folder), captures go to ~/pprof/.
	if check home 0 env -u PPROF_TMPDIR HOME="$tmp/home" "$prof" top "$u/ok" &&
		[ -f "$tmp/home/pprof/pprof.leaky-normal.goroutine.001.pb.gz" ]; then ok; else bad "\$HOME/pprof"; fi
	: > "$tmp/notdir"
	if check tmpdir-file 0 env PPROF_TMPDIR="$tmp/notdir" HOME="$tmp/home" "$prof" top "$u/ok" &&
		[ -f "$tmp/home/pprof/pprof.leaky-normal.goroutine.002.pb.gz" ]; then ok; else bad "PPROF_TMPDIR a file"; fi
	# host:port/path as pprof takes it, redirects followed, the pprof -base spelling.
	if check no-scheme 0 "$prof" top "127.0.0.1:$port/ok" && cmp -s "$tmp/out" "$tmp/want" &&
		grep -q "Fetching profile over HTTP from $u/ok" "$tmp/err"; then ok; else bad "host:port/path"; fi
	# Proxies come from the environment, as with curl.
	if check proxy 0 env http_proxy="$u" "$prof" top http://profhost.invalid/ok && cmp -s "$tmp/out" "$tmp/want" &&
		grep -qx "proxied http://profhost.invalid/ok" "$tmp/server.log"; then ok; else bad "http_proxy"; fi
	# The shell on a URL: captured once, then pprof's commands.
	if printf 'top3\nquit\n' | "$prof" "$u/ok" > "$tmp/out" 2> "$tmp/err" && grep -q "^Entering interactive mode" "$tmp/err" &&
		grep -q "Showing top 3 nodes" "$tmp/out"; then ok; else bad "shell on a URL"; fi
	if check redirect 0 "$prof" top "$u/redirect" && cmp -s "$tmp/out" "$tmp/want"; then ok; else bad "redirect followed"; fi
	if check base-url 0 "$prof" top -base="$u/ok" "$fixture" && grep -q "of 0 total" "$tmp/out"; then ok; else bad "-base URL"; fi
	if check diff-url 0 "$prof" diff "$fixture" "$u/ok" && grep -q "^Delta: 0" "$tmp/out"; then ok; else bad "diff FILE URL"; fi
	# -seconds sets ?seconds=N, replacing the URL's own; the rest of the query stays.
	if check seconds 0 "$prof" top -seconds=7 "$u/seconds" && grep -qx "/seconds?seconds=7" "$tmp/server.log"; then ok; else bad "-seconds adds ?seconds=7"; fi
	if check seconds-replaced 0 "$prof" top -seconds=7 "$u/seconds?seconds=3&debug=0" &&
		grep -qx "/seconds?debug=0&seconds=7" "$tmp/server.log"; then ok; else bad "-seconds replaces seconds="; fi

	# Credentials reach the server, and no message or file name.
	if check auth 0 "$prof" top "http://u:secret@127.0.0.1:$port/auth" && cmp -s "$tmp/out" "$tmp/want" &&
		! grep -q secret "$tmp/err" && ! ls "$saved" | grep -q secret; then ok; else bad "user:pass@ URL"; fi
	fails auth-missing "prof: $u/auth: HTTP 401 Unauthorized" top "$u/auth"
	fails auth-404 "prof: $u/nothing: HTTP 404 Not Found" top "http://u:secret@127.0.0.1:$port/nothing"
	if ! grep -q secret "$tmp/err"; then ok; else bad "credentials in a message"; fi

	# Each failure: its line naming the URL, exit 1, nothing saved.
	fails 404 "prof: $u/nothing: HTTP 404 Not Found" top "$u/nothing"
	fails 500 "prof: $u/500: HTTP 500 Internal Server Error" top "$u/500"
	fails go-404 "prof: $u/gopprof404: HTTP 404 Not Found: Unknown profile" top "$u/gopprof404"
	fails timeout "prof: $u/slow: timed out after 6s (-timeout)" top -timeout=1 "$u/slow"
	fails redirect-loop "prof: $u/loop: stopped after 10 redirects" top "$u/loop"
	export PROF_MAX_SIZE=1m
	fails huge "prof: $u/huge: response larger than the 1048576-byte limit (PROF_MAX_SIZE)" top "$u/huge"
	fails huge-length "prof: $u/huge-length: response larger than the 1048576-byte limit (PROF_MAX_SIZE)" top "$u/huge-length"
	unset PROF_MAX_SIZE
	fails garbage "prof: $u/garbage: not a profile: unrecognized profile format (not a pprof protobuf profile)" top "$u/garbage"
	fails html "prof: $u/html: not a profile: unrecognized profile format (not a pprof protobuf profile)" top "$u/html"
	fails reset "prof: $u/reset: connection lost: Connection reset by peer" top "$u/reset"
	fails refused "prof: http://127.0.0.1:1/debug/pprof/heap: cannot connect: Connection refused" top http://127.0.0.1:1/debug/pprof/heap
	fails scheme "prof: ftp://127.0.0.1:$port/ok: unsupported URL scheme (http and https only)" top "ftp://127.0.0.1:$port/ok"
	fails tls-plain "prof: https://127.0.0.1:$port/ok: TLS: *" top "https://127.0.0.1:$port/ok"
	# A failed replica or base fails the command; what was saved before stays (it is evidence).
	fails base-fails "prof: $u/500: HTTP 500 Internal Server Error" top -base="$u/500" "$fixture"

	# Live: -count snapshots -interval apart, every replica saved, merged per moment.
	before=$(nsaved)
	if check live-trend 0 "$prof" trend -count=2 -interval=100ms "$u/ok" "$u/redirect" &&
		grep -q "^Snapshot 2 of 2 taken at" "$tmp/err" && [ "$(nsaved)" = $((before + 4)) ] &&
		grep -q "^Type: goroutine, 2 snapshots" "$tmp/out" && grep -q "(34 total)" "$tmp/out"; then ok; else bad "live trend of two replicas"; fi
	if check live-diff 0 "$prof" diff -interval=100ms "$u/ok" && grep -q "^Delta: 0" "$tmp/out"; then ok; else bad "live diff"; fi
	if check live-file 2 "$prof" trend -count=2 "$fixture" && grep -q "capture from URLs" "$tmp/err"; then ok; else bad "live trend of a file"; fi
	if check count-alone 2 "$prof" top -count=2 "$u/ok"; then ok; else bad "-count outside diff/trend"; fi
	if check diff-count 2 "$prof" diff -count=3 "$u/ok"; then ok; else bad "diff -count=3"; fi
	# Ctrl-C after two snapshots: the trend so far; after one: an error.
	interrupt_after 2
	if [ $rc -eq 0 ] && grep -q "^Interrupted: comparing the 2 snapshots taken" "$tmp/int.err" &&
		grep -q "^Type: goroutine, 2 snapshots" "$tmp/int.out"; then ok; else bad "Ctrl-C after two snapshots (exit $rc)"; fi
	interrupt_after 1
	if [ $rc -eq 1 ] && [ "$(tail -n 1 "$tmp/int.err")" = "prof: interrupted after 1 snapshot; a comparison needs two" ] &&
		[ ! -s "$tmp/int.out" ]; then ok; else bad "Ctrl-C after one snapshot (exit $rc)"; fi
	# No temporary file is left anywhere in the capture folder.
	if ! ls -A "$saved" | grep -qv '^pprof\.'; then ok; else bad "stray files in the capture folder: $(ls -A "$saved" | grep -v '^pprof\.' | head -n 3)"; fi
}

if command -v python3 > /dev/null 2>&1; then
	standin
else
	echo "capture: no python3, the stand-in server checks are skipped"
fi

# build_service: the Go service built into $tmp (no downloads: the standard library only).
build_service() {
	gocache=$(go env GOCACHE 2> /dev/null)
	mkdir -p "$gocache" 2> /dev/null && [ -w "$gocache" ] || gocache=$tmp/gocache
	(cd fixtures/gen/service && GOCACHE=$gocache GOPATH=$tmp/gopath GOTOOLCHAIN=local GOPROXY=off GOFLAGS= \
		go build -o "$tmp/service" .) > "$tmp/build.err" 2>&1
}

service() {
	build_service || { bad "go build of fixtures/gen/service: $(head -n 3 "$tmp/build.err")"; return; }
	mkdir -p "$tmp/rec" "$tmp/tls"
	"$tmp/service" -record "$tmp/rec" -tls "$tmp/tls" > "$tmp/service.port" 2> "$tmp/service.err" &
	pids="$pids $!"
	port=$(wait_port "$tmp/service.port") && tport=$(wait_port "$tmp/service.port" 2) ||
		{ bad "the Go service did not start: $(head -n 3 "$tmp/service.err")"; return; }
	g=http://127.0.0.1:$port/debug/pprof
	rm -rf "$saved"

	# TLS is verified: a self-signed certificate fails unless -tls_ca names it (or pprof's https+insecure).
	t=https://127.0.0.1:$tport/debug/pprof/goroutine
	fails go-tls-untrusted "prof: $t: TLS: SSL certificate problem: self-signed certificate" top "$t"
	if check go-tls-ca 0 "$prof" top -tls_ca="$tmp/tls/cert.pem" "$t" && grep -q "^Type: goroutine" "$tmp/out"; then ok; else bad "-tls_ca"; fi
	if check go-tls-insecure 0 "$prof" top "https+insecure://127.0.0.1:$tport/debug/pprof/goroutine" &&
		grep -q "^Type: goroutine" "$tmp/out"; then ok; else bad "https+insecure"; fi
	fails go-tls-ca-missing "prof: $t: TLS: error setting certificate file: $tmp/nosuch.pem" top -tls_ca="$tmp/nosuch.pem" "$t"
	rm -rf "$saved"

	# top on the live goroutine profile; the saved capture is what the service sent (and what curl gets).
	if check go-top 0 "$prof" top -nodecount=3 "$g/goroutine" && grep -q "^File: service$" "$tmp/out" &&
		grep -q "^Type: goroutine$" "$tmp/out" && grep -qx "Saved profile in $saved/pprof.service.goroutine.001.pb.gz" "$tmp/err" &&
		cmp -s "$saved/pprof.service.goroutine.001.pb.gz" "$tmp/rec/$(ls "$tmp/rec" | tail -n 1)"; then ok; else bad "prof top on the Go service"; fi
	if command -v curl > /dev/null 2>&1; then
		curl -s -o "$tmp/curl.pb.gz" "$g/goroutine"
		if cmp -s "$tmp/curl.pb.gz" "$tmp/rec/$(ls "$tmp/rec" | tail -n 1)"; then ok; else bad "curl gets what the service records"; fi
	fi
	# The text endpoints, read by their content and saved as text.
	if check go-debug1 0 "$prof" top "$g/goroutine?debug=1" && grep -q "main.leakNilChanRecv" "$tmp/out" &&
		grep -q "pprof.goroutine.001.txt" "$tmp/err"; then ok; else bad "?debug=1"; fi
	if check go-debug2 0 "$prof" goroutines "$g/goroutine?debug=2" && grep -q "main.leakSelectForever" "$tmp/out"; then ok; else bad "?debug=2"; fi
	if check go-heap 0 "$prof" top -sample_index=inuse_space "$g/heap" && grep -q "^Type: inuse_space" "$tmp/out" &&
		grep -q "pprof.service.alloc_objects.alloc_space.inuse_objects.inuse_space.001.pb.gz" "$tmp/err"; then ok; else bad "heap"; fi
	fails go-unknown "prof: $g/nosuch: HTTP 404 Not Found: Unknown profile" top "$g/nosuch"
	# host:port alone is the CPU profile; -seconds is passed on and the wait is shown.
	if check go-cpu 0 "$prof" top -seconds=1 "127.0.0.1:$port" &&
		grep -qx "Fetching profile over HTTP from $g/profile?seconds=1" "$tmp/err" && grep -qx "Please wait... (1s)" "$tmp/err" &&
		grep -q "^Type: cpu" "$tmp/out" && grep -q "main.burnHash" "$tmp/out" &&
		grep -q "pprof.service.samples.cpu.001.pb.gz" "$tmp/err"; then ok; else bad "-seconds=1 host:port (CPU)"; fi
	# Live trend: the six seeded leaks are the six first suspects, each snapshot saved.
	n0=$(nsaved)
	if check go-trend 0 "$prof" trend -count=3 -interval=1s "$g/goroutine" && [ "$(nsaved)" = $((n0 + 3)) ] &&
		grep -q "^Snapshot 3 of 3" "$tmp/err"; then
		sed -n '/^Leak suspects/,$p' "$tmp/out" | sed -n 2,7p > "$tmp/top6"
		miss=""
		for leak in leakSendNoReceiver leakNilChanRecv leakLockNeverReleased leakSelectForever leakTickerWorker '(\*ttlCache).janitor'; do
			grep -q "grew every step .*main\.$leak\$" "$tmp/top6" || miss="$miss $leak"
		done
		if [ -z "$miss" ]; then ok; else bad "trend: not among the first six suspects:$miss"; cat "$tmp/out"; fi
	else
		bad "live trend on the Go service"
	fi
	if check go-diff 0 "$prof" diff -interval=500ms "$g/goroutine" && grep -q "main.leakSelectForever" "$tmp/out" &&
		grep -q "^Delta: +" "$tmp/out"; then ok; else bad "live diff on the Go service"; fi
}

if command -v go > /dev/null 2>&1; then
	service
else
	echo "capture: no go, the real Go service checks are skipped"
fi
suite_end
