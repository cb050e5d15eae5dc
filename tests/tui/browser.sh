#!/bin/sh
# prof ui in a real terminal (tmux): every view and key on a heap profile, a
# goroutine dump (debug=2), a goroutine leak profile and a diff; colours
# (capture-pane -e) and NO_COLOR; a resize; suspend (^Z) and fg; the
# terminal's settings (stty -a) the same after q, Q, ^C and SIGTERM; the
# refusal without a terminal; hostile names shown escaped; "ui" in the
# shell. Waits poll the screen (30 s at most), so a sanitized build passes.
# The last line is "N passed, N failed"; skipped without tmux.
#
# Usage: tests/tui/browser.sh PROF
set -u
prof=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo" || exit 2
if ! command -v tmux > /dev/null 2>&1; then
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/browser.XXXXXX")
n=0
sock=
cleanup() {
	for s in "$tmp"/tmux*.sock; do
		[ -S "$s" ] && tmux -S "$s" kill-server > /dev/null 2>&1
	done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
passed=0
failed=0
F=fixtures/leaky126/normal
heap=fixtures/leaky/normal/t3/heap.pb.gz

# The editor e runs: writes its arguments where the test can read them.
printf '#!/bin/sh\necho "$@" > %s/editor.args\n' "$tmp" > "$tmp/editor.sh"
chmod +x "$tmp/editor.sh"

# session [ENV...]: a new tmux server with an interactive shell at 120x40 (job control for ^Z and fg).
session() {
	n=$((n + 1))
	sock="$tmp/tmux$n.sock"
	# A clean environment, but the sanitizers' options (tests/run.sh's) pass through.
	san="ASAN_OPTIONS=${ASAN_OPTIONS:-} LSAN_OPTIONS=${LSAN_OPTIONS:-} UBSAN_OPTIONS=${UBSAN_OPTIONS:-}"
	tmux -S "$sock" new-session -d -x 120 -y 40 -s t \
		"env -i PATH=$PATH HOME=$tmp TZ=UTC TERM=xterm-256color LANG=C.UTF-8 EDITOR=$tmp/editor.sh $san $* PS1='$ ' sh -i"
	tmux -S "$sock" set-option -g status off > /dev/null
	wait_for '^\$' || echo "no shell prompt"
}
screen() { tmux -S "$sock" capture-pane -p -t t; }
colours() { tmux -S "$sock" capture-pane -p -e -t t; }
keys() { tmux -S "$sock" send-keys -t t "$@"; }
# line CMD: types a shell command line.
line() { tmux -S "$sock" send-keys -t t -l "$1"; tmux -S "$sock" send-keys -t t Enter; }

# wait_for TEXT: polls the screen (a grep regex) for up to 30 s.
wait_for() {
	i=0
	while [ $i -lt ${UI_WAIT:-300} ]; do
		screen | grep -q -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# wait_gone TEXT: polls until the screen no longer shows TEXT.
wait_gone() {
	i=0
	while [ $i -lt ${UI_WAIT:-300} ]; do
		screen | grep -q -- "$1" || return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

fail() {
	failed=$((failed + 1))
	echo "FAIL $1"
	screen | sed 's/^/  | /' | grep -v '^  | *$' | tail -n 20
}

check() {
	if wait_for "$2"; then
		passed=$((passed + 1))
	else
		fail "$1: screen does not show: $2"
	fi
}

check_gone() {
	if wait_gone "$2"; then
		passed=$((passed + 1))
	else
		fail "$1: screen still shows: $2"
	fi
}

# ui ARGS: starts prof ui alone on a shell line (so that ^Z stops only it), stty -a saved first.
ui() {
	rm -f "$tmp/stty.before" "$tmp/stty.after"
	line "stty -a > $tmp/stty.before"
	line "$prof ui $*"
}

# done NAME RC: after quitting, the exit status is RC and the terminal's settings are back.
done_ui() {
	# Typed before prof is gone, the line would be read as keys: wait for the bare prompt.
	wait_for '^\$ *$' > /dev/null
	line "echo rc=\$?; stty -a > $tmp/stty.after"
	check "$1" "rc=$2"
	i=0
	while [ $i -lt ${UI_WAIT:-300} ] && ! [ -s "$tmp/stty.after" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	# The size is the window's (a resize changes it); every setting must be as it was.
	if [ -s "$tmp/stty.before" ] && [ "$(sed 's/rows [0-9]*; columns [0-9]*;//' "$tmp/stty.before")" = \
		"$(sed 's/rows [0-9]*; columns [0-9]*;//' "$tmp/stty.after")" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $1: stty -a differs after quitting"
		diff "$tmp/stty.before" "$tmp/stty.after" | head -n 10
	fi
	line clear
	wait_gone "rc=" > /dev/null
}

# ---- a heap profile: every view and key ----
session
ui "-source_path=fixtures/gen -trim_path=/srv/prof-gen $heap"
check top-view " 1 Top "
check top-columns "flat  flat%   sum%        cum   cum%   name"
check top-row "6018.26kB 74.55% 74.55%  6018.26kB 74.55%   main.retainBuffers"
check status "heap.pb.gz  inuse_space  total 8072.27kB"
check hints "? help"
keys j
check move-down "^main.indexUsers"
keys Enter
check callers "caller | main.growHeap"
check callees "callee | fmt.Sprintf"
keys j Enter
check walk "cum 256.02kB.*| fmt.Sprintf"
keys BSpace
check walk-back "cum 1541.52kB.*| main.indexUsers"
keys Escape
check esc-to-top "flat  flat%   sum%"
keys f
check flame "icicle (root on top)  main.indexUsers: 1541.52kB  19.10% of total  19.10% of zoom (root)"
check flame-frames "^main.retainBuffers .*main.indexUsers"
keys Enter
check flame-zoom "100% of zoom (main.indexUsers)"
keys Escape
check flame-zoom-out "20.05% of zoom (main.growHeap)"
keys Escape Escape Escape
check flame-zoom-root "19.10% of zoom (root)"
keys Up
check flame-up "main.growHeap: 7687.78kB"
keys Down
check flame-down "main.retainBuffers: 6018.26kB"
keys Right
check flame-right "main.indexUsers: 1541.52kB"
keys Left
check flame-left "main.retainBuffers: 6018.26kB"
keys i
check flame-inverted "inverted (leaves on top)"
keys i
check flame-uninverted "icicle (root on top)"
# l is right in the flame (hjkl); from the other views it opens the source.
keys 1 l
check source "ROUTINE ======================== main.retainBuffers"
check source-lines "(flat, cum)"
check source-found "func retainBuffers"
keys j j j j j e
i=0
while [ $i -lt 100 ] && ! [ -s "$tmp/editor.args" ]; do sleep 0.1; i=$((i + 1)); done
if grep -q "^+[0-9][0-9]* .*leaky/main.go$" "$tmp/editor.args" 2> /dev/null; then
	passed=$((passed + 1))
else
	fail "editor: \$EDITOR got: $(cat "$tmp/editor.args" 2> /dev/null)"
fi
check editor-back "ROUTINE"
keys 5
check traces "bytes:  16B"
keys 6
check tags "bytes: Total 7.88MB of 7.88MB"
keys 7
check goroutines-not "goroutines needs a goroutine dump or profile"
keys Tab
check tab-cycles " 1 Top "
keys 2
check digit-picks "caller |"
keys 1 g
check first "^main.retainBuffers"
keys G
check last "^runtime.systemstack"
keys Home
check home "^main.retainBuffers"
keys End
check end "^runtime.systemstack"
keys PPage
check pgup "^main.retainBuffers"
keys NPage
check pgdn "^runtime.systemstack"
keys g k
check k "^main.retainBuffers"
# Refinements, each shown as a breadcrumb in pprof's words, undone with u.
keys F
check focus 'inuse_space  total 7.88MB  focus=main\\.retainBuffers'
check focus-applied "74.55%   main.retainBuffers"
keys u
check_gone undo-focus "focus="
keys j I
check ignore 'ignore=main\\.indexUsers'
keys H
check hide 'ignore=main\\.indexUsers > hide='
keys r
check_gone reset "ignore="
keys g S
check show 'show=main\\.retainBuffers'
keys u s
check sample-index "alloc_objects  total 18473  sample_index=alloc_objects"
keys a
check granularity "granularity=filefunctions"
check granularity-rows "fmt.Sprintf /usr/lib/go-1.19/src/fmt/print.go"
keys c
check cum-sort "sort=cum"
keys r
check_gone reset-all "sort=cum"
keys : 'nodecount=3' Enter
check prompt-option "nodecount=3"
keys : 'tagfocus=bytes=64kb' Enter
check prompt-tagfocus "nodecount=3 > tagfocus=bytes=64kb"
keys : 'bogus_option=1' Enter
check prompt-error "not a pprof option or value"
keys : 'options' Enter
check prompt-options "Options of these views"
check prompt-options-values "tagfocus  *bytes=64kb"
keys q
check_gone prompt-options-closed "Options of these views"
keys r : 'top2' Enter
check prompt-topn "nodecount=2"
check_gone prompt-topn-rows "^fmt.Sprintf"
keys : 'top 3' Enter
check prompt-top-n "nodecount=2 > nodecount=3"
keys : 'help' Enter
check prompt-help "Keys (all views)"
keys q
keys : 'svg' Enter
check prompt-other-report "svg has no view here"
keys r
keys r / 'retain'
check search-live "/retain match: 74.55% of total"
keys Enter
check search-enter "^main.retainBuffers"
keys / 'Sprintf' Enter
check search-next "^fmt.Sprintf"
keys N
check search-prev "^fmt.Sprintf"
keys / 'main\.' Enter
check search-from-cursor "^main.(\*ttlCache).Set"
keys n
check search-n "^main.growHeap"
keys g '#'
check search-selection "/main.*retainBuffers match: 74.55% of total"
keys y
check copy-prof "prof top fixtures/leaky/normal/t3/heap.pb.gz"
check copy-pprof "go tool pprof -top fixtures/leaky/normal/t3/heap.pb.gz"
keys q
check_gone overlay-q "go tool pprof -top"
keys '?'
check help "Keys (all views)"
keys q
check_gone help-closed "Keys (all views)"
check still-running " 1 Top "
# The mouse (SGR reports, as xterm sends them): a click selects, the wheel scrolls, a double click opens.
keys g
tmux -S "$sock" send-keys -t t -l "$(printf '\033[<0;20;5M\033[<0;20;5m')"
check mouse-click "^fmt.Sprintf"
tmux -S "$sock" send-keys -t t -l "$(printf '\033[<65;20;5M')"
check mouse-wheel "^runtime.main"
tmux -S "$sock" send-keys -t t -l "$(printf '\033[<0;20;4M\033[<0;20;4m\033[<0;20;4M\033[<0;20;4m')"
check mouse-double "caller | main.growHeap"
keys 1
# Colours: the selected row and the bars carry colour codes.
if colours | grep -q "$(printf '\033')\[[0-9;]*m"; then passed=$((passed + 1)); else fail "colours: no SGR in capture-pane -e"; fi
# A resize: the screen is laid out again at the new size.
tmux -S "$sock" resize-window -t t -x 80 -y 24
check resize "heap.pb.gz  inuse_space"
rows=$(screen | wc -l)
if [ "$rows" -eq 24 ] && screen | sed -n 23p | grep -q "heap.pb.gz"; then
	passed=$((passed + 1))
else
	fail "resize-layout: status not on row 23 of 24"
fi
tmux -S "$sock" resize-window -t t -x 120 -y 40
check resize-back "main.retainBuffers"
# Suspend and resume.
keys C-z
check suspended "Stopped"
line fg
check resumed " 1 Top "
keys q
done_ui quit-q 0

# Q and ^C quit at once, from an overlay too; SIGTERM restores the terminal and kills.
ui "$heap"
check start-again " 1 Top "
keys '?'
check help-again "Keys (all views)"
keys Q
done_ui quit-Q 0
ui "$heap"
check start-3 " 1 Top "
keys C-c
done_ui quit-ctrl-c 0
ui "$heap"
check start-prompt-quit " 1 Top "
keys : 'quit' Enter
done_ui quit-prompt 0
ui "$heap"
check start-4 " 1 Top "
pane=$(tmux -S "$sock" display-message -p -t t '#{pane_pid}')
pid=$(ps -o pid= --ppid "$pane" | tr -d ' ' | head -n 1)
[ -n "$pid" ] && kill -TERM "$pid"
done_ui sigterm 143
# SIGTSTP from outside (kill -TSTP, not ^Z): stopped with the terminal back, redrawn on fg.
ui "$heap"
check start-tstp " 1 Top "
pane=$(tmux -S "$sock" display-message -p -t t '#{pane_pid}')
pid=$(ps -o pid= --ppid "$pane" | tr -d ' ' | head -n 1)
[ -n "$pid" ] && kill -TSTP "$pid"
check tstp-stopped "Stopped"
line fg
check tstp-resumed "flat  flat%   sum%"
keys q
done_ui tstp-quit 0
# SIGHUP (the terminal went away) and SIGINT from outside: the same.
for sig in HUP:129 INT:130; do
	ui "$heap"
	check "start-${sig%%:*}" " 1 Top "
	pane=$(tmux -S "$sock" display-message -p -t t '#{pane_pid}')
	pid=$(ps -o pid= --ppid "$pane" | tr -d ' ' | head -n 1)
	[ -n "$pid" ] && kill -"${sig%%:*}" "$pid"
	done_ui "sig${sig%%:*}" "${sig#*:}"
done

# NO_COLOR: attributes only.
rm -f "$tmp/stty.before" "$tmp/stty.after"
line "stty -a > $tmp/stty.before"
line "NO_COLOR=1 $prof ui $heap"
check no-color-start " 1 Top "
if colours | grep -q "$(printf '\033')\[[0-9;]*\(3[0-7]\|4[0-7]\|38;5;[0-9]*\)m"; then
	fail "no-color: a colour code under NO_COLOR"
else
	passed=$((passed + 1))
fi
keys q
done_ui no-color-quit 0

# COLORTERM=truecolor on TERM=xterm-256color: 24-bit colours through the
# xterm-direct entry (ncurses-term), 24 flame shades; keys work as before.
if infocmp xterm-direct > /dev/null 2>&1; then
	rm -f "$tmp/stty.before" "$tmp/stty.after"
	line "stty -a > $tmp/stty.before"
	line "COLORTERM=truecolor $prof ui $heap"
	check truecolor-start " 1 Top "
	if colours | grep -q "$(printf '\033')\[48;2;[0-9]*;[0-9]*;[0-9]*m"; then passed=$((passed + 1)); else fail "truecolor: no 24-bit colour"; fi
	keys f
	check truecolor-flame "icicle (root on top)"
	keys Up
	check truecolor-keys "main.growHeap: "
	if colours | grep -q "$(printf '\033')\[48;2;2[0-9][0-9];[0-9]*;[0-9]*m"; then passed=$((passed + 1)); else fail "truecolor: no warm flame shade"; fi
	keys q
	done_ui truecolor-quit 0
else
	echo "note: no xterm-direct terminfo (ncurses-term): truecolour not checked"
fi

# ---- many narrow frames: one stub for the children too narrow to draw, names cut in the middle ----
ui fixtures/edge/manyfuncs.pb.gz
check narrow-top " 1 Top "
keys f
check narrow-stub "^ *… *… *…"
check narrow-cut "^examp…patch9 "
keys q
done_ui narrow-quit 0

# ---- "working" goes up before every computation, and not for a tree kept from before ----
# Everything the browser writes is recorded (pipe-pane), so the line counts
# however short the computation is.
ui "$heap"
check working-top " 1 Top "
tmux -S "$sock" pipe-pane -t t -o "cat >> $tmp/stream"
# said N: the stream shows "working..." N times (waits up to 3 s for it).
said() {
	i=0
	while [ $i -lt 30 ]; do
		[ "$(grep -o 'working\.\.\.' "$tmp/stream" 2> /dev/null | wc -l)" -eq "$1" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# KEYS SCREEN N WHAT: after the keys and the screen, "working..." has been said N times in all.
working_after() {
	keys $1
	check "working-$4" "$2"
	sleep 0.3
	if said "$3"; then passed=$((passed + 1)); else fail "working: $3 times after $4"; fi
}
working_after f "icicle (root on top)" 1 flame
working_after i "inverted (leaves on top)" 2 inverted
# The tree from before is kept: back at once, nothing said; the same for the top.
working_after i "icicle (root on top)" 2 uninverted-kept
working_after "1 j F" "focus=main" 3 focus
working_after u "flat  flat%" 3 undo-kept
# y copies the command lines through OSC 52 (base64 of the text shown).
keys y
check working-y "go tool pprof -top"
i=0
while [ $i -lt 30 ] && ! grep -q "$(printf '\033')]52;c;" "$tmp/stream"; do sleep 0.1; i=$((i + 1)); done
if grep -a -o "$(printf '\033')]52;c;[A-Za-z0-9+/=]*" "$tmp/stream" | tail -n 1 | sed 's/^.*;//' | base64 -d 2> /dev/null |
	grep -q "^prof top .*fixtures/leaky/normal/t3/heap.pb.gz"; then
	passed=$((passed + 1))
else
	fail "osc52: the copied text is not the prof command line"
fi
keys q
tmux -S "$sock" pipe-pane -t t
keys q
done_ui working-quit 0

# ---- a goroutine dump (debug=2) ----
ui "$F/t3/goroutine.debug2.txt"
check dump-top "main.leakWaitGroup"
keys 7
check dump-groups "12 goroutines  \[chan receive (nil chan)\]  LEAKED"
check dump-created "created by main.leakMoment"
keys j j j Enter
check dump-open-line "cum .*| main.leakHandlerWorker"
keys 7 G
check dump-last-group "goroutines"
keys 6
check dump-tags "state: Total"
keys f
check dump-flame "icicle (root on top)"
keys q
done_ui dump-quit 0

# ---- a goroutine leak profile ----
ui "$F/t3/goroutineleak.pb.gz"
check leak-top "goroutineleak"
keys 7
check leak-groups "12 goroutines  LEAKED"
check leak-stack "main.leakSelectForever"
keys q
done_ui leak-quit 0

# ---- a diff: signed values, marks, colours, before -> after, ] and [ ----
ui "-diff_base=$F/t1/heap.pb.gz $F/t3/heap.pb.gz"
check diff-status "inuse_space (diff)"
check diff-grew "+ main.retainBuffers"
check diff-before-after "cum 1.60MB -> 4.79MB (+3.19MB)"
if colours | grep -q "$(printf '\033')\[31m.*+"; then passed=$((passed + 1)); else fail "diff-red: no red + mark"; fi
keys ']'
check diff-next "^main.indexUsers"
keys '['
check diff-prev "^main.retainBuffers"
keys Enter
check diff-peers-mark "caller | + main.growHeap"
keys Escape : 'noise=90%' Enter
check diff-noise "noise floor 90% of the total"
check_gone diff-noise-hides '^ *2MB.*main.indexUsers'
keys : 'options' Enter
check diff-noise-option "noise floor  *90% of the total"
keys q : 'noise=0.1%' Enter
check diff-noise-back '^ *2MB.*main.indexUsers'
keys f
check diff-flame "+main.retainBuffers"
keys ']'
check diff-flame-next "main.indexUsers: 2MB"
keys '['
check diff-flame-prev "main.retainBuffers: 3.19MB"
keys q
done_ui diff-quit 0
ui "-diff_base=$F/t3/heap.pb.gz $F/t1/heap.pb.gz"
check diff-shrank "- main.retainBuffers"
check diff-shrank-ba "cum 4.79MB -> 1.60MB (-3.19MB)"
if colours | grep -q "$(printf '\033')\[\(34\|38;5;33\)m.*-"; then passed=$((passed + 1)); else fail "diff-blue: no coloured - mark"; fi
keys q
done_ui diff2-quit 0

# ---- hostile names: shown escaped, no control byte reaches the terminal ----
ui fixtures/edge/hostile.pb.gz
check hostile-esc 'pkg.esc\\x1b\[31mred\\x1b\[0m\\x07bell'
check hostile-newline 'pkg.new\\nline'
keys q
done_ui hostile-quit 0

# ---- ui in the shell ----
line "$prof $heap"
check shell-prompt "(prof)"
line ui
check shell-ui " 1 Top "
keys q
check shell-back '^(prof) *$'
line ui
check shell-ui-again " 1 Top "
keys f
check shell-ui-flame "icicle (root on top)"
keys q
check shell-back-again '^(prof) *$'
line quit
wait_for '^\$ *$' > /dev/null

# ---- stdout piped: refused in one line, exit 2 ----
line "$prof ui $heap > $tmp/piped.out; echo pipe-rc=\$?"
check stdout-not-tty "prof: ui needs a terminal (stdout is not one)$"
check stdout-not-tty-rc "pipe-rc=2"

# ---- a TERM ncurses does not know: one line, exit 2 ----
line "TERM=nosuchterm $prof ui $heap; echo term-rc=\$?"
check unknown-term "prof: ui needs a terminal ncurses knows (TERM=nosuchterm has no terminfo entry)"
check unknown-term-rc "term-rc=2"

# ---- no terminal: one line, exit 2 ----
rc=0
"$prof" ui "$heap" < /dev/null > "$tmp/out" 2> "$tmp/err" || rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "^prof: ui needs a terminal" "$tmp/err" && ! [ -s "$tmp/out" ]; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL no-terminal: exit $rc, stderr: $(cat "$tmp/err")"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
