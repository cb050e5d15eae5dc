# Sourced by bench/shell.sh and bench/memory.sh: the build, a scratch
# directory and the 1M-sample profile where nearly every sample has its own
# stack (generated once into PROF_BENCH_DIR, shared with run.sh).
#
# Before sourcing: bench_name (the scratch directory's prefix). After:
# here, repo, build, n, prof, scratch, datadir, label, and
# gen_unique OUT [PROFGEN ARGS...], which writes the profile to OUT unless
# it is there and newer than profgen.
set -u
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=${1:-$repo/build}
case $build in /*) ;; *) build=$PWD/$build ;; esac
n=${PROF_BENCH_SAMPLES:-1000000}
prof=$build/prof
scratch=$(mktemp -d "${TMPDIR:-/tmp}/$bench_name.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM

meson compile -C "$build" prof profgen > "$scratch/build.log" 2>&1 || {
	tail -n 20 "$scratch/build.log" >&2
	exit 1
}
datadir=${PROF_BENCH_DIR:-$scratch}
mkdir -p "$datadir"
label=$(awk -v n="$n" 'BEGIN { if (n % 1000000 == 0) printf "%dM", n / 1000000; else printf "%dk", n / 1000 }')

gen_unique() {
	local out=$1
	shift
	if [ ! -s "$out" ] || [ "$build/bench/profgen" -nt "$out" ]; then
		echo "generating $(basename "$out") ..."
		"$build/bench/profgen" -samples "$n" -stacks "$n" "$@" -o "$out.tmp" && mv "$out.tmp" "$out" || exit 1
	fi
}
