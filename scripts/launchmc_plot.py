"""Helpers shared by the plot scripts (plot_run.py, plot_compare.py, plot_flight.py): finding the
launchmc binary, reading its JSON summary, the local plane of the impact statistics, containment
fractions, map axes and writing PNGs. Debian's numpy and matplotlib; imported from the scripts'
own directory, so the scripts work from any working directory."""
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# WGS-84 (NIMA TR8350.2), as the C++ constants.
WGS84_A_M = 6378137.0
WGS84_F = 1.0 / 298.257223563
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
R_EQ_KM = WGS84_A_M / 1e3

# A 95 % ellipse longer than this is no footprint to map: the body's impacts are scattered along
# (or off) the ground track, e.g. a failed vehicle or a stage falling from a failed ascent.
SCATTERED_SEMI_MAJOR_KM = 1500.0
# Fewer impacts than this: points only, no ellipse (the covariance of a handful is noise).
MIN_ELLIPSE_POINTS = 10


def find_launchmc(explicit=None):
    """The launchmc binary: --launchmc if given, else $LAUNCHMC, else <repo>/build/launchmc.
    Exits with a message naming what was tried when none is an executable file."""
    tried = []
    for origin, path in (("--launchmc", explicit), ("$LAUNCHMC", os.environ.get("LAUNCHMC")),
                         ("default", os.path.join(REPO, "build", "launchmc"))):
        if not path:
            continue
        resolved = shutil.which(path) if os.sep not in path else path
        if resolved and os.path.isfile(resolved) and os.access(resolved, os.X_OK):
            return os.path.abspath(resolved)
        tried.append(f"{origin} {path}")
        if origin != "default":
            break  # an explicit choice that does not exist is an error, not a reason to guess
    sys.exit(f"{os.path.basename(sys.argv[0])}: launchmc binary not found (tried: {'; '.join(tried)}). "
             f"Build it (bash scripts/build.sh), or pass --launchmc PATH or set LAUNCHMC.")


def summarize(launchmc, h5_path):
    """`launchmc summarize FILE --json` as a dict: the program's own statistics."""
    p = subprocess.run([launchmc, "summarize", h5_path, "--json"], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{launchmc} summarize {h5_path} failed (exit {p.returncode}):\n{p.stderr.strip()}")
    return json.loads(p.stdout)


def write_png(fig, path, dpi=110):
    """Write beside the target and rename: no half-written image on failure."""
    out_dir = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(suffix=".png", dir=out_dir)
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=dpi)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def fmt_int(n):
    return f"{int(n):,}"


# ----------------------------------------------------------------------------------------------
# The plane of the impact statistics. The C++ summary projects each body's impacts on the
# ellipsoidal azimuthal equidistant plane centred on a reference point (the body's nominal impact
# point, or its first impact when it has none; GeographicLib), and takes mean and covariance there.
# Here: the spherical azimuthal equidistant projection about the same reference, with east and
# north scaled by the ellipsoid's radii of curvature there (N, M). Near the reference this is the
# same plane to second order (the ellipses agree to ~1e-5 for footprints of hundreds of km); for
# impacts scattered over thousands of km neither plane makes a Gaussian footprint meaningful.

def _radii(lat0_deg):
    s = math.sin(math.radians(lat0_deg))
    w = math.sqrt(1.0 - WGS84_E2 * s * s)
    return WGS84_A_M / w, WGS84_A_M * (1.0 - WGS84_E2) / w**3  # prime vertical N, meridian M


def to_plane(lat0, lon0, lat, lon):
    """(east, north) [m] of points (deg) in the plane about (lat0, lon0)."""
    p0, l0 = math.radians(lat0), math.radians(lon0)
    p, dl = np.radians(lat), np.radians(lon) - l0
    c = math.sin(p0) * np.sin(p) + math.cos(p0) * np.cos(p) * np.cos(dl)
    ang = np.arccos(np.clip(c, -1.0, 1.0))
    az = np.arctan2(np.cos(p) * np.sin(dl),
                    math.cos(p0) * np.sin(p) - math.sin(p0) * np.cos(p) * np.cos(dl))
    n_r, m_r = _radii(lat0)
    return n_r * ang * np.sin(az), m_r * ang * np.cos(az)


def from_plane(lat0, lon0, east, north):
    """Inverse of to_plane: (lat, lon) [deg], lon within 180 deg of lon0."""
    n_r, m_r = _radii(lat0)
    ae, an = np.asarray(east) / n_r, np.asarray(north) / m_r
    ang, az = np.hypot(ae, an), np.arctan2(ae, an)
    p0 = math.radians(lat0)
    sp = math.sin(p0) * np.cos(ang) + math.cos(p0) * np.sin(ang) * np.cos(az)
    p = np.arcsin(np.clip(sp, -1.0, 1.0))
    dl = np.arctan2(np.sin(az) * np.sin(ang) * math.cos(p0), np.cos(ang) - math.sin(p0) * sp)
    return np.degrees(p), lon0 + np.degrees(dl)


def reference_point(lat, lon, nominal=None):
    """The summary's reference: the nominal impact point if finite, else the first impact."""
    if nominal is not None and all(np.isfinite(nominal)):
        return float(nominal[0]), float(nominal[1])
    return float(lat[0]), float(lon[0])


class Footprint:
    """Impacts of one body (finite points only) in the summary's plane, with its ellipses."""

    def __init__(self, lat, lon, nominal=None):
        self.lat, self.lon = np.asarray(lat, float), np.asarray(lon, float)
        self.n = len(self.lat)
        if self.n == 0:
            return
        self.ref = reference_point(self.lat, self.lon, nominal)
        self.x, self.y = to_plane(*self.ref, self.lat, self.lon)
        self.mx, self.my = float(self.x.mean()), float(self.y.mean())

    def spread_km(self):
        """Semi-major axis of the 95 % ellipse of the points' own covariance (0 below 2 points)."""
        if self.n < 2:
            return 0.0
        w = np.linalg.eigvalsh(np.cov(np.vstack([self.x, self.y])))
        return math.sqrt(-2.0 * math.log(0.05)) * math.sqrt(max(w[-1], 0.0)) / 1e3

    def _axes(self, e):
        th = math.radians(e["orientation_deg"])  # major axis azimuth, clockwise from north
        dx, dy = self.x - self.mx, self.y - self.my
        u = dx * math.sin(th) + dy * math.cos(th)  # along the major axis
        v = dx * math.cos(th) - dy * math.sin(th)  # along the minor axis
        return u, v

    def inside(self, e):
        """Boolean per point: inside the summary's ellipse e around the mean."""
        u, v = self._axes(e)
        # Axes floored at 1 mm: a degenerate (zero-size or flat) ellipse holds the points on it.
        a, b = max(e["semi_major_km"] * 1e3, 1e-3), max(e["semi_minor_km"] * 1e3, 1e-3)
        return (u / a) ** 2 + (v / b) ** 2 <= 1.0

    def outline_plane(self, e, n=181):
        """Ellipse e as (east, north) [km] from the mean."""
        t = np.linspace(0.0, 2.0 * math.pi, n)
        th = math.radians(e["orientation_deg"])
        u = e["semi_major_km"] * np.cos(t)
        v = e["semi_minor_km"] * np.sin(t)
        return u * math.sin(th) + v * math.cos(th), u * math.cos(th) - v * math.sin(th)

    def outline(self, e, n=181):
        """Ellipse e around the mean, as (lat, lon) arrays."""
        east, north = self.outline_plane(e, n)
        return from_plane(*self.ref, self.mx + 1e3 * east, self.my + 1e3 * north)


def containment(body, footprint):
    """{level: (fraction, source)} for each ellipse of a summary body: the summary's own
    `contained_fraction` when it gives one, else computed here from the points."""
    out = {}
    for level, e in body.get("ellipses", {}).items():
        if e.get("contained_fraction") is not None:
            out[level] = (float(e["contained_fraction"]), "summary")
        elif footprint.n > 0:
            out[level] = (float(footprint.inside(e).mean()), "computed")
    return out


def off_nominal_levels(fractions, n):
    """Levels whose empirical fraction differs from the nominal one by more than 3 binomial
    standard errors: the footprint is not the bivariate normal the ellipses assume."""
    bad = []
    for level, (frac, _) in fractions.items():
        p = float(level) / 100.0
        if n > 0 and abs(frac - p) > 3.0 * math.sqrt(p * (1.0 - p) / n):
            bad.append(level)
    return sorted(bad, key=float)


# ----------------------------------------------------------------------------------------------
# Maps without a basemap: longitude and latitude in degrees, longitudes unwrapped around a centre
# (no seam at the antimeridian), aspect 1/cos(latitude) so that a km is as long east as north.

def unwrap_lon(lon, centre):
    return centre + (np.asarray(lon, float) - centre + 180.0) % 360.0 - 180.0


def setup_map(ax, lon_lim, lat_lim):
    import matplotlib.ticker as mticker
    ax.set_xlim(*lon_lim)
    ax.set_ylim(*lat_lim)
    lat_c = min(abs(0.5 * (lat_lim[0] + lat_lim[1])), 70.0)
    ax.set_aspect(1.0 / math.cos(math.radians(lat_c)), adjustable="box")

    def lon_label(x, _pos):
        x = (x + 180.0) % 360.0 - 180.0
        return f"{abs(x):g}{'E' if x > 0 else 'W' if x < 0 else ''}"

    def lat_label(y, _pos):
        return f"{abs(y):g}{'N' if y > 0 else 'S' if y < 0 else ''}"

    ax.xaxis.set_major_locator(mticker.MaxNLocator(nbins="auto", steps=[1, 2, 5, 10], min_n_ticks=3))
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lon_label))
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lat_label))
    ax.set_xlabel("longitude [deg]")
    ax.set_ylabel("latitude [deg]")
    ax.grid(alpha=0.3)


def padded(lo, hi, frac=0.08, min_span=0.05):
    span = max(hi - lo, min_span)
    mid = 0.5 * (lo + hi)
    return mid - 0.5 * span * (1 + 2 * frac), mid + 0.5 * span * (1 + 2 * frac)


def robust_range(v, widen=1.0, min_n=20):
    """A view of the values v that leaves out only far outliers: the q..100-q % quantile range
    (q = 500/n %, between 0.5 % and 5 %: about five values beyond each end), widened by `widen`
    times its span on each side, never beyond the extremes. Below min_n values, the full range."""
    v = np.asarray(v, float)
    if len(v) < min_n:
        return float(v.min()), float(v.max())
    q = min(5.0, max(0.5, 500.0 / len(v)))
    lo, hi = np.percentile(v, [q, 100.0 - q])
    w = hi - lo
    return float(max(v.min(), lo - widen * w)), float(min(v.max(), hi + widen * w))


def map_box(lon_range, lat_range, min_ratio=0.5):
    """Padded map limits, the shorter side (in km, cos(lat) on longitudes) widened to at least
    min_ratio of the longer, so that a map of a few distant points is no thin strip."""
    lon_lim, lat_lim = padded(*lon_range), padded(*lat_range)
    c = max(math.cos(math.radians(0.5 * (lat_lim[0] + lat_lim[1]))), 0.05)
    w, h = (lon_lim[1] - lon_lim[0]) * c, lat_lim[1] - lat_lim[0]
    if w < min_ratio * h:
        lon_lim = padded(*lon_lim, frac=0.5 * (min_ratio * h / w - 1.0))
    elif h < min_ratio * w:
        lat_lim = padded(*lat_lim, frac=0.5 * (min_ratio * w / h - 1.0))
    lat_lim = (max(lat_lim[0], -90.0), min(lat_lim[1], 90.0))
    return (max(lon_lim[0], lon_range[0] - 180.0), min(lon_lim[1], lon_range[1] + 180.0)), lat_lim
