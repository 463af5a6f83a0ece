#!/usr/bin/python3
"""Inspects the figures of the plot scripts (matplotlib Agg artists), on the run files that
run_plot_checks.sh made: fails if a plot regressed in the ways issue 8 fixed.

Usage: LAUNCHMC=... check_plots.py SOURCE_DIR WORK_DIR  (WORK_DIR holds closed.h5, open.h5,
missile.h5, fly.h5, fly_failed.h5)"""
import copy
import importlib.util
import os
import sys

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

source_dir, work = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(source_dir, "scripts"))
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def load(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(source_dir, "scripts", f"{name}.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def texts(fig):
    """Every string a reader sees: titles, labels, legend entries, free text."""
    out = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    return "\n".join(out)


lp = load("launchmc_plot")
launchmc = lp.find_launchmc(None)

# ---- plot_run: every body drawn or named; ellipses above the points, with fractions ----------
plot_run = load("plot_run")
plot_run.MAX_POINTS = 150  # small runs: make the subsampling (and its label) happen
for run in ("closed.h5", "missile.h5"):
    path = os.path.join(work, run)
    summary = lp.summarize(launchmc, path)
    fig, report = plot_run.build_figure(path, summary)
    visible = texts(fig)
    names = [b["name"] for b in summary["bodies"]]
    check(len(names) > 0, f"{run}: the summary lists bodies")
    check([b["name"] for b in report["bodies"]] == names, f"{run}: the report covers every summary body")
    for b, rb in zip(summary["bodies"], report["bodies"]):
        name = b["name"]
        check(name in visible, f"{run}: body {name} appears in the figure's text")
        check(rb["drawn_on"] or any(name in n for n in report["notes"]),
              f"{run}: body {name} is drawn or named in the notes")
        if rb["drawn_on"] and not rb["ellipse_drawn"]:
            check(any(n.startswith(name) or n.startswith("vehicle (its own") for n in report["notes"]),
                  f"{run}: {name} has no ellipse and a note says why")
        if b["impacted"] > plot_run.MAX_POINTS:
            check(f"({plot_run.MAX_POINTS:,} shown)" in visible, f"{run}: subsampled {name} says so")
    for rb in report["bodies"]:
        if rb["ellipse_drawn"]:
            check(f"holds {100 * rb['contained_fraction']['95']:.1f} %" in visible,
                  f"{run}: {rb['name']}: the legend gives the fraction its 95 % ellipse holds")
    # Ellipses: above every scatter of their axes, labelled with the level and the fraction held.
    n_ellipses = 0
    for ax in fig.axes:
        scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
        for line in ax.get_lines():
            if "ellipse" in line.get_label():
                n_ellipses += 1
                check(all(line.get_zorder() > s.get_zorder() for s in scatters),
                      f"{run}: ellipse '{line.get_label()}' drawn above the points")
                check("% ellipse" in line.get_label() and "holds" in line.get_label(),
                      f"{run}: ellipse legend gives level and fraction: {line.get_label()}")
    expected = sum(1 + ("95" in b["ellipses"]) + ("99" in b["ellipses"])  # map + the body's panel
                   for b, rb in zip(summary["bodies"], report["bodies"]) if rb["ellipse_drawn"])
    check(n_ellipses == expected > 0, f"{run}: {n_ellipses} ellipses drawn, {expected} expected")
    # The fraction counted here matches a direct count of the points in the summary's ellipse.
    with h5py.File(path, "r") as f:
        for b, rb in zip(summary["bodies"], report["bodies"]):
            if b["name"] == "vehicle" or "95" not in b["ellipses"]:
                continue
            g = f[f"bodies/{b['name']}"]
            lat, lon = g["impact_lat_deg"][:], g["impact_lon_deg"][:]
            ok = np.isfinite(lat)
            fp = lp.Footprint(lat[ok], lon[ok], (g.attrs["nominal_impact_lat_deg"], g.attrs["nominal_impact_lon_deg"]))
            x, y = fp.x - fp.mx, fp.y - fp.my
            c = np.cov(np.vstack([x, y]))
            k2 = -2.0 * np.log(0.05)  # the summary's ellipse is the covariance's k-sigma contour
            d2 = np.einsum("ij,ji->i", np.vstack([x, y]).T, np.linalg.solve(c, np.vstack([x, y])))
            direct = float(np.mean(d2 <= k2))
            check(abs(rb["contained_fraction"]["95"] - direct) <= 2.0 / fp.n + 1e-9,
                  f"{run}: {b['name']} 95 % fraction {rb['contained_fraction']['95']:.4f} vs Mahalanobis {direct:.4f}")
    matplotlib.pyplot.close(fig)

    # The summary's own contained_fraction and warnings, when it gives them, are what is shown.
    fake = copy.deepcopy(summary)
    for b in fake["bodies"]:
        for e in b["ellipses"].values():
            e["contained_fraction"] = 0.4321
        b["warnings"] = [f"test warning for {b['name']}"]
    fig, report = plot_run.build_figure(path, fake)
    visible = texts(fig)
    check(all(rb["fraction_source"] in ([], ["summary"]) for rb in report["bodies"]),
          f"{run}: the summary's contained_fraction is used when present")
    check(("holds 43.2 %" in visible) == any(rb["ellipse_drawn"] for rb in report["bodies"]),
          f"{run}: the summary's contained_fraction is what the legend shows")
    for b in fake["bodies"]:
        check(f"test warning for {b['name']}" in visible, f"{run}: summary warning of {b['name']} shown")
    matplotlib.pyplot.close(fig)

# ---- plot_compare: probabilities with intervals; unclipped histograms ------------------------
plot_compare = load("plot_compare")
paths = [os.path.join(work, r) for r in ("closed.h5", "open.h5")]
labels = ["closed loop", "open loop"]
summaries = [lp.summarize(launchmc, p) for p in paths]
fig, report = plot_compare.build_figure(paths, labels, summaries)
visible = texts(fig)
for s, label in zip(summaries, labels):
    lo, hi = s["p_success_ci95"]
    check(f"{label}: {s['p_success']:.4f}, 95 % CI [{lo:.4f}, {hi:.4f}]" in visible,
          f"compare: P(orbit) of {label} with its interval")
    t = s.get("target_orbit")
    if t:
        check(f"{label}: {t['p']:.4f}, 95 % CI [{t['ci95'][0]:.4f}, {t['ci95'][1]:.4f}]" in visible,
              f"compare: P(target orbit) of {label} with its interval")
    else:
        check(f"{label}: none" in visible, f"compare: {label} has no target orbit, said so")
check("P(target orbit)" in visible and "P(orbit)" in visible, "compare: both probabilities labelled")
runs = [plot_compare.load(p) for p in paths]
for h in report["histograms"]:
    edges = np.asarray(h["edges"])
    check(10 <= h["bins"] <= plot_compare.MAX_BINS, f"compare: {h['quantity']}: {h['bins']} bins")
    for r, hr in zip(runs, h["runs"]):
        v = r[h["quantity"]][np.isfinite(r[h["quantity"]])]
        expected, _ = np.histogram(v, edges)  # values beyond the view are not counted
        check(np.allclose(hr["counts"], expected), f"compare: {h['quantity']} of {hr['label']}: no pile-up at the edges")
        check(hr["in_view"] + hr["below"] + hr["above"] == len(v),
              f"compare: {h['quantity']} of {hr['label']}: every orbit in view or counted beyond it")
        if hr["below"] or hr["above"]:
            check(f"beyond view: {hr['below']:,} below, {hr['above']:,} above" in visible,
                  f"compare: {h['quantity']} of {hr['label']}: outliers beyond the view stated")
matplotlib.pyplot.close(fig)

# Histograms of synthetic runs, 1e2 to 1e6 orbits: a tight run and a wide one with far outliers.
rng = np.random.default_rng(1)
for n in (100, 10_000, 1_000_000):
    tight = np.concatenate([rng.normal(493.0, 0.5, n - 3), [100.0, 2000.0, 5000.0]])
    wide = rng.normal(480.0, 40.0, n)
    fake = [{"perigee": v, "n": n} for v in (tight, wide)]
    fig, ax = matplotlib.pyplot.subplots()
    h = plot_compare.histogram_panel(ax, fake, ["tight", "wide"], "perigee", "km", "perigee")
    edges = np.asarray(h["edges"])
    check(10 <= h["bins"] <= min(plot_compare.MAX_BINS, max(10, 2 * np.sqrt(n))),
          f"synthetic n={n}: {h['bins']} bins")
    check(ax.get_xlim() == (edges[0], edges[-1]), f"synthetic n={n}: no bin cut off by the axis")
    for v, hr in zip((tight, wide), h["runs"]):
        expected, _ = np.histogram(v, edges)
        check(np.allclose(hr["counts"], expected), f"synthetic n={n} {hr['label']}: no pile-up at the edges")
        check(hr["in_view"] + hr["below"] + hr["above"] == n, f"synthetic n={n} {hr['label']}: all counted")
    check(h["runs"][0]["above"] >= 2, f"synthetic n={n}: far outliers left out of the view")
    check(f"beyond view: {h['runs'][0]['below']:,} below, {h['runs'][0]['above']:,} above" in texts(fig),
          f"synthetic n={n}: outliers beyond the view stated")
    matplotlib.pyplot.close(fig)

# ---- plot_flight: every body drawn or named, with its fate -----------------------------------
plot_flight = load("plot_flight")
for run in ("fly.h5", "fly_failed.h5"):
    with h5py.File(os.path.join(work, run), "r") as f:
        fig, ax = matplotlib.pyplot.subplots()
        report = plot_flight.ground_tracks(ax, f, f["vehicle"])
        legend = "\n".join(t.get_text() for t in ax.get_legend().get_texts())
        for name in list(f["bodies"]) + ["vehicle"]:
            check(name in report["drawn"] or name in report["not_drawn"], f"{run}: {name} drawn or named")
            check(name in legend, f"{run}: {name} in the ground-track legend")
        if f.attrs["status"] != "orbit":
            check("vehicle impact" in legend, f"{run}: the failed vehicle's impact is marked")
        check(any(isinstance(a, Line2D) for a in ax.get_lines()), f"{run}: tracks drawn")
        matplotlib.pyplot.close(fig)

if failures:
    sys.exit(f"{len(failures)} plot check(s) failed")
print("figures inspected: all checks passed")
