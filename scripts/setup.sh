#!/bin/sh
# Install what synlab needs to build, test and run on Debian 12 (as root).
# Every package comes from Debian's archive; see README.md "Dependencies".
set -eu
if [ "$(id -u)" -ne 0 ]; then
	echo "setup.sh: run as root (apt-get install)" >&2
	exit 4
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	build-essential cmake pkg-config clang clang-format \
	libpcap-dev libnet1-dev libcmocka-dev zlib1g-dev libnftables-dev \
	libnetfilter-conntrack-dev \
	tshark tcpdump tcptrace \
	iproute2 nftables iptables procps time \
	librsvg2-bin libxml2-utils man-db bash \
	qemu-system-x86 busybox-static cpio xz-utils zstd >/dev/null
