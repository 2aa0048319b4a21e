#!/bin/sh
# The Wireshark plugin contrib/wireshark/synlab.lua, run by tshark over
# annotated files, gives the fields the JSON report says: every frame of a
# connection (in every view) has synlab.shape and synlab.id of it, and
# synlab.view when it has several views; Expert Info holds one Error per
# frame a violation names, and the display filter on synlab.shape selects
# exactly the connection's frames; every coloring rule of
# contrib/wireshark/colorfilters is a filter tshark accepts.
# usage: plugin_tshark.sh SYNLAB PLUGIN INPUT...
set -u
SYNLAB=${1:?usage: plugin_tshark.sh SYNLAB PLUGIN INPUT...}
PLUGIN=${2:?usage: plugin_tshark.sh SYNLAB PLUGIN INPUT...}
shift 2
command -v tshark >/dev/null 2>&1 || { echo "SKIP: tshark not installed"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 missing"; exit 77; }
tshark -v 2>/dev/null | grep -q 'with Lua' ||
	{ echo "SKIP: this tshark has no Lua"; exit 77; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
T="tshark -X lua_script:$PLUGIN"
COLORS=$(dirname "$PLUGIN")/colorfilters
for in in "$@"; do
	"$SYNLAB" analyze --json --annotate "$W/out.pcapng" "$in" >"$W/a.json"
	[ $? -le 1 ] || { echo "FAIL $in: analyze"; exit 1; }
	$T -r "$W/out.pcapng" -T fields -E occurrence=f -e frame.number \
		-e synlab.shape -e synlab.id -e synlab.view -e synlab.severity \
		>"$W/fields" 2>"$W/err"
	grep -v '^Running as user' "$W/err" >"$W/err2"
	[ -s "$W/err2" ] && { echo "FAIL $in: tshark:"; cat "$W/err2"; exit 1; }
	$T -r "$W/out.pcapng" -Y 'synlab.shape == "simultaneous-open"' \
		-T fields -e frame.number >"$W/simopen" 2>/dev/null
	$T -r "$W/out.pcapng" -q -z expert,error >"$W/expert" 2>/dev/null
	grep '^@' "$COLORS" | cut -d@ -f3 | while read -r filter; do
		$T -r "$W/out.pcapng" -Y "$filter" >/dev/null 2>"$W/cerr" || {
			echo "FAIL: coloring rule '$filter': $(cat "$W/cerr")"
			exit 1
		}
	done || exit 1
	python3 - "$W/a.json" "$W/fields" "$W/simopen" "$W/expert" "$in" <<'PY' || exit 1
import json, re, sys
doc = json.load(open(sys.argv[1]))
name = sys.argv[5]
got = {}
for line in open(sys.argv[2]):
    num, shape, cid, view, sev = (line.rstrip("\n").split("\t") + [""] * 5)[:5]
    got[int(num)] = (shape, cid, view)
want_simopen, errors = set(), 0
for h in doc["handshakes"]:
    several = len(h["views"]) > 1
    for v in h["views"]:
        for f in v["frames"]:
            shape, cid, view = got.get(f, ("", "", ""))
            if shape != h["shape"] or cid != str(h["id"]):
                sys.exit("FAIL %s: frame %d: plugin says %s #%s, JSON %s #%d"
                         % (name, f, shape, cid, h["shape"], h["id"]))
            if several != (view != ""):
                sys.exit("FAIL %s: frame %d: synlab.view %r for %d views"
                         % (name, f, view, len(h["views"])))
            if h["shape"] == "simultaneous-open":
                want_simopen.add(f)
    for fd in h["findings"]:
        if fd["severity"] == "violation":
            errors += sum(len(x) for x in fd.get("view_frames", [fd["frames"]]))
sel = {int(l) for l in open(sys.argv[3]) if l.strip()}
if sel != want_simopen:
    sys.exit("FAIL %s: filter selects %s, JSON says %s" % (name, sorted(sel), sorted(want_simopen)))
m = re.search(r"Errors \((\d+)\)", open(sys.argv[4]).read())
n = int(m.group(1)) if m else 0
if n != errors:
    sys.exit("FAIL %s: %d expert errors, JSON names %d violation frames" % (name, n, errors))
print("ok %s: %d frames with fields, %d simultaneous-open, %d expert errors" % (name, len(got), len(sel), n))
PY
done
