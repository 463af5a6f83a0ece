// Issue 13: parallel HDF5 collective writes against a gather to rank 0, measured.
//
// Writes the fixed-width per-sample columns of a launchmc run file (the Chollima-1 layout: 80
// 1-D columns, 65 float64, 11 int8, 3 uint64, 1 int64; chunks of 8192 elements, shuffle +
// deflate level 4, fill time "never", as src/io/hdf5_file.cpp and src/io/run_file.cpp create
// them) for N rows split over the R ranks of MPI_COMM_WORLD in contiguous ranges (rank r holds
// rows [r*N/R, (r+1)*N/R)), in one of these ways:
//
//   collective[@S]   one file opened by every rank with the MPI-IO driver; each rank writes its
//                    own hyperslab with H5FD_MPIO_COLLECTIVE, once per column (S = all, the
//                    default) or in slices of S rows (every rank takes part in every write call;
//                    a rank with no rows left in a slice writes an empty selection).
//   independent[@S]  the same with H5FD_MPIO_INDEPENDENT (HDF5 1.10 refuses it for filtered
//                    datasets: the error is printed and the mode is skipped).
//   gather[@S]       ranks 1..R-1 send their rows to rank 0 in slices of S rows (default 4096;
//                    S = all: one message per rank), all 80 columns of a slice packed in one
//                    MPI_Send; rank 0 writes the single file with the serial (sec2) driver,
//                    appending slice by slice as the product's writer does: first its own rows,
//                    then rank 1's, then rank 2's, ...
//
// The values are deterministic pseudo-random functions of (column, global row), so every mode
// and every R writes the same file contents (checked with --verify or h5diff) and the deflate
// filter does real work: each column imitates its real counterpart's look (random mantissas,
// NaN for failed or for successful flights, constants; see Look), and the achieved compression
// ratio is printed (the real file's 80 columns compress 1.63:1).
//
// Timing: the buffers are filled before the timed phase. The phase starts after an
// MPI_Barrier and ends, on each rank, when its H5Fclose returns; the time reported is the
// maximum over the ranks (MPI_Wtime, seconds). It includes creating the file and the 80
// datasets, the writes (with shuffle + deflate) and the close (which flushes the last chunks);
// not an fsync: the file may still be in the page cache.
//
// Usage: bench_hdf5_write --rows N [--modes collective@all,collective@4096,gather@4096]
//                         [--repeat K] [--out PATH] [--verify] [--keep]
// Modes are run interleaved: repeat 1 of every mode, then repeat 2 of every mode, ...

#include <hdf5.h>
#include <mpi.h>

#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#if !defined(H5_HAVE_PARALLEL)
#error "bench_hdf5_write needs a parallel HDF5 (libhdf5-openmpi-dev): see README.md"
#endif

namespace {

// --- the layout --------------------------------------------------------------------------------

// The run file's chunk length (elements) and deflate level (src/io/run_file.cpp kChunk, kDeflate).
constexpr hsize_t kChunk = 8192;
constexpr unsigned kDeflate = 4;

enum class Kind { f64, i8, u64, i64 };

std::size_t bytes_of(Kind k) { return k == Kind::i8 ? 1 : 8; }

hid_t memory_type(Kind k) {
  switch (k) {
    case Kind::f64:
      return H5T_NATIVE_DOUBLE;
    case Kind::i8:
      return H5T_NATIVE_INT8;
    case Kind::u64:
      return H5T_NATIVE_UINT64;
    case Kind::i64:
      return H5T_NATIVE_INT64;
  }
  return -1;
}

hid_t file_type(Kind k) {
  switch (k) {
    case Kind::f64:
      return H5T_IEEE_F64LE;
    case Kind::i8:
      return H5T_STD_I8LE;  // the product stores some of these as enums of int8: same bytes
    case Kind::u64:
      return H5T_STD_U64LE;
    case Kind::i64:
      return H5T_STD_I64LE;
  }
  return -1;
}

// How a column's values look in the real file (Chollima-1, 100,000 rows), which sets how well
// shuffle + deflate compress it: most float64 columns are measured quantities (random mantissa,
// 1.1-1.4:1), some are NaN for the 91 % of flights that reach orbit or for the 9 % that fail
// (~4.7:1), some are NaN or constant throughout (~250:1).
enum class Look {
  random,           // float64: scale * (1 + 0.1 u); int8: 0 for flights that reach orbit, else 1..3
  nan_unless_fail,  // float64: NaN for the 91 % of rows that reach orbit (impact of the vehicle)
  nan_if_fail,      // float64: NaN for the 9 % of rows that fail (orbital elements)
  all_nan,          // float64: NaN throughout (a body that never impacts: stage3)
  constant,         // the same value throughout (weight, fate of bodies that always impact, ...)
  few,              // float64: one of 3 values (failure.mode)
};

struct Column {
  std::string path;  // dataset path in the file
  Kind kind;
  double scale;  // float64: typical magnitude of the values (sets the exponent bytes)
  Look look = Look::random;
};

// The 80 fixed-width per-sample columns of a Chollima-1 run file (100,000 samples: 25 drawn
// inputs, 21 outcome columns, 5 bodies of 6 columns, the design and two row_end columns of the
// ragged tables), with the look each has there. Names follow the file; the values are synthetic.
std::vector<Column> layout() {
  std::vector<Column> c;
  double s = 1.0;  // scales 3.7^k etc.: different exponents per column, as physical units give
  const char* inputs[] = {"env.density_xi",
                          "env.wind_east_xi",
                          "env.wind_north_xi",
                          "failure.mode",
                          "failure.time_s",
                          "launch.azimuth_deg",
                          "vehicle.fairing.drag.cd_scale",
                          "vehicle.fairing.separation_speed_mps",
                          "vehicle.stages[0].dry_mass_kg",
                          "vehicle.stages[0].isp_vac_s",
                          "vehicle.stages[0].propellant_mass_kg",
                          "vehicle.stages[0].spent_drag.cd_scale",
                          "vehicle.stages[0].stack_drag.cd_scale",
                          "vehicle.stages[0].thrust_vac_N",
                          "vehicle.stages[1].isp_vac_s",
                          "vehicle.stages[1].spent_drag.cd_scale",
                          "vehicle.stages[1].thrust_vac_N",
                          "vehicle.stages[2].guidance.navigation.position_bias_m[0]",
                          "vehicle.stages[2].guidance.navigation.position_bias_m[1]",
                          "vehicle.stages[2].guidance.navigation.position_bias_m[2]",
                          "vehicle.stages[2].guidance.navigation.velocity_bias_mps[0]",
                          "vehicle.stages[2].guidance.navigation.velocity_bias_mps[1]",
                          "vehicle.stages[2].guidance.navigation.velocity_bias_mps[2]",
                          "vehicle.stages[2].isp_vac_s",
                          "vehicle.stages[2].thrust_vac_N"};
  for (const char* n : inputs) {
    const std::string name = n;
    const Look look = name == "failure.mode"     ? Look::few
                      : name == "failure.time_s" ? Look::nan_unless_fail
                                                 : Look::random;
    c.push_back({"inputs/" + name, Kind::f64, s *= 3.7, look});
  }
  const std::pair<const char*, Look> outcome_f64[] = {
      {"apogee_alt_m", Look::nan_if_fail},
      {"arg_perigee_deg", Look::nan_if_fail},
      {"eccentricity", Look::nan_if_fail},
      {"flight_time_s", Look::nan_unless_fail},
      {"inclination_deg", Look::nan_if_fail},
      {"insertion_time_s", Look::nan_if_fail},
      {"max_q_Pa", Look::random},
      {"perigee_alt_m", Look::nan_if_fail},
      {"raan_deg", Look::nan_if_fail},
      {"range_m", Look::nan_unless_fail},
      {"semi_major_axis_m", Look::nan_if_fail},
      {"vehicle_apogee_alt_m", Look::nan_unless_fail},
      {"vehicle_impact_lat_deg", Look::nan_unless_fail},
      {"vehicle_impact_lon_deg", Look::nan_unless_fail},
      {"weight", Look::constant}};
  for (const auto& [n, look] : outcome_f64) {
    c.push_back({std::string("outcome/") + n, Kind::f64, s *= 0.6, look});
  }
  const std::pair<const char*, Look> outcome_i8[] = {{"breakup_cause", Look::constant},
                                                     {"failure_mode", Look::random},
                                                     {"powered_flight_end", Look::random},
                                                     {"status", Look::random},
                                                     {"termination_rule", Look::constant}};
  for (const auto& [n, look] : outcome_i8) {
    c.push_back({std::string("outcome/") + n, Kind::i8, 0, look});
  }
  c.push_back({"outcome/rhs_evaluations", Kind::i64, 0});
  for (const char* body : {"fairing_1", "fairing_2", "stage1", "stage2", "stage3"}) {
    const std::string g = std::string("bodies/") + body + "/";
    const bool stage2 = g == "bodies/stage2/", stage3 = g == "bodies/stage3/";
    c.push_back({g + "fate", Kind::i8, 0, stage2 || stage3 ? Look::random : Look::constant});
    for (const char* n : {"impact_flight_path_angle_deg", "impact_lat_deg", "impact_lon_deg",
                          "impact_speed_mps", "impact_time_s"}) {
      c.push_back({g + n, Kind::f64, s *= 1.9,
                   stage3   ? Look::all_nan
                   : stage2 ? Look::nan_if_fail
                            : Look::random});
    }
  }
  c.push_back({"design/stream_index", Kind::u64, 0});
  c.push_back({"design/stratum", Kind::i8, 0, Look::constant});
  c.push_back({"iip/row_end", Kind::u64, 0});
  c.push_back({"other_bodies/row_end", Kind::u64, 0, Look::constant});
  return c;
}

// --- deterministic values ----------------------------------------------------------------------

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t hash(std::size_t column, std::uint64_t row) {
  return mix((static_cast<std::uint64_t>(column + 1) << 40) ^ row);
}

// Whether a row's flight fails (9 % of rows, as in the real file): the same for every column.
bool fails(std::uint64_t row) { return mix(row) % 100 < 9; }

// Fills n values of column c, global rows [first, first+n), into out (n * bytes_of(kind) bytes).
// The values depend on (column, global row) only, so every mode and R writes the same file.
void fill(const Column& col, std::size_t c, std::uint64_t first, std::size_t n, void* out) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t row = first + i;
    const std::uint64_t h = hash(c, row);
    const bool failed = fails(row);
    switch (col.kind) {
      case Kind::f64: {
        // u uniform in [-1, 1): sign and exponent bytes repeat, the mantissa is random.
        const double u = static_cast<double>(h >> 11) * 0x1.0p-53 * 2.0 - 1.0;
        const double v = col.scale * (1.0 + 0.1 * u);
        double x = v;
        switch (col.look) {
          case Look::random:
            break;
          case Look::nan_unless_fail:
            x = failed ? v : nan;
            break;
          case Look::nan_if_fail:
            x = failed ? nan : v;
            break;
          case Look::all_nan:
            x = nan;
            break;
          case Look::constant:
            x = 1.0;
            break;
          case Look::few:
            x = failed ? static_cast<double>(h % 2) : -1.0;
            break;
        }
        static_cast<double*>(out)[i] = x;
        break;
      }
      case Kind::i8:
        static_cast<std::int8_t*>(out)[i] = static_cast<std::int8_t>(
            col.look == Look::constant || !failed ? 0 : 1 + static_cast<int>(h % 3));
        break;
      case Kind::u64: {
        std::uint64_t v = 0;
        if (col.path == "design/stream_index") v = row;
        if (col.path == "iip/row_end") v = 134 * (row + 1) + (h % 64);  // growing, ~134 a row
        static_cast<std::uint64_t*>(out)[i] = v;
        break;
      }
      case Kind::i64:  // integration steps: 3000-4999
        static_cast<std::int64_t*>(out)[i] = 3000 + static_cast<std::int64_t>(h % 2000);
        break;
    }
  }
}

// --- HDF5 helpers ------------------------------------------------------------------------------

struct H5Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws on a negative HDF5 return value, after printing HDF5's error stack (on this rank).
template <typename T>
T check(T status, const char* what) {
  if (status < 0) {
    H5Eprint2(H5E_DEFAULT, stderr);
    throw H5Failure(what);
  }
  return status;
}
#define CHECK(expr) check((expr), #expr)

// The product's dataset creation properties: chunks of 8192 elements, no fill values written
// (every element is written), shuffle + deflate 4.
hid_t make_dcpl() {
  hid_t dcpl = CHECK(H5Pcreate(H5P_DATASET_CREATE));
  CHECK(H5Pset_chunk(dcpl, 1, &kChunk));
  CHECK(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER));
  CHECK(H5Pset_shuffle(dcpl));
  CHECK(H5Pset_deflate(dcpl, kDeflate));
  return dcpl;
}

// The product's dataset access properties: a chunk cache of two chunks, fully written chunks
// evicted first (src/io/hdf5_file.cpp appendable_access_plist).
hid_t make_dapl(Kind k) {
  hid_t dapl = CHECK(H5Pcreate(H5P_DATASET_ACCESS));
  CHECK(H5Pset_chunk_cache(dapl, H5D_CHUNK_CACHE_NSLOTS_DEFAULT, 2 * kChunk * bytes_of(k), 1.0));
  return dapl;
}

// Creates every column (intermediate groups made on the way) with `rows` rows of N max
// unlimited. Collective when the file is opened with the MPI-IO driver.
std::vector<hid_t> create_columns(hid_t file, const std::vector<Column>& cols, hsize_t rows) {
  hid_t lcpl = CHECK(H5Pcreate(H5P_LINK_CREATE));
  CHECK(H5Pset_create_intermediate_group(lcpl, 1));
  hid_t dcpl = make_dcpl();
  const hsize_t max_dims = H5S_UNLIMITED;
  hid_t space = CHECK(H5Screate_simple(1, &rows, &max_dims));
  std::vector<hid_t> ds;
  for (const Column& c : cols) {
    hid_t dapl = make_dapl(c.kind);
    ds.push_back(
        CHECK(H5Dcreate2(file, c.path.c_str(), file_type(c.kind), space, lcpl, dcpl, dapl)));
    CHECK(H5Pclose(dapl));
  }
  CHECK(H5Sclose(space));
  CHECK(H5Pclose(dcpl));
  CHECK(H5Pclose(lcpl));
  return ds;
}

// Writes n rows from buf at file rows [offset, offset+n) of ds (n may be 0: an empty selection,
// which a collective write still needs from every rank).
void write_rows(hid_t ds, Kind k, hsize_t offset, hsize_t n, const void* buf, hid_t dxpl) {
  hid_t fspace = CHECK(H5Dget_space(ds));
  const hsize_t one = std::max<hsize_t>(n, 1);
  hid_t mspace = CHECK(H5Screate_simple(1, &one, nullptr));
  if (n == 0) {
    CHECK(H5Sselect_none(fspace));
    CHECK(H5Sselect_none(mspace));
  } else {
    CHECK(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &offset, nullptr, &n, nullptr));
  }
  CHECK(H5Dwrite(ds, memory_type(k), mspace, fspace, dxpl, buf));
  CHECK(H5Sclose(mspace));
  CHECK(H5Sclose(fspace));
}

// Appends n rows (serial file): extends the dataset, then writes the new rows, as
// h5::AppendableDataset::append does in the product.
void append_rows(hid_t ds, Kind k, hsize_t& size, hsize_t n, const void* buf) {
  const hsize_t new_size = size + n;
  CHECK(H5Dset_extent(ds, &new_size));
  write_rows(ds, k, size, n, buf, H5P_DEFAULT);
  size = new_size;
}

// --- the ranks' rows ---------------------------------------------------------------------------

struct Part {
  std::uint64_t first = 0, rows = 0;  // global rows [first, first+rows)
};

Part part_of(int r, int ranks, std::uint64_t n) {
  const std::uint64_t b = n * static_cast<std::uint64_t>(r) / static_cast<std::uint64_t>(ranks);
  const std::uint64_t e = n * static_cast<std::uint64_t>(r + 1) / static_cast<std::uint64_t>(ranks);
  return {b, e - b};
}

// One buffer per column holding a part's rows.
using Buffers = std::vector<std::vector<unsigned char>>;

Buffers make_buffers(const std::vector<Column>& cols, Part p) {
  Buffers b(cols.size());
  for (std::size_t c = 0; c < cols.size(); ++c) {
    b[c].resize(p.rows * bytes_of(cols[c].kind));
    fill(cols[c], c, p.first, p.rows, b[c].data());
  }
  return b;
}

// --- the modes ---------------------------------------------------------------------------------

struct Mode {
  std::string name;   // collective, independent, gather
  hsize_t slice = 0;  // rows per write (or per message); 0: all of a rank's rows at once
  // "collective@all": each rank's rows in one write per column; "gather@4096": slices of 4096.
  std::string label() const { return name + "@" + (slice ? std::to_string(slice) : "all"); }
};

// collective / independent: every rank opens the file with MPI-IO and writes its own rows.
void write_parallel(const std::string& path, const std::vector<Column>& cols, const Buffers& mine,
                    Part p, std::uint64_t n, int ranks, const Mode& m, bool report_props,
                    int rank) {
  hid_t fapl = CHECK(H5Pcreate(H5P_FILE_ACCESS));
  CHECK(H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL));
  hid_t file = CHECK(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl));
  CHECK(H5Pclose(fapl));
  // The final size is known to every rank before the writes (the plan fixes N), so the datasets
  // are created at N rows: no collective H5Dset_extent per slice.
  std::vector<hid_t> ds = create_columns(file, cols, n);
  if (report_props && rank == 0) {
    hid_t dcpl = CHECK(H5Dget_create_plist(ds[0]));
    H5D_alloc_time_t at;
    CHECK(H5Pget_alloc_time(dcpl, &at));
    std::printf(
        "# parallel dataset creation: allocation time %s (the serial file's is incremental)\n",
        at == H5D_ALLOC_TIME_EARLY  ? "EARLY"
        : at == H5D_ALLOC_TIME_INCR ? "INCR"
                                    : "LATE/DEFAULT");
    CHECK(H5Pclose(dcpl));
  }
  hid_t dxpl = CHECK(H5Pcreate(H5P_DATASET_XFER));
  CHECK(H5Pset_dxpl_mpio(dxpl,
                         m.name == "independent" ? H5FD_MPIO_INDEPENDENT : H5FD_MPIO_COLLECTIVE));
  if (m.slice == 0) {
    for (std::size_t c = 0; c < cols.size(); ++c) {
      write_rows(ds[c], cols[c].kind, p.first, p.rows, mine[c].data(), dxpl);
    }
  } else {
    // Every rank makes the same number of write calls (collective): the largest part's count.
    std::uint64_t most = 0;
    for (int r = 0; r < ranks; ++r) most = std::max(most, part_of(r, ranks, n).rows);
    const std::uint64_t slices = (most + m.slice - 1) / m.slice;
    for (std::uint64_t s = 0; s < slices; ++s) {
      const std::uint64_t b = std::min<std::uint64_t>(s * m.slice, p.rows);
      const std::uint64_t e = std::min<std::uint64_t>(b + m.slice, p.rows);
      for (std::size_t c = 0; c < cols.size(); ++c) {
        write_rows(ds[c], cols[c].kind, p.first + b, e - b,
                   mine[c].data() + b * bytes_of(cols[c].kind), dxpl);
      }
    }
  }
  CHECK(H5Pclose(dxpl));
  for (hid_t d : ds) CHECK(H5Dclose(d));
  CHECK(H5Fclose(file));
}

// gather: rank 0 writes everything through the serial driver; the others send their rows.
void write_gather(const std::string& path, const std::vector<Column>& cols, const Buffers& mine,
                  Part p, std::uint64_t n, int ranks, const Mode& m, int rank) {
  const hsize_t slice = m.slice ? m.slice : std::max<hsize_t>(p.rows, 1);
  std::size_t row_bytes = 0;  // bytes of one row over all columns (563 for this layout)
  for (const Column& c : cols) row_bytes += bytes_of(c.kind);
  if (rank != 0) {
    // Pack each slice's columns one after another and send it: one message per slice.
    std::vector<unsigned char> msg;
    for (std::uint64_t b = 0; b < p.rows; b += slice) {
      const std::uint64_t k = std::min<std::uint64_t>(slice, p.rows - b);
      msg.resize(k * row_bytes);
      std::size_t at = 0;
      for (std::size_t c = 0; c < cols.size(); ++c) {
        const std::size_t w = bytes_of(cols[c].kind);
        std::memcpy(msg.data() + at, mine[c].data() + b * w, k * w);
        at += k * w;
      }
      MPI_Send(msg.data(), static_cast<int>(msg.size()), MPI_BYTE, 0, 7, MPI_COMM_WORLD);
    }
    return;
  }
  hid_t file = CHECK(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));  // sec2
  std::vector<hid_t> ds = create_columns(file, cols, 0);  // appendable, grown by each append
  hsize_t size = 0;
  // Rank 0's own rows, slice by slice (as it flies them in the product).
  for (std::uint64_t b = 0; b < p.rows; b += slice) {
    const std::uint64_t k = std::min<std::uint64_t>(slice, p.rows - b);
    for (std::size_t c = 0; c < cols.size(); ++c) {
      hsize_t s = size;
      append_rows(ds[c], cols[c].kind, s, k, mine[c].data() + b * bytes_of(cols[c].kind));
    }
    size += k;
  }
  // Then rank 1's rows, rank 2's, ... in row order.
  std::vector<unsigned char> msg;
  for (int src = 1; src < ranks; ++src) {
    const Part q = part_of(src, ranks, n);
    for (std::uint64_t b = 0; b < q.rows; b += slice) {
      const std::uint64_t k = std::min<std::uint64_t>(slice, q.rows - b);
      msg.resize(k * row_bytes);
      MPI_Recv(msg.data(), static_cast<int>(msg.size()), MPI_BYTE, src, 7, MPI_COMM_WORLD,
               MPI_STATUS_IGNORE);
      std::size_t at = 0;
      for (std::size_t c = 0; c < cols.size(); ++c) {
        hsize_t s = size;
        append_rows(ds[c], cols[c].kind, s, k, msg.data() + at);
        at += k * bytes_of(cols[c].kind);
      }
      size += k;
    }
  }
  for (hid_t d : ds) CHECK(H5Dclose(d));
  CHECK(H5Fclose(file));
}

// Rank 0 alone: reads every column back (serial driver) and compares it with the generator.
bool verify(const std::string& path, const std::vector<Column>& cols, std::uint64_t n) {
  hid_t file = CHECK(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  bool ok = true;
  std::vector<unsigned char> got, want;
  for (std::size_t c = 0; c < cols.size() && ok; ++c) {
    hid_t ds = CHECK(H5Dopen2(file, cols[c].path.c_str(), H5P_DEFAULT));
    hid_t space = CHECK(H5Dget_space(ds));
    hsize_t dims = 0;
    CHECK(H5Sget_simple_extent_dims(space, &dims, nullptr));
    got.resize(n * bytes_of(cols[c].kind));
    want.resize(got.size());
    ok = dims == n;
    if (ok) {
      CHECK(H5Dread(ds, memory_type(cols[c].kind), H5S_ALL, H5S_ALL, H5P_DEFAULT, got.data()));
      fill(cols[c], c, 0, n, want.data());
      ok = got == want;
    }
    if (!ok) std::fprintf(stderr, "verify: column %s differs\n", cols[c].path.c_str());
    CHECK(H5Sclose(space));
    CHECK(H5Dclose(ds));
  }
  CHECK(H5Fclose(file));
  return ok;
}

// CPU seconds this process has used (all its threads: HDF5 and Open MPI's progress included).
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t k = v.size();
  return k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
}

[[noreturn]] void usage(int rank, const char* why) {
  if (rank == 0) {
    std::fprintf(stderr,
                 "%s\nusage: bench_hdf5_write --rows N [--modes collective,collective@4096,"
                 "gather@4096,independent] [--repeat K] [--out PATH] [--verify] [--keep]\n",
                 why);
  }
  MPI_Finalize();
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);

  std::uint64_t n = 0;
  int repeat = 5;
  std::string out = "/tmp/bench_hdf5_write.h5";
  std::string modes_arg = "collective@all,gather@4096";
  bool do_verify = false, keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(rank, ("missing value after " + a).c_str());
      return argv[++i];
    };
    if (a == "--rows" || a == "-n")
      n = std::stoull(value());
    else if (a == "--modes" || a == "--mode")
      modes_arg = value();
    else if (a == "--repeat")
      repeat = std::stoi(value());
    else if (a == "--out" || a == "-o")
      out = value();
    else if (a == "--verify")
      do_verify = true;
    else if (a == "--keep")
      keep = true;
    else
      usage(rank, ("unknown argument " + a).c_str());
  }
  if (n == 0 || repeat < 1) usage(rank, "--rows N (N > 0) is required, --repeat >= 1");
  if (n < static_cast<std::uint64_t>(ranks)) usage(rank, "need at least one row per rank");

  std::vector<Mode> modes;
  for (std::size_t b = 0; b <= modes_arg.size();) {
    std::size_t e = modes_arg.find(',', b);
    if (e == std::string::npos) e = modes_arg.size();
    std::string spec = modes_arg.substr(b, e - b);
    Mode m;
    const std::size_t at = spec.find('@');
    m.name = spec.substr(0, at);
    if (m.name == "gather") m.slice = 4096;
    if (at != std::string::npos) {
      const std::string rows = spec.substr(at + 1);
      m.slice = rows == "all" ? 0 : std::stoull(rows);
    }
    if (m.name != "collective" && m.name != "independent" && m.name != "gather") {
      usage(rank, ("unknown mode " + spec).c_str());
    }
    modes.push_back(m);
    b = e + 1;
  }

  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are printed by check() instead
  const std::vector<Column> cols = layout();
  std::size_t row_bytes = 0;
  for (const Column& c : cols) row_bytes += bytes_of(c.kind);
  const Part mine_part = part_of(rank, ranks, n);
  const Buffers mine = make_buffers(cols, mine_part);  // not timed: the rows a rank has flown

  if (rank == 0) {
    unsigned maj = 0, min = 0, rel = 0;
    H5get_libversion(&maj, &min, &rel);
    char mpi_version[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    MPI_Get_library_version(mpi_version, &len);
    std::printf("# HDF5 %u.%u.%u (parallel), %.*s\n", maj, min, rel,
                static_cast<int>(std::strcspn(mpi_version, ",\n")), mpi_version);
    std::printf(
        "# layout: %zu columns, %zu bytes per row uncompressed, chunk %llu elements, "
        "shuffle + deflate %u; R=%d N=%llu repeat=%d out=%s\n",
        cols.size(), row_bytes, static_cast<unsigned long long>(kChunk), kDeflate, ranks,
        static_cast<unsigned long long>(n), repeat, out.c_str());
  }

  std::map<std::string, std::vector<double>> seconds;
  std::map<std::string, std::vector<double>> cpu_all, cpu_rank0;  // CPU seconds per run
  std::map<std::string, std::uintmax_t> file_bytes;
  std::vector<bool> failed(modes.size(), false);
  for (int k = 0; k < repeat; ++k) {
    for (std::size_t mi = 0; mi < modes.size(); ++mi) {
      const Mode& m = modes[mi];
      if (failed[mi]) continue;
      if (rank == 0) std::filesystem::remove(out);
      MPI_Barrier(MPI_COMM_WORLD);
      const double t0 = MPI_Wtime();
      const double c0 = cpu_seconds();
      int ok = 1;
      try {
        if (m.name == "gather") {
          write_gather(out, cols, mine, mine_part, n, ranks, m, rank);
        } else {
          write_parallel(out, cols, mine, mine_part, n, ranks, m, k == 0, rank);
        }
      } catch (const H5Failure& e) {
        std::fprintf(stderr, "rank %d: %s failed: %s\n", rank, m.label().c_str(), e.what());
        ok = 0;
      }
      const double local = MPI_Wtime() - t0;
      // CPU time of the phase: rank 0's, and the sum over the ranks. A rank waiting in MPI
      // (a sender in MPI_Send, a collective) busy-polls with Open MPI's ob1, so its wait counts
      // as CPU: on an oversubscribed machine that steals cores from the ranks doing the work.
      const double cpu = cpu_seconds() - c0;
      double slowest = 0, cpu_sum = 0;
      int all_ok = 0;
      MPI_Reduce(&local, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
      MPI_Reduce(&cpu, &cpu_sum, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
      MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
      if (!all_ok) {
        // An HDF5 failure inside collective calls may leave objects open; the mode is skipped.
        if (rank == 0)
          std::printf("mode=%s R=%d N=%llu FAILED (HDF5 error above)\n", m.label().c_str(), ranks,
                      static_cast<unsigned long long>(n));
        failed[mi] = true;
        continue;
      }
      if (rank == 0) {
        const std::uintmax_t size = std::filesystem::file_size(out);
        seconds[m.label()].push_back(slowest);
        file_bytes[m.label()] = size;
        cpu_all[m.label()].push_back(cpu_sum);
        cpu_rank0[m.label()].push_back(cpu);
        std::printf(
            "mode=%-16s R=%d N=%-8llu run=%d seconds=%.4f us_per_row=%.3f file_bytes=%ju "
            "ratio=%.3f cpu_rank0_s=%.3f cpu_all_ranks_s=%.3f\n",
            m.label().c_str(), ranks, static_cast<unsigned long long>(n), k + 1, slowest,
            1e6 * slowest / static_cast<double>(n), size,
            static_cast<double>(row_bytes * n) / static_cast<double>(size), cpu, cpu_sum);
        std::fflush(stdout);
        if (do_verify && k == 0) {
          const bool good = verify(out, cols, n);
          std::printf("# verify %s: %s\n", m.label().c_str(),
                      good ? "every column as generated" : "MISMATCH");
          if (!good) ok = 0;
        }
      }
      MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
      if (!ok) {
        MPI_Finalize();
        return 1;
      }
    }
  }
  if (rank == 0) {
    for (const Mode& m : modes) {
      const auto it = seconds.find(m.label());
      if (it == seconds.end()) continue;
      const std::vector<double>& v = it->second;
      const double med = median(v);
      std::printf(
          "median mode=%-16s R=%d N=%-8llu runs=%zu seconds=%.4f (min %.4f max %.4f) "
          "us_per_row=%.3f file_bytes=%ju cpu_rank0_s=%.3f cpu_all_ranks_s=%.3f\n",
          m.label().c_str(), ranks, static_cast<unsigned long long>(n), v.size(), med,
          *std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end()),
          1e6 * med / static_cast<double>(n), file_bytes[m.label()], median(cpu_rank0[m.label()]),
          median(cpu_all[m.label()]));
    }
    if (!keep) std::filesystem::remove(out);
  }
  MPI_Finalize();
  return 0;
}
