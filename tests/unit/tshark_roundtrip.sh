#!/bin/sh
# tshark_roundtrip.sh TEST_PCAPNG TEST_ANNOTATE DIR: the pcapng writer's and
# the annotator's output must load in tshark without a warning and show our
# comments as frame.comment (docs/design.md "Annotated pcapng").  Exit 77 (ctest
# SKIP_RETURN_CODE) when tshark is missing.
set -u

test_pcapng=$1
test_annotate=$2
dir=$3

if ! command -v tshark >/dev/null 2>&1; then
	echo "tshark not installed: skipped"
	exit 77
fi
mkdir -p "$dir" || exit 1

fail=0

# tshark FILE: fields to $dir/out, stderr to $dir/err; any stderr line but
# the root notice is a warning and fails the test.
run_tshark() {
	tshark -r "$1" -T fields -e frame.number -e frame.comment \
		>"$dir/out" 2>"$dir/err.raw"
	rc=$?
	grep -v '^Running as user "root"' "$dir/err.raw" >"$dir/err"
	if [ $rc -ne 0 ] || [ -s "$dir/err" ]; then
		echo "FAIL: tshark -r $1 (exit $rc):"
		cat "$dir/err"
		fail=1
	fi
}

expect() {
	if ! grep -qF -- "$1" "$dir/out"; then
		echo "FAIL: $2: no line \"$1\" in:"
		cat "$dir/out"
		fail=1
	fi
}

"$test_pcapng" write "$dir/sample.pcapng" || exit 1
run_tshark "$dir/sample.pcapng"
expect "$(printf '1\tsynlab: A SYN-SENT -> SYN-RECEIVED | crossing SYN')" \
	sample
expect "$(printf '3\todd length, <xml> & "quotes" \302\265s')" sample
[ "$(wc -l <"$dir/out")" -eq 4 ] || { echo "FAIL: sample: not 4 frames"; fail=1; }

"$test_annotate" write "$dir/annotated.pcapng" || exit 1
run_tshark "$dir/annotated.pcapng"
expect "$(printf '1\tkept comment,synlab: A #1 ')" annotated
expect "$(printf '9\tsynlab: event')" annotated
[ "$(wc -l <"$dir/out")" -eq 9 ] || { echo "FAIL: annotated: not 9 frames"; fail=1; }

# The display filter a user types (docs/design.md).
n=$(tshark -r "$dir/annotated.pcapng" -Y 'frame.comment contains "crossing"' \
	2>/dev/null | wc -l)
[ "$n" -eq 1 ] || { echo "FAIL: filter on frame.comment matched $n frames"; fail=1; }

[ $fail -eq 0 ] && echo "ok: tshark reads both files without a warning"
exit $fail
