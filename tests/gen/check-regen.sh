#!/bin/sh
# check-regen.sh GEN INPUTDIR: regenerate the golden inputs into a
# temporary directory and require them byte-identical to the committed
# ones (no file missing, none extra).
set -eu
gen=$1
inputs=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
"$gen" "$tmp"
status=0
for f in "$tmp"/*; do
	name=$(basename "$f")
	if [ ! -f "$inputs/$name" ]; then
		echo "missing in $inputs: $name (run: cmake --build BUILD --target regen-captures)"
		status=1
	elif ! cmp -s "$f" "$inputs/$name"; then
		echo "differs from the generator: $inputs/$name"
		status=1
	fi
done
for f in "$inputs"/*.pcap "$inputs"/*.pcapng; do
	[ -e "$f" ] || continue
	name=$(basename "$f")
	if [ ! -f "$tmp/$name" ]; then
		echo "not written by the generator: $inputs/$name"
		status=1
	fi
done
[ $status -eq 0 ] && echo "golden inputs reproducible ($(ls "$tmp" | wc -l) files)"
exit $status
