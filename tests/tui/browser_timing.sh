#!/bin/sh
# Redraw and refinement times of prof ui: tmux plays a fixed key sequence
# on PROFILE with PROF_UI_TIMING set (a line per key: view, key, ms from the
# key read to the screen drawn, compute included) and prints each key's
# time, then the worst selection move and the worst refinement.
#
# Usage: tests/tui/browser_timing.sh PROF PROFILE   (bench/profgen makes big ones)
# PROF_UI_AHEAD=0 in the environment times every key cold (nothing computed ahead).
set -u
prof=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
profile=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ui-timing.XXXXXX")
sock="$tmp/tmux.sock"
trap 'tmux -S "$sock" kill-server > /dev/null 2>&1; rm -rf "$tmp"' EXIT INT TERM
out="$tmp/timing"
: > "$out"
tmux -S "$sock" new-session -d -x 120 -y 40 -s t \
	"env PROF_UI_TIMING=$out PROF_UI_AHEAD=${PROF_UI_AHEAD:-1} TERM=xterm-256color LANG=C.UTF-8 $prof ui $profile; sleep 5"

# key K...: sends one key and waits (up to 120 s) for its timing line.
key() {
	want=$(($(wc -l < "$out") + 1))
	tmux -S "$sock" send-keys -t t "$@"
	i=0
	while [ "$(wc -l < "$out")" -lt $want ] && [ $i -lt 1200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# The first screen: wait until top is drawn.
i=0
while ! tmux -S "$sock" capture-pane -p -t t | grep -q "flat  flat%" && [ $i -lt 1200 ]; do
	sleep 0.1
	i=$((i + 1))
done
for k in j j j j k k NPage NPage PPage G g; do key "$k"; done   # moves in top
key Enter; key j; key k; key Escape                            # callers/callees
key f; key Down; key Down; key Right; key Left; key Up          # flame moves
key Enter; key Escape; key i; key i                             # zoom, invert
key 1; key F; key j; key k; key u                               # focus, undo
key s; key s; key u; key u                                      # sample index
key a; key u; key c; key u                                      # granularity, cum
key I; key u; key H; key u; key S; key u                        # ignore, hide, show
key F; key s; key r                                             # reset after two
tmux -S "$sock" send-keys -t t /; tmux -S "$sock" send-keys -t t -l "runtime"; key Enter  # search
key n; key n; key N
key q
cat "$out"
awk '
	$2 == "j" || $2 == "k" || $2 ~ /KEY_(UP|DOWN|LEFT|RIGHT|NPAGE|PPAGE)/ || $2 == "g" || $2 == "G" {
		if ($3 > mv) mv = $3
	}
	$2 ~ /^[FIHSusacr]$/ { if ($3 > rf) rf = $3 }
	$2 == "/" { se = $3 }
	END { printf "worst move: %.1f ms, worst refinement: %.1f ms, search (Enter): %.1f ms\n", mv, rf, se }' "$out"
