# tests/priv/lib.sh: what the privileged test scripts share (sourced, not
# run).  The caller sets CASE (named in messages) and SYNLAB (the binary
# under test, an absolute path) before using it.
#
#   skip MSG          exit 77 (ctest SKIP_RETURN_CODE) with a reason
#   fail MSG          exit 1
#   priv_require      skip unless root, /dev/net/tun, unshare -n and tshark
#   snapshot FILE     the machine's network state that no run may change
#                     (FILE), and the network namespaces that processes
#                     running $SYNLAB are in (FILE.ns)
#   check_clean WHAT  fail unless both equal $WORK/before's (taken with
#                     snapshot), allowing 2 s for the kernel's namespace
#                     cleanup worker.  Only namespaces of this $SYNLAB
#                     count: on a shared machine other programs' (and other
#                     builds') namespaces come and go during a test.

skip() { echo "SKIP [$CASE]: $*"; exit 77; }
fail() { echo "FAIL [$CASE]: $*" >&2; exit 1; }

priv_require() {
	[ "$(id -u)" = 0 ] || skip "not root (privileged test: needs CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_NET_RAW)"
	[ -c /dev/net/tun ] || skip "/dev/net/tun missing (TUN driver)"
	unshare -n true 2>/dev/null || skip "cannot create a network namespace (unshare -n)"
	command -v tshark >/dev/null 2>&1 || skip "tshark not installed (reads the pcapng back)"
}

snapshot() {
	{
		echo "## netns"; ip netns list 2>&1
		echo "## links"; ip -o link 2>&1 | sed 's/ qlen [0-9]*//'
		echo "## addrs"; ip -o addr 2>&1
		echo "## routes"; ip route 2>&1; ip -6 route 2>&1
		if command -v nft >/dev/null 2>&1; then echo "## nft"; nft list ruleset 2>&1; fi
		if command -v iptables-save >/dev/null 2>&1; then
			echo "## iptables"; iptables-save 2>&1 | grep -v '^#'
		fi
		# NAT labs set forwarding, conntrack timeouts and SYN retries
		# in their own namespaces only: the caller's must not move.
		echo "## sysctls"
		sysctl net.netfilter net.ipv4.ip_forward \
		    net.ipv6.conf.all.forwarding net.ipv4.tcp_syn_retries 2>&1 |
		    grep -v nf_conntrack_count
		echo "## run/netns"; ls /run/netns 2>/dev/null
	} > "$1"
	for p in /proc/[0-9]*; do
		case $({ tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null) in
		*"$SYNLAB"*) readlink "$p/ns/net" 2>/dev/null ;;
		esac
	done | sort -u > "$1.ns"
}

check_clean() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		snapshot "$WORK/after"
		cmp -s "$WORK/before" "$WORK/after" &&
			cmp -s "$WORK/before.ns" "$WORK/after.ns" && return 0
		sleep 0.2
	done
	diff "$WORK/before" "$WORK/after"
	diff "$WORK/before.ns" "$WORK/after.ns" | sed 's/^/namespaces of synlab: /'
	fail "something was left behind ($1)"
}
