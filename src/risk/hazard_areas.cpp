// Footprints and hazard areas from the risk maps' cells (hazard_areas.hpp).
#include "risk/hazard_areas.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "stats/stratified.hpp"

namespace launchmc::risk {

Bandwidth parse_bandwidth(std::string_view text) {
  if (text == "scott") return Bandwidth::scott;
  if (text == "none") return Bandwidth::none;
  throw std::invalid_argument(fmt::format(
      "--contour-bandwidth '{}': expected scott (a Gaussian kernel by Scott's rule) or none (the "
      "empirical cell map)",
      text));
}

const char* to_string(Bandwidth b) noexcept { return b == Bandwidth::scott ? "scott" : "none"; }

namespace {

// Discrete Gaussian taps of variance `var` (in cells), normalised to sum 1: offsets -K..K.
std::vector<double> gaussian_taps(double var) {
  const auto k = static_cast<std::ptrdiff_t>(std::ceil(4.0 * std::sqrt(var)));
  std::vector<double> w(static_cast<std::size_t>(2 * k + 1));
  double sum = 0;
  for (std::ptrdiff_t i = -k; i <= k; ++i) {
    const double v = std::exp(-0.5 * static_cast<double>(i * i) / var);
    w[static_cast<std::size_t>(i + k)] = v;
    sum += v;
  }
  for (double& v : w) v /= sum;
  return w;
}

// Convolves a row-major nx x ny mass array with a Gaussian of covariance [[h_cc, h_cr], [h_cr,
// h_rr]] in cell units (column, row). A correlated Gaussian is not separable along the axes, but
// it is the convolution of two 1-D Gaussians: one along the columns of variance
// h_cc - h_cr^2 / h_rr, one along the direction (h_cr / h_rr, 1) whose row offset has variance
// h_rr (H = (h_cc - h_cr^2/h_rr) e_c e_c^T + u u^T h_rr, u = (h_cr/h_rr, 1)); the second pass
// reads between columns by linear interpolation, which keeps the mass. Mass carried past the
// array's edges is lost: the caller leaves a margin of 4 standard deviations.
std::vector<double> smooth(const std::vector<double>& mass, std::size_t nx, std::size_t ny,
                           double h_cc, double h_cr, double h_rr) {
  constexpr double kTiny = 1e-6;  // [cells^2]: no smoothing along an axis narrower than this
  std::vector<double> a(mass);
  const double v_col = h_rr > kTiny ? h_cc - h_cr * h_cr / h_rr : h_cc;
  if (v_col > kTiny) {
    const std::vector<double> w = gaussian_taps(v_col);
    const auto k = static_cast<std::ptrdiff_t>(w.size() / 2);
    std::vector<double> b(a.size(), 0.0);
    for (std::size_t r = 0; r < ny; ++r)
      for (std::size_t c = 0; c < nx; ++c) {
        const double m = a[r * nx + c];
        if (m == 0.0) continue;
        for (std::ptrdiff_t i = -k; i <= k; ++i) {
          const std::ptrdiff_t cc = static_cast<std::ptrdiff_t>(c) + i;
          if (cc >= 0 && cc < static_cast<std::ptrdiff_t>(nx))
            b[r * nx + static_cast<std::size_t>(cc)] += m * w[static_cast<std::size_t>(i + k)];
        }
      }
    a.swap(b);
  }
  if (h_rr > kTiny) {
    const double slope = h_cr / h_rr;  // columns per row along the kernel's second axis
    const std::vector<double> w = gaussian_taps(h_rr);
    const auto k = static_cast<std::ptrdiff_t>(w.size() / 2);
    std::vector<double> b(a.size(), 0.0);
    for (std::size_t r = 0; r < ny; ++r)
      for (std::size_t c = 0; c < nx; ++c) {
        const double m = a[r * nx + c];
        if (m == 0.0) continue;
        // Spread the cell's mass to (r + t, c + t slope), split between two columns.
        for (std::ptrdiff_t t = -k; t <= k; ++t) {
          const std::ptrdiff_t rr = static_cast<std::ptrdiff_t>(r) + t;
          if (rr < 0 || rr >= static_cast<std::ptrdiff_t>(ny)) continue;
          const double x = static_cast<double>(c) + static_cast<double>(t) * slope;
          const double x0 = std::floor(x), f = x - x0;
          const double mt = m * w[static_cast<std::size_t>(t + k)];
          const auto c0 = static_cast<std::ptrdiff_t>(x0);
          const std::size_t base = static_cast<std::size_t>(rr) * nx;
          if (c0 >= 0 && c0 < static_cast<std::ptrdiff_t>(nx))
            b[base + static_cast<std::size_t>(c0)] += mt * (1.0 - f);
          if (c0 + 1 >= 0 && c0 + 1 < static_cast<std::ptrdiff_t>(nx))
            b[base + static_cast<std::size_t>(c0 + 1)] += mt * f;
        }
      }
    a.swap(b);
  }
  return a;
}

}  // namespace

Footprint compute_footprint(const RiskReducer& reducer, const RiskResult& result, std::size_t g,
                            std::span<const double> levels, Bandwidth bandwidth) {
  const Grid& grid = reducer.setup().grid;
  const GroupResult& gr = result.groups.at(g);
  Footprint fp;
  fp.group = g;
  fp.name = gr.name;
  fp.kind = gr.kind;
  fp.expected_pieces = gr.expected_pieces;
  fp.flights = gr.flights_hit;
  fp.effective_flights = gr.effective_flights;
  fp.bandwidth = bandwidth;
  for (const double p : levels) {
    if (!(p > 0.0 && p < 1.0))
      throw std::invalid_argument(fmt::format("containment level {}: must be in (0, 1)", p));
    ContourLevel l;
    l.p = p;
    l.tail_flights = fp.effective_flights * (1.0 - p);
    l.reliable =
        fp.effective_flights >= kMinEffectiveFlights && l.tail_flights >= kMinTailFlights;
    fp.levels.push_back(l);
  }
  const std::vector<double> mass = reducer.expected_map(g);  // expected pieces per cell
  const std::size_t nx = grid.nx(), ny = grid.ny();
  std::size_t r0 = ny, r1 = 0, c0 = nx, c1 = 0;
  double m_sum = 0, m_r = 0, m_c = 0;
  for (std::size_t i = 0; i < mass.size(); ++i)
    if (mass[i] > 0.0) {
      const std::size_t r = i / nx, c = i % nx;
      r0 = std::min(r0, r), r1 = std::max(r1, r), c0 = std::min(c0, c), c1 = std::max(c1, c);
      m_sum += mass[i];
      m_r += mass[i] * static_cast<double>(r);
      m_c += mass[i] * static_cast<double>(c);
    }
  if (m_sum <= 0.0 || fp.expected_pieces <= 0.0) return fp;  // nothing landed in the grid
  // The kernel, in cells: Scott's rule H = n^(-2/(d+4)) Sigma = n_eff^(-1/3) Sigma for d = 2 (D. W.
  // Scott, "Multivariate Density Estimation", Wiley 1992, eq. 6.42; Silverman's rule gives the
  // same factor in 2-D), with Sigma the group's weighted covariance of the cell centres less
  // Sheppard's correction of 1/12 cell^2 for the binning. The full covariance orients the kernel
  // along an elongated footprint instead of blurring its narrow side. Scott's rule is optimal for
  // a Gaussian and oversmooths a footprint of separate clusters (Sigma then spans the gap):
  // contours are then a little larger, never smaller, which errs on the safe side for a hazard
  // area; `none` gives the empirical map.
  double h_cc = 0, h_cr = 0, h_rr = 0;
  if (bandwidth == Bandwidth::scott && fp.effective_flights > 1.0) {
    const double mr = m_r / m_sum, mc = m_c / m_sum;
    double s_cc = 0, s_cr = 0, s_rr = 0;
    for (std::size_t r = r0; r <= r1; ++r)
      for (std::size_t c = c0; c <= c1; ++c) {
        const double m = mass[r * nx + c];
        if (m == 0.0) continue;
        const double dr = static_cast<double>(r) - mr, dc = static_cast<double>(c) - mc;
        s_cc += m * dc * dc, s_cr += m * dc * dr, s_rr += m * dr * dr;
      }
    s_cc = std::max(0.0, s_cc / m_sum - 1.0 / 12.0);
    s_rr = std::max(0.0, s_rr / m_sum - 1.0 / 12.0);
    s_cr = std::clamp(s_cr / m_sum, -std::sqrt(s_cc * s_rr), std::sqrt(s_cc * s_rr));
    const double factor = std::pow(fp.effective_flights, -1.0 / 3.0);
    h_cc = factor * s_cc, h_cr = factor * s_cr, h_rr = factor * s_rr;
    fp.kernel_sd_lon_deg = std::sqrt(h_cc) * grid.step_deg();
    fp.kernel_sd_lat_deg = std::sqrt(h_rr) * grid.step_deg();
    fp.kernel_correlation = h_cc > 0 && h_rr > 0 ? -h_cr / std::sqrt(h_cc * h_rr) : 0.0;  // rows
                                                                                       // run south
  }
  // A window around the group's cells, wider by 4 kernel deviations (+1 for the interpolation),
  // on the grid's lattice; it may reach past the grid (the smoothed map does), not past a pole.
  const auto margin_r = static_cast<std::ptrdiff_t>(std::ceil(4.0 * std::sqrt(h_rr))) + 1;
  const auto margin_c = static_cast<std::ptrdiff_t>(std::ceil(4.0 * std::sqrt(h_cc))) + 1;
  const double step = grid.step_deg();
  const auto first_row = static_cast<std::ptrdiff_t>(std::ceil((grid.north_deg() - 90.0) / step - 1e-9));
  const auto last_row =
      static_cast<std::ptrdiff_t>(std::floor((grid.north_deg() + 90.0) / step + 1e-9)) - 1;
  const std::ptrdiff_t wr0 = std::max(first_row, static_cast<std::ptrdiff_t>(r0) - margin_r);
  const std::ptrdiff_t wr1 = std::min(last_row, static_cast<std::ptrdiff_t>(r1) + margin_r);
  const std::ptrdiff_t wc0 = static_cast<std::ptrdiff_t>(c0) - margin_c;
  const std::ptrdiff_t wc1 = static_cast<std::ptrdiff_t>(c1) + margin_c;
  const auto wnx = static_cast<std::size_t>(wc1 - wc0 + 1), wny = static_cast<std::size_t>(wr1 - wr0 + 1);
  std::vector<double> window(wnx * wny, 0.0);
  for (std::size_t r = r0; r <= r1; ++r)
    for (std::size_t c = c0; c <= c1; ++c)
      window[static_cast<std::size_t>(static_cast<std::ptrdiff_t>(r) - wr0) * wnx +
             static_cast<std::size_t>(static_cast<std::ptrdiff_t>(c) - wc0)] = mass[r * nx + c];
  if (h_cc > 0 || h_rr > 0) window = smooth(window, wnx, wny, h_cc, h_cr, h_rr);
  // Density [pieces / km^2]: cells shrink towards the poles.
  const double w_north = grid.north_deg() - static_cast<double>(wr0) * step;
  const double w_west = grid.west_deg() + static_cast<double>(wc0) * step;
  const Grid wgrid(Region{w_west, w_north - static_cast<double>(wny) * step,
                          w_west + static_cast<double>(wnx) * step, w_north},
                   step);
  if (wgrid.nx() != wnx || wgrid.ny() != wny)
    throw std::logic_error("risk contours: the window does not fall on the grid's lattice");
  std::vector<double> density(window.size());
  struct Cell {
    double density, mass;
  };
  std::vector<Cell> cells;
  for (std::size_t r = 0; r < wny; ++r) {
    const double a = wgrid.cell_area_km2(r);
    for (std::size_t c = 0; c < wnx; ++c) {
      const double m = window[r * wnx + c];
      density[r * wnx + c] = a > 0 ? m / a : 0.0;
      if (m > 0.0) cells.push_back({density[r * wnx + c], m});
    }
  }
  // Highest-density regions (R. J. Hyndman, "Computing and graphing highest density regions",
  // Am. Stat. 50, 1996): the densest cells until they hold p of the group's pieces (those outside
  // the grid included); the boundary is traced between that cell's density and the next lower
  // one, so that the cells counted lie inside it.
  std::sort(cells.begin(), cells.end(),
            [](const Cell& a, const Cell& b) { return a.density > b.density; });
  const NodeLattice lattice{wnx, wny, w_west + step / 2, w_north - step / 2, step};
  for (ContourLevel& l : fp.levels) {
    const double target = l.p * fp.expected_pieces;
    double cum = 0;
    std::size_t k = 0;
    for (; k < cells.size(); ++k) {
      cum += cells[k].mass;
      if (cum >= target * (1.0 - 1e-12)) break;
    }
    if (k == cells.size()) continue;  // the grid holds less than p: not drawn
    std::size_t next = k + 1;
    while (next < cells.size() && cells[next].density == cells[k].density) {
      cum += cells[next].mass;
      ++next;
    }
    const double lower = next < cells.size() ? cells[next].density : 0.0;
    l.drawn = true;
    l.threshold_per_km2 = 0.5 * (cells[k].density + lower);
    l.mass_inside = std::min(1.0, cum / fp.expected_pieces);
    l.polygons = trace_isolines(density, lattice, l.threshold_per_km2);
    l.area_km2 = area_km2(l.polygons);
  }
  return fp;
}

AircraftHazardArea compute_aircraft_hazard_area(const RiskReducer& reducer,
                                                const RiskResult& result, std::size_t g,
                                                double threshold) {
  const Grid& grid = reducer.setup().grid;
  const stats::Strata strata(reducer.setup().stratum_probability);
  const std::vector<std::uint64_t>& rows = result.stratum_rows;
  const std::size_t K = rows.size();
  AircraftHazardArea a;
  a.threshold = threshold;
  a.group = g;
  a.single_hit_probability = 0;
  for (std::size_t k = 0; k < K; ++k) {
    const double w = reducer.row_weight(k);
    if (w > 0 && (a.single_hit_probability == 0 || w < a.single_hit_probability))
      a.single_hit_probability = w;
  }
  const std::vector<std::uint64_t> zero(K, 0);
  a.unhit_upper = stats::stratified_proportion(strata, zero, rows).ci.hi;
  a.unhit_certain_below = a.unhit_upper <= threshold;
  const std::vector<RiskReducer::CellCount> counts = reducer.cell_counts(g);
  std::vector<std::size_t> above, certain;
  std::vector<std::uint64_t> hits(K);
  for (std::size_t i = 0; i < counts.size();) {
    const std::size_t cell = counts[i].cell;
    std::fill(hits.begin(), hits.end(), 0);
    for (; i < counts.size() && counts[i].cell == cell; ++i) hits[counts[i].stratum] = counts[i].flights;
    const stats::StratifiedProportion p = stats::stratified_proportion(strata, hits, rows);
    ++a.cells_hit;
    if (p.p > threshold) above.push_back(cell);
    if (p.ci.lo > threshold) {
      certain.push_back(cell);
      ++a.cells_certain_above;
    } else if (p.ci.hi <= threshold) {
      ++a.cells_certain_below;
    } else {
      ++a.cells_undecided;
    }
  }
  a.cells_above = above.size();
  // The union of the cells, traced on the box of the cells (not the whole grid).
  const auto union_of = [&](const std::vector<std::size_t>& list) {
    if (list.empty()) return std::vector<Polygon>{};
    std::size_t r0 = grid.ny(), r1 = 0, c0 = grid.nx(), c1 = 0;
    for (const std::size_t cell : list) {
      const std::size_t r = cell / grid.nx(), c = cell % grid.nx();
      r0 = std::min(r0, r), r1 = std::max(r1, r), c0 = std::min(c0, c), c1 = std::max(c1, c);
    }
    const std::size_t bnx = c1 - c0 + 1, bny = r1 - r0 + 1;
    std::vector<std::uint8_t> mask(bnx * bny, 0);
    for (const std::size_t cell : list)
      mask[(cell / grid.nx() - r0) * bnx + (cell % grid.nx() - c0)] = 1;
    return trace_cell_union(mask, bnx, bny,
                            grid.west_deg() + static_cast<double>(c0) * grid.step_deg(),
                            grid.north_deg() - static_cast<double>(r0) * grid.step_deg(),
                            grid.step_deg());
  };
  a.polygons = union_of(above);
  a.area_km2 = area_km2(a.polygons);
  a.certain_polygons = union_of(certain);
  a.certain_area_km2 = area_km2(a.certain_polygons);
  return a;
}

HazardAreas compute_hazard_areas(const RiskReducer& reducer, const RiskResult& result,
                                 Bandwidth bandwidth) {
  HazardAreas h;
  for (std::size_t g = 0; g < result.groups.size(); ++g)
    if (result.groups[g].flights_hit > 0)
      h.footprints.push_back(
          compute_footprint(reducer, result, g, kContainmentLevels, bandwidth));
  const auto& bodies = reducer.setup().body_names;
  for (std::size_t s = 0; s < bodies.size(); ++s) {
    const std::size_t normal = reducer.normal_flight_group(s);
    const std::size_t g = normal == RiskReducer::npos ? 1 + s : normal;
    const auto fp = std::find_if(h.footprints.begin(), h.footprints.end(),
                                 [&](const Footprint& f) { return f.group == g; });
    if (fp == h.footprints.end()) continue;  // never lands in normal flight
    ShipHazardArea ship;
    ship.body = bodies[s];
    ship.group = g;
    ship.effective_flights = fp->effective_flights;
    for (const ContourLevel& l : fp->levels)
      if (l.p == kShipContainment) ship.containment = l;
    h.ships.push_back(std::move(ship));
  }
  h.aircraft = compute_aircraft_hazard_area(reducer, result, 0, kAircraftImpactProbability);
  return h;
}

}  // namespace launchmc::risk
