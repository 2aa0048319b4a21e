#!/bin/sh
# The README's rules table is `synlab analyze --list-rules`, byte for byte,
# and no rule is a violation unless its requirement is a MUST.
# usage: rules-readme.sh SYNLAB README
set -u
SYNLAB=${1:?usage: rules-readme.sh SYNLAB README}
README=${2:?usage: rules-readme.sh SYNLAB README}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$SYNLAB" analyze --list-rules >"$tmp/table" || { echo "FAIL: --list-rules exited $?"; exit 1; }
sed -n '/^<!-- rules: begin/,/^<!-- rules: end/p' "$README" |
	sed '1d;$d' >"$tmp/readme"
if ! diff -u "$tmp/readme" "$tmp/table"; then
	echo "FAIL: README's rules table differs from synlab analyze --list-rules (- README, + synlab)"
	exit 1
fi
n=$(grep -c '^| `' "$tmp/table")
[ "$n" -gt 0 ] || { echo "FAIL: no rules listed"; exit 1; }
if grep -q '^| `[^`]*` | violation | no |' "$tmp/table"; then
	echo "FAIL: a violation whose requirement is not a MUST:"
	grep '^| `[^`]*` | violation | no |' "$tmp/table"
	exit 1
fi
"$SYNLAB" analyze --list-rules --json >"$tmp/json" || { echo "FAIL: --list-rules --json"; exit 1; }
nj=$(grep -o '"rule":' "$tmp/json" | wc -l)
[ "$nj" -eq "$n" ] || { echo "FAIL: $n rules in the table, $nj in the JSON"; exit 1; }
echo "rules-readme: $n rules, README equal to --list-rules, JSON lists $nj"
