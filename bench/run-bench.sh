#!/bin/sh
# run-bench.sh [-x FACTOR] [-n CONNECTIONS] [-o DIR] [-t SECS] BUILD_DIR [SYNLAB]
#
# Generate the big interleaved capture (synlab-bench-gen) and time, on
# that same file in one run: the bare libpcap read loop (the floor),
# `synlab analyze --json` and `--brief`, `tcptrace -n` and `tshark -q -z conv,tcp`.
# Wall time and peak RSS come from /usr/bin/time -v; the result is a
# markdown table on stdout.  A tool that is missing or fails is reported
# in the table, not fatal; so is one that runs longer than SECS (default
# 600, `timeout`), reported as "timeout".  Not a ctest: timings belong to a quiet
# machine, not to CI.
#
# BUILD_DIR holds bench/synlab-bench-gen and bench/synlab-bench-read;
# SYNLAB defaults to BUILD_DIR/cli/synlab.  Files go to DIR (default
# bench/out/, gitignored) and are kept for reruns (-f to regenerate).
set -u

here=$(cd "$(dirname "$0")" && pwd)
factor=1 conns=200000 out=$here/out force=0 limit=600
while getopts "x:n:o:t:f" o; do
	case $o in
	x) factor=$OPTARG ;;
	n) conns=$OPTARG ;;
	o) out=$OPTARG ;;
	t) limit=$OPTARG ;;
	f) force=1 ;;
	*) sed -n '2,18p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -lt 1 ]; then
	sed -n '2,18p' "$0"
	exit 2
fi
build=$1
synlab=${2:-$build/cli/synlab}
gen=$build/bench/synlab-bench-gen
rd=$build/bench/synlab-bench-read

if [ ! -x /usr/bin/time ]; then
	echo "run-bench.sh: /usr/bin/time missing (apt-get install -y time)" >&2
	exit 4
fi
for b in "$gen" "$rd"; do
	if [ ! -x "$b" ]; then
		echo "run-bench.sh: $b missing (cmake --build $build --target synlab-bench-gen synlab-bench-read)" >&2
		exit 4
	fi
done

mkdir -p "$out"
file=$out/big-n$conns-x$factor.pcap
if [ $force -eq 1 ] || [ ! -s "$file" ]; then
	"$gen" -n "$conns" -x "$factor" "$file" || exit 1
fi
size=$(du -m "$file" | cut -f1)
pkts=$("$rd" "$file" | sed 's/.*: \([0-9]*\) packets.*/\1/')

# measure LABEL CMD...: one timed run, appends a table row
rows=
measure() {
	label=$1
	shift
	if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$1" ]; then
		rows="$rows| $label | - | - | not installed |
"
		return
	fi
	/usr/bin/time -v -o "$out/time.txt" timeout "$limit" "$@" \
	    >"$out/stdout.txt" 2>"$out/stderr.txt"
	rc=$?
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out/time.txt")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/time.txt")
	note="exit $rc"
	if [ $rc -eq 124 ]; then
		note="timeout: killed after $limit s"
	elif [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
		note="exit $rc: $(head -c 120 "$out/stderr.txt" | tr '\n' ' ')"
	fi
	# m:ss.cc -> seconds
	secs=$(echo "$wall" | awk -F: '{ if (NF == 3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
	rate=$(awk -v p="$pkts" -v s="$secs" -v rc="$rc" 'BEGIN {
	    if (s > 0 && (rc == 0 || rc == 1)) printf "%.2f", p / s / 1e6;
	    else print "-" }')
	rows="$rows| $label | $secs | $((rss / 1024)) | $rate | $note |
"
}

# warm the page cache so every tool reads from memory
cat "$file" >/dev/null

measure "bare pcap_next_ex loop (floor)" "$rd" "$file"
measure "synlab analyze --json" "$synlab" analyze --json "$file"
measure "synlab analyze --brief" "$synlab" analyze --brief "$file"
measure "tcptrace -n" tcptrace -n "$file"
measure "tshark -q -z conv,tcp" tshark -r "$file" -q -z conv,tcp

echo "capture: $file: $pkts packets, $size MB, $((conns * factor)) connections"
echo "machine: $(nproc) CPUs, $(uname -r)"
echo
echo "| program | wall s | peak RSS MB | Mpkt/s | note |"
echo "|---|---:|---:|---:|---|"
printf '%s' "$rows"
