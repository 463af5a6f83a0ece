// Saltelli's design and the Sobol' index estimators (see saltelli.hpp for the methods and their
// references).
#include "sensitivity/saltelli.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace launchmc::sensitivity {

namespace {

std::size_t checked_inputs(std::size_t k) {
  if (k < 1) throw std::invalid_argument("Saltelli design: needs at least one input");
  if (2 * k > uncertainty::Sampler::max_sobol_dimensions)
    throw std::invalid_argument("Saltelli design: " + std::to_string(k) + " inputs need " +
                                std::to_string(2 * k) + " Sobol' dimensions; at most " +
                                std::to_string(uncertainty::Sampler::max_sobol_dimensions / 2) +
                                " inputs are supported");
  return k;
}

// The centred output values of the used base points, one record of rows_per_base values each,
// and the statistics that one set of base points (all, or a bootstrap resample) gives.
struct SaltelliData {
  std::size_t k = 0;
  std::size_t per_base = 0;
  bool second_order = false;
  std::vector<double> values;  // [m * per_base + role]

  std::size_t quantities() const { return 2 * k + (second_order ? k * (k - 1) / 2 : 0); }
  const double* record(std::size_t m) const { return values.data() + m * per_base; }

  // S1 (k), ST (k), then S2_ij for i < j in row-major order, from the base points `rows` (indices
  // into the records). Writes NaN everywhere when the resample's variance is zero.
  template <class Rows>
  void estimate(const Rows& rows, std::size_t n, std::span<double> out, double* variance,
                std::vector<double>& scratch) const {
    double sum = 0.0, sum2 = 0.0;
    scratch.assign(quantities(), 0.0);
    const std::size_t b_role = per_base - 1;
    for (std::size_t r = 0; r < n; ++r) {
      const double* f = record(rows(r));
      const double fa = f[0], fb = f[b_role];
      sum += fa + fb;
      sum2 += fa * fa + fb * fb;
      for (std::size_t i = 0; i < k; ++i) {
        const double fab = f[1 + i];
        scratch[i] += fb * (fab - fa);              // Saltelli 2010, Table 2 (b)
        scratch[k + i] += (fa - fab) * (fa - fab);  // Jansen 1999
      }
      if (second_order) {
        std::size_t q = 2 * k;
        for (std::size_t i = 0; i < k; ++i)
          for (std::size_t j = i + 1; j < k; ++j)
            scratch[q++] += f[1 + k + i] * f[1 + j] - fa * fb;  // Saltelli 2002: BA_i AB_j
      }
    }
    const double two_n = 2.0 * static_cast<double>(n);
    const double mean = sum / two_n;
    const double v = sum2 / two_n - mean * mean;
    if (variance) *variance = v;
    if (!(v > 0.0)) {
      std::fill(out.begin(), out.end(), std::numeric_limits<double>::quiet_NaN());
      return;
    }
    const double dn = static_cast<double>(n);
    for (std::size_t i = 0; i < k; ++i) {
      out[i] = scratch[i] / dn / v;
      out[k + i] = scratch[k + i] / (2.0 * dn) / v;
    }
    if (second_order) {
      std::size_t q = 2 * k;
      for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = i + 1; j < k; ++j, ++q) out[q] = scratch[q] / dn / v - out[i] - out[j];
    }
  }
};

}  // namespace

SaltelliDesign::SaltelliDesign(std::size_t k, std::uint64_t n_base, std::uint64_t seed,
                               bool second_order)
    : k_(checked_inputs(k)),
      n_base_(n_base),
      second_order_(second_order),
      sobol_(uncertainty::SamplerKind::sobol, 2 * k, seed, n_base,
             uncertainty::SobolRandomisation::digital_shift) {
  if (n_base_ < 1) throw std::invalid_argument("Saltelli design: needs at least one base point");
}

std::uint64_t SaltelliDesign::row(std::uint64_t i, std::span<double> u) const {
  if (u.size() < k_)
    throw std::invalid_argument("SaltelliDesign::row: output has " + std::to_string(u.size()) +
                                " entries, need " + std::to_string(k_));
  thread_local std::vector<double> ab;
  ab.resize(2 * k_);
  const SaltelliRow w = where(i);
  sobol_.uniforms(w.base, ab);
  const double* a = ab.data();
  const double* b = ab.data() + k_;
  const std::size_t last = rows_per_base() - 1;
  if (w.role == last) {
    std::copy(b, b + k_, u.begin());
  } else if (w.role <= k_) {
    std::copy(a, a + k_, u.begin());
    if (w.role >= 1) u[w.role - 1] = b[w.role - 1];
  } else {
    const std::size_t input = w.role - k_ - 1;
    std::copy(b, b + k_, u.begin());
    u[input] = a[input];
  }
  return w.base;
}

SobolIndices sobol_indices(std::span<const double> y, std::size_t k, bool second_order,
                           const SobolOptions& options) {
  checked_inputs(k);
  SaltelliData data;
  data.k = k;
  data.second_order = second_order;
  data.per_base = second_order ? 2 * k + 2 : k + 2;
  if (y.size() % data.per_base != 0)
    throw std::invalid_argument("sobol_indices: " + std::to_string(y.size()) +
                                " output values are not a whole number of base blocks of " +
                                std::to_string(data.per_base) + " rows");
  const std::size_t n_base = y.size() / data.per_base;
  if (n_base > std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument("sobol_indices: more than 2^32 - 1 base points");

  SobolIndices out;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  out.first.assign(k, Estimate{});
  out.total.assign(k, Estimate{});
  if (second_order) out.second.assign(k, std::vector<Estimate>(k));

  // Used base points: no NaN (nor infinity) in any row of the block.
  double centre = 0.0;
  for (std::size_t j = 0; j < n_base; ++j) {
    const auto block = y.subspan(j * data.per_base, data.per_base);
    if (!std::all_of(block.begin(), block.end(), [](double v) { return std::isfinite(v); })) {
      ++out.base_points_dropped;
      continue;
    }
    data.values.insert(data.values.end(), block.begin(), block.end());
    centre += block.front() + block.back();
  }
  const std::size_t n = data.values.size() / data.per_base;
  out.base_points_used = n;
  if (n < 2) {
    out.status = IndexStatus::too_few;
    out.mean = out.variance = nan;
    return out;
  }
  centre /= 2.0 * static_cast<double>(n);
  out.mean = centre;
  double lo = data.values[0], hi = data.values[0];
  for (std::size_t m = 0; m < n; ++m) {
    const double* f = data.record(m);
    for (const double v : {f[0], f[data.per_base - 1]}) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  for (double& v : data.values) v -= centre;
  if (!(hi > lo)) {
    out.status = IndexStatus::no_variance;
    out.variance = 0.0;
    return out;
  }

  const std::size_t q = data.quantities();
  std::vector<double> point(q), scratch;
  data.estimate([](std::size_t r) { return r; }, n, point, &out.variance, scratch);

  // Bootstrap replicates: column b of `reps` is resample b; each resample is its own stream, so
  // the parallel loop gives the same numbers for any thread count.
  const std::size_t n_boot = options.bootstrap_resamples;
  std::vector<double> reps(q * n_boot);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n_boot, 16),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      std::vector<std::uint32_t> idx(n);
                      std::vector<double> values(q), work;
                      for (std::size_t b = range.begin(); b != range.end(); ++b) {
                        bootstrap_indices(options.seed, b, n, idx);
                        data.estimate([&idx](std::size_t r) { return idx[r]; }, n, values, nullptr,
                                      work);
                        for (std::size_t c = 0; c < q; ++c) reps[c * n_boot + b] = values[c];
                      }
                    });
  auto estimate_of = [&](std::size_t c) {
    Estimate e;
    e.value = point[c];
    if (n_boot > 0) {
      std::vector<double> column(reps.begin() + static_cast<std::ptrdiff_t>(c * n_boot),
                                 reps.begin() + static_cast<std::ptrdiff_t>((c + 1) * n_boot));
      e.ci95 = percentile_interval95(column);
    }
    return e;
  };
  for (std::size_t i = 0; i < k; ++i) {
    out.first[i] = estimate_of(i);
    out.total[i] = estimate_of(k + i);
  }
  if (second_order) {
    std::size_t c = 2 * k;
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = i + 1; j < k; ++j) out.second[i][j] = estimate_of(c++);
  }
  return out;
}

}  // namespace launchmc::sensitivity
