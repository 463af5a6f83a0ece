#!/usr/bin/python3
"""Tables of a debris-risk report from run files that `launchmc risk` has written /risk into.

Usage: scripts/risk_report.py RUN.h5 [RUN.h5 ...] [--near W,S,E,N] [--label NAME]...

For each run file (read with h5py; the numbers are /risk's, nothing is recomputed) it prints
Markdown: the samples and impacts that went into the maps, P(any debris on land) and per country
with their 95 % intervals for every group (any, each nominal body, the vehicle, each fragment
class), the expected casualties Ec with its interval against the 1e-4 criterion, the largest
per-cell impact probability inside the --near box (default: around Okinawa and Miyako-jima) with
the cell's interval, and the ship and aircraft hazard areas' sizes with what they rest on.
Run with Debian's /usr/bin/python3 (python3-h5py, python3-numpy).
"""
import argparse
import sys

import h5py
import numpy as np


def text(values):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def fmt_p(p, lo, hi):
    if p == 0:
        return f"0 [0, {hi:.2g}]"
    return f"{p:.3g} [{lo:.2g}, {hi:.2g}]"


def impacts_in(f):
    """Impacts the risk maps were computed from: nominal bodies that landed, the vehicle's own
    impacts, other bodies and fragment rows (each fragment row is one weighted impact)."""
    n = 0
    for name in text(f["body_names"][()]):
        lat = f[f"bodies/{name}/impact_lat_deg"][()]
        n += int(np.count_nonzero(np.isfinite(lat)))
    n += int(np.count_nonzero(np.isfinite(f["outcome/vehicle_impact_lat_deg"][()])))
    if "other_bodies/impact_lat_deg" in f:
        n += int(np.count_nonzero(np.isfinite(f["other_bodies/impact_lat_deg"][()])))
    if "fragments/impact_lat_deg" in f:
        n += int(np.count_nonzero(np.isfinite(f["fragments/impact_lat_deg"][()])))
    return n


def report(path, label, near):
    f = h5py.File(path, "r")
    r = f["risk"]
    a = r.attrs
    names = text(r["groups/name"][()])
    kinds = text(r["groups/kind"][()])
    print(f"### {label}\n")
    print(f"`{path}`: {int(a['samples']):,} samples, {impacts_in(f):,} impacts; grid "
          f"{float(a['grid_step_deg'])} deg, {int(a['nx'])} x {int(a['ny'])} cells "
          f"({float(a['west_deg']):.2f}..{float(a['east_deg']):.2f} E, "
          f"{float(a['south_deg']):.2f}..{float(a['north_deg']):.2f} N); "
          f"population: {a['population'] if a['population'] else 'none'}.\n")

    land = r["areas/land"]
    countries = r["areas/countries"]
    cnames = text(countries["name"][()])
    lp, llo, lhi = (land[k][()].reshape(len(names), -1) for k in ("p", "p_ci95_lo", "p_ci95_hi"))
    cp, clo, chi = (countries[k][()].reshape(len(names), -1)
                    for k in ("p", "p_ci95_lo", "p_ci95_hi"))
    ec, eclo, echi = (r[f"groups/{k}"][()] for k in ("ec", "ec_ci95_lo", "ec_ci95_hi"))
    hit = r["groups/flights_hit"][()]
    print("| group | kind | flights hit | P(land) [95 %] | countries hit: P [95 %] | Ec [95 %] |")
    print("|---|---|---|---|---|---|")
    for g, name in enumerate(names):
        if kinds[g] == "normal_flight":
            continue
        hits = [f"{cnames[c]} {fmt_p(cp[g, c], clo[g, c], chi[g, c])}"
                for c in range(len(cnames) - 1) if cp[g, c] > 0]
        e = "-" if np.isnan(ec[g]) else f"{ec[g]:.3g} [{eclo[g]:.2g}, {echi[g]:.2g}]"
        print(f"| {name} | {kinds[g]} | {int(hit[g]):,} | {fmt_p(lp[g, -1], llo[g, -1], lhi[g, -1])}"
              f" | {'; '.join(hits) if hits else '(none)'} | {e} |")
    print()
    print(f"Ec of all debris: {ec[0]:.3g} per flight [{eclo[0]:.2g}, {echi[0]:.2g}], "
          f"{'below' if echi[0] < 1e-4 else 'NOT below'} the 1e-4 criterion of 14 CFR 450.101 "
          f"(upper end {echi[0] / 1e-4:.2g} of it).\n")

    # Largest per-cell probability of any debris near the box.
    w, s, e, n = near
    step, west, north = float(a["grid_step_deg"]), float(a["west_deg"]), float(a["north_deg"])
    nx = int(a["nx"])
    group, cell = r["cells/group"][()], r["cells/cell"][()]
    prob = r["cells/probability"][()]
    lo = r["cells/probability_ci95_lo"][()] if "cells/probability_ci95_lo" in r else None
    hi = r["cells/probability_ci95_hi"][()] if "cells/probability_ci95_hi" in r else None
    lon = west + (cell % nx + 0.5) * step
    lat = north - (cell // nx + 0.5) * step
    lon = np.where(lon > 180, lon - 360, lon)
    inside = (group == 0) & (lon >= w) & (lon <= e) & (lat >= s) & (lat <= n)
    if inside.any():
        i = np.flatnonzero(inside)[np.argmax(prob[inside])]
        ci = f" [{lo[i]:.2g}, {hi[i]:.2g}]" if lo is not None else ""
        print(f"Largest P(any piece in the cell) in {w}..{e} E, {s}..{n} N: {prob[i]:.3g}{ci} per "
              f"flight, cell centred {lat[i]:.3f} N {lon[i]:.3f} E; {int(inside.sum())} cells hit "
              f"there.\n")
    else:
        print(f"No cell in {w}..{e} E, {s}..{n} N was hit: the per-cell probability there is "
              f"below what {int(a['samples']):,} flights resolve (one hit would be "
              f"1/{int(a['samples']):,}).\n")

    hz = r["hazard_areas"]
    ships = hz["ships"]
    print("| hazard area | basis | area [km^2] | reliable |")
    print("|---|---|---|---|")
    if "body" in ships and len(ships["body"]):
        for b, area, rel in zip(text(ships["body"][()]), ships["area_km2"][()],
                                ships["reliable"][()]):
            print(f"| ships: {b} | 97 % of normal-flight debris | {area:,.0f} | "
                  f"{'yes' if rel else 'no'} |")
    else:
        print("| ships | (no flight in normal flight: every sample drew its failure) | - | - |")
    ac = hz["aircraft"].attrs
    print(f"| aircraft | P > {float(ac['threshold']):g} per cell | {float(ac['area_km2']):,.0f} "
          f"(certainly above: {float(ac['certain_area_km2']):,.0f}) | cells hit "
          f"{int(ac['cells_hit'])}, above {int(ac['cells_above'])}, certainly above "
          f"{int(ac['cells_certain_above'])}, undecided {int(ac['cells_undecided'])}; a cell never "
          f"hit is below {float(ac['unhit_upper']):.2g} (95 %): "
          f"{'resolved' if int(ac['unhit_certain_below']) else 'NOT resolved'} |")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--near", default="126.5,24.0,129.0,27.5",
                    help="W,S,E,N of the box for the largest per-cell probability")
    ap.add_argument("--label", action="append", default=[])
    o = ap.parse_args()
    near = [float(x) for x in o.near.split(",")]
    if len(near) != 4:
        sys.exit("--near: expected W,S,E,N")
    for i, path in enumerate(o.runs):
        report(path, o.label[i] if i < len(o.label) else path, near)


if __name__ == "__main__":
    main()
