// Tests of the RAII HDF5 wrapper (io/hdf5_file.hpp): round trips of every dataset and attribute
// type, appendable chunked datasets, enums, files written through io::AtomicOutput, errors and h5py
// interop.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "io/hdf5_file.hpp"
#include "io/output_file.hpp"

namespace h5 = launchmc::io::h5;
namespace fs = std::filesystem;

namespace {

// A fresh directory under the system temp directory, removed at the end of each test.
class Hdf5FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("launchmc_h5_" + std::to_string(::getpid()) + "_" +
                                        std::to_string(counter++) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Names of the regular files in dir (to check that no temporary is left behind).
  static std::vector<std::string> files_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path dir_;
};

// Deterministic values covering negative and large magnitudes for every element type.
template <class T>
T value_at(std::size_t i) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(static_cast<double>(i) * 0.25 - 1000.0);
  } else {
    return static_cast<T>(static_cast<std::uint64_t>(i) * 0x9E3779B97F4A7C15ULL);
  }
}

template <class T>
std::vector<T> extremes() {
  using L = std::numeric_limits<T>;
  std::vector<T> v = {L::lowest(), L::max(), T{0}, T{1}, static_cast<T>(42)};
  if constexpr (std::is_floating_point_v<T>) {
    v.push_back(L::infinity());
    v.push_back(-L::infinity());
    v.push_back(L::denorm_min());
    v.push_back(static_cast<T>(-0.1));
  } else if constexpr (std::is_signed_v<T>) {
    v.push_back(static_cast<T>(-1));
  }
  return v;
}

// A closed file opened through the HDF5 C API, apart from the wrapper: stored types, layouts,
// filters and enum members are checked on the file itself.
struct RawFile {
  explicit RawFile(const fs::path& path) : id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)) {}
  ~RawFile() {
    if (id >= 0) H5Fclose(id);
  }
  RawFile(const RawFile&) = delete;
  RawFile& operator=(const RawFile&) = delete;
  hid_t id;
};

// Class/size/sign/order of a dataset's stored type compared with a predefined file type.
bool stored_type_is(const fs::path& path, const char* dataset, hid_t expected) {
  const RawFile file(path);
  const hid_t ds = H5Dopen2(file.id, dataset, H5P_DEFAULT);
  const hid_t type = H5Dget_type(ds);
  const bool equal = H5Tequal(type, expected) > 0;
  H5Tclose(type);
  H5Dclose(ds);
  return equal;
}

// A scalar variable-length string attribute of an object ("" if unreadable).
std::string raw_string_attribute(const fs::path& path, const char* object, const char* name) {
  const RawFile file(path);
  const hid_t attr = H5Aopen_by_name(file.id, object, name, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t type = H5Aget_type(attr);
  char* value = nullptr;
  std::string out;
  if (H5Aread(attr, type, &value) >= 0 && value != nullptr) out = value;
  H5free_memory(value);
  H5Tclose(type);
  H5Aclose(attr);
  return out;
}

// The members of an enum dataset in the type's order, read through the C API.
h5::EnumMembers raw_enum_members(const fs::path& path, const char* dataset) {
  const RawFile file(path);
  const hid_t ds = H5Dopen2(file.id, dataset, H5P_DEFAULT);
  const hid_t type = H5Dget_type(ds);
  h5::EnumMembers members;
  if (H5Tget_class(type) == H5T_ENUM) {
    const hid_t base = H5Tget_super(type);
    EXPECT_EQ(H5Tget_size(base), 1u);
    EXPECT_EQ(H5Tget_sign(base), H5T_SGN_2);
    H5Tclose(base);
    for (int i = 0; i < H5Tget_nmembers(type); ++i) {
      char* member = H5Tget_member_name(type, static_cast<unsigned>(i));
      std::int8_t value = 99;
      EXPECT_GE(H5Tenum_valueof(type, member, &value), 0);
      members.emplace_back(member, value);
      H5free_memory(member);
    }
  }
  H5Tclose(type);
  H5Dclose(ds);
  return members;
}

// The storage of a dataset as the C API reports it.
struct Storage {
  H5D_layout_t layout = H5D_LAYOUT_ERROR;
  hsize_t chunk = 0;
  std::vector<H5Z_filter_t> filters;
  unsigned deflate_level = 0;
  hsize_t size = 0;
  hsize_t max_size = 0;
};
Storage storage_of(const fs::path& path, const char* dataset) {
  Storage out;
  const RawFile file(path);
  const hid_t ds = H5Dopen2(file.id, dataset, H5P_DEFAULT);
  const hid_t dcpl = H5Dget_create_plist(ds);
  out.layout = H5Pget_layout(dcpl);
  if (out.layout == H5D_CHUNKED) H5Pget_chunk(dcpl, 1, &out.chunk);
  for (int i = 0; i < H5Pget_nfilters(dcpl); ++i) {
    unsigned flags = 0;
    unsigned config = 0;
    std::size_t cd_count = 4;
    unsigned cd_values[4] = {};
    char name[64] = {};
    const H5Z_filter_t filter = H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &cd_count,
                                               cd_values, sizeof name, name, &config);
    out.filters.push_back(filter);
    if (filter == H5Z_FILTER_DEFLATE && cd_count >= 1) out.deflate_level = cd_values[0];
  }
  H5Pclose(dcpl);
  const hid_t space = H5Dget_space(ds);
  H5Sget_simple_extent_dims(space, &out.size, &out.max_size);
  H5Sclose(space);
  H5Dclose(ds);
  return out;
}

std::string error_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const h5::Error& e) {
    return e.what();
  }
  return "<no h5::Error thrown>";
}

// ---------------------------------------------------------------------------------------------
// Round trips

TEST_F(Hdf5FileTest, RoundTripEveryDatasetType) {
  const fs::path path = dir_ / "types.h5";
  const std::vector<std::string> strings = {"alpha",          "",        "β-γ δ",
                                            "日本語テキスト", "emoji 🚀", std::string(1000, 'x')};
  {
    h5::File file = h5::File::create(path);
    h5::Group root = file.root();
    root.write<double>("f64", extremes<double>());
    root.write<float>("f32", extremes<float>());
    root.write<std::int8_t>("i8", extremes<std::int8_t>());
    root.write<std::uint8_t>("u8", extremes<std::uint8_t>());
    root.write<std::int32_t>("i32", extremes<std::int32_t>());
    root.write<std::int64_t>("i64", extremes<std::int64_t>());
    root.write<std::uint64_t>("u64", extremes<std::uint64_t>());
    root.write<std::string>("strings", strings);
    const std::vector<double> nan = {std::nan("")};
    root.write<double>("nan", nan);
    file.close();
  }
  h5::File file = h5::File::open_read(path);
  const h5::Group root = file.root();
  EXPECT_EQ(root.read<double>("f64"), extremes<double>());
  EXPECT_EQ(root.read<float>("f32"), extremes<float>());
  EXPECT_EQ(root.read<std::int8_t>("i8"), extremes<std::int8_t>());
  EXPECT_EQ(root.read<std::uint8_t>("u8"), extremes<std::uint8_t>());
  EXPECT_EQ(root.read<std::int32_t>("i32"), extremes<std::int32_t>());
  EXPECT_EQ(root.read<std::int64_t>("i64"), extremes<std::int64_t>());
  EXPECT_EQ(root.read<std::uint64_t>("u64"), extremes<std::uint64_t>());
  EXPECT_EQ(root.read<std::string>("strings"), strings);
  ASSERT_EQ(root.read<double>("nan").size(), 1u);
  EXPECT_TRUE(std::isnan(root.read<double>("nan")[0]));
  EXPECT_TRUE(std::isnan(root.read<float>("nan")[0]));  // NaN survives double -> float

  EXPECT_EQ(root.dataset_size("strings"), strings.size());

  // Each number as its own little-endian type; strings variable-length UTF-8.
  EXPECT_TRUE(stored_type_is(path, "f64", H5T_IEEE_F64LE));
  EXPECT_TRUE(stored_type_is(path, "f32", H5T_IEEE_F32LE));
  EXPECT_TRUE(stored_type_is(path, "i8", H5T_STD_I8LE));
  EXPECT_TRUE(stored_type_is(path, "u8", H5T_STD_U8LE));
  EXPECT_TRUE(stored_type_is(path, "i32", H5T_STD_I32LE));
  EXPECT_TRUE(stored_type_is(path, "i64", H5T_STD_I64LE));
  EXPECT_TRUE(stored_type_is(path, "u64", H5T_STD_U64LE));
  const RawFile raw(path);
  const hid_t ds = H5Dopen2(raw.id, "strings", H5P_DEFAULT);
  const hid_t type = H5Dget_type(ds);
  EXPECT_EQ(H5Tget_class(type), H5T_STRING);
  EXPECT_GT(H5Tis_variable_str(type), 0);
  EXPECT_EQ(H5Tget_cset(type), H5T_CSET_UTF8);
  H5Tclose(type);
  H5Dclose(ds);
}

TEST_F(Hdf5FileTest, RoundTripEveryAttributeType) {
  const fs::path path = dir_ / "attrs.h5";
  const std::string big(100000, 'c');  // larger than the 64 KiB compact attribute limit
  {
    h5::File file = h5::File::create(path);
    h5::Group root = file.root();
    root.set_attribute("title", "launchmc ✓ résumé");
    root.set_attribute("title2", std::string("std::string"));
    root.set_attribute("empty_string", "");
    root.set_attribute("g0", 9.80665);
    root.set_attribute("min_i64", std::numeric_limits<std::int64_t>::min());
    root.set_attribute("max_u64", std::numeric_limits<std::uint64_t>::max());
    root.set_attribute("int", -7);       // int -> int64
    root.set_attribute("unsigned", 7u);  // unsigned -> uint64
    root.set_attribute("size", std::size_t{12});
    root.set_attribute("big", big);  // e.g. a long config_text
    root.set_attribute("replaced", 1.0);
    root.set_attribute("replaced", "now a string");
    h5::Group group = root.create_group("g");
    group.set_attribute("x", 3.5);
    const std::vector<float> xs = {1.0f, 2.0f};
    h5::Dataset d = root.write<float>("d", xs);
    d.set_attribute("units", "m");
    d.set_attribute("scale", 2.0);
    EXPECT_EQ(d.attribute<std::string>("units"), "m");
    EXPECT_EQ(d.attribute<double>("scale"), 2.0);
    file.close();
  }
  h5::File file = h5::File::open_read(path);
  const h5::Group root = file.root();
  EXPECT_EQ(root.attribute<std::string>("title"), "launchmc ✓ résumé");
  EXPECT_EQ(root.attribute<std::string>("title2"), "std::string");
  EXPECT_EQ(root.attribute<std::string>("empty_string"), "");
  EXPECT_EQ(root.attribute<double>("g0"), 9.80665);
  EXPECT_EQ(root.attribute<std::int64_t>("min_i64"), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(root.attribute<std::uint64_t>("max_u64"), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(root.attribute<std::int64_t>("int"), -7);
  EXPECT_EQ(root.attribute<std::uint64_t>("unsigned"), 7u);
  EXPECT_EQ(root.attribute<std::uint64_t>("size"), 12u);
  EXPECT_EQ(root.attribute<std::int64_t>("size"), 12);  // converted through HDF5
  EXPECT_EQ(root.attribute<double>("int"), -7.0);       // converted through HDF5
  EXPECT_EQ(root.attribute<std::string>("big"), big);
  EXPECT_EQ(root.attribute<std::string>("replaced"), "now a string");
  EXPECT_TRUE(root.has_attribute("title"));
  EXPECT_FALSE(root.has_attribute("nope"));
  EXPECT_EQ(root.open_group("g").attribute<double>("x"), 3.5);
  EXPECT_EQ(raw_string_attribute(path, "d", "units"), "m");
  // Lossy attribute conversions are refused.
  EXPECT_THROW(root.attribute<std::int64_t>("max_u64"), h5::Error);
  EXPECT_THROW(root.attribute<std::uint64_t>("min_i64"), h5::Error);
  EXPECT_THROW(root.attribute<std::int64_t>("g0"), h5::Error);
  EXPECT_THROW(root.attribute<double>("title"), h5::Error);    // string
  EXPECT_THROW(root.attribute<std::string>("g0"), h5::Error);  // number

  // The string attribute is a scalar variable-length UTF-8 string.
  const RawFile raw(path);
  const hid_t attr = H5Aopen(raw.id, "title", H5P_DEFAULT);
  const hid_t type = H5Aget_type(attr);
  const hid_t space = H5Aget_space(attr);
  EXPECT_GT(H5Tis_variable_str(type), 0);
  EXPECT_EQ(H5Tget_cset(type), H5T_CSET_UTF8);
  EXPECT_EQ(H5Sget_simple_extent_type(space), H5S_SCALAR);
  H5Sclose(space);
  H5Tclose(type);
  H5Aclose(attr);
}

TEST_F(Hdf5FileTest, EmptyDatasets) {
  const fs::path path = dir_ / "empty.h5";
  {
    h5::File file = h5::File::create(path);
    h5::Group root = file.root();
    root.write("f64", std::span<const double>{});
    root.write("f32", std::span<const float>{});
    root.write("i8", std::span<const std::int8_t>{});
    root.write("u8", std::span<const std::uint8_t>{});
    root.write("i32", std::span<const std::int32_t>{});
    root.write("i64", std::span<const std::int64_t>{});
    root.write("u64", std::span<const std::uint64_t>{});
    root.write<std::string>("s", std::vector<std::string>{});
    root.create_appendable("e", {{"a", 0}});
    auto app = root.create_appendable<double>("app");
    app.append(std::span<const double>{});
    file.close();
  }
  h5::File file = h5::File::open_read(path);
  const h5::Group root = file.root();
  EXPECT_TRUE(root.read<double>("f64").empty());
  EXPECT_TRUE(root.read<float>("f32").empty());
  EXPECT_TRUE(root.read<std::int8_t>("i8").empty());
  EXPECT_TRUE(root.read<std::uint8_t>("u8").empty());
  EXPECT_TRUE(root.read<std::int32_t>("i32").empty());
  EXPECT_TRUE(root.read<std::int64_t>("i64").empty());
  EXPECT_TRUE(root.read<std::uint64_t>("u64").empty());
  EXPECT_TRUE(root.read<std::string>("s").empty());
  EXPECT_TRUE(root.read<std::int8_t>("e").empty());
  EXPECT_TRUE(root.read<double>("app").empty());
  EXPECT_EQ(root.dataset_size("app"), 0u);
}

TEST_F(Hdf5FileTest, NumericConversionsThroughHdf5) {
  const fs::path path = dir_ / "conv.h5";
  {
    h5::File file = h5::File::create(path);
    h5::Group root = file.root();
    root.write<std::int32_t>("i32", std::vector<std::int32_t>{-3, 0, 2147483647});
    root.write<std::uint8_t>("u8", std::vector<std::uint8_t>{0, 200, 255});
    root.write<float>("f32", std::vector<float>{0.5f, -1.25f});
    root.write<double>("whole", std::vector<double>{1.0, -2.0, 100.0});
    root.write<double>("frac", std::vector<double>{1.5});
    root.write<double>("huge", std::vector<double>{1e300});
    root.write<std::int64_t>("negative", std::vector<std::int64_t>{-1});
    root.write<std::int64_t>("big_i64", std::vector<std::int64_t>{(std::int64_t{1} << 53) + 1});
    file.close();
  }
  h5::File file = h5::File::open_read(path);
  const h5::Group root = file.root();
  EXPECT_EQ(root.read<double>("i32"), (std::vector<double>{-3.0, 0.0, 2147483647.0}));
  EXPECT_EQ(root.read<std::int64_t>("i32"), (std::vector<std::int64_t>{-3, 0, 2147483647}));
  EXPECT_EQ(root.read<std::int32_t>("u8"), (std::vector<std::int32_t>{0, 200, 255}));
  EXPECT_EQ(root.read<double>("f32"), (std::vector<double>{0.5, -1.25}));
  EXPECT_EQ(root.read<std::int32_t>("whole"), (std::vector<std::int32_t>{1, -2, 100}));
  EXPECT_EQ(root.read<std::int8_t>("whole"), (std::vector<std::int8_t>{1, -2, 100}));
  EXPECT_EQ(root.read<double>("big_i64").size(), 1u);  // precision loss is accepted
  // Lossy conversions throw.
  EXPECT_THROW(root.read<std::int8_t>("u8"), h5::Error);          // 200 > 127
  EXPECT_THROW(root.read<std::int32_t>("frac"), h5::Error);       // fraction
  EXPECT_THROW(root.read<float>("huge"), h5::Error);              // > FLT_MAX
  EXPECT_THROW(root.read<std::uint64_t>("negative"), h5::Error);  // < 0
  const std::string message = error_message([&] { root.read<std::int32_t>("frac"); });
  EXPECT_NE(message.find("int32 values of dataset '/frac'"), std::string::npos) << message;
  EXPECT_NE(message.find("lossy conversion refused"), std::string::npos) << message;
  EXPECT_THROW(root.read<double>("nonexistent"), h5::Error);
}

TEST_F(Hdf5FileTest, GroupsAndChildren) {
  const fs::path path = dir_ / "groups.h5";
  {
    h5::File file = h5::File::create(path);
    h5::Group root = file.root();
    h5::Group b = root.create_group("a/b");  // intermediate group "a" is created
    b.write<double>("x", std::vector<double>{1.0});
    root.create_group("zeta");
    root.create_group("Alpha");
    root.write<std::int32_t>("m", std::vector<std::int32_t>{1});
    root.write<std::int32_t>("deep/er/d", std::vector<std::int32_t>{5});
    EXPECT_THROW(root.create_group("zeta"), h5::Error);  // exists already
    file.close();
  }
  h5::File file = h5::File::open_read(path);
  const h5::Group root = file.root();
  EXPECT_EQ(root.children(), (std::vector<std::string>{"Alpha", "a", "deep", "m", "zeta"}));
  EXPECT_EQ(root.open_group("a").children(), std::vector<std::string>{"b"});
  EXPECT_TRUE(root.open_group("Alpha").children().empty());
  EXPECT_TRUE(root.has("a"));
  EXPECT_TRUE(root.has("a/b"));
  EXPECT_TRUE(root.has("a/b/x"));
  EXPECT_TRUE(root.has("/a/b/x"));
  EXPECT_TRUE(root.has("m"));
  EXPECT_FALSE(root.has("a/c"));
  EXPECT_FALSE(root.has("nope/deeper"));
  EXPECT_FALSE(root.has("m/inside_a_dataset"));
  EXPECT_EQ(root.open_group("a").read<double>("b/x"), std::vector<double>{1.0});
  EXPECT_EQ(root.read<std::int32_t>("deep/er/d"), std::vector<std::int32_t>{5});
}

// ---------------------------------------------------------------------------------------------
// Appendable datasets

template <class T>
class AppendableTest : public Hdf5FileTest {};
using ElementTypes = ::testing::Types<double, float, std::int8_t, std::uint8_t, std::int32_t,
                                      std::int64_t, std::uint64_t>;
TYPED_TEST_SUITE(AppendableTest, ElementTypes);

TYPED_TEST(AppendableTest, OddSizedAppendsAcrossChunksReadBackEqual) {
  using T = TypeParam;
  const fs::path path = this->dir_ / "append.h5";
  const std::vector<std::size_t> sizes = {1, 4095, 4097, 10000, 0, 3, 1, 8192, 17};
  std::vector<T> expected;
  {
    h5::File file = h5::File::create(path);
    h5::Group root = file.root();
    h5::AppendableDataset<T> app = root.create_appendable<T>("grp/values");
    app.set_attribute("units", "m/s");
    for (const std::size_t n : sizes) {
      std::vector<T> chunk(n);
      for (std::size_t i = 0; i < n; ++i) chunk[i] = value_at<T>(expected.size() + i);
      app.append(chunk);
      expected.insert(expected.end(), chunk.begin(), chunk.end());
      EXPECT_EQ(root.dataset_size("grp/values"), expected.size());
    }
    file.close();
  }
  h5::File file = h5::File::open_read(path);
  const h5::Group root = file.root();
  EXPECT_EQ(root.read<T>("grp/values"), expected);
  EXPECT_EQ(root.dataset_size("grp/values"), expected.size());
  EXPECT_EQ(raw_string_attribute(path, "grp/values", "units"), "m/s");

  // Chunked, 1-D, unlimited, shuffle then deflate level 4.
  const Storage st = storage_of(path, "grp/values");
  EXPECT_EQ(st.layout, H5D_CHUNKED);
  EXPECT_EQ(st.chunk, 4096u);
  EXPECT_EQ(st.filters, (std::vector<H5Z_filter_t>{H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE}));
  EXPECT_EQ(st.deflate_level, 4u);
  EXPECT_EQ(st.size, expected.size());
  EXPECT_EQ(st.max_size, H5S_UNLIMITED);
}

TEST_F(Hdf5FileTest, AppendableOptions) {
  const fs::path path = dir_ / "options.h5";
  h5::File file = h5::File::create(path);
  h5::Group root = file.root();
  auto plain = root.create_appendable<std::int32_t>("plain", 7, 0);
  std::vector<std::int32_t> values(100);
  std::iota(values.begin(), values.end(), -50);
  plain.append(values);
  plain.append(values);
  EXPECT_EQ(root.dataset_size("plain"), 200u);
  auto strong = root.create_appendable<double>("strong", 1, 9);
  strong.append(std::vector<double>{1.0, 2.0, 3.0});
  EXPECT_EQ(root.read<double>("strong"), (std::vector<double>{1.0, 2.0, 3.0}));
  std::vector<std::int32_t> both = values;
  both.insert(both.end(), values.begin(), values.end());
  EXPECT_EQ(root.read<std::int32_t>("plain"), both);  // readable before close
  EXPECT_THROW(root.create_appendable<double>("bad_chunk", 0), h5::Error);
  EXPECT_THROW(root.create_appendable<double>("bad_level", 16, 10), h5::Error);
  EXPECT_THROW(root.create_appendable<double>("plain"), h5::Error);  // exists already
  h5::AppendableDataset<double> moved_from = std::move(strong);
  const std::vector<double> four = {4.0};
  EXPECT_THROW(strong.append(four), h5::Error);  // NOLINT(bugprone-use-after-move)
  moved_from.append(four);
  EXPECT_EQ(root.dataset_size("strong"), 4u);
  file.close();
  const Storage plain_storage = storage_of(path, "plain");
  EXPECT_EQ(plain_storage.chunk, 7u);
  EXPECT_TRUE(plain_storage.filters.empty());  // level 0: no shuffle, no deflate
  const Storage strong_storage = storage_of(path, "strong");
  EXPECT_EQ(strong_storage.chunk, 1u);
  EXPECT_EQ(strong_storage.deflate_level, 9u);
}

// ---------------------------------------------------------------------------------------------
// Append mode: File::open_append + Group::open_appendable continue a dataset at its current size

TYPED_TEST(AppendableTest, ReopenedForAppendContinuesAtTheCurrentSize) {
  using T = TypeParam;
  const fs::path path = this->dir_ / "resume.h5";
  constexpr std::size_t kFirst = 1234;  // N rows, then M more in a second session
  constexpr std::size_t kMore = 777;
  std::vector<T> expected(kFirst + kMore);
  for (std::size_t i = 0; i < expected.size(); ++i) expected[i] = value_at<T>(i);
  {
    h5::File file = h5::File::create(path);
    auto app = file.root().create_appendable<T>("grp/values", 100, 4);
    app.set_attribute("units", "m");
    app.append(std::span<const T>(expected.data(), kFirst));
    file.close();
  }
  {
    h5::File file = h5::File::open_append(path);
    h5::Group grp = file.root().open_group("grp");
    EXPECT_EQ(grp.dataset_size("values"), kFirst);
    h5::AppendableDataset<T> app = grp.open_appendable<T>("values");
    app.append(std::span<const T>(expected.data() + kFirst, 500));  // across chunk boundaries
    app.append(std::span<const T>(expected.data() + kFirst + 500, kMore - 500));
    EXPECT_EQ(grp.dataset_size("values"), kFirst + kMore);
    file.close();
  }
  EXPECT_EQ(h5::File::open_read(path).root().read<T>("grp/values"), expected);
  // Type, chunking, filters and attributes as created.
  const Storage st = storage_of(path, "grp/values");
  EXPECT_EQ(st.layout, H5D_CHUNKED);
  EXPECT_EQ(st.chunk, 100u);
  EXPECT_EQ(st.filters, (std::vector<H5Z_filter_t>{H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE}));
  EXPECT_EQ(st.deflate_level, 4u);
  EXPECT_EQ(st.size, kFirst + kMore);
  EXPECT_EQ(st.max_size, H5S_UNLIMITED);
  EXPECT_EQ(raw_string_attribute(path, "grp/values", "units"), "m");
}

TEST_F(Hdf5FileTest, ReopenedEnumDatasetKeepsCheckingItsMembers) {
  const fs::path path = dir_ / "enum_resume.h5";
  const h5::EnumMembers members = {{"orbit", 0}, {"suborbital", 1}, {"failed", -3}};
  const std::vector<std::int8_t> first = {0, 1, -3, 0};
  const std::vector<std::int8_t> more = {1, 1, -3};
  {
    h5::File file = h5::File::create(path);
    file.root().create_appendable("status", members, 2, 4).append(first);
    file.close();
  }
  {
    h5::File file = h5::File::open_append(path);
    h5::Group root = file.root();
    auto status = root.open_appendable<std::int8_t>("status");
    const std::string message = error_message([&] { status.append(std::vector<std::int8_t>{2}); });
    EXPECT_NE(message.find("value 2 at index 0 is not a member of the enum"), std::string::npos)
        << message;
    EXPECT_EQ(root.dataset_size("status"), first.size());
    status.append(more);
    root.create_group("added").set_attribute("note", "a new object in an appended file");
    file.close();
  }
  std::vector<std::int8_t> expected = first;
  expected.insert(expected.end(), more.begin(), more.end());
  const h5::File file = h5::File::open_read(path);
  EXPECT_EQ(file.root().read<std::int8_t>("status"), expected);
  EXPECT_EQ(file.root().open_group("added").attribute<std::string>("note"),
            "a new object in an appended file");
  EXPECT_EQ(raw_enum_members(path, "status"), members);  // still the same enum type
}

TEST_F(Hdf5FileTest, OpenAppendableRefusesWhatItCannotContinue) {
  const fs::path path = dir_ / "refuse.h5";
  {
    h5::File file = h5::File::create(path);
    h5::Group root = file.root();
    root.write<double>("contiguous", std::vector<double>{1.0, 2.0});
    root.create_appendable<double>("f64", 8).append(std::vector<double>{1.0});
    root.create_appendable<std::uint64_t>("u64", 8).append(std::vector<std::uint64_t>{1});
    root.create_appendable("enum", {{"a", 0}}, 8);
    root.write<std::string>("strings", std::vector<std::string>{"x"});
    file.close();
  }
  {
    // Chunked but of fixed maximum size, made through the C API.
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    const hsize_t dims[1] = {4};
    const hid_t space = H5Screate_simple(1, dims, dims);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, dims);
    const hid_t ds = H5Dcreate2(f, "fixed", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    ASSERT_GE(ds, 0);
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(f);
  }
  ::testing::internal::CaptureStderr();
  {
    h5::File file = h5::File::open_append(path);
    h5::Group g = file.root();
    std::string message = error_message([&] { g.open_appendable<double>("contiguous"); });
    EXPECT_NE(message.find("cannot open appendable dataset '/contiguous' in"), std::string::npos)
        << message;
    EXPECT_NE(message.find("not an appendable dataset (1-D, chunked, with an unlimited maximum"),
              std::string::npos)
        << message;
    message = error_message([&] { g.open_appendable<double>("fixed"); });
    EXPECT_NE(message.find("not an appendable dataset"), std::string::npos) << message;
    message = error_message([&] { g.open_appendable<float>("f64"); });
    EXPECT_NE(message.find("stored type is float64, not float32"), std::string::npos) << message;
    message = error_message([&] { g.open_appendable<std::int64_t>("u64"); });
    EXPECT_NE(message.find("stored type is uint64, not int64"), std::string::npos) << message;
    message = error_message([&] { g.open_appendable<std::uint8_t>("enum"); });
    EXPECT_NE(message.find("stored type is enum of int8, not uint8"), std::string::npos) << message;
    message = error_message([&] { g.open_appendable<std::int8_t>("strings"); });
    EXPECT_NE(message.find("not an appendable dataset"), std::string::npos) << message;
    message = error_message([&] { g.open_appendable<double>("absent"); });
    EXPECT_NE(message.find("'/absent'"), std::string::npos) << message;
    // The refusals changed nothing: the right type still continues.
    g.open_appendable<double>("f64").append(std::vector<double>{2.0});
    file.close();
  }
  EXPECT_EQ(h5::File::open_read(path).root().read<double>("f64"), (std::vector<double>{1.0, 2.0}));
  {
    const h5::File file = h5::File::open_read(path);
    h5::Group g = file.root();
    const std::string message = error_message([&] { g.open_appendable<double>("f64"); });
    EXPECT_NE(message.find("read-only"), std::string::npos) << message;
  }
  const std::string message = error_message([&] { h5::File::open_append(dir_ / "none.h5"); });
  EXPECT_NE(message.find("cannot open file"), std::string::npos) << message;
  EXPECT_NE(message.find("none.h5"), std::string::npos) << message;
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

// ---------------------------------------------------------------------------------------------
// Enums

TEST_F(Hdf5FileTest, EnumDatasetsThroughTheCApi) {
  const fs::path path = dir_ / "enum.h5";
  const h5::EnumMembers members = {{"ascent", 0}, {"coast", 1}, {"reentry", 2}, {"lost", -1}};
  const std::vector<std::int8_t> values = {0, 1, 1, 2, -1, 0};
  std::vector<std::int8_t> appended;
  {
    h5::File file = h5::File::create(path);
    h5::Group root = file.root();
    auto phase = root.create_appendable("phase", members);
    phase.set_attribute("note", "flight phase");
    phase.append(values);
    EXPECT_THROW(root.create_appendable("dup", {{"a", 0}, {"b", 0}}), h5::Error);
    EXPECT_THROW(root.create_appendable("dup2", {{"a", 0}, {"a", 1}}), h5::Error);
    EXPECT_THROW(root.create_appendable("none", h5::EnumMembers{}), h5::Error);
    auto app = root.create_appendable("phases", members, 5, 6);
    for (const std::size_t n : {1u, 4u, 5u, 6u, 13u}) {
      std::vector<std::int8_t> chunk(n);
      for (std::size_t i = 0; i < n; ++i) chunk[i] = static_cast<std::int8_t>((i + n) % 4 - 1);
      app.append(chunk);
      appended.insert(appended.end(), chunk.begin(), chunk.end());
    }
    const std::string message = error_message([&] { app.append(std::vector<std::int8_t>{0, 3}); });
    EXPECT_NE(message.find("value 3 at index 1 is not a member of the enum"), std::string::npos)
        << message;
    EXPECT_EQ(root.dataset_size("phases"), appended.size());
    file.close();
  }
  h5::File file = h5::File::open_read(path);
  const h5::Group root = file.root();
  EXPECT_EQ(root.read<std::int8_t>("phase"), values);
  EXPECT_EQ(root.read<std::int32_t>("phase"), (std::vector<std::int32_t>{0, 1, 1, 2, -1, 0}));
  EXPECT_EQ(root.read<std::int8_t>("phases"), appended);
  std::vector<std::int8_t> range;
  root.read_range("phases", 2, 5, range);
  EXPECT_EQ(range, std::vector<std::int8_t>(appended.begin() + 2, appended.begin() + 7));
  EXPECT_FALSE(root.has("dup"));  // invalid members: nothing created
  EXPECT_EQ(raw_string_attribute(path, "phase", "note"), "flight phase");
  EXPECT_EQ(raw_enum_members(path, "phase"), members);  // HDF5 enums of the members, in order
  EXPECT_EQ(raw_enum_members(path, "phases"), members);
}

// ---------------------------------------------------------------------------------------------
// Files written through io::AtomicOutput (the policy of run_file.cpp and flight_report.cpp)

void write_version(const fs::path& path, std::int64_t version) {
  launchmc::io::AtomicOutput output(path);
  h5::File file = h5::File::create(output.temporary());
  file.root().set_attribute("version", version);
  file.root().write<std::int64_t>("data", std::vector<std::int64_t>(100, version));
  file.close();
  output.commit();
}

std::int64_t read_version(const fs::path& path) {
  h5::File file = h5::File::open_read(path);
  return file.root().attribute<std::int64_t>("version");
}

TEST_F(Hdf5FileTest, CreateWritesTheGivenPathAndCloseInvalidatesItsObjects) {
  const fs::path path = dir_ / "run.h5";
  h5::File file = h5::File::create(path);
  EXPECT_TRUE(fs::exists(path));
  h5::Group group = file.root().create_group("g");
  auto app = group.create_appendable<double>("x", 16);
  app.append(std::vector<double>(100, 1.5));
  file.close();  // objects still open are closed with the file (H5F_CLOSE_STRONG)
  EXPECT_EQ(files_in(dir_), std::vector<std::string>{"run.h5"});
  EXPECT_THROW(group.create_group("late"), h5::Error);
  EXPECT_THROW(app.append(std::vector<double>{1.0}), h5::Error);
  EXPECT_THROW(file.root(), h5::Error);
  file.close();  // closing again does nothing
  EXPECT_EQ(h5::File::open_read(path).root().read<double>("g/x"), std::vector<double>(100, 1.5));
}

TEST_F(Hdf5FileTest, AtomicOutputCommitsTheClosedFile) {
  const fs::path path = dir_ / "sub" / "dir" / "run.h5";  // AtomicOutput creates the parents
  launchmc::io::AtomicOutput output(path);
  h5::File file = h5::File::create(output.temporary());
  file.root().create_group("g").create_appendable<double>("x", 16).append(
      std::vector<double>(100, 1.5));
  EXPECT_FALSE(fs::exists(path));
  file.close();
  output.commit();
  EXPECT_EQ(files_in(path.parent_path()), std::vector<std::string>{"run.h5"});
  EXPECT_EQ(h5::File::open_read(path).root().read<double>("g/x"), std::vector<double>(100, 1.5));
}

TEST_F(Hdf5FileTest, DestroyWithoutCommitKeepsTheOldFile) {
  const fs::path path = dir_ / "result.h5";
  write_version(path, 1);
  const auto old_size = fs::file_size(path);
  {
    launchmc::io::AtomicOutput output(path);
    h5::File file = h5::File::create(output.temporary());
    file.root().set_attribute("version", std::int64_t{2});
    file.root().write<std::int64_t>("data", std::vector<std::int64_t>(100000, 2));
    EXPECT_EQ(files_in(dir_).size(), 2u);  // old file + temporary
  }
  EXPECT_EQ(read_version(path), 1);
  EXPECT_EQ(fs::file_size(path), old_size);
  EXPECT_EQ(files_in(dir_), std::vector<std::string>{"result.h5"});

  write_version(path, 3);
  EXPECT_EQ(read_version(path), 3);
  EXPECT_EQ(files_in(dir_), std::vector<std::string>{"result.h5"});
}

TEST_F(Hdf5FileTest, ExceptionWhileWritingLeavesNoTemporary) {
  const fs::path path = dir_ / "result.h5";
  write_version(path, 1);
  EXPECT_THROW(
      {
        launchmc::io::AtomicOutput output(path);
        h5::File file = h5::File::create(output.temporary());
        h5::Group root = file.root();
        root.set_attribute("version", std::int64_t{2});
        root.write<double>("data", std::vector<double>{1.0});
        root.write<double>("data", std::vector<double>{2.0});  // duplicate name: throws
        file.close();
        output.commit();
      },
      h5::Error);
  EXPECT_EQ(read_version(path), 1);
  EXPECT_EQ(files_in(dir_), std::vector<std::string>{"result.h5"});

  // Same with a non-HDF5 exception in the middle of writing.
  EXPECT_THROW(
      {
        launchmc::io::AtomicOutput output(path);
        h5::File file = h5::File::create(output.temporary());
        file.root().set_attribute("version", std::int64_t{2});
        throw std::runtime_error("simulation failed");
      },
      std::runtime_error);
  EXPECT_EQ(read_version(path), 1);
  EXPECT_EQ(files_in(dir_), std::vector<std::string>{"result.h5"});
}

TEST_F(Hdf5FileTest, MoveKeepsTheOpenFile) {
  const fs::path path = dir_ / "moved.h5";
  h5::File a = h5::File::create(path);
  a.root().set_attribute("version", std::int64_t{7});
  h5::File b = std::move(a);
  EXPECT_THROW(a.root(), h5::Error);  // NOLINT(bugprone-use-after-move)
  b.close();
  EXPECT_EQ(read_version(path), 7);
  h5::File c = h5::File::create(dir_ / "other.h5");
  c = h5::File::create(dir_ / "third.h5");  // the first file is closed
  c.root().set_attribute("version", std::int64_t{3});
  c.close();
  EXPECT_EQ(read_version(dir_ / "third.h5"), 3);
}

// ---------------------------------------------------------------------------------------------
// Errors

TEST_F(Hdf5FileTest, ErrorsNameTheObjectAndAreNotPrinted) {
  const fs::path missing = dir_ / "missing.h5";
  ::testing::internal::CaptureStderr();
  std::string message = error_message([&] { h5::File::open_read(missing); });
  EXPECT_NE(message.find("missing.h5"), std::string::npos) << message;
  EXPECT_NE(message.find("open file"), std::string::npos) << message;

  const fs::path path = dir_ / "errors.h5";
  {
    h5::File file = h5::File::create(path);
    const h5::Dataset x =
        file.root().create_group("grp").write<double>("x", std::vector<double>{1.0});
    message = error_message([&] { x.attribute<std::string>("units"); });
    EXPECT_NE(message.find("attribute 'units' of '/grp/x'"), std::string::npos) << message;
    file.root().write<std::string>("s", std::vector<std::string>{"a"});
    file.close();
  }
  h5::File file = h5::File::open_read(path);
  const h5::Group root = file.root();
  const h5::Group grp = root.open_group("grp");
  message = error_message([&] { grp.read<double>("nope"); });
  EXPECT_NE(message.find("'/grp/nope'"), std::string::npos) << message;
  EXPECT_NE(message.find("errors.h5"), std::string::npos) << message;
  EXPECT_NE(message.find("doesn't exist"), std::string::npos) << message;  // innermost HDF5 msg
  message = error_message([&] { root.open_group("absent"); });
  EXPECT_NE(message.find("open group '/absent'"), std::string::npos) << message;
  message = error_message([&] { root.read<double>("s"); });
  EXPECT_NE(message.find("string, not numeric"), std::string::npos) << message;
  message = error_message([&] { root.read<std::string>("grp/x"); });
  EXPECT_NE(message.find("'/grp/x'"), std::string::npos) << message;
  message = error_message([&] { root.open_group("grp").read<std::int8_t>("x/y"); });
  EXPECT_NE(message.find("'/grp/x/y'"), std::string::npos) << message;
  // Writing to a read-only file fails cleanly.
  h5::Group writable_handle = root.open_group("grp");
  EXPECT_THROW(writable_handle.create_group("new"), h5::Error);
  EXPECT_THROW(writable_handle.set_attribute("a", 1.0), h5::Error);
  // Default-constructed objects.
  h5::Group empty;
  EXPECT_THROW(empty.children(), h5::Error);
  EXPECT_THROW(empty.set_attribute("a", 1.0), h5::Error);
  // Not an HDF5 file.
  std::ofstream(dir_ / "text.h5") << "not hdf5";
  message = error_message([&] { h5::File::open_read(dir_ / "text.h5"); });
  EXPECT_NE(message.find("text.h5"), std::string::npos) << message;
  // Parent is a regular file.
  message = error_message([&] { h5::File::create(dir_ / "text.h5" / "x.h5"); });
  EXPECT_NE(message.find("x.h5"), std::string::npos) << message;
  // HDF5's automatic error stack printing is off.
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

// ---------------------------------------------------------------------------------------------
// h5py interoperability

bool h5py_available() {
  return std::system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1") == 0;
}

TEST_F(Hdf5FileTest, H5pyReadsTheFile) {
  if (!h5py_available()) GTEST_SKIP() << "/usr/bin/python3 with h5py is not available";
  const fs::path path = dir_ / "interop.h5";
  {
    h5::File file = h5::File::create(path);
    h5::Group root = file.root();
    root.set_attribute("title", "launchmc ✓ résumé");
    root.set_attribute("seed", std::numeric_limits<std::uint64_t>::max());
    root.set_attribute("n", std::int64_t{-5});
    root.set_attribute("g0", 9.80665);
    h5::Group results = root.create_group("results");
    results.write<double>("x", std::vector<double>{0.5, -1.0, 1e300}).set_attribute("units", "m");
    results.write<float>("f", std::vector<float>{0.25f});
    results.write<std::int8_t>("i8", std::vector<std::int8_t>{-128, 127});
    results.write<std::uint8_t>("u8", std::vector<std::uint8_t>{0, 255});
    results.write<std::int32_t>("i32", std::vector<std::int32_t>{-7});
    results.write<std::int64_t>(
        "i64", std::vector<std::int64_t>{std::numeric_limits<std::int64_t>::min()});
    results.write<std::uint64_t>("u64", std::vector<std::uint64_t>{18446744073709551615ULL});
    results.write<std::string>("names", std::vector<std::string>{"alpha", "β-γ", ""});
    results.create_appendable("phase", {{"ascent", 0}, {"coast", 1}, {"lost", -1}})
        .append(std::vector<std::int8_t>{0, 1, -1});
    auto app = results.create_appendable<std::int64_t>("app", 16, 4);
    for (std::int64_t i = 0; i < 1000; i += 10) {
      std::vector<std::int64_t> block(10);
      std::iota(block.begin(), block.end(), i);
      app.append(block);
    }
    auto phases = results.create_appendable("phases", {{"a", 3}, {"b", -2}}, 4, 1);
    phases.append(std::vector<std::int8_t>{3, -2, 3, 3, -2});
    file.close();
  }
  const fs::path script = dir_ / "check.py";
  std::ofstream(script) << R"PY(
import sys
import h5py
import numpy as np

f = h5py.File(sys.argv[1], "r")
a = f.attrs
assert isinstance(a["title"], str) and a["title"] == "launchmc \u2713 r\u00e9sum\u00e9", a["title"]
assert a["seed"] == 18446744073709551615 and a["seed"].dtype == np.uint64, a["seed"]
assert a["n"] == -5 and a["n"].dtype == np.int64
assert a["g0"] == 9.80665
r = f["results"]
assert sorted(r.keys()) == ["app", "f", "i32", "i64", "i8", "names", "phase", "phases", "u64",
                            "u8", "x"], list(r.keys())
assert r["x"].dtype == np.float64 and list(r["x"][()]) == [0.5, -1.0, 1e300]
assert r["x"].attrs["units"] == "m"
assert r["f"].dtype == np.float32 and r["f"][0] == 0.25
assert r["i8"].dtype == np.int8 and list(r["i8"][()]) == [-128, 127]
assert r["u8"].dtype == np.uint8 and list(r["u8"][()]) == [0, 255]
assert r["i32"].dtype == np.int32 and list(r["i32"][()]) == [-7]
assert r["i64"].dtype == np.int64 and r["i64"][0] == -2**63
assert r["u64"].dtype == np.uint64 and r["u64"][0] == 2**64 - 1
assert h5py.check_string_dtype(r["names"].dtype).encoding == "utf-8"
assert list(r["names"].asstr()[()]) == ["alpha", "\u03b2-\u03b3", ""]
assert h5py.check_enum_dtype(r["phase"].dtype) == {"ascent": 0, "coast": 1, "lost": -1}
assert list(r["phase"][()]) == [0, 1, -1]
assert h5py.check_enum_dtype(r["phases"].dtype) == {"a": 3, "b": -2}
assert list(r["phases"][()]) == [3, -2, 3, 3, -2]
app = r["app"]
assert app.maxshape == (None,) and app.chunks == (16,), (app.maxshape, app.chunks)
assert app.compression == "gzip" and app.compression_opts == 4 and app.shuffle
assert np.array_equal(app[()], np.arange(1000, dtype=np.int64))
print("h5py OK")
)PY";
  const std::string command =
      "/usr/bin/python3 '" + script.string() + "' '" + path.string() + "' 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = ::pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status)) << output;
  EXPECT_EQ(WEXITSTATUS(status), 0) << output;
  EXPECT_NE(output.find("h5py OK"), std::string::npos) << output;
}

}  // namespace
