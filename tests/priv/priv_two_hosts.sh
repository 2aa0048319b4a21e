#!/bin/sh
# Privileged tests of the scheduled two-host mode (docs/two-hosts.md):
#   synlab run simultaneous-open --peer HOST --port P --at TIME
#
# usage: priv_two_hosts.sh SYNLAB CASE
#   crossing  two lab hosts, 40 ms one-way delay, both started with the same
#             --at: from both captures, the SYNs crossed (both in flight at
#             once, on the one clock both captures share) and both
#             connect() calls succeeded, over RUNS runs (default 10)
#   attempts  B misses the first instant; --attempts retries on the agreed
#             rhythm and the second instant crosses
#   offset    one capture shifted by editcap -t: `synlab analyze a b` gives
#             the shift back within 100 us, one connection with two views
#   kill9     SIGKILL to a waiting run and to the lab holder: nothing left
#   cli       usage errors (exit 2) and no CAP_NET_RAW (exit 4), nothing sent
#
# The lab: `synlab run --lab-hold` (hidden) makes two namespaces held only
# by its own fds, joined by the TUN wire, and prints /proc/PID/fd/N for
# each; the two runs enter them with the hidden --netns.  The holder is
# killed by its PID; the machine must look exactly as before.  No packet
# leaves the lab (10.0.0.1 <-> 10.0.0.2 exist only there).
# Exit 77 (ctest SKIP_RETURN_CODE) when not root or when namespaces, TUN or
# tshark are missing.
set -u

SYNLAB=${1:?usage: priv_two_hosts.sh SYNLAB CASE}
CASE=${2:?usage: priv_two_hosts.sh SYNLAB CASE}
RUNS=${SYNLAB_TWO_HOSTS_RUNS:-10}
DELAY=40ms

. "$(dirname "$0")/lib.sh"

WORK=$(mktemp -d /tmp/synlab-2h.XXXXXX) || fail "mktemp"
HOLDER=
PIDS=
cleanup() {
	for p in $PIDS $HOLDER; do kill "$p" 2>/dev/null; done
	for p in $PIDS $HOLDER; do wait "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ "$CASE" = cli ]; then
	# Usage errors need no privilege and send nothing.
	"$SYNLAB" run simultaneous-open --peer 127.0.0.1 --at +5s >/dev/null 2>"$WORK/e"
	[ $? = 2 ] || fail "no --port: want exit 2"
	"$SYNLAB" run simultaneous-open --peer 127.0.0.1 --port 1314 \
		--at 2001-01-01T00:00:00Z >/dev/null 2>"$WORK/e"
	[ $? = 2 ] && grep -q "in the past" "$WORK/e" || fail "past TIME: want exit 2, 'in the past'"
	"$SYNLAB" run simultaneous-open --peer 127.0.0.1 --port 1314 \
		--at 2030-01-01T00:00:00 >/dev/null 2>"$WORK/e"
	[ $? = 2 ] && grep -q "zone" "$WORK/e" || fail "TIME without zone: want exit 2"
	"$SYNLAB" run simultaneous-open --port 1314 --at +5s >/dev/null 2>"$WORK/e"
	[ $? = 2 ] || fail "--port without --peer: want exit 2"
	"$SYNLAB" run self-connect --peer 127.0.0.1 --port 1314 --at +5s >/dev/null 2>"$WORK/e"
	[ $? = 2 ] || fail "--peer with another scenario: want exit 2"
	# Without CAP_NET_RAW: exit 4 and a clear message.  As root, drop the
	# capability and run in an empty namespace of our own (no route
	# anywhere), so even a broken check could not send a packet out.
	if [ "$(id -u)" = 0 ]; then
		command -v setpriv >/dev/null 2>&1 || skip "setpriv missing"
		unshare -n setpriv --inh-caps=-net_raw --bounding-set=-net_raw \
			"$SYNLAB" run simultaneous-open --peer 127.0.0.1 \
			--port 1314 --at +5s >/dev/null 2>"$WORK/e"
	else
		"$SYNLAB" run simultaneous-open --peer 127.0.0.1 --port 1314 \
			--at +5s >/dev/null 2>"$WORK/e"
	fi
	rc=$?
	[ $rc = 4 ] && grep -q "CAP_NET_RAW" "$WORK/e" ||
		fail "no CAP_NET_RAW: want exit 4 naming CAP_NET_RAW, got $rc: $(cat "$WORK/e")"
	echo "ok: usage errors exit 2, no CAP_NET_RAW exits 4 ($(cat "$WORK/e"))"
	exit 0
fi

priv_require

# ---- what must not change ----
snapshot "$WORK/before"

# ---- the lab ----
start_lab() {
	"$SYNLAB" run --lab-hold 240s --delay $DELAY > "$WORK/lab.out" 2> "$WORK/lab.err" &
	HOLDER=$!
	for _ in $(seq 100); do
		grep -q '^ready' "$WORK/lab.out" && break
		kill -0 $HOLDER 2>/dev/null || break
		sleep 0.05
	done
	grep -q '^ready' "$WORK/lab.out" || fail "lab did not start: $(cat "$WORK/lab.err")"
	NSA=$(awk '$1 == "A" { print $2 }' "$WORK/lab.out")
	NSB=$(awk '$1 == "B" { print $2 }' "$WORK/lab.out")
	[ -e "$NSA" ] && [ -e "$NSB" ] || fail "lab: no namespace paths in: $(cat "$WORK/lab.out")"
}
stop_lab() {
	kill $HOLDER
	wait $HOLDER
	rc=$?
	HOLDER=
	[ $rc = 0 ] || fail "lab holder exited $rc: $(cat "$WORK/lab.err")"
}

# An instant `secs` from now, ISO 8601 with milliseconds (both hosts get
# the same string, as two people would agree on one).
iso_at() { # SECS MS
	date -u -d "@$(( $(date +%s) + $1 ))" "+%Y-%m-%dT%H:%M:%S.$(printf %03d "$2")Z"
}

# Runs both hosts: A in NSA, B in NSB, each naming the other.
# two_runs TAG PORT "A options" "B options"
two_runs() {
	"$SYNLAB" run simultaneous-open --netns "$NSA" --peer 10.0.0.2 --port "$2" \
		$3 --json -o "$WORK/$1-a.pcapng" > "$WORK/$1-a.json" 2> "$WORK/$1-a.err" &
	pa=$!
	"$SYNLAB" run simultaneous-open --netns "$NSB" --peer 10.0.0.1 --port "$2" \
		$4 --json -o "$WORK/$1-b.pcapng" > "$WORK/$1-b.json" 2> "$WORK/$1-b.err" &
	pb=$!
	PIDS="$pa $pb"
	wait $pa; ra=$?
	wait $pb; rb=$?
	PIDS=
	[ $ra = 0 ] || fail "$1: A exited $ra: $(cat "$WORK/$1-a.err")"
	[ $rb = 0 ] || fail "$1: B exited $rb: $(cat "$WORK/$1-b.err")"
}

# One line a TCP segment: src|flags|seq|ack|epoch time (absolute seq),
# into FILE.segs; the pcapng must load without a word from tshark.
segs() {
	tshark -r "$1" -o tcp.relative_sequence_numbers:FALSE -Y tcp \
		-T fields -E 'separator=|' -e ip.src -e tcp.flags -e tcp.seq \
		-e tcp.ack -e frame.time_epoch > "$1.segs" 2>"$WORK/tshark.err" ||
		fail "tshark cannot read $1: $(cat "$WORK/tshark.err")"
	# (tshark's "Running as user root" notice is not about the file)
	grep -v 'Running as user' "$WORK/tshark.err" > "$WORK/tshark.err2"
	[ -s "$WORK/tshark.err2" ] && fail "tshark complained about $1: $(cat "$WORK/tshark.err2")"
	return 0
}

# RFC 9293 §3.5 Figure 7 from one vantage (ME, PEER addresses): our SYN,
# the peer's SYN before any SYN-ACK, our SYN-ACK seq ISN ack peer ISN+1,
# the peer's seq its ISN ack ours+1, no RST.  Prints "ourISN peerISN tOurSyn
# tPeerSyn".
check_vantage() { # FILE ME PEER
	segs "$1"
	awk -F'|' -v me="$2" -v peer="$3" '
	function inc(x) { return sprintf("%.0f", (x + 1) % 4294967296) }
	$2 == "0x0002" {
		if ($1 == me && mine == "") { mine = $3; tm = $5 }
		else if ($1 == peer && theirs == "") { theirs = $3; tp = $5 }
		else { print "extra SYN " $0; bad = 1 }
		if (nsa) { print "SYN after a SYN-ACK " $0; bad = 1 }
	}
	$2 == "0x0012" { sa[$1] = $3 " " $4; nsa++ }
	$2 == "0x0004" || $2 == "0x0014" { print "RST " $0; bad = 1 }
	END {
		if (mine == "" || theirs == "") { print "want a SYN each way"; exit 1 }
		if (sa[me] != mine " " inc(theirs)) { print "our SYN-ACK " sa[me]; exit 1 }
		if (sa[peer] != theirs " " inc(mine)) { print "peer SYN-ACK " sa[peer]; exit 1 }
		if (bad) exit 1
		print mine, theirs, tm, tp
	}' "$1.segs" || { cat "$1.segs" >&2; fail "$1: not a simultaneous open from $2"; }
}

jget() { # FILE KEY: the first scalar value of "KEY":
	grep -o "\"$2\":[^,}]*" "$1" | head -1 | cut -d: -f2- | tr -d '"'
}

check_json() { # FILE WANT_ATTEMPT
	[ "$(jget "$1" outcome)" = simultaneous-open ] || fail "$1: outcome $(jget "$1" outcome)"
	[ "$(jget "$1" connected)" = true ] || fail "$1: not connected"
	[ "$(jget "$1" exchanged)" = true ] || fail "$1: messages not exchanged"
	[ "$(jget "$1" attempt)" = "$2" ] || fail "$1: connected in attempt $(jget "$1" attempt), want $2"
	n=$(grep -o '"call":"connect-done","ret":0' "$1" | wc -l)
	[ "$n" = 1 ] || fail "$1: want one connect-done ret 0, got $n"
	grep -q '"shape":"simultaneous-open"' "$1" || fail "$1: analyzer shape"
	grep -q '"clock":{"synchronized":' "$1" || fail "$1: no adjtimex clock state"
	grep -q '"pcap_drop":0' "$1" || echo "WARN $1: capture drops"
}

# Both captures share this machine's clock: the SYNs crossed when both
# were in flight at once, i.e. each left before the other arrived.
# Prints the interval (us) in which both were in flight.
check_crossing() { # A_LINE B_LINE (from check_vantage)
	set -- $1 $2
	# A: isnA isnB depA arrB@A   B: isnB isnA depB arrA@B
	[ "$1" = "$6" ] && [ "$2" = "$5" ] || fail "the two captures disagree on the ISNs"
	awk -v depA="$3" -v arrBatA="$4" -v depB="$7" -v arrAatB="$8" 'BEGIN {
		lo = depA > depB ? depA : depB
		hi = arrBatA < arrAatB ? arrBatA : arrAatB
		if (hi <= lo) exit 1
		printf "%.0f %.0f %.0f\n", (hi - lo) * 1e6, (arrAatB - depA) * 1e6, (arrBatA - depB) * 1e6
	}' || fail "the SYNs did not cross: A left $3, reached B $8; B left $7, reached A $4"
}

case "$CASE" in
crossing)
	start_lab
	ok=0
	i=0
	while [ $i -lt "$RUNS" ]; do
		i=$((i + 1))
		at=$(iso_at 2 $((i * 137 % 1000)))
		# A fresh port each run: the last one is in TIME-WAIT on both.
		two_runs "r$i" $((20000 + i)) "--at $at" "--at $at"
		check_json "$WORK/r$i-a.json" 1
		check_json "$WORK/r$i-b.json" 1
		la=$(check_vantage "$WORK/r$i-a.pcapng" 10.0.0.1 10.0.0.2) || exit 1
		lb=$(check_vantage "$WORK/r$i-b.pcapng" 10.0.0.2 10.0.0.1) || exit 1
		cr=$(check_crossing "$la" "$lb") || exit 1
		set -- $cr
		tshark -r "$WORK/r$i-a.pcapng" -T fields -e frame.comment 2>/dev/null |
			grep -q "crossing" || fail "run $i: no 'crossing' comment in A's pcapng"
		echo "run $i: TIME $at: crossed, both in flight ${1} us; one-way A->B ${2} us, B->A ${3} us"
		ok=$((ok + 1))
		rm -f "$WORK"/r$i-*
	done
	stop_lab
	echo "ok: simultaneous open crossed in $ok of $RUNS scheduled runs (one-way delay $DELAY)"
	;;
attempts)
	start_lab
	# A from TIME, 3 attempts 1 s apart; B was late and starts at TIME+1 s
	# (the second instant of the same rhythm).  A's first SYN meets B's
	# bound, not yet connecting socket: RST, ECONNREFUSED; the second
	# instant crosses.
	t=$(( $(date +%s) + 2 ))
	at1=$(date -u -d "@$t" +%Y-%m-%dT%H:%M:%S.500Z)
	at2=$(date -u -d "@$((t + 1))" +%Y-%m-%dT%H:%M:%S.500Z)
	two_runs att 1314 "--at $at1 --attempts 3 --interval 1s" "--at $at2 --attempts 2"
	check_json "$WORK/att-a.json" 2
	check_json "$WORK/att-b.json" 1
	grep -q '"errno":"ECONNREFUSED"' "$WORK/att-a.json" || fail "A's first attempt was not refused"
	# A saw: SYN, RST (refused), then the crossing pair.
	segs "$WORK/att-a.pcapng"
	awk -F'|' '$2 == "0x0014" { rst++ } END { exit rst < 1 }' "$WORK/att-a.pcapng.segs" ||
		fail "no RST to A's first SYN"
	stop_lab
	echo "ok: --attempts: A refused at TIME, crossed at TIME+1s; B crossed at its first"
	;;
offset)
	start_lab
	at=$(iso_at 2 250)
	two_runs off 1314 "--at $at" "--at $at"
	stop_lab
	command -v editcap >/dev/null 2>&1 || skip "editcap (wireshark-common) not installed"
	an() { # FIRST SECOND OUT: analyze both captures together
		"$SYNLAB" analyze --json "$1" "$2" > "$3" 2>"$WORK/m.err"
		rc=$?
		[ $rc -le 1 ] || fail "synlab analyze $1 $2: exit $rc: $(cat "$WORK/m.err")"
	}
	an "$WORK/off-a.pcapng" "$WORK/off-b.pcapng" "$WORK/m0.json"
	command -v python3 >/dev/null 2>&1 || skip "python3 missing"
	# Offset of file 2's clock relative to file 1's, from the connection
	# seen in both (its second view); both captures used this machine's
	# clock, so the truth is the shift we apply.
	offset_of() { python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
for h in d["handshakes"]:
    if len(h["views"]) == 2:
        print(h["views"][1]["clock_offset_us"]); break' "$1"; }
	base=$(offset_of "$WORK/m0.json")
	echo "unshifted: estimated offset $base us (truth 0)"
	worst=0
	for shift in 0.5 -1.234567 3600.000250 0.000080; do
		editcap -t "$shift" "$WORK/off-b.pcapng" "$WORK/off-bs.pcapng" 2>/dev/null ||
			fail "editcap -t $shift failed"
		an "$WORK/off-a.pcapng" "$WORK/off-bs.pcapng" "$WORK/m.json"
		got=$(offset_of "$WORK/m.json")
		[ -n "$got" ] || fail "no clock_offset_us for the shifted file: $(head -c 600 "$WORK/m.json")"
		err=$(awk -v g="$got" -v s="$shift" 'BEGIN { e = g - s * 1e6; if (e < 0) e = -e; printf "%.0f", e }')
		echo "shift $shift s: estimated $got us, error $err us"
		[ "$err" -le 100 ] || fail "shift $shift s: estimate $got us is $err us off (limit 100)"
		[ "$err" -gt "$worst" ] && worst=$err
		# Once corrected, the merged timeline has both SYNs in flight.
		grep -q '"syns_in_flight_us":[1-9]' "$WORK/m.json" ||
			fail "shift $shift s: the merged timeline does not show the SYNs crossing"
		# Shifting the other file gives the opposite sign.
		editcap -t "$shift" "$WORK/off-a.pcapng" "$WORK/off-as.pcapng" 2>/dev/null
		an "$WORK/off-as.pcapng" "$WORK/off-b.pcapng" "$WORK/m.json"
		got=$(offset_of "$WORK/m.json")
		err=$(awk -v g="$got" -v s="$shift" 'BEGIN { e = g + s * 1e6; if (e < 0) e = -e; printf "%.0f", e }')
		[ "$err" -le 100 ] || fail "shift of the first file by $shift s: estimate $got us is $err us off"
		[ "$err" -gt "$worst" ] && worst=$err
	done
	echo "ok: clock offsets recovered within $worst us (limit 100)"
	;;
kill9)
	# A run waiting for its instant, then the holder, killed by PID with
	# SIGKILL: the namespaces and the wire go with the last fd, and the
	# raw capture was an unlinked file.
	start_lab
	"$SYNLAB" run simultaneous-open --netns "$NSA" --peer 10.0.0.2 --port 1314 \
		--at +60s -o "$WORK/k.pcapng" > "$WORK/k.out" 2>&1 &
	pk=$!
	PIDS=$pk
	sleep 1
	kill -0 $pk 2>/dev/null || fail "the run ended early: $(cat "$WORK/k.out")"
	kill -9 $pk
	wait $pk 2>/dev/null
	kill -9 $HOLDER
	wait $HOLDER 2>/dev/null
	PIDS=
	HOLDER=
	[ -e "$WORK/k.pcapng" ] && fail "a killed run wrote its output"
	echo "ok: kill -9 of a waiting run and of the lab holder left nothing behind"
	;;
*)
	fail "unknown case $CASE"
	;;
esac
check_clean "after the runs"
exit 0
