#!/usr/bin/python3
"""Plot a `launchmc run -o` file: where every body landed, with the 95 % containment ellipses of
`launchmc summarize --json` drawn above the points and, in the legend, the fraction of that body's
impacts each ellipse actually holds; the outcome counts (status and how powered flight ended) with
P(success) and P(target orbit) and their 95 % intervals; and the insertion orbits (or, for
missiles, range and apogee). Every body of the summary is drawn or named in the notes under the
maps with the reason it is not (no impacts, too few for an ellipse, scattered over thousands of km:
then it is drawn on an overview map of all impacts, without an ellipse).

Usage: /usr/bin/python3 scripts/plot_run.py RUN.h5 -o out.png [--launchmc PATH] [--report]
The launchmc binary: --launchmc, else $LAUNCHMC, else build/launchmc of this script's repository.
--report prints what was drawn and what was not, as JSON, on stdout."""
import argparse
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h5py  # noqa: E402
import matplotlib  # noqa: E402
import numpy as np  # noqa: E402

matplotlib.use("Agg")
import matplotlib.patheffects as pe  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import launchmc_plot as lp  # noqa: E402

MAX_POINTS = 5000  # per body and map; a random subset beyond (said in the legend)


def body_impacts(f, name):
    """Finite impact points of a summary body, the nominal reference, and the fates' counts."""
    if name == "vehicle":
        lat, lon = f["outcome/vehicle_impact_lat_deg"][:], f["outcome/vehicle_impact_lon_deg"][:]
        nominal, fates = None, {}
    else:
        g = f[f"bodies/{name}"]
        lat, lon = g["impact_lat_deg"][:], g["impact_lon_deg"][:]
        nominal = (g.attrs.get("nominal_impact_lat_deg", np.nan), g.attrs.get("nominal_impact_lon_deg", np.nan))
        fates = {}
        if "fate" in g:
            names = {code: n for n, code in h5py.check_enum_dtype(g["fate"].dtype).items()}
            codes, counts = np.unique(g["fate"][:], return_counts=True)
            fates = {names.get(int(c), str(c)): int(k) for c, k in zip(codes, counts)}
    ok = np.isfinite(lat) & np.isfinite(lon)
    return lat[ok], lon[ok], nominal, fates


def subsample(n, rng):
    return np.sort(rng.choice(n, MAX_POINTS, replace=False)) if n > MAX_POINTS else np.arange(n)


def analyse_bodies(f, summary):
    """One record per summary body: points, footprint, fractions, where it is drawn and why."""
    records = []
    for i, b in enumerate(summary["bodies"]):
        name = b["name"]
        lat, lon, nominal, fates = body_impacts(f, name)
        fp = lp.Footprint(lat, lon, nominal)
        r = {"name": name, "impacted": int(b["impacted"]), "summary": b, "fp": fp, "colour": f"C{i % 10}",
             "fractions": lp.containment(b, fp) if fp.n else {}, "ellipse": None, "where": None,
             "notes": [], "warnings": list(b.get("warnings") or [])}
        label = "vehicle (its own impacts)" if name == "vehicle" else name
        if fp.n != r["impacted"]:
            r["notes"].append(f"{name}: the summary counts {lp.fmt_int(r['impacted'])} impacts, the file "
                              f"has {lp.fmt_int(fp.n)} finite impact points; the points are drawn")
        e95 = b.get("ellipses", {}).get("95")
        if fp.n == 0:
            others = ", ".join(f"{k} {lp.fmt_int(v)}" for k, v in fates.items() if k != "impact")
            r["where"] = "none"
            r["notes"].append(f"{label}: no impacts{' (' + others + ')' if others else ''}: nothing to draw")
        else:
            spread = e95["semi_major_km"] if e95 else fp.spread_km()
            if fp.n < lp.MIN_ELLIPSE_POINTS:
                # A handful of points is no footprint (they may lie anywhere): overview only.
                r["where"] = "overview"
                r["notes"].append(f"{label}: only {lp.fmt_int(fp.n)} impact{'s' if fp.n > 1 else ''}: "
                                  f"drawn on the overview, too few for an ellipse")
            elif spread > lp.SCATTERED_SEMI_MAJOR_KM:
                r["where"] = "overview"
                if e95 and "95" in r["fractions"]:
                    size = (f"the summary's 95 % ellipse, {e95['semi_major_km']:,.0f} x "
                            f"{e95['semi_minor_km']:,.0f} km, holds {100 * r['fractions']['95'][0]:.1f} % of them")
                else:
                    size = f"a 95 % ellipse would be {spread:,.0f} km long"
                r["notes"].append(f"{label}: {lp.fmt_int(fp.n)} impacts scattered over thousands of km "
                                  f"({size}): drawn on the overview, no ellipse")
            else:
                r["where"] = "footprint"
                if not e95:
                    r["notes"].append(f"{label}: the summary gives no ellipse: points drawn without one")
                else:
                    r["ellipse"] = e95
                    if e95["semi_major_km"] < 1e-3:
                        r["notes"].append(f"{label}: no dispersion: all {lp.fmt_int(fp.n)} impacts at one "
                                          f"point (ellipses of zero size)")
            bad = lp.off_nominal_levels(r["fractions"], fp.n) if fp.n >= lp.MIN_ELLIPSE_POINTS else []
            said = any(w.startswith("not Gaussian") for w in r["warnings"])  # the summary's own words
            if bad and not said and r["where"] == "footprint" and e95 and e95["semi_major_km"] >= 1e-3:
                levels = sorted(r["fractions"], key=float)
                held = "/".join(f"{100 * r['fractions'][lvl][0]:.1f}" for lvl in levels)
                r["notes"].append(f"{label}: impacts not bivariate-normal: the {'/'.join(levels)} % ellipses "
                                  f"hold {held} % of them (see its panel)")
        for w in r["warnings"]:
            if r["where"] == "overview" and "scattered" in w:
                continue  # the overview note above says it, with where the points are drawn
            r["notes"].append(f"{label}: {w}")
        records.append(r)
    return records


def style_legend(leg):
    for h in getattr(leg, "legend_handles", None) or getattr(leg, "legendHandles", []):
        if hasattr(h, "set_sizes"):
            h.set_sizes([25])
            h.set_alpha(1.0)


def scatter_body(ax, r, x, y, label_extra=""):
    """Scatter a body's points (a random subset beyond MAX_POINTS, said in the label)."""
    idx = subsample(len(x), np.random.default_rng(0))
    label = f"{r['name']}: {lp.fmt_int(len(x))} impact{'s' if len(x) != 1 else ''}"
    if len(idx) < len(x):
        label += f" ({lp.fmt_int(len(idx))} shown)"
    ax.scatter(x[idx], y[idx], s=3 if len(x) > 2000 else 8 if len(x) > 100 else 14, alpha=0.3 if len(x) > 1000 else 0.7,
               color=r["colour"], edgecolors="none", zorder=2, rasterized=True, label=label + label_extra)
    return int(len(idx))


HALO = [pe.Stroke(linewidth=4.0, foreground="white"), pe.Normal()]


def ellipse_label(r, level):
    e = r["summary"]["ellipses"][level]
    frac = r["fractions"][level][0]
    return (f"{level} % ellipse ({e['semi_major_km']:,.1f} x {e['semi_minor_km']:,.1f} km) "
            f"holds {100 * frac:.1f} %")


def map_panel(ax, records, site, where, title, ellipses):
    """Scatter the bodies drawn on this map (ellipses above them if asked). Returns shown counts."""
    shown = {}
    for r in records:
        if r["where"] not in where:
            continue
        fp = r["fp"]
        shown[r["name"]] = scatter_body(ax, r, lp.unwrap_lon(fp.lon, site[1]), fp.lat)
        if ellipses and r["ellipse"] is not None:
            lat_e, lon_e = fp.outline(r["ellipse"])
            ax.plot(lp.unwrap_lon(lon_e, site[1]), lat_e, "-", color=r["colour"], lw=1.8, zorder=4,
                    path_effects=HALO, label="   " + ellipse_label(r, "95"))
    ax.plot(site[1], site[0], "r*", ms=14, zorder=5, label="launch site",
            markeredgecolor="k", markeredgewidth=0.5)
    ax.set_title(title, fontsize=10)
    return shown


def map_limits(records, site, where, robust):
    """Limits around the site and the drawn bodies' points (robust: far outliers left out)."""
    lons, lats = [site[1]], [site[0]]
    for r in records:
        if r["where"] in where:
            lon = lp.unwrap_lon(r["fp"].lon, site[1])
            for v, acc in ((lon, lons), (r["fp"].lat, lats)):
                acc += list(lp.robust_range(v) if robust else (v.min(), v.max()))
            if r["ellipse"] is not None:
                lat_e, lon_e = r["fp"].outline(r["ellipse"])
                lons += [lp.unwrap_lon(lon_e, site[1]).min(), lp.unwrap_lon(lon_e, site[1]).max()]
                lats += [lat_e.min(), lat_e.max()]
    return lp.map_box((min(lons), max(lons)), (min(lats), max(lats)))


def outside(records, site, where, lon_lim, lat_lim):
    out = {}
    for r in records:
        if r["where"] in where:
            lon = lp.unwrap_lon(r["fp"].lon, site[1])
            k = int(np.sum((lon < lon_lim[0]) | (lon > lon_lim[1]) |
                           (r["fp"].lat < lat_lim[0]) | (r["fp"].lat > lat_lim[1])))
            if k:
                out[r["name"]] = k
    return out


def zoom_panel(ax, r):
    """One footprint in the summary's plane, km east and north of the mean impact point, with its
    95 % and 99 % ellipses above the points; far outliers beyond the view are counted."""
    fp = r["fp"]
    x, y = (fp.x - fp.mx) / 1e3, (fp.y - fp.my) / 1e3
    xs, ys = [lp.robust_range(x)], [lp.robust_range(y)]
    for level, style in (("95", "-"), ("99", "--")):
        if r["ellipse"] is not None and level in r["summary"]["ellipses"] and level in r["fractions"]:
            ex, ey = fp.outline_plane(r["summary"]["ellipses"][level])
            ax.plot(ex, ey, style, color="k", lw=1.5, zorder=4, path_effects=HALO, label=ellipse_label(r, level))
            xs.append((ex.min(), ex.max()))
            ys.append((ey.min(), ey.max()))
    xl = lp.padded(min(v[0] for v in xs), max(v[1] for v in xs), min_span=1e-3)
    yl = lp.padded(min(v[0] for v in ys), max(v[1] for v in ys), min_span=1e-3)
    off = int(np.sum((x < xl[0]) | (x > xl[1]) | (y < yl[0]) | (y > yl[1])))
    extra = f", {lp.fmt_int(off)} beyond this view" if off else ""
    shown = scatter_body(ax, r, x, y, extra)
    ax.plot(0, 0, "k+", ms=10, zorder=5)
    ax.set_xlim(*xl)
    ax.set_ylim(*yl)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel("east of mean impact [km]", fontsize=8)
    ax.set_ylabel("north of mean impact [km]", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.set_title(r["name"], fontsize=10)
    ax.grid(alpha=0.3)
    style_legend(ax.legend(fontsize=6.5, loc="upper center", bbox_to_anchor=(0.5, -0.16), framealpha=0.9))
    return shown, off


def outcomes_panel(ax, summary):
    n = summary["samples"]
    if "outcomes" in summary:  # status and how powered flight ended, most frequent first
        outs = summary["outcomes"]
        names = [o["status"] if o["powered_flight_end"] == "none"
                 else f"{o['status']} after {o['powered_flight_end']}" for o in outs]
        values = [o["count"] for o in outs]
    else:  # a launchmc from before the outcomes key
        counts = summary["status_counts"]
        names = [k for k, v in counts.items() if v > 0]
        values = [counts[k] for k in names]
    y = np.arange(len(names))
    ax.barh(y, values, color="gray")
    for yi, v in zip(y, values):  # small bars stay readable
        ax.text(v, yi, f" {lp.fmt_int(v)} ({100 * v / n:.2f} %)", va="center", fontsize=8)
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize=8)
    ax.set_xlim(0, max(values) * 1.35)
    ax.set_ylim(max(len(names), 5) - 0.5, -0.5)  # a lone bar stays a bar
    ax.set_xlabel("samples")
    lo, hi = summary["p_success_ci95"]
    title = f"P({summary['success_status']}) = {summary['p_success']:.4f}, 95 % CI [{lo:.4f}, {hi:.4f}]"
    target = summary.get("target_orbit")  # null without a target; absent from older launchmc
    if target:
        title += f"\nP(target orbit) = {target['p']:.4f}, 95 % CI [{target['ci95'][0]:.4f}, {target['ci95'][1]:.4f}]"
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3, axis="x")
    return target


def orbits_panel(ax, f, target):
    # Catalogue altitudes a(1 -/+ e) - R_eq, the convention of satellite catalogues and of
    # closed-loop guidance targets (see docs/json.md).
    sma = f["outcome/semi_major_axis_m"][:] / 1e3
    ecc = f["outcome/eccentricity"][:]
    per = sma * (1.0 - ecc) - lp.R_EQ_KM
    apo = sma * (1.0 + ecc) - lp.R_EQ_KM
    ok = np.isfinite(per) & np.isfinite(apo)
    n = len(per)
    if ok.any():
        ax.scatter(per[ok], apo[ok], s=2 if ok.sum() > 2000 else 8, alpha=0.4, edgecolors="none", rasterized=True,
                   label=f"{lp.fmt_int(ok.sum())} orbits of {lp.fmt_int(n)} samples")
        if target:
            # The altitude half of the target-orbit test, in the same catalogue convention;
            # inclination (and a fixed node) are tested too, so not every point inside counts.
            tol = target["tolerance_alt_km"]
            ax.add_patch(Rectangle(
                (target["perigee_alt_km"] - tol, target["apogee_alt_km"] - tol), 2 * tol, 2 * tol,
                fill=False, edgecolor="red", lw=1.2, zorder=3,
                label=f"target {target['perigee_alt_km']:g} x {target['apogee_alt_km']:g} km "
                      f"+-{tol:g} km ({lp.fmt_int(target['count'])} in target)"))
            ax.plot(target["perigee_alt_km"], target["apogee_alt_km"], "r+", ms=10, zorder=3)
        ax.set_xlabel("perigee altitude, catalogue [km]")
        ax.set_ylabel("apogee altitude, catalogue [km]")
        ax.set_title("insertion orbits")
    else:
        rng = f["outcome/range_m"][:] / 1e3
        apg = f["outcome/vehicle_apogee_alt_m"][:] / 1e3
        okr = np.isfinite(rng) & np.isfinite(apg)
        ax.scatter(rng[okr], apg[okr], s=2 if okr.sum() > 2000 else 8, alpha=0.4, edgecolors="none", rasterized=True,
                   label=f"{lp.fmt_int(okr.sum())} ground flights of {lp.fmt_int(n)} samples")
        ax.set_xlabel("range [km]")
        ax.set_ylabel("apogee altitude [km]")
        ax.set_title("ground flights")
    leg = ax.legend(fontsize=7, loc="best")
    style_legend(leg)
    ax.grid(alpha=0.3)


def build_figure(h5_path, summary):
    """The figure and a report: per body where it is drawn, its counts and containment."""
    with h5py.File(h5_path, "r") as f:
        if f.attrs.get("format") != "launchmc-run":
            sys.exit(f"{h5_path}: not a launchmc run file")
        site = (float(f.attrs["site_lat_deg"]), float(f.attrs["site_lon_deg"]))
        records = analyse_bodies(f, summary)
        fp_where = ("footprint",)
        fp_lims = map_limits(records, site, fp_where, robust=True)
        off_view = outside(records, site, fp_where, *fp_lims)
        need_overview = any(r["where"] == "overview" for r in records) or bool(off_view)
        # A panel per footprint, but none for a body without dispersion (all impacts at one point).
        zooms = [r for r in records if r["where"] == "footprint"
                 and not (r["ellipse"] is not None and r["ellipse"]["semi_major_km"] < 1e-3)]

        ncols = 4 if need_overview else 3
        zcols = min(max(len(zooms), 1), 5)
        zrows = math.ceil(len(zooms) / zcols)
        fig = plt.figure(figsize=(5.8 * ncols, 7.2 + 4.6 * zrows + 1.6), layout="constrained")
        outer = fig.add_gridspec(3, 1, height_ratios=[7.2, 4.6 * zrows + 1e-3, 1.6])
        top = outer[0].subgridspec(1, ncols, width_ratios=[1.5] + [1] * (ncols - 1) if need_overview else None)
        col = 0
        if need_overview:
            ax = fig.add_subplot(top[0, col])
            col += 1
            all_where = ("footprint", "overview")
            shown = map_panel(ax, records, site, all_where, "all impacts (no ellipses)", ellipses=False)
            lp.setup_map(ax, *map_limits(records, site, all_where, robust=False))
            style_legend(ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0)))
            for r in records:
                r["overview_shown"] = shown.get(r["name"], 0)
        ax = fig.add_subplot(top[0, col])
        col += 1
        shown = map_panel(ax, records, site, fp_where, "footprints, 95 % ellipses above the points", ellipses=True)
        lp.setup_map(ax, *fp_lims)
        for r in records:
            r["footprint_shown"] = shown.get(r["name"], 0)
            if r["name"] in off_view:
                r["notes"].append(f"{r['name']}: {lp.fmt_int(off_view[r['name']])} far impacts lie beyond "
                                  f"the footprint map (all are on the overview)")
        style_legend(ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0)))

        target = outcomes_panel(fig.add_subplot(top[0, col]), summary)
        orbits_panel(fig.add_subplot(top[0, col + 1]), f, target)

        if zooms:
            zgs = outer[1].subgridspec(zrows, zcols)
            for k, r in enumerate(zooms):
                _, off = zoom_panel(fig.add_subplot(zgs[k // zcols, k % zcols]), r)
                r["zoom_beyond_view"] = off

        notes = [t for r in records for t in r["notes"]]
        if not notes:
            notes = [f"every body of the summary is drawn with its 95 % ellipse "
                     f"({', '.join(r['name'] for r in records)})"]
        sources = {src for r in records for _, src in r["fractions"].values()}
        if sources:
            notes.append("ellipses: bivariate-normal containment from the summary's mean and covariance; "
                         "the fraction of the body's impacts each holds is " +
                         ("the summary's contained_fraction" if sources == {"summary"}
                          else "counted from the points" if sources == {"computed"}
                          else "the summary's or, where it gives none, counted from the points") +
                         (f"; at most {lp.fmt_int(MAX_POINTS)} points drawn per body and panel" if
                          any(r["fp"].n > MAX_POINTS for r in records) else ""))
        nax = fig.add_subplot(outer[2])
        nax.axis("off")
        nax.text(0.0, 1.0, "Notes:\n" + "\n".join("- " + t for t in notes), va="top", ha="left",
                 fontsize=9, transform=nax.transAxes)
        fig.suptitle(f"{f.attrs['scenario']}: {lp.fmt_int(summary['samples'])} samples, seed {summary['seed']}, "
                     f"sampler {summary['sampler']}")

    report = {"bodies": [], "notes": notes}
    for r in records:
        drawn = [] if r["where"] == "none" else (
            (["overview"] if need_overview else []) +
            (["footprint"] if r["where"] == "footprint" else []) + (["zoom"] if r in zooms else []))
        report["bodies"].append({
            "name": r["name"], "impacted": r["impacted"], "drawn_on": drawn,
            "points_shown": max(r.get("footprint_shown", 0), r.get("overview_shown", 0)),
            "ellipse_drawn": r["ellipse"] is not None,
            "contained_fraction": {k: v[0] for k, v in r["fractions"].items()},
            "fraction_source": sorted({v[1] for v in r["fractions"].values()}),
            "notes": r["notes"]})
    return fig, report


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("h5")
    ap.add_argument("-o", "--output", required=True, help="PNG file to write")
    ap.add_argument("--launchmc", help="launchmc binary (default: $LAUNCHMC, else build/launchmc of this repository)")
    ap.add_argument("--report", action="store_true", help="print what was drawn and omitted as JSON")
    a = ap.parse_args()
    summary = lp.summarize(lp.find_launchmc(a.launchmc), a.h5)
    fig, report = build_figure(a.h5, summary)
    lp.write_png(fig, a.output)
    if a.report:
        report["output"] = a.output
        print(json.dumps(report, indent=1))
    else:
        print(f"plot written to {a.output}")


if __name__ == "__main__":
    main()
