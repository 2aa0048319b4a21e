#!/bin/sh
# Privileged tests of libnet injection and the timing sweeps: a real kernel,
# real packets, asserted packet by packet from the annotated pcapng.
#
# usage: priv_inject.sh SYNLAB CASE
#   CASE: bound syn-sent established wsdefect sweep-simopen sweep-inject
#
# Exit 77 (ctest SKIP_RETURN_CODE) when not root or when namespaces, TUN or
# tshark are missing.
set -u

SYNLAB=${1:?usage: priv_inject.sh SYNLAB CASE}
CASE=${2:?usage: priv_inject.sh SYNLAB CASE}

. "$(dirname "$0")/lib.sh"
priv_require

WORK=$(mktemp -d /tmp/synlab-priv-inject.XXXXXX) || fail "mktemp"
trap 'rm -rf "$WORK"' EXIT INT TERM
snapshot "$WORK/before"

# Segments seen on the target's own NIC (B:tunB, interface 1), one a line:
# 1 src 2 flags 3 seq 4 ack 5 win 6 len 7 wscale 8 time
segs() {
	tshark -r "$1" -o tcp.relative_sequence_numbers:FALSE \
		-Y "frame.interface_id==1 && tcp" -T fields -E 'separator=|' \
		-E occurrence=f -e ip.src -e tcp.flags -e tcp.seq -e tcp.ack \
		-e tcp.window_size_value -e tcp.len -e tcp.options.wscale.shift \
		-e frame.time_epoch 2>/dev/null
}

run_inject() { # STATE [ARGS...]; leaves $WORK/i.pcapng, $WORK/i.json
	st=$1; shift
	"$SYNLAB" run inject --state "$st" "$@" --json --combined -o "$WORK/i.pcapng" > "$WORK/i.json"
	echo $?
}

case "$CASE" in
bound)
	for i in 1 2 3; do
		rc=$(run_inject bound)
		[ "$rc" = 0 ] || fail "run $i: exit $rc"
		# < S s  ;  > R. 0 ack s+1 win 0
		segs "$WORK/i.pcapng" | awk -F'|' '
			NR == 1 { s = $3; if ($1 != "10.0.0.3" || $2 != "0x0002") exit 1 }
			NR == 2 { if ($1 != "10.0.0.2" || $2 != "0x0014" || $3 != 0 ||
				      $4 != (s + 1) % 4294967296 || $5 != 0) exit 1 }
			END { if (NR != 2) exit 1 }' || { segs "$WORK/i.pcapng"; fail "run $i: not SYN then RST seq 0 ack s+1 win 0"; }
		grep -q '"shape":"refused"' "$WORK/i.json" || fail "run $i: analyzer did not say refused"
	done
	echo "ok: bound socket answers a crafted SYN with RST seq 0 ack s+1, 3 of 3"
	;;
syn-sent)
	for i in 1 2 3; do
		rc=$(run_inject syn-sent)
		[ "$rc" = 0 ] || fail "run $i: exit $rc"
		# > S a ; < S s ; > S. a ack s+1 ; < . s+1 ack a+1 ; > P. data
		segs "$WORK/i.pcapng" | awk -F'|' '
			NR == 1 { a = $3; if ($1 != "10.0.0.2" || $2 != "0x0002") exit 1 }
			NR == 2 { s = $3; if ($1 != "10.0.0.3" || $2 != "0x0002") exit 1 }
			NR == 3 { if ($1 != "10.0.0.2" || $2 != "0x0012" || $3 != a ||
				      $4 != (s + 1) % 4294967296) exit 1 }
			NR == 4 { if ($1 != "10.0.0.3" || $2 != "0x0010" ||
				      $3 != (s + 1) % 4294967296 || $4 != (a + 1) % 4294967296) exit 1 }
			NR == 5 { if ($1 != "10.0.0.2" || $6 != 7) exit 1 }
			END { if (NR < 5) exit 1 }' || { segs "$WORK/i.pcapng"; fail "run $i: not the simultaneous-open segments"; }
		grep -q '"connect":"0"' "$WORK/i.json" || fail "run $i: connect() did not return 0"
		grep -q '"tcp_info":{"state":"ESTABLISHED"' "$WORK/i.json" || fail "run $i: TCP_INFO not ESTABLISHED"
	done
	echo "ok: SYN-SENT socket answers with its SYN-ACK, the injector's ACK completes connect(), 3 of 3"
	;;
established)
	rc=$(run_inject established)
	[ "$rc" = 0 ] || fail "exit $rc"
	# > S a ; < S. s ack a+1 ; > . ; then < S (x3): > . a+1 ack s+1 after
	# the 1st and the 3rd (700 ms later), none after the 2nd (100 ms, RFC
	# 5961 §4 rate limit of 500 ms per socket).
	segs "$WORK/i.pcapng" | awk -F'|' '
		NR == 1 { a = $3; if ($2 != "0x0002") exit 1 }
		NR == 2 { s = $3; if ($2 != "0x0012" || $4 != (a + 1) % 4294967296) exit 1 }
		NR == 3 { if ($2 != "0x0010") exit 1 }
		NR > 3 && $1 == "10.0.0.3" && $2 == "0x0002" { nsyn++; if ($3 != (s + 1) % 4294967296) exit 1; next }
		NR > 3 && $1 == "10.0.0.2" && $2 == "0x0010" {
			if ($3 != (a + 1) % 4294967296 || $4 != (s + 1) % 4294967296) exit 1
			ack[nsyn]++ }
		END { if (nsyn != 3 || ack[1] != 1 || ack[2] != 0 || ack[3] != 1) exit 1 }' ||
		{ segs "$WORK/i.pcapng"; fail "not: challenge ACK, rate-limited silence, challenge ACK"; }
	grep -q '"answers":\[1,0,1\]' "$WORK/i.json" || fail "answers in the JSON"
	echo "ok: ESTABLISHED socket: challenge ACK, none within 500 ms, one again after"
	;;
wsdefect)
	rc=$(run_inject syn-sent --options mss)
	# A violation is exit 1: that is the finding this case wants.
	[ "$rc" = 1 ] || fail "exit $rc, want 1 (violation found)"
	grep -q '"rule":"ws-not-negotiated"' "$WORK/i.json" || fail "analyzer did not flag ws-not-negotiated"
	# The SYN-ACK offers wscale although the SYN had none; the data
	# segment's window is the SYN window >> 10 (63, not 64240).
	segs "$WORK/i.pcapng" | awk -F'|' '
		NR == 2 { if ($2 != "0x0002" || $7 != "") exit 1 }
		NR == 3 { if ($2 != "0x0012" || $7 == "") exit 1 }
		$1 == "10.0.0.2" && $6 > 0 { win = $5 }
		END { if (win == "" || win >= 1024) exit 1 }' || { segs "$WORK/i.pcapng"; fail "not the defect's segments"; }
	grep -q '"wscale_option":false' "$WORK/i.json" || fail "TCP_INFO says window scaling is on"
	echo "ok: window-scale defect reproduced and flagged (ws-not-negotiated)"
	;;
sweep-simopen|sweep-inject)
	what=simultaneous-open; extra=""
	[ "$CASE" = sweep-inject ] && { what=inject; extra="--state syn-sent"; }
	# Early, in the window, late: delay 10 ms, offsets -13, 0, +13; a run
	# whose measured timing slipped > 0.5 ms is run again by the sweep.
	"$SYNLAB" sweep $what $extra --delay 10ms --offset -13ms:13ms:13ms --count 2 \
		--no-refine --json --plot "$WORK/p.svg" > "$WORK/s.json" 2>/dev/null || fail "sweep exit $?"
	/usr/bin/python3 - "$WORK/s.json" <<'PY' || fail "outcomes not early refused / in-window connected / late refused"
import json, sys
d = json.load(open(sys.argv[1]))
want = {-13000: ("refused", "refused"), 0: ("connected", "simultaneous-open"),
        13000: ("refused", "refused")}
got = {round(p["offset_us"]): p for p in d["points"]}
for off, (oc, shape) in want.items():
    p = got[off]
    assert p["runs"] == 2 and p["outcome"] == oc, (off, p)
    assert p["shapes"].get(shape) == 2, (off, p)
assert d["model"]["delay_us"] == 10000
# Each run's crossing was measured; slipped runs were run again.
m = d["measured"]
assert 0 < m["timing_slip_max_us"] and m["timing_tolerance_us"] == 500, m
assert isinstance(m["timing_misses"], int), m
print("ok", {k: got[k]["outcome"] for k in want})
PY
	grep -q "model window" "$WORK/p.svg" || fail "plot without the model window"
	echo "ok: $what sweep: early refused, in-window connected, late refused"
	;;
*)
	fail "unknown case $CASE"
	;;
esac
# Nothing outlives a run: the machine looks as before.
check_clean "after the runs"
exit 0
