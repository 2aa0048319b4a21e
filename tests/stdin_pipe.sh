#!/bin/sh
# A capture read from a pipe, as `tcpdump -w - | synlab analyze -` does:
# for every golden input, `-` and /dev/stdin fed through a pipe (plain
# and gzip-compressed) give the JSON report of the file itself, byte for
# byte but for the file's name and, for a pcapng of several interfaces,
# the views' names, count and clock offsets (a pipe cannot be read ahead for its
# interfaces, so they are not merged as vantages); `-o` with a pipe is
# refused with exit 3 and the reason, and leaves no output file.
# usage: stdin_pipe.sh SYNLAB INPUTS_DIR
set -u
SYNLAB=${1:?usage: stdin_pipe.sh SYNLAB INPUTS_DIR}
DIR=${2:?usage: stdin_pipe.sh SYNLAB INPUTS_DIR}
. "$(dirname "$0")/lib.sh"
need gzip
scratch
fail=0 n=0
clk='s|"clock_offset_us":[^,]*,"uncertainty_us":[^}]*|CLOCK|g;s|"views":[0-9]*,"shapes"|"views":N,"shapes"|'
for f in "$DIR"/*.pcap "$DIR"/*.pcapng; do
	"$SYNLAB" analyze --json "$f" 2>/dev/null |
		sed "s|$f|IN|g;s|\"name\":\"IN ([^\"]*)\"|\"name\":\"IN\"|g;$clk" >"$tmp/want"
	for how in - /dev/stdin gz; do
		case $how in
		gz) gzip -c "$f" | "$SYNLAB" analyze --json - ;;
		*) cat "$f" | "$SYNLAB" analyze --json "$how" ;;
		esac 2>/dev/null | sed "s|/dev/stdin|IN|g;s|\"-\"|\"IN\"|g;s|\"-: |\"IN: |g;$clk" >"$tmp/got"
		n=$((n + 1))
		if ! cmp -s "$tmp/want" "$tmp/got"; then
			echo "FAIL: $(basename "$f") through a pipe ($how):"
			diff "$tmp/want" "$tmp/got" | head -5
			fail=1
		fi
	done
done
f=$(ls "$DIR"/*.pcapng | head -1)
cat "$f" | "$SYNLAB" analyze -o "$tmp/out.pcapng" - >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -ne 3 ] || ! grep -q "a pipe is read once" "$tmp/err" ||
	[ -e "$tmp/out.pcapng" ]; then
	echo "FAIL: -o with a pipe: exit $rc, $(cat "$tmp/err")"
	fail=1
fi
echo "$n pipe reads of $(ls "$DIR"/*.pcap "$DIR"/*.pcapng | wc -l) inputs compared"
exit $fail
