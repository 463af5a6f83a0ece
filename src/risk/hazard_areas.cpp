// Footprints and hazard areas from the risk maps' cells (hazard_areas.hpp).
#include "risk/hazard_areas.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

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

namespace {

// A cluster of fewer effective flights than this keeps the kernel of the cluster it split from:
// an outlying impact is smoothed like the footprint it strays from, not left as a spike.
constexpr double kMinClusterFlights = 30;
// The most cells of a footprint's box contoured at the grid's resolution (see compute_footprint).
constexpr double kMaxContourCells = 1e6;

// Labels cells (row, column) so that cells no more than `link` rows and columns apart share a
// label (single linkage): the cells' boxes of half-width ceil(link / 2) are painted on a mask of
// their bounding box (a separable dilation) and its 8-connected components labelled. O(box).
std::vector<std::size_t> link_components(
    const std::vector<std::pair<std::ptrdiff_t, std::ptrdiff_t>>& rc, std::ptrdiff_t link,
    std::size_t* count) {
  std::ptrdiff_t r0 = rc[0].first, r1 = r0, c0 = rc[0].second, c1 = c0;
  for (const auto& [r, c] : rc)
    r0 = std::min(r0, r), r1 = std::max(r1, r), c0 = std::min(c0, c), c1 = std::max(c1, c);
  const std::ptrdiff_t half = (link + 1) / 2;
  const auto w = static_cast<std::size_t>(c1 - c0 + 1 + 2 * half),
             h = static_cast<std::size_t>(r1 - r0 + 1 + 2 * half);
  const auto at = [&](std::ptrdiff_t r, std::ptrdiff_t c) {
    return static_cast<std::size_t>(r - r0 + half) * w + static_cast<std::size_t>(c - c0 + half);
  };
  std::vector<std::uint8_t> mask(w * h, 0), tmp(w * h, 0);
  for (const auto& [r, c] : rc) mask[at(r, c)] = 1;
  // Dilation along rows, then columns, with running counts of marked cells in the window.
  for (std::size_t y = 0; y < h; ++y) {
    std::ptrdiff_t run = 0;
    for (std::ptrdiff_t x = -half; x < static_cast<std::ptrdiff_t>(w) + half; ++x) {
      const std::ptrdiff_t in = x + half, out = x - half - 1;
      if (in < static_cast<std::ptrdiff_t>(w)) run += mask[y * w + static_cast<std::size_t>(in)];
      if (out >= 0) run -= mask[y * w + static_cast<std::size_t>(out)];
      if (x >= 0 && x < static_cast<std::ptrdiff_t>(w))
        tmp[y * w + static_cast<std::size_t>(x)] = run > 0;
    }
  }
  for (std::size_t x = 0; x < w; ++x) {
    std::ptrdiff_t run = 0;
    for (std::ptrdiff_t y = -half; y < static_cast<std::ptrdiff_t>(h) + half; ++y) {
      const std::ptrdiff_t in = y + half, out = y - half - 1;
      if (in < static_cast<std::ptrdiff_t>(h)) run += tmp[static_cast<std::size_t>(in) * w + x];
      if (out >= 0) run -= tmp[static_cast<std::size_t>(out) * w + x];
      if (y >= 0 && y < static_cast<std::ptrdiff_t>(h))
        mask[static_cast<std::size_t>(y) * w + x] = run > 0;
    }
  }
  constexpr std::size_t unlabelled = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> label(w * h, unlabelled);
  std::vector<std::size_t> stack;
  std::size_t labels = 0;
  std::vector<std::size_t> out(rc.size());
  for (std::size_t i = 0; i < rc.size(); ++i) {
    const std::size_t start = at(rc[i].first, rc[i].second);
    if (label[start] == unlabelled) {  // flood fill this component
      label[start] = labels;
      stack.push_back(start);
      while (!stack.empty()) {
        const std::size_t p = stack.back();
        stack.pop_back();
        const std::size_t py = p / w, px = p % w;
        for (std::ptrdiff_t dy = -1; dy <= 1; ++dy)
          for (std::ptrdiff_t dx = -1; dx <= 1; ++dx) {
            const std::ptrdiff_t ny_ = static_cast<std::ptrdiff_t>(py) + dy,
                                 nx_ = static_cast<std::ptrdiff_t>(px) + dx;
            if (ny_ < 0 || nx_ < 0 || ny_ >= static_cast<std::ptrdiff_t>(h) ||
                nx_ >= static_cast<std::ptrdiff_t>(w))
              continue;
            const std::size_t q = static_cast<std::size_t>(ny_) * w + static_cast<std::size_t>(nx_);
            if (mask[q] && label[q] == unlabelled) {
              label[q] = labels;
              stack.push_back(q);
            }
          }
      }
      ++labels;
    }
    out[i] = label[start];
  }
  *count = labels;
  return out;
}

struct Cluster {
  std::vector<std::size_t> members;  // indices into the group's cells
  double mass = 0;
  std::ptrdiff_t r0 = 0, r1 = 0, c0 = 0, c1 = 0;  // the cells' box, grid rows and columns
  double h_cc = 0, h_cr = 0, h_rr = 0;            // the kernel [cells^2]
};

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
    l.reliable = fp.effective_flights >= kMinEffectiveFlights && l.tail_flights >= kMinTailFlights;
    fp.levels.push_back(l);
  }
  // Expected pieces per cell, sparse: memory follows the cells hit, not the grid.
  const std::vector<std::pair<std::size_t, double>> fine = reducer.expected_cells(g);
  if (fine.empty() || fp.expected_pieces <= 0.0) return fp;  // nothing landed in the grid
  // A footprint spread over a box of more than kMaxContourCells cells is contoured on cells of f x
  // f grid cells (f the smallest integer that brings it under): a contour across tens of degrees
  // needs no 0.05 deg detail, and time and memory stay bounded. The coarse cells lie on the
  // lattice of step f x step anchored at (0, 0), as every grid does.
  const double fine_step = grid.step_deg();
  const std::int64_t north_index = std::llround(grid.north_deg() / fine_step);
  const std::int64_t west_index = std::llround(grid.west_deg() / fine_step);
  const auto gnx = static_cast<std::int64_t>(grid.nx());
  std::int64_t fr0 = std::numeric_limits<std::int64_t>::max(), fr1 = -1, fc0 = fr0, fc1 = -1;
  for (const auto& [cell, m] : fine) {
    const auto r = static_cast<std::int64_t>(cell) / gnx, c = static_cast<std::int64_t>(cell) % gnx;
    fr0 = std::min(fr0, r), fr1 = std::max(fr1, r), fc0 = std::min(fc0, c), fc1 = std::max(fc1, c);
  }
  const double box_cells = static_cast<double>(fr1 - fr0 + 1) * static_cast<double>(fc1 - fc0 + 1);
  const auto f =
      static_cast<std::int64_t>(std::max(1.0, std::ceil(std::sqrt(box_cells / kMaxContourCells))));
  const auto floor_div = [](std::int64_t a, std::int64_t b) {
    return a >= 0 ? a / b : -((-a + b - 1) / b);
  };
  struct MapCell {
    std::int64_t kr, kc;  // the coarse cell's north edge and west edge, in coarse steps
    double mass;
  };
  std::vector<MapCell> coarse;
  coarse.reserve(fine.size());
  for (const auto& [cell, m] : fine) {
    const auto r = static_cast<std::int64_t>(cell) / gnx, c = static_cast<std::int64_t>(cell) % gnx;
    coarse.push_back({-floor_div(-(north_index - r), f), floor_div(west_index + c, f), m});
  }
  std::sort(coarse.begin(), coarse.end(), [](const MapCell& a, const MapCell& b) {
    return a.kr != b.kr ? a.kr > b.kr : a.kc < b.kc;
  });
  std::int64_t top = coarse[0].kr, left = coarse[0].kc;
  for (const MapCell& m : coarse) left = std::min(left, m.kc);
  struct Cell2 {
    std::ptrdiff_t r, c;
    double mass;
  };
  std::vector<Cell2> cells;
  for (const MapCell& m : coarse) {
    const auto r = static_cast<std::ptrdiff_t>(top - m.kr),
               c = static_cast<std::ptrdiff_t>(m.kc - left);
    if (!cells.empty() && cells.back().r == r && cells.back().c == c)
      cells.back().mass += m.mass;
    else
      cells.push_back({r, c, m.mass});
  }
  const double step = fine_step * static_cast<double>(f);
  const double map_north = static_cast<double>(top) * step;  // row 0's northern edge
  const double map_west = static_cast<double>(left) * step;  // column 0's western edge
  fp.contour_cell_deg = step;
  const auto row_of = [&](std::size_t i) { return cells[i].r; };
  const auto col_of = [&](std::size_t i) { return cells[i].c; };
  double total_mass = 0;
  for (const auto& c : cells) total_mass += c.mass;

  // The kernel, in cells: Scott's rule H = n^(-2/(d+4)) Sigma = n^(-1/3) Sigma for d = 2 (D. W.
  // Scott, "Multivariate Density Estimation", Wiley 1992, eq. 6.42; Silverman's rule gives the
  // same factor in 2-D), with Sigma the weighted covariance of the cell centres less Sheppard's
  // correction of 1/12 cell^2 for the binning, and n the effective flights. The full covariance
  // orients the kernel along an elongated footprint instead of blurring its narrow side. The
  // kernel widens a contour a little (the smoothed covariance is (1 + n^(-1/3)) Sigma), never
  // narrows it: on the safe side for a hazard area.
  // Scott's rule is made for one Gaussian; a group's footprint is often several (the drop zones of
  // different bodies, a breakup's pieces along the track), and one kernel from their joint
  // covariance would be as wide as the gaps between them. So the cells are split recursively:
  // cells farther than 4 kernel deviations from every other cell of their cluster start clusters
  // of their own, each with its own Scott kernel (its share of the effective flights), until no
  // cluster splits; a cluster of fewer than kMinClusterFlights keeps its parent's kernel.
  const auto kernel_of = [&](const std::vector<std::size_t>& members, double mass, double n,
                             Cluster& cl) {
    double mr = 0, mc = 0;
    for (const std::size_t i : members) {
      mr += cells[i].mass * static_cast<double>(row_of(i));
      mc += cells[i].mass * static_cast<double>(col_of(i));
    }
    mr /= mass, mc /= mass;
    double s_cc = 0, s_cr = 0, s_rr = 0;
    for (const std::size_t i : members) {
      const double m = cells[i].mass;
      const double dr = static_cast<double>(row_of(i)) - mr,
                   dc = static_cast<double>(col_of(i)) - mc;
      s_cc += m * dc * dc, s_cr += m * dc * dr, s_rr += m * dr * dr;
    }
    s_cc = std::max(0.0, s_cc / mass - 1.0 / 12.0);
    s_rr = std::max(0.0, s_rr / mass - 1.0 / 12.0);
    s_cr = std::clamp(s_cr / mass, -std::sqrt(s_cc * s_rr), std::sqrt(s_cc * s_rr));
    const double factor = std::pow(n, -1.0 / 3.0);
    cl.h_cc = factor * s_cc, cl.h_cr = factor * s_cr, cl.h_rr = factor * s_rr;
  };
  std::vector<Cluster> clusters;
  {
    struct Pending {
      std::vector<std::size_t> members;
      double h_cc, h_cr, h_rr;  // the parent's kernel
      bool root;
      bool done = false;  // small clusters gathered under their parent's kernel: as they are
    };
    std::vector<Pending> todo;
    todo.push_back({std::vector<std::size_t>(cells.size()), 0, 0, 0, true});
    std::iota(todo[0].members.begin(), todo[0].members.end(), std::size_t{0});
    while (!todo.empty()) {
      Pending pend = std::move(todo.back());
      todo.pop_back();
      Cluster cl;
      cl.r0 = cl.r1 = row_of(pend.members[0]);
      cl.c0 = cl.c1 = col_of(pend.members[0]);
      for (const std::size_t i : pend.members) {
        cl.mass += cells[i].mass;
        cl.r0 = std::min(cl.r0, row_of(i)), cl.r1 = std::max(cl.r1, row_of(i));
        cl.c0 = std::min(cl.c0, col_of(i)), cl.c1 = std::max(cl.c1, col_of(i));
      }
      const double n = fp.effective_flights * cl.mass / total_mass;
      if (bandwidth == Bandwidth::scott && n > 1.0 && !pend.done &&
          (pend.root || n >= kMinClusterFlights))
        kernel_of(pend.members, cl.mass, n, cl);
      else
        cl.h_cc = pend.h_cc, cl.h_cr = pend.h_cr, cl.h_rr = pend.h_rr;
      std::size_t parts = 1;
      std::vector<std::size_t> label;
      if (bandwidth == Bandwidth::scott && pend.members.size() > 1 && !pend.done) {
        const auto link = static_cast<std::ptrdiff_t>(
            std::ceil(4.0 * std::sqrt(std::max({cl.h_cc, cl.h_rr, 1.0}))));
        std::vector<std::pair<std::ptrdiff_t, std::ptrdiff_t>> rc;
        rc.reserve(pend.members.size());
        for (const std::size_t i : pend.members) rc.emplace_back(row_of(i), col_of(i));
        label = link_components(rc, link, &parts);
      }
      if (parts == 1) {
        cl.members = std::move(pend.members);
        clusters.push_back(std::move(cl));
        continue;
      }
      std::vector<Pending> split(parts);
      for (std::size_t j = 0; j < pend.members.size(); ++j)
        split[label[j]].members.push_back(pend.members[j]);
      // The small parts keep this kernel: smoothed together (smoothing is linear), not one by one.
      Pending small{{}, cl.h_cc, cl.h_cr, cl.h_rr, false, true};
      for (Pending& sp : split) {
        double m = 0;
        for (const std::size_t i : sp.members) m += cells[i].mass;
        if (fp.effective_flights * m / total_mass < kMinClusterFlights) {
          small.members.insert(small.members.end(), sp.members.begin(), sp.members.end());
          continue;
        }
        sp.h_cc = cl.h_cc, sp.h_cr = cl.h_cr, sp.h_rr = cl.h_rr;
        sp.root = false;
        todo.push_back(std::move(sp));
      }
      if (!small.members.empty()) todo.push_back(std::move(small));
    }
  }
  std::size_t main_cluster = 0;
  for (std::size_t k = 0; k < clusters.size(); ++k)
    if (clusters[k].mass > clusters[main_cluster].mass) main_cluster = k;
  {
    const Cluster& m = clusters[main_cluster];
    fp.kernel_sd_lon_deg = std::sqrt(m.h_cc) * step;
    fp.kernel_sd_lat_deg = std::sqrt(m.h_rr) * step;
    // Rows run south: the correlation of (lon, lat) is minus that of (column, row).
    fp.kernel_correlation = m.h_cc > 0 && m.h_rr > 0 ? -m.h_cr / std::sqrt(m.h_cc * m.h_rr) : 0.0;
  }
  // Each cluster's window: its box wider by 4 kernel deviations (+1 for the interpolation and the
  // tracing), on the grid's lattice; windows may reach past the grid (the smoothed map does), not
  // past a pole, and span at most 360 deg of longitude. The map is the union of the windows.
  const auto first_row = static_cast<std::ptrdiff_t>(std::ceil((map_north - 90.0) / step - 1e-9));
  const auto last_row =
      static_cast<std::ptrdiff_t>(std::floor((map_north + 90.0) / step + 1e-9)) - 1;
  const auto max_cols = static_cast<std::ptrdiff_t>(std::floor(360.0 / step + 1e-9));
  struct Window {
    std::ptrdiff_t r0, r1, c0, c1;
  };
  const auto window_of = [&](std::ptrdiff_t r0, std::ptrdiff_t r1, std::ptrdiff_t c0,
                             std::ptrdiff_t c1, double h_rr, double h_cc) {
    const auto mr = static_cast<std::ptrdiff_t>(std::ceil(4.0 * std::sqrt(h_rr))) + 1;
    const auto mc = static_cast<std::ptrdiff_t>(std::ceil(4.0 * std::sqrt(h_cc))) + 1;
    Window w{std::max(first_row, r0 - mr), std::min(last_row, r1 + mr), c0 - mc, c1 + mc};
    if (w.c1 - w.c0 + 1 > max_cols) {  // a footprint around the globe loses its margins
      const std::ptrdiff_t excess = w.c1 - w.c0 + 1 - max_cols;
      w.c0 += excess / 2;
      w.c1 -= excess - excess / 2;
    }
    return w;
  };
  std::vector<Window> windows;
  Window all{std::numeric_limits<std::ptrdiff_t>::max(), std::numeric_limits<std::ptrdiff_t>::min(),
             std::numeric_limits<std::ptrdiff_t>::max(),
             std::numeric_limits<std::ptrdiff_t>::min()};
  for (const Cluster& cl : clusters) {
    windows.push_back(window_of(cl.r0, cl.r1, cl.c0, cl.c1, cl.h_rr, cl.h_cc));
    all.r0 = std::min(all.r0, windows.back().r0), all.r1 = std::max(all.r1, windows.back().r1);
    all.c0 = std::min(all.c0, windows.back().c0), all.c1 = std::max(all.c1, windows.back().c1);
  }
  all = window_of(all.r0, all.r1, all.c0, all.c1, 0.0, 0.0);  // capped; margins of one cell
  const auto wnx = static_cast<std::size_t>(all.c1 - all.c0 + 1);
  const auto wny = static_cast<std::size_t>(all.r1 - all.r0 + 1);
  std::vector<double> window(wnx * wny, 0.0);
  for (std::size_t k = 0; k < clusters.size(); ++k) {
    const Cluster& cl = clusters[k];
    const Window& w = windows[k];
    const auto lnx = static_cast<std::size_t>(w.c1 - w.c0 + 1);
    const auto lny = static_cast<std::size_t>(w.r1 - w.r0 + 1);
    std::vector<double> local(lnx * lny, 0.0);
    for (const std::size_t i : cl.members)
      local[static_cast<std::size_t>(row_of(i) - w.r0) * lnx +
            static_cast<std::size_t>(col_of(i) - w.c0)] += cells[i].mass;
    if (cl.h_cc > 0 || cl.h_rr > 0) local = smooth(local, lnx, lny, cl.h_cc, cl.h_cr, cl.h_rr);
    for (std::size_t r = 0; r < lny; ++r) {
      const std::ptrdiff_t gr_ = w.r0 + static_cast<std::ptrdiff_t>(r);
      if (gr_ < all.r0 || gr_ > all.r1) continue;
      for (std::size_t c = 0; c < lnx; ++c) {
        const std::ptrdiff_t gc = w.c0 + static_cast<std::ptrdiff_t>(c);
        if (gc < all.c0 || gc > all.c1 || local[r * lnx + c] == 0.0) continue;
        window[static_cast<std::size_t>(gr_ - all.r0) * wnx +
               static_cast<std::size_t>(gc - all.c0)] += local[r * lnx + c];
      }
    }
  }
  // Density [pieces / km^2]: cells shrink towards the poles.
  const double w_north = map_north - static_cast<double>(all.r0) * step;
  const double w_west = map_west + static_cast<double>(all.c0) * step;
  // (Clamped against rounding: the lattice puts the edges back on multiples of the step.)
  const Grid wgrid(Region{w_west, std::max(-90.0, w_north - static_cast<double>(wny) * step),
                          std::min(w_west + 360.0, w_west + static_cast<double>(wnx) * step),
                          std::min(90.0, w_north)},
                   step);
  if (wgrid.nx() != wnx || wgrid.ny() != wny)
    throw std::logic_error("risk contours: the window does not fall on the grid's lattice");
  std::vector<double> density(window.size());
  struct Cell {
    double density, mass;
  };
  std::vector<Cell> dense_cells;
  for (std::size_t r = 0; r < wny; ++r) {
    const double a = wgrid.cell_area_km2(r);
    for (std::size_t c = 0; c < wnx; ++c) {
      const double m = window[r * wnx + c];
      density[r * wnx + c] = a > 0 ? m / a : 0.0;
      if (m > 0.0) dense_cells.push_back({density[r * wnx + c], m});
    }
  }
  window.clear();
  window.shrink_to_fit();
  // Highest-density regions (R. J. Hyndman, "Computing and graphing highest density regions",
  // Am. Stat. 50, 1996): the densest cells until they hold p of the group's pieces (those outside
  // the grid included); the boundary is traced between that cell's density and the next lower
  // one, so that the cells counted lie inside it.
  std::sort(dense_cells.begin(), dense_cells.end(),
            [](const Cell& a, const Cell& b) { return a.density > b.density; });
  const NodeLattice lattice{wnx, wny, w_west + step / 2, w_north - step / 2, step};
  for (ContourLevel& l : fp.levels) {
    const double target = l.p * fp.expected_pieces;
    double cum = 0;
    std::size_t k = 0;
    for (; k < dense_cells.size(); ++k) {
      cum += dense_cells[k].mass;
      if (cum >= target * (1.0 - 1e-12)) break;
    }
    if (k == dense_cells.size()) continue;  // the map holds less than p: not drawn
    std::size_t next = k + 1;
    while (next < dense_cells.size() && dense_cells[next].density == dense_cells[k].density) {
      cum += dense_cells[next].mass;
      ++next;
    }
    const double lower = next < dense_cells.size() ? dense_cells[next].density : 0.0;
    l.drawn = true;
    l.threshold_per_km2 = 0.5 * (dense_cells[k].density + lower);
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
  std::vector<std::size_t> above, certain;
  for (const auto& [cell, p] : reducer.cell_proportions(g)) {
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
    return trace_cell_union(
        mask, bnx, bny, grid.west_deg() + static_cast<double>(c0) * grid.step_deg(),
        grid.north_deg() - static_cast<double>(r0) * grid.step_deg(), grid.step_deg());
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
      h.footprints.push_back(compute_footprint(reducer, result, g, kContainmentLevels, bandwidth));
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
