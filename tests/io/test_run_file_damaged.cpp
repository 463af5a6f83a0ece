// Damaged run files (issue 8): the reader refuses every damage that would change or break the
// summary, naming the file, the object and the row, instead of dropping rows from the counts,
// crashing or passing on a raw HDF5 error stack.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "../support/scratch_dir.hpp"
#include "../support/synthetic_run.hpp"
#include "config/load_scenario.hpp"
#include "engine/summary.hpp"
#include "io/run_file.hpp"

namespace launchmc::io {
namespace {

namespace fs = std::filesystem;
constexpr std::size_t kRows = 40;
const std::string kDamaged = "the file is damaged or written by a newer launchmc";

class RunFileDamageTest : public ScratchDirTest {
 protected:
  // A small valid run file: two bodies, every status, some orbits.
  fs::path write_valid() {
    const fs::path path = dir_ / "run.h5";
    const auto cfg =
        config::load_config_file(std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml");
    testing_support::SyntheticRun run;
    run.rows = kRows;
    run.block_size = 16;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    run.slots = {{"s1", "spent_stage", nan, nan}, {"fairing_1", "fairing_piece", nan, nan}};
    testing_support::write_synthetic_run(
        path, cfg, run, [](std::size_t i, engine::Block& b, std::size_t r) {
          b.column("status")[r] = static_cast<std::int8_t>(i % engine::kStatusCount);
          if (b.column("status")[r] == 0) {
            b.column("insertion_time_s")[r] = 500.0;
            b.column("perigee_alt_m")[r] = 200e3 + static_cast<double>(i);
            b.column("apogee_alt_m")[r] = 500e3;
            b.column("inclination_deg")[r] = 97.0;
          }
          b.body_column(0, "fate")[r] = 0;
          b.body_column(0, "impact_lat_deg")[r] = 30.0 + 0.01 * static_cast<double>(i);
          b.body_column(0, "impact_lon_deg")[r] = 124.0;
          b.body_column(0, "impact_time_s")[r] = 300.0;
        });
    return path;
  }

  // Opens the file read-write, hands it to `edit`, closes it.
  static void damage(const fs::path& path, const std::function<void(hid_t)>& edit) {
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(file, 0);
    edit(file);
    H5Fclose(file);
  }

  // Writes one raw byte (no conversion: the dataset's own type) at `row` of an int8 or enum
  // dataset.
  static void poke_byte(hid_t file, const char* dataset, std::size_t row, std::int8_t value) {
    const hid_t ds = H5Dopen2(file, dataset, H5P_DEFAULT);
    ASSERT_GE(ds, 0) << dataset;
    const hid_t type = H5Dget_type(ds);
    const hid_t space = H5Dget_space(ds);
    const hsize_t start[1] = {row}, count[1] = {1};
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr);
    const hid_t mem = H5Screate_simple(1, count, nullptr);
    EXPECT_GE(H5Dwrite(ds, type, mem, space, H5P_DEFAULT, &value), 0);
    H5Sclose(mem);
    H5Sclose(space);
    H5Tclose(type);
    H5Dclose(ds);
  }

  static void poke_double(hid_t file, const char* dataset, std::size_t row, double value) {
    const hid_t ds = H5Dopen2(file, dataset, H5P_DEFAULT);
    ASSERT_GE(ds, 0) << dataset;
    const hid_t space = H5Dget_space(ds);
    const hsize_t start[1] = {row}, count[1] = {1};
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr);
    const hid_t mem = H5Screate_simple(1, count, nullptr);
    EXPECT_GE(H5Dwrite(ds, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, &value), 0);
    H5Sclose(mem);
    H5Sclose(space);
    H5Dclose(ds);
  }

  // The message summarize_run_file (and read_run_file) refuse the file with; "" if they do not.
  static std::string refusal(const fs::path& path) {
    std::string message;
    try {
      summarize_run_file(path);
    } catch (const std::runtime_error& e) {
      message = e.what();
    }
    try {
      read_run_file(path);
      EXPECT_EQ(message, "") << "read_run_file accepted what summarize refused";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(message, e.what());
    }
    return message;
  }
};

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST_F(RunFileDamageTest, ValidFileIsRead) {
  const fs::path path = write_valid();
  EXPECT_EQ(refusal(path), "");
  EXPECT_EQ(summarize_run_file(path).samples, kRows);
}

TEST_F(RunFileDamageTest, OutOfRangeCodesAreRefusedWithDatasetAndRow) {
  struct Case {
    const char* dataset;
    std::size_t row;
    std::int8_t value;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"/outcome/status", 7, 9, "/outcome/status row 7: 9 is not a status code (0 to 5)"},
      {"/outcome/status", 33, -1, "/outcome/status row 33: -1 is not a status code (0 to 5)"},
      {"/outcome/powered_flight_end", 21, 7,
       "/outcome/powered_flight_end row 21: 7 is not a powered-flight end code (0 to 6)"},
      {"/outcome/failure_mode", 3, 0,
       "/outcome/failure_mode row 3: 0 is not -1 or a failure mode of /failure_modes/name (-1 to "
       "-1)"},
      {"/bodies/fairing_1/fate", 39, 5,
       "/bodies/fairing_1/fate row 39: 5 is not a body fate code (0 to 4)"},
  };
  for (const Case& c : cases) {
    const fs::path path = write_valid();
    damage(path, [&](hid_t f) { poke_byte(f, c.dataset, c.row, c.value); });
    const std::string msg = refusal(path);
    EXPECT_TRUE(contains(msg, path.string() + ": " + c.expected + ": " + kDamaged)) << msg;
  }
}

TEST_F(RunFileDamageTest, NanWhereTheSummaryNeedsANumberIsRefused) {
  const fs::path path = write_valid();
  damage(path, [](hid_t f) { poke_double(f, "/outcome/perigee_alt_m", 12, std::nan("")); });
  const std::string msg = refusal(path);
  EXPECT_TRUE(contains(msg, "/outcome/perigee_alt_m row 12: NaN, but the status is orbit")) << msg;
}

// Fuzz finding: an impact point off the globe made the ellipse statistics throw
// std::invalid_argument ("covariance is not finite"), which `summarize` reported as a bad command
// line (exit 2) without naming the file.
TEST_F(RunFileDamageTest, ImpactPointsOffTheGlobeAreRefused) {
  fs::path path = write_valid();
  damage(path, [](hid_t f) { poke_double(f, "/bodies/s1/impact_lat_deg", 5, 200e3); });
  std::string msg = refusal(path);
  EXPECT_TRUE(
      contains(msg, "/bodies/s1/impact_lat_deg, _lon_deg row 5: (200000, 124) is not a point"))
      << msg;
  path = write_valid();
  damage(path, [](hid_t f) { poke_double(f, "/outcome/vehicle_impact_lat_deg", 2, 91.0); });
  msg = refusal(path);
  EXPECT_TRUE(
      contains(msg, "/outcome/vehicle_impact_lat_deg, _lon_deg row 2: (91, nan) is not a point"))
      << msg;
  path = write_valid();
  damage(path, [](hid_t f) { poke_double(f, "/outcome/rhs_evaluations", 2, -5.0); });
  msg = refusal(path);
  EXPECT_TRUE(contains(msg, "/outcome/rhs_evaluations row 2: -5 is not a count")) << msg;
}

TEST_F(RunFileDamageTest, StructuralDamageIsRefusedByName) {
  struct Case {
    std::function<void(hid_t)> edit;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {[](hid_t f) {
         const hid_t ds = H5Dopen2(f, "/outcome/apogee_alt_m", H5P_DEFAULT);
         const hsize_t n[1] = {kRows - 3};
         H5Dset_extent(ds, n);
         H5Dclose(ds);
       },
       "dataset /outcome/apogee_alt_m has 37 rows, /outcome/status has 40"},
      {[](hid_t f) { H5Ldelete(f, "/outcome/max_q_Pa", H5P_DEFAULT); },
       "dataset /outcome/max_q_Pa is missing"},
      {[](hid_t f) { H5Ldelete(f, "/bodies/fairing_1/impact_time_s", H5P_DEFAULT); },
       "dataset /bodies/fairing_1/impact_time_s is missing"},
      {[](hid_t f) { H5Ldelete(f, "/bodies/s1", H5P_DEFAULT); }, "group /bodies/s1 is missing"},
      {[](hid_t f) { H5Ldelete(f, "/outcome", H5P_DEFAULT); }, "group /outcome is missing"},
      {[](hid_t f) { H5Adelete(f, "seed"); }, "attribute 'seed' of / is missing"},
      {[](hid_t f) { H5Adelete(f, "format_version"); },
       "attribute 'format_version' of / is missing"},
      {[](hid_t f) {
         const hid_t g = H5Gopen2(f, "/bodies/s1", H5P_DEFAULT);
         H5Adelete(g, "class");
         H5Gclose(g);
       },
       "attribute 'class' of /bodies/s1 is missing"},
      // A file of an older launchmc: an integer body kind instead of the class, out of range.
      {[](hid_t f) {
         const hid_t g = H5Gopen2(f, "/bodies/s1", H5P_DEFAULT);
         H5Adelete(g, "class");
         const hid_t space = H5Screate(H5S_SCALAR);
         const hid_t a = H5Acreate2(g, "kind", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
         const std::int64_t kind = 7;
         H5Awrite(a, H5T_NATIVE_INT64, &kind);
         H5Aclose(a);
         H5Sclose(space);
         H5Gclose(g);
       },
       "attribute 'kind' of /bodies/s1 is 7, not a body kind (0 to 2)"},
      // A column of the wrong type: the wrapper's message, with the verdict.
      {[](hid_t f) {
         H5Ldelete(f, "/outcome/rhs_evaluations", H5P_DEFAULT);
         const hsize_t n[1] = {kRows};
         const hid_t space = H5Screate_simple(1, n, nullptr);
         const hid_t type = H5Tcopy(H5T_C_S1);
         H5Tset_size(type, 4);
         const hid_t ds = H5Dcreate2(f, "/outcome/rhs_evaluations", type, space, H5P_DEFAULT,
                                     H5P_DEFAULT, H5P_DEFAULT);
         std::vector<char> zeros(4 * kRows, 'x');
         H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros.data());
         H5Dclose(ds);
         H5Tclose(type);
         H5Sclose(space);
       },
       "/outcome/rhs_evaluations"},
  };
  for (const Case& c : cases) {
    const fs::path path = write_valid();
    damage(path, c.edit);
    const std::string msg = refusal(path);
    EXPECT_TRUE(contains(msg, path.string() + ": ")) << msg;
    EXPECT_TRUE(contains(msg, c.expected)) << msg;
    EXPECT_TRUE(contains(msg, kDamaged)) << msg;
  }
}

TEST_F(RunFileDamageTest, UnknownMajorVersionIsRefused) {
  const fs::path path = write_valid();
  damage(path, [](hid_t f) {
    H5Adelete(f, "format_version");
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, 3);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate2(f, "format_version", type, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, type, "3.0");
    H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
  });
  const std::string msg = refusal(path);
  EXPECT_TRUE(contains(
      msg, "run file format version 3.0 is not supported (this launchmc reads 1.x and 2.x)"))
      << msg;
}

TEST(SummaryReducerCodes, OutOfRangeCodesAreNeverSkipped) {
  engine::Block b;
  b.resize(4, 0, 0);
  b.count = 4;
  b.column("status") = {2, 1, 9, 2};  // crash, suborbital: no orbit columns needed
  engine::SummaryReducer acc({}, engine::SampleStatus::orbit, 0, std::nullopt, 0.0, 0.0);
  EXPECT_THROW(acc.add(b), std::logic_error);
  b.column("status") = {2, 1, 1, 2};
  b.column("failure_mode") = {-1, -1, 2, -1};
  engine::SummaryReducer acc2({}, engine::SampleStatus::orbit, 2, std::nullopt, 0.0, 0.0);
  EXPECT_THROW(acc2.add(b), std::logic_error);
  b.column("failure_mode") = {-1, -1, 1, -1};
  engine::SummaryReducer acc3({}, engine::SampleStatus::orbit, 2, std::nullopt, 0.0, 0.0);
  acc3.add(b);
  EXPECT_EQ(acc3.samples(), 4u);
}

}  // namespace
}  // namespace launchmc::io
