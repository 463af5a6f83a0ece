// Countries: which country's territory (land within its borders, islands included) a point is
// in, from the Digital Chart of the World polygons that GMT ships (Debian `gmt-dcw`), one area per
// country, named as DCW names it ("Japan", "Republic of Korea") with its ISO 3166-1 alpha-2 code.
// Territorial seas and EEZs are not in DCW: a point at sea is in no country.
//
// Data: DCW-GMT 2.1.1, P. Wessel (https://github.com/GenericMappingTools/dcw-gmt), from the
// Digital Chart of the World (NIMA, 1992), LGPL.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/area_classifier.hpp"
#include "geo/area_grid_index.hpp"

namespace launchmc::geo {

// Debian's gmt-dcw directory (dcw-gmt.nc, dcw-countries.txt).
inline constexpr const char* kDebianDcwDir = "/usr/share/gmt/dcw";

struct Country {
  std::string code;  // ISO 3166-1 alpha-2, e.g. "JP"
  std::string name;  // DCW's name, e.g. "Japan"
  LonLatBox extent;  // DCW's bounding box of the country [deg]
};

// Every country DCW knows, with its extent (read from the DCW files, not from GMT). Throws
// std::runtime_error naming the gmt-dcw package when the files are missing.
std::vector<Country> dcw_countries(const std::string& dcw_dir = kDebianDcwDir);

class CountryClassifier final : public AreaClassifier {
 public:
  // The countries named by their codes (an unknown code is an error naming the nearest), or with
  // no codes, every country whose DCW extent meets `box`; all their polygons are loaded, also
  // the parts outside the box.
  explicit CountryClassifier(const LonLatBox& box, const std::vector<std::string>& codes = {},
                             const std::string& dcw_dir = kDebianDcwDir);

  std::size_t size() const override { return countries_.size(); }
  const std::string& name(std::size_t area) const override { return countries_.at(area).name; }
  const std::string& code(std::size_t area) const { return countries_.at(area).code; }
  const std::vector<Country>& countries() const { return countries_; }
  // The area of a country by its code, if loaded.
  std::optional<std::size_t> find_code(std::string_view code) const;

  void classify(double lat_deg, double lon_deg, std::vector<std::size_t>& hits) const override;
  bool covers(double lat_deg, double lon_deg) const noexcept {
    return index_.covers(lat_deg, lon_deg);
  }

 private:
  void load(const LonLatBox& box);

  std::vector<Country> countries_;
  AreaGridIndex index_;
};

}  // namespace launchmc::geo
