#!/bin/sh
# Runs every benchmark (bench/bench_*.sh) with the freshly built program. Benchmarks print
# their own results; a failing benchmark is reported and the others still run.
build=$1
export DOWNSCALE_BIN="${DOWNSCALE_BIN:-$build/downscale}"
export DOWNSCALE_BUILD="$build"
status=0
for b in bench/bench_*.sh; do
    [ -e "$b" ] || continue
    echo "== $b"
    sh "$b" || { echo "benchmark $b failed"; status=1; }
done
exit $status
