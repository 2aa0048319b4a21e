#!/bin/sh
# Real tunnel traffic: two network namespaces over a veth pair, a tunnel
# device on each end, one TCP connection through the tunnel, the OUTER
# interface captured with dumpcap.  The analyzer must find the inner
# handshake (three-way, ended by FIN) with its encapsulation.
#
# usage: priv_tunnels.sh SYNLAB KIND [OUTDIR]
#   KIND: a tunnel kind (vxlan vxlan6 geneve gre gretap ipip sit ip6tnl
#         ip6gre mpls); one the kernel cannot make is skipped (exit 77).
#   OUTDIR: keep the capture there as tunnel-KIND.pcapng (pcaps/ goldens).
#
# Everything happens inside `unshare --net --mount --pid --fork`: when the
# script dies, even by kill -9, the kernel frees the namespaces, links and
# processes.  Exit 77 (ctest SKIP_RETURN_CODE) when not root, without
# namespaces or dumpcap, or when the kernel lacks the tunnel driver.
set -u

SYNLAB=${1:?usage: priv_tunnels.sh SYNLAB KIND [OUTDIR]}
KIND=${2:?usage: priv_tunnels.sh SYNLAB KIND [OUTDIR]}
OUTDIR=${3:-}

skip() { echo "SKIP [$KIND]: $*"; exit 77; }
fail() { echo "FAIL [$KIND]: $*"; exit 1; }

if [ "${SL_TUNNEL_INSIDE:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || skip "not root (needs CAP_SYS_ADMIN, CAP_NET_ADMIN)"
	unshare -n true 2>/dev/null || skip "cannot create a network namespace"
	command -v dumpcap >/dev/null 2>&1 || skip "dumpcap not installed"
	command -v busybox >/dev/null 2>&1 || skip "busybox (nc) not installed"
	case $SYNLAB in /*) ;; *) SYNLAB=$(pwd)/$SYNLAB ;; esac
	case $OUTDIR in /* | "") ;; *) OUTDIR=$(pwd)/$OUTDIR ;; esac
	WORK=$(mktemp -d /tmp/synlab-tun.XXXXXX) || fail "mktemp"
	trap 'rm -rf "$WORK"' EXIT INT TERM
	SL_TUNNEL_INSIDE=1 WORK=$WORK unshare --net --mount --pid --fork \
	    --mount-proc sh "$0" "$SYNLAB" "$KIND" "$OUTDIR"
	exit $?
fi

# ---- inside the sandbox: PID 1 of a new PID namespace ----------------------
ip link set lo up
# The peer: a process holding a second network namespace.
unshare --net sleep 600 &
PEER=$!
sleep 0.2
pe() { nsenter --net=/proc/$PEER/ns/net "$@"; }
pe ip link set lo up
ip link add veth0 type veth peer name veth1 netns "$PEER" || fail "veth"
ip addr add 172.31.0.1/24 dev veth0
ip -6 addr add fd00:31::1/64 dev veth0 nodad
ip link set veth0 up
pe ip addr add 172.31.0.2/24 dev veth1
pe ip -6 addr add fd00:31::2/64 dev veth1 nodad
pe ip link set veth1 up

# tun NAME SIDE(1|2): create the tunnel device on one side.
inner4=10.77.0
inner6=fd00:77:
fam=4
tun() {
	n=$1 me=$2
	if [ "$me" = 1 ]; then l4=172.31.0.1 r4=172.31.0.2 l6=fd00:31::1 r6=fd00:31::2 run=
	else l4=172.31.0.2 r4=172.31.0.1 l6=fd00:31::2 r6=fd00:31::1 run=pe; fi
	case $KIND in
	vxlan) $run ip link add $n type vxlan id 42 local $l4 remote $r4 dstport 4789 ;;
	vxlan6) $run ip link add $n type vxlan id 42 local $l6 remote $r6 dstport 4789 ;;
	geneve) $run ip link add $n type geneve id 42 remote $r4 ;;
	gre) $run ip link add $n type gre local $l4 remote $r4 ;;
	gretap) $run ip link add $n type gretap local $l4 remote $r4 ;;
	ipip) $run ip link add $n type ipip local $l4 remote $r4 ;;
	sit) $run ip link add $n type sit local $l4 remote $r4 ;;
	ip6tnl) $run ip link add $n type ip6tnl mode ip6ip6 local $l6 remote $r6 ;;
	ip6gre) $run ip link add $n type ip6gre local $l6 remote $r6 ;;
	*) fail "unknown kind $KIND" ;;
	esac
}

ENCAP=$KIND
case $KIND in
vxlan6) ENCAP=vxlan fam=6 ;;
gretap) ENCAP=gre ;;
sit) ENCAP=6in4 fam=6 ;;
ip6tnl) ENCAP=6in6 fam=6 ;;
ip6gre) ENCAP=gre fam=6 ;;
esac

if [ "$KIND" = mpls ]; then
	# MPLS: the client's route pushes label 100; the peer pops it.
	[ -d /proc/sys/net/mpls ] || modprobe mpls_router 2>/dev/null
	[ -d /proc/sys/net/mpls ] || skip "kernel without MPLS routing (mpls_router)"
	pe sysctl -qw net.mpls.platform_labels=1000
	pe sysctl -qw net.mpls.conf.veth1.input=1
	ip addr add $inner4.1/32 dev lo
	pe ip addr add $inner4.2/32 dev lo
	ip route add $inner4.2/32 encap mpls 100 via inet 172.31.0.2 dev veth0 ||
	    skip "no MPLS lightweight tunnels (mpls_iptunnel)"
	pe ip -f mpls route add 100 dev lo
	pe ip route add $inner4.1/32 via 172.31.0.1
else
	tun t1 1 2>"$WORK/err.txt" ||
	    skip "kernel cannot make a $KIND device: $(cat "$WORK/err.txt")"
	tun t2 2 || fail "peer $KIND device"
	ip link set t1 up
	pe ip link set t2 up
	if [ $fam = 4 ]; then
		ip addr add $inner4.1/24 dev t1
		pe ip addr add $inner4.2/24 dev t2
	else
		ip -6 addr add ${inner6}:1/64 dev t1 nodad
		pe ip -6 addr add ${inner6}:2/64 dev t2 nodad
	fi
fi
[ $fam = 4 ] && DST=$inner4.2 || DST=${inner6}:2

CAP=$WORK/tunnel-$KIND.pcapng
dumpcap -q -i veth0 -w "$CAP" 2>"$WORK/dumpcap.txt" &
DC=$!
i=0
while [ ! -s "$CAP" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$CAP" ] || fail "dumpcap did not start: $(cat "$WORK/dumpcap.txt")"
pe busybox nc -l -p 8080 >"$WORK/got.txt" </dev/null &
SRV=$!
# connect only once the server listens: a refused first try would be a
# second handshake in the capture
i=0
while ! pe ss -Hltn 'sport = :8080' | grep -q . && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ $i -lt 100 ] || fail "the server did not listen"
echo "hello through $KIND" | busybox nc -w 2 "$DST" 8080 ||
    fail "TCP connect to $DST through $KIND failed"
wait $SRV
sleep 0.3
kill -INT $DC
wait $DC
grep -q "hello through" "$WORK/got.txt" || fail "server got no data"

OUT=$WORK/report.txt
"$SYNLAB" analyze --ascii "$CAP" >"$OUT" 2>&1
rc=$?
cat "$OUT"
[ $rc = 0 ] || fail "analyze exit $rc"
n=$(grep -c "^#[0-9]* three-way" "$OUT")
[ "$n" = 1 ] || fail "expected 1 three-way handshake, found $n"
grep -q "inside $ENCAP;" "$OUT" || fail "handshake not reported inside $ENCAP"
grep -q "ended by fin" "$OUT" || fail "the connection's FIN was not seen"
grep -q " 0 malformed" "$OUT" || fail "malformed frames in a kernel capture"
if [ -n "$OUTDIR" ]; then
	cp "$CAP" "$OUTDIR/tunnel-$KIND.pcapng" || fail "copy to $OUTDIR"
	echo "kept $OUTDIR/tunnel-$KIND.pcapng"
fi
echo "ok [$KIND]: 1 three-way handshake inside $ENCAP"
