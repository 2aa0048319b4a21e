#!/bin/sh
# `synlab analyze --filter EXPR FILE` analyzes exactly the frames
# `tcpdump -r FILE EXPR` selects (the summary's frame count against
# tcpdump's line count), for every golden input tcpdump reads and a set
# of expressions; -c N stops after N selected frames as tcpdump -c does;
# a filter that does not compile is a usage error; a FILE argument that
# is a filter draws the hint.
# usage: filter_tcpdump.sh SYNLAB INPUTS_DIR
set -u
SYNLAB=${1:?usage: filter_tcpdump.sh SYNLAB INPUTS_DIR}
DIR=${2:?usage: filter_tcpdump.sh SYNLAB INPUTS_DIR}
. "$(dirname "$0")/lib.sh"
need tcpdump
scratch
fail=0 n=0 nz=0
frames() { # FILE ARGS...: the summary's frame count of synlab analyze --json
	f=$1; shift
	"$SYNLAB" analyze --json "$@" "$f" 2>/dev/null |
		grep -o '"frames":[0-9]*,"tcp_segments"' | grep -o '[0-9][0-9]*'
}
for f in "$DIR"/*.pcap "$DIR"/*.pcapng; do
	case $f in *corrupt* | *malformed*) continue ;; esac
	tcpdump -r "$f" -w /dev/null 2>/dev/null || continue
	for e in 'tcp' 'not tcp' 'tcp[tcpflags] & tcp-syn != 0' \
		'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn' 'port 1314' \
		'ip6' 'vlan' 'src host 10.0.0.1' 'tcp and greater 100' \
		'tcp port 80 or tcp port 1314'; do
		# tcpdump could not compile it for this link type: skip
		tcpdump -n -r "$f" "$e" >"$tmp/td" 2>/dev/null || continue
		want=$(wc -l <"$tmp/td")
		got=$(frames "$f" --filter "$e")
		n=$((n + 1))
		[ "$want" -gt 0 ] && nz=$((nz + 1))
		if [ "$got" != "$want" ]; then
			echo "FAIL: $(basename "$f") '$e': synlab $got frames, tcpdump $want"
			fail=1
		fi
		# -c 2 counts selected frames, as tcpdump -c 2 prints min(2, want)
		case $e in tcp) ;; *) continue ;; esac
		want2=$((want < 2 ? want : 2))
		got2=$(frames "$f" --filter "$e" -c 2)
		if [ "$got2" != "$want2" ]; then
			echo "FAIL: $(basename "$f") '$e' -c 2: synlab $got2, tcpdump $want2"
			fail=1
		fi
	done
done
[ "$n" -ge 100 ] && [ "$nz" -ge 50 ] ||
	{ echo "FAIL: only $n comparisons ($nz non-empty)"; fail=1; }
three="$DIR/three-way.pcap"
all=$(frames "$three")
c3=$(frames "$three" -c 3)
[ "$c3" = 3 ] && [ "$all" -gt 3 ] ||
	{ echo "FAIL: -c 3 read $c3 of $all frames"; fail=1; }
"$SYNLAB" analyze --filter 'tcp prot 80' "$three" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] && grep -q "filter 'tcp prot 80'" "$tmp/err" ||
	{ echo "FAIL: a bad filter exits $rc: $(cat "$tmp/err")"; fail=1; }
"$SYNLAB" analyze -f 'ether host 00:11:22:33:44:55' "$DIR/link-raw-101.pcap" \
	>/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 3 ] && grep -q "link-raw-101.pcap: filter 'ether host .*' for link type RAW: " "$tmp/err" ||
	{ echo "FAIL: a filter for another link type exits $rc: $(cat "$tmp/err")"; fail=1; }
"$SYNLAB" analyze -c 0 "$three" >/dev/null 2>&1
[ $? = 2 ] || { echo "FAIL: -c 0 is not a usage error"; fail=1; }
"$SYNLAB" analyze "$three" tcp port 80 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] && [ ! -s "$tmp/out" ] &&
	grep -q "tcp: no such file; did you mean --filter 'tcp port 80'?" "$tmp/err" ||
	{ echo "FAIL: no hint for 'FILE tcp port 80' (exit $rc): $(cat "$tmp/err")"; fail=1; }
"$SYNLAB" analyze "$DIR/no-such.pcap" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 3 ] && ! grep -q "did you mean" "$tmp/err" ||
	{ echo "FAIL: a missing file exits $rc or draws a hint"; fail=1; }
[ "$fail" -eq 0 ] || exit 1
echo "filter-tcpdump: $n filters on the golden inputs ($nz selecting frames) select tcpdump's frames, and -c 2 after 'tcp'"
