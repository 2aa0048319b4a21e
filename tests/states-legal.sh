#!/bin/sh
# Every state change the analyzer reports is one RFC 9293 allows (its
# Figure 5 and §3.10.7): no ESTABLISHED -> SYN-SENT, no endpoint moving
# backwards.  Runs `synlab analyze --json` on every golden input and on
# every capture in pcaps/, and checks each frame's [before, after] pair
# for each endpoint.
# usage: states-legal.sh SYNLAB SOURCE_DIR
set -u
SYNLAB=${1:?usage: states-legal.sh SYNLAB SOURCE_DIR}
SRC=${2:?usage: states-legal.sh SYNLAB SOURCE_DIR}
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 missing"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for f in "$SRC"/tests/golden/inputs/*.pcap "$SRC"/tests/golden/inputs/*.pcapng \
	"$SRC"/pcaps/*.pcapng; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	"$SYNLAB" analyze --json "$f" >"$tmp/$n.json" 2>/dev/null
	echo "$f" >"$tmp/$n.name"
done
python3 - "$tmp" "$n" <<'PY'
import json, os, sys

d, n = sys.argv[1], int(sys.argv[2])
# RFC 9293 Figure 5 and §3.10.7, plus what a capture that starts late can
# show (a state first seen, "?"), a side that restarts (CLOSED again) and
# an abort from any synchronized state (RST: CLOSED).
legal = {
    "LISTEN": {"SYN-RECEIVED", "CLOSED"},
    "CLOSED": {"SYN-SENT", "LISTEN", "SYN-RECEIVED"},
    "SYN-SENT": {"SYN-RECEIVED", "ESTABLISHED", "CLOSED"},
    "SYN-RECEIVED": {"ESTABLISHED", "LISTEN", "CLOSED", "FIN-WAIT-1",
                     "CLOSE-WAIT"},
    "ESTABLISHED": {"FIN-WAIT-1", "CLOSE-WAIT", "CLOSED"},
    "FIN-WAIT-1": {"FIN-WAIT-2", "CLOSING", "TIME-WAIT", "CLOSED"},
    "FIN-WAIT-2": {"TIME-WAIT", "CLOSED"},
    "CLOSE-WAIT": {"LAST-ACK", "CLOSED"},
    "CLOSING": {"TIME-WAIT", "CLOSED"},
    "LAST-ACK": {"CLOSED"},
    "TIME-WAIT": {"CLOSED", "SYN-RECEIVED"},  # RFC 6191 reuse
}
bad = checked = 0
for i in range(1, n + 1):
    name = open(os.path.join(d, "%d.name" % i)).read().strip()
    try:
        doc = json.load(open(os.path.join(d, "%d.json" % i)))
    except ValueError:
        continue  # a corrupt input: its JSON is checked elsewhere
    for hs in doc.get("handshakes", []):
        for seg in hs.get("segments", []):
            for side, st in (seg.get("states") or {}).items():
                if not st:
                    continue
                a, b = st
                checked += 1
                if a == b or a == "?" or b in legal.get(a, ()):
                    continue
                bad += 1
                print("FAIL: %s: handshake %d frame %d: %s goes %s -> %s"
                      % (os.path.basename(name), hs["id"], seg["frame"],
                         side.upper(), a, b))
print("states-legal: %d inputs, %d state changes checked, %d illegal"
      % (n, checked, bad))
sys.exit(1 if bad else 0)
PY
