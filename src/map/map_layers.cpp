// The layers of `launchmc map` (see map_layers.hpp).
#include "map/map_layers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "map/text.hpp"

namespace launchmc::map {

namespace {

// Colours: land and sea are light, so that points, ellipses and the risk colours stand out.
constexpr const char* kLandColour = "235/225/195";
constexpr const char* kSeaColour = "204/224/240";
// One colour per impact set (matplotlib's "tab10", colour-blind aware in its first entries).
constexpr std::array<const char*, 10> kSetColours = {
    "31/119/180", "255/127/14",  "44/160/44",  "214/39/40",  "148/103/189",
    "140/86/75",  "227/119/194", "23/190/207", "188/189/34", "127/127/127"};
// GMT symbols per set kind: circle (bodies), diamond (vehicle), triangle (other bodies), then
// square, inverted triangle, hexagon, pentagon for fragment classes.
constexpr std::array<char, 4> kFragmentSymbols = {'s', 'i', 'h', 'n'};

// GMT pattern 10 (diagonal hatching), grey lines on a transparent background, 150 dpi.
constexpr const char* kCorridorFill = "-Gp10+r150+fgray45+b-";
// Hazard areas: hatched across the corridor's diagonals (ships: GMT pattern 5, horizontal lines;
// aircraft: pattern 2, vertical lines), in colours none of the impact sets takes.
constexpr const char* kShipColour = "0/60/170";
constexpr const char* kShipFill = "-Gp5+r150+f0/60/170+b-";
constexpr const char* kAircraftColour = "190/0/140";
constexpr const char* kAircraftFill = "-Gp2+r150+f190/0/140+b-";
// The contours of the group "any" (all debris): dark grey, apart from every set's colour.
constexpr const char* kAnyContourColour = "60/60/60";

const char* set_colour(std::size_t i) { return kSetColours[i % kSetColours.size()]; }
char set_symbol(const ImpactSet& s, std::size_t fragment_index) {
  switch (s.kind) {
    case ImpactSet::Kind::body:
      return 'c';
    case ImpactSet::Kind::vehicle:
      return 'd';
    case ImpactSet::Kind::other_bodies:
      return 't';
    case ImpactSet::Kind::fragment_class:
      return kFragmentSymbols[fragment_index % kFragmentSymbols.size()];
  }
  return 'c';
}

std::string shore_letter(geo::ShoreResolution r) { return std::string(1, to_string(r)[0]); }

// Land and sea fills (GSHHG at the chosen resolution).
class LandAndSea final : public MapLayer {
 public:
  explicit LandAndSea(geo::ShoreResolution r) : shore_(r) {}
  void draw(Canvas& c) override {
    c.on_map("coast", {"-D" + shore_letter(shore_), "-A0/0/1", std::string("-G") + kLandColour,
                       std::string("-S") + kSeaColour});
  }

 private:
  geo::ShoreResolution shore_;
};

// P(at least one piece of any body lands in the cell) per flight, from /risk, on a log colour
// scale, with its colour bar under the map.
class RiskMap final : public MapLayer {
 public:
  explicit RiskMap(const RiskGrid& g) : grid_(g) {
    double lo = 1.0, hi = 0.0;
    for (const double p : g.probability)
      if (p > 0) {
        lo = std::min(lo, p);
        hi = std::max(hi, p);
        ++cells_;
      }
    if (cells_ > 0) {
      top_ = static_cast<int>(std::ceil(std::log10(hi)));
      bottom_ = static_cast<int>(std::floor(std::log10(lo)));
      if (top_ <= bottom_) bottom_ = top_ - 1;
      if (top_ - bottom_ > kMaxDecades) {
        bottom_ = top_ - kMaxDecades;
        clipped_ = true;
      }
    }
  }
  void draw(Canvas& c) override {
    if (cells_ == 0) return;
    std::string xyz;
    const double south = grid_.north_deg - static_cast<double>(grid_.ny) * grid_.step_deg;
    const double east = grid_.west_deg + static_cast<double>(grid_.nx) * grid_.step_deg;
    for (std::size_t i = 0; i < grid_.cell.size(); ++i) {
      const std::uint64_t r = grid_.cell[i] / grid_.nx, col = grid_.cell[i] % grid_.nx;
      xyz += fmt::format("{} {} {:.9g}\n",
                         num(grid_.west_deg + (static_cast<double>(col) + 0.5) * grid_.step_deg),
                         num(grid_.north_deg - (static_cast<double>(r) + 0.5) * grid_.step_deg),
                         grid_.probability[i]);
    }
    const auto data = c.figure().write_file("risk_cells.txt", xyz);
    const std::string grid = (data.parent_path() / "risk.nc").string();
    // Cells without impacts stay NaN (transparent); pixel registration: values are cell means.
    c.figure().call("xyz2grd", {data.string(), "-G" + grid,
                                fmt::format("-R{}/{}/{}/{}", num(grid_.west_deg), num(east),
                                            num(south), num(grid_.north_deg)),
                                "-I" + num(grid_.step_deg), "-r", "-fg"});
    // Log scale: the table's slices are decades (makecpt -Qi takes the range as log10 values and
    // writes z); colours below the bottom decade take the lowest colour (-D).
    c.figure().call("makecpt",
                    {"-Cinferno", "-I", "-D", fmt::format("-T{}/{}/1", bottom_, top_), "-Qi"});
    c.on_map("grdimage", {grid, "-Q"});
    c.add_below_map(kBarGap_cm);
    c.on_map(
        "colorbar",
        {fmt::format("-DJBC+w{}+h+o0/{}", cm(c.map_width_cm() * 0.7), cm(c.below_map_cm())), "-Q",
         "-Bxa1pf3+lP(a piece lands in the cell) per flight, cells of " +
             fmt::format("{:g}", grid_.step_deg) + " deg",
         "--FONT_LABEL=9p", "--FONT_ANNOT_PRIMARY=8p"});
    c.add_below_map(kBarHeight_cm);
  }
  void caption(std::vector<std::string>& lines) const override {
    if (cells_ == 0) {
      lines.push_back("/risk has no cell with an impact: no probability layer drawn.");
      return;
    }
    lines.push_back(fmt::format(
        "Colour: P(at least one piece of any body lands in the cell) per flight (/risk, {} "
        "samples, {} cells hit){}.",
        with_thousands(grid_.samples), with_thousands(cells_),
        clipped_ ? fmt::format("; cells below 1e{} in the lowest colour", bottom_) : ""));
  }
  double height_below_map_cm() const override {
    return cells_ == 0 ? 0.0 : kBarGap_cm + kBarHeight_cm;
  }

 private:
  static constexpr int kMaxDecades = 8;
  static constexpr double kBarGap_cm = 1.1, kBarHeight_cm = 1.3;
  RiskGrid grid_;
  std::size_t cells_ = 0;
  int bottom_ = 0, top_ = 0;
  bool clipped_ = false;
};

class IipCorridor final : public MapLayer {
 public:
  explicit IipCorridor(Outline o) : outline_(std::move(o)) {}
  void draw(Canvas& c) override {
    // Hatched with a transparent background (GMT's -t transparency does not reach the PNG through
    // ghostscript here): land, sea and the risk colours stay visible under the corridor.
    c.on_map("plot", {c.points_file(outline_.points), kCorridorFill, "-W0.5p,gray30,-"});
  }
  void legend(std::vector<std::string>& lines, std::vector<std::string>& labels) const override {
    labels.push_back("IIP corridor (99 % cross-track)");
    lines.push_back(fmt::format("S 0.3c s 0.35c {} 0.5p,gray30,- 0.7c {}", kCorridorFill + 2,
                                gmt_text(labels.back())));
  }

 private:
  Outline outline_;
};

// The aircraft hazard area (cells above 1e-6 per flight) and the ships' (each nominal body's 97 %
// containment of normal-flight debris), hatched with their outlines; an unreliable ship area's
// outline dashed.
class HazardAreasLayer final : public MapLayer {
 public:
  explicit HazardAreasLayer(const risk::HazardAreas& h) : h_(h) {
    for (const risk::ShipHazardArea& s : h_.ships)
      ships_ = ships_ || !s.containment.polygons.empty();
  }
  void draw(Canvas& c) override {
    const risk::AircraftHazardArea& a = h_.aircraft;
    if (!a.polygons.empty())
      c.on_map("plot", {c.polygons_file(a.polygons), kAircraftFill,
                        std::string("-W1.0p,") + kAircraftColour});
    for (const risk::ShipHazardArea& s : h_.ships) {
      if (!s.containment.drawn || s.containment.polygons.empty()) continue;
      c.on_map("plot",
               {c.polygons_file(s.containment.polygons), kShipFill,
                std::string("-W1.0p,") + kShipColour + (s.containment.reliable ? "" : ",-")});
    }
  }
  void legend(std::vector<std::string>& lines, std::vector<std::string>& labels) const override {
    if (ships_) {
      labels.push_back("ship hazard areas (97 % containment)");
      lines.push_back(fmt::format("S 0.3c s 0.35c {} 1.0p,{} 0.7c {}", kShipFill + 2, kShipColour,
                                  gmt_text(labels.back())));
    }
    if (!h_.aircraft.polygons.empty()) {
      labels.push_back(
          fmt::format("aircraft hazard area (P > {:g} per cell)", h_.aircraft.threshold));
      lines.push_back(fmt::format("S 0.3c s 0.35c {} 1.0p,{} 0.7c {}", kAircraftFill + 2,
                                  kAircraftColour, gmt_text(labels.back())));
    }
  }
  void caption(std::vector<std::string>& lines) const override {
    std::vector<std::string> drawn, unreliable, missing;
    for (const risk::ShipHazardArea& s : h_.ships) {
      if (!s.containment.drawn || s.containment.polygons.empty()) {
        missing.push_back(s.body);
        continue;
      }
      drawn.push_back(fmt::format(
          "{} ({} km^2)", s.body,
          with_thousands(static_cast<std::uint64_t>(std::llround(s.containment.area_km2)))));
      if (!s.containment.reliable) unreliable.push_back(s.body);
    }
    if (h_.ships.empty()) {
      lines.push_back("Ship hazard areas: no nominal body lands in normal flight.");
    } else {
      std::string t =
          "Ship hazard areas (14 CFR 450.133: 97 % containment of each nominal body's "
          "normal-flight debris; blue, hatched): " +
          (drawn.empty() ? std::string("none drawn") : join(drawn)) + ".";
      if (!unreliable.empty())
        t += " Not reliable (dashed outline: fewer than 100 effective flights, or fewer than 10 "
             "expected beyond the contour): " +
             join(unreliable) + ".";
      if (!missing.empty())
        t += " Not drawn (less than 97 % of the debris in the grid): " + join(missing) + ".";
      lines.push_back(t);
    }
    const risk::AircraftHazardArea& a = h_.aircraft;
    std::string t = fmt::format(
        "Aircraft hazard area (14 CFR 450.133; magenta, hatched): the cells where P(a piece of "
        "any debris lands in the cell) per flight exceeds {:g}: ",
        a.threshold);
    t += a.cells_above == 0
             ? std::string("no cell, nothing drawn.")
             : fmt::format("{} cells, {} km^2.", with_thousands(a.cells_above),
                           with_thousands(static_cast<std::uint64_t>(std::llround(a.area_km2))));
    t += fmt::format(
        " Of the {} cells hit, {} are certainly above the threshold, {} certainly below and {} "
        "undecided (their 95 % interval holds it): the area's edge is uncertain there.",
        with_thousands(a.cells_hit), with_thousands(a.cells_certain_above),
        with_thousands(a.cells_certain_below), with_thousands(a.cells_undecided));
    if (!a.unhit_certain_below)
      t += fmt::format(
          " A cell never hit is not shown to be below the threshold (upper bound {:.2g}): the "
          "run is too small to bound the area.",
          a.unhit_upper);
    lines.push_back(t);
  }

 private:
  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    return s;
  }
  risk::HazardAreas h_;
  bool ships_ = false;
};

// The containment contours of the groups RiskAreas keeps (all debris, the nominal bodies, the
// fragment classes) at 95 % (thick) and 99 % (thin), in the group's set colour; a level that is
// not reliable dashed. Without /risk/contours it only says so in the caption.
class ContainmentContours final : public MapLayer {
 public:
  ContainmentContours(const RiskAreas* areas, bool has_risk, std::vector<const char*> colours)
      : has_risk_(has_risk), colours_(std::move(colours)) {
    if (areas) areas_ = *areas;
  }
  void draw(Canvas& c) override {
    if (!areas_) return;
    const auto& fps = areas_->hazards.footprints;
    // The 99 % outlines first: the thick 95 % ones stay whole where the two meet.
    for (const double p : {kMapContourLevels[1], kMapContourLevels[0]})
      for (std::size_t i = 0; i < fps.size(); ++i)
        for (const risk::ContourLevel& l : fps[i].levels) {
          if (l.p != p || !l.drawn || l.polygons.empty()) continue;
          c.on_map("plot", {c.polygons_file(l.polygons), "-W" + pen(p, l.reliable, colours_[i])});
        }
  }
  void legend(std::vector<std::string>& lines, std::vector<std::string>& labels) const override {
    if (!areas_ || !any_drawn()) return;
    for (const double p : kMapContourLevels) {
      labels.push_back(fmt::format("{:g} % containment{}", p * 100,
                                   p == kMapContourLevels[0] ? " (grey: all debris)" : ""));
      lines.push_back(fmt::format("S 0.3c - 0.5c - {} 0.7c {}", pen(p, true, "gray20"),
                                  gmt_text(labels.back())));
    }
    if (any_unreliable()) {
      labels.push_back("dashed: contour not reliable");
      lines.push_back(fmt::format("S 0.3c - 0.5c - {} 0.7c {}",
                                  pen(kMapContourLevels[0], false, "gray20"),
                                  gmt_text(labels.back())));
    }
  }
  void caption(std::vector<std::string>& lines) const override {
    if (!areas_ && !has_risk_) {
      lines.push_back(
          "No /risk in the file: no containment contours or hazard areas (`launchmc risk` adds "
          "them).");
      return;
    }
    if (!areas_) {
      lines.push_back(
          "/risk has no containment contours or hazard areas (written before /risk format 1.1; "
          "`launchmc risk` rewrites it).");
      return;
    }
    const auto& fps = areas_->hazards.footprints;
    if (fps.empty()) {
      lines.push_back("Containment contours: no group with a landed piece.");
      return;
    }
    std::vector<std::string> groups, unreliable, missing;
    for (const risk::Footprint& f : fps) {
      groups.push_back(f.kind == risk::GroupKind::any ? "all debris (any, grey)" : f.name);
      for (const risk::ContourLevel& l : f.levels) {
        const std::string name = fmt::format("{} {:g} %", f.name, l.p * 100);
        if (!l.drawn || l.polygons.empty())
          missing.push_back(name);
        else if (!l.reliable)
          unreliable.push_back(name);
      }
    }
    std::string t = fmt::format(
        "Containment contours (/risk/contours, kernel {}): the smallest regions holding 95 % "
        "(thick) and 99 % (thin) of the group's expected pieces, for {}; in the sets' colours.",
        risk::to_string(fps.front().bandwidth), join(groups));
    if (!unreliable.empty())
      t += " Dashed, not reliable (fewer than 100 effective flights, or fewer than 10 expected "
           "beyond the contour): " +
           join(unreliable) + ".";
    if (!missing.empty())
      t += " Not traced (less than that share of the pieces in the grid): " + join(missing) + ".";
    if (!areas_->groups_left_out.empty())
      t += " Not drawn (in `launchmc risk --kml`): the contours of " +
           join(areas_->groups_left_out) + ".";
    lines.push_back(t);
  }

 private:
  static std::string pen(double p, bool reliable, const char* colour) {
    return fmt::format("{}p,{}{}", p == kMapContourLevels[0] ? "1.3" : "0.6", colour,
                       reliable ? "" : ",-");
  }
  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    return s;
  }
  bool any_drawn() const {
    for (const risk::Footprint& f : areas_->hazards.footprints)
      for (const risk::ContourLevel& l : f.levels)
        if (l.drawn && !l.polygons.empty()) return true;
    return false;
  }
  bool any_unreliable() const {
    for (const risk::Footprint& f : areas_->hazards.footprints)
      for (const risk::ContourLevel& l : f.levels)
        if (l.drawn && !l.polygons.empty() && !l.reliable) return true;
    return false;
  }
  std::optional<RiskAreas> areas_;
  bool has_risk_ = false;
  std::vector<const char*> colours_;  // per footprint
};

// A track of the nominal flight in powered flight: its IIP track (solid) or its ground track, the
// points under the vehicle (dashed), on the same grid.
class NominalTrack final : public MapLayer {
 public:
  NominalTrack(std::string what, std::string pen, std::vector<LatLon> track,
               const MapRegion& region)
      : what_(std::move(what)), pen_(std::move(pen)), track_(std::move(track)) {
    outside_ =
        static_cast<std::size_t>(std::count_if(track_.begin(), track_.end(), [&](const LatLon& p) {
          return !region_contains(region, p);
        }));
  }
  void caption(std::vector<std::string>& lines) const override {
    if (outside_ == 0) return;
    const LatLon& end = track_.back();
    lines.push_back(fmt::format(
        "The nominal {} leaves the map ({} of its {} points outside; its last point: "
        "{:.1f}{} {:.1f}{}).",
        what_, outside_, track_.size(), std::abs(end.lat_deg), end.lat_deg >= 0 ? "N" : "S",
        std::abs(end.lon_deg), end.lon_deg >= 0 ? "E" : "W"));
  }
  void draw(Canvas& c) override {
    // A segment per run of consecutive points: plot joins points with great circles (-A: none,
    // the track is dense) and -fg wraps longitudes.
    c.on_map("plot", {c.points_file(track_), "-W" + pen_});
  }
  void legend(std::vector<std::string>& lines, std::vector<std::string>& labels) const override {
    labels.push_back("nominal " + what_ + " (powered flight)");
    lines.push_back("S 0.3c - 0.5c - " + pen_ + " 0.7c " + gmt_text(labels.back()));
  }

 private:
  std::string what_, pen_;
  std::vector<LatLon> track_;
  std::size_t outside_ = 0;
};

// The impacts of one set, subsampled (map_data.hpp).
class Impacts final : public MapLayer {
 public:
  // `over_colours`: the risk colours lie under the points; they are drawn as small dots without
  // outlines, so that the colours show between them.
  Impacts(const ImpactSet& s, const char* colour, char symbol, const MapRegion& region,
          bool over_colours)
      : set_(s), colour_(colour), symbol_(symbol), over_colours_(over_colours) {
    const auto in = [&](const LatLon& p) { return region_contains(region, p); };
    inside_ = static_cast<std::size_t>(std::count_if(set_.shown.begin(), set_.shown.end(), in));
    // The box of all impacts inside the map: every impact is (not only those drawn).
    const bool box_inside = in({set_.south_deg, set_.west_deg}) &&
                            in({set_.north_deg, set_.east_deg}) &&
                            set_.east_deg - set_.west_deg < region.east_deg - region.west_deg;
    all_inside_ = box_inside || inside_ == set_.total;
    // The box of all impacts apart from the map: no impact is inside.
    bool lon_overlap = false;
    for (const double shift : {-360.0, 0.0, 360.0})
      lon_overlap = lon_overlap || (set_.west_deg + shift <= region.east_deg &&
                                    set_.east_deg + shift >= region.west_deg);
    all_outside_ = !lon_overlap || set_.north_deg < region.south_deg ||
                   set_.south_deg > region.north_deg ||
                   (inside_ == 0 && set_.shown.size() == set_.total);
  }
  void draw(Canvas& c) override {
    if (set_.shown.empty()) return;
    std::vector<std::string> args = {c.points_file(set_.shown),
                                     fmt::format("-S{}{}", symbol_, cm(size_cm())),
                                     std::string("-G") + colour_};
    if (!over_colours_) args.emplace_back("-W0.15p,black");
    c.on_map("plot", args);
  }
  void legend(std::vector<std::string>& lines, std::vector<std::string>& labels) const override {
    if (set_.total == 0) return;
    labels.push_back(label());
    lines.push_back(fmt::format("S 0.3c {} 0.22c {} 0.25p,black 0.7c {}", symbol_, colour_,
                                gmt_text(labels.back())));
  }
  void caption(std::vector<std::string>& lines) const override {
    if (set_.total == 0 && set_.kind == ImpactSet::Kind::body)
      lines.push_back(fmt::format("{}: no impact in the run (not drawn).", set_.name));
    if (set_.total == 0 || all_inside_) return;
    if (all_outside_) {
      lines.push_back(fmt::format("{}: all {} impacts fall outside the map.", set_.name,
                                  with_thousands(set_.total)));
    } else if (set_.shown.size() == set_.total) {
      lines.push_back(fmt::format("{}: {} of its {} impacts fall outside the map.", set_.name,
                                  with_thousands(set_.total - inside_),
                                  with_thousands(set_.total)));
    } else {
      lines.push_back(fmt::format(
          "{}: {} of the {} impacts drawn fall outside the map (~{:.0f} % of its {} impacts).",
          set_.name, with_thousands(set_.shown.size() - inside_), with_thousands(set_.shown.size()),
          100.0 * static_cast<double>(set_.shown.size() - inside_) /
              static_cast<double>(set_.shown.size()),
          with_thousands(set_.total)));
    }
  }
  std::string label() const {
    const std::string what =
        set_.kind == ImpactSet::Kind::fragment_class ? "fragments " + set_.name : set_.name;
    if (set_.shown.size() == set_.total)
      return fmt::format("{}: {} impact{}", what, with_thousands(set_.total),
                         set_.total == 1 ? "" : "s");
    return fmt::format("{}: {} of {} impacts shown", what, with_thousands(set_.shown.size()),
                       with_thousands(set_.total));
  }

 private:
  double size_cm() const {
    if (over_colours_) return 0.045;
    return set_.shown.size() > 2000 ? 0.07 : 0.1;
  }
  ImpactSet set_;
  const char* colour_;
  char symbol_;
  bool over_colours_;
  std::size_t inside_ = 0;
  bool all_inside_ = true, all_outside_ = false;
};

class Ellipses final : public MapLayer {
 public:
  Ellipses(std::vector<Outline> outlines, std::vector<const char*> colours,
           std::vector<std::string> none)
      : outlines_(std::move(outlines)), colours_(std::move(colours)), none_(std::move(none)) {}
  void draw(Canvas& c) override {
    for (std::size_t i = 0; i < outlines_.size(); ++i) {
      const std::string file = c.points_file(outlines_[i].points);
      // A white casing under the body's colour: the outline stays visible over the risk colours.
      c.on_map("plot", {file, "-W2.4p,white"});
      c.on_map("plot", {file, std::string("-W1.2p,") + colours_[i]});
    }
  }
  void legend(std::vector<std::string>& lines, std::vector<std::string>& labels) const override {
    if (outlines_.empty()) return;
    labels.push_back("95 % ellipses (normal fit)");
    lines.push_back("S 0.3c - 0.5c - 1.3p,gray20 0.7c " + gmt_text(labels.back()));
  }
  void caption(std::vector<std::string>& lines) const override {
    if (none_.empty()) return;
    std::string s = "No ellipse: ";
    for (std::size_t i = 0; i < none_.size(); ++i) s += (i ? "; " : "") + none_[i];
    lines.push_back(s + ".");
  }

 private:
  std::vector<Outline> outlines_;
  std::vector<const char*> colours_;
  std::vector<std::string> none_;
};

// Named regions and lines (map --regions, the run's report.regions, iip.regions, iip.lines):
// outlined in dark teal, apart from the impact sets' colours and the hazard areas', and named
// in the same colour with a white halo, above a region's north-west corner.
class Regions final : public MapLayer {
 public:
  // `shapes` must outlive the layer (the map's data).
  Regions(const std::vector<NamedShape>& shapes, const MapRegion& region) {
    for (const NamedShape& s : shapes) {
      bool inside = false;
      for (const auto& ring : s.rings)
        for (const LatLon& p : ring) inside = inside || region_contains(region, p);
      (inside ? shown_ : outside_).push_back(&s);
    }
  }
  void draw(Canvas& c) override {
    std::string labels;
    for (const NamedShape* s : shown_) {
      for (const auto& ring : s->rings) {
        if (ring.size() < 2) continue;
        std::vector<LatLon> points = ring;
        if (s->closed) points.push_back(ring.front());
        c.on_map("plot", {c.points_file(points), std::string("-W1.2p,") + kRegionColour});
      }
      // The label above the first ring's north-west corner (its northernmost latitude and
      // westernmost longitude, unwrapped about its first vertex), clear of what is inside; a
      // line's at its middle vertex.
      if (s->rings.empty() || s->rings.front().empty()) continue;
      const auto& ring = s->rings.front();
      LatLon at = ring[ring.size() / 2];
      if (s->closed) {
        at = {-90.0, ring.front().lon_deg};
        for (const LatLon& p : ring) {
          at.lat_deg = std::max(at.lat_deg, p.lat_deg);
          at.lon_deg =
              std::min(at.lon_deg, ring.front().lon_deg +
                                       std::remainder(p.lon_deg - ring.front().lon_deg, 360.0));
        }
      }
      labels += fmt::format("{} {} {}\n", num(at.lon_deg), num(at.lat_deg), gmt_text(s->name));
    }
    if (!labels.empty())
      c.on_map("text", {c.figure().write_file("region_labels.txt", labels).string(),
                        std::string("-F+f7p,Helvetica-Bold,") + kRegionColour + "=~1.2p,white+jBL",
                        "-D0.05c/0.08c"});
  }
  void legend(std::vector<std::string>& lines, std::vector<std::string>& labels) const override {
    if (shown_.empty()) return;
    labels.push_back("regions and lines (named)");
    lines.push_back(
        fmt::format("S 0.3c - 0.5c - 1.2p,{} 0.7c {}", kRegionColour, gmt_text(labels.back())));
  }
  void caption(std::vector<std::string>& lines) const override {
    if (shown_.empty() && outside_.empty()) return;
    std::string text;
    const std::size_t listed = std::min<std::size_t>(shown_.size(), 8);
    for (std::size_t i = 0; i < listed; ++i)
      text += fmt::format("{}{} ({})", i ? ", " : "", shown_[i]->name, shown_[i]->source);
    if (shown_.size() > listed) text += fmt::format(" and {} more", shown_.size() - listed);
    if (!shown_.empty()) lines.push_back("Outlined: " + text + ".");
    if (!outside_.empty())
      lines.push_back(fmt::format("Outside the map: {} region(s) or line(s), e.g. {}.",
                                  outside_.size(), outside_.front()->name));
  }

 private:
  static constexpr const char* kRegionColour = "0/110/100";
  std::vector<const NamedShape*> shown_, outside_;
};

class LaunchSite final : public MapLayer {
 public:
  explicit LaunchSite(LatLon site) : site_(site) {}
  void draw(Canvas& c) override {
    c.on_map("plot", {c.points_file({site_}), "-Sa0.5c", "-Gred", "-W0.6p,black"});
  }
  void legend(std::vector<std::string>& lines, std::vector<std::string>& labels) const override {
    labels.push_back(fmt::format("launch site ({:.2f}{} {:.2f}{})", std::abs(site_.lat_deg),
                                 site_.lat_deg >= 0 ? "N" : "S", std::abs(site_.lon_deg),
                                 site_.lon_deg >= 0 ? "E" : "W"));
    lines.push_back("S 0.3c a 0.4c red 0.6p,black 0.7c " + gmt_text(labels.back()));
  }

 private:
  LatLon site_;
};

// Shorelines, country borders, the frame with its graticule and the scale bar, on top.
class ShoreBordersFrame final : public MapLayer {
 public:
  ShoreBordersFrame(geo::ShoreResolution shore, const MapRegion& r)
      : shore_(shore), latitude_(0.5 * (r.south_deg + r.north_deg)) {}
  void draw(Canvas& c) override {
    c.on_map("coast",
             {"-D" + shore_letter(shore_), "-A0/0/1", "-W0.35p,gray20", "-N1/0.6p,gray35,-"});
    const MapRegion& r = c.region();
    const double mid_lat = latitude_;
    // A scale bar about a fifth of the map's width, rounded to 1, 2 or 5 x 10^k km.
    const double width_km = (r.east_deg - r.west_deg) * 111.32 * std::cos(mid_lat * M_PI / 180.0);
    const double target = std::max(width_km / 5.0, 1.0);
    const double p10 = std::pow(10.0, std::floor(std::log10(target)));
    double bar = p10;
    for (const double m : {2.0, 5.0, 10.0})
      if (m * p10 <= target) bar = m * p10;
    c.on_map("basemap", {"-Bxaf", "-Byaf", "-BWSne",
                         fmt::format("-LjBL+c{:.4f}+w{:g}k+l+o0.5c/0.6c", mid_lat, bar),
                         "-F+gwhite+p0.4p,gray40",
                         // Per call: through the API, `gmt set` does not reach these.
                         "--FORMAT_GEO_MAP=dddF", "--MAP_FRAME_TYPE=fancy", "--MAP_FRAME_WIDTH=3p",
                         "--FONT_ANNOT_PRIMARY=9p", "--FONT_LABEL=9p"});
  }
  void caption(std::vector<std::string>& lines) const override {
    lines.push_back(fmt::format(
        "Coastlines and land: GSHHG ({}); borders: DCW; scale bar true at {:.1f} deg latitude.",
        to_string(shore_), latitude_));
  }

 private:
  geo::ShoreResolution shore_;
  double latitude_;
};

}  // namespace

std::string gmt_text(const std::string& text) {
  std::string out;
  for (const char ch : text) {
    if (ch == '@') out += '@';
    out += ch;
  }
  return out;
}

Canvas::Canvas(GmtFigure& figure, const MapRegion& region, std::string projection,
               double map_width_cm, double map_height_cm)
    : figure_(figure),
      region_(region),
      projection_(std::move(projection)),
      map_width_cm_(map_width_cm),
      map_height_cm_(map_height_cm) {}

std::string Canvas::region_arg() const {
  return fmt::format("-R{}/{}/{}/{}", num(region_.west_deg), num(region_.east_deg),
                     num(region_.south_deg), num(region_.north_deg));
}

void Canvas::on_map(const std::string& module, std::vector<std::string> args) {
  args.push_back(region_arg());
  args.push_back(projection_arg());
  figure_.call(module, args);
}

void Canvas::on_page(const std::string& module, std::vector<std::string> args) {
  args.push_back(fmt::format("-R0/{}/0/{}", num(map_width_cm_), num(map_height_cm_)));
  args.push_back(fmt::format("-JX{}/{}", cm(map_width_cm_), cm(map_height_cm_)));
  args.push_back("-N");
  figure_.call(module, args);
}

std::string Canvas::points_file(const std::vector<LatLon>& points) {
  std::string text;
  text.reserve(points.size() * 24);
  for (const LatLon& p : points) text += num(p.lon_deg) + " " + num(p.lat_deg) + "\n";
  return figure_.write_file(fmt::format("points{}.txt", files_++), text).string();
}

std::string Canvas::polygons_file(const std::vector<risk::Polygon>& polygons) {
  std::string text;
  for (const risk::Polygon& poly : polygons)
    for (std::size_t r = 0; r < poly.rings.size(); ++r) {
      const risk::Ring& ring = poly.rings[r];
      if (ring.empty()) continue;
      text += r == 0 ? "> -Pp\n" : "> -Ph\n";
      for (const risk::LonLat& q : ring) text += num(q.lon_deg) + " " + num(q.lat_deg) + "\n";
      // Stored rings are open (the last point joins the first): closed here, so that an outline
      // drawn without a fill is whole.
      text += num(ring.front().lon_deg) + " " + num(ring.front().lat_deg) + "\n";
    }
  return figure_.write_file(fmt::format("polygons{}.txt", files_++), text).string();
}

bool region_contains(const MapRegion& r, const LatLon& p) {
  if (!(p.lat_deg >= r.south_deg && p.lat_deg <= r.north_deg)) return false;
  const double lon =
      r.west_deg + std::fmod(std::fmod(p.lon_deg - r.west_deg, 360.0) + 360.0, 360.0);
  return lon <= r.east_deg;
}

std::vector<std::unique_ptr<MapLayer>> make_layers(const MapData& data, const MapOptions& options,
                                                   const MapRegion& region) {
  std::vector<std::unique_ptr<MapLayer>> layers;
  layers.push_back(std::make_unique<LandAndSea>(options.shore));
  if (data.risk) layers.push_back(std::make_unique<RiskMap>(*data.risk));
  if (data.risk_areas)
    layers.push_back(std::make_unique<HazardAreasLayer>(data.risk_areas->hazards));
  if (data.iip_corridor_99) layers.push_back(std::make_unique<IipCorridor>(*data.iip_corridor_99));
  // A footprint's contours in its impact set's colour (bodies and fragment classes share their
  // set's name), those of all debris in grey.
  std::vector<const char*> contour_colours;
  if (data.risk_areas)
    for (const risk::Footprint& f : data.risk_areas->hazards.footprints) {
      const auto it = std::find_if(data.impacts.begin(), data.impacts.end(),
                                   [&](const ImpactSet& s) { return s.name == f.name; });
      contour_colours.push_back(
          f.kind == risk::GroupKind::any || it == data.impacts.end()
              ? kAnyContourColour
              : set_colour(static_cast<std::size_t>(it - data.impacts.begin())));
    }
  layers.push_back(std::make_unique<ContainmentContours>(
      data.risk_areas ? &*data.risk_areas : nullptr, data.risk.has_value(), contour_colours));
  if (!data.shapes.empty()) layers.push_back(std::make_unique<Regions>(data.shapes, region));
  if (data.nominal_ground_track.size() >= 2)
    layers.push_back(std::make_unique<NominalTrack>("ground track", "1.0p,gray25,-",
                                                    data.nominal_ground_track, region));
  if (data.nominal_iip.size() >= 2)
    layers.push_back(
        std::make_unique<NominalTrack>("IIP track", "1.2p,black", data.nominal_iip, region));
  // The ellipses under the points: a narrow footprint's outline would hide its points.
  std::vector<const char*> ellipse_colours;
  for (const Outline& o : data.ellipses_95) {
    const auto it = std::find_if(data.impacts.begin(), data.impacts.end(),
                                 [&](const ImpactSet& s) { return s.name == o.name; });
    ellipse_colours.push_back(set_colour(
        it == data.impacts.end() ? 0 : static_cast<std::size_t>(it - data.impacts.begin())));
  }
  layers.push_back(std::make_unique<Ellipses>(data.ellipses_95, ellipse_colours, data.no_ellipse));
  const bool over_colours = data.risk && !data.risk->cell.empty();
  std::size_t fragment_index = 0;
  for (std::size_t i = 0; i < data.impacts.size(); ++i) {
    const ImpactSet& s = data.impacts[i];
    const char symbol = set_symbol(s, fragment_index);
    if (s.kind == ImpactSet::Kind::fragment_class) ++fragment_index;
    layers.push_back(std::make_unique<Impacts>(s, set_colour(i), symbol, region, over_colours));
  }
  layers.push_back(std::make_unique<LaunchSite>(data.site));
  layers.push_back(std::make_unique<ShoreBordersFrame>(options.shore, region));
  return layers;
}

}  // namespace launchmc::map
