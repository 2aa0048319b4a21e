#!/bin/sh
# Privileged tests of `synlab run holepunch`: TCP hole punching through two
# real kernel NATs (nft masquerade in the routers' own namespaces).
#
# usage: priv_holepunch.sh SYNLAB CASE
#   CASE: keepport laterst latedrop random fullyrandom synsent attempts
#         sweep kill9
#
# Each case asserts, packet by packet, what the public wire carried (the
# capture at NAT A's public side, read back with tshark from the annotated
# pcapng), each host's outcome from the JSON, and that the machine looks
# exactly as before (no namespace, link, nft table or conntrack entry
# left).  Public addresses: NAT A 10.0.0.1, NAT B 10.0.0.2; both hosts bind
# port 1314 inside and connect to the other NAT's address, port 1314.
# Exit 77 (ctest SKIP_RETURN_CODE) when not root or when namespaces, TUN,
# tshark or the kernel's NAT are missing.
set -u

SYNLAB=${1:?usage: priv_holepunch.sh SYNLAB CASE}
CASE=${2:?usage: priv_holepunch.sh SYNLAB CASE}

. "$(dirname "$0")/lib.sh"
priv_require
unshare -n nft add table ip t 2>/dev/null ||
	skip "nftables cannot make a table in a new namespace (nf_tables missing?)"

WORK=$(mktemp -d /tmp/synlab-hp.XXXXXX) || fail "mktemp"
BG=
trap '[ -n "$BG" ] && kill -9 "$BG" 2>/dev/null; rm -rf "$WORK"' EXIT INT TERM

snapshot "$WORK/before"
# conntrack of the caller's namespace: none of the lab's addresses may
# ever be in it (it is not part of the snapshot: other programs' come
# and go).
ct_clean() {
	[ -r /proc/net/nf_conntrack ] || return 0
	! grep -q 'src=10\.0\.[012]\.[12] ' /proc/net/nf_conntrack ||
		fail "the caller's conntrack holds an entry of the lab: $(grep 'src=10\.0\.[012]\.' /proc/net/nf_conntrack | head -2)"
}

# One line a packet of the public wire, '|'-separated:
# 1 ip.src 2 sport 3 ip.dst 4 dport 5 flags 6 seq 7 ack
wire() { # FILE
	tshark -r "$1" -o tcp.relative_sequence_numbers:FALSE -Y tcp \
		-T fields -E 'separator=|' -e ip.src -e tcp.srcport \
		-e ip.dst -e tcp.dstport -e tcp.flags -e tcp.seq -e tcp.ack \
		2>/dev/null
}

# run NAME ARGS...: the run, its JSON and the public wire's packets.
run() {
	name=$1
	shift
	"$SYNLAB" run holepunch "$@" --json -o "$WORK/$name.pcapng" \
		> "$WORK/$name.json" 2> "$WORK/$name.err" ||
		fail "synlab run holepunch $* exited $?: $(tail -3 "$WORK/$name.err")"
	[ -s "$WORK/$name.C.pcapng" ] || fail "$name: no capture of the public wire"
	wire "$WORK/$name.C.pcapng" > "$WORK/$name.wire"
	[ -s "$WORK/$name.wire" ] || fail "$name: nothing on the public wire"
}

# outcome NAME HOST WANT: the host's outcome in the JSON.
outcome() {
	got=$(grep -o "{\"host\":\"$2\",\"outcome\":\"[a-z-]*\"" "$WORK/$1.json" |
		sed 's/.*"outcome":"//; s/"$//')
	[ "$got" = "$3" ] ||
		fail "$1: host $2 $got, expected $3 ($(grep -o '"reason":"[^"]*"' "$WORK/$1.json"))"
}

# nth NAME N: the N-th packet of the public wire.
nth() { sed -n "${2}p" "$WORK/$1.wire"; }

SYN=0x0002 SYNACK=0x0012 RSTACK=0x0014

case $CASE in
keepport)
	# Both NATs keep the port, both connect at once: on the public wire
	# the two SYNs cross (each leaves before the other's SYN-ACK), each
	# side answers with a SYN-ACK that keeps its ISN and acknowledges the
	# other's: RFC 9293 Figure 7 through two NATs.  5 runs.
	for i in 1 2 3 4 5; do
		run kp
		outcome kp A connected
		outcome kp B connected
		grep -q '"syns_crossed":true' "$WORK/kp.json" || fail "run $i: SYNs did not cross"
		awk -F'|' -v S=$SYN -v SA=$SYNACK '
		function inc(x) { return sprintf("%.0f", (x + 1) % 4294967296) }
		$5 == S && $1 == "10.0.0.1" { if (!a) { a = $6; ap = $2 "|" $4 } }
		$5 == S && $1 == "10.0.0.2" { if (!b) { b = $6; bp = $2 "|" $4 } }
		$5 == SA && !firstsa { firstsa = NR; if (!a || !b) bad = "a SYN-ACK before both SYNs" }
		$5 == SA && $1 == "10.0.0.1" { sa_a = $6 "|" $7 }
		$5 == SA && $1 == "10.0.0.2" { sa_b = $6 "|" $7 }
		END {
			if (bad) { print bad; exit 1 }
			if (ap != "1314|1314" || bp != "1314|1314") { print "ports changed: " ap " " bp; exit 1 }
			if (sa_a != a "|" inc(b)) { print "NAT A side SYN-ACK " sa_a ", SYNs " a " " b; exit 1 }
			if (sa_b != b "|" inc(a)) { print "NAT B side SYN-ACK " sa_b; exit 1 }
		}' "$WORK/kp.wire" > "$WORK/why" || fail "run $i: $(cat "$WORK/why")"
		grep -q '"shape":"simultaneous-open"' "$WORK/kp.json" ||
			fail "run $i: the analyzer did not report a simultaneous open"
		# Each NAT's conntrack: the mapping kept the port, and the
		# entry went to ESTABLISHED ASSURED (both sides answered).
		for n in "C|NAT A|10.0.1.2:1314 -> 10.0.0.2:1314 as 10.0.0.1:1314" \
			"D|NAT B|10.0.2.2:1314 -> 10.0.0.1:1314 as 10.0.0.2:1314"; do
			h=${n%%|*} r=${n#*|} l=${r%%|*} t=${r#*|}
			grep -q "\"host\":\"$h\",\"socket\":\"$l\",\"call\":\"ct-new\",[^}]*\"detail\":\"tcp $t SYN_SENT UNREPLIED\"" "$WORK/kp.json" ||
				fail "run $i: no conntrack ct-new '$t' from $l"
			grep -q "\"host\":\"$h\",\"socket\":\"$l\",\"call\":\"ct-update\",[^}]*\"detail\":\"tcp $t ESTABLISHED ASSURED\"" "$WORK/kp.json" ||
				fail "run $i: $l's entry never reached ESTABLISHED ASSURED"
		done
	done
	echo "ok: 5/5 connected through two keep-port NATs, the SYNs crossed on the public wire"
	;;
laterst)
	# B 200 ms late, NAT B's own stack answers: A's SYN gets NAT B's
	# [R.] (seq 0, ack A's ISN+1), then B's SYN gets NAT A's [R.]; both
	# refused.  Host B never sent a RST: NAT B did.
	run lr --offset 200ms
	outcome lr A refused
	outcome lr B refused
	set -- "$(nth lr 1)" "$(nth lr 2)" "$(nth lr 3)" "$(nth lr 4)"
	a_isn=$(echo "$1" | cut -d'|' -f6)
	b_isn=$(echo "$3" | cut -d'|' -f6)
	[ "$(echo "$1" | cut -d'|' -f1,5)" = "10.0.0.1|$SYN" ] || fail "first on the wire: $1, expected A's SYN"
	[ "$2" = "10.0.0.2|1314|10.0.0.1|1314|$RSTACK|0|$(( (a_isn + 1) % 4294967296 ))" ] ||
		fail "second: $2, expected NAT B's [R.] 0 ack $((a_isn + 1))"
	[ "$(echo "$3" | cut -d'|' -f1,5)" = "10.0.0.2|$SYN" ] || fail "third: $3, expected B's SYN"
	[ "$4" = "10.0.0.1|1314|10.0.0.2|1314|$RSTACK|0|$(( (b_isn + 1) % 4294967296 ))" ] ||
		fail "fourth: $4, expected NAT A's [R.] 0 ack $((b_isn + 1))"
	n=$(tshark -r "$WORK/lr.B.pcapng" -Y 'ip.src==10.0.2.2 && tcp.flags.reset==1' 2>/dev/null | wc -l)
	[ "$n" -eq 0 ] || fail "host B sent $n RSTs: the [R.] must be NAT B's"
	grep -q 'NAT B answered 1 SYN from outside with its own \[R.\]' "$WORK/lr.json" ||
		fail "the reason does not name NAT B's RST: $(grep -o '"reason":"[^"]*"' "$WORK/lr.json")"
	echo "ok: B 200 ms late, rst: both refused; NAT B's [R.] then NAT A's on the public wire"
	;;
latedrop)
	# The same, NAT B dropping unsolicited SYNs: A's first SYN opened
	# NAT A's mapping and died at NAT B; B's SYN comes in through it, A
	# answers with a SYN-ACK; connected, no RST anywhere.
	run ld --offset 200ms --unsolicited-b drop
	outcome ld A connected
	outcome ld B connected
	awk -F'|' -v S=$SYN -v SA=$SYNACK '
	NR == 1 && !($1 == "10.0.0.1" && $5 == S) { print "first is not A SYN: " $0; exit 1 }
	$5 == S && $1 == "10.0.0.2" && !b { b = NR }
	$5 == SA && !sa { sa = NR; who = $1 }
	$5 ~ /0x00.[4-7c-f]/ { print "a RST: " $0; exit 1 }
	END {
		if (!b || !sa || sa < b || who != "10.0.0.1") { print "expected B SYN then A SYN-ACK: " b " " sa " " who; exit 1 }
	}' "$WORK/ld.wire" > "$WORK/why" || fail "$(cat "$WORK/why")"
	first=$(tshark -r "$WORK/ld.B.pcapng" -T fields -e ip.src -e tcp.flags 2>/dev/null | head -1)
	[ "$first" = "$(printf '10.0.2.2\t%s' $SYN)" ] ||
		fail "host B's first packet: $first, expected its own SYN (A's first SYN must have died at NAT B)"
	grep -q 'punched' "$WORK/ld.json" || fail "the reason does not say punched"
	echo "ok: B 200 ms late, drop: connected through the hole A's first SYN punched"
	;;
random)
	# NAT A randomizes the port: A's SYN leaves from another port than
	# 1314, B's SYN to the predicted 10.0.0.1:1314 is reset by NAT A.
	for i in 1 2 3; do
		run rn --nat-a random
		outcome rn A refused
		outcome rn B refused
		p=$(awk -F'|' -v S=$SYN '$1 == "10.0.0.1" && $5 == S { print $2; exit }' "$WORK/rn.wire")
		[ -n "$p" ] && [ "$p" != 1314 ] || fail "run $i: A's SYN left NAT A from port '$p', expected a random one"
		grep -q "^10.0.0.1|1314|10.0.0.2|1314|$RSTACK|0|" "$WORK/rn.wire" ||
			fail "run $i: no [R.] from NAT A for B's SYN to the predicted port"
		grep -q "NAT A mapped port 1314 to public port $p (random)" "$WORK/rn.json" ||
			fail "run $i: the reason does not name the mapping"
	done
	echo "ok: NAT A random: refused 3/3, B's SYN to the predicted port reset by NAT A"
	;;
fullyrandom)
	# Both fully-random and dropping: the SYNs go to ports nobody maps,
	# both die at the far NAT; no SYN-ACK, no RST; both time out, and the
	# reason names both mappings.
	run fr --nat fully-random --unsolicited drop --timeout 2500ms
	outcome fr A timed-out
	outcome fr B timed-out
	awk -F'|' -v S=$SYN '
	$5 != S { print "not a SYN: " $0; exit 1 }
	$2 == 1314 { print "a SYN kept port 1314: " $0; exit 1 }
	{ n[$1]++ }
	END { if (n["10.0.0.1"] < 2 || n["10.0.0.2"] < 2) { print "expected retransmitted SYNs from both"; exit 1 } }
	' "$WORK/fr.wire" > "$WORK/why" || fail "$(cat "$WORK/why")"
	for h in A B; do
		grep -q "NAT $h mapped port 1314 to public port [0-9]* (fully-random)" "$WORK/fr.json" ||
			fail "the reason does not name NAT $h's fully-random mapping"
	done
	# Each NAT's conntrack holds its host's SYN UNREPLIED, mapped to the
	# port its SYNs left from on the wire; none was ever answered.
	for n in "NAT A|10.0.1.2|10.0.0.1" "NAT B|10.0.2.2|10.0.0.2"; do
		l=${n%%|*} r=${n#*|} in=${r%%|*} pub=${r#*|}
		p=$(awk -F'|' -v a="$pub" '$1 == a { print $2; exit }' "$WORK/fr.wire")
		grep -q "\"socket\":\"$l\",\"call\":\"ct-new\",[^}]*\"detail\":\"tcp $in:1314 -> [0-9.]*:1314 as $pub:$p SYN_SENT UNREPLIED\"" "$WORK/fr.json" ||
			fail "$l: no conntrack entry mapping $in:1314 to $pub:$p"
	done
	grep -q '"call":"ct-update"[^}]*ESTABLISHED' "$WORK/fr.json" &&
		fail "a conntrack entry reached ESTABLISHED"
	echo "ok: both fully-random, drop: both timed out, only SYNs from random ports on the wire"
	;;
synsent)
	# NAT A forgets its mapping after 1 s (conntrack syn_sent), the hosts
	# back off exponentially (retransmissions at 1 s and 3 s), B is 2.5 s
	# late: B's SYN reaches NAT A between A's retransmissions, finds no
	# mapping and gets NAT A's [R.]; A's SYN at 3 s dies at NAT B (drop):
	# A times out.  With the kernel's 120 s the same case connects.
	[ -w /proc/sys/net/ipv4/tcp_syn_linear_timeouts ] ||
		skip "no net.ipv4.tcp_syn_linear_timeouts (Linux < 6.5): the SYN backoff cannot be made exponential"
	args="--offset 2500ms --syn-linear 0 --unsolicited-b drop --timeout 2s"
	run ss $args --syn-sent-timeout-a 1s
	outcome ss A timed-out
	outcome ss B refused
	grep -q "^10.0.0.1|1314|10.0.0.2|1314|$RSTACK|0|" "$WORK/ss.wire" ||
		fail "no [R.] from NAT A for B's late SYN"
	grep -q '"syn_sent_timeout_s":1' "$WORK/ss.json" || fail "the JSON does not carry the timeout"
	# NAT A's conntrack removed A's unanswered mapping before B's SYN came.
	grep -o '"t_rel_ms":[0-9.]*,"host":"[A-D]","socket":"[^"]*","call":"[a-z-]*",[^}]*' "$WORK/ss.json" |
		awk -F'"' '
		/"call":"ct-destroy"/ && /tcp 10.0.1.2:1314 -> 10.0.0.2:1314 as 10.0.0.1:1314 SYN_SENT UNREPLIED/ && !d { d = $3 }
		/"host":"B","socket":"b","call":"connect"/ { b = $3 }
		END { gsub(/[:,]/, "", d); gsub(/[:,]/, "", b); if (d == "" || b == "" || d + 0 >= b + 0) { print "destroy " d " connect " b; exit 1 } }' \
		> "$WORK/why" || fail "no expiry of NAT A's mapping before B's connect(): $(cat "$WORK/why")"
	grep -q "NAT A's mapping of A's SYN expired unanswered" "$WORK/ss.json" ||
		fail "the reason does not name the expired mapping"
	run sd $args
	outcome sd A connected
	outcome sd B connected
	grep -q "|$RSTACK|" "$WORK/sd.wire" && fail "a RST with the default syn_sent timeout"
	echo "ok: NAT A syn_sent 1 s, B 2.5 s late: A timed out (NAT A reset B's SYN); with 120 s: connected"
	;;
attempts)
	# Retried as DCUtR does: B 200 ms late with rst fails every attempt,
	# each attempt a new pair of SYNs at the next instant (500 ms apart),
	# each reset by the far NAT; the JSON counts 3 attempts.
	run at --offset 200ms --attempts 3 --interval 500ms
	outcome at A refused
	outcome at B refused
	grep -q '"attempts":3,' "$WORK/at.json" || fail "not 3 attempts"
	n=$(grep -c "^10.0.0.1|1314|10.0.0.2|1314|$SYN|" "$WORK/at.wire")
	[ "$n" -eq 3 ] || fail "$n SYNs from NAT A, expected one an attempt"
	n=$(grep -c "^10.0.0.2|1314|10.0.0.1|1314|$RSTACK|0|" "$WORK/at.wire")
	[ "$n" -eq 3 ] || fail "$n [R.] from NAT B, expected one an attempt"
	tshark -r "$WORK/at.C.pcapng" -Y "ip.src==10.0.0.1 && tcp.flags==$SYN" \
		-T fields -e frame.time_epoch 2>/dev/null > "$WORK/at.t"
	[ "$(wc -l < "$WORK/at.t")" -eq 3 ] || fail "tshark found $(wc -l < "$WORK/at.t") SYNs of NAT A"
	awk 'NR > 1 { d = ($1 - p) * 1000; if (d < 450 || d > 550) { print d; exit 1 } } { p = $1 }' \
		"$WORK/at.t" > "$WORK/why" || fail "attempts not 500 ms apart: $(cat "$WORK/why") ms"
	echo "ok: 3 attempts 500 ms apart, each refused by the far NAT's [R.]"
	;;
sweep)
	# The success matrix at offset 0, once a cell: keep-port on both
	# sides connects; any pair with a random mapping is refused (rst).
	"$SYNLAB" sweep holepunch --offset 0 --count 1 --json > "$WORK/sw.json" \
		2> "$WORK/sw.err" || fail "sweep exited $?: $(tail -3 "$WORK/sw.err")"
	n=$(grep -o '"runs":1,' "$WORK/sw.json" | wc -l)
	[ "$n" -eq 9 ] || fail "expected 9 cells of one run, got $n"
	grep -q '"nat_a":"keep-port","nat_b":"keep-port","offset_ms":0.000,"runs":1,"connected":1,' "$WORK/sw.json" ||
		fail "keep-port / keep-port did not connect"
	n=$(grep -o '"connected":0,"refused":1,' "$WORK/sw.json" | wc -l)
	[ "$n" -eq 8 ] || fail "expected the 8 other pairs refused, got $n"
	echo "ok: sweep at offset 0: keep-port/keep-port 1/1, the 8 pairs with a random mapping refused"
	;;
kill9)
	# A long run (both fully-random, dropping, 20 s timeout) killed by
	# PID while its routers hold NAT state: the namespaces are held by
	# fds only, so the kernel frees them with their nft tables and
	# conntrack entries; nothing of the lab is left in the caller's.
	"$SYNLAB" run holepunch --nat fully-random --unsolicited drop \
		--timeout 20s -o "$WORK/k.pcapng" > "$WORK/k.out" 2>&1 &
	BG=$!
	n=0
	for _ in $(seq 50); do
		n=$(ls -l /proc/$BG/fd 2>/dev/null | grep -c 'net:\[')
		[ "$n" -ge 5 ] && break
		sleep 0.1
	done
	[ "$n" -ge 5 ] || fail "the run did not hold its 4 namespaces (+ home) by fd ($n)"
	sleep 1.5 # SYNs are out, the routers' conntrack holds their entries
	kill -9 "$BG"
	wait "$BG" 2>/dev/null
	BG=
	ct_clean
	check_clean "kill -9 during holepunch"
	! nft list tables 2>/dev/null | grep -q synlab_nat ||
		fail "an nft table synlab_nat exists in the caller's namespace"
	echo "ok: kill -9 mid-run: $n namespace fds were held; nothing left"
	exit 0
	;;
*)
	fail "unknown case"
	;;
esac
ct_clean
check_clean "$CASE"
echo "1 passed, 0 failed"
