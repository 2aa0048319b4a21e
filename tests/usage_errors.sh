#!/bin/sh
# Usage errors a person can act on: exit 2, one line saying what is wrong
# (with "did you mean" for a near miss) and one saying where to look, not
# the whole help.
# usage: usage_errors.sh SYNLAB
set -u
SYNLAB=${1:?usage: usage_errors.sh SYNLAB}
fail=0
check() { # WANT_LINE1 WANT_LINE2 ARGS...
	l1=$1 l2=$2
	shift 2
	out=$("$SYNLAB" "$@" 2>&1 >/dev/null)
	rc=$?
	n=$(printf '%s\n' "$out" | wc -l)
	first=$(printf '%s\n' "$out" | head -n 1)
	last=$(printf '%s\n' "$out" | tail -n 1)
	if [ "$rc" != 2 ] || [ "$first" != "$l1" ] || [ "$last" != "$l2" ] ||
		[ "$n" -gt 2 ]; then
		echo "FAIL: synlab $*: exit $rc, $n lines:"
		printf '%s\n' "$out" | sed 's/^/  | /'
		fail=1
	fi
}
check "synlab: unknown command 'analyse'; did you mean 'analyze'?" \
	"see 'synlab --help'" analyse x.pcap
check "synlab analyze: unknown option '--jsn'; did you mean '--json'?" \
	"see 'synlab analyze --help'" analyze --jsn x.pcap
check "synlab analyze: --ladder needs a value" \
	"see 'synlab analyze --help'" analyze --ladder
check "synlab analyze: --json takes no value" \
	"see 'synlab analyze --help'" analyze --json=1 x.pcap
check "synlab run: unknown experiment 'self-conect'; did you mean 'self-connect'?" \
	"see 'synlab run --list' (the experiment goes first: synlab run NAME [OPTIONS])" \
	run self-conect
check "synlab run: unknown option '--delya'; did you mean '--delay'?" \
	"see 'synlab run --help'" run simultaneous-open --delya 10ms
check "synlab: unknown command 'frobnicate'" "see 'synlab --help'" frobnicate
check "synlab kernels: unknown option '--jsn'; did you mean '--json'?" \
	"see 'synlab kernels --help'" kernels --jsn
check "synlab kernels: --html needs a value" \
	"see 'synlab kernels --help'" kernels --html
check "synlab sweep: unknown experiment 'simultanous-open'; did you mean 'simultaneous-open'?" \
	"see 'synlab sweep --help'" sweep simultanous-open --delay 10ms --offset 0:1ms:1ms
check "synlab sweep: unknown experiment 'holepnch'; did you mean 'holepunch'?" \
	"see 'synlab sweep --help'" sweep holepnch
check "synlab sweep: unknown option '--ofset'; did you mean '--offset'?" \
	"see 'synlab sweep --help'" sweep simultaneous-open --ofset 0:1ms:1ms
check "synlab run inject: unknown state 'syn-snt'; did you mean 'syn-sent'?" \
	"see 'synlab run inject --help'" run inject --state syn-snt
check "synlab analyze: unknown shape 'thre-way'; did you mean 'three-way'?" \
	"see 'synlab analyze --help'" analyze --shape thre-way x.pcap
check "synlab run: unknown shape 'self-conect'; did you mean 'self-connect'?" \
	"see 'synlab run --help'" run self-connect-race --shape self-conect
# The hole-punching lab: every bad value names the option and says where
# to look, exit 2.
HP="see 'synlab run --help'"
SW="see 'synlab sweep --help'"
check "synlab run: --nat-a 'cone': mapping is keep-port, random or fully-random" \
	"$HP" run holepunch --nat-a cone
check "synlab sweep: --nat 'cone': mapping is keep-port, random or fully-random" \
	"$SW" sweep holepunch --nat cone
check "synlab run: --unsolicited-b 'reject': unsolicited-SYN policy is rst or drop" \
	"$HP" run holepunch --unsolicited-b reject
check "synlab run: --syn-sent-timeout-a wants whole seconds, 1s to 86400s (a conntrack sysctl)" \
	"$HP" run holepunch --syn-sent-timeout-a 1500ms
check "synlab run: --delay wants a duration >= 0, not '-5ms'" \
	"$HP" run holepunch --delay -5ms
check "synlab sweep: --timeout wants a duration >= 0, not '-1s'" \
	"$SW" sweep holepunch --timeout -1s
check "synlab run: --attempts wants a whole number 1..1000, not '1000000'" \
	"$HP" run holepunch --attempts 1000000
check "synlab run: --attempts wants a whole number 1..1000, not '0'" \
	"$HP" run holepunch --attempts 0
check "synlab sweep: --attempts wants a whole number 1..1000, not '-1'" \
	"$SW" sweep holepunch --attempts -1
check "synlab run: --port wants a whole number 1..65535, not '70000'" \
	"$HP" run holepunch --port 70000
check "synlab sweep: --count wants a whole number 1..10000, not '99999'" \
	"$SW" sweep holepunch --count 99999
check "synlab sweep: --offset '5ms:1ms:1ms': want FROM:TO:STEP like -14ms:14ms:1ms (at most 100000 points) or one offset" \
	"$SW" sweep holepunch --offset 5ms:1ms:1ms
check "synlab run: unknown option '--count'" "$HP" run holepunch --count 5
check "synlab run: one experiment at a time" "$HP" run holepunch now
check "synlab run: unknown option '--nat-c'; did you mean '--nat-a'?" \
	"$HP" run holepunch --nat-c random
# run --list and run agree: every name listed is one run takes, and the
# list holds the inject entries and the two-host ones.
names=$("$SYNLAB" run --list | sed -n 's/^  \([a-z][a-z0-9-]*\) .*/\1/p')
for n in $names; do
	"$SYNLAB" run "$n" --help >/dev/null 2>&1 ||
		{ echo "FAIL: run --list names '$n', but 'synlab run $n --help' fails"; fail=1; }
done
for n in self-connect simultaneous-open reuseport self-connect-race inject-bound \
	inject-closed inject-syn-sent inject-established simultaneous-open-peer; do
	printf '%s\n' $names | grep -qx "$n" || { echo "FAIL: run --list omits $n"; fail=1; }
done
[ $fail = 0 ] && echo "ok: usage errors are two lines with a hint; run --list: $(echo $names | wc -w) experiments"
exit $fail
