#!/usr/bin/python3
"""Plot a `launchmc fly -o` file: ground track of the vehicle and of every jettisoned body (each
body drawn, or named in the legend with why it is not: an orbiting body's track is its release
point), where each came down, altitude and speed versus time, and the thrust's pitch and heading
(open-loop program or closed-loop guidance), with the events marked. Uses Debian's matplotlib and
h5py. --report prints the bodies drawn and not drawn as JSON."""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h5py  # noqa: E402
import matplotlib  # noqa: E402
import numpy as np  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import launchmc_plot as lp  # noqa: E402


def continuous_lon(lon, centre):
    """Longitudes without jumps at the antimeridian, the first within 180 deg of centre."""
    lon = np.degrees(np.unwrap(np.radians(np.asarray(lon, float))))
    return lon + (lp.unwrap_lon(lon[:1], centre)[0] - lon[0]) if len(lon) else lon


def ground_tracks(ax, f, v):
    """Vehicle and body tracks; returns the report of what was drawn and what was not."""
    site_lat, site_lon = float(v["lat_deg"][0]), float(v["lon_deg"][0])
    status = f.attrs.get("status", "")
    lons, lats = [site_lon], [site_lat]
    vlon = continuous_lon(v["lon_deg"][:], site_lon)
    vlat = v["lat_deg"][:]
    ax.plot(vlon, vlat, "k-", lw=2, label=f"vehicle ({status})", zorder=3)
    lons += [vlon.min(), vlon.max()]
    lats += [vlat.min(), vlat.max()]
    report = {"drawn": ["vehicle"], "not_drawn": {}}
    if status != "orbit" and abs(float(v["alt_m"][-1])) < 1.0:  # the flight ended on the ground
        ax.plot(vlon[-1], vlat[-1], "kX", ms=10, zorder=4, label=f"vehicle impact, {v['time_s'][-1]:.0f} s")
    for i, (name, g) in enumerate(f["bodies"].items()):
        colour = f"C{i % 10}"
        fate = g.attrs.get("fate", "?")
        if "lon_deg" not in g or len(g["lon_deg"]) == 0:
            ax.plot([], [], " ", label=f"{name} ({fate}): no track in the file, not drawn")
            report["not_drawn"][name] = "no track in the file"
            continue
        blon, blat = continuous_lon(g["lon_deg"][:], site_lon), g["lat_deg"][:]
        t0 = g.attrs.get("release_time_s", float("nan"))
        if fate == "orbiting":  # the body stays up: its track is its release point
            ax.plot(blon[0], blat[0], "o", mfc="none", color=colour, ms=9, mew=1.5, zorder=4,
                    label=f"{name}: orbiting, released at {t0:.0f} s (release point)")
        else:
            ax.plot(blon, blat, "--", lw=1.2, color=colour, zorder=2,
                    label=f"{name}: {fate}" + (f" at {g['time_s'][-1]:.0f} s" if fate == "impact" else ""))
            ax.plot(blon[-1], blat[-1], "x" if fate == "impact" else "s", color=colour, ms=8, mew=2, zorder=4)
        lons += [blon.min(), blon.max()]
        lats += [blat.min(), blat.max()]
        report["drawn"].append(name)
    ax.plot(site_lon, site_lat, "r*", ms=14, label="launch site", zorder=5)
    lp.setup_map(ax, *lp.map_box((min(lons), max(lons)), (min(lats), max(lats)), min_ratio=0.6))
    ax.set_title("ground tracks")
    ax.legend(fontsize=7, loc="best", framealpha=0.85)
    return report


def grouped_events(names, times, t_end, min_gap):
    """Events close in time joined into one label (staging events pile up within seconds)."""
    groups = []
    for name, te in sorted(zip(names, times), key=lambda e: e[1]):
        if te > t_end or name.endswith("impact"):
            continue
        if groups and te - groups[-1][0] < min_gap:
            groups[-1][1].append(name)
        else:
            groups.append((te, [name]))
    return groups


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("h5")
    ap.add_argument("-o", "--output", required=True, help="PNG file to write")
    ap.add_argument("--report", action="store_true", help="print the bodies drawn and not drawn as JSON")
    a = ap.parse_args()
    with h5py.File(a.h5, "r") as f:
        if f.attrs.get("format") != "launchmc-flight":
            sys.exit(f"{a.h5}: not a launchmc flight file")
        v = f["vehicle"]
        steering = "thrust_pitch_deg" in v  # files from before the thrust columns lack them
        fig, axes = plt.subplots(1, 4 if steering else 3, figsize=(24 if steering else 18, 6.5),
                                 layout="constrained")
        report = ground_tracks(axes[0], f, v)

        t = v["time_s"][:]
        axes[1].plot(t, v["alt_m"][:] / 1e3, "k-")
        axes[1].set_xlabel("time [s]")
        axes[1].set_ylabel("altitude [km]")
        axes[2].plot(t, v["speed_mps"][:] / 1e3, "k-", label="Earth-relative")
        axes[2].plot(t, v["inertial_speed_mps"][:] / 1e3, "b-", label="inertial")
        axes[2].set_xlabel("time [s]")
        axes[2].set_ylabel("speed [km/s]")
        axes[2].legend()
        if steering:
            ax = axes[3]
            ax.plot(t, v["thrust_pitch_deg"][:], "k-", label="thrust pitch (above horizontal)")
            ax.plot(t, v["flight_path_angle_deg"][:], "k:", lw=1, label="flight-path angle")
            ax.set_xlabel("time [s]")
            ax.set_ylabel("pitch [deg]")
            ax2 = ax.twinx()
            ax2.plot(t, v["thrust_heading_deg"][:], "b-", label="thrust heading")
            vel_heading = v["heading_deg"][:].copy()
            vel_heading[v["speed_mps"][:] < 100.0] = float("nan")  # undefined near rest
            ax2.plot(t, vel_heading, "b:", lw=1, label="velocity heading (Earth-relative)")
            ax2.set_ylabel("heading [deg from north]", color="b")
            ax.set_title("steering (no line: coasting)")
            lines = ax.get_lines() + ax2.get_lines()
            ax.legend(lines, [ln.get_label() for ln in lines], fontsize=7, loc="lower left")
        ev = f["events"]
        names = [n.decode() if isinstance(n, bytes) else n for n in ev["name"][:]]
        for te, group in grouped_events(names, ev["time_s"][:], t[-1], 0.015 * (t[-1] - t[0])):
            for axx in axes[1:]:
                axx.axvline(te, color="gray", lw=0.5, alpha=0.5)
            axes[1].annotate(", ".join(group),
                             (te, 0), xytext=(2, 2), textcoords="offset points", rotation=90, fontsize=6,
                             va="bottom", ha="left")
        for axx in axes[1:]:
            axx.grid(True, alpha=0.3)
        fig.suptitle(f"{f.attrs['scenario']}: {f.attrs.get('status', '')}, "
                     f"powered flight ended by {f.attrs.get('powered_flight_end', '?')}")
        lp.write_png(fig, a.output)
    if a.report:
        report["output"] = a.output
        print(json.dumps(report, indent=1))
    else:
        print(f"plot written to {a.output}")


if __name__ == "__main__":
    main()
