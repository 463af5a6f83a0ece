// `launchmc summarize --sensitivity RUN.h5` through the binary, on a small run of a bundled
// config: the documented JSON keys, every input of the file ranked, Spearman, PRCC and SRRC of
// chosen pairs recomputed here from the file's columns (mid-ranks by hand, PRCC as the
// correlation of regression residuals, SRRC and its interval by ordinary least squares), a
// physically known driver ranked first, and files that are not run files refused.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <Eigen/Dense>
#include <GeographicLib/AzimuthalEquidistant.hpp>
#include <GeographicLib/Geodesic.hpp>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "../support/cli_runner.hpp"
#include "../support/scratch_dir.hpp"
#include "io/hdf5_file.hpp"

namespace {

using launchmc::test_support::CommandResult;
using launchmc::test_support::kConfigDir;
using launchmc::test_support::run_launchmc_in;

namespace fs = std::filesystem;
namespace h5 = launchmc::io::h5;

constexpr double kZ = 1.959963984540054;  // Phi^-1(0.975)

// Textbook mid-ranks: 1..n in sorted order, tied values share the mean of their ranks.
std::vector<double> mid_ranks(const std::vector<double>& v) {
  std::vector<std::size_t> o(v.size());
  std::iota(o.begin(), o.end(), std::size_t{0});
  std::sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (std::size_t a = 0; a < o.size();) {
    std::size_t b = a;
    while (b < o.size() && v[o[b]] == v[o[a]]) ++b;
    for (std::size_t c = a; c < b; ++c) r[o[c]] = 0.5 * static_cast<double>(a + 1 + b);
    a = b;
  }
  return r;
}

double pearson(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  const Eigen::VectorXd x = a.array() - a.mean(), y = b.array() - b.mean();
  return x.dot(y) / std::sqrt(x.squaredNorm() * y.squaredNorm());
}

// One run shared by the tests (0.3 s): Hwasong-18, 200 samples, seed 3.
class SummarizeSensitivity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("launchmc_sumsens_" + std::to_string(::getpid())));
    fs::create_directories(*dir_);
    run_ = new fs::path(*dir_ / "hs18.h5");
    const CommandResult r =
        run_launchmc_in("run " + kConfigDir + "/hwasong18_2023.yaml -n 200 --seed 3 -o " +
                            run_->string() + " >/dev/null",
                        *dir_);
    ASSERT_EQ(r.status, 0) << r.err;
    const CommandResult s =
        run_launchmc_in("summarize --sensitivity --json " + run_->string(), *dir_);
    ASSERT_EQ(s.status, 0) << s.err;
    json_ = new nlohmann::ordered_json(nlohmann::ordered_json::parse(s.out));
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(*dir_, ec);
    delete dir_;
    delete run_;
    delete json_;
  }
  static std::vector<double> column(const std::string& path) {
    h5::File f = h5::File::open_read(*run_);
    return f.root().read<double>(path);
  }
  static std::vector<std::string> input_names() {
    h5::File f = h5::File::open_read(*run_);
    return f.root().open_group("inputs").children();
  }
  static fs::path* dir_;
  static fs::path* run_;
  static nlohmann::ordered_json* json_;
};
fs::path* SummarizeSensitivity::dir_ = nullptr;
fs::path* SummarizeSensitivity::run_ = nullptr;
nlohmann::ordered_json* SummarizeSensitivity::json_ = nullptr;

TEST_F(SummarizeSensitivity, JsonKeysAndEveryInput) {
  const nlohmann::ordered_json& j = *json_;
  ASSERT_TRUE(j.contains("outputs"));
  const std::vector<std::string> inputs = input_names();
  ASSERT_EQ(inputs.size(), 14u);  // the config's 11 dispersed parameters and 3 environment draws
  // A missile: its apogee and range, each body's offsets (stages 1 and 2, the vehicle itself),
  // success; no orbit outcomes (no row reaches orbit) and no target orbit (no orbit guidance).
  for (const char* name : {"success", "vehicle_apogee_alt_km", "range_km", "stage1.downrange_km",
                           "stage1.crossrange_km", "stage2.downrange_km", "stage2.crossrange_km",
                           "vehicle.downrange_km", "vehicle.crossrange_km"})
    EXPECT_TRUE(j["outputs"].contains(name)) << name;
  for (const char* name : {"catalog_perigee_alt_km", "inclination_deg", "target_orbit"})
    EXPECT_FALSE(j["outputs"].contains(name)) << name;
  // Every row of this run is a suborbital success: the indicator has no variance.
  EXPECT_EQ(j["outputs"]["success"]["status"], "no_variance");
  for (const char* name : {"range_km", "stage1.crossrange_km", "vehicle_apogee_alt_km"}) {
    const nlohmann::ordered_json& o = j["outputs"][name];
    EXPECT_EQ(o["rows"], 200);
    EXPECT_EQ(o["rows_undefined"], 0);
    ASSERT_EQ(o["inputs"].size(), inputs.size()) << name;
    for (const std::string& in : inputs) {
      ASSERT_TRUE(o["inputs"].contains(in)) << name << " " << in;
      const nlohmann::ordered_json& v = o["inputs"][in];
      for (const char* key : {"spearman", "prcc", "srrc"}) {
        ASSERT_TRUE(v[key].is_number()) << name << " " << in << " " << key;
        const nlohmann::ordered_json& ci = v[std::string(key) + "_ci95"];
        ASSERT_EQ(ci.size(), 2u);
        EXPECT_LE(ci[0].get<double>(), v[key].get<double>());
        EXPECT_GE(ci[1].get<double>(), v[key].get<double>());
      }
    }
  }
}

// Spearman of (thrust scale of stage 1, range) and (stage 2 propellant, vehicle apogee), PRCC and
// SRRC of the first pair, all from the file's columns with the textbook formulas.
TEST_F(SummarizeSensitivity, ValuesAgreeWithAnIndependentComputation) {
  const std::vector<std::string> names = input_names();
  const std::size_t n = 200, k = names.size();
  Eigen::MatrixXd xr(n, k);
  for (std::size_t j = 0; j < k; ++j) {
    const std::vector<double> r = mid_ranks(column("inputs/" + names[j]));
    ASSERT_EQ(r.size(), n);
    for (std::size_t i = 0; i < n; ++i) xr(i, j) = r[i];
  }
  auto ranks_of = [&](const std::string& path) {
    const std::vector<double> r = mid_ranks(column(path));
    return Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(r.data(), n));
  };
  const Eigen::VectorXd range = ranks_of("outcome/range_m");  // km or m: the same ranks
  const Eigen::VectorXd apogee = ranks_of("outcome/vehicle_apogee_alt_m");
  const auto at = [&](const std::string& in) {
    return static_cast<Eigen::Index>(std::find(names.begin(), names.end(), in) - names.begin());
  };
  const std::string thrust = "vehicle.stages[0].thrust_scale",
                    prop = "vehicle.stages[1].propellant_mass_kg";
  const nlohmann::ordered_json& o = (*json_)["outputs"];

  const double rs = pearson(xr.col(at(thrust)), range);
  EXPECT_NEAR(o["range_km"]["inputs"][thrust]["spearman"].get<double>(), rs, 1e-12);
  // Fisher's z with var = 1.06 / (n - 3) (Fieller, Hartley & Pearson 1957).
  const double se_s = std::sqrt(1.06 / (n - 3.0));
  EXPECT_NEAR(o["range_km"]["inputs"][thrust]["spearman_ci95"][0].get<double>(),
              std::tanh(std::atanh(rs) - kZ * se_s), 1e-12);
  EXPECT_NEAR(o["range_km"]["inputs"][thrust]["spearman_ci95"][1].get<double>(),
              std::tanh(std::atanh(rs) + kZ * se_s), 1e-12);
  EXPECT_NEAR(o["vehicle_apogee_alt_km"]["inputs"][prop]["spearman"].get<double>(),
              pearson(xr.col(at(prop)), apogee), 1e-12);

  // PRCC: the correlation of the residuals of x_j and y after regressing both (with intercept)
  // on the other k - 1 input ranks.
  Eigen::MatrixXd others(n, k);
  others.col(0).setOnes();
  for (Eigen::Index j = 0, c = 1; j < static_cast<Eigen::Index>(k); ++j)
    if (j != at(thrust)) others.col(c++) = xr.col(j);
  const auto resid = [&](const Eigen::VectorXd& v) -> Eigen::VectorXd {
    return v - others * others.colPivHouseholderQr().solve(v);
  };
  const double prcc = pearson(resid(xr.col(at(thrust))), resid(range));
  EXPECT_NEAR(o["range_km"]["inputs"][thrust]["prcc"].get<double>(), prcc, 1e-9);
  const double se_p = 1.0 / std::sqrt(n - 3.0 - (k - 1.0));
  EXPECT_NEAR(o["range_km"]["inputs"][thrust]["prcc_ci95"][1].get<double>(),
              std::tanh(std::atanh(prcc) + kZ * se_p), 1e-9);

  // SRRC: ordinary least squares of the standardised output ranks on the standardised input
  // ranks with an intercept; its standard error sqrt(s^2 (X'X)^-1_jj), s^2 = RSS / (n - k - 1).
  const auto standardise = [&](const Eigen::VectorXd& v) -> Eigen::VectorXd {
    const Eigen::VectorXd c = v.array() - v.mean();
    return c / std::sqrt(c.squaredNorm() / n);
  };
  Eigen::MatrixXd design(n, k + 1);
  design.col(0).setOnes();
  for (std::size_t j = 0; j < k; ++j) design.col(j + 1) = standardise(xr.col(j));
  const Eigen::VectorXd ys = standardise(range);
  const Eigen::VectorXd beta = design.colPivHouseholderQr().solve(ys);
  const double s2 = (ys - design * beta).squaredNorm() / (n - k - 1.0);
  const Eigen::MatrixXd xtx_inv = (design.transpose() * design).inverse();
  const Eigen::Index c = at(thrust) + 1;
  const double se = std::sqrt(s2 * xtx_inv(c, c));
  const nlohmann::ordered_json& v = o["range_km"]["inputs"][thrust];
  EXPECT_NEAR(v["srrc"].get<double>(), beta(c), 1e-9);
  EXPECT_NEAR(v["srrc_ci95"][0].get<double>(), beta(c) - kZ * se, 1e-9);
  EXPECT_NEAR(v["srrc_ci95"][1].get<double>(), beta(c) + kZ * se, 1e-9);
}

// Stage 1's offsets rebuilt here with GeographicLib from the file's impact points and the plain
// summary's mean impact: downrange along the geodesic azimuth site -> mean (at the mean),
// crossrange to its right. Their sample sd must be the summary's downrange_sd_km and
// crossrange_sd_km (which it gets from the covariance by stats::range_spread), and their Spearman
// correlations with the wind draws the ones summarize --sensitivity reports.
TEST_F(SummarizeSensitivity, OffsetsAreTheSummarysDownrangeAndCrossrange) {
  const CommandResult r = run_launchmc_in("summarize --json " + run_->string(), *dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::ordered_json sum = nlohmann::ordered_json::parse(r.out);
  nlohmann::ordered_json body;
  for (const auto& b : sum["bodies"])
    if (b["name"] == "stage1") body = b;
  ASSERT_FALSE(body.is_null());
  const double lat0 = body["impact_mean_lat_deg"], lon0 = body["impact_mean_lon_deg"];
  h5::File f = h5::File::open_read(*run_);
  const double site_lat = f.root().attribute<double>("site_lat_deg"),
               site_lon = f.root().attribute<double>("site_lon_deg");
  const GeographicLib::Geodesic& g = GeographicLib::Geodesic::WGS84();
  double azi1 = 0, azi2 = 0;
  g.Inverse(site_lat, site_lon, lat0, lon0, azi1, azi2);
  const double az = azi2 * M_PI / 180.0;
  const GeographicLib::AzimuthalEquidistant proj(g);
  const std::vector<double> lat = column("bodies/stage1/impact_lat_deg"),
                            lon = column("bodies/stage1/impact_lon_deg");
  const std::size_t n = lat.size();
  ASSERT_EQ(n, 200u);
  Eigen::VectorXd down(n), cross(n);
  for (std::size_t i = 0; i < n; ++i) {
    double e = 0, nn = 0, a = 0, rk = 0;
    proj.Forward(lat0, lon0, lat[i], lon[i], e, nn, a, rk);
    down(i) = (e * std::sin(az) + nn * std::cos(az)) / 1e3;
    cross(i) = (e * std::cos(az) - nn * std::sin(az)) / 1e3;
  }
  const auto sd = [&](const Eigen::VectorXd& v) {
    return std::sqrt((v.array() - v.mean()).square().sum() / (n - 1.0));
  };
  // The plane's mean is the summary's mean point: the offsets average 0 (to rounding of the
  // back-projection), and the spreads agree to the plane's distortion (~(d/R)^2, d ~ 10 km).
  EXPECT_NEAR(down.mean(), 0.0, 1e-6);
  EXPECT_NEAR(sd(down), body["downrange_sd_km"].get<double>(),
              1e-4 * body["downrange_sd_km"].get<double>());
  EXPECT_NEAR(sd(cross), body["crossrange_sd_km"].get<double>(),
              1e-4 * body["crossrange_sd_km"].get<double>());
  const auto spearman = [&](const std::string& input, const Eigen::VectorXd& y) {
    const std::vector<double> a = mid_ranks(column("inputs/" + input));
    const std::vector<double> b = mid_ranks(std::vector<double>(y.data(), y.data() + n));
    return pearson(Eigen::Map<const Eigen::VectorXd>(a.data(), n),
                   Eigen::Map<const Eigen::VectorXd>(b.data(), n));
  };
  const nlohmann::ordered_json& o = (*json_)["outputs"];
  for (const char* in : {"env.wind_east_xi", "env.wind_north_xi", "launch.azimuth_deg"}) {
    EXPECT_NEAR(o["stage1.downrange_km"]["inputs"][in]["spearman"].get<double>(),
                spearman(in, down), 1e-12)
        << in;
    EXPECT_NEAR(o["stage1.crossrange_km"]["inputs"][in]["spearman"].get<double>(),
                spearman(in, cross), 1e-12)
        << in;
  }
}

// Stage 1 is an unguided spent body that falls back through the lower atmosphere, where the
// config's wind dispersion is largest (sd 10-15 m/s from 5 to 11 km): it drifts with the wind.
// The launch azimuth is 70 deg (ENE), so "right of downrange" points 160 deg, mostly south: a
// northward wind perturbation (env.wind_north_xi > 0) pushes the impact left, a negative
// crossrange offset. The thrust, Isp and mass dispersions act in the trajectory's plane and the
// azimuth's (sd 0.1 deg, ~0.4 km at this range) much less. So the north wind must rank first for
// stage 1's crossrange offset, with negative Spearman and PRCC whose intervals exclude 0.
TEST_F(SummarizeSensitivity, CrossWindDrivesStageOneCrossrange) {
  const nlohmann::ordered_json& in = (*json_)["outputs"]["stage1.crossrange_km"]["inputs"];
  ASSERT_FALSE(in.empty());
  EXPECT_EQ(in.begin().key(), "env.wind_north_xi");  // ranked by |PRCC|: first is largest
  const nlohmann::ordered_json& v = in["env.wind_north_xi"];
  EXPECT_LT(v["prcc_ci95"][1].get<double>(), 0.0);
  EXPECT_LT(v["spearman_ci95"][1].get<double>(), 0.0);
  // The ranking is by |PRCC|, largest first.
  double last = 2.0;
  for (const auto& [name, e] : in.items()) {
    EXPECT_LE(std::abs(e["prcc"].get<double>()), last) << name;
    last = std::abs(e["prcc"].get<double>());
  }
}

TEST_F(SummarizeSensitivity, OutputsOptionAndTextTable) {
  const CommandResult r =
      run_launchmc_in("summarize --sensitivity --json --outputs range_km " + run_->string(), *dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::ordered_json j = nlohmann::ordered_json::parse(r.out);
  ASSERT_EQ(j["outputs"].size(), 1u);
  EXPECT_EQ(j["outputs"]["range_km"], (*json_)["outputs"]["range_km"]);
  const CommandResult bad =
      run_launchmc_in("summarize --sensitivity --outputs perigee " + run_->string(), *dir_);
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("no outcome 'perigee'"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("range_km"), std::string::npos) << bad.err;  // lists what there is
  const CommandResult text = run_launchmc_in("summarize --sensitivity " + run_->string(), *dir_);
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("stage1.crossrange_km [km]: 200 rows used, 0 undefined"),
            std::string::npos)
      << text.out;
  // Plain summarize is unchanged: no sensitivity table.
  const CommandResult plain = run_launchmc_in("summarize " + run_->string(), *dir_);
  ASSERT_EQ(plain.status, 0);
  EXPECT_EQ(plain.out.find("PRCC"), std::string::npos);
}

// Weighted mid-ranks as docs/sensitivity.md defines them: (weight below + half the weight tied)
// / total weight.
std::vector<double> weighted_mid_ranks(const std::vector<double>& v, const std::vector<double>& w) {
  double total = 0.0;
  for (const double x : w) total += x;
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    double below = 0.0, tied = 0.0;
    for (std::size_t j = 0; j < v.size(); ++j) {
      if (v[j] < v[i]) below += w[j];
      if (v[j] == v[i]) tied += w[j];
    }
    r[i] = (below + 0.5 * tied) / total;
  }
  return r;
}

double weighted_pearson(const std::vector<double>& a, const std::vector<double>& b,
                        const std::vector<double>& w) {
  double sw = 0, ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sw += w[i], ma += w[i] * a[i], mb += w[i] * b[i];
  ma /= sw;
  mb /= sw;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += w[i] * (a[i] - ma) * (b[i] - mb);
    saa += w[i] * (a[i] - ma) * (a[i] - ma);
    sbb += w[i] * (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

// A run stratified by failures (Chollima-1, 300 rows, ~1 s): rows weighted pi_k N / n_k, the
// failure draw recoded as one indicator per mode, rows without an orbit or an impact counted.
TEST(SummarizeSensitivityWeighted, StratifiedRun) {
  const fs::path dir =
      fs::temp_directory_path() / ("launchmc_sumsens_w_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path run = dir / "c1.h5";
  ASSERT_EQ(run_launchmc_in("run " + kConfigDir +
                                "/chollima1_2023.yaml -n 300 --seed 3 --stratify failures "
                                "-o " +
                                run.string() + " >/dev/null",
                            dir)
                .status,
            0);
  const CommandResult r = run_launchmc_in("summarize --sensitivity --json " + run.string(), dir);
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::ordered_json j = nlohmann::ordered_json::parse(r.out);
  h5::File f = h5::File::open_read(run);
  const h5::Group root = f.root();
  const std::vector<double> w = root.read<double>("outcome/weight");
  const std::vector<std::string> modes = root.read<std::string>("failure_modes/name");
  const std::vector<std::int8_t> status = root.read<std::int8_t>("outcome/status");
  ASSERT_EQ(w.size(), 300u);
  EXPECT_TRUE(j["weighted"].get<bool>());
  // Inputs: every /inputs column but the failure draw, plus one indicator per mode.
  std::vector<std::string> expected;
  for (const std::string& name : root.open_group("inputs").children())
    if (name.rfind("failure.", 0) != 0) expected.push_back(name);
  for (const std::string& m : modes) expected.push_back("failure.mode=" + m);
  std::vector<std::string> got = j["inputs"].get<std::vector<std::string>>();
  std::sort(expected.begin(), expected.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, expected);
  EXPECT_NE(j["notes"][0].get<std::string>().find("failure.time_s"), std::string::npos);
  // Kish's effective n of all rows, by hand from /outcome/weight.
  double sw = 0, sw2 = 0;
  for (const double v : w) sw += v, sw2 += v * v;
  EXPECT_NEAR(j["outputs"]["success"]["effective_n"].get<double>(), sw * sw / sw2, 1e-9);
  // The orbit outcomes are defined on the orbit rows (status 0) only.
  const auto orbits = static_cast<std::size_t>(std::count(status.begin(), status.end(), 0));
  EXPECT_EQ(j["outputs"]["catalog_perigee_alt_km"]["rows"].get<std::size_t>(), orbits);
  EXPECT_EQ(j["outputs"]["catalog_perigee_alt_km"]["rows_undefined"].get<std::size_t>(),
            300 - orbits);
  // Weighted Spearman of (stage 1 Isp, the failed vehicle's range) on the rows with a range:
  // those rows come from different strata, so their weights differ.
  const std::vector<double> range = root.read<double>("outcome/range_m");
  const std::vector<double> isp = root.read<double>("inputs/vehicle.stages[0].isp_vac_s");
  std::vector<double> a, b, ww;
  for (std::size_t i = 0; i < range.size(); ++i)
    if (std::isfinite(range[i])) a.push_back(isp[i]), b.push_back(range[i]), ww.push_back(w[i]);
  ASSERT_GT(a.size(), 20u);
  ASSERT_NE(*std::min_element(ww.begin(), ww.end()), *std::max_element(ww.begin(), ww.end()));
  const double rho = weighted_pearson(weighted_mid_ranks(a, ww), weighted_mid_ranks(b, ww), ww);
  EXPECT_NEAR(
      j["outputs"]["range_km"]["inputs"]["vehicle.stages[0].isp_vac_s"]["spearman"].get<double>(),
      rho, 1e-12);
  // On the orbit rows (no failure) the failure indicators are constant: no measure, and the
  // regression of the others is still estimated.
  const auto& perigee = j["outputs"]["catalog_perigee_alt_km"]["inputs"];
  for (const std::string& m : modes) EXPECT_TRUE(perigee["failure.mode=" + m]["prcc"].is_null());
  EXPECT_TRUE(perigee.begin().value()["prcc"].is_number());
  std::error_code ec;
  fs::remove_all(dir, ec);
}

TEST_F(SummarizeSensitivity, RefusesFilesThatAreNotRuns) {
  const fs::path text = *dir_ / "not.h5";
  std::ofstream(text) << "hello\n";
  const CommandResult a = run_launchmc_in("summarize --sensitivity " + text.string(), *dir_);
  EXPECT_EQ(a.status, 1);
  EXPECT_NE(a.err.find("cannot open the run file"), std::string::npos) << a.err;
  const fs::path flight = *dir_ / "flight.h5";
  ASSERT_EQ(
      run_launchmc_in(
          "fly " + kConfigDir + "/hwasong18_2023.yaml -o " + flight.string() + " >/dev/null", *dir_)
          .status,
      0);
  const CommandResult b = run_launchmc_in("summarize --sensitivity " + flight.string(), *dir_);
  EXPECT_EQ(b.status, 1);
  EXPECT_NE(b.err.find("not a launchmc run file"), std::string::npos) << b.err;
  EXPECT_TRUE(b.out.empty());
}

}  // namespace
