#!/bin/sh
# run-bench.sh [-n CONNECTIONS] [-x FACTOR] [-r RUNS] [-o DIR] [-t SECS] [-f] [-C] [-T]
#              BUILD_DIR [SYNLAB]
#
# Generate the big interleaved capture (synlab-bench-gen) and time, on
# that same file in one run: the bare libpcap read loop (the floor),
# `synlab analyze --brief`, the default text report and `--json`, each
# as a multiple of the bare loop, with its peak RSS and output size.
# Then the contiguous case: a capture FACTOR (default 10) times as long,
# the same mix going on with new connections at distinct addresses
# (synlab-bench-gen -x FACTOR), timed with the bare loop and `--brief`.
# -C skips the contiguous case; -T adds `tcptrace -n` and
# `tshark -q -z conv,tcp` on the first capture (one run each).
#
# Each program runs RUNS times (default 3): the median wall and CPU times
# and the largest peak RSS are reported (/usr/bin/time -v).  After the
# first table, the memory per open handshake: (peak RSS of `--brief` -
# peak RSS of `--brief -c 1000`, the fixed cost) / the most handshakes
# open at once (`peak_open_handshakes` of the `--json` run).  After the
# contiguous table, how `--brief` CPU time grew against the first capture
# (FACTOR is linear).  A program that is
# missing, fails, or runs longer than SECS (default 600, `timeout`) is
# reported in the table, not fatal.  Not a ctest: timings belong to a
# quiet machine, not to CI.  Use a Release build
# (cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release).
#
# BUILD_DIR holds bench/synlab-bench-gen and bench/synlab-bench-read;
# SYNLAB defaults to BUILD_DIR/cli/synlab.  Captures and the last
# outputs (out-*.txt, to compare two builds with cmp) go to DIR (default
# bench/out/, gitignored); captures are kept for reruns (-f regenerates).
set -u

here=$(cd "$(dirname "$0")" && pwd)
factor=10 conns=200000 out=$here/out force=0 limit=600 runs=3
contig=1 others=0
usage() {
	sed -n '2,25p' "$0"
	exit 2
}
while getopts "x:n:o:t:r:fCT" o; do
	case $o in
	x) factor=$OPTARG ;;
	n) conns=$OPTARG ;;
	o) out=$OPTARG ;;
	t) limit=$OPTARG ;;
	r) runs=$OPTARG ;;
	f) force=1 ;;
	C) contig=0 ;;
	T) others=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
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

# capture X: the capture of conns * X connections, made if missing
capture() {
	f=$out/big-n$conns-x$1.pcap
	if [ $force -eq 1 ] || [ ! -s "$f" ]; then
		"$gen" -n "$conns" -x "$1" "$f" >&2 || exit 1
	fi
	echo "$f"
}

# one LABEL NAME CMD...: one timed run; sets secs, cpu (user + sys s),
# rss (KB), rc, note
one() {
	label=$1 name=$2
	shift 2
	/usr/bin/time -v -o "$out/time.txt" timeout "$limit" "$@" \
	    >"$out/out-$name.txt" 2>"$out/stderr.txt"
	rc=$?
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out/time.txt")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/time.txt")
	cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$out/time.txt")
	# m:ss.cc -> seconds
	secs=$(echo "$wall" | awk -F: '{ if (NF == 3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
	note=
	if [ $rc -eq 124 ]; then
		note="timeout: killed after $limit s"
	elif [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
		note="exit $rc: $(head -c 120 "$out/stderr.txt" | tr '\n' ' ')"
	fi
}

# measure LABEL NAME N CMD...: N runs, appends a table row with the median
# wall and CPU (user + sys) times, their ratios to $floor and $cfloor (the
# bare loop's medians), the largest peak RSS and the output size; sets med
# and cmed.  On a busy machine the CPU time is the steadier of the two.
median() {
	echo "$@" | tr ' ' '\n' | sort -n |
	    awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
ratio() {
	awk -v s="$1" -v f="$2" 'BEGIN {
	    if (f > 0) printf "%.1f", s / f; else print "1" }'
}
rows=
measure() {
	label=$1 name=$2 n=$3
	shift 3
	if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$1" ]; then
		rows="$rows| $label | - | - | - | - | - | - | not installed |
"
		med=0 cmed=0
		return
	fi
	all= call= maxrss=0 i=0
	while [ $i -lt "$n" ]; do
		one "$label" "$name" "$@"
		[ -n "$note" ] && break
		all="$all $secs"
		call="$call $cpu"
		[ "$rss" -gt $maxrss ] && maxrss=$rss
		i=$((i + 1))
	done
	if [ -n "$note" ]; then
		rows="$rows| $label | - | - | - | - | $((rss / 1024)) | - | $note |
"
		med=0 cmed=0
		return
	fi
	med=$(median $all)
	cmed=$(median $call)
	ratio=$(ratio "$med" "${floor:-0}")
	cratio=$(ratio "$cmed" "${cfloor:-0}")
	outmb=$(du -m "$out/out-$name.txt" | cut -f1)
	rows="$rows| $label | $med | $ratio | $cmed | $cratio | $((maxrss / 1024)) | $outmb | wall:$all |
"
}

table() {
	echo "| program | wall s | × bare | CPU s | × bare (CPU) | peak RSS MB | output MB | note |"
	echo "|---|---:|---:|---:|---:|---:|---:|---|"
	printf '%s' "$rows"
	rows=
	echo
}

file=$(capture 1)
pkts=$("$rd" "$file" | sed 's/.*: \([0-9]*\) packets.*/\1/')
cat "$file" >/dev/null # the page cache, so every run reads from memory
echo "machine: $(nproc) CPUs, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "synlab: $synlab"
echo
echo "capture: $file: $pkts packets, $(du -m "$file" | cut -f1) MB, $conns connections"
echo
floor= cfloor=
measure "bare pcap_next_ex loop (floor)" bare "$runs" "$rd" "$file"
floor=$med cfloor=$cmed
measure "synlab analyze --brief" brief "$runs" "$synlab" analyze --brief "$file"
brief_cpu=$cmed
brief_rss=$maxrss
measure "synlab analyze (text)" text "$runs" "$synlab" analyze "$file"
measure "synlab analyze --json" json "$runs" "$synlab" analyze --json "$file"
if [ $others -eq 1 ]; then
	measure "tcptrace -n" tcptrace 1 tcptrace -n "$file"
	measure "tshark -q -z conv,tcp" tshark 1 tshark -r "$file" -q -z conv,tcp
fi
table

# memory per open handshake, above the fixed cost
one fixed fixed "$synlab" analyze --brief -c 1000 "$file"
peak=$(grep -o '"peak_open_handshakes":[0-9]*' "$out/out-json.txt" |
    tail -1 | cut -d: -f2)
if [ -n "$peak" ] && [ "$peak" -gt 0 ] && [ -n "$rss" ]; then
	echo "memory: --brief peak RSS $((brief_rss / 1024)) MB = fixed $((rss / 1024)) MB" \
	    "+ $(((brief_rss - rss) * 1024 / peak)) bytes x $peak handshakes open at the peak"
	echo
fi

if [ $contig -eq 1 ]; then
	file=$(capture "$factor")
	pkts=$("$rd" "$file" | sed 's/.*: \([0-9]*\) packets.*/\1/')
	cat "$file" >/dev/null
	echo "contiguous ${factor}x: $file: $pkts packets, $(du -m "$file" | cut -f1) MB, $((conns * factor)) connections"
	echo
	floor= cfloor=
	measure "bare pcap_next_ex loop (floor)" bare-x "$runs" "$rd" "$file"
	floor=$med cfloor=$cmed
	measure "synlab analyze --brief" brief-x "$runs" "$synlab" analyze --brief "$file"
	table
	echo "--brief CPU time ${factor}x / 1x: $(ratio "$cmed" "$brief_cpu") (${factor} is linear)"
fi
