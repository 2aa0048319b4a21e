#!/bin/sh
# The README is true: every synlab command its examples show is run, and its
# exit status and shown output are checked.
#
# Which lines are commands (so the README stays plain Markdown):
#  - in a ```sh block, a line starting with `synlab `;
#  - in any fenced block, a line starting with `$ synlab ` (a transcript:
#    the lines after it, up to the next `$ ` or the block's end, are its
#    output; each shown line except those with `...` must be printed).
# A line ending in `\` continues on the next.  A trailing `# exit N` states
# the exit status; without one it is 0.  `synlab` is the build's binary; the
# commands run in a scratch directory whose pcaps/, tests/, contrib/ and
# docs/ are the repository's, so what they write stays out of the tree.
#
# Skipped by rule, each named in the output: `synlab run SCENARIO`, `sweep`
# and `inject` (they need root and namespaces), and a command whose input
# capture exists neither in the repository nor from an earlier example (the
# multi-view example's two files are made with tshark and editcap when
# those are installed).
# With "root" as third argument (the privileged test, as root) it runs
# those `run`, `sweep` and `inject` commands instead, and no other.
# Commands with --kernel or --peer and `kernels` (a VM, a second host) are
# always skipped.
# usage: readme_examples.sh SYNLAB README [root]
set -u
SYNLAB=${1:?usage: readme_examples.sh SYNLAB README}
README=${2:?usage: readme_examples.sh SYNLAB README}
MODE=${3:-}
if [ "$MODE" = root ] && [ "$(id -u)" != 0 ]; then
	echo "SKIP: the README's root examples need root"
	exit 77
fi
SRC=$(cd "$(dirname "$README")" && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT INT TERM
for d in pcaps tests contrib docs; do ln -s "$SRC/$d" "$W/$d"; done
# The two files the multi-view example reads, made as its text says: the
# interfaces of pcaps/simultaneous-open.pcapng split, host B's clock moved
# 5 s.  Without tshark and editcap that example is skipped.
if command -v tshark >/dev/null && command -v editcap >/dev/null; then
	so=$SRC/pcaps/simultaneous-open.pcapng
	tshark -r "$so" -Y 'frame.interface_id==0' -w "$W/hostA.pcapng" 2>/dev/null &&
		tshark -r "$so" -Y 'frame.interface_id==1' -w "$W/hostB.pcapng" 2>/dev/null &&
		editcap -t 5 "$W/hostB.pcapng" "$W/hostB-shifted.pcapng" ||
		{ echo "FAIL: cannot split $so with tshark"; exit 1; }
fi
mkdir "$W/bin"
ln -s "$(cd "$(dirname "$SYNLAB")" && pwd)/$(basename "$SYNLAB")" "$W/bin/synlab"

# One record a command: "C<TAB>line<TAB>command", then "O<TAB>output line"s.
awk '
function flush() { if (cont != "") { print "C\t" cline "\t" cont; cont = "" } }
/^```/ {
	if (!inb) { inb = 1; sh = ($0 ~ /^```sh[ \t]*$/); next }
	flush(); inb = 0; intx = 0; next
}
!inb { next }
cont != "" {
	l = $0; sub(/^[ \t]+/, "", l)
	if (l ~ /\\$/) { sub(/\\$/, "", l); cont = cont l; next }
	cont = cont l; flush(); next
}
/^\$ synlab / || (sh && /^synlab /) {
	l = $0; sub(/^\$ /, "", l); intx = ($0 ~ /^\$ /); cline = NR
	if (l ~ /\\$/) { sub(/\\$/, "", l); cont = l; next }
	print "C\t" NR "\t" l; next
}
/^\$ / { intx = 0; next }
intx { print "O\t" $0 }
' "$README" >"$W/list"

ran=0 skipped=0 fail=0
check_one() { # LINE CMD OUTFILE: run the pending command, check it
	line=$1 cmd=$2 shown=$3
	want=0
	case $cmd in
	*"# exit "[0-9]*) want=$(printf '%s\n' "$cmd" | sed 's/.*# exit \([0-9]*\).*/\1/') ;;
	esac
	set -- $(printf '%s\n' "$cmd" | sed 's/#.*//')
	why= prevarg=
	case "$2 ${3:-}" in
	"run --list" | "run --help" | "run -h" | "sweep --help") needs= ;;
	kernels\ *) needs=vm ;;
	run\ * | sweep\ * | inject\ *) needs=root ;;
	*) needs= ;;
	esac
	case $cmd in *--kernel* | *--peer*) needs=vm ;; esac
	if [ "$needs" = vm ]; then
		why="needs a VM or a second host"
	elif [ "$MODE" = root ] && [ "$needs" != root ]; then
		why="runs without root (the readme-examples test)"
	elif [ "$MODE" != root ] && [ "$needs" = root ]; then
		why="needs root and namespaces (readme-examples-root)"
	fi
	if [ -z "$why" ]; then
		for arg in "$@"; do
			case $prevarg in
			--annotate | -o | --ladder) ;; # an output
			*)
				case $arg in
				*.pcap | *.pcapng | *.pcap.gz | *.pcapng.gz)
					[ -e "$W/$arg" ] || why="no input $arg here"
					;;
				esac
				;;
			esac
			prevarg=$arg
		done
	fi
	if [ -n "$why" ]; then
		echo "skip README.md:$line: $cmd ($why)"
		skipped=$((skipped + 1))
		return
	fi
	ran=$((ran + 1))
	(cd "$W" && PATH="$W/bin:$PATH" sh -c "$cmd" >"$W/out" 2>&1 </dev/null)
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL README.md:$line: $cmd: exit $got, README says $want"
		sed 's/^/  | /' "$W/out" | head -5
		fail=1
	fi
	[ -s "$shown" ] || return
	sed 's/[ 	]*$//' "$W/out" >"$W/out.t"
	while IFS= read -r o; do
		case $o in *...*) continue ;; esac
		o=$(printf '%s\n' "$o" | sed 's/[ 	]*$//')
		grep -qxF -- "$o" "$W/out.t" || {
			echo "FAIL README.md:$line: $cmd does not print: $o"
			fail=1
		}
	done <"$shown"
}

pending= pline=
: >"$W/shown"
while IFS= read -r rec; do
	case $rec in
	O"	"*)
		printf '%s\n' "${rec#O?}" >>"$W/shown"
		continue
		;;
	esac
	[ -n "$pending" ] && check_one "$pline" "$pending" "$W/shown"
	: >"$W/shown"
	rec=${rec#C?}
	pline=${rec%%"	"*} pending=${rec#*"	"}
done <"$W/list"
[ -n "$pending" ] && check_one "$pline" "$pending" "$W/shown"

echo "README examples: $ran run, $skipped skipped"
[ "$ran" -gt 0 ] || { echo "FAIL: no example found in $README"; exit 1; }
exit $fail
