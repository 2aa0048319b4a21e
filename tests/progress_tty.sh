#!/bin/sh
# Progress on stderr while a long capture is read: on a terminal (script(1)
# gives the command one) a line rewritten in place names the file, the
# share and bytes read, packets, rate and time left, and is erased before
# the report goes on, so no report line carries a piece of it; with stderr
# not a terminal, stderr stays empty.  Writing an annotated capture (-o)
# shows its own progress line.
# usage: progress_tty.sh SYNLAB BENCH_GEN
set -u
SYNLAB=${1:?usage: progress_tty.sh SYNLAB BENCH_GEN}
GEN=${2:?usage: progress_tty.sh SYNLAB BENCH_GEN}
command -v script >/dev/null || { echo "SKIP: script (util-linux) not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
# 150,000 handshakes, 1,087,500 frames: about a second of reading, so
# several lines at four a second.
"$GEN" -n 150000 "$tmp/big.pcap" >/dev/null 2>&1 || { echo "FAIL: $GEN"; exit 1; }
# stdout to a file, stderr the terminal.
script -qec "'$SYNLAB' analyze '$tmp/big.pcap' >'$tmp/report'" /dev/null |
	tr '\r' '\n' >"$tmp/tty"
n=$(grep -c 'big.pcap: *[0-9]*%, [0-9.]* [kMG]*B of [0-9.]* MB, [0-9,]* packets, [0-9.]* [kMG]*B/s, .* left$' "$tmp/tty")
[ "$n" -ge 1 ] || { echo "FAIL: no progress line on the terminal:"; cat -v "$tmp/tty" | head; fail=1; }
# Packets grow from one line to the next.
grep -o '[0-9,]* packets' "$tmp/tty" | tr -d , | awk '$1 <= p { exit 1 } { p = $1 }' ||
	{ echo "FAIL: the packet count does not grow"; fail=1; }
grep -q '^summary: 150000 handshakes' "$tmp/report" || { echo "FAIL: no report"; fail=1; }
# The last thing on the terminal erases the line.
[ "$(tail -c 4 "$tmp/tty" | od -An -c | tr -d ' ')" = '\033[K\n' ] ||
	[ "$(tail -n 1 "$tmp/tty" | cat -v)" = '^[[K' ] ||
	{ echo "FAIL: the progress line is not erased at the end"; tail -n 2 "$tmp/tty" | cat -v; fail=1; }
# Report and progress on one terminal: every report line is whole.
script -qec "'$SYNLAB' analyze '$tmp/big.pcap'" /dev/null | tr '\r' '\n' |
	sed 's/\x1b\[K//' >"$tmp/both"
grep 'packets, ' "$tmp/both" | grep -v "^$tmp/big.pcap: " &&
	{ echo "FAIL: a report line carries the progress"; fail=1; }
grep -q '^summary: 150000 handshakes' "$tmp/both" || { echo "FAIL: no summary on the terminal"; fail=1; }
# Writing the annotated capture reads the file again: its progress too.
script -qec "'$SYNLAB' analyze -o '$tmp/o.pcapng' '$tmp/big.pcap' >/dev/null" /dev/null |
	tr '\r' '\n' >"$tmp/ann"
grep -q "^.\[Kannotating $tmp/big.pcap: *[0-9]*%, .* packets, " "$tmp/ann" ||
	{ echo "FAIL: no progress while annotating:"; tail -n 3 "$tmp/ann" | cat -v; fail=1; }
rm -f "$tmp/o.pcapng"
# Not a terminal: nothing on stderr.
"$SYNLAB" analyze "$tmp/big.pcap" >/dev/null 2>"$tmp/err"
[ -s "$tmp/err" ] && { echo "FAIL: stderr not a terminal, yet:"; head -3 "$tmp/err" | cat -v; fail=1; }
[ $fail = 0 ] && echo "ok: $n progress lines on a terminal, erased at the end; none when stderr is a file"
exit $fail
