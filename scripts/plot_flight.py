#!/usr/bin/python3
"""Plot a `launchmc fly -o` file: ground track of the vehicle and of every jettisoned body,
altitude and speed versus time, and the thrust's pitch and heading (open-loop program or
closed-loop guidance), with the events marked. Uses Debian's matplotlib and h5py."""
import argparse

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("h5")
    ap.add_argument("-o", "--output", required=True, help="PNG file to write")
    a = ap.parse_args()
    with h5py.File(a.h5, "r") as f:
        if f.attrs["format"] != "launchmc-flight":
            raise SystemExit(f"{a.h5}: not a launchmc flight file")
        v = f["vehicle"]
        steering = "thrust_pitch_deg" in v  # files from before the thrust columns lack them
        fig, axes = plt.subplots(1, 4 if steering else 3, figsize=(24 if steering else 18, 6))
        ax = axes[0]
        ax.plot(v["lon_deg"][:], v["lat_deg"][:], "k-", lw=2, label="vehicle")
        for name, g in f["bodies"].items():
            if "lon_deg" in g and g.attrs["fate"] != "orbiting":
                ax.plot(g["lon_deg"][:], g["lat_deg"][:], "--", lw=1, label=name)
                if g.attrs["fate"] == "impact":
                    ax.plot(g["lon_deg"][-1], g["lat_deg"][-1], "x", ms=8)
        ax.plot(v["lon_deg"][0], v["lat_deg"][0], "r*", ms=14, label="launch site")
        ax.set_xlabel("longitude [deg E]")
        ax.set_ylabel("latitude [deg N]")
        ax.set_title("ground tracks")
        ax.set_aspect("equal", adjustable="datalim")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)

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
        for name, te in zip(names, ev["time_s"][:]):
            if te <= t[-1] and not name.endswith("impact"):
                for axx in axes[1:]:
                    axx.axvline(te, color="gray", lw=0.5, alpha=0.5)
                axes[1].annotate(name, (te, 0), rotation=90, fontsize=6, va="bottom")
        for axx in axes[1:]:
            axx.grid(True, alpha=0.3)
        fig.suptitle(f.attrs["scenario"])
        fig.tight_layout()
        fig.savefig(a.output, dpi=110)
    print(f"plot written to {a.output}")


if __name__ == "__main__":
    main()
