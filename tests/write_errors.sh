#!/bin/sh
# The report's writes fail as they did before the writer thread: a report
# of several megabytes (written by a thread of its own on two processors,
# by the analysis itself with SYNLAB_THREADS=1) into a file is the same
# byte for byte both ways; into /dev/full or a closed stdout it ends with
# "synlab: stdout: write error" and exit 3; into a pipe closed early it
# ends as one thread does (killed by SIGPIPE, or exit 3 where SIGPIPE is
# ignored).
# usage: write_errors.sh SYNLAB SYNLAB-BENCH-GEN
set -u
SYNLAB=${1:?usage: write_errors.sh SYNLAB SYNLAB-BENCH-GEN}
GEN=${2:?usage: write_errors.sh SYNLAB SYNLAB-BENCH-GEN}
. "$(dirname "$0")/lib.sh"
scratch
fail=0
"$GEN" -n 500 "$tmp/in.pcap" 2>/dev/null || { echo "FAIL: $GEN"; exit 1; }
for fmt in "" --brief --json; do
	"$SYNLAB" analyze $fmt "$tmp/in.pcap" >"$tmp/two" 2>&1
	SYNLAB_THREADS=1 "$SYNLAB" analyze $fmt "$tmp/in.pcap" >"$tmp/one" 2>&1
	if ! cmp -s "$tmp/one" "$tmp/two"; then
		echo "FAIL: analyze $fmt: two threads write other bytes than one"
		fail=1
	fi
done
[ "$(wc -c <"$tmp/two")" -gt 1000000 ] || # the JSON, last
	{ echo "FAIL: the JSON report is too short to fill the buffers"; fail=1; }
for threads in 2 1; do
	export SYNLAB_THREADS=$threads
	for fmt in --json ""; do
		"$SYNLAB" analyze $fmt "$tmp/in.pcap" >/dev/full 2>"$tmp/err"
		rc=$?
		if [ $rc -ne 3 ] || [ "$(cat "$tmp/err")" != "synlab: stdout: write error" ]; then
			echo "FAIL: $threads threads, $fmt into /dev/full: exit $rc, $(cat "$tmp/err")"
			fail=1
		fi
		"$SYNLAB" analyze $fmt "$tmp/in.pcap" >&- 2>"$tmp/err"
		rc=$?
		if [ $rc -ne 3 ] || [ "$(cat "$tmp/err")" != "synlab: stdout: write error" ]; then
			echo "FAIL: $threads threads, $fmt into a closed stdout: exit $rc, $(cat "$tmp/err")"
			fail=1
		fi
	done
	{
		"$SYNLAB" analyze --json "$tmp/in.pcap" 2>"$tmp/err.$threads"
		echo $? >"$tmp/rc.$threads"
	} | head -c 100 >/dev/null
done
rc1=$(cat "$tmp/rc.1") rc2=$(cat "$tmp/rc.2")
if [ "$rc1" != "$rc2" ] || ! cmp -s "$tmp/err.1" "$tmp/err.2"; then
	echo "FAIL: a pipe closed early: exit $rc2 ($(cat "$tmp/err.2")) with two threads, $rc1 ($(cat "$tmp/err.1")) with one"
	fail=1
fi
case $rc2 in
141) ;;
3) grep -q "write error" "$tmp/err.2" || { echo "FAIL: exit 3 without the reason"; fail=1; } ;;
*) echo "FAIL: a pipe closed early: exit $rc2"; fail=1 ;;
esac
echo "pipe closed early: exit $rc2 both ways"
exit $fail
