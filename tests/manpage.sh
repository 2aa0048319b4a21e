#!/bin/sh
# The manual page docs/synlab.1 renders without a warning and names every
# long option that `synlab CMD --help` prints, every subcommand, scenario,
# shape and rule the binary knows: it reads them from the binary at test
# time, so an option added to a --help without the manual fails here.
# usage: manpage.sh SYNLAB MANPAGE
set -u
SYNLAB=${1:?usage: manpage.sh SYNLAB MANPAGE}
PAGE=${2:?usage: manpage.sh SYNLAB MANPAGE}
. "$(dirname "$0")/lib.sh"
need man man-db
scratch
export LC_ALL=C MANWIDTH=80 MANPAGER=cat PAGER=cat
if ! man --warnings -l "$PAGE" >"$tmp/page" 2>"$tmp/warn"; then
	echo "FAIL: man -l $PAGE exited nonzero"; cat "$tmp/warn"; exit 1
fi
if [ -s "$tmp/warn" ]; then
	echo "FAIL: man -l $PAGE warns:"; cat "$tmp/warn"; exit 1
fi
n=$(wc -l <"$tmp/page")
[ "$n" -gt 100 ] || { echo "FAIL: the page renders to $n lines"; exit 1; }
miss=0
# has WORD: WORD appears in the rendered page, not as part of a longer word.
has() {
	grep -q -e "\(^\|[^a-z0-9-]\)$1\([^a-z0-9-]\|$\)" "$tmp/page"
}
need() {
	if ! has "$1"; then
		echo "FAIL: $2 '$1' is not in the manual page"
		miss=$((miss + 1))
	fi
}
# Subcommands from `synlab --help` ("  NAME ..." under "commands:").
"$SYNLAB" --help >"$tmp/top" 2>&1
cmds=$(sed -n '/^commands:/,/^$/p' "$tmp/top" | awk 'NR > 1 && NF { print $1 }')
[ -n "$cmds" ] || { echo "FAIL: no commands in synlab --help"; exit 1; }
nopt=0
for c in $cmds; do
	need "$c" "command"
	"$SYNLAB" "$c" --help >"$tmp/help.$c" 2>&1
	for o in $(grep -o -e '--[a-z0-9][a-z0-9-]*' "$tmp/help.$c" | sort -u); do
		need "$o" "option of synlab $c"
		nopt=$((nopt + 1))
	done
done
[ "$nopt" -gt 20 ] || { echo "FAIL: only $nopt options read from --help"; exit 1; }
# Scenarios: the first word of each `run --list` line indented by two.
scen=$("$SYNLAB" run --list 2>&1 | sed -n 's/^  \([a-z][a-z0-9-]*\) .*/\1/p')
[ -n "$scen" ] || { echo "FAIL: no scenarios in synlab run --list"; exit 1; }
for s in $scen; do need "$s" "scenario"; done
# Shapes: the "shapes:" paragraph of `analyze --help`.
shapes=$(awk '/^shapes:/ { f = 1; sub(/^shapes:/, ""); print; next }
	f && /^[ \t]/ { print; next } { f = 0 }' "$tmp/help.analyze" |
	tr ' ' '\n' | grep .)
[ -n "$shapes" ] || { echo "FAIL: no shapes in analyze --help"; exit 1; }
for s in $shapes; do need "$s" "shape"; done
rules=$("$SYNLAB" analyze --list-rules | sed -n 's/^| `\([^`]*\)`.*/\1/p')
[ -n "$rules" ] || { echo "FAIL: no rules in --list-rules"; exit 1; }
for r in $rules; do need "$r" "rule"; done
for sec in SYNOPSIS "EXIT STATUS" EXAMPLES FILES; do
	grep -q "^$sec" "$tmp/page" || { echo "FAIL: no section $sec"; miss=$((miss + 1)); }
done
[ "$miss" -eq 0 ] || exit 1
echo "manpage: $n lines; $(echo $cmds | wc -w) commands, $nopt options," \
	"$(echo $scen | wc -w) scenarios, $(echo $shapes | wc -w) shapes," \
	"$(echo $rules | wc -w) rules all in it"
