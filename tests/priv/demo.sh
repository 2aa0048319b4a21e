#!/bin/sh
# The README's demo fits a screenful or two: every scenario's heading, its
# verdict line and nothing of the socket-call timeline on the terminal, at
# most 120 lines; the full reports in the files it names at the end, each
# longer than what the terminal got of it.
# usage: demo.sh SYNLAB SCRIPTS_DEMO
set -u
SYNLAB=${1:?usage: demo.sh SYNLAB SCRIPTS_DEMO}
DEMO=${2:?usage: demo.sh SYNLAB SCRIPTS_DEMO}
[ "$(id -u)" = 0 ] || { echo "SKIP: the demo runs the scenarios: needs root"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
bad() { echo "FAIL: $*"; fail=1; }
SYNLAB=$SYNLAB DEMO_OUT="$tmp/out" sh "$DEMO" >"$tmp/screen" 2>&1 || bad "the demo exits $?"
n=$(wc -l <"$tmp/screen")
[ "$n" -le 120 ] || bad "the demo prints $n lines, more than two screenfuls"
for s in simultaneous-open self-connect reuseport self-connect-race holepunch; do
	grep -q "^===== .*: synlab run $s\$" "$tmp/screen" || bad "no heading for $s"
	grep -q "^$s: " "$tmp/screen" || bad "no verdict line for $s"
done
grep -q '^===== .*synlab analyze' "$tmp/screen" || bad "no analysis of pcaps/"
grep -q 'socket calls\|socket()' "$tmp/screen" && bad "the socket-call timeline is on the screen"
# The ladder of the crossing is on the screen.
grep -q 'crossing SYN' "$tmp/screen" || bad "no simultaneous-open ladder on the screen"
# Every report named at the end exists and holds more than the screen showed.
files=$(sed -n 's/^  \(.*\.txt\) (\([0-9]*\) lines)$/\1/p' "$tmp/screen")
[ "$(echo $files | wc -w)" -ge 7 ] || bad "fewer than 7 full reports named: $files"
for f in $files; do
	[ -s "$f" ] || { bad "$f named but missing"; continue; }
	grep -q '^summary: ' "$f" || bad "$f holds no summary"
done
grep -q 'socket calls' "$tmp/out/reuseport.txt" || bad "the full reuseport report lacks its timeline"
[ $fail = 0 ] && echo "ok: the demo prints $n lines, full reports in $(echo $files | wc -w) files"
exit $fail
