"""bc_numpy.py - the bias corrections of bench_bc.sh written with NumPy, for comparison.

    bc_numpy.py run DIR METHOD YEARS NCELL   corrects DIR/sim.f64 (see bc_bench.c), writes
                                             DIR/np_METHOD.f64, prints the wall and CPU
                                             seconds taken
    bc_numpy.py compare DIR METHOD YEARS NCELL
                                             largest difference from the C output, in K

The same definitions as the library (src/bc): noleap day-of-year groups, a 31-day window
wrapping across the new year, 100 nodes at probabilities (i + 0.5) / 100, type-7 quantiles
(NumPy's default "linear"), linear interpolation between nodes and the end node's
correction beyond them. Vectorised over cells where NumPy allows it: one quantile call per
group for all cells at once; np.interp is one-dimensional, so it runs per cell and group.
"""
import sys
import time

import numpy as np

WINDOW = 31
NODES = 100


def load(d, name, years, ncell):
    return np.fromfile(f"{d}/{name}", dtype=np.float64).reshape(years * 365, ncell)


def correct(ref, hist, sim, method):
    ndays = ref.shape[0]
    pos = np.arange(ndays) % 365           # noleap: day t is position t mod 365
    half = WINDOW // 2
    p = (np.arange(NODES) + 0.5) / NODES
    nodes = np.arange(NODES, dtype=np.float64)
    out = np.empty_like(sim)
    for g in range(365):
        dist = np.abs(pos - g)
        inwin = np.minimum(dist, 365 - dist) <= half
        qr = np.quantile(ref[inwin], p, axis=0)      # NODES x ncell
        qh = np.quantile(hist[inwin], p, axis=0)
        day = pos == g
        x = sim[day]
        if method == "qdm":
            qs = np.quantile(sim[inwin], p, axis=0)
        y = np.empty_like(x)
        for c in range(x.shape[1]):
            if method == "eqm":
                y[:, c] = x[:, c] + np.interp(x[:, c], qh[:, c], qr[:, c] - qh[:, c])
            else:
                u = np.interp(x[:, c], qs[:, c], nodes)
                y[:, c] = (np.interp(u, nodes, qr[:, c]) + x[:, c]
                           - np.interp(u, nodes, qh[:, c]))
        out[day] = y
    return out


def main():
    mode, d, method = sys.argv[1], sys.argv[2], sys.argv[3]
    years, ncell = int(sys.argv[4]), int(sys.argv[5])
    if mode == "run":
        ref, hist, sim = (load(d, n, years, ncell) for n in ("ref.f64", "hist.f64", "sim.f64"))
        t0, c0 = time.perf_counter(), time.process_time()
        out = correct(ref, hist, sim, method)
        t1, c1 = time.perf_counter(), time.process_time()
        out.tofile(f"{d}/np_{method}.f64")
        print(f"{t1 - t0:.3f} {c1 - c0:.3f}")
    else:
        a = np.memmap(f"{d}/np_{method}.f64", dtype=np.float64, mode="r")
        b = np.memmap(f"{d}/c_{method}.f64", dtype=np.float64, mode="r")
        print(f"{float(np.max(np.abs(a - b))):.3g}")


if __name__ == "__main__":
    main()
