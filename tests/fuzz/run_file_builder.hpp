// Builds a run file through the HDF5 C API from fuzzer bytes: the layout of docs/hdf5_format.md,
// with every attribute, group and dataset present, missing or of the wrong type, datasets of any
// length, codes in and out of range, NaN and infinities, odd body names, chunked or contiguous.
// The HDF5 structure itself is always well formed (libhdf5 wrote it), so the fuzzer explores
// launchmc's reader rather than libhdf5's decoder of damaged metadata (whose hangs and leaks on
// raw damaged bytes are upstream issues: see docs/DEVELOPING.md, "Fuzzing").
#pragma once

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace launchmc::fuzz {

// Consumes the input front to back; past its end every read gives 0.
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | u8();
    return v;
  }
  // Mostly values that mean something to the reader, sometimes any 64 bits.
  double number() {
    static constexpr double kInf = std::numeric_limits<double>::infinity();
    static const double table[] = {0.0,   1.0,   -1.0, std::nan(""), kInf, -kInf, 1e308, 200e3,
                                   500e3, 6.8e6, 1e-3, 97.0,         39.6, 124.7, -90.0, 300.0};
    const std::uint8_t k = u8();
    if (k < 240) return table[k % 16];
    double d = 0;
    const std::uint64_t bits = u64();
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }
  std::size_t remaining() const { return size_ - std::min(pos_, size_); }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

namespace detail {

// Closes an HDF5 id of any kind at scope exit.
struct Id {
  hid_t id;
  explicit Id(hid_t i) : id(i) {}
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  ~Id() {
    if (id < 0) return;
    switch (H5Iget_type(id)) {
      case H5I_FILE:
        H5Fclose(id);
        break;
      case H5I_GROUP:
        H5Gclose(id);
        break;
      case H5I_DATASET:
        H5Dclose(id);
        break;
      case H5I_DATASPACE:
        H5Sclose(id);
        break;
      case H5I_DATATYPE:
        H5Tclose(id);
        break;
      case H5I_ATTR:
        H5Aclose(id);
        break;
      case H5I_GENPROP_LST:
        H5Pclose(id);
        break;
      default:
        break;
    }
  }
  operator hid_t() const { return id; }
};

inline hid_t vlen_string_type() {
  const hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return t;
}

inline void attribute(hid_t obj, const char* name, hid_t type, const void* value) {
  Id space(H5Screate(H5S_SCALAR));
  Id a(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT));
  if (a >= 0) H5Awrite(a, type, value);
}

inline void string_attribute(hid_t obj, const char* name, const std::string& value) {
  Id type(vlen_string_type());
  const char* p = value.c_str();
  attribute(obj, name, type, &p);
}

// Sets attribute `name`: absent, of the wrong type, or `good` (a string) / a number.
inline void fuzzed_string_attribute(Bytes& in, hid_t obj, const char* name,
                                    const std::vector<std::string>& choices) {
  const std::uint8_t k = in.u8();
  if (k % 16 == 0) return;  // missing
  if (k % 16 == 1) {
    const double d = in.number();
    attribute(obj, name, H5T_NATIVE_DOUBLE, &d);  // a number where a string belongs
    return;
  }
  string_attribute(obj, name, choices[(k / 16) % choices.size()]);
}

inline void fuzzed_number_attribute(Bytes& in, hid_t obj, const char* name, bool unsigned_int) {
  const std::uint8_t k = in.u8();
  if (k % 16 == 0) return;
  if (k % 16 == 1) {
    string_attribute(obj, name, "1");
    return;
  }
  if (unsigned_int && k % 16 != 2) {
    const std::uint64_t v = k % 16 == 3 ? in.u64() : in.u8();
    attribute(obj, name, H5T_STD_U64LE, &v);
    return;
  }
  const double d = in.number();
  attribute(obj, name, H5T_IEEE_F64LE, &d);
}

// A 1-D dataset of `n` elements of file type `type` from memory type `mem` (chunked or not).
inline void dataset(hid_t loc, const std::string& name, hid_t type, hid_t mem, const void* data,
                    std::size_t n, bool chunked) {
  const hsize_t dims[1] = {n};
  const hsize_t max_dims[1] = {chunked ? H5S_UNLIMITED : n};
  Id space(H5Screate_simple(1, dims, max_dims));
  Id dcpl(H5Pcreate(H5P_DATASET_CREATE));
  if (chunked) {
    const hsize_t chunk[1] = {8};
    H5Pset_chunk(dcpl, 1, chunk);
    H5Pset_shuffle(dcpl);
    H5Pset_deflate(dcpl, 1);
  }
  Id ds(H5Dcreate2(loc, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
  if (ds >= 0 && n > 0) H5Dwrite(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
}

// Rows of a column: `rows`, or (rarely) a few more or fewer.
inline std::size_t column_length(Bytes& in, std::size_t rows) {
  const std::uint8_t k = in.u8();
  if (k < 248) return rows;
  return k % 2 ? rows + (k % 4) : (rows > (k % 4) ? rows - (k % 4) : 0);
}

inline void double_column(Bytes& in, hid_t loc, const std::string& name, std::size_t rows,
                          bool chunked) {
  const std::uint8_t k = in.u8();
  if (k == 0) return;  // missing
  std::vector<double> v(column_length(in, rows));
  for (double& x : v) x = in.number();
  if (k == 1) {  // stored as integers
    std::vector<std::int64_t> ints(v.size());
    for (std::size_t i = 0; i < v.size(); ++i)
      ints[i] = std::isfinite(v[i]) ? static_cast<std::int64_t>(std::fmod(v[i], 1e15)) : 0;
    dataset(loc, name, H5T_STD_I64LE, H5T_NATIVE_INT64, ints.data(), ints.size(), chunked);
    return;
  }
  dataset(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, v.data(), v.size(), chunked);
}

// An int8 code column, as an HDF5 enum of `members` (the writer's way), plain int8 or double.
inline void code_column(Bytes& in, hid_t loc, const std::string& name, std::size_t rows,
                        int n_codes, int lowest, bool chunked) {
  const std::uint8_t k = in.u8();
  if (k == 0) return;
  std::vector<std::int8_t> v(column_length(in, rows));
  for (auto& x : v) {
    const std::uint8_t b = in.u8();
    x = b < 250 ? static_cast<std::int8_t>(lowest + b % n_codes) : static_cast<std::int8_t>(b * 37);
  }
  if (k == 1) {
    std::vector<double> d(v.begin(), v.end());
    dataset(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, d.data(), d.size(), chunked);
  } else if (k < 128) {
    dataset(loc, name, H5T_STD_I8LE, H5T_NATIVE_INT8, v.data(), v.size(), chunked);
  } else {
    Id type(H5Tenum_create(H5T_NATIVE_INT8));
    for (int c = 0; c < n_codes; ++c) {
      const std::int8_t value = static_cast<std::int8_t>(lowest + c);
      H5Tenum_insert(type, ("m" + std::to_string(c)).c_str(), &value);
    }
    dataset(loc, name, type, type, v.data(), v.size(), chunked);
  }
}

inline void string_dataset(hid_t loc, const char* name, const std::vector<std::string>& values) {
  std::vector<const char*> p;
  for (const auto& s : values) p.push_back(s.c_str());
  Id type(vlen_string_type());
  dataset(loc, name, type, type, p.data(), p.size(), false);
}

}  // namespace detail

// Writes the file at `path` from the input. Never throws; HDF5 failures just leave things out.
inline void build_run_file(const std::string& path, const std::uint8_t* data, std::size_t size) {
  using namespace detail;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Bytes in(data, size);
  Id fapl(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST);
  Id file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl));
  if (file < 0) return;
  Id root(H5Gopen2(file, "/", H5P_DEFAULT));
  const bool chunked = in.u8() % 2 == 0;
  fuzzed_string_attribute(in, root, "format",
                          {"launchmc-run", "launchmc-run", "launchmc-flight", ""});
  fuzzed_string_attribute(in, root, "format_version", {"1.0", "1.0", "1.9", "2.0", "", "1", "x.y"});
  fuzzed_number_attribute(in, root, "seed", true);
  fuzzed_string_attribute(in, root, "sampler", {"mc", "lhs", "sobol", ""});
  fuzzed_string_attribute(in, root, "scenario", {"fuzz", ""});
  fuzzed_string_attribute(in, root, "success_status", {"orbit", "suborbital", "crash", ""});
  fuzzed_number_attribute(in, root, "site_lat_deg", false);
  fuzzed_number_attribute(in, root, "site_lon_deg", false);
  fuzzed_number_attribute(in, root, "elapsed_s", false);
  fuzzed_number_attribute(in, root, "block_size", true);
  fuzzed_string_attribute(in, root, "config_text", {"name: fuzz\n", ""});
  fuzzed_number_attribute(in, root, "samples", true);

  const std::size_t rows = in.u8() % 48;
  const int n_failures = in.u8() % 4;
  if (n_failures > 0) {
    Id g(H5Gcreate2(root, "failure_modes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    std::vector<std::string> names;
    for (int i = 0; i < n_failures; ++i) names.push_back("f" + std::to_string(i));
    if (in.u8() % 8 != 0) string_dataset(g, "name", names);
  }
  {
    Id inputs(H5Gcreate2(root, "inputs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    const int n_drawn = in.u8() % 3;
    for (int i = 0; i < n_drawn; ++i)
      double_column(in, inputs, "vehicle.stages[0].x" + std::to_string(i), rows, chunked);
    if (in.u8() == 255) {
      Id sub(H5Gcreate2(inputs, "a_group", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    }
  }
  if (in.u8() % 4 == 0) {
    Id g(H5Gcreate2(root, "target_orbit", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    for (const char* a : {"perigee_alt_km", "apogee_alt_km", "inclination_deg", "raan_deg",
                          "tolerance_alt_km", "tolerance_incl_deg"})
      fuzzed_number_attribute(in, g, a, false);
  }
  {
    Id outcome(H5Gcreate2(root, "outcome", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    code_column(in, outcome, "status", rows, 6, 0, chunked);
    code_column(in, outcome, "failure_mode", rows, n_failures + 1, -1, chunked);
    code_column(in, outcome, "powered_flight_end", rows, 6, 0, chunked);
    for (const char* c : {"insertion_time_s", "perigee_alt_m", "apogee_alt_m", "semi_major_axis_m",
                          "eccentricity", "inclination_deg", "raan_deg", "arg_perigee_deg",
                          "max_q_Pa", "vehicle_apogee_alt_m", "range_m", "flight_time_s",
                          "vehicle_impact_lat_deg", "vehicle_impact_lon_deg", "rhs_evaluations"})
      double_column(in, outcome, c, rows, chunked);
  }
  {
    static const char* kNames[] = {"stage1", "fairing_1", "payload", "stage1",
                                   "",       ".",         "a/b",     "stage2"};
    const int n_bodies = in.u8() % 4;
    std::vector<std::string> names;
    for (int i = 0; i < n_bodies; ++i) names.push_back(kNames[in.u8() % 8]);
    if (in.u8() % 16 != 0) string_dataset(root, "body_names", names);
    Id bodies(H5Gcreate2(root, "bodies", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    for (const auto& name : names) {
      if (in.u8() % 16 == 0) continue;  // the group is missing
      Id g(H5Gcreate2(bodies, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
      if (g < 0) continue;  // "", "." or a name HDF5 refuses
      {  // The class (a label), or in files of older versions an integer kind, or neither.
        static const char* kClasses[] = {"spent_stage", "fairing_piece", "payload", ""};
        const std::uint8_t k = in.u8();
        if (k > 0 && k < 200) string_attribute(g, "class", kClasses[k % 4]);
        if (k >= 200) {
          const std::int64_t v = k < 250 ? k % 4 : static_cast<std::int64_t>(in.u64());
          attribute(g, "kind", H5T_STD_I64LE, &v);
        }
        const std::uint8_t i = in.u8();  // an extra legacy "index", which readers ignore
        if (i != 0) {
          const std::int64_t v = i;
          attribute(g, "index", H5T_STD_I64LE, &v);
        }
      }
      for (const char* a : {"nominal_impact_lat_deg", "nominal_impact_lon_deg"})
        fuzzed_number_attribute(in, g, a, false);
      code_column(in, g, "fate", rows, 5, 0, chunked);
      for (const char* c : {"impact_lat_deg", "impact_lon_deg", "impact_time_s", "impact_speed_mps",
                            "impact_flight_path_angle_deg"})
        double_column(in, g, c, rows, chunked);
    }
  }
}

}  // namespace launchmc::fuzz
