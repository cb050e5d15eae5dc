# Sourced by run.sh and regen.sh, so that prof and go tool pprof run each
# case alike. report_mode FLAGS sets $mode: empty when FLAGS names a report,
# else -top (a case line without a report is a -top case).
report_mode() {
	case " $1 " in
	*" -top "* | *" -text "* | *" -traces "* | *" -tags "* | *" -tree "* | *" -peek="* | *" -comments "* | \
		*" -list="* | *" -raw "* | *" -dot "*) mode= ;;
	*) mode=-top ;;
	esac
}
