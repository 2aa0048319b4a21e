#!/bin/sh
# The README's demo command: install, build, make this kernel perform the
# rare handshakes, and analyze the captures kept in pcaps/.  The terminal
# gets the highlights of each scenario (what happened, the ladder of the
# first rare handshake, the verdict); the full reports, annotated captures
# and SVG ladders go to demo-out/, listed at the end.
# With SYNLAB set (a built binary) it installs and builds nothing, and
# DEMO_OUT names another output directory: the demo test runs it so.
set -eu
cd "$(dirname "$0")/.."
if [ -z "${SYNLAB:-}" ]; then
	sh scripts/setup.sh >/dev/null
	cmake -S . -B build >/dev/null
	cmake --build build -j"$(nproc)" >/dev/null
	SYNLAB=build/cli/synlab
fi
OUT=${DEMO_OUT:-demo-out}
mkdir -p "$OUT"

# highlights LADDER < REPORT: the report's unindented lines (what the
# scenario did, the heads of the first two handshakes of each shape, the
# summary, the verdict) without the socket-call timeline; with LADDER=1
# also the whole block of the first simultaneous open or self-connect.
highlights() {
	awk -v ladder="$1" '
	/^socket calls/ { calls = 1; next }
	calls && /^ / { next }
	{ calls = 0 }
	blk { print; if ($0 == "") blk = 0; next }
	ladder && !done && /^#[0-9]+ (simultaneous-open|self-connect) / {
		done = 1; blk = 1; print; next
	}
	/^annotated capture: / || /^not shown / || /^$/ || /^ / { next }
	/^#[0-9]+ / && ++heads[$2] > 2 { next }
	{ print }'
}

# scenario NAME TITLE LADDER [ARGS...]: run it, full report to $OUT/NAME.txt
scenario() {
	name=$1 title=$2 ladder=$3
	shift 3
	printf '\n===== %s: synlab run %s\n' "$title" "$*"
	"$SYNLAB" run "$@" -o "$OUT/$name.pcapng" --ladder "$OUT/$name.svg" \
		>"$OUT/$name.txt" 2>&1 || true
	highlights "$ladder" <"$OUT/$name.txt"
	written="$written $OUT/$name.txt"
}

written=
scenario simultaneous-open "two SYNs cross" 1 simultaneous-open
scenario self-connect "a socket connects to itself" 1 self-connect
scenario reuseport "SO_REUSEPORT: two connections, one local port" 0 reuseport
scenario self-connect-race "the self-connect flake" 0 self-connect-race
scenario simultaneous-open-late "B's SYN 12 ms late: refused" 0 \
	simultaneous-open --delay 10ms --offset 12ms
scenario holepunch "TCP hole punching through two NATs" 0 holepunch

printf '\n===== the captures in pcaps/: synlab analyze --brief --findings pcaps/*.pcapng\n'
"$SYNLAB" analyze --ladder "$OUT/pcaps.svg" pcaps/*.pcapng >"$OUT/pcaps.txt" 2>&1 || true
"$SYNLAB" analyze --brief --findings pcaps/*.pcapng 2>&1 | grep -v '^ ' || true
written="$written $OUT/pcaps.txt"

printf '\nFull reports:\n'
for f in $written; do printf '  %s (%s lines)\n' "$f" "$(wc -l <"$f")"; done
printf 'Annotated captures (Wireshark shows the comments): %s/*.pcapng (%s files)\n' \
	"$OUT" "$(ls "$OUT"/*.pcapng | wc -l)"
printf 'Ladder diagrams: %s/*.svg, one per report (%s files)\n' \
	"$OUT" "$(ls "$OUT"/*.svg | wc -l)"
echo "try:"
echo "  tshark -r $OUT/simultaneous-open.A.pcapng -T fields -e frame.number -e frame.comment"
