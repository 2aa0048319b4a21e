#!/bin/sh
# Make a real Linux kernel put one of the rarer handshakes on the wire, in a
# throwaway sandbox, capture it, and assert the capture packet by packet.
# docs/real-captures.md describes every case and what the kernel does.
#
# usage: make-real.sh REALPEER CASE [OUT.pcapng]
#   Without OUT (the privileged ctest): capture into a temporary directory,
#   assert, remove.  With OUT: also keep the capture there (regen.sh).
#
# The sandbox is `unshare --net --mount --pid --kill-child --fork` with a
# tmpfs on /run:
# the namespaces (`ip netns add` mounts on that tmpfs), links, qdiscs and nft
# rules live inside it and the kernel frees them when its last process dies,
# even on kill -9.
#
# Exit 0 ok, 1 the wire differs from what the case expects, 77 skipped (not
# root, or a tool or kernel feature is missing).
set -u

RP=${1:?usage: make-real.sh REALPEER CASE [OUT.pcapng]}
CASE=${2:?usage: make-real.sh REALPEER CASE [OUT.pcapng]}
OUT=${3:-}
case $RP in /*) ;; *) RP=$(pwd)/$RP ;; esac
case $0 in /*) SELF=$0 ;; *) SELF=$(pwd)/$0 ;; esac

skip() { echo "SKIP [$CASE]: $*"; exit 77; }
fail() {
	echo "FAIL [$CASE]: $*"
	# SL_REAL_KEEP=DIR keeps a failed run's capture and logs for a look.
	[ -n "${SL_REAL_KEEP:-}" ] && [ -n "${WORK:-}" ] && cp -r "$WORK" "$SL_REAL_KEEP/$CASE"
	exit 1
}

# Client c (10.77.0.1, fd77::1) and server s (10.77.0.2, fd77::2) joined
# by the veth pair vc--vs; the router case puts r between a and b.
C4=10.77.0.1 S4=10.77.0.2 C6=fd77::1 S6=fd77::2

# ---------------------------------------------------------------- inside
if [ "${SL_REAL_INNER:-}" = 1 ]; then
	W=$SL_REAL_WORK
	CAP=
	in_ns() { ns=$1; shift; ip netns exec "$ns" "$@"; }
	sysc() { ns=$1; shift; for kv in "$@"; do in_ns "$ns" sysctl -qw "$kv" || exit 77; done; }
	mount -t tmpfs sl-real /run || exit 77
	mkns() { for n in "$@"; do ip netns add "$n"; in_ns "$n" ip link set lo up; done; }
	pair() { # NS1 IF1 ADDR1 NS2 IF2 ADDR2 (IPv4 /24 and IPv6 /64 each)
		ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" || exit 77
		ip -n "$1" addr add "$3"/24 dev "$2"
		ip -n "$4" addr add "$6"/24 dev "$5"
		ip -n "$1" link set "$2" up
		ip -n "$4" link set "$5" up
	}
	two_hosts() {
		mkns c s
		pair c vc $C4 s vs $S4
		ip -n c addr add $C6/64 dev vc nodad
		ip -n s addr add $S6/64 dev vs nodad
	}
	wait_for() { # FILE TEXT: up to 5 s
		i=0
		while ! grep -q "$2" "$1" 2>/dev/null; do
			i=$((i + 1))
			[ $i -gt 100 ] && { echo "timeout waiting for '$2' in $1"; cat "$1"; exit 1; }
			sleep 0.05
		done
	}
	# TCP only, into $W/cap.pcapng.  The filter `tcp` does not follow an
	# IPv6 Hop-by-Hop header, so a case with jumbograms sets CAPF.
	CAPF=tcp
	cap() { # NS IFACE [SNAPLEN [DUMPCAP ARGS]]
		ns=$1 ifc=$2 snap=${3:-262144}
		shift 2; [ $# -gt 0 ] && shift
		# Not through a function: $! must be dumpcap itself.
		ip netns exec "$ns" dumpcap -i "$ifc" -s "$snap" "$@" -f "$CAPF" \
			-w "$W/cap.pcapng" >"$W/dumpcap.log" 2>&1 &
		CAP=$!
		wait_for "$W/dumpcap.log" "Capturing on"
		sleep 0.2
	}
	# The NAT cases capture at three vantages (host A's inside interface,
	# NAT A's public side, host B's inside interface), one dumpcap each,
	# merged into one pcapng with three interfaces.
	NATCAPS=
	cap_nat() {
		for v in "a a-inside" "na na-public" "b b-inside"; do
			set -- $v
			ip netns exec "$1" dumpcap -i "$2" -f "$CAPF" \
				-w "$W/v-$2.pcapng" >"$W/dumpcap-$2.log" 2>&1 &
			CAP="$CAP $!"
			NATCAPS="$NATCAPS $W/v-$2.pcapng"
			wait_for "$W/dumpcap-$2.log" "Capturing on"
		done
		sleep 0.2
	}
	# SIGTERM: a background job of a non-interactive shell ignores SIGINT.
	stopcap() {
		sleep 0.3
		for p in $CAP; do kill -TERM "$p"; done
		for p in $CAP; do wait "$p"; done
		[ -z "$NATCAPS" ] || mergecap -w "$W/cap.pcapng" $NATCAPS || exit 1
	}
	# Hole punching through two kernel NATs: host a (192.168.1.2) behind
	# NAT na (public 203.0.113.1), host b (192.168.2.2) behind NAT nb
	# (203.0.113.2); the routers' public sides meet in namespace w, where
	# `realpeer relay` is the wire with 50 ms one way (the window in which
	# two SYNs sent "at once" still cross, wide enough for a loaded
	# machine).  MAPA/MAPB: the masquerade flags (keep: none, the port is
	# kept when free; random; fully-random); POLICY rst (the router's own
	# stack answers an unsolicited SYN with a RST) or drop.
	nat_lab() { # MAPA MAPB POLICY
		mapa=$1 mapb=$2 pol=$3
		mkns a na w nb b
		pair a a-inside 192.168.1.2 na na-inside 192.168.1.1
		pair b b-inside 192.168.2.2 nb nb-inside 192.168.2.1
		for r in "na na-public 203.0.113.1 w-a" "nb nb-public 203.0.113.2 w-b"; do
			set -- $r
			ip link add "$2" netns "$1" type veth peer name "$4" netns w || exit 77
			ip -n "$1" addr add "$3"/24 dev "$2"
			ip -n "$1" link set "$2" up
			ip -n w link set "$4" up
		done
		ip -n a route add default via 192.168.1.1
		ip -n b route add default via 192.168.2.1
		for r in "na na-public $mapa" "nb nb-public $mapb"; do
			set -- $r
			[ "$3" = keep ] && set -- "$1" "$2" ""
			sysc "$1" net.ipv4.ip_forward=1
			in_ns "$1" nft -f - <<-EOF || exit 77
			table ip nat {
				chain post { type nat hook postrouting priority srcnat; policy accept;
					oifname "$2" masquerade $3
				}
			}
			EOF
		done
		[ "$pol" = drop ] && for r in "na na-public" "nb nb-public"; do
			set -- $r
			in_ns "$1" nft -f - <<-EOF || exit 77
			table ip filter {
				chain input { type filter hook input priority filter; policy accept;
					iifname "$2" tcp flags & (syn | ack) == syn drop
				}
			}
			EOF
		done
		# The routers know each other's MAC: no ARP through the relay
		# delays the first SYN.
		for r in "na nb 203.0.113.2 na-public nb-public" "nb na 203.0.113.1 nb-public na-public"; do
			set -- $r
			mac=$(ip -n "$2" -br link show "$5" | awk '{ print $3 }')
			ip -n "$1" neigh replace "$3" lladdr "$mac" dev "$4" nud permanent || exit 77
		done
		in_ns w "$RP" relay w-a w-b 50 >"$W/relay.log" 2>&1 &
		wait_for "$W/relay.log" relaying
		cap_nat
	}
	# Both hosts connect to each other's public address from their bound
	# port at wall-clock instants AT_A and AT_B (ms since the epoch).
	punch() { # AT_A AT_B
		ip netns exec a "$RP" connect 203.0.113.2 40002 --bind-port 40001 \
			--at "$1" --send 100 --shut >"$W/cli-a.log" 2>&1 &
		pa=$!
		ip netns exec b "$RP" connect 203.0.113.1 40001 --bind-port 40002 \
			--at "$2" --send 100 --shut >"$W/cli-b.log" 2>&1
		wait $pa
		cat "$W/cli-a.log" "$W/cli-b.log" >"$W/cli.log"
	}
	now_ms() { echo $(($(date +%s%N) / 1000000)); }
	serve() { # NS ADDR PORT ARGS: a listener in the background, ready
		ns=$1 addr=$2 port=$3; shift 3
		in_ns "$ns" "$RP" listen "$addr" "$port" "$@" >>"$W/srv-$port.log" 2>&1 &
		wait_for "$W/srv-$port.log" listening
	}
	client() { in_ns c "$RP" connect "$@" >>"$W/cli.log" 2>&1; }
	# nft: drop the first segment matching MATCH per value of KEY (a port).
	# Each call makes its own table, so two calls drop the first two.
	DROPS=0
	drop_first() { # NS HOOK KEY MATCH...
		ns=$1 hook=$2 key=$3; shift 3
		DROPS=$((DROPS + 1))
		in_ns "$ns" nft -f - <<-EOF || exit 77
		table inet lab$DROPS {
			set seen { type inet_service; flags dynamic; }
			chain c { type filter hook $hook priority 0; policy accept;
				$* tcp $key != @seen add @seen { tcp $key } counter drop
			}
		}
		EOF
	}
	drop_all() { # NS HOOK MATCH...
		ns=$1 hook=$2; shift 2
		in_ns "$ns" nft add table inet all$hook &&
			in_ns "$ns" nft add chain inet all$hook c "{ type filter hook $hook priority 0; policy accept; }" &&
			in_ns "$ns" nft add rule inet all$hook c "$@" counter drop || exit 77
	}

	case $CASE in
	tfo)
		two_hosts
		sysc s net.ipv4.tcp_fastopen=2
		sysc c net.ipv4.tcp_fastopen=1
		cap c vc
		serve s $S4 8080 --fastopen --count 2 --expect 100 --send 100
		client $S4 8080 --fastopen --count 2 --send 100
		;;
	syncookies)
		two_hosts
		sysc s net.ipv4.tcp_syncookies=2
		cap c vc
		serve s $S4 8080 --expect 100 --send 100
		client $S4 8080 --send 100
		in_ns s nstat -az TcpExtSyncookiesSent TcpExtSyncookiesRecv >"$W/nstat.log"
		;;
	ecn)
		two_hosts
		sysc c net.ipv4.tcp_ecn=1
		sysc s net.ipv4.tcp_ecn=1
		cap c vc
		serve s $S4 8080 --expect 100 --send 100
		client $S4 8080 --send 100
		;;
	mptcp)
		two_hosts
		sysc c net.mptcp.enabled=1
		sysc s net.mptcp.enabled=1
		ip -n c addr add 10.77.0.3/24 dev vc
		ip -n c mptcp limits set subflows 2 || exit 77
		ip -n s mptcp limits set subflows 2 add_addr_accepted 2 || exit 77
		ip -n c mptcp endpoint add 10.77.0.3 dev vc subflow || exit 77
		cap c vc
		serve s $S4 8080 --mptcp --expect 100 --send 100 --hold 500
		client $S4 8080 --mptcp --send 100
		;;
	lost-synack | lost-synack-b)
		two_hosts
		drop_first c input dport "tcp flags & (syn | ack) == (syn | ack)"
		# -b: captured on s's veth, where s's SYN-ACKs leave
		if [ "$CASE" = lost-synack-b ]; then cap s vs; else cap c vc; fi
		serve s $S4 8080 --expect 100 --send 100
		client $S4 8080 --send 100
		;;
	lost-ack)
		two_hosts
		drop_first s input sport "tcp flags == ack"
		cap c vc
		serve s $S4 8080 --expect 100 --send 100
		client $S4 8080 --pause 1500 --send 100
		;;
	synfin)
		two_hosts
		drop_all c output tcp flags \& rst == rst
		cap c vc
		serve s $S4 8080
		in_ns c "$RP" raw $C4 40001 $S4 8080 SF:1000 || exit 1
		sleep 0.2
		in_ns c "$RP" raw $C4 40002 $S4 8081 SF:2000 || exit 1
		;;
	dup-syn)
		two_hosts
		drop_all c output tcp flags \& rst == rst
		cap c vc
		serve s $S4 8080
		in_ns c "$RP" raw $C4 40010 $S4 8080 --gap 200 \
			S:1000000 S:500000 S:1000000 S:1000100 || exit 1
		;;
	rst-synrecv)
		# RSTs at an embryonic connection: one below the window (must be
		# dropped), one at RCV.NXT (ends it); then the SYN again.
		two_hosts
		# c's kernel must not answer the SYN-ACK; the crafted RSTs (TTL
		# 99) must pass.
		drop_all c output tcp flags \& rst == rst ip ttl != 99
		cap c vc
		serve s $S4 8080
		in_ns c "$RP" raw $C4 40040 $S4 8080 --gap 200 --ttl 99 \
			S:3000000 R:2000000 S:3000000 R:3000001 S:3000000 || exit 1
		;;
	rst-synsent)
		# RSTs at a SYN-SENT socket whose SYN was lost: one with a wrong
		# ACK, one without ACK; both must be dropped, and the retransmitted
		# SYN connects.
		two_hosts
		drop_first s input sport "tcp flags == syn"
		cap c vc
		serve s $S4 8080 --expect 100 --send 100
		client $S4 8080 --bind-port 40050 --send 100 &
		sleep 0.3
		in_ns s "$RP" raw $S4 8080 $C4 40050 --gap 200 R:0 RA:0:12345 || exit 1
		wait $!
		;;
	old-dup-syn)
		# RFC 9293 Figure 8: A's SYN is lost; an old duplicate SYN (ISN
		# 90) from A's 4-tuple reaches B, whose SYN-ACK A (SYN-SENT)
		# refuses with a RST; A's SYN then goes again and connects.
		two_hosts
		drop_first s input sport "tcp flags == syn"
		cap c vc
		serve s $S4 8080 --expect 100 --send 100
		client $S4 8080 --bind-port 40060 --send 100 &
		sleep 0.2
		in_ns c "$RP" raw $C4 40060 $S4 8080 S:90 || exit 1
		wait $!
		;;
	dup-syn-passive)
		# RFC 9293 Figure 11: an old duplicate SYN from A's address and
		# port reaches B while both A and B only listen.
		two_hosts
		cap c vc
		serve s $S4 8080
		serve c $C4 40070
		in_ns c "$RP" raw $C4 40070 $S4 8080 S:90 || exit 1
		;;
	synack-new-isn)
		# The listener gives a request no SYN-ACK retransmission
		# (tcp_synack_retries=0) and its first two SYN-ACKs are lost: the
		# request expires and a later SYN retransmission starts a new one.
		two_hosts
		sysc s net.ipv4.tcp_synack_retries=0
		drop_first c input dport "tcp flags & (syn | ack) == (syn | ack)"
		drop_first c input dport "tcp flags & (syn | ack) == (syn | ack)"
		cap c vc
		serve s $S4 8080 --expect 100 --send 100
		client $S4 8080 --send 100
		;;
	timewait-reuse)
		two_hosts
		cap c vc
		serve s $S4 8080 --count 2 --expect 100 --send 100
		client $S4 8080 --bind-port 40020 --send 100
		in_ns s ss -tan state time-wait >"$W/ss.log"
		client $S4 8080 --bind-port 40020 --send 100
		;;
	timewait-oldisn)
		two_hosts
		cap c vc 128
		serve s $S4 8080 --count 4 --expect 16777216 --idle 300 --send 100
		client $S4 8080 --bind-port 40030 --send 16777216
		client $S4 8080 --bind-port 40030 --send 100
		sysc c net.ipv4.tcp_timestamps=0
		client $S4 8080 --bind-port 40031 --send 16777216
		client $S4 8080 --bind-port 40031 --send 100
		;;
	bigtcp)
		two_hosts
		for l in "c vc" "s vs"; do
			set -- $l
			ip -n "$1" link set "$2" gso_max_size 185000 gro_max_size 185000 || exit 77
		done
		# TCP, and IPv6 whose Hop-by-Hop header (a Jumbo Payload
		# option) is followed by TCP (next header at Ethernet 14 + 40).
		CAPF='tcp or (ip6 proto 0 and ether[54] = 6)'
		cap c vc 128
		serve s $S6 8080 --expect 2000000 --send 100
		client $S6 8080 --send 2000000
		serve s $S4 8081 --expect 2000000 --send 100
		client $S4 8081 --send 2000000
		;;
	router-any)
		mkns a r b
		pair a va 10.77.1.1 r ra 10.77.1.254
		pair r rb 10.77.2.254 b vb 10.77.2.1
		ip -n a route add default via 10.77.1.254
		ip -n b route add default via 10.77.2.254
		sysc r net.ipv4.ip_forward=1
		in_ns r tc qdisc add dev rb root tbf rate 400kbit burst 1600 latency 2s || exit 77
		cap r any 128 -y LINUX_SLL2
		serve b 10.77.2.1 8080 --count 2 --expect 4000 --send 100
		ip netns exec a "$RP" connect 10.77.2.1 8080 --send 4000 >>"$W/cli.log" 2>&1 &
		c1=$!
		sleep 0.02
		in_ns a "$RP" connect 10.77.2.1 8080 --send 4000 >>"$W/cli.log" 2>&1
		wait $c1
		;;
	syn-retrans)
		two_hosts
		sysc c net.ipv4.tcp_syn_retries=2
		drop_first s input sport "tcp flags == syn tcp dport 8080"
		drop_all s input tcp dport 8081 tcp flags == syn
		cap c vc
		serve s $S4 8080 --expect 100 --send 100
		client $S4 8080 --send 100
		client $S4 8081 --send 100
		;;
	syn-retx7)
		two_hosts
		# The budget of 8 retries lasts past the 7th retransmission;
		# s drops the first seven SYNs (numgen counts the SYNs only).
		sysc c net.ipv4.tcp_syn_retries=8
		in_ns s nft -f - <<-EOF || exit 77
		table inet r7 {
			chain c { type filter hook input priority 0; policy accept;
				tcp dport 8080 tcp flags == syn numgen inc mod 1000000 < 7 counter drop
			}
		}
		EOF
		cap c vc
		serve s $S4 8080 --expect 100 --send 100
		client $S4 8080 --send 100
		;;
	refused-halfopen)
		two_hosts
		drop_first s output sport "tcp flags & rst == rst tcp sport 8080"
		drop_first c output sport "tcp flags & rst == rst tcp sport 40200"
		cap c vc
		# Refused: nothing listens on 8081.
		client $S4 8081 --send 100
		# The listener's socket on 8080 aborts and its RST is lost: the
		# client's next data finds no connection (active side discovers).
		serve s $S4 8080 --expect 100 --linger0
		client $S4 8080 --bind-port 40100 --send 100 --hold 300 --again 100
		# The client aborts and its RST is lost; its new SYN on the same
		# 4-tuple meets the server's established socket (half-open
		# discovery by the restarted side).
		serve s $S4 8082 --count 2 --expect 100 --hold 2500
		client $S4 8082 --bind-port 40200 --send 100 --hold 300 --linger0
		client $S4 8082 --bind-port 40200 --send 100
		;;
	nat-keepport)
		nat_lab keep keep rst
		t=$(($(now_ms) + 300))
		punch $t $t
		;;
	nat-rst)
		nat_lab keep keep rst
		t=$(($(now_ms) + 300))
		punch $t $((t + 200))
		;;
	nat-punched)
		nat_lab keep keep drop
		t=$(($(now_ms) + 300))
		punch $t $((t + 200))
		;;
	nat-random)
		nat_lab random keep rst
		t=$(($(now_ms) + 300))
		punch $t $t
		;;
	nat-fullrandom)
		nat_lab fully-random fully-random drop
		sysc a net.ipv4.tcp_syn_retries=1
		sysc b net.ipv4.tcp_syn_retries=1
		t=$(($(now_ms) + 300))
		punch $t $t
		;;
	*)
		echo "unknown case $CASE"; exit 2 ;;
	esac
	stopcap
	exit 0
fi

# ---------------------------------------------------------------- outside
[ "$(id -u)" = 0 ] || skip "not root (privileged test: namespaces, nft, raw sockets)"
unshare -n true 2>/dev/null || skip "cannot create a network namespace (unshare -n)"
for t in dumpcap tshark mergecap nft ip tc; do
	command -v $t >/dev/null 2>&1 || skip "$t not installed"
done
[ -x "$RP" ] || fail "realpeer not found at $RP"

WORK=$(mktemp -d /tmp/synlab-real.XXXXXX) || fail "mktemp"
trap 'rm -rf "$WORK"' EXIT
trap 'exit 1' INT TERM
# A PID namespace whose init dies with unshare (--kill-child), and unshare
# under `timeout -s KILL` (--foreground: in our process group, so a kill -9
# of the group takes it at once): nothing of the case outlives 100 s, even
# when this script alone is killed with -9.
SL_REAL_INNER=1 SL_REAL_WORK=$WORK timeout --foreground -s KILL 100 \
	unshare --net --mount --pid --kill-child --fork sh "$SELF" "$RP" "$CASE" >"$WORK/inner.log" 2>&1
rc=$?
[ $rc = 77 ] && { cat "$WORK/inner.log"; skip "this kernel or iproute2 lacks what the case needs"; }
[ $rc = 0 ] || { cat "$WORK/inner.log"; fail "sandbox exit $rc"; }
F=$WORK/cap.pcapng

# One line per TCP segment: N TIME SRC SPORT DPORT FLAGS SEQ ACK LEN, where
# FLAGS is the letters of S F R A E C W (W: CWR) set, "." for none.
wire() {
	tshark -r "$F" -o tcp.relative_sequence_numbers:FALSE -T fields \
		-E occurrence=f -e frame.number -e frame.time_relative \
		-e ip.src -e ipv6.src -e tcp.srcport -e tcp.dstport \
		-e tcp.flags.syn -e tcp.flags.fin -e tcp.flags.reset \
		-e tcp.flags.ack -e tcp.flags.ece -e tcp.flags.cwr \
		-e tcp.seq -e tcp.ack -e tcp.len "$@" 2>/dev/null |
		awk -F'\t' '{
			f = "";
			if ($7 == 1) f = f "S"; if ($8 == 1) f = f "F"; if ($9 == 1) f = f "R";
			if ($10 == 1) f = f "A"; if ($11 == 1) f = f "E"; if ($12 == 1) f = f "W";
			if (f == "") f = ".";
			src = $3 != "" ? $3 : $4;
			printf "%s %s %s %s %s %s %s %s %s", $1, $2, src, $5, $6, f, $13, $14, $15;
			for (i = 16; i <= NF; i++) printf " %s", ($i == "" ? "-" : $i);
			printf "\n" }'
}
# The ladder of one port's segments as "c:S s:SA c:A+100 ...": c when the
# segment comes from the client side (source port not SERVERPORT).
ladder() { # SERVERPORT [CLIENTPORT]
	wire | awk -v sp="$1" -v cp="${2:-}" '
		($4 == sp || $5 == sp) && (cp == "" || $4 == cp || $5 == cp) {
			d = ($4 == sp) ? "s" : "c";
			printf "%s%s:%s%s", (n++ ? " " : ""), d, $6, ($9 > 0 ? "+" $9 : "") }
		END { printf "\n" }'
}
expect_ladder() { # SERVERPORT CLIENTPORT ERE WHAT
	l=$(ladder "$1" "$2")
	echo "$l" | grep -Eq "$3" || { wire; fail "$4: ladder '$l' does not match /$3/"; }
	echo "ok: $4: $(echo "$l" | cut -c1-160)"
}
expect_log() { # FILE ERE WHAT
	grep -Eq "$2" "$WORK/$1" || { cat "$WORK/$1"; fail "$3: $1 lacks /$2/"; }
}
# Field of the Nth segment of the ladder of SERVERPORT (1-based).
nth() { # SERVERPORT N COLUMN [CLIENTPORT]
	wire | awk -v sp="$1" -v n="$2" -v col="$3" -v cp="${4:-}" '
		($4 == sp || $5 == sp) && (cp == "" || $4 == cp || $5 == cp) && ++k == n { print $col }'
}
# The NAT cases: one vantage's ladder as "a:S b:S a:SA ...", a for host
# A's side (192.168.1.2 inside, 203.0.113.1 outside).
nladder() { # IFACE
	wire -Y "frame.interface_name == \"$1\"" | awk '{
		d = ($3 == "192.168.1.2" || $3 == "203.0.113.1") ? "a" : "b";
		printf "%s%s:%s%s", (n++ ? " " : ""), d, $6, ($9 > 0 ? "+" $9 : "") }
		END { printf "\n" }'
}
expect_nladder() { # IFACE ERE WHAT
	l=$(nladder "$1")
	echo "$l" | grep -Eq "$2" || { wire; fail "$3: $1 ladder '$l' does not match /$2/"; }
	echo "ok: $3: $1: $(echo "$l" | cut -c1-120)"
}
# The source ports a host's bare SYNs had on the public wire.
pubport() { # SRCADDR
	wire -Y 'frame.interface_name == "na-public"' |
		awk -v a="$1" '$3 == a && $6 == "S" { print $4 }' | sort -u
}
# The ISNs of a host's bare SYNs at a vantage.
isns() { # IFACE SRCADDR
	wire -Y "frame.interface_name == \"$1\"" |
		awk -v a="$2" '$3 == a && $6 == "S" { print $7 }' | sort -u
}
nat_common() { # CONNECT-RESULT: both hosts' connect() ended so
	[ "$(grep -c "^connect 1: $1\$" "$WORK/cli.log")" = 2 ] || { cat "$WORK/cli.log"; fail "not both '$1'"; }
	same "$(isns na-public 203.0.113.1)" "$(isns a-inside 192.168.1.2)" "NAT A keeps A's ISN"
	same "$(isns na-public 203.0.113.2)" "$(isns b-inside 192.168.2.2)" "NAT B keeps B's ISN"
}
same() { [ "$1" = "$2" ] || { wire; fail "$3: '$1' != '$2'"; }; }
plus() { echo $((($1 + $2) % 4294967296)); }

case $CASE in
tfo)
	expect_log cli.log '^connect 2: ok' "both TFO connects"
	# 1st: cookie request (option 34, no cookie) and data after the
	# handshake; 2nd: the cookie and 100 bytes in the SYN, acked by the
	# SYN-ACK.
	t=$(wire -e tcp.option_kind -e tcp.options.tfo.request -e tcp.options.tfo.cookie |
		awk '$6 == "S" { print $9, $11, $12 }')
	echo "$t" | awk 'NR == 1 && !($1 == 0 && $2 == 1 && $3 == "-") { exit 1 }
		NR == 2 && !($1 == 100 && $3 != "-") { exit 1 } END { if (NR != 2) exit 1 }' ||
		{ echo "$t"; fail "SYNs are not a cookie request then cookie+data"; }
	p2=$(wire | awk '$6 == "S" { p = $4 } END { print p }')
	expect_ladder 8080 "$p2" '^c:S\+100 s:SA c:A ' "second connection: data in the SYN"
	same "$(nth 8080 2 8 "$p2")" "$(plus "$(nth 8080 1 7 "$p2")" 101)" "SYN-ACK acks SYN and its 100 bytes"
	;;
syncookies)
	expect_log cli.log '^connect 1: ok' "connect"
	expect_log nstat.log 'TcpExtSyncookiesSent +[1-9]' "a cookie was sent"
	expect_log nstat.log 'TcpExtSyncookiesRecv +[1-9]' "a cookie came back"
	expect_ladder 8080 "" '^c:S s:SA c:A c:A\+100 (.* )?s:FA (.* )?c:FA s:A$' "cookie handshake"
	;;
ecn)
	expect_log cli.log '^connect 1: ok' "connect"
	expect_ladder 8080 "" '^c:SEW s:SAE c:A c:A\+100 ' "ECN setup: SYN ECE+CWR, SYN-ACK ECE"
	ect=$(wire -e ip.dsfield.ecn | awk '$9 > 0 { print $10 }' | sort -u)
	same "$ect" 2 "data segments carry ECT(0)"
	;;
mptcp)
	expect_log cli.log '^connect 1: ok' "connect"
	# MP_CAPABLE (subtype 0) on SYN, SYN-ACK, ACK; MP_JOIN (subtype 1) on
	# the second subflow's SYN from 10.77.0.3.
	m=$(wire -e tcp.options.mptcp.subtype | awk '$6 ~ /S/ { print $3, $6, $10 }')
	echo "$m" | grep -q "^10.77.0.1 S 0$" || { echo "$m"; fail "no MP_CAPABLE SYN"; }
	echo "$m" | grep -q "^10.77.0.2 SA 0$" || { echo "$m"; fail "no MP_CAPABLE SYN-ACK"; }
	echo "$m" | grep -q "^10.77.0.3 S 1$" || { echo "$m"; fail "no MP_JOIN SYN from the second address"; }
	echo "ok: MP_CAPABLE handshake and an MP_JOIN subflow"
	;;
lost-synack)
	expect_log cli.log '^connect 1: ok' "connect"
	expect_ladder 8080 "" '^c:S s:SA (c:S |s:SA )*c:S (c:S |s:SA )*s:SA c:A( s:SA c:A)? c:A\+100 ' "SYN-ACK lost, SYN retransmitted"
	same "$(nth 8080 3 7)" "$(nth 8080 1 7)" "retransmitted SYN keeps the ISN"
	;;
lost-ack)
	expect_log cli.log '^connect 1: ok' "connect"
	expect_ladder 8080 "" '^c:S s:SA c:A s:SA c:A c:A\+100 ' "third ACK lost, SYN-ACK retransmitted"
	same "$(nth 8080 4 7)" "$(nth 8080 2 7)" "retransmitted SYN-ACK keeps the ISN"
	;;
synfin)
	expect_ladder 8080 "" '^c:SF$' "SYN+FIN to a listener: dropped, no answer"
	expect_ladder 8081 "" '^c:SF s:RA$' "SYN+FIN to a closed port: RST"
	same "$(nth 8081 2 8)" 2002 "RST acks ISN+2 (SYN and FIN)"
	same "$(nth 8081 2 7)" 0 "RST seq 0"
	;;
dup-syn)
	# S 1000000 -> SYN-ACK; S 500000 (below the window) -> ACK; S 1000000
	# again 200 ms later -> nothing (the request's 500 ms rate limit covers
	# the SYN-ACK retransmission too); S 1000100 (in the window) -> RST,
	# and the request is gone (no SYN-ACK retransmission after it).
	expect_ladder 8080 "" '^c:S s:SA c:S s:A c:S c:S s:RA$' "second SYN in SYN-RECEIVED"
	same "$(nth 8080 4 8)" 1000001 "out-of-window SYN answered by an ACK of the first ISN"
	same "$(nth 8080 4 7)" "$(plus "$(nth 8080 2 7)" 1)" "that ACK's seq is the SYN-ACK's ISN+1"
	same "$(nth 8080 7 8)" 1000101 "in-window SYN answered by RST ack seq+1"
	;;
rst-synrecv)
	# S -> S.; R below the window -> dropped, nothing (a RST is never
	# answered); S again -> the same request answers with its SYN-ACK
	# (same ISN: the RST was dropped); R at RCV.NXT -> the request is
	# gone; S again -> a new request, a SYN-ACK with another ISN.
	expect_ladder 8080 "" '^c:S s:SA c:R c:S s:SA c:R c:S s:SA$' "RSTs at SYN-RECEIVED"
	same "$(nth 8080 5 7)" "$(nth 8080 2 7)" "the request survived the below-window RST"
	[ "$(nth 8080 8 7)" != "$(nth 8080 2 7)" ] || fail "the SYN after the in-window RST did not get a new ISN: the request survived"
	;;
rst-synsent)
	expect_log cli.log '^connect 1: ok' "connect after both RSTs were dropped"
	# The RST without ACK is dropped and changes nothing; the RST with an
	# unacceptable ACK is dropped too, but Linux then rearms the SYN
	# timer to its minimum (a previous RST/ACK might have been ignored),
	# so the SYN goes again within ~10 ms instead of at 1 s.
	expect_ladder 8080 40050 '^c:S s:R s:RA c:S s:SA c:A c:A\+100 ' "RSTs at SYN-SENT dropped, the SYN retransmitted"
	[ "$(nth 8080 4 7 40050)" = "$(nth 8080 1 7 40050)" ] || fail "the retransmitted SYN changed its ISN"
	gap=$(wire | awk '$6 == "RA" && $4 == 8080 { t = $2 } $6 == "S" && $4 == 40050 && t != "" { printf "%d", ($2 - t) * 1000; exit }')
	[ "$gap" -lt 100 ] || fail "SYN resent $gap ms after the RST/ACK, not at once"
	echo "ok: SYN resent $gap ms after the unacceptable RST/ACK"
	;;
old-dup-syn)
	expect_log cli.log '^connect 1: ok' "connect"
	expect_ladder 8080 40060 '^c:S c:S s:SA c:R c:S s:SA c:A c:A\+100 ' "old duplicate SYN, RST from SYN-SENT, the SYN again"
	same "$(nth 8080 3 8 40060)" 91 "B's SYN-ACK acknowledges the old SYN"
	same "$(nth 8080 4 7 40060)" 91 "A's RST takes its SEQ from that ACK"
	same "$(nth 8080 5 7 40060)" "$(nth 8080 1 7 40060)" "A's SYN keeps its ISN"
	;;
dup-syn-passive)
	# B answers with its SYN-ACK; A's listener answers that ACK with
	# <SEQ=SEG.ACK><CTL=RST>, which returns B to LISTEN.
	expect_ladder 8080 40070 '^c:S s:SA c:R$' "SYN-ACK at a listener: RST"
	same "$(nth 8080 3 7 40070)" "$(nth 8080 2 8 40070)" "the RST takes its SEQ from the SYN-ACK's ACK"
	;;
synack-new-isn)
	expect_log cli.log '^connect 1: ok' "connect"
	expect_ladder 8080 "" '^c:S s:SA c:S s:SA c:S s:SA c:A c:A\+100 ' "two SYN-ACKs lost, SYN sent three times"
	[ "$(wire | awk '$6 == "SA" { print $7 }' | sort -u | wc -l)" -ge 2 ] || fail "the listener kept one ISN"
	[ "$(wire | awk '$6 == "S" { print $7 }' | sort -u | wc -l)" = 1 ] || fail "the client changed its ISN"
	echo "ok: one client ISN, $(wire | awk '$6 == "SA" { print $7 }' | sort -u | wc -l) listener ISNs"
	;;
timewait-reuse)
	expect_log cli.log '^connect 2: ok|connect 1: ok' "connects"
	[ "$(grep -c ': ok' "$WORK/cli.log")" = 2 ] || fail "not two connects ok"
	expect_ladder 8080 40020 '^c:S s:SA c:A c:A\+100 (.* )?s:FA (.* )?c:FA s:A c:S s:SA c:A c:A\+100 (.* )?s:FA (.* )?c:FA s:A$' "two connections, the second while the server holds TIME-WAIT"
	expect_log ss.log '10.77.0.2:8080 +10.77.0.1:40020' "the server held TIME-WAIT"
	set -- $(wire | awk '$6 == "S" && $4 == 40020 { print $7 }')
	i1=$1 i2=$2
	[ $(( (i2 - i1 + 4294967296) % 4294967296 )) -lt 2147483648 ] || fail "second ISN not above the first"
	;;
timewait-oldisn)
	[ "$(grep -c ': ok' "$WORK/cli.log")" = 4 ] || { cat "$WORK/cli.log"; fail "not four connects ok"; }
	# With timestamps: the old ISN is accepted by its newer TSval (RFC 6191).
	syns=$(wire | awk '$6 == "S" && $4 == 40030 { print $7 }')
	fin=$(wire | awk '$6 ~ /F/ && $4 == 40030 { print $7; exit }')
	set -- $syns
	[ $# = 2 ] || { echo "$syns"; fail "40030: expected 2 SYNs"; }
	[ $((($2 - $fin + 4294967296) % 4294967296)) -ge 2147483648 ] || fail "40030: second ISN $2 not below the old FIN $fin"
	expect_ladder 8080 40030 ' c:S s:SA c:A c:A\+100 ' "old ISN accepted by timestamps"
	# Without: the TIME-WAIT socket answers with an ACK, the client RSTs,
	# retransmits its SYN and connects.
	expect_ladder 8080 40031 ' c:S s:A c:R c:S s:SA c:A c:A\+100 ' "old ISN without timestamps"
	;;
bigtcp)
	[ "$(grep -c ': ok' "$WORK/cli.log")" = 2 ] || { cat "$WORK/cli.log"; fail "not two connects ok"; }
	# BIG TCP over IPv6: GSO packets above 64 KiB are RFC 2675
	# jumbograms (payload length 0, a Jumbo Payload option).  IPv4: TSO
	# super-packets far above the 1500-byte MTU (iproute2 6.1 cannot raise
	# gso_ipv4_max_size, so no IPv4 BIG TCP).
	j=$(wire -e ipv6.plen -e ipv6.opt.jumbo | awk '$3 == "fd77::1" && $10 == 0 && $11 > 65535' | wc -l)
	t4=$(wire -e ip.len | awk '$3 == "10.77.0.1" && $10 > 1500' | wc -l)
	[ "$j" -gt 0 ] || fail "no IPv6 jumbogram (BIG TCP) from the sender"
	[ "$t4" -gt 0 ] || fail "no IPv4 TSO super-packet from the sender"
	n=$(tshark -r "$F" -Y 'tcp.analysis.lost_segment' 2>/dev/null | wc -l)
	[ "$n" = 0 ] || fail "$n segments missing from the capture"
	echo "ok: $j IPv6 jumbograms, $t4 IPv4 TSO super-packets, none missing"
	;;
router-any)
	[ "$(grep -c ': ok' "$WORK/cli.log")" = 2 ] || { cat "$WORK/cli.log"; fail "not two connects ok"; }
	# Every A->B segment is seen twice on `any` (in on ra, out on rb); the
	# outgoing copy of the second SYN waits behind the first's data.
	lag=$(wire -e sll.pkttype -e sll.ifindex | awk '$3 == "10.77.1.1" && $6 == "S" {
		if ($10 == 0) t[$4] = $2; else if ($4 in t) printf "%d\n", ($2 - t[$4]) * 1000 }' | sort -n | tail -1)
	[ -n "$lag" ] && [ "$lag" -ge 20 ] || { wire -e sll.pkttype; fail "no SYN whose outgoing copy lags 20 ms (max $lag)"; }
	echo "ok: the second SYN's outgoing copy lags its incoming copy by $lag ms"
	;;
syn-retrans)
	expect_log cli.log '^connect 1: ok' "first connect"
	expect_log cli.log '^connect 1: Connection timed out' "second connect times out"
	expect_ladder 8080 "" '^c:S c:S s:SA c:A c:A\+100 ' "first SYN lost"
	# tcp_syn_retries=2 is a time budget (1 + 2 + 4 s); with the linear
	# first timeouts (tcp_syn_linear_timeouts) more SYNs fit in it.
	expect_ladder 8081 "" '^c:S c:S c:S( c:S)*$' "SYN retransmitted, then the connect times out"
	[ "$(wire | awk '$5 == 8081 { print $7 }' | sort -u | wc -l)" = 1 ] || fail "retransmissions change the ISN"
	echo "ok: SYN intervals (s): $(wire | awk '$5 == 8081 { if (t != "") printf "%.2f ", $2 - t; t = $2 }')"
	;;
syn-retx7)
	expect_log cli.log '^connect 1: ok' "connect after seven SYN retransmissions"
	expect_ladder 8080 "" '^c:S c:S c:S c:S c:S c:S c:S c:S s:SA c:A c:A\+100 ' "seven SYNs lost, the eighth answered"
	[ "$(wire | awk '$5 == 8080 && $6 == "S" { print $7 }' | sort -u | wc -l)" = 1 ] || fail "retransmissions change the ISN"
	echo "ok: SYN intervals (s): $(wire | awk '$5 == 8080 && $6 == "S" { if (t != "") printf "%.2f ", $2 - t; t = $2 }')"
	;;
refused-halfopen)
	expect_log cli.log '^connect 1: Connection refused' "refused"
	expect_ladder 8081 "" '^c:S s:RA$' "closed port"
	expect_log cli.log '^connect 1: Connection reset by peer' "data to a lost peer"
	expect_ladder 8080 40100 '^c:S s:SA c:A c:A\+100 (s:A )?c:A\+100 s:R$' "active side discovers the half-open connection"
	expect_ladder 8082 40200 '^c:S s:SA c:A c:A\+100 (s:A )?c:S s:A c:R c:S s:SA c:A c:A\+100 ' "restarted side's SYN: challenge ACK, RST, SYN again"
	;;
nat-keepport)
	nat_common "ok"
	same "$(pubport 203.0.113.1) $(pubport 203.0.113.2)" "40001 40002" "both NATs kept the port"
	# The two SYNs cross on the public wire: both before any SYN-ACK.
	expect_nladder na-public '^(a:S b:S|b:S a:S) (a:SA b:SA|b:SA a:SA) ' "SYNs cross, two SYN-ACKs"
	expect_nladder a-inside '^a:S b:S a:SA b:SA ' "A: simultaneous open"
	expect_nladder b-inside '^b:S a:S b:SA a:SA ' "B: simultaneous open"
	;;
nat-rst)
	nat_common "Connection refused"
	# NAT B resets A's SYN (no mapping yet), then NAT A resets B's SYN
	# (its mapping was closed by that RST); neither RST comes from a host.
	expect_nladder na-public '^a:S b:RA b:S a:RA$' "each NAT resets the other's SYN"
	expect_nladder a-inside '^a:S b:RA$' "A refused, A never sent a RST"
	expect_nladder b-inside '^b:S a:RA$' "B refused, B never sent a RST"
	;;
nat-punched)
	nat_common "ok"
	# A's SYN crosses NAT A and dies at NAT B; B's SYN finds NAT A's
	# mapping open and reaches A in SYN-SENT, which answers with a
	# SYN-ACK (A's ISN again): B sees a plain three-way handshake.
	expect_nladder na-public '^a:S b:S a:SA b:A ' "A's SYN out, B's SYN in through the hole"
	expect_nladder b-inside '^b:S a:SA b:A ' "A's first SYN never reached B"
	expect_nladder a-inside '^a:S b:S a:SA b:A ' "A: SYN in SYN-SENT"
	;;
nat-random)
	nat_common "Connection refused"
	[ "$(pubport 203.0.113.1)" != 40001 ] || fail "NAT A (masquerade random) kept the port"
	same "$(pubport 203.0.113.2)" 40002 "NAT B kept the port"
	# B's SYN to A's predicted port meets no mapping; A's SYN from the
	# random port does not match NAT B's mapping: each NAT resets.
	expect_nladder na-public '^a:S b:S (a:RA b:RA|b:RA a:RA)$' "both SYNs reset by the far NAT"
	expect_nladder a-inside '^a:S b:RA$' "A refused"
	expect_nladder b-inside '^b:S a:RA$' "B refused"
	;;
nat-fullrandom)
	nat_common "Connection timed out"
	[ "$(pubport 203.0.113.1)" != 40001 ] || fail "NAT A (fully-random) kept the port"
	[ "$(pubport 203.0.113.2)" != 40002 ] || fail "NAT B (fully-random) kept the port"
	expect_nladder a-inside '^a:S( a:S)+$' "A's SYNs never answered"
	expect_nladder b-inside '^b:S( b:S)+$' "B's SYNs never answered"
	expect_nladder na-public '^[ab]:S( [ab]:S)+$' "only SYNs on the public wire"
	;;
esac
if [ -n "$OUT" ]; then
	cp "$F" "$OUT" && chmod 644 "$OUT" || fail "cannot write $OUT"
	echo "wrote $OUT"
fi
echo "ok [$CASE]"
