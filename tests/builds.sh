#!/bin/sh
# Distribution builds: prof must compile warning-free (-Dwerror=true) in
# debugoptimized and release, with gcc and, when installed, clang. Builds
# only (the other suites test build/ and build-asan/); each build is one
# check. The build folders (build-werror-*) are kept, so a rerun is
# incremental. The last line is "N passed, N failed".
#
# Usage: tests/builds.sh
. "$(dirname "$0")/lib.sh"
suite_start builds "$0"

# build CC BUILDTYPE: configures (once) and compiles one werror build.
build() {
	dir=build-werror-$1-$2
	if [ ! -f "$dir/build.ninja" ]; then
		if ! CC=$1 meson setup "$dir" -Dbuildtype="$2" -Dwerror=true > "$tmp/log" 2>&1; then
			bad "$1 $2: meson setup"
			tail -n 20 "$tmp/log"
			return
		fi
	fi
	if meson compile -C "$dir" > "$tmp/log" 2>&1; then
		ok
	else
		bad "$1 $2 -Dwerror=true"
		grep -E 'error|warning' "$tmp/log" | head -n 20
	fi
}

for cc in gcc clang; do
	if ! command -v $cc > /dev/null 2>&1; then
		echo "note: $cc is not installed; its builds are skipped"
		continue
	fi
	for bt in debugoptimized release; do
		build $cc $bt
	done
done
suite_end
