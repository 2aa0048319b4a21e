#!/bin/sh
# Golden test of a capture from a real run, kept in pcaps/ (docs/design.md):
#   pcaps-golden.sh SYNLAB NAME          compare
#   pcaps-golden.sh SYNLAB NAME --regen  rewrite pcaps/NAME.out
# Runs `synlab analyze --ascii NAME.pcapng` in pcaps/ and compares stdout
# with pcaps/NAME.out and the exit status with pcaps/NAME.exit (0 if that
# file is absent).  Review a regenerated .out before committing it.
set -u
SYNLAB=${1:?usage: pcaps-golden.sh SYNLAB NAME [--regen]}
NAME=${2:?usage: pcaps-golden.sh SYNLAB NAME [--regen]}
case $SYNLAB in /*) ;; *) SYNLAB=$(pwd)/$SYNLAB ;; esac
cd "$(dirname "$0")/../pcaps" || exit 1
want=0
[ -f "$NAME.exit" ] && want=$(cat "$NAME.exit")
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$SYNLAB" analyze --ascii "$NAME.pcapng" >"$out" 2>&1
rc=$?
if [ "${3:-}" = "--regen" ]; then
	cp "$out" "$NAME.out"
	echo "$rc" >"$NAME.exit"
	echo "wrote pcaps/$NAME.out (exit $rc)"
	exit 0
fi
if [ ! -f "$NAME.out" ]; then
	echo "FAIL $NAME: pcaps/$NAME.out missing (write it with --regen)"
	exit 1
fi
if ! diff -u "$NAME.out" "$out"; then
	echo "FAIL $NAME: report differs from pcaps/$NAME.out"
	exit 1
fi
if [ "$rc" != "$want" ]; then
	echo "FAIL $NAME: exit $rc, expected $want"
	exit 1
fi
echo "ok $NAME"
