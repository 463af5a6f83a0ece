// DCW countries (see country_classifier.hpp).
//
// The polygons come from `gmt coast -E<codes> -M` through GMT's C API: DCW stores each country as
// closed rings (islands, exclaves; holes such as enclaves are rings too, so the even-odd rule of
// AreaGridIndex handles them), and GMT decodes its private packing. The list of countries and
// their extents, needed to choose which to load before asking GMT, come from the DCW files
// directly: dcw-countries.txt ("continent code name" per line) and the "min"/"max" attributes of
// each country's <CODE>_lon and <CODE>_lat variables in dcw-gmt.nc (netCDF-4, read with the HDF5
// C API the run files already use).
#include "geo/country_classifier.hpp"

#include <hdf5.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "common/suggest.hpp"
#include "geo/gmt_session.hpp"

namespace launchmc::geo {

namespace {

std::runtime_error missing_dcw(const std::string& what) {
  return std::runtime_error("countries: " + what +
                            " (the DCW country polygons: install the Debian package gmt-dcw)");
}

// The attribute `attr` (a double) of the variable `var` of an open HDF5 file.
bool read_double_attribute(hid_t file, const std::string& var, const char* attr, double& value) {
  if (H5Lexists(file, var.c_str(), H5P_DEFAULT) <= 0) return false;
  if (H5Aexists_by_name(file, var.c_str(), attr, H5P_DEFAULT) <= 0) return false;
  const hid_t a = H5Aopen_by_name(file, var.c_str(), attr, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) return false;
  const herr_t status = H5Aread(a, H5T_NATIVE_DOUBLE, &value);
  H5Aclose(a);
  return status >= 0;
}

bool boxes_meet(const LonLatBox& a, const LonLatBox& b) {
  if (a.north_deg < b.south_deg || b.north_deg < a.south_deg) return false;
  for (int turn = -1; turn <= 1; ++turn) {
    const double s = 360.0 * turn;
    if (a.west_deg + s <= b.east_deg && b.west_deg <= a.east_deg + s) return true;
  }
  return false;
}

}  // namespace

std::vector<Country> dcw_countries(const std::string& dcw_dir) {
  const std::string list_path = dcw_dir + "/dcw-countries.txt";
  const std::string data_path = dcw_dir + "/dcw-gmt.nc";
  std::ifstream list(list_path);
  if (!list) throw missing_dcw("cannot read " + list_path);
  if (!std::filesystem::is_regular_file(data_path)) throw missing_dcw("no " + data_path);

  // The HDF5 library prints its own error stack on failures; the checks above and below say more.
  H5E_auto2_t old_func = nullptr;
  void* old_data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t file = H5Fopen(data_path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
    throw missing_dcw("cannot open " + data_path + " (netCDF-4)");
  }
  std::vector<Country> countries;
  std::string line;
  while (std::getline(list, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string continent, code;
    fields >> continent >> code;
    std::string name;
    std::getline(fields >> std::ws, name);
    if (code.size() != 2 || name.empty()) continue;
    Country c{code, name, {}};
    const bool ok = read_double_attribute(file, code + "_lon", "min", c.extent.west_deg) &&
                    read_double_attribute(file, code + "_lon", "max", c.extent.east_deg) &&
                    read_double_attribute(file, code + "_lat", "min", c.extent.south_deg) &&
                    read_double_attribute(file, code + "_lat", "max", c.extent.north_deg);
    if (ok) countries.push_back(std::move(c));
  }
  H5Fclose(file);
  H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
  if (countries.empty()) throw missing_dcw("no country extents in " + data_path);
  return countries;
}

CountryClassifier::CountryClassifier(const LonLatBox& box, const std::vector<std::string>& codes,
                                     const std::string& dcw_dir) {
  validate_box(box, "countries");
  std::vector<Country> all = dcw_countries(dcw_dir);
  if (codes.empty()) {
    for (Country& c : all) {
      if (boxes_meet(c.extent, box)) countries_.push_back(std::move(c));
    }
    load(box);
    return;
  }
  std::vector<std::string> known;
  for (const Country& c : all) known.push_back(c.code);
  for (const std::string& code : codes) {
    auto it =
        std::find_if(all.begin(), all.end(), [&](const Country& c) { return c.code == code; });
    if (it == all.end()) {
      throw std::invalid_argument("countries: unknown DCW country code '" + code +
                                  "' (did you mean '" + nearest_name(code, known) + "'?)");
    }
    if (std::none_of(countries_.begin(), countries_.end(),
                     [&](const Country& c) { return c.code == code; })) {
      countries_.push_back(*it);
    }
  }
  std::sort(countries_.begin(), countries_.end(),
            [](const Country& a, const Country& b) { return a.code < b.code; });
  load(box);
}

void CountryClassifier::load(const LonLatBox& box) {
  if (countries_.empty()) {
    index_ = AreaGridIndex::from_rings(box, 0, {});
    return;
  }
  std::string codes;
  std::map<std::string, std::size_t> area_of_name;
  for (std::size_t a = 0; a < countries_.size(); ++a) {
    codes += (a ? "," : "") + countries_[a].code;
    area_of_name[countries_[a].name] = a;
  }
  std::vector<gmt::Segment> segments;
  try {
    segments = gmt::run_to_dataset("coast", "-E" + codes + " -M");
  } catch (const std::exception& e) {
    throw missing_dcw(std::string("GMT could not read the polygons of ") + codes + ": " + e.what());
  }
  std::vector<AreaGridIndex::Ring> rings;
  for (const gmt::Segment& s : segments) {
    // GMT names each ring "<country name> Segment <n>", and marks a ring that is a hole in its
    // country (Lesotho in South Africa) with a leading "-Ph " (a perimeter may carry "-Pp "). A
    // hole is one more ring of its country: the even-odd rule of the index leaves it out.
    std::string header = s.header;
    header.erase(0, header.find_first_not_of(' '));
    if (header.rfind("-Ph ", 0) == 0 || header.rfind("-Pp ", 0) == 0) {
      header.erase(0, 4);
      header.erase(0, header.find_first_not_of(' '));
    }
    const auto cut = header.rfind(" Segment ");
    const std::string name = cut == std::string::npos ? header : header.substr(0, cut);
    const auto it = area_of_name.find(name);
    if (it == area_of_name.end()) {
      throw std::runtime_error("countries: GMT returned a polygon of '" + name +
                               "', not one of the countries asked for (" + codes + ")");
    }
    AreaGridIndex::Ring ring{it->second, {}};
    ring.vertices.reserve(s.lon_deg.size());
    // Kept continuous across the antimeridian (Russia, Fiji): no border edge spans 180 deg.
    double x = s.lon_deg.empty() ? 0.0 : s.lon_deg[0];
    for (std::size_t i = 0; i < s.lon_deg.size(); ++i) {
      x = unwrap_deg(s.lon_deg[i], x);
      ring.vertices.push_back({s.lat_deg[i], x});
    }
    rings.push_back(std::move(ring));
  }
  index_ = AreaGridIndex::from_rings(box, countries_.size(), rings);
}

std::optional<std::size_t> CountryClassifier::find_code(std::string_view code) const {
  for (std::size_t a = 0; a < countries_.size(); ++a) {
    if (countries_[a].code == code) return a;
  }
  return std::nullopt;
}

void CountryClassifier::classify(double lat_deg, double lon_deg,
                                 std::vector<std::size_t>& hits) const {
  index_.classify(lat_deg, lon_deg, hits);
}

}  // namespace launchmc::geo
