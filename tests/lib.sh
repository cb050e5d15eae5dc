# Sourced by the suites under tests/ for what they all start with and use:
#     . "$(dirname "$0")/lib.sh"; suite_start NAME "$1"
# sets prof (PROF made absolute), repo, tmp (a folder removed at exit), cd's
# to the repository with TZ=UTC and zeroes the counts; ok and bad count a
# check; suite_end prints the last line "N passed, N failed" and gives the
# exit status (1 on any failure).

suite_start() {
	prof=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
	repo=$(cd "$(dirname "$0")/.." && pwd)
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT INT TERM
	cd "$repo" || exit 2
	export TZ=UTC
	passed=0
	failed=0
}

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }

# check NAME WANT_STATUS COMMAND...: runs COMMAND, keeps stdout/stderr in $tmp.
check() {
	name=$1 want=$2
	shift 2
	rc=0
	"$@" > "$tmp/out" 2> "$tmp/err" < /dev/null || rc=$?
	if [ "$rc" -eq "$want" ]; then
		return 0
	fi
	echo "FAIL $name: exit $rc, want $want"
	head -n 3 "$tmp/err" | sed 's/^/  stderr: /'
	return 1
}

suite_end() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
