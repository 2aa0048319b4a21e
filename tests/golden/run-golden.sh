#!/bin/sh
# run-golden.sh NAME INPUT EXPECTED [OPTIONS...]
#
# One golden test, the tcpdump way: run `synlab analyze OPTIONS INPUT`
# from tests/golden/ (so file names in the report are inputs/...), and
# require
#   - the exit status given by --exit=N among OPTIONS (default 0);
#   - stdout byte-identical to expected/EXPECTED (diff shown otherwise);
#   - stderr identical to expected/BASE.err when that file exists
#     (BASE: EXPECTED without its extension); it must exist when N is 3
#     (the message that names file and frame is part of the contract);
#     otherwise stderr must be empty.
# INPUT may list several files separated by commas (one analyze run).
# --exit=N is the runner's, not synlab's; every other option is passed on.
#
# The synlab binary comes from $SYNLAB (CMake sets it).  Exit status: 0
# pass, 1 fail.
set -u

here=$(cd "$(dirname "$0")" && pwd)
golden=${GOLDEN_DIR:-$here}

if [ $# -lt 3 ]; then
	echo "usage: run-golden.sh NAME INPUT EXPECTED [OPTIONS...]" >&2
	exit 1
fi
name=$1 input=$2 expected=$3
shift 3

want_exit=0
opts=
for o in "$@"; do
	case $o in
	--exit=*) want_exit=${o#--exit=} ;;
	*) opts="$opts $o" ;;
	esac
done

synlab=${SYNLAB:-}
if [ -z "$synlab" ] || [ ! -x "$synlab" ]; then
	echo "FAIL $name: synlab binary not found (set SYNLAB; got '${synlab}')"
	exit 1
fi

exp_out=$golden/expected/$expected
exp_err=$golden/expected/${expected%.*}.err
if [ ! -f "$exp_out" ]; then
	echo "FAIL $name: expected output missing: tests/golden/expected/$expected"
	echo "  write it with: tests/golden/regen.sh $name"
	echo "  then check it against tests/golden/README.md before committing"
	exit 1
fi

files=$(echo "$input" | tr ',' ' ')
for f in $files; do
	if [ ! -f "$golden/inputs/$f" ]; then
		echo "FAIL $name: input missing: tests/golden/inputs/$f"
		exit 1
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

args=
for f in $files; do
	args="$args inputs/$f"
done
# shellcheck disable=SC2086 # word splitting of options and files is meant
(cd "$golden" && "$synlab" analyze $opts $args) >"$tmp/out" 2>"$tmp/err"
got_exit=$?

fail=0
if [ "$got_exit" -ne "$want_exit" ]; then
	echo "FAIL $name: exit status $got_exit, expected $want_exit"
	fail=1
fi
if ! cmp -s "$exp_out" "$tmp/out"; then
	echo "FAIL $name: stdout differs from tests/golden/expected/$expected:"
	diff -u "$exp_out" "$tmp/out" | head -200
	fail=1
fi
if [ -f "$exp_err" ]; then
	if ! cmp -s "$exp_err" "$tmp/err"; then
		echo "FAIL $name: stderr differs from tests/golden/expected/${expected%.*}.err:"
		diff -u "$exp_err" "$tmp/err" | head -50
		fail=1
	fi
elif [ "$want_exit" -eq 3 ]; then
	echo "FAIL $name: exit 3 expected but tests/golden/expected/${expected%.*}.err is missing"
	echo "  write it with: tests/golden/regen.sh $name"
	fail=1
elif [ -s "$tmp/err" ]; then
	echo "FAIL $name: unexpected stderr:"
	head -20 "$tmp/err"
	fail=1
fi
case " $opts " in
*" --json "*)
	if [ -s "$tmp/out" ] && command -v python3 >/dev/null 2>&1 &&
	    ! python3 -m json.tool "$tmp/out" >/dev/null 2>&1; then
		echo "FAIL $name: --json output is not valid JSON"
		fail=1
	fi
	;;
esac
[ $fail -eq 0 ] && echo "ok $name"
exit $fail
