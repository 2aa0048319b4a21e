#!/bin/sh
# The SVG ladders fold as the text report does: on a capture of many
# ordinary handshakes the picture draws the rare shapes first (up to 10 a
# shape), 2 of each ordinary shape, and says at its top how many of each
# shape it left out; --all draws every one; a selection (--shape) draws
# only what it selects; a violation comes before anything else.
# usage: ladder_fold.sh SYNLAB BENCH_GEN PCAPS_DIR
set -u
SYNLAB=${1:?usage: ladder_fold.sh SYNLAB BENCH_GEN PCAPS_DIR}
GEN=${2:?usage: ladder_fold.sh SYNLAB BENCH_GEN PCAPS_DIR}
P=${3:?usage: ladder_fold.sh SYNLAB BENCH_GEN PCAPS_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
bad() { echo "FAIL: $*"; fail=1; }
# Ladder titles in drawing order: "#ID SHAPE".
titles() { sed -n 's/.*class="title">\(#[0-9]*\) \([a-z-]*\) .*/\1 \2/p' "$1"; }
"$GEN" -n 2000 "$tmp/b.pcap" >/dev/null 2>&1 || { echo "FAIL: $GEN"; exit 1; }
"$SYNLAB" analyze --json "$tmp/b.pcap" >"$tmp/b.json" || bad "analyze --json"
"$SYNLAB" analyze --ladder "$tmp/f.svg" "$tmp/b.pcap" >/dev/null || bad "analyze --ladder"
"$SYNLAB" analyze --all --ladder "$tmp/a.svg" "$tmp/b.pcap" >/dev/null || bad "analyze --all --ladder"
total=$(grep -o '"handshakes":[0-9]*' "$tmp/b.json" | tail -1 | cut -d: -f2)
[ "$(titles "$tmp/a.svg" | wc -l)" = "$total" ] ||
	bad "--all draws $(titles "$tmp/a.svg" | wc -l) ladders, not $total"
grep -q 'not drawn' "$tmp/a.svg" && bad "--all says something was not drawn"
want=0
for s in three-way simultaneous-open self-connect refused unanswered reset incomplete; do
	n=$(grep -o "\"$s\":[0-9]*" "$tmp/b.json" | tail -1 | cut -d: -f2)
	case $s in simultaneous-open | self-connect) cap=10 ;; *) cap=2 ;; esac
	d=$n
	[ "$d" -gt $cap ] && d=$cap
	want=$((want + d))
	got=$(titles "$tmp/f.svg" | grep -c " $s\$")
	[ "$got" = "$d" ] || bad "$s: $got ladders drawn, want $d of $n"
	left=$((n - d))
	if [ $left -gt 0 ]; then
		l=$(echo $left | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')
		grep -q "class=\"sub folded\">$l $s handshakes* not drawn<" "$tmp/f.svg" ||
			bad "no line '$l $s handshakes not drawn'"
	fi
done
[ "$(titles "$tmp/f.svg" | wc -l)" = "$want" ] || bad "folded: $(titles "$tmp/f.svg" | wc -l) ladders, want $want"
# What was left out is said above the first ladder.
first_note=$(grep -n 'not drawn' "$tmp/f.svg" | head -1 | cut -d: -f1)
first_title=$(grep -n 'class="title"' "$tmp/f.svg" | head -1 | cut -d: -f1)
[ -n "$first_note" ] && [ "$first_note" -lt "$first_title" ] || bad "the folded lines are not at the top"
grep -q -- '--all draws every one' "$tmp/f.svg" || bad "the picture does not name --all"
# Rare shapes first: no simultaneous-open or self-connect after an ordinary one.
titles "$tmp/f.svg" | awk '$2 != "simultaneous-open" && $2 != "self-connect" { o = 1; next } o { exit 1 }' ||
	bad "a rare shape is drawn after an ordinary one"
# A selection draws only what it selects, every one with --all.
"$SYNLAB" analyze --shape refused --all --ladder "$tmp/r.svg" "$tmp/b.pcap" >/dev/null
nref=$(grep -o '"refused":[0-9]*' "$tmp/b.json" | tail -1 | cut -d: -f2)
[ "$(titles "$tmp/r.svg" | grep -c ' refused$')" = "$nref" ] &&
	[ "$(titles "$tmp/r.svg" | wc -l)" = "$nref" ] || bad "--shape refused --all: not the $nref refused alone"
# The violation first: the window-scale defect's ladder (its ids come
# after the bench capture's) before the bench's rare shapes.
"$SYNLAB" analyze --ladder "$tmp/w.svg" "$tmp/b.pcap" "$P/inject-wscale-defect.pcapng" >/dev/null
id=$(titles "$tmp/w.svg" | head -1 | sed 's/#\([0-9]*\) .*/\1/')
[ "${id:-0}" -gt "$total" ] || bad "the first ladder is #$id, not the violation's"
[ $fail = 0 ] && echo "ok: $want of $total ladders drawn, rare shapes first, the rest counted at the top; --all draws $total"
exit $fail
