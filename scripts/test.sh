#!/bin/sh
# The README's test command: install, build warning-free, run every test,
# then build again with ASan+UBSan and run the suite once more (except the
# VM tests, label vm: other kernels under QEMU, docs/kernels.md).
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
echo "== build (-Werror)"
cmake -S . -B build -DSYNLAB_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
echo "== tests"
(cd build && ctest --output-on-failure -j2 -LE vm)
# The VM tests boot Debian's kernels under QEMU TCG; a boot that prints
# nothing and hangs until SYNLAB_VM_TIMEOUT happened once in many boots
# (docs/kernels.md), so each VM test gets a second boot if the first fails.
echo "== tests in VMs (other kernels)"
(cd build && ctest --output-on-failure -L vm --repeat until-pass:2)
echo "== build (ASan + UBSan)"
cmake -S . -B build-asan -DSYNLAB_WERROR=ON -DSYNLAB_SANITIZE=ON \
	-DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$(nproc)"
echo "== tests under ASan + UBSan (not the VM tests: they ran above)"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --output-on-failure -j2 -LE vm)
