// A map's PNG read back for tests: its pixels through GDAL, its declared resolution, and the
// pixels of lon/lat points found by GMT's own `gmt mapproject` program (run apart from the code
// under test) and the layout the map reports (map::MapLayout).
#pragma once

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "map/map_render.hpp"

namespace launchmc::test_support {

struct Rgb {
  int r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
  auto operator<=>(const Rgb&) const = default;
};

// The horizontal resolution a PNG declares: its pHYs chunk (PNG specification, 11.3.5.3: pixels
// per unit, unit 1 = metre), read by hand (GDAL's PNG driver does not report it) [dpi; 0: none].
inline double png_x_dpi(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<unsigned char> bytes{std::istreambuf_iterator<char>(in), {}};
  const auto be32 = [&](std::size_t i) {
    return (std::uint32_t{bytes[i]} << 24) | (std::uint32_t{bytes[i + 1]} << 16) |
           (std::uint32_t{bytes[i + 2]} << 8) | std::uint32_t{bytes[i + 3]};
  };
  for (std::size_t i = 8; i + 8 <= bytes.size();) {
    const std::uint32_t length = be32(i);
    const std::string type(bytes.begin() + static_cast<std::ptrdiff_t>(i + 4),
                           bytes.begin() + static_cast<std::ptrdiff_t>(i + 8));
    if (type == "pHYs" && length == 9 && bytes[i + 16] == 1) return be32(i + 8) * 0.0254;
    i += 12 + length;
  }
  return 0.0;
}

// A PNG read with GDAL: its size, resolution and RGB pixels.
struct Image {
  int width = 0, height = 0;
  double x_dpi = 0;
  std::vector<unsigned char> rgb;  // [band][row][col]
  Rgb at(int col, int row) const {
    const std::size_t i = static_cast<std::size_t>(row) * width + col, plane = rgb.size() / 3;
    return {rgb[i], rgb[plane + i], rgb[2 * plane + i]};
  }
};

inline Image read_png(const std::filesystem::path& path) {
  GDALAllRegister();
  auto* ds = static_cast<GDALDataset*>(GDALOpen(path.c_str(), GA_ReadOnly));
  EXPECT_NE(ds, nullptr) << path;
  Image im;
  if (ds == nullptr) return im;
  im.width = ds->GetRasterXSize();
  im.height = ds->GetRasterYSize();
  EXPECT_GE(ds->GetRasterCount(), 3);
  im.rgb.resize(static_cast<std::size_t>(im.width) * im.height * 3);
  int bands[3] = {1, 2, 3};
  EXPECT_EQ(ds->RasterIO(GF_Read, 0, 0, im.width, im.height, im.rgb.data(), im.width, im.height,
                         GDT_Byte, 3, bands, 0, 0, 0),
            CE_None);
  GDALClose(ds);
  im.x_dpi = png_x_dpi(path);
  return im;
}

// The pixels (column, row) of (lon, lat) points on the PNG: their page positions under the map's
// projection from one run of the `gmt mapproject` program [cm from the map's lower left corner],
// then the frame's place on the page and the PNG's pixels per cm.
inline std::vector<std::pair<int, int>> pixels_of(
    const map::MapLayout& L, const Image& im, const std::vector<std::pair<double, double>>& lon_lat,
    const std::filesystem::path& dir) {
  std::string points;
  for (const auto& [lon, lat] : lon_lat)
    points += std::to_string(lon) + " " + std::to_string(lat) + "\\n";
  // Run in `dir`: the gmt program keeps a gmt.history in its working directory.
  const std::string cmd =
      "cd " + dir.string() + " && printf '" + points + "' | gmt mapproject -R" +
      std::to_string(L.region.west_deg) + "/" + std::to_string(L.region.east_deg) + "/" +
      std::to_string(L.region.south_deg) + "/" + std::to_string(L.region.north_deg) + " -J" +
      L.projection + " --PROJ_LENGTH_UNIT=cm 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  const double px_per_cm = im.width / L.page_width_cm;
  std::vector<std::pair<int, int>> pixels;
  for (std::size_t i = 0; i < lon_lat.size(); ++i) {
    double x = NAN, y = NAN;
    EXPECT_EQ(std::fscanf(p, "%lf %lf", &x, &y), 2) << cmd;
    pixels.emplace_back(
        static_cast<int>(std::lround((L.map_x_cm + x) * px_per_cm)),
        static_cast<int>(std::lround((L.page_height_cm - L.map_y_cm - y) * px_per_cm)));
  }
  pclose(p);
  return pixels;
}

// How many pixels of the 5 x 5 block around (col, row) have colour c.
inline int count_near(const Image& im, int col, int row, Rgb c) {
  int n = 0;
  for (int dr = -2; dr <= 2; ++dr)
    for (int dc = -2; dc <= 2; ++dc) n += im.at(col + dc, row + dr) == c ? 1 : 0;
  return n;
}

// How many pixels of the (2 radius + 1)^2 block around (col, row) have colour c (pixels outside
// the image not counted).
inline int count_within(const Image& im, int col, int row, int radius, Rgb c) {
  int n = 0;
  for (int r = row - radius; r <= row + radius; ++r)
    for (int k = col - radius; k <= col + radius; ++k)
      if (r >= 0 && r < im.height && k >= 0 && k < im.width && im.at(k, r) == c) ++n;
  return n;
}

}  // namespace launchmc::test_support
