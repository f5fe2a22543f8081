"""nn_torch.py - the PyTorch side of bench_nn.sh.

    python3 nn_torch.py DIR [float32|float64] [SEED]

Reads the rows nn_bench wrote to DIR (xt.f64, yt.f64, xv.f64, yv.f64 and settings.txt) and
trains the same network as the C library: the hidden layers and activation of the
settings, a linear output, Glorot-uniform weights and zero biases, Adam with the same rate,
the same batch size and epochs, the rows reshuffled every epoch, inputs and target
standardised with the training rows' mean and population standard deviation, and the
validation loss computed after every epoch (the C trainer does the same work). Only the
training loop is timed; two threads, as on the C side's two cores. Prints
    torch dtype=<t> seed=<seed> seconds=<s> epochs=<n> valid_final=<mse> valid_best=<mse>
        best_epoch=<e>
with losses as mean squared errors of the standardised target.
"""
import sys
import time

import numpy as np
import torch


def read_settings(path):
    settings = {}
    with open(path) as f:
        for line in f:
            key, value = line.split(None, 1)
            settings[key] = value.strip()
    return settings


def load(directory, name, rows, cols):
    values = np.fromfile(f"{directory}/{name}", dtype=np.float64)
    return values.reshape(rows, cols)


def build(n_inputs, hidden, activation, dtype):
    """The C library's network: Glorot-uniform weights (He for relu hidden layers), zero
    biases, a linear output layer."""
    act = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid,
           "linear": torch.nn.Identity}[activation]
    layers, n_in = [], n_inputs
    for index, units in enumerate(hidden + [1]):
        is_hidden = index < len(hidden)
        linear = torch.nn.Linear(n_in, units)
        if is_hidden and activation == "relu":
            torch.nn.init.kaiming_uniform_(linear.weight, nonlinearity="relu")
        else:
            torch.nn.init.xavier_uniform_(linear.weight)
        torch.nn.init.zeros_(linear.bias)
        layers.append(linear)
        if is_hidden:
            layers.append(act())
        n_in = units
    return torch.nn.Sequential(*layers).to(dtype)


def main():
    directory = sys.argv[1]
    dtype = torch.float64 if len(sys.argv) > 2 and sys.argv[2] == "float64" else torch.float32
    s = read_settings(f"{directory}/settings.txt")
    nt, nv, p = int(s["n_train"]), int(s["n_valid"]), int(s["n_inputs"])
    hidden = [int(h) for h in s["hidden"].split(",")] if s.get("hidden") else []
    batch, epochs, rate = int(s["batch_size"]), int(s["epochs"]), float(s["learning_rate"])
    if s["optimizer"] != "adam":
        sys.exit("nn_torch.py: only adam is compared")

    seed = int(sys.argv[3]) if len(sys.argv) > 3 else int(s["seed"])
    torch.set_num_threads(2)
    torch.manual_seed(seed)
    xt, yt = load(directory, "xt.f64", nt, p), load(directory, "yt.f64", nt, 1)
    xv, yv = load(directory, "xv.f64", nv, p), load(directory, "yv.f64", nv, 1)
    x_mean, x_sd = xt.mean(axis=0), xt.std(axis=0)
    x_sd[x_sd == 0] = 1.0
    y_mean, y_sd = yt.mean(axis=0), yt.std(axis=0)
    xt_t = torch.from_numpy((xt - x_mean) / x_sd).to(dtype)
    yt_t = torch.from_numpy((yt - y_mean) / y_sd).to(dtype)
    xv_t = torch.from_numpy((xv - x_mean) / x_sd).to(dtype)
    yv_t = torch.from_numpy((yv - y_mean) / y_sd).to(dtype)

    model = build(p, hidden, s["activation"], dtype)
    optimizer = torch.optim.Adam(model.parameters(), lr=rate)
    loss_fn = torch.nn.MSELoss()
    valid = []
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(nt)
        for first in range(0, nt, batch):
            rows = order[first:first + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(xt_t[rows]), yt_t[rows])
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            valid.append(loss_fn(model(xv_t), yv_t).item())
    seconds = time.perf_counter() - start
    best = int(np.argmin(valid))
    name = "float64" if dtype == torch.float64 else "float32"
    print(f"torch dtype={name} seed={seed} seconds={seconds:.3f} epochs={epochs} "
          f"valid_final={valid[-1]:.6f} valid_best={valid[best]:.6f} best_epoch={best}")


if __name__ == "__main__":
    main()
