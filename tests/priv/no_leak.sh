#!/bin/sh
# Privileged test: no packet of any scenario reaches the caller's network.
#
# usage: no_leak.sh SYNLAB
#
# While every scenario runs (IPv4 and IPv6), dumpcap listens on all of the
# caller's interfaces ("any", in the caller's namespace) for the sandbox's
# addresses and ports and for any self-connect (source port = destination
# port).  The scenarios happen in namespaces of their own, so it must see
# nothing.  Exit 77 when not root or dumpcap is missing.  (dumpcap, not
# tcpdump: tcpdump -w on "any" here counted the packets as received but
# captured none of them, which would make this test pass blindly; the
# check below proves the listener sees a self-connect before it starts.)
set -u
SYNLAB=${1:?usage: no_leak.sh SYNLAB}
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
[ "$(id -u)" = 0 ] || skip "not root (privileged test)"
command -v dumpcap >/dev/null 2>&1 || skip "dumpcap (wireshark-common) not installed"
command -v python3 >/dev/null 2>&1 || skip "python3 missing (makes the control self-connect)"
[ -c /dev/net/tun ] || skip "/dev/net/tun missing"
unshare -n true 2>/dev/null || skip "cannot create a network namespace"

WORK=$(mktemp -d /tmp/synlab-noleak.XXXXXX) || fail mktemp
TD=
cleanup() {
	[ -n "$TD" ] && kill "$TD" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

FILTER='net 10.0.0.0/24 or net fd00::/64 or tcp port 1314 or tcp port 9000
	or tcp port 9001 or tcp port 9002 or tcp port 50000
	or (tcp and tcp[0:2] = tcp[2:2])'
dumpcap -q -i any -f "$FILTER" -w "$WORK/host.pcapng" >"$WORK/td.log" 2>&1 &
TD=$!
for _ in $(seq 50); do
	grep -q "Capturing on" "$WORK/td.log" && break
	sleep 0.1
done
grep -q "Capturing on" "$WORK/td.log" || fail "dumpcap did not start: $(cat "$WORK/td.log")"
sleep 1
# Control: one self-connect on the caller's loopback must be seen, or the
# listener is blind and a count of zero would prove nothing.
CTRL=$(python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.connect(s.getsockname())
print(s.getsockname()[1])
s.close()') || fail "control self-connect failed"
for s in simultaneous-open self-connect reuseport self-connect-race; do
	for fam in "" -6; do
		"$SYNLAB" run "$s" $fam --combined -o "$WORK/$s.pcapng" >"$WORK/run.log" 2>&1
		rc=$?
		[ $rc -le 1 ] || fail "synlab run $s $fam exited $rc: $(tail -3 "$WORK/run.log")"
		# the sandbox must have seen packets of its own
		n=$(tcpdump -r "$WORK/$s.pcapng" 2>/dev/null | wc -l)
		[ "$n" -gt 0 ] || fail "synlab run $s $fam captured nothing"
		echo "ok: $s $fam: $n packets inside the sandbox"
	done
done
sleep 0.5
kill "$TD" 2>/dev/null
wait "$TD" 2>/dev/null
TD=
# tcp[0:2] = tcp[2:2] matches the control's packets; the sandbox's must not
# be there: none from 10.0.0.0/24 or fd00::/64, and no other self-connect.
all=$(tshark -r "$WORK/host.pcapng" 2>/dev/null | wc -l)
[ "$all" -ge 3 ] || fail "the listener saw only $all packets of the control self-connect: blind"
seen=$(tshark -r "$WORK/host.pcapng" -Y "ip.addr==10.0.0.0/24 or ipv6.addr==fd00::/64 or tcp.port in {1314 9000 9001 9002 50000} or (tcp.srcport==tcp.dstport and not tcp.port==$CTRL)" 2>/dev/null | wc -l)
if [ "$seen" -ne 0 ]; then
	tshark -r "$WORK/host.pcapng" 2>/dev/null | head -20
	fail "$seen packets of the scenarios reached the caller's interfaces"
fi
echo "ok: the caller's interfaces saw the control self-connect ($all packets) and 0 packets of 8 scenario runs"
echo "1 passed, 0 failed"
