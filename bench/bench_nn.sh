#!/bin/sh
# bench_nn.sh - the ANN of the demo pipeline (its [ann] settings: layers, activation, Adam,
# rate, batch size, epochs) trained on the Frankfurt rows of the train stage (first model,
# tasmax, 1951-1990 rank-paired targets, 1991-2005 validation), by the library
# (bench/nn_bench.c against libdownscale.a) and by PyTorch on the CPU (bench/nn_torch.py,
# Debian's python3-torch, 2 threads), on the same numbers in the same run, for a few seeds.
# Both run every epoch (no early stopping) and evaluate the validation rows after each.
# Prints the training times, their ratio, both validation errors (best epoch and last,
# mean over the seeds) and the peak memory of each process (/usr/bin/time -v); then the
# library's time for each learning rule. Never fails on speed alone.
#
# Environment: DOWNSCALE_BUILD (default build), DOWNSCALE_DATA (default ../shared/data),
# NN_SEEDS (default "42 43 44"), PYTHON (default /usr/bin/python3, the interpreter Debian's
# torch belongs to).
set -eu

build=${DOWNSCALE_BUILD:-build}
here=$(cd "$(dirname "$0")" && pwd)
data=${DOWNSCALE_DATA:-$here/../../shared/data}
seeds=${NN_SEEDS:-42 43 44}
python=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-nn.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

pkgs="netcdf gdal proj cairo inih openblas lapacke"
# The driver uses the pipeline's own stages to build the rows, hence -Isrc.
# shellcheck disable=SC2046
cc -std=c11 -O2 -D_DEFAULT_SOURCE -fopenmp -I"$here/../include" -I"$here/../src" \
    -o "$work/nn_bench" "$here/nn_bench.c" "$build/libdownscale.a" \
    $(pkg-config --libs $pkgs) -lm

# Peak resident memory in MB of one command run under /usr/bin/time -v; its stdout goes to
# the file named first.
peak() {
    out=$1
    shift
    /usr/bin/time -v "$@" >"$out" 2>"$work/time.txt" || { cat "$work/time.txt"; return 1; }
    awk '/Maximum resident set size/ {printf "%.0f", $6 / 1024}' "$work/time.txt"
}

# Mean of field NAME=value over the lines of a file.
mean() {
    awk -v k="$1" '{for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) {
        s += substr($i, length(k) + 2); n++ }} END {printf "%.6g", s / n}' "$2"
}

runs=""
for s in $seeds; do runs="$runs backprop@$s"; done
# shellcheck disable=SC2086
c_mem=$(peak "$work/c.txt" "$work/nn_bench" "$here/../pipelines/demo.ini" "$data" "$work" $runs)
cat "$work/c.txt"
sed -n 's/^n_train \(.*\)/training rows: \1/p; s/^n_valid \(.*\)/validation rows: \1/p;
    s/^hidden \(.*\)/hidden layers: \1/p; s/^batch_size \(.*\)/batch size: \1/p;
    s/^epochs \(.*\)/epochs: \1/p' "$work/settings.txt" | paste -sd';' -
c_time=$(mean seconds "$work/c.txt")
c_best=$(mean valid_best "$work/c.txt")
c_final=$(mean valid_final "$work/c.txt")
echo "C: mean ${c_time} s per network, validation MSE best ${c_best}, last ${c_final}" \
     "(standardised), peak ${c_mem} MB"

if "$python" -c 'import torch' 2>/dev/null; then
    : >"$work/t.txt"
    for s in $seeds; do
        t_mem=$(peak "$work/t1.txt" "$python" "$here/nn_torch.py" "$work" float32 "$s")
        cat "$work/t1.txt" >>"$work/t.txt"
    done
    cat "$work/t.txt"
    t_time=$(mean seconds "$work/t.txt")
    t_best=$(mean valid_best "$work/t.txt")
    t_final=$(mean valid_final "$work/t.txt")
    echo "PyTorch: mean ${t_time} s per network, validation MSE best ${t_best}, last" \
         "${t_final} (standardised), peak ${t_mem} MB"
    awk -v a="$t_time" -v b="$c_time" -v cb="$c_best" -v tb="$t_best" -v cf="$c_final" \
        -v tf="$t_final" 'BEGIN {
        printf "C is %.1fx faster than PyTorch (target 5x); validation MSE of the kept " \
               "(best) epoch %+.1f%% against PyTorch, of the last epoch %+.1f%% (target: " \
               "within 2%% or better)\n", a / b, 100 * (cb / tb - 1), 100 * (cf / tf - 1) }'
else
    echo "PyTorch not found for $python (apt-get install python3-torch); C timings only"
fi

echo "learning rules (seed $(echo "$seeds" | cut -d' ' -f1), the library only):"
"$work/nn_bench" "$here/../pipelines/demo.ini" "$data" "$work" feedback_alignment \
    node_perturbation weight_perturbation dtp
