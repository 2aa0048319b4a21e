#!/bin/sh
# A segment one vantage never saw is an attribute of the one connection,
# not another handshake: B's capture with A's last ACK removed (editcap),
# analyzed with A's capture, is 1 connection from 2 views, the same shape,
# and that ACK is "lost on the path", seen only at view 1.
# usage: views_lost.sh SYNLAB A.pcap B.pcap FRAME-TO-DROP-IN-B
set -u
SYNLAB=${1:?usage: views_lost.sh SYNLAB A B FRAME}
command -v editcap >/dev/null 2>&1 || { echo "SKIP: editcap not installed"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 missing"; exit 77; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
editcap "$3" "$W/b.pcap" "$4" || { echo "FAIL: editcap"; exit 1; }
"$SYNLAB" analyze --json "$2" "$W/b.pcap" >"$W/m.json" ||
	{ echo "FAIL: analyze exit $?"; exit 1; }
"$SYNLAB" analyze --ascii "$2" "$W/b.pcap" >"$W/m.txt"
grep -q 'lost on the path: seen only at view 1' "$W/m.txt" ||
	{ echo "FAIL: the text does not say lost on the path"; cat "$W/m.txt"; exit 1; }
python3 - "$W/m.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
hs = d["handshakes"]
if len(hs) != 1 or d["summary"]["handshakes"] != 1 or d["summary"]["views"] != 2:
    sys.exit("FAIL: %d handshakes, summary %s" % (len(hs), d["summary"]))
h = hs[0]
if h["shape"] != "simultaneous-open":
    sys.exit("FAIL: shape %s" % h["shape"])
lost = [s for s in h["segments"] if s.get("lost_on_path")]
if len(lost) != 1 or lost[0]["from"] != "a" or lost[0]["seen_only_at"] != 1 \
        or lost[0]["view_frames"][1] is not None:
    sys.exit("FAIL: lost segments %s" % lost)
timed = [s for s in h["segments"] if "depart_ns" in s]
if len(timed) != len(h["segments"]) - 1:
    sys.exit("FAIL: %d of %d segments timed" % (len(timed), len(h["segments"])))
print("ok: 1 connection, 2 views; frame %d lost on the path" % lost[0]["frame"])
PY
