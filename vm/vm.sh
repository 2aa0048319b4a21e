# \summary: synlab's kernel VMs: fetch Debian cloud kernels, build an initramfs, boot it under QEMU
#
# This script is compiled into the synlab binary (vm/CMakeLists.txt) and run
# by it as `sh -c SCRIPT synlab-vm COMMAND ARGS...`; docs/kernels.md explains
# why a script and what it does.  Commands:
#   list                         every kernel series the archive serves:
#                                "SERIES PACKAGE VERSION SIZE" (newest each)
#   fetch SERIES                 print the cached kernel's directory,
#                                downloading it once (messages on stderr);
#                                SERIES "newest": the newest series served
#   boot KDIR SYNLAB JOBS OUT    boot KDIR's kernel with SYNLAB inside, run
#                                every line of JOBS ("ID ARGS...", ARGS
#                                shell-quoted) as `synlab ARGS` in /out/ID,
#                                and unpack /out into OUT: ID.out, ID.err,
#                                ID.rc, ID/ (files the job wrote), uname
# Exit status: 0 ok; 3 bad input; 4 environment (archive unreachable, tool
# missing, VM failed or timed out).  Never waits without a timeout.
set -eu

CACHE=${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/synlab
MIRROR=${SYNLAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY=${SYNLAB_DEBIAN_SECURITY:-${MIRROR}-security}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
APT=$CACHE/apt
APTO="-o Dir::Etc::SourceList=$APT/sources.list
 -o Dir::Etc::SourceParts=$APT/none -o Dir::State::Lists=$APT/lists
 -o Dir::Cache=$APT/cache -o Dir::State::status=/dev/null
 -o Debug::NoLocking=1 -o APT::Sandbox::User=root
 -o Acquire::http::Timeout=20 -o Acquire::Retries=1
 -o Acquire::Languages=none -o APT::Architecture=amd64"
# The suites whose cloud kernels synlab knows (docs/kernels.md).
SUITES="$SECURITY bullseye-security
$MIRROR bookworm
$SECURITY bookworm-security
$MIRROR bookworm-backports
$MIRROR trixie-backports"

die() {
	code=$1
	shift
	echo "synlab: $*" >&2
	exit "$code"
}

need() {
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 ||
			die 4 "'$t' is missing: install it (sh scripts/setup.sh installs qemu-system-x86, busybox-static, cpio, xz-utils)"
	done
}

# Refresh the private package lists when older than a day.  Never touches
# the system's apt configuration: every path is under $CACHE/apt.
lists() {
	need apt-get apt-cache timeout
	mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/none"
	: >"$APT/sources.list.new"
	echo "$SUITES" | while read -r uri suite; do
		echo "deb [signed-by=$KEYRING] $uri $suite main" >>"$APT/sources.list.new"
	done
	if cmp -s "$APT/sources.list.new" "$APT/sources.list" &&
		[ -n "$(find "$APT/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null)" ]; then
		rm -f "$APT/sources.list.new"
		return 0
	fi
	mv "$APT/sources.list.new" "$APT/sources.list"
	echo "synlab: reading Debian's package lists from $MIRROR (about 10 MB, once a day, into $APT)" >&2
	# shellcheck disable=SC2086
	if ! timeout 120 apt-get $APTO -qq update >"$APT/update.log" 2>&1 ||
		grep -q '^[EW]: .*\(Failed\|Unable\|Could not\|connect\)' "$APT/update.log"; then
		sed 's/^/  /' "$APT/update.log" | head -8 >&2
		rm -f "$APT"/lists/*_Packages*
		die 4 "cannot reach Debian's archive at $MIRROR (set SYNLAB_DEBIAN_MIRROR to another mirror)"
	fi
}

# Every cloud kernel image package in the lists: "SERIES PACKAGE VERSION".
images() {
	# shellcheck disable=SC2086,SC2046
	apt-cache $APTO show --no-all-versions $(apt-cache $APTO pkgnames linux-image- |
		grep -E '^linux-image-[0-9]+\.[0-9]+[.+-][^ ]*cloud-amd64$' |
		grep -vE '^linux-image-[0-9]+\.[0-9]+-cloud-amd64$') 2>/dev/null |
		awk '/^Package: / { p = $2 } /^Version: / && p != "" {
			s = p; sub(/^linux-image-/, "", s); split(s, a, /[^0-9]/)
			print a[1] "." a[2], p, $2; p = "" }'
}

# The newest package of one series (5.10, 6.1, 6.12, 7.3, ...) or of one
# exact upstream version (6.12.95): "PACKAGE VERSION".
resolve() {
	want=$1
	if [ "$want" = newest ]; then
		want=$(images | awk '{ print $1 }' | sort -V | tail -1)
	fi
	case $want in
	*[!0-9.]* | '' | .* | *.) die 3 "'$want' is not a kernel version like 6.1 or 6.12.95" ;;
	esac
	series=$(echo "$want" | cut -d. -f1-2)
	images | awk -v s="$series" '$1 == s { print $3, $2 }' |
		while read -r v p; do
			case $want in
			*.*.*) case $v in "$want"-* | "$want"+*) ;; *) continue ;; esac ;;
			esac
			echo "$v $p"
		done | sort -V | tail -1 | awk '{ print $2, $1 }'
}

cmd_list() {
	lists
	images | sort -V -k1,1 -k3,3 | awk '{ last[$1] = $0; if (!($1 in seen)) { seen[$1] = 1; order[n++] = $1 } }
		END { for (i = 0; i < n; i++) print last[order[i]] }'
}

# The payload packages of a kernel image: the image itself, or for split
# kernels (trixie-backports) its linux-binary and linux-modules packages.
payload() {
	# shellcheck disable=SC2086
	deps=$(apt-cache $APTO show --no-all-versions "$1" | sed -n 's/^Depends: //p' | head -1)
	split=$(echo "$deps" | tr ',' '\n' | sed -E 's/^ *//; s/ .*//' |
		grep -E '^linux-(binary|modules)-' || true)
	if [ -n "$split" ]; then echo "$split"; else echo "$1"; fi
}

# Module file of NAME under DIR (names use - and _ interchangeably).
modfile() {
	n1=$2
	n2=$(echo "$2" | tr _ -)
	find "$1" -name "$n1.ko*" -o -name "$n2.ko*" | head -1
}

# NAME's own dependencies, from its .modinfo "depends=".
moddeps() {
	case $1 in
	*.xz) xz -dc "$1" ;;
	*.zst) zstd -qdc "$1" ;;
	*) cat "$1" ;;
	esac | tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '
}

# Copy module NAME and its dependencies, decompressed, into DEST and append
# them to DEST/order in load order.
addmod() {
	f=$(modfile "$1" "$2")
	[ -n "$f" ] || return 0 # built in
	for d in $(moddeps "$f"); do
		addmod "$1" "$d"
	done
	f=$(modfile "$1" "$2")
	b=$(basename "$f" | sed -E 's/\.(xz|zst)$//')
	grep -qx "$b" "$3/order" 2>/dev/null && return 0
	case $f in
	*.xz) xz -dc "$f" >"$3/$b" ;;
	*.zst) zstd -qdc "$f" >"$3/$b" ;;
	*) cp "$f" "$3/$b" ;;
	esac
	echo "$b" >>"$3/order"
}

# The newest kernel of SERIES already in the cache, or nothing.
cached() {
	for d in "$CACHE"/kernels/*/ready; do
		[ -f "$d" ] || continue
		d=$(dirname "$d")
		v=$(cat "$d/version")
		case $v in "$1"[.+-]* | "$1") echo "$v $d" ;; esac
	done | sort -V | tail -1 | cut -d' ' -f2-
}

cmd_fetch() {
	need dpkg-deb xz
	# Offline with the kernel cached: use it, and say so.
	if ! (lists); then
		c=$(cached "$1")
		[ -n "$c" ] || exit 4 # lists said why
		echo "synlab: using the cached $(basename "$c") (the archive could not be reached to look for a newer one)" >&2
		echo "$c"
		return 0
	fi
	set -- $(resolve "$1") "$1"
	[ $# -eq 3 ] || die 3 "Debian's archive has no cloud kernel $1 (synlab kernels --list shows what it has)"
	pkg=$1 ver=$2
	dir=$CACHE/kernels/$pkg
	if [ -f "$dir/ready" ]; then
		echo "$dir"
		return 0
	fi
	pkgs=$(payload "$pkg")
	size=0
	for p in $pkgs; do
		# shellcheck disable=SC2086
		s=$(apt-cache $APTO show --no-all-versions "$p" | sed -n 's/^Size: //p' | head -1)
		size=$((size + ${s:-0}))
	done
	echo "synlab: downloading $(echo $pkgs) $ver ($((size / 1000000)) MB) from Debian's archive into $CACHE/kernels (kept: vmlinuz and tun.ko, about 15 MB)" >&2
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp/deb" "$dir.tmp/x" "$dir.tmp/modules"
	# shellcheck disable=SC2086
	if ! (cd "$dir.tmp/deb" && timeout 600 apt-get $APTO -qq download $pkgs) >"$dir.tmp/log" 2>&1; then
		sed 's/^/  /' "$dir.tmp/log" | head -8 >&2
		rm -rf "$dir.tmp"
		die 4 "downloading $pkgs from $MIRROR failed"
	fi
	for d in "$dir.tmp"/deb/*.deb; do
		dpkg-deb -x "$d" "$dir.tmp/x"
	done
	vmlinuz=$(find "$dir.tmp/x" -name 'vmlinuz*' | head -1)
	moddir=$(find "$dir.tmp/x" -type d -path '*/lib/modules/*' -prune | head -1)
	[ -n "$vmlinuz" ] && [ -n "$moddir" ] || die 3 "$pkgs: no vmlinuz or /lib/modules inside"
	cp "$vmlinuz" "$dir.tmp/vmlinuz"
	: >"$dir.tmp/modules/order"
	# tun: the TUN wire; veth for scenarios that may use it.
	for m in tun veth; do
		addmod "$moddir" "$m" "$dir.tmp/modules"
	done
	basename "$moddir" >"$dir.tmp/release"
	echo "$ver" >"$dir.tmp/version"
	rm -rf "$dir.tmp/deb" "$dir.tmp/x" "$dir.tmp/log"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
	touch "$dir/ready"
	echo "$dir"
}

# The /init of the initramfs: mount, load modules, run the jobs, send /out
# back as base64 of a tar on the second serial port, power off.
write_init() {
	cat >"$1" <<'EOF'
#!/bin/busybox sh
/bin/busybox mkdir -p /usr/bin /sbin /usr/sbin /proc /sys /dev /tmp /run
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
for m in $(cat /modules/order); do insmod "/modules/$m"; done
ip link set lo up
uname -r >/out/uname-r
uname -v >/out/uname-v
while read -r id args; do
	mkdir -p "/out/$id"
	cd "/out/$id"
	eval "set -- $args"
	echo "synlab-vm: $id: synlab $*" >/dev/ttyS0
	/bin/synlab "$@" >"/out/$id.out" 2>"/out/$id.err" </dev/null
	echo $? >"/out/$id.rc"
	cd /
done </jobs
stty -F /dev/ttyS1 raw 2>/dev/null
{ echo "=synlab-begin"; tar cf - -C /out . | base64; echo "=synlab-end"; } >/dev/ttyS1
sync
reboot -f
EOF
	chmod 755 "$1"
}

cmd_boot() {
	kdir=$1 bin=$2 jobs=$3 out=$4
	need qemu-system-x86_64 busybox cpio timeout base64 tar ldd
	[ -f "$kdir/ready" ] || die 3 "$kdir: not a fetched kernel"
	bb=$(command -v busybox)
	if ldd "$bb" >/dev/null 2>&1; then
		die 4 "$bb is dynamically linked: install busybox-static"
	fi
	w=$(mktemp -d "${TMPDIR:-/tmp}/synlab-vm.XXXXXX")
	trap 'rm -rf "$w"' EXIT
	trap 'exit 130' INT TERM
	r=$w/root
	mkdir -p "$r/bin" "$r/out" "$r/modules"
	cp "$bb" "$r/bin/busybox"
	cp "$bin" "$r/bin/synlab"
	for lib in $(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		mkdir -p "$r$(dirname "$lib")"
		cp -L "$lib" "$r$lib"
	done
	cp "$kdir"/modules/* "$r/modules/"
	cp "$jobs" "$r/jobs"
	write_init "$r/init"
	(cd "$r" && find . | cpio -o -H newc --quiet) >"$w/initrd"
	njobs=$(wc -l <"$jobs")
	limit=${SYNLAB_VM_TIMEOUT:-$((90 + 60 * njobs))}
	accel=${SYNLAB_VM_ACCEL:-tcg}
	mkdir -p "$out"
	: >"$out/console.log"
	rc=0
	timeout -k 5 "$limit" qemu-system-x86_64 -accel "$accel" -cpu max \
		-m 512 -smp 2 -nodefaults -display none -no-reboot \
		-kernel "$kdir/vmlinuz" -initrd "$w/initrd" \
		-append "console=ttyS0 quiet loglevel=3 panic=-1" \
		-serial "file:$out/console.log" -serial "file:$w/data" \
		</dev/null >"$w/qemu.log" 2>&1 || rc=$?
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		die 4 "the VM ($(cat "$kdir/release")) did not finish within $limit s (SYNLAB_VM_TIMEOUT); its console: $out/console.log"
	fi
	if ! grep -q '^=synlab-end' "$w/data" 2>/dev/null; then
		sed 's/^/  /' "$w/qemu.log" | head -5 >&2
		die 4 "the VM ($(cat "$kdir/release")) returned no results (qemu exit $rc); its console: $out/console.log"
	fi
	tr -d '\r' <"$w/data" | sed -n '/^=synlab-begin/,/^=synlab-end/p' |
		sed '1d;$d' | base64 -d | tar xf - -C "$out" ||
		die 4 "the VM's results did not decode; its console: $out/console.log"
}

[ $# -ge 1 ] || die 3 "vm: which command?"
c=$1
shift
case $c in
list) cmd_list ;;
fetch) [ $# -eq 1 ] || die 3 "vm fetch SERIES"; cmd_fetch "$1" ;;
boot) [ $# -eq 4 ] || die 3 "vm boot KDIR SYNLAB JOBS OUT"; cmd_boot "$@" ;;
*) die 3 "vm: unknown command '$c'" ;;
esac
