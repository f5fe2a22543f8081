#!/bin/sh
# bench_bc.sh - EQM and QDM with a 31-day window on 150 years of daily data at a 20 x 20 grid,
# the library (bench/bc_bench.c against libdownscale.a) beside the same method in NumPy
# (bench/bc_numpy.py, Debian's python3-numpy), on the same numbers in the same run.
# Prints the wall and CPU time of each (CPU time is the fair single-core comparison on a
# machine shared with other work), their ratio, the largest difference between the two
# outputs and the peak memory of each process (/usr/bin/time -v). Never fails on speed alone.
#
# Environment: DOWNSCALE_BUILD (default build), BC_YEARS (150), BC_CELLS (400),
# PYTHON (default /usr/bin/python3, the interpreter Debian's numpy belongs to).
set -eu

build=${DOWNSCALE_BUILD:-build}
years=${BC_YEARS:-150}
cells=${BC_CELLS:-400}
python=${PYTHON:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-bc.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

pkgs="netcdf gdal proj cairo inih openblas lapacke"
# shellcheck disable=SC2046
cc -std=c11 -O2 -D_DEFAULT_SOURCE -fopenmp -I"$here/../include" -o "$work/bc_bench" \
    "$here/bc_bench.c" "$build/libdownscale.a" $(pkg-config --libs $pkgs) -lm

# Peak resident memory in MB of one command run under /usr/bin/time -v; its stdout goes to
# the file named first.
peak() {
    out=$1
    shift
    /usr/bin/time -v "$@" >"$out" 2>"$work/time.txt" || { cat "$work/time.txt"; return 1; }
    awk '/Maximum resident set size/ {printf "%.0f", $6 / 1024}' "$work/time.txt"
}

"$work/bc_bench" gen "$work" "$years" "$cells"
ndays=$((years * 365))
array_mb=$(awk -v n="$ndays" -v c="$cells" 'BEGIN {printf "%.0f", n * c * 8 / 1048576}')
threads=$(nproc)
echo "bias correction: $years years x $cells cells ($ndays days), 31-day window, 100 nodes"
echo "each array (ref, hist, sim, output) is $array_mb MB; both sides hold all four"
if ! "$python" -c 'import numpy' 2>/dev/null; then
    echo "NumPy not found for $python (apt-get install python3-numpy); C timings only"
fi

for method in eqm qdm; do
    c1_mem=$(peak "$work/c1.txt" env OMP_NUM_THREADS=1 "$work/bc_bench" run "$work" "$method" \
        "$years" "$cells")
    c1_wall=$(cut -d' ' -f1 "$work/c1.txt")
    c1_cpu=$(cut -d' ' -f2 "$work/c1.txt")
    cn_mem=$(peak "$work/cn.txt" env OMP_NUM_THREADS="$threads" "$work/bc_bench" run "$work" \
        "$method" "$years" "$cells")
    cn_wall=$(cut -d' ' -f1 "$work/cn.txt")
    echo "$method: C 1 thread ${c1_wall} s wall, ${c1_cpu} s CPU (peak ${c1_mem} MB);" \
         "$threads threads ${cn_wall} s wall (peak ${cn_mem} MB)"
    echo "$method: C working memory beyond the four arrays: 1 thread" \
         "$((c1_mem - 4 * array_mb)) MB, $threads threads $((cn_mem - 4 * array_mb)) MB"
    if "$python" -c 'import numpy' 2>/dev/null; then
        np_mem=$(peak "$work/np.txt" "$python" "$here/bc_numpy.py" run "$work" "$method" \
            "$years" "$cells")
        np_wall=$(cut -d' ' -f1 "$work/np.txt")
        np_cpu=$(cut -d' ' -f2 "$work/np.txt")
        diff=$("$python" "$here/bc_numpy.py" compare "$work" "$method" "$years" "$cells")
        echo "$method: NumPy ${np_wall} s wall, ${np_cpu} s CPU (peak ${np_mem} MB);" \
             "largest difference from C ${diff} K"
        awk -v a="$np_cpu" -v b="$c1_cpu" -v w="$np_wall" -v c="$cn_wall" -v t="$threads" \
            -v m="$method" 'BEGIN {
            printf "%s: C is %.1fx faster than NumPy in CPU time on one core, %.1fx in " \
                   "wall time with %d threads (target 10x)\n", m, a / b, w / c, t }'
    fi
done
