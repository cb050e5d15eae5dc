#!/bin/sh
# prof goroutines: goldens and behaviour. The goldens in
# tests/golden/goroutines/*.txt are prof's own output, checked by eye when
# made (pprof has no such report); GOROUTINES_REGEN=1 rewrites them.
# Inputs made for this test are in tests/golden/goroutines/in/. The last
# line is "N passed, N failed"; the exit status is 1 on any failure.
#
# Usage: tests/goroutines.sh PROF
set -u
. "$(dirname "$0")/lib.sh"
suite_start goroutines "$1"
unset NO_COLOR
gold=tests/golden/goroutines
t1=fixtures/leaky/normal/t1/goroutine.debug2.txt
t3=fixtures/leaky/normal/t3/goroutine.debug2.txt
t3pb=fixtures/leaky/normal/t3/goroutine.pb.gz
esc=$(printf '\033')

# run ARGS...: prof goroutines ARGS > $tmp/out, 2> $tmp/err; sets rc.
run() {
	rc=0
	"$prof" goroutines "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null || rc=$?
}

# golden NAME ARGS...: the output equals $gold/NAME.txt.
golden() {
	name=$1
	shift
	run "$@"
	if [ "$rc" -ne 0 ]; then
		bad "golden $name: exit $rc: $(head -n 1 "$tmp/err")"
		return
	fi
	if [ "${GOROUTINES_REGEN:-}" = 1 ]; then
		cp "$tmp/out" "$gold/$name.txt"
	fi
	if cmp -s "$tmp/out" "$gold/$name.txt"; then
		ok
	else
		bad "golden $name differs:"
		diff "$gold/$name.txt" "$tmp/out" | head -n 20 | sed 's/^/  /'
	fi
}

golden t1 "$t1"
golden t3 "$t3"
golden t3-pb "$t3pb"
golden t3-debug1 fixtures/leaky/normal/t3/goroutine.debug1.txt
golden go121 fixtures/text/go121.debug2.txt
golden crash fixtures/text/crash.txt
golden t3-state -state='nil chan|no cases' "$t3"
golden t3-min -min=4 "$t3"
golden similar "$gold/in/similar.debug2.txt"
golden similar-merged -similar "$gold/in/similar.debug2.txt"
golden evil "$gold/in/evil.debug2.txt"

# Each leak of fixtures/gen/leaky/main.go is a group of its own, with its
# state. group FILE FUNC prints the header of every group (a paragraph)
# with a frame in FUNC, and the number of leak functions in that group.
group() {
	awk -v fn="$2" 'BEGIN { RS = "" ; FS = "\n" }
		{
			hit = 0; leaks = 0
			for (i = 2; i <= NF; i++) {
				split($i, w, " ")
				if (w[1] == fn) hit = 1
				if (w[1] ~ /^main\.leak(SendNoReceiver|NilChanRecv|LockNeverReleased|SelectForever|TickerWorker)$/ || w[1] == "main.(*ttlCache).janitor") leaks++
			}
			if (hit) print leaks "|" $1
		}' "$1"
}
run "$t3"
for pair in \
	"main.leakSendNoReceiver|12 goroutines  [chan send]" \
	"main.leakNilChanRecv|12 goroutines  [chan receive (nil chan)]  STUCK FOREVER" \
	"main.leakLockNeverReleased|12 goroutines  [semacquire]" \
	"main.leakSelectForever|12 goroutines  [select (no cases)]  STUCK FOREVER" \
	"main.leakTickerWorker|12 goroutines  [chan receive]" \
	"main.(*ttlCache).janitor|12 goroutines  [chan receive]"; do
	fn=${pair%%|*}
	want="1|${pair#*|}"
	got=$(group "$tmp/out" "$fn")
	if [ "$got" = "$want" ]; then ok; else bad "t3: $fn: want one group \"$want\", got \"$got\""; fi
done
if [ "$(tail -n 1 "$tmp/out")" = "77 goroutines in 9 groups, 24 stuck forever" ]; then ok; else bad "t3 summary: $(tail -n 1 "$tmp/out")"; fi

# -state keeps the goroutines whose state matches, and only those.
run -state='^chan receive$' "$t3"
states=$(grep '^[0-9].*\[' "$tmp/out" | sed 's/.*\[\(.*\)\].*/\1/' | sort -u)
if [ "$rc" -eq 0 ] && [ "$states" = "chan receive" ] &&
	[ "$(tail -n 1 "$tmp/out")" = "24 goroutines in 2 groups" ]; then ok; else bad "-state='^chan receive\$'"; fi
run -state='nil' "$t3"
if [ "$rc" -eq 0 ] && [ "$(tail -n 1 "$tmp/out")" = "12 goroutines in 1 group, 12 stuck forever" ]; then ok; else bad "-state=nil (unanchored)"; fi
run -state=nothing-like-this "$t3"
if [ "$rc" -eq 0 ] && [ "$(cat "$tmp/out")" = "0 goroutines in 0 groups" ]; then ok; else bad "-state matching nothing"; fi
run -state='(' "$t3"
if [ "$rc" -eq 1 ] && grep -q 'bad regular expression' "$tmp/err" && [ ! -s "$tmp/out" ]; then ok; else bad "-state bad regex"; fi
# Profiles have no states: -state says so rather than showing nothing.
run -state=chan "$t3pb"
if [ "$rc" -eq 1 ] && grep -q 'no goroutine states' "$tmp/err"; then ok; else bad "-state on a profile"; fi

# -min hides the smaller groups and says how many it hid.
run -min=12 "$t3"
small=$(grep '^[0-9]' "$tmp/out" | awk '$1 < 12' | wc -l)
if [ "$rc" -eq 0 ] && [ "$small" -eq 0 ] &&
	[ "$(tail -n 1 "$tmp/out")" = "72 goroutines in 6 groups, 24 stuck forever (5 more in 3 groups under -min=12)" ]; then
	ok
else bad "-min=12"; fi
run -min=1000 "$t3"
if [ "$rc" -eq 0 ] && [ "$(cat "$tmp/out")" = "0 goroutines in 0 groups (77 more in 9 groups under -min=1000)" ]; then ok; else bad "-min=1000"; fi

# -similar merges stacks differing in lines only, and lists the lines.
run "$gold/in/similar.debug2.txt"
plain=$(tail -n 1 "$tmp/out")
run -similar "$gold/in/similar.debug2.txt"
if [ "$plain" = "8 goroutines in 6 groups, 1 leaked" ] &&
	[ "$(tail -n 1 "$tmp/out")" = "8 goroutines in 5 groups, 1 leaked" ] &&
	grep -q '^4 goroutines  \[chan send\]  waiting up to 75 minutes$' "$tmp/out" &&
	grep -q '^    main.produce  /src/app/pipe.go:31,35$' "$tmp/out"; then ok; else bad "-similar"; fi
# ... but never across states (goroutine 11 is in chan receive on the same function).
if grep -q '^1 goroutine  \[chan receive\]' "$tmp/out"; then ok; else bad "-similar merged different states"; fi
# On t3 nothing differs only by lines: -similar changes nothing.
run "$t3"
cp "$tmp/out" "$tmp/t3"
run -similar "$t3"
if cmp -s "$tmp/out" "$tmp/t3"; then ok; else bad "-similar on t3 changed the output"; fi

# focus and ignore are report_run's filters.
run -focus=janitor "$t3"
if [ "$(tail -n 1 "$tmp/out")" = "12 goroutines in 1 group" ]; then ok; else bad "-focus"; fi
run -ignore='main\.leak' "$t3"
if [ "$(tail -n 1 "$tmp/out")" = "17 goroutines in 4 groups" ]; then ok; else bad "-ignore: $(tail -n 1 "$tmp/out")"; fi

# Not a goroutine profile: an error, not a page of nonsense.
run fixtures/leaky/normal/t3/heap.pb.gz
if [ "$rc" -eq 1 ] && grep -q 'needs a goroutine dump or profile' "$tmp/err" && [ ! -s "$tmp/out" ]; then ok; else bad "heap profile"; fi

# No escape or other control bytes when stdout is no terminal, with or
# without NO_COLOR, even for names full of escapes.
for f in "$t3" "$gold/in/evil.debug2.txt" fixtures/text/go121.debug2.txt; do
	for nc in "" 1; do
		rc=0
		if [ -n "$nc" ]; then
			NO_COLOR=1 "$prof" goroutines "$f" > "$tmp/out" 2> /dev/null || rc=$?
		else
			"$prof" goroutines "$f" > "$tmp/out" 2> /dev/null || rc=$?
		fi
		if [ "$rc" -eq 0 ] && ! tr -d '\n' < "$tmp/out" | LC_ALL=C grep -q '[[:cntrl:]]'; then
			ok
		else bad "control bytes in the output for $f (NO_COLOR=$nc)"; fi
	done
done

# On a terminal (script(1) gives one): colour, and NO_COLOR turns it off.
if command -v script > /dev/null 2>&1 && script -qec true /dev/null > /dev/null 2>&1; then
	script -qec "'$prof' goroutines '$gold/in/similar.debug2.txt'" /dev/null > "$tmp/tty" 2>&1 < /dev/null
	if grep -q "${esc}\[1;35mLEAKED${esc}\[0m" "$tmp/tty" &&
		grep -q "^    ${esc}\[1mexample.com/app/internal/jobs.(\*Pool).run  " "$tmp/tty" &&
		grep -q "^    ${esc}\[1mmain.produce  " "$tmp/tty" &&
		grep -q "created by ${esc}\[1mmain.main${esc}\[0m" "$tmp/tty"; then
		ok
	else bad "colour on a terminal: leaked magenta, application bold"; fi
	script -qec "'$prof' goroutines '$t3'" /dev/null > "$tmp/tty" 2>&1 < /dev/null
	if grep -q "${esc}\[1;31mSTUCK FOREVER${esc}\[0m" "$tmp/tty"; then ok; else bad "colour on a terminal: stuck red"; fi
	script -qec "'$prof' goroutines '$gold/in/evil.debug2.txt'" /dev/null > "$tmp/tty" 2>&1 < /dev/null
	if grep -q "^    ${esc}\[2minternal/poll.runtime_pollWait " "$tmp/tty" &&
		grep -q "created by ${esc}\[2mnet/http.(\*Server).Serve${esc}\[0m" "$tmp/tty" &&
		! grep -q "${esc}\]0;pwned" "$tmp/tty" && ! grep -q "${esc}\[2J" "$tmp/tty" &&
		! grep -q "${esc}\[31m" "$tmp/tty"; then
		ok
	else bad "colour on a terminal: std dim, names sanitized"; fi
	script -qec "NO_COLOR=1 '$prof' goroutines '$t3'" /dev/null > "$tmp/tty" 2>&1 < /dev/null
	if grep -q 'STUCK FOREVER' "$tmp/tty" && ! grep -q "$esc" "$tmp/tty"; then ok; else bad "NO_COLOR on a terminal"; fi
else
	echo "skip: no script(1), colour on a terminal not tested"
fi


# Go 1.26 (fixtures/leaky126, fixtures/gen/leaky126): the runtime's own leak
# verdict, header labels, synctest bubbles, deep stacks, GOTRACEBACK=system.
n126=fixtures/leaky126/normal
golden go126-t3 "$n126/t3/goroutine.debug2.txt"
golden go126-leak-pb "$n126/t3/goroutineleak.pb.gz"
golden go126-leak-debug1 "$n126/t3/goroutineleak.debug1.txt"
golden go126-bubble "$n126/bubble.debug2.txt"
golden go126-crash "$n126/crash.txt"
# LEAKED groups first, before every unproven one; never also STUCK FOREVER.
run "$n126/t3/goroutine.debug2.txt"
first_plain=$(grep -n '^[0-9]* goroutines\{0,1\}  ' "$tmp/out" | grep -v LEAKED | head -n 1 | cut -d: -f1)
last_leaked=$(grep -n '^[0-9]* goroutines\{0,1\}  .*  LEAKED$' "$tmp/out" | tail -n 1 | cut -d: -f1)
if [ -n "$last_leaked" ] && [ -n "$first_plain" ] && [ "$last_leaked" -lt "$first_plain" ] &&
	! grep -q 'LEAKED.*STUCK\|STUCK.*LEAKED' "$tmp/out" &&
	[ "$(tail -n 1 "$tmp/out")" = "102 goroutines in 13 groups, 65 leaked" ]; then ok; else bad "go126: LEAKED first"; fi
# States are the wait reasons alone: no "(leaked)", no labels.
if ! grep -q '(leaked)\|labels:{' "$tmp/out" &&
	grep -q '^12 goroutines  \[chan receive (nil chan)\]  LEAKED$' "$tmp/out" &&
	grep -q '^12 goroutines  \[sync.WaitGroup.Wait\]  LEAKED$' "$tmp/out" &&
	grep -q '^8 goroutines  \[sync.Mutex.Lock\]$' "$tmp/out"; then ok; else bad "go126: states exact"; fi
# Header labels are sample labels, unescaped as printquoted escaped them.
check go126-tags 0 "$prof" -tags "$n126/t3/goroutine.debug2.txt"
if grep -q '^ handler: Total 12.0$' "$tmp/out" && grep -q '12.0 (  100%): /api/v1$' "$tmp/out" &&
	grep -q '^ leaked: Total 65.0$' "$tmp/out" && ! grep -q 'labels:' "$tmp/out" &&
	check go126-raw 0 "$prof" -raw "$n126/t3/goroutine.debug2.txt" &&
	grep -q "tenant:\[t\"0\"$(printf '\t')q\\\\é\]" "$tmp/out"; then ok; else bad "go126: header labels"; fi
# Every goroutine of a goroutineleak profile is leaked.
run "$n126/t3/goroutineleak.pb.gz"
if [ "$rc" -eq 0 ] && [ "$(tail -n 1 "$tmp/out")" = "65 goroutines in 7 groups, 65 leaked" ]; then ok; else bad "go126: goroutineleak profile"; fi
# The deep stack keeps the frames on both sides of "...51 frames elided...".
check go126-deep 0 "$prof" -traces -focus=leakDeep "$n126/t3/goroutine.debug2.txt"
if [ "$(grep -c 'main.leakDeep$' "$tmp/out")" -eq 100 ]; then ok; else bad "go126: elided frames"; fi
# synctest bubbles: the state keeps "(durable)", the bubble is a label.
run "$n126/bubble.debug2.txt"
if grep -q '^1 goroutine  \[select (durable)\]$' "$tmp/out" && grep -q '^1 goroutine  \[sync.WaitGroup.Wait (durable)\]$' "$tmp/out" &&
	check go126-bubble-tags 0 "$prof" -tags "$n126/bubble.debug2.txt" &&
	grep -q '^ synctest_bubble: Total 6.0$' "$tmp/out"; then ok; else bad "go126: synctest bubble"; fi
# GOTRACEBACK=system: "gp=... m=... mp=..." headers, runtime goroutines too.
run "$n126/crash.txt"
if [ "$rc" -eq 0 ] && grep -q '^1 goroutine  \[running\]$' "$tmp/out" && grep -q '\[GC sweep wait\]' "$tmp/out" &&
	grep -q '^    main.crashWrite  ' "$tmp/out"; then ok; else bad "go126: crash log"; fi
# A group shows its goroutines' labels, a value only when all agree.
run "$n126/t3/goroutine.debug2.txt"
if grep -A2 '^12 goroutines  \[chan receive\]  LEAKED$' "$tmp/out" | grep -q '^    labels: handler=/api/v1, tenant=(mixed)$'; then ok; else bad "go126: group labels"; fi
# Hostile header labels: one line on stderr, exit 1.
for h in 'labels:{"k": "v"' 'labels:{"k" "v"}' 'labels:{"k": "\q"}' 'labels:{"k": v}' 'labels:{"k": "v",}' 'labels:{"k": "v"x}' 'labels:{"k": "\u12"}'; do
	printf 'goroutine 1 [chan receive %s]:\nmain.f()\n\t/x.go:1 +0x1\n' "$h" > "$tmp/bad.txt"
	run "$tmp/bad.txt"
	if [ "$rc" -eq 1 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && [ ! -s "$tmp/out" ]; then ok; else bad "go126: bad labels $h: exit $rc"; fi
done
printf 'goroutine 1 [chan receive, synctest bubble 99999999999999999999999]:\nmain.f()\n\t/x.go:1 +0x1\n' > "$tmp/bad.txt"
run "$tmp/bad.txt"
if [ "$rc" -eq 1 ] && grep -q 'out of range' "$tmp/err"; then ok; else bad "go126: bubble out of range"; fi
printf 'goroutine 1 [chan receive (leaked) (scan), synctest bubble 2 labels:{}]:\nmain.f()\n\t/x.go:1 +0x1\n' > "$tmp/ok.txt"
run "$tmp/ok.txt"
if [ "$rc" -eq 0 ] && [ "$(head -n 1 "$tmp/out")" = "1 goroutine  [chan receive]  LEAKED" ]; then ok; else bad "go126: (leaked) (scan), empty labels"; fi

suite_end
