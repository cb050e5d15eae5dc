# Sourced by run.sh and regen.sh, so that prof and go tool pprof run each
# case alike. report_mode FLAGS sets $mode: empty when FLAGS names a report
# (-NAME or -NAME=ARG for a report pprof has, from prof's command table:
# prof help --list), else -top (a case line without a report is a -top case).
# Needs $mode_prof: a built prof (run.sh's, or build/prof for regen.sh).
pprof_reports=
report_mode() {
	if [ -z "$pprof_reports" ]; then
		pprof_reports=$("$mode_prof" help --list | awk -F '\t' '$2 == "pprof" { print $1 }')
		[ -n "$pprof_reports" ] || { echo "mode.sh: no command table from $mode_prof help --list" >&2; exit 2; }
	fi
	for r in $pprof_reports; do
		case " $1 " in
		*" -$r "* | *" -$r="*) mode= && return ;;
		esac
	done
	mode=-top
}
