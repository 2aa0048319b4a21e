#!/bin/sh
# Usage errors a person can act on: exit 2, one line saying what is wrong
# (with "did you mean" for a near miss) and one saying where to look, not
# the whole help.
# usage: usage_errors.sh SYNLAB
set -u
SYNLAB=${1:?usage: usage_errors.sh SYNLAB}
fail=0
check() { # WANT_LINE1 WANT_LINE2 ARGS...
	l1=$1 l2=$2
	shift 2
	out=$("$SYNLAB" "$@" 2>&1 >/dev/null)
	rc=$?
	n=$(printf '%s\n' "$out" | wc -l)
	first=$(printf '%s\n' "$out" | head -n 1)
	last=$(printf '%s\n' "$out" | tail -n 1)
	if [ "$rc" != 2 ] || [ "$first" != "$l1" ] || [ "$last" != "$l2" ] ||
		[ "$n" -gt 2 ]; then
		echo "FAIL: synlab $*: exit $rc, $n lines:"
		printf '%s\n' "$out" | sed 's/^/  | /'
		fail=1
	fi
}
check "synlab: unknown command 'analyse'; did you mean 'analyze'?" \
	"see 'synlab --help'" analyse x.pcap
check "synlab analyze: unknown option '--jsn'; did you mean '--json'?" \
	"see 'synlab analyze --help'" analyze --jsn x.pcap
check "synlab analyze: --ladder needs a value" \
	"see 'synlab analyze --help'" analyze --ladder
check "synlab analyze: --json takes no value" \
	"see 'synlab analyze --help'" analyze --json=1 x.pcap
check "synlab run: unknown experiment 'self-conect'; did you mean 'self-connect'?" \
	"see 'synlab run --list' (the experiment goes first: synlab run NAME [OPTIONS])" \
	run self-conect
check "synlab run: unknown option '--delya'; did you mean '--delay'?" \
	"see 'synlab run --help'" run simultaneous-open --delya 10ms
check "synlab: unknown command 'frobnicate'" "see 'synlab --help'" frobnicate
[ $fail = 0 ] && echo "ok: usage errors are two lines with a hint"
exit $fail
