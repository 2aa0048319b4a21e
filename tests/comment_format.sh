#!/bin/sh
# Every comment synlab writes parses with the grammar of
# docs/comment-format.md (format 2): the annotated output of each input,
# and the comments already in pcaps/ (written by `synlab run`).
# usage: comment_format.sh SYNLAB INPUT...
set -u
SYNLAB=${1:?usage: comment_format.sh SYNLAB INPUT...}
shift
command -v tshark >/dev/null 2>&1 || { echo "SKIP: tshark not installed"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 missing"; exit 77; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
: >"$W/all"
for in in "$@"; do
	"$SYNLAB" analyze --annotate "$W/out.pcapng" "$in" >/dev/null 2>&1
	[ $? -le 1 ] || continue # corrupt inputs: nothing annotated
	tshark -r "$W/out.pcapng" -T fields -e frame.comment 2>/dev/null |
		sed "s|^|$in\t|" >>"$W/all"
done
python3 - "$W/all" <<'PY'
import re, sys
STATE = r"(?:\?|CLOSED|LISTEN|SYN-SENT|SYN-RECEIVED|ESTABLISHED|FIN-WAIT-1|FIN-WAIT-2|CLOSE-WAIT|CLOSING|LAST-ACK|TIME-WAIT)"
HOSTSTATE = r"[AB] %s(?: -> %s(?: -> %s)?)?" % (STATE, STATE, STATE)
STATES = r"%s(?:, %s)?" % (HOSTSTATE, HOSTSTATE)
SHAPE = r"(?:three-way|simultaneous-open|self-connect|refused|unanswered|reset|incomplete)"
SHAPE_ID = r"%s #\d+(?: view \d+/\d+ at (?:a|b|path|local|unknown))?" % SHAPE
WHAT = r"(?:(?! \| ).)+"
FINDING = r"(?:violation|warning|note) [a-z0-9-]+ \([^)]*\): (?:(?! \| ).)+"
HANDSHAKE = re.compile(r"^synlab: %s \| %s \| %s(?: \| %s)*$" % (STATES, SHAPE_ID, WHAT, FINDING))
n = bad = 0
for line in open(sys.argv[1]):
    src, _, c = line.rstrip("\n").partition("\t")
    if not c:
        continue
    # frame.comment joins several opt_comments with ","; synlab writes one
    entries = re.split(r" \| (?=synlab)", c)
    for e in entries:
        if not e.startswith("synlab"):
            continue
        n += 1
        if e.startswith("synlab event: "):
            continue
        if not HANDSHAKE.match(e):
            bad += 1
            if bad <= 5:
                print("FAIL %s: does not parse: %r" % (src, e))
if bad or n == 0:
    sys.exit("FAIL: %d of %d entries do not parse" % (bad, n))
print("ok: %d comment entries parse as docs/comment-format.md says" % n)
PY
