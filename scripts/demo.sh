#!/bin/sh
# The README's demo command: install, build, make this kernel perform the
# rare handshakes, and analyze the captures kept in pcaps/.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
SYNLAB=build/cli/synlab
mkdir -p demo-out
for s in simultaneous-open self-connect reuseport self-connect-race; do
	echo
	echo "===== synlab run $s"
	$SYNLAB run "$s" -o "demo-out/$s.pcapng" || true
done
echo
echo "===== synlab run simultaneous-open --delay 10ms --offset 12ms (too late: refused)"
$SYNLAB run simultaneous-open --delay 10ms --offset 12ms \
	-o demo-out/simultaneous-open-late.pcapng || true
echo
echo "===== synlab analyze --ladder demo-out/pcaps.svg pcaps/*.pcapng"
$SYNLAB analyze --ladder demo-out/pcaps.svg pcaps/*.pcapng || true
echo
echo "annotated captures and ladders are in demo-out/; try:"
echo "  tshark -r demo-out/simultaneous-open.A.pcapng -T fields -e frame.number -e frame.comment"
