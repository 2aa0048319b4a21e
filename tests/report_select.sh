#!/bin/sh
# What the text and brief reports show: --shape, --findings and --id select
# (an id exactly, #2 is not #20), the default folds the clean ordinary
# handshakes into counted lines before the summary, --all shows them all.
# usage: report_select.sh SYNLAB PCAPS_DIR
set -u
SYNLAB=${1:?usage: report_select.sh SYNLAB PCAPS_DIR}
P=${2:?usage: report_select.sh SYNLAB PCAPS_DIR}
race=$P/self-connect-race.pcapng
ws=$P/inject-wscale-defect.pcapng
fail=0
check() { # WANT GOT WHAT
	[ "$1" = "$2" ] || { echo "FAIL: $3: $2, not $1"; fail=1; }
}
heads() { "$SYNLAB" analyze --ascii "$@" 2>/dev/null | grep -c '^#[0-9]'; }
total=$("$SYNLAB" analyze --json "$race" | grep -o '"handshakes":[0-9]*' | tail -1 | cut -d: -f2)
check 185 "$total" "handshakes in $race"
check 185 "$(heads --all "$race")" "--all shows"
check 185 "$(heads --all --brief "$race")" "--all --brief shows"
check 6 "$(heads "$race")" "the default shows (1 self-connect, 5 refused)"
"$SYNLAB" analyze "$race" | grep -qx '  179 refused, all clean' ||
	{ echo "FAIL: no folded line '179 refused, all clean'"; fail=1; }
"$SYNLAB" analyze "$race" | tail -3 | grep -q '^  179 refused' ||
	{ echo "FAIL: the folded lines are not just before the summary"; fail=1; }
check 1 "$(heads --shape self-connect "$race")" "--shape self-connect"
check 185 "$(heads --shape self-connect --shape refused --all "$race")" "two --shape --all"
check 1 "$(heads --id 2 "$race")" "--id 2"
"$SYNLAB" analyze --brief --id 2 "$race" | grep -q '^#2 ' ||
	{ echo "FAIL: --id 2 is not #2"; fail=1; }
check 0 "$(heads --findings "$race")" "--findings on a clean capture"
nf=$("$SYNLAB" analyze --json "$ws" | grep -o '"handshakes":[0-9]*' | tail -1 | cut -d: -f2)
check "$nf" "$(heads --findings --all "$ws")" "--findings on $ws (every handshake has one)"
"$SYNLAB" analyze --shape nope "$race" >/dev/null 2>&1
check 2 $? "--shape nope exits"
"$SYNLAB" analyze --id 0 "$race" >/dev/null 2>&1
check 2 $? "--id 0 exits"
# Under a selection the summary says what was selected of how many, and
# what the input holds; JSON says it in "in_input".
"$SYNLAB" analyze --shape self-connect "$race" | grep -qx 'summary: 1 of 185 handshakes selected, 1 self-connect; 0 violations, 0 warnings, 0 notes' ||
	{ echo "FAIL: --shape self-connect: no summary '1 of 185 handshakes selected'"; fail=1; }
"$SYNLAB" analyze --brief --id 2 "$race" | grep -qx '         in the input: 185 handshakes, 1 self-connect, 184 refused; 0 violations, 0 warnings, 0 notes' ||
	{ echo "FAIL: --id 2: no 'in the input' line"; fail=1; }
"$SYNLAB" analyze "$race" | grep -q 'selected\|in the input' &&
	{ echo "FAIL: without a selection the summary speaks of one"; fail=1; }
"$SYNLAB" analyze --json --id 2 "$race" | grep -q '"handshakes":1,.*"in_input":{"handshakes":185,.*"refused":184' ||
	{ echo "FAIL: --json --id 2: no in_input with the input's 185"; fail=1; }
[ "$fail" -eq 0 ] || exit 1
echo "report-select: 185 handshakes, 6 shown by default, 179 folded; --shape, --id, --findings, --all select; the summary says 1 of 185"
