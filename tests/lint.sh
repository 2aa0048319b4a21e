#!/bin/sh
# Lint: every C file is formatted as .clang-format says (kernel style).
# usage: lint.sh SOURCE_DIR
set -u
cd "${1:?usage: lint.sh SOURCE_DIR}" || exit 1
command -v clang-format >/dev/null 2>&1 || { echo "SKIP: clang-format not installed"; exit 77; }
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build*')
if clang-format --dry-run --Werror $files; then
	echo "lint: $(echo "$files" | wc -w) files formatted as .clang-format says"
	echo "1 passed, 0 failed"
else
	echo "lint: run clang-format -i on the files above"
	exit 1
fi
