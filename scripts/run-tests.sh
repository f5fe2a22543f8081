#!/bin/sh
# Runs every test program, keeps going after a failure, and ends with one summary line
# ("N passed, N failed") and a non-zero exit when any program failed.
build=$1
shift
# The end-to-end tests run the program that was just built.
DOWNSCALE_BIN=${DOWNSCALE_BIN:-$build/downscale}
export DOWNSCALE_BIN
# Every temporary folder the tests make goes under one folder, removed at the end.
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/downscale-tests.XXXXXX")
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
passed=0
failed=0
failed_names=""
for t in "$@"; do
    echo "== $t"
    if "$t" --jobs=2; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failed_names="$failed_names $(basename "$t")"
    fi
done
echo "programs: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || { echo "failed:$failed_names"; exit 1; }
