#!/bin/sh
# Regridding speed and memory beside CDO, on the same files in the same run.
#
# Input: daily tas on a 1-degree global grid (360 x 180), made with CDO: one year (365
# steps) and ten years (3650 steps, about 950 MB). Targets:
#   box    0.25-degree cells over 35-45N, 110-122E (Beijing, 40 x 48 cells), 1 and 10 years
#   global 0.5-degree cells over the globe (r720x360), 1 year (the output is 380 MB)
# Each run is timed best of $REPEAT (default 3) with /usr/bin/time, after a sync so that
# one tool's pending writes do not slow the other: wall time and CPU time (user + system),
# and peak memory (largest resident set). Both include starting the program (about 0.1 s
# for each), which dominates the one-year box.
# Both tools write uncompressed netCDF-4, and the outputs are compared cell by cell.
#
# Environment: DOWNSCALE_BIN (default build/downscale), BENCH_DIR (default
# ${TMPDIR:-/tmp}/dsc-bench-regrid, removed at the end unless BENCH_KEEP=1), REPEAT.
set -u

bin=${DOWNSCALE_BIN:-build/downscale}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/dsc-bench-regrid}
repeat=${REPEAT:-3}
box=lonlat:110.125,121.875,0.25:35.125,44.875,0.25

for tool in cdo /usr/bin/time; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "bench_regrid: $tool is not installed; skipped (make bench installs it)"
        exit 0
    fi
done
if [ ! -x "$bin" ]; then
    echo "bench_regrid: $bin not found; build it first (make all)"
    exit 1
fi
mkdir -p "$dir" || exit 1
cleanup() { [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$dir"; }
trap cleanup EXIT INT TERM

# The same box as a CDO grid description.
cat > "$dir/box.grid" <<'EOF'
gridtype = lonlat
xsize    = 48
ysize    = 40
xfirst   = 110.125
xinc     = 0.25
yfirst   = 35.125
yinc     = 0.25
EOF

# A smooth field with a seasonal cycle, so that every day differs.
if [ ! -s "$dir/tas_10y.nc" ]; then
    echo "making 10 years of daily data on a 1-degree grid (about 20 s) ..."
    cdo -s -f nc4 -b F32 -setunit,K -settaxis,2000-01-01,12:00:00,1day \
        -setcalendar,365_day \
        -expr,'tas=273.15+25*cos(rad(clat(topo)))+0.002*topo+8*sin(ctimestep()*0.0172)' \
        -duplicate,3650 -topo,r360x180 "$dir/tas_10y.nc" || exit 1
    cdo -s seltimestep,1/365 "$dir/tas_10y.nc" "$dir/tas_1y.nc" || exit 1
fi

# best_of CMD...: runs CMD $repeat times; prints "wall_s cpu_s peak_kB": the shortest wall
# time and the shortest user + system time (on a busy machine the CPU time is the steadier
# measure), and the largest peak memory seen.
best_of() {
    best=""
    cpu=""
    peak=0
    i=0
    while [ "$i" -lt "$repeat" ]; do
        sync
        /usr/bin/time -f "%e %U %S %M" -o "$dir/time.txt" "$@" >/dev/null 2>"$dir/err.txt" || {
            echo "FAILED: $*" >&2
            cat "$dir/err.txt" >&2
            return 1
        }
        read -r s u k kb < "$dir/time.txt"
        best=$(awk -v a="$best" -v b="$s" 'BEGIN { print (a == "" || b < a) ? b : a }')
        cpu=$(awk -v a="$cpu" -v b="$u" -v c="$k" \
            'BEGIN { print (a == "" || b + c < a) ? b + c : a }')
        peak=$(awk -v a="$peak" -v b="$kb" 'BEGIN { print (b > a) ? b : a }')
        i=$((i + 1))
    done
    echo "$best $cpu $peak"
}

# Largest |ours - cdo| over every cell and step, in K.
max_diff() {
    cdo -s output -fldmax -timmax -abs -sub "$1" "$2" 2>/dev/null | awk '{ print $1 }'
}

printf '%-16s %7s %7s %7s  %7s %7s %7s  %7s %7s %9s\n' case "cdo s" "ours s" speedup \
    "cdo cpu" "ours" speedup "cdo MB" "ours MB" "max|diff|"
run_case() {
    name=$1 input=$2 ours_target=$3 cdo_target=$4
    c=$(best_of cdo -s remapbil,"$cdo_target" "$input" "$dir/cdo.nc") || return 1
    o=$(best_of "$bin" regrid -q --method bilinear --to "$ours_target" "$input" \
        "$dir/ours.nc") || return 1
    d=$(max_diff "$dir/ours.nc" "$dir/cdo.nc")
    echo "$name $c $o $d" | awk '{
        printf "%-16s %7.2f %7.2f %6.1fx  %7.2f %7.2f %6.1fx  %7.1f %7.1f %9s\n", $1,
            $2, $5, ($5 > 0 ? $2 / $5 : 0), $3, $6, ($6 > 0 ? $3 / $6 : 0),
            $4 / 1024, $7 / 1024, $8 }'
    echo "$o" > "$dir/ours_$name.txt"
    rm -f "$dir/cdo.nc" "$dir/ours.nc"
}

run_case box-1year "$dir/tas_1y.nc" "$box" "$dir/box.grid" || exit 1
run_case box-10years "$dir/tas_10y.nc" "$box" "$dir/box.grid" || exit 1
run_case global0.5-1year "$dir/tas_1y.nc" r720x360 r720x360 || exit 1

# Memory against the length of the series: the time axis is streamed in blocks, so ten
# years need no more than one (what remains is HDF5's cache of the input's chunk index).
read -r _ _ m1 < "$dir/ours_box-1year.txt"
read -r _ _ m10 < "$dir/ours_box-10years.txt"
awk -v a="$m1" -v b="$m10" 'BEGIN {
    printf "ours, box: peak %.1f MB for 1 year, %.1f MB for 10 years (%+.1f MB)\n",
        a / 1024, b / 1024, (b - a) / 1024 }'
