#!/bin/sh
# regen.sh [-s SYNLAB] [NAME...]
#
# Rewrite tests/golden/expected/ from the current synlab binary: for each
# TESTLIST line (or only the NAMEs given), run the analyzer as
# run-golden.sh does and write expected/EXPECTED (stdout) and
# expected/BASE.err (stderr; removed when stderr is empty).  The exit
# status is not written anywhere: it is part of the spec in TESTLIST
# (--exit=N); a mismatch is reported so you can fix the analyzer or,
# after review, the TESTLIST line.
#
# Review the result with `git diff tests/golden/expected` against
# tests/golden/README.md before committing: a regenerated file is only as
# right as the binary that wrote it.
#
# SYNLAB: -s PATH, else $SYNLAB, else the first of build*/cli/synlab.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
synlab=${SYNLAB:-}
if [ $# -ge 2 ] && [ "$1" = "-s" ]; then
	synlab=$2
	shift 2
fi
if [ -z "$synlab" ]; then
	for c in "$root"/build/cli/synlab "$root"/build*/cli/synlab; do
		if [ -x "$c" ]; then
			synlab=$c
			break
		fi
	done
fi
if [ -z "$synlab" ] || [ ! -x "$synlab" ]; then
	echo "regen.sh: no synlab binary (use -s PATH or set SYNLAB)" >&2
	exit 2
fi
case $synlab in
/*) ;;
*) synlab=$(pwd)/$synlab ;;
esac
echo "regen.sh: using $synlab"

want() {
	[ $# -eq 0 ] && return 0
	for w in $selected; do
		[ "$w" = "$1" ] && return 0
	done
	return 1
}
selected="$*"

mkdir -p "$here/expected"
n=0 mism=0
while read -r name input expected rest; do
	case $name in
	'' | '#'*) continue ;;
	esac
	if [ -n "$selected" ]; then
		want "$name" || continue
	fi
	want_exit=0
	opts=
	for o in $rest; do
		case $o in
		--exit=*) want_exit=${o#--exit=} ;;
		*) opts="$opts $o" ;;
		esac
	done
	args=
	for f in $(echo "$input" | tr ',' ' '); do
		args="$args inputs/$f"
	done
	err=$here/expected/${expected%.*}.err
	# shellcheck disable=SC2086
	(cd "$here" && "$synlab" analyze $opts $args) \
	    >"$here/expected/$expected" 2>"$err"
	got=$?
	[ -s "$err" ] || rm -f "$err"
	if [ "$got" -ne "$want_exit" ]; then
		echo "  $name: exit $got, TESTLIST says --exit=$want_exit"
		mism=$((mism + 1))
	fi
	n=$((n + 1))
done <"$here/TESTLIST"
echo "regen.sh: wrote $n expected outputs; $mism exit-status mismatches"
echo "review: git diff --stat tests/golden/expected; git diff tests/golden/expected"
