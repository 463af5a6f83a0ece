// Layout and drawing of `launchmc map` (see map_render.hpp).
#include "map/map_render.hpp"

#include <fmt/format.h>

#include <GeographicLib/Geodesic.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <stdexcept>

#include "engine/summary.hpp"
#include "geo/gmt_session.hpp"
#include "map/gmt_figure.hpp"
#include "map/map_layers.hpp"
#include "map/text.hpp"

namespace launchmc::map {

namespace {

// Page layout [cm]. Left: the latitude annotations; above: title and subtitle; under the map:
// the longitude annotations, then what the layers put there (colour bar), then the caption.
constexpr double kLeft_cm = 1.6, kRight_cm = 0.3, kLegendGap_cm = 0.5;
constexpr double kTop_cm = 1.9, kAnnotations_cm = 0.9, kBottom_cm = 0.4;
constexpr double kCaptionLine_cm = 0.40, kCaptionChar_cm = 0.135;  // at 7.5 p
constexpr double kLegendLine_cm = 0.55;
// The tallest map relative to its width (a taller region gets a narrower map).
constexpr double kMaxAspect = 1.5;
// Mercator up to this latitude; beyond, a Lambert azimuthal projection centred on the region.
constexpr double kMercatorMaxLat_deg = 75.0;
// A set is scattered beyond this rms distance from its mean impact: the summary's own threshold
// for "no ellipse" (engine::kScatteredRmsKm).
constexpr double kScatteredRms_km = engine::kScatteredRmsKm;

std::string projection_for(const MapRegion& r, double width_cm) {
  if (std::max(std::abs(r.south_deg), std::abs(r.north_deg)) <= kMercatorMaxLat_deg)
    return fmt::format("M{:.4f}c", width_cm);
  return fmt::format("A{}/{}/{:.4f}c", num(0.5 * (r.west_deg + r.east_deg)),
                     num(0.5 * (r.south_deg + r.north_deg)), width_cm);
}

// The map's height for a projection, from GMT itself (mapproject -W) [cm].
double map_height_cm(const MapRegion& r, const std::string& projection) {
  const auto out = geo::gmt::run_to_dataset(
      "mapproject", fmt::format("-R{}/{}/{}/{} -J{} -W --PROJ_LENGTH_UNIT=cm", num(r.west_deg),
                                num(r.east_deg), num(r.south_deg), num(r.north_deg), projection));
  if (out.empty() || out[0].lat_deg.empty())
    throw std::runtime_error("map: GMT gave no size for the map");
  return out[0].lat_deg[0];
}

// Greedy word wrap.
std::vector<std::string> wrap(const std::string& text, std::size_t width) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      lines.push_back(line);
      line = "  " + word;
    } else {
      line += (line.empty() ? "" : " ") + word;
    }
    start = end + 1;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

// Width and height of a PNG from its IHDR chunk.
std::pair<int, int> png_size(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char h[24] = {};
  in.read(reinterpret_cast<char*>(h), sizeof h);
  if (!in || h[1] != 'P' || h[2] != 'N' || h[3] != 'G')
    throw std::runtime_error("map: GMT's output " + path.string() + " is not a PNG");
  const auto be32 = [&](int i) {
    return static_cast<int>((h[i] << 24) | (h[i + 1] << 16) | (h[i + 2] << 8) | h[i + 3]);
  };
  return {be32(16), be32(20)};
}

}  // namespace

bool scattered(const ImpactSet& s) { return s.rms_km > kScatteredRms_km; }

std::vector<LatLon> track_in_region_reach(const MapData& d, const MapRegion& box, bool whole) {
  if (whole) return d.nominal_iip;
  const GeographicLib::Geodesic& g = GeographicLib::Geodesic::WGS84();
  const auto distance_m = [&](double lat, double lon) {
    double s12;
    g.Inverse(d.site.lat_deg, d.site.lon_deg, lat, lon, s12);
    return s12;
  };
  double reach_m = 0;
  for (const double lat : {box.south_deg, box.north_deg})
    for (const double lon : {box.west_deg, box.east_deg})
      reach_m = std::max(reach_m, distance_m(lat, lon));
  std::vector<LatLon> track;
  for (const LatLon& p : d.nominal_iip) {
    if (distance_m(p.lat_deg, p.lon_deg) > reach_m) break;
    track.push_back(p);
  }
  return track;
}

std::string with_thousands(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

MapRegion parse_map_region(std::string_view text) {
  const std::string bad = fmt::format("--region '{}': ", text);
  double v[4];
  std::size_t start = 0;
  for (int i = 0; i < 4; ++i) {
    const std::size_t end = i < 3 ? text.find(',', start) : text.size();
    if (end == std::string_view::npos)
      throw std::invalid_argument(bad + "expected W,S,E,N in degrees (four numbers)");
    const std::string_view part = text.substr(start, end - start);
    const auto r = std::from_chars(part.data(), part.data() + part.size(), v[i]);
    if (r.ec != std::errc() || r.ptr != part.data() + part.size() || !std::isfinite(v[i]))
      throw std::invalid_argument(bad + fmt::format("'{}' is not a number (expected W,S,E,N in "
                                                    "degrees)",
                                                    part));
    start = end + 1;
  }
  MapRegion r{v[0], v[1], v[2], v[3]};
  if (!(r.south_deg >= -90 && r.north_deg <= 90 && r.south_deg < r.north_deg))
    throw std::invalid_argument(bad + "expected -90 <= S < N <= 90");
  if (!(r.west_deg >= -360 && r.east_deg <= 720 && r.west_deg < r.east_deg &&
        r.east_deg - r.west_deg <= 360))
    throw std::invalid_argument(bad +
                                "expected W < E, at most 360 deg apart (E may exceed 180 "
                                "across the antimeridian)");
  return r;
}

void validate(const MapOptions& o) {
  if (o.dpi < 50 || o.dpi > 1200)
    throw std::invalid_argument(fmt::format("--dpi {}: expected 50 to 1200", o.dpi));
  if (!(o.width_cm >= 12 && o.width_cm <= 100))
    throw std::invalid_argument(fmt::format("--width-cm {}: expected 12 to 100", o.width_cm));
  if (o.max_points < 1 || o.max_points > 1000000)
    throw std::invalid_argument(
        fmt::format("--max-points {}: expected 1 to 1,000,000", o.max_points));
}

MapRegion default_region(const MapData& d) {
  const double ref = d.site.lon_deg;
  double south = 90, north = -90, west = 1e9, east = -1e9;
  const auto add = [&](double lat, double lon_unwrapped) {
    south = std::min(south, lat);
    north = std::max(north, lat);
    west = std::min(west, lon_unwrapped);
    east = std::max(east, lon_unwrapped);
  };
  // The box of every impact of the compact sets; the scattered ones (the vehicle after failures
  // all along the flight) would shrink every footprint to a dot: they count only when no set is
  // compact, and the caption says how many of their impacts fall outside.
  bool compact = false, impacts = false;
  for (const ImpactSet& s : d.impacts) compact = compact || (s.total > 0 && !scattered(s));
  for (const ImpactSet& s : d.impacts)
    if (s.total > 0 && (!compact || !scattered(s))) {
      add(s.south_deg, s.west_deg);
      add(s.north_deg, s.east_deg);
      impacts = true;
    }
  add(d.site.lat_deg, ref);
  const std::vector<LatLon> track = track_in_region_reach(d, {west, south, east, north}, !impacts);
  if (!impacts && track.empty())
    throw std::runtime_error(fmt::format(
        "map: {} has no impacts and no IIP track: nothing to draw (give --region to draw the "
        "launch site alone)",
        d.run_path.string()));
  for (const LatLon& p : track) add(p.lat_deg, unwrap(p.lon_deg, ref));
  const double mid = 0.5 * (south + north);
  const double cos_mid = std::max(0.2, std::cos(mid * M_PI / 180.0));
  // Margin: 8 % of the larger side (in degrees of latitude), at least 1 deg.
  const double margin = std::max(1.0, 0.08 * std::max(north - south, (east - west) * cos_mid));
  south -= margin;
  north += margin;
  west -= margin / cos_mid;
  east += margin / cos_mid;
  // An aspect the page can hold: height at most kMaxAspect and at least 0.5 times the width
  // (widths in degrees of latitude at the middle).
  const double h = north - south, w = (east - west) * cos_mid;
  if (h > kMaxAspect * w) {
    const double grow = (h / kMaxAspect - w) / cos_mid / 2;
    west -= grow;
    east += grow;
  } else if (h < 0.5 * w) {
    const double grow = (0.5 * w - h) / 2;
    south -= grow;
    north += grow;
  }
  south = std::max(south, -85.0);
  north = std::min(north, 85.0);
  if (east - west > 360.0) {
    west = ref - 180.0;
    east = ref + 180.0;
  }
  return {west, south, east, north};
}

MapLayout draw_map(const MapData& d, const MapOptions& o, const std::filesystem::path& png_path) {
  validate(o);
  MapLayout L;
  L.region_from_data = !o.region;
  L.region = o.region ? *o.region : default_region(d);
  L.page_width_cm = o.width_cm;
  auto layers = make_layers(d, o, L.region);
  std::vector<std::string> legend_lines;
  for (const auto& layer : layers) layer->legend(legend_lines, L.legend);
  // The legend as wide as its longest label needs (8 pt Helvetica: ~0.15 cm a character, after
  // ~1.4 cm of symbol), so that no label is cut at the frame; at most 45 % of the page.
  std::size_t longest = 0;
  for (const std::string& label : L.legend) longest = std::max(longest, label.size());
  const double legend_width_cm = std::min(
      0.45 * o.width_cm,
      std::max(std::clamp(0.3 * o.width_cm, 6.5, 10.0), 1.4 + 0.15 * static_cast<double>(longest)));
  L.map_width_cm = o.width_cm - kLeft_cm - kLegendGap_cm - legend_width_cm - kRight_cm;
  L.projection = projection_for(L.region, L.map_width_cm);
  L.map_height_cm = map_height_cm(L.region, L.projection);
  if (L.map_height_cm > kMaxAspect * L.map_width_cm) {
    L.map_width_cm *= kMaxAspect * L.map_width_cm / L.map_height_cm;
    L.projection = projection_for(L.region, L.map_width_cm);
    L.map_height_cm = map_height_cm(L.region, L.projection);
  }

  // Title: the scenario (or --title); subtitle: what the run was.
  L.title = o.title.empty() ? d.scenario : o.title;
  L.subtitle = fmt::format("{} samples, seed {}, {} sampler; {}", with_thousands(d.samples), d.seed,
                           d.sampler, d.run_path.filename().string());
  std::uint64_t total = 0, shown = 0;
  for (const ImpactSet& s : d.impacts) {
    total += s.total;
    shown += s.shown.size();
  }
  std::vector<std::string> sentences;
  if (shown < total)
    sentences.push_back(fmt::format(
        "Impact points: {} of {} drawn, at most {} per body, chosen by a hash of the sample's row "
        "(the same subset on every render; the ellipses and the colour layer use every impact).",
        with_thousands(shown), with_thousands(total), with_thousands(o.max_points)));
  else
    sentences.push_back(fmt::format("Impact points: all {} drawn.", with_thousands(total)));
  for (const auto& layer : layers) layer->caption(sentences);
  sentences.push_back(fmt::format(
      "Projection: {}; region {:.2f}/{:.2f}/{:.2f}/{:.2f} (W/E/S/N){}.",
      L.projection[0] == 'M' ? "Mercator" : "Lambert azimuthal", L.region.west_deg,
      L.region.east_deg, L.region.south_deg, L.region.north_deg,
      L.region_from_data ? ", from the compact footprints, the track and the site" : ""));
  const std::size_t chars = static_cast<std::size_t>((o.width_cm - kLeft_cm) / kCaptionChar_cm);
  for (const std::string& s : sentences)
    for (std::string& line : wrap(s, chars)) L.caption.push_back(std::move(line));

  double below = kAnnotations_cm;
  for (const auto& layer : layers) below += layer->height_below_map_cm();
  const double caption_cm = kCaptionLine_cm * static_cast<double>(L.caption.size());
  L.page_height_cm = std::max(
      kTop_cm + L.map_height_cm + below + caption_cm + kBottom_cm,
      kTop_cm + kLegendLine_cm * static_cast<double>(legend_lines.size() + 1) + kBottom_cm);
  L.map_x_cm = kLeft_cm;
  L.map_y_cm = L.page_height_cm - kTop_cm - L.map_height_cm;

  GmtFigure figure(L.page_width_cm, L.page_height_cm, o.dpi);
  Canvas canvas(figure, L.region, L.projection, L.map_width_cm, L.map_height_cm);
  // The origin at the map's lower left corner.
  canvas.on_map("basemap", {"-B+n", fmt::format("-X{:.4f}c", L.map_x_cm),
                            fmt::format("-Y{:.4f}c", L.map_y_cm)});
  for (auto& layer : layers) layer->draw(canvas);

  const auto text_file = [&](const std::string& name, const std::vector<std::string>& rows) {
    std::string t;
    for (const auto& r : rows) t += r + "\n";
    return figure.write_file(name, t).string();
  };
  canvas.on_page("text", {text_file("title.txt",
                                    {fmt::format("{} {} {}", num(L.map_width_cm / 2),
                                                 num(L.map_height_cm + 1.05), gmt_text(L.title))}),
                          "-F+f14p,Helvetica-Bold,black+jBC"});
  canvas.on_page(
      "text",
      {text_file("subtitle.txt", {fmt::format("{} {} {}", num(L.map_width_cm / 2),
                                              num(L.map_height_cm + 0.45), gmt_text(L.subtitle))}),
       "-F+f9p,Helvetica,gray20+jBC"});
  std::vector<std::string> caption_rows;
  for (std::size_t i = 0; i < L.caption.size(); ++i)
    caption_rows.push_back(fmt::format("{} {} {}", num(-kLeft_cm + 0.3),
                                       num(-below - kCaptionLine_cm * static_cast<double>(i)),
                                       gmt_text(L.caption[i])));
  if (!caption_rows.empty())
    canvas.on_page("text",
                   {text_file("caption.txt", caption_rows), "-F+f7.5p,Helvetica,gray15+jTL"});
  if (!legend_lines.empty()) {
    std::string spec;
    for (const auto& l : legend_lines) spec += l + "\n";
    canvas.on_map("legend",
                  {figure.write_file("legend.txt", spec).string(),
                   fmt::format("-Dx{:.4f}c/{:.4f}c+w{:.4f}c+jTL+l1.25",
                               L.map_width_cm + kLegendGap_cm, L.map_height_cm, legend_width_cm),
                   "-F+p0.5p,gray40+gwhite", "--FONT_ANNOT_PRIMARY=8p"});
  }
  const std::filesystem::path png = figure.finish();
  std::filesystem::copy_file(png, png_path, std::filesystem::copy_options::overwrite_existing);
  std::tie(L.width_px, L.height_px) = png_size(png_path);
  return L;
}

}  // namespace launchmc::map
