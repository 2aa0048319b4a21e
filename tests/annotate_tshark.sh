#!/bin/sh
# The annotated pcapng, read by Wireshark's own reader, agrees with the
# analyzer's JSON (docs/design.md "Annotated pcapng"):
#   - tshark reads it without a warning;
#   - every frame the JSON lists for a handshake carries a comment naming
#     that handshake ("SHAPE #ID"), and no other frame does;
#   - the display filter frame.comment contains "simultaneous-open" selects
#     exactly the frames of the simultaneous opens.
# usage: annotate_tshark.sh SYNLAB INPUT...
set -u
SYNLAB=${1:?usage: annotate_tshark.sh SYNLAB INPUT...}
shift
command -v tshark >/dev/null 2>&1 || { echo "SKIP: tshark not installed"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 missing"; exit 77; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
for in in "$@"; do
	"$SYNLAB" analyze --json --annotate "$W/out.pcapng" "$in" >"$W/a.json"
	rc=$?
	[ $rc -le 1 ] || { echo "FAIL $in: analyze exit $rc"; exit 1; }
	tshark -r "$W/out.pcapng" -T fields -e frame.number -e frame.comment \
		>"$W/fields" 2>"$W/err"
	grep -v '^Running as user "root"' "$W/err" >"$W/err2"
	if [ -s "$W/err2" ]; then
		echo "FAIL $in: tshark warned:"; cat "$W/err2"; exit 1
	fi
	tshark -r "$W/out.pcapng" -Y 'frame.comment contains "simultaneous-open"' \
		-T fields -e frame.number >"$W/filtered" 2>/dev/null
	python3 - "$W/a.json" "$W/fields" "$W/filtered" "$in" <<'PY' || exit 1
import json, sys
doc = json.load(open(sys.argv[1]))
comments = {}
for line in open(sys.argv[2]):
    num, _, c = line.rstrip("\n").partition("\t")
    comments[int(num)] = c
filtered = {int(l) for l in open(sys.argv[3]) if l.strip()}
name = sys.argv[4]
# A single input: frame numbers in the output equal the input's.
want_simopen = set()
named = {}
for h in doc["handshakes"]:
    tag = "%s #%d" % (h["shape"], h["id"])
    # one connection, its frames in every view (one input: file numbers)
    for f in sorted({f for v in h["views"] for f in v["frames"]}):
        named.setdefault(f, []).append(tag)
        if h["shape"] == "simultaneous-open":
            want_simopen.add(f)
for f, tags in named.items():
    for t in tags:
        if t not in comments.get(f, ""):
            sys.exit("FAIL %s: frame %d lacks '%s' (comment: %r)" % (name, f, t, comments.get(f)))
for f, c in comments.items():
    if "synlab:" in c and f not in named:
        sys.exit("FAIL %s: frame %d has a synlab comment but no handshake lists it" % (name, f))
if filtered != want_simopen:
    sys.exit("FAIL %s: filter selects %s, the JSON says %s" % (name, sorted(filtered), sorted(want_simopen)))
print("ok %s: %d frames commented as the JSON says; the simultaneous-open filter selects %d" % (name, len(named), len(filtered)))
PY
done
echo "1 passed, 0 failed"
