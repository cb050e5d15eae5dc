#!/bin/sh
# The interactive shell in a real terminal (tmux): the prompt, a report,
# Tab completion of a command and of a function name, and history kept
# between sessions (Up arrow recalls the previous session's command).
# The last line is "N passed, N failed"; skipped without tmux.
#
# Usage: tests/tui/shell.sh PROF
set -u
prof=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
repo=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v tmux > /dev/null 2>&1; then
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tui.XXXXXX")
sock="$tmp/tmux1.sock"
trap 'tmux -S "$tmp/tmux1.sock" kill-server > /dev/null 2>&1; tmux -S "$tmp/tmux2.sock" kill-server > /dev/null 2>&1; rm -rf "$tmp"' EXIT INT TERM
passed=0
failed=0
fixture="$repo/fixtures/leaky/normal/t3/goroutine.pb.gz"

start() {
	tmux -S "$sock" new-session -d -x 160 -y 50 -s t \
		"env HOME=$tmp TZ=UTC TERM=xterm $prof $fixture; sleep 30"
}
screen() { tmux -S "$sock" capture-pane -p -t t; }
keys() { tmux -S "$sock" send-keys -t t "$@"; }

# wait_for TEXT: polls the screen for up to 15 s (CI machines can be busy).
wait_for() {
	i=0
	while [ $i -lt 150 ]; do
		if screen | grep -q -- "$1"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

check() {
	if wait_for "$2"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $1: screen does not show: $2"
		screen | tail -n 15 | sed 's/^/  | /'
	fi
}

start
check prompt "(prof)"
keys "top3" Enter
check report "Showing top 3 nodes out of"
# Tab completes a unique command prefix ("trac" -> "traces").
keys "trac" Tab
check complete-command "(prof) traces"
keys C-u
# ... and a function name in a report's arguments.
keys "peek leakNil" Tab
check complete-function "peek main.leakNilChanRecv"
keys Enter
check peek-ran "| main.leakNilChanRecv"
keys "quit" Enter
# The history is written as each line is read; give the exit a moment.
i=0
while [ $i -lt 50 ] && ! grep -q "^quit$" "$tmp/.prof_history" 2> /dev/null; do
	sleep 0.1
	i=$((i + 1))
done
tmux -S "$sock" kill-server > /dev/null 2>&1
if grep -q "^top3$" "$tmp/.prof_history" 2> /dev/null; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL history-file: top3 not in .prof_history"
fi
# A new session (own tmux server) recalls the old commands (quit, peek, then top3).
sock="$tmp/tmux2.sock"
start
check prompt-again "(prof)"
keys Up Up Up
check history-recall "(prof) top3"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
