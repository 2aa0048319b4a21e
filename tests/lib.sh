# Sourced by the test scripts in tests/: what each would write again.
# need TOOL [PACKAGE]: skip the test (exit 77) unless TOOL is installed.
need() {
	command -v "$1" >/dev/null ||
		{ echo "SKIP: $1 not installed${2:+ ($2)}"; exit 77; }
}
# scratch: $tmp, a directory removed when the script exits.
scratch() {
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
}
