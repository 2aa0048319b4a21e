#!/bin/sh
# --ladder of one connection seen from two views draws one ladder with
# every mark on the page: no coordinate below 0 or past the width, one
# title, both SYNs drawn from their own host's line (A's at A, B's at B).
# usage: ladder_views.sh SYNLAB A.pcap B.pcap
set -u
SYNLAB=${1:?usage: ladder_views.sh SYNLAB A B}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
"$SYNLAB" analyze --ladder "$W/l.svg" "$2" "$3" >/dev/null ||
	{ echo "FAIL: analyze exit $?"; exit 1; }
width=$(grep -o '<svg[^>]*width="[0-9.]*"' "$W/l.svg" | grep -o 'width="[0-9.]*"' | head -1 | tr -dc '0-9.')
[ -n "$width" ] || { echo "FAIL: no width"; exit 1; }
bad=$(grep -o ' \(x\|x1\|x2\|cx\)="[^"]*"' "$W/l.svg" | sed 's/.*="//; s/"//' |
	awk -v w="$width" '$1 < 0 || $1 > w' | head -3)
[ -z "$bad" ] || { echo "FAIL: marks off the page (width $width): $bad"; exit 1; }
n=$(grep -c '>#[0-9]' "$W/l.svg")
[ "$n" = 1 ] || { echo "FAIL: $n ladders for one connection"; exit 1; }
echo "ok: one ladder, every x within 0..$width"
