#!/bin/sh
# A NAT's conntrack entries as timeline events (capture/conntrack.c).
# A client C (10.1.0.2) behind a router R that masquerades onto the public
# link (198.51.100.1) towards a server S (198.51.100.2); one TCP connection
# from C:40000 to S:4000, the server closing first.  The watch of R's
# conntrack table must report, for that one connection:
#   ct-new      C:40000 -> S:4000 as <the public address:port> SYN_SENT UNREPLIED
#   ct-update   SYN_RECV, then ESTABLISHED ASSURED, ..., TIME_WAIT
#   ct-destroy  when the TIME_WAIT entry expires (R's time_wait timeout 1 s),
#               1.0-1.5 s after TIME_WAIT
# and the mapping it names must be the one the public wire shows: the SYN
# captured on R's public interface leaves from that address and port, and
# no packet there carries the inside address.  The leftover check must see
# the nft table until it is deleted, and nothing once it is.
#
# usage: priv_conntrack.sh CTTOOL CASE
#   CTTOOL: the synlab-cttool test driver (tests/priv/cttool.c)
#   CASE:   masq   (IPv4, the port is kept: mapped port 40000)
#           remap  (IPv4, `masquerade to :61000-61009`: the port changes)
#           masq6  (IPv6, fd00:1::/64 inside, fd00:99::/64 public)
#           kill9  (masq, then the sandbox is killed with SIGKILL while the
#                   watch runs: nothing may remain)
#           lab    (synlab's own NAT lab, see lab_case)
#
# Everything happens inside `unshare --net --mount --pid --fork`: when the
# script dies, even by kill -9, the kernel frees the namespaces, links,
# conntrack entries and nft tables.  Exit 77 (ctest SKIP_RETURN_CODE) when
# not root, without namespaces, nft, tcpdump or realpeer, or when the kernel
# lacks nf_conntrack, NAT or conntrack netlink.
set -u

T=${1:?usage: priv_conntrack.sh CTTOOL CASE}
CASE=${2:?usage: priv_conntrack.sh CTTOOL CASE}

skip() { echo "SKIP [$CASE]: $*"; exit 77; }
fail() { echo "FAIL [$CASE]: $*"; exit 1; }
# within TENTHS CMD...: true once CMD succeeds, false after TENTHS/10 s.
within() {
	_n=$(($1 * 2))
	shift
	while ! "$@"; do
		[ $_n -gt 0 ] || return 1
		sleep 0.05
		_n=$((_n - 1))
	done
}
has() { grep -q "$1" "$2"; }

# synlab's own NAT lab (fd-held namespaces): A and B, each behind a
# keep-port NAT, connect to each other's public address at one instant.
# Each NAT's watch must show its mapping made by its host's SYN, the
# crossing SYN from the far NAT turning it into SYN_SENT2 (conntrack's
# simultaneous open), then ESTABLISHED ASSURED.
lab_case() {
	"$T" lab >"$WORK/lab.txt" 2>"$WORK/lab.err"
	rc=$?
	cat "$WORK/lab.txt"
	[ $rc = 4 ] && skip "no NAT lab or conntrack watch: $(cat "$WORK/lab.err")"
	[ $rc = 0 ] || fail "lab exit $rc: $(cat "$WORK/lab.err")"
	for h in A B; do
		grep -q "^connect $h: 0$" "$WORK/lab.txt" ||
		    fail "host $h did not connect"
	done
	for nat in "C 10.0.1.2:4000 -> 10.0.0.2:4000 as 10.0.0.1:4000" \
	    "D 10.0.2.2:4000 -> 10.0.0.1:4000 as 10.0.0.2:4000"; do
		r=${nat%% *} tuple=${nat#* }
		ev=$(grep -E "^[0-9]+ $r ct-" "$WORK/lab.txt")
		n=$(echo "$ev" | grep -c " ct-new ")
		[ "$n" = 1 ] || fail "router $r: $n ct-new, want 1"
		echo "$ev" | grep -vqF " tcp $tuple " &&
		    fail "router $r: an event names another mapping than $tuple"
		states=$(echo "$ev" | sed 's/.* as [^ ]* //' | tr '\n' '|')
		case $states in
		"SYN_SENT UNREPLIED|SYN_SENT2|"*"ESTABLISHED ASSURED|"*) ;;
		*) fail "router $r: states $states" ;;
		esac
	done
}

if [ "${SL_CT_INSIDE:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || skip "not root (needs CAP_SYS_ADMIN, CAP_NET_ADMIN)"
	unshare -n true 2>/dev/null || skip "cannot create a network namespace"
	for t in nft tcpdump nsenter ip; do
		command -v $t >/dev/null 2>&1 || skip "$t not installed"
	done
	case $T in /*) ;; *) T=$(pwd)/$T ;; esac
	RP=$(dirname "$T")/../real/realpeer
	[ -x "$RP" ] || skip "realpeer not built ($RP)"
	WORK=$(mktemp -d /tmp/synlab-ct.XXXXXX) || fail "mktemp"
	trap 'rm -rf "$WORK"' EXIT INT TERM
	# shellcheck source=lib.sh
	SYNLAB=$T . "$(dirname "$0")/lib.sh"
	snapshot "$WORK/before"
	if [ "$CASE" = lab ]; then
		lab_case
		SYNLAB=$T check_clean "after the NAT lab"
		echo "ok [$CASE]: nothing left behind"
		exit 0
	fi
	inner=$CASE
	[ "$CASE" = kill9 ] && inner=masq
	if [ "$CASE" = kill9 ]; then
		SL_CT_INSIDE=1 SL_CT_KILL9=1 WORK=$WORK RP=$RP \
		    unshare --net --mount --pid --fork --mount-proc \
		    sh "$0" "$T" "$inner" >"$WORK/inside.txt" 2>&1 &
		U=$!
		within 100 has "^watching" "$WORK/inside.txt" || {
			cat "$WORK/inside.txt"
			grep -q "^SKIP" "$WORK/inside.txt" && exit 77
			fail "the sandbox did not start its watch"
		}
		# PID 1 of the sandbox (unshare's child): its death kills
		# every process in it.
		P1=$(cat /proc/$U/task/$U/children)
		kill -9 $P1 || fail "kill -9 $P1"
		wait $U
		SYNLAB=$T check_clean "the sandbox killed by SIGKILL during a watch"
		echo "ok [$CASE]: nothing left after kill -9 during a conntrack watch"
		exit 0
	fi
	SL_CT_INSIDE=1 WORK=$WORK RP=$RP unshare --net --mount --pid --fork \
	    --mount-proc sh "$0" "$T" "$inner"
	rc=$?
	[ $rc = 0 ] || exit $rc
	SYNLAB=$T check_clean "after the conntrack test"
	echo "ok [$CASE]: nothing left behind"
	exit 0
fi

# ---- inside the sandbox: PID 1 of a new PID namespace, R's namespace -------
ip link set lo up
unshare --net sleep 600 &
C=$!
unshare --net sleep 600 &
S=$!
sleep 0.2
c() { nsenter --net=/proc/$C/ns/net "$@"; }
s() { nsenter --net=/proc/$S/ns/net "$@"; }
ip link add in0 type veth peer name eth0 netns "$C" || fail "veth to C"
ip link add pub0 type veth peer name eth0 netns "$S" || fail "veth to S"
for h in "" c s; do $h ip link set lo up; done
if [ "$CASE" = masq6 ]; then
	fam=ip6 IN=fd00:1::2 PUB=fd00:99::1 SRV=fd00:99::2
	ip -6 addr add fd00:1::1/64 dev in0 nodad
	ip -6 addr add $PUB/64 dev pub0 nodad
	c ip -6 addr add $IN/64 dev eth0 nodad
	s ip -6 addr add $SRV/64 dev eth0 nodad
	sysctl -qw net.ipv6.conf.all.forwarding=1
	for h in "" c s; do $h ip link set dev lo up; done
	ip link set in0 up; ip link set pub0 up
	c ip link set eth0 up; s ip link set eth0 up
	c ip -6 route add default via fd00:1::1
	EP_IN="[$IN]:40000" EP_SRV="[$SRV]:4000"
else
	fam=ip IN=10.1.0.2 PUB=198.51.100.1 SRV=198.51.100.2
	# No IPv6 chatter (router solicitations, MLD) on the links.
	for h in "" c s; do $h sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
	ip addr add 10.1.0.1/24 dev in0
	ip addr add $PUB/24 dev pub0
	c ip addr add $IN/24 dev eth0
	s ip addr add $SRV/24 dev eth0
	ip link set in0 up; ip link set pub0 up
	c ip link set eth0 up; s ip link set eth0 up
	c ip route add default via 10.1.0.1
	sysctl -qw net.ipv4.ip_forward=1
	EP_IN="$IN:40000" EP_SRV="$SRV:4000"
fi
nat() {
	printf 'table %s nat {\n chain post {\n  type nat hook postrouting priority srcnat;\n  oifname "pub0" %s\n }\n}\n' \
	    $fam "$1" >"$WORK/nat.nft"
	nft -f "$WORK/nat.nft" 2>"$WORK/nft.txt"
}
nat masquerade ||
    skip "the kernel cannot masquerade (nf_nat / nft_masq): $(cat "$WORK/nft.txt")"
if [ "$CASE" = remap ]; then
	nft flush ruleset
	nat "meta l4proto tcp masquerade to :61000-61009" ||
	    fail "masquerade to a port range: $(cat "$WORK/nft.txt")"
fi
[ -w /proc/sys/net/netfilter/nf_conntrack_tcp_timeout_time_wait ] ||
    skip "no nf_conntrack sysctls in the namespace (nf_conntrack missing)"
sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_time_wait=1

# The watch, before any traffic (an entry gets its events only if a
# listener existed when it was made).
mkfifo "$WORK/hold"
"$T" watch /proc/$$/ns/net R NAT <"$WORK/hold" >"$WORK/events.txt" \
    2>"$WORK/watch.err" &
W=$!
exec 3>"$WORK/hold"
ready() { has ready "$WORK/events.txt" || ! kill -0 $W 2>/dev/null; }
within 50 ready
if ! has ready "$WORK/events.txt"; then
	wait $W
	[ $? = 4 ] && skip "no conntrack watch: $(cat "$WORK/watch.err")"
	fail "the watch did not start: $(cat "$WORK/watch.err")"
fi
if [ -n "${SL_CT_KILL9:-}" ]; then
	# The caller kills this PID 1 with SIGKILL now.
	echo "watching"
	sleep 600 3>&-
fi

tcpdump -i pub0 -nn -U --time-stamp-precision=nano -w "$WORK/pub.pcap" \
    2>"$WORK/tcpdump.txt" 3>&- &
D=$!
within 50 has "listening on" "$WORK/tcpdump.txt" || fail "tcpdump did not start"
s "$RP" listen $SRV 4000 --expect 3 --send 2 >"$WORK/srv.txt" 2>&1 3>&- &
L=$!
listening() { s ss -Hltn 'sport = :4000' | grep -q .; }
within 50 listening || fail "the server did not listen"
c "$RP" connect $SRV 4000 --bind-port 40000 --send 3 >"$WORK/cli.txt" 2>&1 ||
    fail "connect through the NAT: $(cat "$WORK/cli.txt")"
wait $L || fail "server: $(cat "$WORK/srv.txt")"
"$T" dump /proc/$$/ns/net >"$WORK/dump.txt" || fail "dump failed"
echo "table after the connection:"
cat "$WORK/dump.txt"
grep -F "tcp $EP_IN -> $EP_SRV as " "$WORK/dump.txt" |
    grep -q " TIME_WAIT ASSURED timeout [01]$" ||
    fail "the dump does not show the TIME_WAIT entry"
# The TIME_WAIT entry expires 1 s after the last packet.  The kernel
# removes it only when something looks (the watch's dumps every 100 ms);
# the watch runs on 2.5 s so that its final look at stop time cannot stand
# in for them.
sleep 2.5
exec 3>&-
wait $W || fail "watch: $(cat "$WORK/watch.err") (events lost?)"
sleep 0.2
kill -INT $D
wait $D
cat "$WORK/events.txt"

# ---- the events ------------------------------------------------------------
tcp=$(grep -E '^[0-9]+ R ct-' "$WORK/events.txt" |
    grep -F " tcp $EP_IN -> $EP_SRV as ")
[ -n "$tcp" ] || fail "no conntrack event for $EP_IN -> $EP_SRV"
new=$(echo "$tcp" | grep -c " ct-new ")
[ "$new" = 1 ] || fail "expected 1 ct-new, got $new"
first=$(echo "$tcp" | head -n 1)
case $first in
*" ct-new tcp $EP_IN -> $EP_SRV as "*" SYN_SENT UNREPLIED") ;;
*) fail "the first event is not the new SYN_SENT entry: $first" ;;
esac
mapped=${first##* as }
mapped=${mapped%% *}
mport=${mapped##*:}
maddr=${mapped%:*}
maddr=${maddr#[}
maddr=${maddr%]}
[ "$maddr" = "$PUB" ] || fail "mapped to $maddr, not the router's $PUB"
case $CASE in
remap)
	[ "$mport" -ge 61000 ] && [ "$mport" -le 61009 ] ||
	    fail "masquerade to :61000-61009 mapped to port $mport" ;;
*)	[ "$mport" = 40000 ] || fail "masquerade should keep port 40000, mapped $mport" ;;
esac
last=$(echo "$tcp" | tail -n 1)
case $last in
*" ct-destroy tcp $EP_IN -> $EP_SRV as $mapped TIME_WAIT ASSURED") ;;
*) fail "the last event is not the destroyed TIME_WAIT entry: $last" ;;
esac
# The states in order: each a change, SYN_RECV before ESTABLISHED before
# TIME_WAIT.
states=$(echo "$tcp" | grep " ct-update " | sed 's/.* as [^ ]* //' | tr '\n' '|')
case $states in
"SYN_RECV|ESTABLISHED ASSURED|"*"TIME_WAIT ASSURED|") ;;
*) fail "state changes not SYN_RECV, ESTABLISHED ASSURED, ..., TIME_WAIT: $states" ;;
esac
# The expiry: 1 s after TIME_WAIT (the last packet), within the watch's
# 100 ms dump interval plus scheduling slack.
ttw=$(echo "$tcp" | grep " ct-update .* TIME_WAIT ASSURED$" | cut -d' ' -f1)
tdel=$(echo "$last" | cut -d' ' -f1)
d=$(((tdel - ttw) / 1000000))
echo "ct-destroy $d ms after TIME_WAIT"
[ $d -ge 990 ] && [ $d -le 1500 ] ||
    fail "the TIME_WAIT entry (timeout 1 s) was destroyed after $d ms"
# Every event of the connection names the same mapping.
n=$(echo "$tcp" | grep -Fvc " as $mapped ")
[ "$n" = 0 ] || fail "$n events name another mapping than $mapped"
# Time order.
echo "$tcp" | cut -d' ' -f1 | sort -c -n || fail "events out of time order"

# ---- the public wire -------------------------------------------------------
tcpdump -r "$WORK/pub.pcap" -nn -tt --time-stamp-precision=nano tcp \
    >"$WORK/pub.txt" 2>/dev/null
cat "$WORK/pub.txt"
wpub="$PUB.$mport" wsrv="$SRV.4000" wi=$IN
syn=$(grep " $wpub > $wsrv: Flags \[S\]," "$WORK/pub.txt" | head -n 1)
[ -n "$syn" ] || fail "no SYN from $wpub on the public wire"
grep -q " $wi[. ]" "$WORK/pub.txt" && fail "the inside address $wi on the public wire"
grep -q " $wsrv > $wpub: Flags \[S\.\]," "$WORK/pub.txt" ||
    fail "no SYN-ACK to $wpub on the public wire"
# The created event and the SYN: the event is stamped when the watch's
# thread reads the kernel's message, the SYN when it leaves pub0.
tsyn=$(echo "$syn" | cut -d' ' -f1 | tr -d .)
tnew=$(echo "$first" | cut -d' ' -f1)
d=$((tnew - tsyn))
echo "ct-new stamped $d ns after the SYN left pub0"
[ ${d#-} -lt 100000000 ] || fail "ct-new is $d ns away from the SYN on the wire"

# ---- leftovers -------------------------------------------------------------
"$T" leftovers /proc/$$/ns/net >"$WORK/left.txt"
rc=$?
cat "$WORK/left.txt"
[ $rc = 1 ] && grep -q "^1: 0 conntrack entries; nft tables: $fam nat$" \
    "$WORK/left.txt" || fail "leftovers should name the nft table only"
nft delete table $fam nat || fail "nft delete"
"$T" leftovers /proc/$$/ns/net >"$WORK/left.txt" ||
    fail "leftovers after the clean-up: $(cat "$WORK/left.txt")"
grep -q "^0: 0 conntrack entries$" "$WORK/left.txt" ||
    fail "leftovers: $(cat "$WORK/left.txt")"
echo "ok [$CASE]: mapped $EP_IN to $mapped; $(echo "$tcp" | wc -l) events"
