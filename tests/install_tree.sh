#!/bin/sh
# `cmake --install BUILD --prefix P` gives P/bin/synlab, synlab(1) that
# `man` finds through P/share/man, a bash completion that completes
# subcommands, scenarios, options and shapes from the installed binary,
# and the Wireshark plugin with its coloring rules.
# usage: install_tree.sh BUILD_DIR
set -u
BUILD=${1:?usage: install_tree.sh BUILD_DIR}
P=$(mktemp -d)
trap 'rm -rf "$P"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cmake --install "$BUILD" --prefix "$P" >"$P.log" 2>&1 ||
	{ cat "$P.log"; rm -f "$P.log"; fail "cmake --install exited nonzero"; }
rm -f "$P.log"
for f in bin/synlab share/man/man1/synlab.1 \
	share/bash-completion/completions/synlab \
	share/synlab/wireshark/synlab.lua share/synlab/wireshark/colorfilters; do
	[ -s "$P/$f" ] || fail "$f not installed"
done
[ -x "$P/bin/synlab" ] || fail "bin/synlab is not executable"
"$P/bin/synlab" --version | grep -q '^synlab [0-9]' ||
	fail "installed synlab --version"
if command -v man >/dev/null; then
	LC_ALL=C MANWIDTH=80 MANPAGER=cat MANPATH="$P/share/man" man synlab \
		2>/dev/null | grep -q '^SYNOPSIS' || fail "man synlab via MANPATH"
fi
command -v bash >/dev/null || { echo "SKIP: no bash"; exit 77; }
# complete LINE: the words the completion offers for LINE (cursor at end).
cat >"$P/complete.bash" <<'EOS'
. "$1"
line=$2
read -r -a COMP_WORDS <<<"$line"
[[ $line == *" " ]] && COMP_WORDS+=("")
COMP_WORDS[0]=$3
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_synlab
printf '%s\n' "${COMPREPLY[@]}"
EOS
complete() {
	bash "$P/complete.bash" "$P/share/bash-completion/completions/synlab" \
		"$1" "$P/bin/synlab" 2>&1
}
expect() {
	complete "$1" | grep -qx -e "$2" ||
		fail "completing '$1' does not offer '$2' (got: $(complete "$1" | tr '\n' ' '))"
}
expect "synlab an" analyze
expect "synlab sw" sweep
expect "synlab run self-connect-r" self-connect-race
expect "synlab run " simultaneous-open
expect "synlab analyze --jso" --json
expect "synlab analyze --id" --idle
expect "synlab run --cou" --count
expect "synlab inject --ws" --wscale
expect "synlab analyze --shape simul" simultaneous-open
expect "synlab analyze --shape " incomplete
n=$(complete "synlab analyze --" | wc -l)
[ "$n" -ge 8 ] || fail "analyze -- completes to $n options"
echo "install-tree: 5 files installed, man finds synlab(1), completion OK ($n analyze options)"
