// `launchmc sensitivity sample|analyze` through the binary: the sample -> analyze round trip
// (the outputs computed here in C++ from the design file), the JSON keys and values, the HDF5
// results, and bad PROBLEM.yaml and CSV inputs refused with clear messages and nothing written.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>
#include <sstream>

#include "../support/cli_runner.hpp"
#include "../support/scratch_dir.hpp"
#include "config/load_problem.hpp"
#include "io/hdf5_file.hpp"
#include "io/sensitivity_file.hpp"

namespace {

using launchmc::test_support::CommandResult;
using launchmc::test_support::run_launchmc_in;

namespace fs = std::filesystem;
using launchmc::io::ScratchDirTest;
namespace h5 = launchmc::io::h5;

// Round-trip formatting of a double (CSV cells).
std::string fmt_double(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

double ishigami(double x1, double x2, double x3) {
  return std::sin(x1) + 7.0 * std::sin(x2) * std::sin(x2) + 0.1 * std::pow(x3, 4) * std::sin(x1);
}

class SensitivityCli : public ScratchDirTest {};

TEST_F(SensitivityCli, SobolSampleAnalyzeRoundTrip) {
  const fs::path problem = dir_ / "problem.yaml", design = dir_ / "design.h5", y = dir_ / "Y.csv",
                 results = dir_ / "sens.h5";
  write(problem,
        "inputs:\n"
        "  - {name: x1, uniform: {lo: -3.141592653589793, hi: 3.141592653589793}}\n"
        "  - {name: x2, uniform: {lo: -3.141592653589793, hi: 3.141592653589793}}\n"
        "  - {name: x3, uniform: {lo: -3.141592653589793, hi: 3.141592653589793}}\n");
  const CommandResult s =
      run_launchmc_in("sensitivity sample " + problem.string() +
                          " --method sobol -n 4096 --seed 3 -o " + design.string(),
                      dir_);
  ASSERT_EQ(s.status, 0) << s.err;
  // The design as a user reads it: /design/inputs/<name>, attributes.
  std::vector<double> x1, x2, x3;
  {
    h5::File f = h5::File::open_read(design);
    const h5::Group g = f.root().open_group("design");
    EXPECT_EQ(g.attribute<std::string>("method"), "sobol");
    EXPECT_EQ(g.attribute<std::uint64_t>("N"), 4096u);
    EXPECT_EQ(g.attribute<std::uint64_t>("k"), 3u);
    EXPECT_EQ(g.attribute<std::uint64_t>("seed"), 3u);
    EXPECT_EQ(g.attribute<std::uint64_t>("rows"), 4096u * 5);
    x1 = g.read<double>("inputs/x1");
    x2 = g.read<double>("inputs/x2");
    x3 = g.read<double>("inputs/x3");
    const auto role = g.read<std::int32_t>("role");
    const auto stream = g.read<std::uint64_t>("stream");
    ASSERT_EQ(role.size(), 4096u * 5);
    EXPECT_EQ(role[6], 1);  // base 1, AB_1
    EXPECT_EQ(stream[6], 1u);
    // AB_1 of base 0 (row 1): x1 from B (row 4), x2, x3 from A (row 0).
    EXPECT_EQ(x1[1], x1[4]);
    EXPECT_EQ(x2[1], x2[0]);
    EXPECT_EQ(x3[1], x3[0]);
  }
  ASSERT_EQ(x1.size(), 4096u * 5);
  {
    std::ofstream out(y);
    out << "f, constant,linear\n";
    for (std::size_t i = 0; i < x1.size(); ++i)
      out << fmt_double(ishigami(x1[i], x2[i], x3[i])) << ",1.5," << fmt_double(x1[i] + 2 * x2[i])
          << "\n";
  }
  const CommandResult a = run_launchmc_in("sensitivity analyze " + design.string() + " --outputs " +
                                              y.string() + " --json -o " + results.string(),
                                          dir_);
  ASSERT_EQ(a.status, 0) << a.err;
  const nlohmann::json j = nlohmann::json::parse(a.out);
  // Ishigami, analytic (Saltelli et al. 2008): S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424,
  // 0.2437); within the 95 % interval widened by 25 % of its width on each side.
  const double s1[3] = {0.3139, 0.4424, 0.0}, st[3] = {0.5576, 0.4424, 0.2437};
  const char* names[3] = {"x1", "x2", "x3"};
  for (int i = 0; i < 3; ++i) {
    const auto& e = j["outputs"]["f"]["inputs"][names[i]];
    for (const auto& [key, truth] : {std::pair{"S1", s1[i]}, std::pair{"ST", st[i]}}) {
      const double lo = e[std::string(key) + "_ci95"][0], hi = e[std::string(key) + "_ci95"][1];
      const double v = e[key];
      EXPECT_LE(lo, v);
      EXPECT_GE(hi, v);
      EXPECT_GE(truth, lo - 0.25 * (hi - lo)) << names[i] << " " << key;
      EXPECT_LE(truth, hi + 0.25 * (hi - lo)) << names[i] << " " << key;
    }
  }
  // docs/json.md names every key the command prints.
  {
    std::ifstream in(std::string(LAUNCHMC_SOURCE_DIR) + "/docs/json.md");
    const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto documented = [&](const std::string& key) {
      return doc.find("\"" + key + "\"") != std::string::npos ||
             doc.find("`" + key + "`") != std::string::npos;
    };
    for (const nlohmann::json* object :
         {&j, &j["design"], &j["outputs"]["f"], &j["outputs"]["f"]["inputs"]["x1"],
          &j["outputs"]["f"]["ranks"]})
      for (const auto& item : object->items()) EXPECT_TRUE(documented(item.key())) << item.key();
  }
  // A constant output: "no_variance", indices null.
  EXPECT_EQ(j["outputs"]["constant"]["status"], "no_variance");
  EXPECT_TRUE(j["outputs"]["constant"]["inputs"]["x1"]["S1"].is_null());
  // x1 + 2 x2 with equal variances: shares 1/5 and 4/5, x3 none.
  const auto& lin = j["outputs"]["linear"]["inputs"];
  EXPECT_NEAR(lin["x1"]["ST"].get<double>(), 0.2, 0.02);
  EXPECT_NEAR(lin["x2"]["S1"].get<double>(), 0.8, 0.03);
  EXPECT_EQ(lin["x3"]["ST"].get<double>(), 0.0);
  // Rank measures on the A and B rows: SRRC ~ a_i sd_i / sd_y = (1, 2, 0) / sqrt(5), PRCC in the
  // same order, the inert x3's PRCC interval holding 0.
  EXPECT_NEAR(lin["x1"]["srrc"].get<double>(), 1 / std::sqrt(5.0), 0.03);
  EXPECT_NEAR(lin["x2"]["srrc"].get<double>(), 2 / std::sqrt(5.0), 0.03);
  EXPECT_GT(lin["x2"]["prcc"].get<double>(), lin["x1"]["prcc"].get<double>());
  EXPECT_GT(lin["x1"]["prcc"].get<double>(), 0.5);
  EXPECT_LT(lin["x3"]["prcc_ci95"][0].get<double>(), 0.0);
  EXPECT_GT(lin["x3"]["prcc_ci95"][1].get<double>(), 0.0);
  EXPECT_EQ(j["outputs"]["linear"]["ranks"]["rows_used"], 2 * 4096);
  // The same numbers in the HDF5 results, in input order.
  h5::File f = h5::File::open_read(results);
  const h5::Group g = f.root().open_group("sensitivity/outputs/f");
  const auto st_file = g.read<double>("ST");
  const auto s1_lo = g.read<double>("S1_ci95_lo");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(st_file[i], j["outputs"]["f"]["inputs"][names[i]]["ST"].get<double>());
    EXPECT_EQ(s1_lo[i], j["outputs"]["f"]["inputs"][names[i]]["S1_ci95"][0].get<double>());
  }
  EXPECT_EQ(g.attribute<std::string>("status"), "ok");
  // The text table ranks by ST: x1 (0.56) before x2 (0.44) before x3 (0.24).
  const CommandResult t =
      run_launchmc_in("sensitivity analyze " + design.string() + " --outputs " + y.string(), dir_);
  ASSERT_EQ(t.status, 0) << t.err;
  const auto p1 = t.out.find("  x1 "), p2 = t.out.find("  x2 "), p3 = t.out.find("  x3 ");
  ASSERT_NE(p1, std::string::npos) << t.out;
  EXPECT_LT(p1, p2);
  EXPECT_LT(p2, p3);
  EXPECT_NE(t.out.find("no_variance"), std::string::npos);
}

TEST_F(SensitivityCli, PlotScriptDrawsTheFilesIndicesRankedByTotal) {
  // scripts/plot_sensitivity.py on an analyze -o file: its --report (the bars drawn, in order)
  // against the file's datasets, and the PNG written.
  const fs::path problem = dir_ / "problem.yaml", design = dir_ / "design.h5", y = dir_ / "Y.csv",
                 results = dir_ / "sens.h5", png = dir_ / "bars.png";
  write(problem,
        "inputs:\n  - {name: small, uniform: {lo: 0, hi: 1}}\n"
        "  - {name: big, uniform: {lo: 0, hi: 1}}\n  - {name: none, uniform: {lo: 0, hi: 1}}\n");
  ASSERT_EQ(run_launchmc_in(
                "sensitivity sample " + problem.string() + " -n 256 -o " + design.string(), dir_)
                .status,
            0);
  std::vector<double> small, big;
  {
    h5::File f = h5::File::open_read(design);
    small = f.root().read<double>("design/inputs/small");
    big = f.root().read<double>("design/inputs/big");
  }
  {
    std::ofstream out(y);
    out << "y,flat\n";
    for (std::size_t i = 0; i < small.size(); ++i)
      out << fmt_double(small[i] + 3 * big[i]) << ",0\n";
  }
  ASSERT_EQ(run_launchmc_in("sensitivity analyze " + design.string() + " --outputs " + y.string() +
                                " -o " + results.string(),
                            dir_)
                .status,
            0);
  const std::string script = std::string(LAUNCHMC_SOURCE_DIR) + "/scripts/plot_sensitivity.py";
  const std::string cmd = "/usr/bin/python3 " + script + " " + results.string() + " -o " +
                          png.string() + " --report 2>" + (dir_ / "py.txt").string();
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string text;
  std::array<char, 4096> buf{};
  std::size_t got = 0;
  while ((got = fread(buf.data(), 1, buf.size(), pipe)) > 0) text.append(buf.data(), got);
  ASSERT_EQ(pclose(pipe), 0) << text;
  const nlohmann::json r = nlohmann::json::parse(text);
  h5::File f = h5::File::open_read(results);
  const h5::Group g = f.root().open_group("sensitivity/outputs/y");
  const auto st = g.read<double>("ST"), s1 = g.read<double>("S1"),
             hi = g.read<double>("ST_ci95_hi");
  // Inputs in the file's order small, big, none; drawn ranked by ST: big, small, none.
  const auto& bars = r["outputs"]["y"]["bars"];
  ASSERT_EQ(bars.size(), 3u);
  const std::size_t order[3] = {1, 0, 2};
  const char* names[3] = {"small", "big", "none"};
  for (std::size_t b = 0; b < 3; ++b) {
    EXPECT_EQ(bars[b]["input"], names[order[b]]);
    EXPECT_EQ(bars[b]["ST"].get<double>(), st[order[b]]);
    EXPECT_EQ(bars[b]["S1"].get<double>(), s1[order[b]]);
    EXPECT_EQ(bars[b]["ST_ci95"][1].get<double>(), hi[order[b]]);
  }
  EXPECT_EQ(r["outputs"]["flat"]["status"], "no_variance");
  EXPECT_TRUE(r["outputs"]["flat"]["bars"].empty());
  EXPECT_GT(fs::file_size(png), 10000u);
}

TEST_F(SensitivityCli, MorrisRoundTrip) {
  const fs::path problem = dir_ / "problem.yaml", design = dir_ / "design.h5", y = dir_ / "Y.csv";
  write(problem,
        "inputs:\n"
        "  - {name: a, uniform: {lo: 1, hi: 3}}\n"
        "  - {name: inert, normal: {mean: 0, sd: 1}}\n"
        "  - {name: c, triangular: {lo: 0, mode: 1, hi: 2}}\n");
  const CommandResult s =
      run_launchmc_in("sensitivity sample " + problem.string() +
                          " --method morris -n 10 --levels 4 -o " + design.string(),
                      dir_);
  ASSERT_EQ(s.status, 0) << s.err;
  h5::File f = h5::File::open_read(design);
  const h5::Group g = f.root().open_group("design");
  EXPECT_EQ(g.attribute<std::string>("method"), "morris");
  EXPECT_EQ(g.attribute<std::uint64_t>("levels"), 4u);
  EXPECT_GT(g.attribute<double>("spread"), 0.0);
  const auto a = g.read<double>("inputs/a"), c = g.read<double>("inputs/c");
  ASSERT_EQ(a.size(), 40u);
  {
    std::ofstream out(y);
    out << "y\n";
    for (std::size_t i = 0; i < a.size(); ++i) out << fmt_double(4 * a[i] + c[i] * c[i]) << "\n";
  }
  const CommandResult r = run_launchmc_in(
      "sensitivity analyze " + design.string() + " --outputs " + y.string() + " --json", dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  const auto& in = j["outputs"]["y"]["inputs"];
  // y = 4 a with a ~ U(1, 3): every effect is 4 (hi - lo) = 8 per unit of u.
  EXPECT_NEAR(in["a"]["mu_star"].get<double>(), 8.0, 1e-9);
  EXPECT_NEAR(in["a"]["sigma"].get<double>(), 0.0, 1e-9);
  EXPECT_EQ(in["inert"]["mu_star"].get<double>(), 0.0);
  EXPECT_GT(in["c"]["mu_star"].get<double>(), 0.5);
  EXPECT_TRUE(in["a"]["mu_star_ci95"].is_array());
}

TEST_F(SensitivityCli, BadProblemsAndTablesAreRefusedClearly) {
  const fs::path problem = dir_ / "p.yaml", design = dir_ / "d.h5";
  auto sample = [&](const std::string& text) {
    write(problem, text);
    return run_launchmc_in("sensitivity sample " + problem.string() + " -n 8 -o " + design.string(),
                           dir_);
  };
  struct Case {
    std::string text, expected;
  };
  const Case cases[] = {
      {"inputs:\n  - {name: x, uniform: {lo: 0, hi: 1}, normal: {mean: 0, sd: 1}}\n",
       "exactly one distribution"},
      {"inputs:\n  - {name: x, unifrom: {lo: 0, hi: 1}}\n", "unifrom"},
      {"inputs:\n  - {name: x}\n", "missing distribution"},
      {"inputs:\n  - {name: x, uniform: {lo: 1, hi: 0}}\n", "lo must be below hi"},
      {"inputs:\n  - {name: x, normal: {mean: 0, sd: -1}}\n", "sd"},
      {"inputs:\n  - {name: x, uniform: {lo: 0, hi: 1}}\n  - {name: x, uniform: {lo: 0, hi: 1}}\n",
       "named twice"},
      {"inputs:\n  - {name: a/b, uniform: {lo: 0, hi: 1}}\n", "'/'"},
      {"inputs:\n  - {name: x, uniform: {lo: 0, hi: 1}}\ncorrelations: []\n",
       "correlated inputs are not supported"},
      {"inputs: []\n", "at least one input"},
  };
  // Each refused by the loader, with file:line:col and the reason (in-process: fast).
  for (const Case& c : cases) {
    try {
      launchmc::config::load_problem(c.text, "p.yaml");
      ADD_FAILURE() << "accepted: " << c.text;
    } catch (const launchmc::config::ConfigError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(c.expected), std::string::npos) << c.text << " -> " << what;
      EXPECT_EQ(what.rfind("p.yaml:", 0), 0u) << what;
    }
  }
  // Through the binary: exit status 2, the message on stderr, no design written.
  const CommandResult bad = sample(cases[0].text);
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find(problem.string() + ":2:"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("exactly one distribution"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(design));
  // Usage errors.
  write(problem, "inputs:\n  - {name: x, uniform: {lo: 0, hi: 1}}\n");
  EXPECT_EQ(run_launchmc_in(
                "sensitivity sample " + problem.string() + " -n 0 -o " + design.string(), dir_)
                .status,
            2);
  EXPECT_EQ(run_launchmc_in("sensitivity sample " + problem.string() + " --method sobl -n 8 -o " +
                                design.string(),
                            dir_)
                .status,
            2);
  EXPECT_EQ(run_launchmc_in("sensitivity sample " + problem.string() +
                                " --method morris --levels 5 -n 8 "
                                "-o " +
                                design.string(),
                            dir_)
                .status,
            2);

  // A good design (k = 1, N = 8: 24 rows), then bad tables.
  ASSERT_EQ(sample("inputs:\n  - {name: x, uniform: {lo: 0, hi: 1}}\n").status, 0);
  const fs::path y = dir_ / "Y.csv", out = dir_ / "out.h5";
  auto analyze = [&](const std::string& table) {
    write(y, table);
    return run_launchmc_in("sensitivity analyze " + design.string() + " --outputs " + y.string() +
                               " -o " + out.string(),
                           dir_);
  };
  std::string rows;
  for (int i = 0; i < 24; ++i) rows += std::to_string(i) + "\n";
  const Case tables[] = {
      {"y\n" + rows.substr(0, rows.size() - 3), "23 data rows, but the design"},  // drops "23\n"
      {"y\n1\n2\nabc\n" + rows.substr(6), ":4:1: 'abc' (output 'y') is not a number"},
      {"y\n1,2\n", ":2: 2 fields, expected 1"},
      {"y,y\n", ":1:2: header: output 'y' is named twice"},
      {"y\n1\n\n2\n", ":3: blank line inside the table"},
      {"", "empty file"},
  };
  for (const Case& c : tables) {
    if (c.expected.find("data rows") != std::string::npos) continue;  // through the binary below
    write(y, c.text);
    try {
      launchmc::io::read_output_csv(y);
      ADD_FAILURE() << "accepted: " << c.text;
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(c.expected), std::string::npos) << c.expected << " -> " << what;
      EXPECT_EQ(what.rfind(y.string(), 0), 0u) << what;
    }
  }
  for (const Case& c : {tables[0], tables[1]}) {
    const CommandResult r = analyze(c.text);
    EXPECT_EQ(r.status, 2) << c.text;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << c.expected << " -> " << r.err;
    EXPECT_FALSE(fs::exists(out));
  }
  // What spreadsheets write: a byte-order mark, CRLF line ends, quoted names, spaces.
  write(y, "\xEF\xBB\xBF\"first\" , second\r\n1, 2\r\n 3 ,nan\r\n\r\n");
  const launchmc::io::OutputTable t = launchmc::io::read_output_csv(y);
  ASSERT_EQ(t.names, (std::vector<std::string>{"first", "second"}));
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.columns[0][1], 3.0);
  EXPECT_TRUE(std::isnan(t.columns[1][1]));
  // Missing values: a NaN drops its base block, and the counts say so.
  std::string with_nan = "y\n";
  for (int i = 0; i < 24; ++i)
    with_nan += (i == 4 ? std::string("nan") : std::to_string(i * i % 7)) + "\n";
  write(y, with_nan);
  const CommandResult r = run_launchmc_in(
      "sensitivity analyze " + design.string() + " --outputs " + y.string() + " --json", dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["outputs"]["y"]["base_points_used"], 7);
  EXPECT_EQ(j["outputs"]["y"]["base_points_dropped"], 1);
  // Not a design file.
  const CommandResult nd =
      run_launchmc_in("sensitivity analyze " + y.string() + " --outputs " + y.string(), dir_);
  EXPECT_NE(nd.status, 0);
  EXPECT_NE(nd.err.find(y.string()), std::string::npos) << nd.err;
}

}  // namespace
