#!/bin/sh
# Rewrite pcaps/real-CASE.pcapng from live runs and their expected reports.
#   regen.sh REALPEER SYNLAB CASE...
# Root only (make-real.sh builds namespaces).  Each run is asserted packet
# by packet before its capture is kept; review `git diff pcaps/` and read
# every regenerated .out before committing.
set -u
RP=${1:?usage: regen.sh REALPEER SYNLAB CASE...}
SYNLAB=${2:?usage: regen.sh REALPEER SYNLAB CASE...}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
pcaps=$here/../../pcaps
rc=0
for c in "$@"; do
	if "$here/make-real.sh" "$RP" "$c" "$pcaps/real-$c.pcapng"; then
		sh "$here/../pcaps-golden.sh" "$SYNLAB" "real-$c" --regen
	else
		echo "regen.sh: $c failed, pcaps/real-$c.pcapng left as it was"
		rc=1
	fi
done
exit $rc
