#!/usr/bin/python3
"""Bar charts of sensitivity indices with their 95 % intervals, one panel per output, from the
/sensitivity group of `launchmc sensitivity analyze -o FILE` (docs/hdf5_format.md).

Sobol' designs: per input, the first-order S1 and total ST indices side by side with their
bootstrap intervals as error bars, inputs ranked by ST (largest on top). Morris designs: mu* with
its bootstrap interval, and sigma as a second bar, ranked by mu*. An output whose status is not
`ok` (no_variance: a constant output; too_few) gets an empty panel that says so.

Many inputs (the factors of a launch, `launchmc sensitivity CONFIG`): --top N draws the N leading
inputs of each output (default: all up to 12 inputs, else 10) and says in the panel how many are
left out and the largest index among them.

Usage: /usr/bin/python3 scripts/plot_sensitivity.py SENS.h5 -o out.png [--outputs A,B]
           [--top N] [--report]
--report prints what was drawn as JSON (per output: status, and the bars in drawn order with
their values and intervals), for checks."""
import argparse
import json
import math
import sys

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def text(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def read(path):
    with h5py.File(path, "r") as f:
        scenario = text(f.attrs["scenario"]) if "scenario" in f.attrs else None
        if "sensitivity" not in f:
            sys.exit(f"{path}: no /sensitivity group (write one with `launchmc sensitivity "
                     "analyze DESIGN --outputs Y.csv -o FILE`)")
        g = f["sensitivity"]
        method = text(g.attrs["method"])
        names = [text(n) for n in g["input_names"][()]]
        outputs = {}
        for name, og in g["outputs"].items():
            d = {"status": text(og.attrs["status"])}
            for key in og:
                d[key] = np.asarray(og[key][()], dtype=float)
            outputs[name] = d
        info = {"scenario": scenario, "N": int(g.attrs["N"]), "rows": int(g.attrs["rows"])}
    return method, names, outputs, info


def finite(x):
    return None if not math.isfinite(x) else float(x)


def bars_of(method, names, d):
    """The bars of one output in drawn order (top first): dicts of input and values."""
    if d["status"] != "ok" and not (method == "morris" and d["status"] == "no_variance"):
        return []
    if method == "sobol":
        key, series = d["ST"], (("S1", "S1"), ("ST", "ST"))
    else:
        key, series = d["mu_star"], (("mu_star", "mu_star"), ("sigma", None))
    order = sorted(range(len(names)), key=lambda i: -key[i] if math.isfinite(key[i]) else math.inf)
    out = []
    for i in order:
        bar = {"input": names[i]}
        for label, base in series:
            v = d[label][i]
            bar[label] = finite(v)
            if base is not None:
                bar[label + "_ci95"] = [finite(d[base + "_ci95_lo"][i]),
                                        finite(d[base + "_ci95_hi"][i])]
        out.append(bar)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--outputs", help="comma-separated output names (default: all)")
    ap.add_argument("--top", type=int, help="draw the N leading inputs of each output")
    ap.add_argument("--report", action="store_true")
    a = ap.parse_args()
    method, names, outputs, info = read(a.file)
    top = a.top if a.top is not None else (len(names) if len(names) <= 12 else 10)
    if top < 1:
        sys.exit("--top: at least 1")
    shown = min(top, len(names))
    chosen = list(outputs) if not a.outputs else a.outputs.split(",")
    for c in chosen:
        if c not in outputs:
            sys.exit(f"{a.file}: no output '{c}' (outputs: {', '.join(outputs)})")
    n = len(chosen)
    cols = min(n, 2)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(cols * (3.5 + 0.075 * max(len(x) for x in names)),
                                      0.45 * shown * rows + 2.2 * rows),
                             squeeze=False)
    report = {"method": method, "outputs": {}}
    for ax, name in zip(axes.flat, chosen):
        d = outputs[name]
        all_bars = bars_of(method, names, d)
        bars, hidden = all_bars[:top], all_bars[top:]
        report["outputs"][name] = {"status": d["status"], "bars": bars, "hidden": len(hidden)}
        ax.set_title(name)
        if not bars:
            ax.text(0.5, 0.5, f"{d['status']}: no indices", ha="center", va="center",
                    transform=ax.transAxes)
            ax.set_axis_off()
            continue
        y = np.arange(len(bars))[::-1]
        labels = [b["input"] for b in bars]
        series = [("S1", "first order S1"), ("ST", "total ST")] if method == "sobol" else \
            [("mu_star", "mu* (|EE| mean)"), ("sigma", "sigma of EE")]
        h = 0.38
        for s, (key, label) in enumerate(series):
            vals = np.array([b[key] if b[key] is not None else np.nan for b in bars])
            off = (0.5 - s) * h
            err = None
            if key + "_ci95" in bars[0]:
                lo = np.array([b[key + "_ci95"][0] if b[key + "_ci95"][0] is not None else np.nan
                               for b in bars])
                hi = np.array([b[key + "_ci95"][1] if b[key + "_ci95"][1] is not None else np.nan
                               for b in bars])
                err = np.vstack([np.clip(vals - lo, 0, None), np.clip(hi - vals, 0, None)])
            ax.barh(y + off, vals, height=h, xerr=err, capsize=3, label=label)
        ax.set_yticks(y)
        ax.set_yticklabels(labels)
        ax.axvline(0.0, color="0.3", linewidth=0.8)
        ax.set_xlabel("index (95 % bootstrap interval)" if method == "sobol"
                      else "elementary effect per unit of u (mu*: 95 % interval)")
        ax.legend(loc="lower right", fontsize=8)
        if hidden:
            key = "ST" if method == "sobol" else "mu_star"
            largest = max((b[key] for b in hidden if b[key] is not None), default=None)
            note = f"{len(hidden)} more inputs not shown"
            if largest is not None:
                note += f" ({key} = 0)" if largest == 0 else f" ({key} <= {largest:.3g})"
            ax.set_title(f"{name}\n{note}", fontsize=10)
    for ax in list(axes.flat)[n:]:
        ax.set_axis_off()
    what = f"{method}, N = {info['N']}, {len(names)} inputs, {info['rows']} model runs"
    if info["scenario"]:
        what = f"{info['scenario']}: {what}"
    fig.suptitle(f"Sensitivity ({what}) from {a.file}", fontsize=10)
    fig.tight_layout()
    fig.savefig(a.output, dpi=110)
    if a.report:
        print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
