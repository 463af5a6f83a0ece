#!/usr/bin/python3
"""Where the debris of failed flights fell: per failure mode and per fragment class of a
`launchmc run -o` file, the weighted mean impact point, the 99 % containment ellipse of a normal
fit (with the share of the weighted impacts it actually holds), and the impact-time spread; the
intact vehicle of modes that do not break up; the nominal bodies (spent stages, fairing) too.

Weights: a fragment stands for `weight` pieces (its class's pieces / fragments flown) times its
sample's `/outcome/weight` (1 unless the run is stratified), so every statistic of a fragment
class is weighted by it; a spent stage or an intact vehicle weighs its sample's weight.

Usage: /usr/bin/python3 scripts/plot_failure_debris.py RUN.h5 -o out.png [--table out.md]
           [--coast COAST.txt] [--mark LAT,LON,LABEL ...] [--title TEXT]
--coast: coastlines as GMT's multi-segment text (`gmt coast -R.. -Dl -W -M`, '>' between
segments; lon lat per line), drawn under the points; without it the map says it has none.
--table: the per-mode, per-class table as Markdown. Prints the same table on stdout."""
import argparse
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h5py  # noqa: E402
import matplotlib  # noqa: E402
import numpy as np  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import launchmc_plot as lp  # noqa: E402

K99 = math.sqrt(-2.0 * math.log(0.01))  # 99 % ellipse of a bivariate normal: 3.035 sigma


def weighted_footprint(lat, lon, w):
    """Weighted mean (lat, lon), 99 % ellipse (semi-major, semi-minor km, azimuth deg) of the
    normal fit, the weighted share of points inside it, and Kish's effective count."""
    lat, lon, w = np.asarray(lat, float), np.asarray(lon, float), np.asarray(w, float)
    ref = (float(np.average(lat, weights=w)), float(np.average(lon, weights=w)))
    x, y = lp.to_plane(*ref, lat, lon)
    mx, my = np.average(x, weights=w), np.average(y, weights=w)
    dx, dy = x - mx, y - my
    sw = w.sum()
    c = np.array([[np.sum(w * dx * dx), np.sum(w * dx * dy)],
                  [np.sum(w * dx * dy), np.sum(w * dy * dy)]]) / sw
    vals, vecs = np.linalg.eigh(c)
    a, b = K99 * math.sqrt(max(vals[1], 0.0)), K99 * math.sqrt(max(vals[0], 0.0))
    major = vecs[:, 1]
    az = math.degrees(math.atan2(major[0], major[1])) % 180.0
    inv = np.linalg.pinv(c)
    m2 = inv[0, 0] * dx * dx + 2 * inv[0, 1] * dx * dy + inv[1, 1] * dy * dy
    held = float(np.sum(w[m2 <= K99 * K99]) / sw)
    mean_lat, mean_lon = lp.from_plane(*ref, mx, my)
    t = np.linspace(0, 2 * math.pi, 181)
    th = math.radians(az)
    u, v = a * np.cos(t), b * np.sin(t)
    e_lat, e_lon = lp.from_plane(*ref, mx + u * math.sin(th) + v * math.cos(th),
                                 my + u * math.cos(th) - v * math.sin(th))
    n_eff = sw * sw / np.sum(w * w)
    return dict(lat=float(mean_lat), lon=float(mean_lon), a_km=a / 1e3, b_km=b / 1e3, az=az,
                held=held, n_eff=float(n_eff), outline=(e_lat, e_lon))


def weighted_quantiles(v, w, qs):
    o = np.argsort(v)
    v, w = np.asarray(v)[o], np.asarray(w)[o]
    c = (np.cumsum(w) - 0.5 * w) / w.sum()
    return [float(np.interp(q, c, v)) for q in qs]


def groups(f):
    """[(mode name, class name, lat, lon, time, weight, pieces per sample)] of every impact set."""
    o = f["outcome"]
    fm = o["failure_mode"][:]
    names = [n.decode() if isinstance(n, bytes) else str(n) for n in f["failure_modes"]["name"][:]]
    sample_w = o["weight"][:] if "weight" in o else np.ones(len(fm))
    out = []
    fr = f["fragments"]
    classes = [c.decode() for c in fr["classes"][:]]
    s, ci = fr["sample"][:], fr["class_index"][:]
    fate = fr["fate"][:]
    lat, lon, t, w = (fr[k][:] for k in ("impact_lat_deg", "impact_lon_deg", "impact_time_s",
                                         "weight"))
    for m, name in enumerate(names):
        in_mode = fm[s] == m
        for k, cname in enumerate(classes):
            sel = in_mode & (ci == k) & (fate == 0)
            if sel.any():
                n_samples = len(np.unique(s[sel]))
                # /fragments/weight counts pieces; a stratified run's sample weight multiplies it.
                out.append((name, cname, lat[sel], lon[sel], t[sel], w[sel] * sample_w[s[sel]],
                            n_samples))
        # The intact vehicle where the mode does not break it up.
        vl, vo = o["vehicle_impact_lat_deg"][:], o["vehicle_impact_lon_deg"][:]
        sel = (fm == m) & np.isfinite(vl)
        if sel.any():
            tt = o["flight_time_s"][:][sel]
            out.append((name, "vehicle (intact)", vl[sel], vo[sel], tt, sample_w[sel],
                        int(sel.sum())))
    for b in f["bodies"]:
        g = f["bodies"][b]
        sel = g["fate"][:] == 0
        if sel.any():
            out.append(("(every flight)", b, g["impact_lat_deg"][:][sel],
                        g["impact_lon_deg"][:][sel], g["impact_time_s"][:][sel],
                        sample_w[sel], int(sel.sum())))
    return out, names, fm, sample_w


def read_coast(path):
    segs, cur = [], []
    with open(path) as fh:
        for line in fh:
            if line.startswith(">") or not line.strip():
                if len(cur) > 1:
                    segs.append(np.array(cur))
                cur = []
                continue
            lo, la = line.split()[:2]
            cur.append((float(lo), float(la)))
    if len(cur) > 1:
        segs.append(np.array(cur))
    return segs


def scale_bar(ax, lon_lim, lat_lim):
    """A 200 km bar (or 500 / 100 km to fit) in the lower left corner."""
    lat = lat_lim[0] + 0.06 * (lat_lim[1] - lat_lim[0])
    km_per_deg = 111.32 * math.cos(math.radians(lat))
    span_km = (lon_lim[1] - lon_lim[0]) * km_per_deg
    length = 500 if span_km > 2500 else 200 if span_km > 800 else 100
    x0 = lon_lim[0] + 0.05 * (lon_lim[1] - lon_lim[0])
    ax.plot([x0, x0 + length / km_per_deg], [lat, lat], color="k", lw=3, zorder=6)
    ax.text(x0 + 0.5 * length / km_per_deg, lat + 0.012 * (lat_lim[1] - lat_lim[0]),
            f"{length} km", ha="center", va="bottom", fontsize=8, zorder=6)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--table")
    ap.add_argument("--coast")
    ap.add_argument("--mark", action="append", default=[])
    ap.add_argument("--title", default="")
    a = ap.parse_args()
    f = h5py.File(a.run, "r")
    sets, names, fm, sample_w = groups(f)
    n = len(fm)
    rows = ["| failure mode | samples (share) | body / fragment class | pieces per flight of the mode "
            "| mean impact | 99 % ellipse semi-axes, azimuth | holds | impact time 1 / 50 / 99 % "
            "[s] |", "|---|---|---|---|---|---|---|---|"]
    fig, ax = plt.subplots(figsize=(15, 11))
    all_lat, all_lon = [], []
    cmap = plt.get_cmap("tab20")
    for i, (mode, cname, lat, lon, t, w, n_s) in enumerate(sets):
        if len(lat) < 2:
            continue
        fp = weighted_footprint(lat, lon, w)
        q = weighted_quantiles(t, w, [0.01, 0.5, 0.99])
        in_mode = (fm == names.index(mode)) if mode in names else np.ones(n, bool)
        share = np.sum(sample_w[in_mode]) / np.sum(sample_w)
        pieces = np.sum(w) / max(np.sum(sample_w[in_mode]), 1e-300)
        note = "" if len(lat) >= 30 else " (fewer than 30 impacts: statistics rough)"
        rows.append(
            f"| {mode} | {int(in_mode.sum()):,} ({100 * share:.1f} %) | {cname}{note} | "
            f"{pieces:.3g} | {fp['lat']:.2f} N {fp['lon']:.2f} E | {fp['a_km']:.0f} x "
            f"{fp['b_km']:.0f} km, {fp['az']:.0f} deg | {100 * fp['held']:.1f} % | "
            f"{q[0]:.0f} / {q[1]:.0f} / {q[2]:.0f} |")
        colour = cmap(i % 20)
        k = np.random.default_rng(i).permutation(len(lat))[:4000]
        ax.scatter(lon[k], lat[k], s=2, color=colour, alpha=0.25, lw=0, zorder=3)
        ax.plot(fp["outline"][1], fp["outline"][0], color=colour, lw=1.6, zorder=4,
                label=f"{mode}: {cname} (99 % ellipse holds {100 * fp['held']:.1f} %)")
        ax.plot(fp["lon"], fp["lat"], "+", color=colour, ms=10, mew=2, zorder=5)
        all_lat.append(lat[k])
        all_lon.append(lon[k])
    lat_all, lon_all = np.concatenate(all_lat), np.concatenate(all_lon)
    lon_lim, lat_lim = lp.map_box(lp.robust_range(lon_all, 0.3), lp.robust_range(lat_all, 0.3))
    for j, m in enumerate(a.mark):
        la, lo, label = m.split(",", 2)
        ax.plot(float(lo), float(la), "k*", ms=12, zorder=7)
        # Alternate the labels above and below their marks, so that neighbours do not overlap.
        ax.annotate(label, (float(lo), float(la)), textcoords="offset points",
                    xytext=(7, 4 if j % 2 == 0 else -13), fontsize=8, zorder=7,
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
        lat_lim = (min(lat_lim[0], float(la) - 0.5), max(lat_lim[1], float(la) + 0.5))
        lon_lim = (min(lon_lim[0], float(lo) - 0.5), max(lon_lim[1], float(lo) + 0.5))
    if a.coast:
        for seg in read_coast(a.coast):
            ax.plot(seg[:, 0], seg[:, 1], color="0.35", lw=0.7, zorder=2)
        coast_note = "coastlines: GSHHG (low resolution) via GMT"
    else:
        coast_note = "no coastlines drawn (run with --coast)"
    lp.setup_map(ax, lon_lim, lat_lim)
    scale_bar(ax, lon_lim, lat_lim)
    shown = np.sum((lat_all >= lat_lim[0]) & (lat_all <= lat_lim[1]) & (lon_all >= lon_lim[0])
                   & (lon_all <= lon_lim[1]))
    ax.set_title((a.title + "\n" if a.title else "") +
                 f"{n:,} samples; points: up to 4,000 impacts per set, {shown:,} of "
                 f"{len(lat_all):,} drawn inside this view; +: weighted mean; {coast_note}",
                 fontsize=9)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, framealpha=0.9,
              title="99 % ellipses (normal fit, weighted by pieces)", title_fontsize=8)
    lp.write_png(fig, a.output)
    text = "\n".join(rows)
    print(text)
    if a.table:
        with open(a.table, "w") as fh:
            fh.write(text + "\n")


if __name__ == "__main__":
    main()
