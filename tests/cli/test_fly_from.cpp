// `fly --sample I --from RUN.h5` re-flies row I of a run file with the file's own config text,
// overrides, seed, design and sample count, and checks every outcome column against the row:
// here for a Latin-hypercube run with a --set override (both change what row I is), so a fly
// that ignored either would not reproduce the rows.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "../support/cli_runner.hpp"
#include "../support/scratch_dir.hpp"

namespace launchmc::io {
namespace {

using launchmc::test_support::CommandResult;
using launchmc::test_support::kConfigDir;
using launchmc::test_support::run_launchmc;

class FlyFrom : public ScratchDirTest {};

TEST_F(FlyFrom, ReproducesRowsOfAnLhsRunWithOverrides) {
  const std::string file = (dir_ / "run.h5").string();
  ASSERT_EQ(run_launchmc("run " + kConfigDir +
                         "/hwasong17_2022.yaml -n 60 --seed 5 --sampler lhs --block-size 16 "
                         "--set launch.azimuth_deg=73 -o " +
                         file)
                .status,
            0);
  for (int i : {0, 17, 59}) {
    SCOPED_TRACE(i);
    const CommandResult r =
        run_launchmc("fly --sample " + std::to_string(i) + " --from " + file + " --json");
    ASSERT_EQ(r.status, 0);
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["reproduced"], true) << j["differences"].dump();
    EXPECT_TRUE(j["differences"].empty());
    EXPECT_EQ(j["sample"], i);
    EXPECT_EQ(j["seed"], 5);
  }
  // The same index flown from the config without the override is another flight: the check bites.
  const CommandResult plain = run_launchmc(
      "fly " + kConfigDir + "/hwasong17_2022.yaml --sample 17 --seed 5 -n 60 --sampler lhs --json");
  const CommandResult from = run_launchmc("fly --sample 17 --from " + file + " --json");
  ASSERT_EQ(plain.status, 0);
  EXPECT_NE(nlohmann::json::parse(plain.out)["range_km"],
            nlohmann::json::parse(from.out)["range_km"]);
  // What would fly another sample is refused.
  EXPECT_EQ(run_launchmc("fly --sample 3 --from " + file + " --seed 9").status, 2);
  EXPECT_EQ(run_launchmc("fly --sample 3 --from " + file + " --set launch.azimuth_deg=70").status,
            2);
  EXPECT_EQ(
      run_launchmc("fly " + kConfigDir + "/hwasong17_2022.yaml --sample 3 --from " + file).status,
      2);
  EXPECT_EQ(run_launchmc("fly --from " + file).status, 2);
  EXPECT_EQ(run_launchmc("fly --sample 60 --from " + file).status, 2);
}

TEST_F(FlyFrom, ReproducesRowsOfAStratifiedRun) {
  // Chollima-1 with --stratify failures: rows 2 and 3 are in the two failure modes' strata (the
  // pattern starts none, none, stage2_engine, stage3_engine), row 0 in no failure's.
  const std::string file = (dir_ / "strat.h5").string();
  ASSERT_EQ(run_launchmc("run " + kConfigDir +
                         "/chollima1_2023.yaml -n 12 --seed 7 --stratify failures -o " + file)
                .status,
            0);
  for (int i : {0, 2, 3}) {
    SCOPED_TRACE(i);
    const CommandResult r =
        run_launchmc("fly --sample " + std::to_string(i) + " --from " + file + " --json");
    ASSERT_EQ(r.status, 0);
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["reproduced"], true) << j["differences"].dump();
  }
  EXPECT_EQ(run_launchmc("fly --sample 3 --from " + file + " --stratify none").status, 2);
  EXPECT_EQ(
      run_launchmc("run " + kConfigDir + "/chollima1_2023.yaml -n 12 --stratify modes").status, 2);
}

}  // namespace
}  // namespace launchmc::io
