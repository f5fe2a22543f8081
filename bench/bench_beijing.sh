#!/bin/sh
# bench_beijing.sh - the Beijing pipeline as shipped (pipelines/beijing.ini: CCSM4, GMFD at
# 0.25 degree, box 35-45N 110-122E, both variables, four RCPs, 1950-2100) on the tests'
# synthetic archive in the published layouts (bench/fixture_beijing_main.c writes it). No
# real CCSM4 or GMFD file is needed: the sizes and layouts are the real ones, the values are
# synthetic.
#
# Prints the cells of the box, the wall time and peak memory of the whole run (from
# /usr/bin/time -v) with the time of each stage (manifest.json), the size of the cache and
# of the outputs, then the time of an unchanged rerun (the nightly case: no work).
# Takes about 30 minutes on 2 cores at 0.25 degree (training is nearly all of it), 2 minutes
# at 1.0 degree.
#
# Environment: DOWNSCALE_BUILD (default build), DOWNSCALE_BIN (default $build/downscale),
# BEIJING_RES (0p25, the default, or 1p0), BEIJING_BENCH_DIR (default: a temporary folder,
# removed at the end; set it to keep the outputs).
set -eu

build=${DOWNSCALE_BUILD:-build}
bin=${DOWNSCALE_BIN:-$build/downscale}
res=${BEIJING_RES:-0p25}
here=$(cd "$(dirname "$0")" && pwd)
case $res in
0p25 | 1p0) ;;
*)
    echo "bench_beijing.sh: BEIJING_RES must be 0p25 or 1p0, not '$res'" >&2
    exit 2
    ;;
esac
if [ -n "${BEIJING_BENCH_DIR:-}" ]; then
    work=$BEIJING_BENCH_DIR
    mkdir -p "$work"
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/bench-beijing.XXXXXX")
    trap 'rm -rf "$work"' EXIT INT TERM
fi

# shellcheck disable=SC2046
cc -std=c11 -O2 -D_DEFAULT_SOURCE -I"$here/../include" -I"$here/../tests" \
    -o "$work/fixture_beijing" "$here/fixture_beijing_main.c" \
    "$here/../tests/support/fixture_beijing.c" $(pkg-config --libs netcdf) -lm
"$work/fixture_beijing" "$work/archive" "$res" >/dev/null

run() {
    /usr/bin/time -v "$bin" run "$here/../pipelines/beijing.ini" --data-root "$work/archive" \
        --out "$work/out" --quiet --set "inputs.obs=gmfd/{var}_${res}_daily_*.nc" \
        2>"$work/time.txt" || { cat "$work/time.txt"; return 1; }
}
wall() { awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt"; }
peak_mb() { awk '/Maximum resident set size/ {printf "%.0f", $6 / 1024}' "$work/time.txt"; }

rm -rf "$work/out"
run
cells=$(sed -n 's/.*training and [0-9]* validation rows over \([0-9]*\) cells.*/\1/p' \
    "$work/out/run.log" | head -n 1)
echo "Beijing, GMFD $res: $cells cells, tasmax and tasmin, historical + 4 RCPs, $(nproc) cores"
echo "first run: $(wall) wall, peak memory $(peak_mb) MB"
python3 - "$work/out/manifest.json" <<'EOF' 2>/dev/null || true
import json, sys
t = json.load(open(sys.argv[1]))["timings_seconds"]
print("stages (s): " + ", ".join(f"{k} {v:.0f}" for k, v in t.items() if v >= 0.5))
EOF
echo "cache: $(du -sh "$work/out/.cache" | cut -f1); outputs:" \
     "$(du -sh --exclude=.cache "$work/out" | cut -f1)"
run
echo "unchanged rerun: $(wall) wall, peak memory $(peak_mb) MB"
