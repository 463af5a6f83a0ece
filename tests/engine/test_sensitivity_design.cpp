// The rows of a sensitivity study of a launch (`launchmc sensitivity CONFIG`): the factors of the
// bundled Chollima-1 config, read here from its YAML with yaml-cpp; each Saltelli AB_i row
// differing from its A row in exactly the draws of factor i (an input, the correlated group's two
// members, the density or a wind shape, the failure, the navigation noise); Morris steps moving
// one factor each; and the design's rows keeping the study's distributions (means and standard
// deviations from the config, the group's correlation, the failure probabilities).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <string>
#include <vector>

#include "config/load_scenario.hpp"
#include "engine/plan.hpp"
#include "engine/sampling.hpp"
#include "sensitivity/saltelli.hpp"

namespace launchmc_test_sensitivity_design {

using namespace launchmc;
using engine::FactorKind;

const std::string kChollima = std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml";

Study chollima() { return config::load_config_file(kChollima); }

// Bitwise equality, NaN equal to NaN (failure.time_s is NaN without a failure).
bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

struct Row {
  std::vector<double> drawn;
  std::uint64_t navigation_seed = 0;
};

Row row_of(engine::SampledScenario& s, std::size_t n_drawn, std::uint64_t i) {
  Row r;
  r.drawn.assign(n_drawn, 0.0);
  s.set_sample(i, r.drawn);
  r.navigation_seed = s.draws().navigation_seed;
  return r;
}

// The drawn columns that a factor sets (indices into SamplePlan::drawn_names).
std::vector<std::size_t> columns_of(const engine::Factor& f, const engine::SamplePlan& plan) {
  const auto& names = plan.drawn_names();
  auto at = [&](const std::string& name) {
    for (std::size_t c = 0; c < names.size(); ++c)
      if (names[c] == name) return c;
    ADD_FAILURE() << "no drawn column " << name;
    return std::size_t{0};
  };
  switch (f.kind) {
    case FactorKind::input:
      return {f.index};
    case FactorKind::group:
      return {plan.dispersions().correlations[f.index].inputs.begin(),
              plan.dispersions().correlations[f.index].inputs.end()};
    case FactorKind::env_density:
      return {at("env.density_xi")};
    case FactorKind::env_wind_east:
      return {at("env.wind_east_xi")};
    case FactorKind::env_wind_north:
      return {at("env.wind_north_xi")};
    case FactorKind::failure_mode:
      return {at("failure.mode"), at("failure.time_s")};
    case FactorKind::failure_time:
      return {at("failure.time_s")};
    case FactorKind::failure_details:
    case FactorKind::navigation:
      return {};
  }
  return {};
}

TEST(SensitivityFactors, ChollimaFactorsAreItsUncertaintiesGroupedAsTheConfigCorrelatesThem) {
  const YAML::Node yaml = YAML::LoadFile(kChollima);
  const YAML::Node inputs = yaml["uncertainties"]["inputs"];
  const YAML::Node group = yaml["uncertainties"]["correlations"][0]["paths"];
  ASSERT_EQ(yaml["uncertainties"]["correlations"].size(), 1u);
  ASSERT_EQ(group.size(), 2u);
  const std::string group_name = group[0].as<std::string>() + " + " + group[1].as<std::string>();
  std::vector<std::string> expected;
  for (const auto& in : inputs) {
    const std::string path = in["path"].as<std::string>();
    if (path == group[1].as<std::string>()) continue;  // listed with the group
    expected.push_back(path == group[0].as<std::string>() ? group_name : path);
  }
  // The config disperses density and wind, has two engine_shutdown failure modes (nothing drawn
  // beyond mode and time, no termination rule) and navigation noise on its guided third stage.
  ASSERT_TRUE(yaml["uncertainties"]["density_sd_percent"]);
  ASSERT_TRUE(yaml["uncertainties"]["wind_sd_mps"]);
  ASSERT_EQ(yaml["failures"].size(), 2u);
  for (const char* name : {"env.density_xi", "env.wind_east_xi", "env.wind_north_xi",
                           "failure.mode", "failure.time", "navigation.noise"})
    expected.emplace_back(name);
  const std::vector<engine::Factor> factors = engine::sensitivity_factors(chollima());
  std::vector<std::string> names;
  for (const auto& f : factors) names.push_back(f.name);
  EXPECT_EQ(names, expected);
}

TEST(SensitivityFactors, EachSaltelliRowDiffersFromItsBaseRowInItsFactorOnly) {
  const Study config = chollima();
  engine::SensitivityDesignSpec spec;
  spec.method = "sobol";
  spec.n = 8;
  const std::vector<engine::Factor> factors = engine::sensitivity_factors(config);
  const std::size_t k = factors.size();
  const engine::SamplePlan plan(config, 11, spec.n * (k + 2), uncertainty::SamplerKind::monte_carlo,
                                Stratify::none, &spec);
  ASSERT_EQ(plan.design().dimensions(), k);
  engine::SampledScenario s(plan);
  const std::size_t nd = plan.n_drawn();
  for (std::uint64_t base = 0; base < spec.n; ++base) {
    const std::uint64_t first = base * (k + 2);
    const Row a = row_of(s, nd, first);
    const Row b = row_of(s, nd, first + k + 1);
    // A and B are independent points: every continuous draw differs.
    for (std::size_t c = 0; c < config.dispersions.inputs.size(); ++c)
      EXPECT_NE(a.drawn[c], b.drawn[c]) << plan.drawn_names()[c];
    EXPECT_NE(a.navigation_seed, b.navigation_seed);
    for (std::size_t i = 0; i < k; ++i) {
      SCOPED_TRACE(factors[i].name + ", base point " + std::to_string(base));
      const Row ab = row_of(s, nd, first + 1 + i);
      const std::vector<std::size_t> own = columns_of(factors[i], plan);
      for (std::size_t c = 0; c < nd; ++c) {
        const bool owned = std::find(own.begin(), own.end(), c) != own.end();
        if (!owned) {
          EXPECT_TRUE(same(ab.drawn[c], a.drawn[c])) << plan.drawn_names()[c];
        } else if (factors[i].kind != FactorKind::failure_mode &&
                   factors[i].kind != FactorKind::failure_time) {
          // A continuous draw takes B's value (the failure's columns may agree: both rows can
          // draw no failure).
          EXPECT_TRUE(same(ab.drawn[c], b.drawn[c])) << plan.drawn_names()[c];
        }
      }
      EXPECT_EQ(ab.navigation_seed == b.navigation_seed, factors[i].kind == FactorKind::navigation);
      EXPECT_EQ(ab.navigation_seed == a.navigation_seed, factors[i].kind != FactorKind::navigation);
    }
  }
}

TEST(SensitivityFactors, EachMorrisStepMovesOneFactor) {
  const Study config = chollima();
  engine::SensitivityDesignSpec spec;
  spec.method = "morris";
  spec.n = 4;
  spec.levels = 4;
  const std::vector<engine::Factor> factors = engine::sensitivity_factors(config);
  const std::size_t k = factors.size();
  const engine::SamplePlan plan(config, 5, spec.n * (k + 1), uncertainty::SamplerKind::monte_carlo,
                                Stratify::none, &spec);
  engine::SampledScenario s(plan);
  const std::size_t nd = plan.n_drawn();
  std::vector<double> u0(k), u1(k);
  for (std::uint64_t t = 0; t < spec.n; ++t)
    for (std::size_t step = 0; step < k; ++step) {
      const std::uint64_t row = t * (k + 1) + step;
      plan.design().row(row, u0);
      plan.design().row(row + 1, u1);
      std::size_t moved = k;
      for (std::size_t i = 0; i < k; ++i)
        if (u0[i] != u1[i]) moved = i;
      ASSERT_LT(moved, k);
      const Row a = row_of(s, nd, row), b = row_of(s, nd, row + 1);
      const std::vector<std::size_t> own = columns_of(factors[moved], plan);
      for (std::size_t c = 0; c < nd; ++c) {
        if (std::find(own.begin(), own.end(), c) != own.end()) continue;
        EXPECT_TRUE(same(a.drawn[c], b.drawn[c]))
            << "step " << row << " moves " << factors[moved].name << " and "
            << plan.drawn_names()[c];
      }
    }
}

// Mean and standard deviation of one drawn column over the rows.
struct Moments {
  double mean = 0.0, sd = 0.0;
};
Moments moments_of(const std::vector<std::vector<double>>& rows, std::size_t c) {
  double s = 0.0, s2 = 0.0;
  for (const auto& r : rows) s += r[c];
  const double m = s / static_cast<double>(rows.size());
  for (const auto& r : rows) s2 += (r[c] - m) * (r[c] - m);
  return {m, std::sqrt(s2 / static_cast<double>(rows.size() - 1))};
}

TEST(SensitivityFactors, TheDesignsBaseRowsKeepTheStudysDistributions) {
  const Study config = chollima();
  const YAML::Node yaml = YAML::LoadFile(kChollima);
  engine::SensitivityDesignSpec spec;
  spec.n = 2048;
  const std::size_t k = engine::sensitivity_factors(config).size();
  const engine::SamplePlan plan(config, 3, spec.n * (k + 2), uncertainty::SamplerKind::monte_carlo,
                                Stratify::none, &spec);
  engine::SampledScenario s(plan);
  std::vector<std::vector<double>> rows;  // the A and B rows: 2N draws of the study
  for (std::uint64_t base = 0; base < spec.n; ++base)
    for (const std::uint64_t role : {std::uint64_t{0}, std::uint64_t{k + 1}}) {
      rows.emplace_back(plan.n_drawn());
      s.set_sample(base * (k + 2) + role, rows.back());
    }
  const double n = static_cast<double>(rows.size());
  const auto& names = plan.drawn_names();
  auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  };
  // Stage 1 thrust (a member of the group): normal, sd 1 % of the nominal in the YAML.
  const double thrust0 = yaml["vehicle"]["stages"][0]["thrust_vac_N"].as<double>();
  const Moments t = moments_of(rows, column("vehicle.stages[0].thrust_vac_N"));
  EXPECT_NEAR(t.mean, thrust0, 4.0 * 0.01 * thrust0 / std::sqrt(n));
  EXPECT_NEAR(t.sd, 0.01 * thrust0, 0.01 * thrust0 * 0.06);
  // The launch azimuth (an independent input): normal, sd 0.1 deg.
  const Moments az = moments_of(rows, column("launch.azimuth_deg"));
  EXPECT_NEAR(az.mean, yaml["launch"]["azimuth_deg"].as<double>(), 4.0 * 0.1 / std::sqrt(n));
  EXPECT_NEAR(az.sd, 0.1, 0.006);
  // The group keeps the config's correlation 0.5 (thrust and Isp are normal: Pearson = 0.5).
  const std::size_t ct = column("vehicle.stages[0].thrust_vac_N"),
                    ci = column("vehicle.stages[0].isp_vac_s");
  const Moments isp = moments_of(rows, ci);
  double cov = 0.0;
  for (const auto& r : rows) cov += (r[ct] - t.mean) * (r[ci] - isp.mean);
  const double rho = cov / (n - 1) / (t.sd * isp.sd);
  EXPECT_NEAR(rho, 0.5, 4.0 * (1 - 0.25) / std::sqrt(n));  // se of r: (1 - rho^2)/sqrt(n)
  // The density shape: standard normal.
  const Moments xi = moments_of(rows, column("env.density_xi"));
  EXPECT_NEAR(xi.mean, 0.0, 4.0 / std::sqrt(n));
  EXPECT_NEAR(xi.sd, 1.0, 0.06);
  // Each failure mode with its probability from the YAML.
  const std::size_t cm = column("failure.mode");
  for (std::size_t m = 0; m < 2; ++m) {
    const double p = yaml["failures"][m]["probability"].as<double>();
    double hits = 0.0;
    for (const auto& r : rows) hits += r[cm] == static_cast<double>(m) ? 1.0 : 0.0;
    EXPECT_NEAR(hits / n, p, 4.0 * std::sqrt(p * (1 - p) / n)) << "mode " << m;
  }
}

TEST(SensitivityFactors, TheDesignIsPartOfThePlansIdentity) {
  engine::RunPlan plan;
  plan.config_text = "x";
  const std::string plain = plan.identity();
  plan.sensitivity = engine::SensitivityDesignSpec{"sobol", 64, false, 4, 0};
  const std::string sobol = plan.identity();
  plan.sensitivity->second_order = true;
  const std::string second = plan.identity();
  plan.sensitivity = engine::SensitivityDesignSpec{"morris", 64, false, 4, 0};
  EXPECT_NE(plain, sobol);
  EXPECT_NE(sobol, second);
  EXPECT_NE(second, plan.identity());
}

TEST(SensitivityFactors, AStratifiedPlanIsRefused) {
  engine::SensitivityDesignSpec spec;
  spec.n = 2;
  EXPECT_THROW(engine::SamplePlan(chollima(), 1, 2 * 27, uncertainty::SamplerKind::monte_carlo,
                                  Stratify::failures, &spec),
               std::invalid_argument);
}

}  // namespace launchmc_test_sensitivity_design
