#!/bin/sh
# Annotating a file synlab annotated before replaces synlab's own comments
# and keeps everyone else's (docs/comment-format.md): for each input, the
# frame comments of annotate(annotate(input)) equal those of
# annotate(input); a comment of someone else's (editcap -a) survives both
# passes; and no comment holds one part twice.
# usage: annotate_twice.sh SYNLAB INPUT...
set -u
SYNLAB=${1:?usage: annotate_twice.sh SYNLAB INPUT...}
shift
command -v tshark >/dev/null 2>&1 || { echo "SKIP: tshark not installed"; exit 77; }
command -v editcap >/dev/null 2>&1 || { echo "SKIP: editcap not installed"; exit 77; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fields() {
	tshark -r "$1" -T fields -e frame.number -e frame.comment 2>/dev/null
}
for in in "$@"; do
	editcap -a '1:someone else: look here' "$in" "$W/in.pcapng" ||
		{ echo "FAIL $in: editcap"; exit 1; }
	"$SYNLAB" analyze --annotate "$W/a1.pcapng" "$W/in.pcapng" >/dev/null
	[ $? -le 1 ] || { echo "FAIL $in: first annotate"; exit 1; }
	"$SYNLAB" analyze --annotate "$W/a2.pcapng" "$W/a1.pcapng" >/dev/null
	[ $? -le 1 ] || { echo "FAIL $in: second annotate"; exit 1; }
	fields "$W/a1.pcapng" >"$W/f1"
	fields "$W/a2.pcapng" >"$W/f2"
	if ! cmp -s "$W/f1" "$W/f2"; then
		echo "FAIL $in: a second annotation changed the comments:"
		diff "$W/f1" "$W/f2" | head -20
		exit 1
	fi
	n=$(grep -c 'someone else: look here' "$W/f2")
	[ "$n" = 1 ] || { echo "FAIL $in: the foreign comment appears $n times"; exit 1; }
	# Every event the input carried is still there, once.
	fields "$in" | tr '\t' '\n' | grep -o 'synlab event: [^|]*' | sort >"$W/e0"
	tr '\t' '\n' <"$W/f2" | grep -o 'synlab event: [^|]*' | sort >"$W/e2"
	if ! cmp -s "$W/e0" "$W/e2"; then
		echo "FAIL $in: socket events lost or doubled:"
		diff "$W/e0" "$W/e2" | head -10
		exit 1
	fi
	echo "ok $in: $(wc -l <"$W/f2") frames, comments stable"
done
