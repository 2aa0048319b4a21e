#!/bin/sh
# VM tests: the scenarios on another Linux kernel, booted under QEMU
# (synlab run --kernel, docs/kernels.md).
#
# usage: vm_kernel.sh SYNLAB SERIES [matrix]
#
# Downloads SERIES's Debian cloud kernel once into the cache, then asserts,
# packetdrill-style, the segments that kernel put on the wire (absolute
# sequence numbers, read back from the annotated pcapng with tshark):
#   self-connect     P > P [S] seq x; [S.] seq x ack x+1; then the answer to
#                    the crossed SYN-ACK: 5.10 a challenge ACK (ack x+1, no
#                    SACK block), later kernels an ACK with a D-SACK {x:x+1}
#   simultaneous-open  two bare SYNs, SYN-ACKs seq a ack b+1 and seq b ack
#                    a+1, then each side's answer as above
#   inject --state syn-sent --options mss   the window-scale defect: the
#                    analyzer's ws-not-negotiated
# and that the report and the pcapng's section header name the kernel.
# With "matrix": `synlab kernels SERIES` instead, and its cells.
# Exit 77 (skip) only when not root: the archive must be reachable.
set -u

SYNLAB=${1:?usage: vm_kernel.sh SYNLAB SERIES}
SERIES=${2:?usage: vm_kernel.sh SYNLAB SERIES}

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL [$SERIES]: $*"; exit 1; }

[ "$(id -u)" = 0 ] || skip "not root (the scenarios inside the VM need no root, but the VM tests run with the privileged ones)"
command -v tshark >/dev/null 2>&1 || fail "tshark not installed (scripts/setup.sh)"

WORK=$(mktemp -d /tmp/synlab-vm-test.XXXXXX) || fail "mktemp"
trap 'rm -rf "$WORK"' EXIT INT TERM

# What the kernel answers to a crossed SYN-ACK (docs/kernels.md, measured).
case $SERIES in
5.10) ANSWER=challenge ;;
*) ANSWER=dsack ;;
esac

fields() {
	tshark -r "$1" -o tcp.relative_sequence_numbers:FALSE -Y "$2" \
		-T fields -E 'separator=|' -E occurrence=f \
		-e ip.src -e tcp.srcport -e tcp.dstport -e tcp.flags \
		-e tcp.seq -e tcp.ack -e tcp.options.sack_le \
		-e tcp.options.sack_re 2>/dev/null
}

kernel_named() { # FILE.pcapng REPORT
	rel=$(grep -o 'Linux [0-9][^ ]*' "$2" | head -1 | cut -d' ' -f2)
	case $SERIES:$rel in newest:?* | *:"$SERIES".*) ;; *) fail "$2: report names kernel '$rel', want $SERIES.*" ;; esac
	capinfos "$1" 2>/dev/null | grep -q "oper-sys: *Linux $rel" ||
		fail "$1: section header does not name Linux $rel"
}

# ---- synlab kernels: the matrix of SERIES alone, every row as measured ----
if [ "${3:-}" = matrix ]; then
	"$SYNLAB" kernels "$SERIES" --no-host --json --dir "$WORK/m" \
		--html "$WORK/m.html" >"$WORK/m.json" 2>"$WORK/m.err" ||
		{ cat "$WORK/m.err"; fail "kernels: exit $?"; }
	cell() { # ROW-PREFIX: the text of SERIES's cell in the row
		tr '\n' ' ' <"$WORK/m.json" | grep -o "\"behaviour\":\"$1[^\"]*\",\"job\":\"[^\"]*\",\"cells\":\[{\"text\":\"[^\"]*\"" |
			sed 's/.*"text":"//; s/"$//'
	}
	case $ANSWER in
	challenge) want="challenge ACK (no D-SACK)" ;;
	*) want="ACK with D-SACK of the SYN" ;;
	esac
	for row in "crossed SYN-ACK answered by (sim. open)" "crossed SYN-ACK answered by (self-connect)"; do
		got=$(cell "$row")
		[ "$got" = "$want" ] || fail "matrix: '$row' is '$got', want '$want'"
	done
	[ "$(cell "simultaneous open, gate")" = "5/5 crossed" ] || fail "matrix: simultaneous open: $(cell "simultaneous open, gate")"
	[ "$(cell "simultaneous open over IPv6")" = "3/3 crossed" ] || fail "matrix: IPv6: $(cell "simultaneous open over IPv6")"
	cell "wscale defect" | grep -q "^present: win [0-9]* still scaled$" || fail "matrix: wscale defect: $(cell "wscale defect")"
	[ "$(cell "injected SYN at SYN-SENT")" = "[S.] (simultaneous open); connected" ] || fail "matrix: SYN-SENT"
	[ "$(cell "injected SYN at a closed")" = "[R.] seq 0; refused" ] || fail "matrix: closed port"
	[ "$(cell "challenge-ACK rate limit")" = "SYNs at 0, 100, 700 ms: 1, 0, 1 answers" ] || fail "matrix: rate limit"
	cell "SO_REUSEPORT" | grep -q "^EADDRNOTAVAIL, EISCONN, EADDRINUSE; 2 connected$" || fail "matrix: reuseport"
	cell "self-connect race" | grep -q "^after [0-9]* attempts$" || fail "matrix: race"
	n=$(grep -o '"capture":"[^"]*"' "$WORK/m.json" | sed 's/"capture":"//; s/"$//' | while read -r p; do [ -s "$p" ] && echo ok; done | wc -l)
	[ "$n" -ge 12 ] || fail "matrix: only $n cells link an existing capture"
	grep -q '<a href=' "$WORK/m.html" || fail "matrix: no links in the HTML"
	echo "ok: synlab kernels $SERIES: crossed SYN-ACK answered by $want; $n captures linked"
	exit 0
fi

# ---- self-connect ----
"$SYNLAB" run self-connect --kernel "$SERIES" -o "$WORK/s.pcapng" \
	>"$WORK/s.txt" 2>"$WORK/s.err" || { cat "$WORK/s.err"; fail "self-connect: exit $?"; }
kernel_named "$WORK/s.pcapng" "$WORK/s.txt"
fields "$WORK/s.pcapng" tcp >"$WORK/s.f"
awk -F'|' -v answer=$ANSWER '
	function inc(x) { return sprintf("%.0f", (x + 1) % 4294967296) }
	NR == 1 { x = $5; if ($4 != "0x0002" || $2 != 50000 || $3 != 50000) exit 1 }
	NR == 2 { if ($4 != "0x0012" || $5 != x || $6 != inc(x)) exit 1 }
	NR == 3 { if ($4 != "0x0010" || $6 != inc(x)) exit 1
		if (answer == "dsack" && ($7 != x || $8 != inc(x))) exit 1
		if (answer == "challenge" && $7 != "") exit 1 }
	END { if (NR < 3) exit 1 }' "$WORK/s.f" ||
	{ cat "$WORK/s.f"; fail "self-connect: not the segments of a $ANSWER answer"; }
grep -q "self-connect: expected self-connect in 1 of 1 run" "$WORK/s.txt" ||
	fail "self-connect: report"
echo "ok: self-connect on $SERIES, crossed SYN-ACK answered by $ANSWER"

# ---- simultaneous open over a 20 ms wire ----
"$SYNLAB" run simultaneous-open --kernel "$SERIES" --delay 20ms --json \
	--combined -o "$WORK/o.pcapng" >"$WORK/o.json" 2>"$WORK/o.err" ||
	{ cat "$WORK/o.err"; fail "simultaneous-open: exit $?"; }
grep -q '"shape":"simultaneous-open"' "$WORK/o.json" || fail "simultaneous-open: shape"
fields "$WORK/o.pcapng" "frame.interface_id==0 && tcp" >"$WORK/o.f"
awk -F'|' -v answer=$ANSWER '
	function inc(x) { return sprintf("%.0f", (x + 1) % 4294967296) }
	{ h = ($1 ~ /\.1$/) ? "A" : "B"; o = (h == "A") ? "B" : "A" }
	$4 == "0x0002" { isn[h] = $5; nsyn++ }
	$4 == "0x0012" { if (nsyn != 2) bad = 1; sa[h] = $5 " " $6; nsa++ }
	$4 == "0x0010" && nsa == 2 && !(h in first) { first[h] = $6 " " $7 " " $8 }
	END {
		if (nsyn != 2 || nsa != 2 || bad) exit 1
		for (h in isn) {
			o = (h == "A") ? "B" : "A"
			if (sa[h] != isn[h] " " inc(isn[o])) exit 1
			want = (answer == "dsack") ? inc(isn[o]) " " isn[o] " " inc(isn[o]) : inc(isn[o]) "  "
			if (first[h] != want) exit 1
		}
	}' "$WORK/o.f" ||
	{ cat "$WORK/o.f"; fail "simultaneous-open: not the segments of a crossing answered by $ANSWER"; }
echo "ok: simultaneous-open on $SERIES, both crossed SYN-ACKs answered by $ANSWER"

# ---- the window-scale defect at SYN-SENT ----
"$SYNLAB" run inject --state syn-sent --options mss --kernel "$SERIES" --json \
	--combined -o "$WORK/w.pcapng" >"$WORK/w.json" 2>"$WORK/w.err"
grep -q '"outcome":"connected"' "$WORK/w.json" || { cat "$WORK/w.err"; fail "inject syn-sent: not connected"; }
grep -q '"rule":"ws-not-negotiated"' "$WORK/w.json" || fail "inject syn-sent --options mss: no ws-not-negotiated"
echo "ok: window-scale defect on $SERIES"
