#!/usr/bin/python3
"""Plot a `launchmc run -o` file: impact points of every body with their 95 % containment
ellipses, the outcome counts (status and how powered flight ended), and the insertion orbit
distribution. Debian's matplotlib and h5py; the ellipses and counts come from `launchmc summarize
--json` so they are the program's own numbers. With a target orbit (closed-loop orbit guidance on
the last stage), P(target orbit) joins P(orbit) above the outcomes and its tolerance box is drawn
on the orbits."""
import argparse
import json
import math
import subprocess

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402


def ellipse_points(lat0, lon0, a_km, b_km, orient_deg, n=120):
    """Ellipse outline around (lat0, lon0), local flat approximation (display only)."""
    t = np.linspace(0, 2 * math.pi, n)
    th = math.radians(orient_deg)
    # major axis along azimuth orient (clockwise from north): north/east components
    north = a_km * np.cos(t) * math.cos(th) - b_km * np.sin(t) * math.sin(th)
    east = a_km * np.cos(t) * math.sin(th) + b_km * np.sin(t) * math.cos(th)
    lat = lat0 + north / 111.2
    lon = lon0 + east / (111.2 * math.cos(math.radians(lat0)))
    return lon, lat


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("h5")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--launchmc", default="build/launchmc")
    a = ap.parse_args()
    summary = json.loads(subprocess.run([a.launchmc, "summarize", a.h5, "--json"], check=True,
                                        capture_output=True, text=True).stdout)
    with h5py.File(a.h5, "r") as f:
        if f.attrs["format"] != "launchmc-run":
            raise SystemExit(f"{a.h5}: not a launchmc run file")
        fig, axes = plt.subplots(1, 3, figsize=(19, 6.5))
        ax = axes[0]
        ax.plot(f.attrs["site_lon_deg"], f.attrs["site_lat_deg"], "r*", ms=14, label="launch site")
        for b in summary["bodies"]:
            name = b["name"]
            if name == "vehicle":
                lat, lon = f["outcome/vehicle_impact_lat_deg"][:], f["outcome/vehicle_impact_lon_deg"][:]
            else:
                lat, lon = f[f"bodies/{name}/impact_lat_deg"][:], f[f"bodies/{name}/impact_lon_deg"][:]
            ok = np.isfinite(lat)
            e = b["ellipses"].get("95")
            if not ok.any() or (e and e["semi_major_km"] > 1500):
                # Scattered over a hemisphere (long suborbital flights): not a footprint to map.
                continue
            pts = ax.scatter(lon[ok][:5000], lat[ok][:5000], s=2, alpha=0.4, label=f"{name} ({ok.sum()})")
            if e:
                x, y = ellipse_points(b["impact_mean_lat_deg"], b["impact_mean_lon_deg"],
                                      e["semi_major_km"], e["semi_minor_km"], e["orientation_deg"])
                ax.plot(x, y, "-", color=pts.get_facecolor()[0], lw=1.5)
        ax.set_xlabel("longitude [deg E]")
        ax.set_ylabel("latitude [deg N]")
        ax.set_title("impact points and 95 % ellipses")
        ax.set_aspect("equal", adjustable="datalim")
        ax.grid(alpha=0.3)
        leg = ax.legend(fontsize=7)
        # Readable legend markers: the scatter dots are tiny, the site's star is large.
        for h in getattr(leg, "legend_handles", None) or getattr(leg, "legendHandles", []):
            if hasattr(h, "set_sizes"):
                h.set_sizes([20])
            elif hasattr(h, "set_markersize"):
                h.set_markersize(8)

        if "outcomes" in summary:  # status and how powered flight ended, most frequent first
            outs = summary["outcomes"]
            names = [o["status"] if o["powered_flight_end"] == "none"
                     else f"{o['status']}\nafter {o['powered_flight_end']}" for o in outs]
            values = [o["count"] for o in outs]
        else:  # a launchmc from before the outcomes key
            counts = summary["status_counts"]
            names = [k for k, v in counts.items() if v > 0]
            values = [counts[k] for k in names]
        axes[1].bar(names, values, color="gray")
        title = (f"P({summary['success_status']}) = {summary['p_success']:.4f} "
                 f"[{summary['p_success_ci95'][0]:.4f}, {summary['p_success_ci95'][1]:.4f}]")
        target = summary.get("target_orbit")  # null without a target; absent from older launchmc
        if target:
            title += (f"\nP(target orbit) = {target['p']:.4f} "
                      f"[{target['ci95'][0]:.4f}, {target['ci95'][1]:.4f}]")
        axes[1].set_title(title)
        axes[1].tick_params(axis="x", rotation=30)

        # Catalogue altitudes a(1 -/+ e) - R_eq, the convention of satellite catalogues and of
        # closed-loop guidance targets (see docs/json.md).
        sma = f["outcome/semi_major_axis_m"][:] / 1e3
        ecc = f["outcome/eccentricity"][:]
        per = sma * (1.0 - ecc) - 6378.137
        apo = sma * (1.0 + ecc) - 6378.137
        ok = np.isfinite(per)
        if ok.any():
            axes[2].scatter(per[ok], apo[ok], s=2, alpha=0.4)
            if target:
                # The altitude half of the target-orbit test, in the same catalogue convention;
                # inclination (and a fixed node) are tested too, so not every point inside counts.
                tol = target["tolerance_alt_km"]
                axes[2].add_patch(Rectangle(
                    (target["perigee_alt_km"] - tol, target["apogee_alt_km"] - tol), 2 * tol, 2 * tol,
                    fill=False, edgecolor="red", lw=1.2,
                    label=f"target {target['perigee_alt_km']:g} x {target['apogee_alt_km']:g} km "
                          f"+-{tol:g} km ({target['count']} in target)"))
                axes[2].plot(target["perigee_alt_km"], target["apogee_alt_km"], "r+", ms=10)
                axes[2].legend(fontsize=7)
            axes[2].set_xlabel("perigee altitude, catalogue [km]")
            axes[2].set_ylabel("apogee altitude, catalogue [km]")
            axes[2].set_title("insertion orbits")
        else:
            rng = f["outcome/range_m"][:] / 1e3
            apg = f["outcome/vehicle_apogee_alt_m"][:] / 1e3
            okr = np.isfinite(rng)
            axes[2].scatter(rng[okr], apg[okr], s=2, alpha=0.4)
            axes[2].set_xlabel("range [km]")
            axes[2].set_ylabel("apogee altitude [km]")
            axes[2].set_title("ground flights")
        axes[2].grid(alpha=0.3)
        fig.suptitle(f"{f.attrs['scenario']}: {summary['samples']} samples, seed {summary['seed']}, "
                     f"sampler {summary['sampler']}")
        fig.tight_layout()
        fig.savefig(a.output, dpi=110)
    print(f"plot written to {a.output}")


if __name__ == "__main__":
    main()
