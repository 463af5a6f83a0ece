// `launchmc map` on small runs of the bundled Chollima-1 scenario: the PNG's size and resolution,
// land where Korea and Okinawa are (pixels located by GMT's own mapproject, run apart from the
// code under test), identical pixels for identical inputs, the legend's and caption's counts
// against counts made from the run file's datasets, the /risk layer's caption, and bad inputs
// refused with nothing written (no PNG, no temporary, no GMT session directory left behind).
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <GeographicLib/Geodesic.hpp>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../support/cli_runner.hpp"
#include "../support/map_png.hpp"
#include "io/hdf5_file.hpp"
#include "map/map_data.hpp"
#include "map/map_render.hpp"

namespace {

using launchmc::test_support::CommandResult;
using launchmc::test_support::kConfigDir;
using launchmc::test_support::run_launchmc_in;

namespace fs = std::filesystem;
namespace h5 = launchmc::io::h5;
using launchmc::map::draw_map;
using launchmc::map::MapData;
using launchmc::map::MapLayout;
using launchmc::map::MapOptions;
using launchmc::map::MapRegion;
using launchmc::map::read_map_data;

using launchmc::test_support::count_near;
using launchmc::test_support::Image;
using launchmc::test_support::pixels_of;
using launchmc::test_support::read_png;
using launchmc::test_support::Rgb;

// The land and sea fills the map promises (docs/map.md).
constexpr Rgb kLand{235, 225, 195};
constexpr Rgb kSea{204, 224, 240};

// Impacts counted from the run file's datasets: fate 0 (impact) per body, finite vehicle impacts.
std::uint64_t count_fate_impacts(const h5::Group& root, const std::string& dataset) {
  if (!root.has(dataset)) return 0;
  const auto fate = root.read<double>(dataset);
  return static_cast<std::uint64_t>(std::count(fate.begin(), fate.end(), 0.0));
}

bool contains_line(const std::vector<std::string>& lines, const std::string& text) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

class Map : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("launchmc_map_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    run_ = dir_ / "run.h5";
    risk_ = dir_ / "risk.h5";
    CommandResult r = run_launchmc_in(
        "run " + kConfigDir + "/chollima1_2023.yaml -n 200 --seed 3 -o " + run_.string(), dir_);
    ASSERT_EQ(r.status, 0) << r.err;
    r = run_launchmc_in("risk " + run_.string() + " --no-geography --grid 0.1 -o " + risk_.string(),
                        dir_);
    ASSERT_EQ(r.status, 0) << r.err;
    // One map through the command, with a private TMPDIR to see what GMT leaves there.
    fs::create_directories(dir_ / "tmp_cli");
    cli_png_ = dir_ / "cli.png";
    cli_ = run_launchmc_in("map " + run_.string() + " -o " + cli_png_.string() +
                               " --dpi 60 --width-cm 20 --max-points 50 --region 120,20,135,40",
                           dir_, "TMPDIR=" + (dir_ / "tmp_cli").string());
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  // The command's options as a library call makes them.
  static MapOptions cli_options() {
    MapOptions o;
    o.region = MapRegion{120, 20, 135, 40};
    o.dpi = 60;
    o.width_cm = 20;
    o.max_points = 50;
    return o;
  }
  static fs::path dir_, run_, risk_, cli_png_;
  static CommandResult cli_;
};
fs::path Map::dir_, Map::run_, Map::risk_, Map::cli_png_;
CommandResult Map::cli_;

TEST_F(Map, CommandWritesAPngOfTheRequestedWidthAndResolutionQuietly) {
  const CommandResult& r = cli_;
  const fs::path png = cli_png_, tmp = dir_ / "tmp_cli";
  ASSERT_EQ(r.status, 0) << r.err;
  // GMT's chatter stays out of stdout and stderr: one line on stdout, nothing on stderr.
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  EXPECT_EQ(r.out.rfind("map written to " + png.string(), 0), 0u) << r.out;
  const Image im = read_png(png);
  // 20 cm at 60 dpi: 472.4 pixels (ghostscript rounds the page up to whole pixels).
  EXPECT_NEAR(im.width, 20 / 2.54 * 60, 1.0);
  EXPECT_NEAR(im.x_dpi, 60.0, 0.5);
  EXPECT_GT(im.height, im.width / 3);
  // GMT's session directory and data files were private and are gone; no temporary beside the
  // PNG.
  EXPECT_TRUE(fs::is_empty(tmp));
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  // Nothing written to the working directory by GMT (gmt.conf, gmt.history).
  EXPECT_FALSE(fs::exists("gmt.history"));
}

TEST_F(Map, LandWhereKoreaAndOkinawaAreAndCountsFromTheFile) {
  MapOptions o;
  o.region = MapRegion{120, 20, 135, 40};
  o.dpi = 100;
  o.width_cm = 24;
  o.max_points = 50;
  const MapData data = read_map_data(run_, o.max_points);
  const fs::path a = dir_ / "a.png";
  const MapLayout L = draw_map(data, o, a);
  const Image im = read_png(a);
  ASSERT_EQ(im.width, L.width_px);
  ASSERT_EQ(im.height, L.height_px);
  EXPECT_NEAR(im.x_dpi, 100.0, 0.5);

  // Geography: the land fill in the middle of South Korea and of Okinawa's main island, the sea
  // fill in the Philippine Sea and the Sea of Japan (nothing of the run is drawn there).
  const auto px = pixels_of(
      L, im, {{127.8, 36.4}, {127.93, 26.50}, {133.0, 23.0}, {133.0, 38.5}, {123.5, 35.5}}, dir_);
  const auto [kc, kr] = px[0];
  EXPECT_GE(count_near(im, kc, kr, kLand), 20) << "Korea at pixel " << kc << "," << kr;
  const auto [oc, orow] = px[1];
  EXPECT_GE(count_near(im, oc, orow, kLand), 3) << "Okinawa at pixel " << oc << "," << orow;
  const auto [sc, sr] = px[2];
  EXPECT_EQ(count_near(im, sc, sr, kSea), 25);
  const auto [jc, jr] = px[3];
  EXPECT_EQ(count_near(im, jc, jr, kSea), 25);
  // Swapped axes or another projection would put Korea in the sea: (lat, lon) read as (lon, lat)
  // lands outside the map, and the Yellow Sea's middle is not land.
  const auto [yc, yr] = px[4];
  EXPECT_EQ(count_near(im, yc, yr, kLand), 0);

  // Not blank: many colours (fills, points of five bodies, ellipses, text, frame).
  std::set<Rgb> colours;
  for (int row = 0; row < im.height; row += 3)
    for (int col = 0; col < im.width; col += 3) colours.insert(im.at(col, row));
  EXPECT_GT(colours.size(), 30u);

  // The legend's counts against the file: stage1's impacts (fate 0) counted from its dataset.
  const h5::File f = h5::File::open_read(run_);
  const h5::Group root = f.root();
  const std::uint64_t stage1 = count_fate_impacts(root, "bodies/stage1/fate");
  ASSERT_GT(stage1, 50u);
  EXPECT_TRUE(contains_line(L.legend, "stage1: 50 of " + std::to_string(stage1) + " impacts shown"))
      << joined(L.legend);
  // All impacts of the run: every nominal body's, the vehicle's own, other bodies', fragments'.
  std::uint64_t total = 0;
  for (const auto& name : root.read<std::string>("body_names"))
    total += count_fate_impacts(root, "bodies/" + name + "/fate");
  const auto vlat = root.read<double>("outcome/vehicle_impact_lat_deg");
  const std::uint64_t vehicle = static_cast<std::uint64_t>(
      std::count_if(vlat.begin(), vlat.end(), [](double v) { return std::isfinite(v); }));
  total += vehicle + count_fate_impacts(root, "other_bodies/fate") +
           count_fate_impacts(root, "fragments/fate");
  std::uint64_t shown = 0;
  for (const auto& s : data.impacts) shown += s.shown.size();
  EXPECT_EQ(shown, [&] {
    std::uint64_t n = 0;
    for (const auto& s : data.impacts) n += std::min<std::uint64_t>(s.total, 50);
    return n;
  }());
  const std::string all = joined(L.caption);
  EXPECT_NE(all.find("Impact points: " + launchmc::map::with_thousands(shown) + " of " +
                     launchmc::map::with_thousands(total) + " drawn, at most 50 per body"),
            std::string::npos)
      << all;
  // The title and subtitle: the scenario, the sample count and the seed.
  EXPECT_EQ(L.title, root.attribute<std::string>("scenario"));
  EXPECT_EQ(L.subtitle.rfind("200 samples, seed 3,", 0), 0u) << L.subtitle;
  // What the map leaves out is said: stage 2 falls east of Luzon, south of the map's 20 N; the
  // payload-carrying stage 3 reaches orbit (no impacts).
  const std::uint64_t stage2 = count_fate_impacts(root, "bodies/stage2/fate");
  EXPECT_TRUE(contains_line(L.caption, "stage2: all " + launchmc::map::with_thousands(stage2) +
                                           " impacts fall outside the map."))
      << all;
  EXPECT_TRUE(contains_line(L.caption, "stage3: no impact in the run")) << all;
}

TEST_F(Map, RiskLayerCaptionAndColourBarAndTheSamePixelsTwice) {
  ASSERT_EQ(cli_.status, 0) << cli_.err;
  const MapOptions o = cli_options();
  const MapLayout with = draw_map(read_map_data(risk_, o.max_points), o, dir_ / "risk.png");
  // The same file and options give the same pixels (here: the command's, in another process).
  const MapLayout without = draw_map(read_map_data(run_, o.max_points), o, dir_ / "norisk.png");
  const Image once = read_png(cli_png_), again = read_png(dir_ / "norisk.png");
  ASSERT_EQ(once.width, again.width);
  ASSERT_EQ(once.height, again.height);
  EXPECT_TRUE(once.rgb == again.rgb);
  // Cells of the group "any" with a probability, counted from /risk's datasets.
  const h5::File f = h5::File::open_read(risk_);
  const auto names = f.root().read<std::string>("risk/groups/name");
  const auto any =
      static_cast<std::uint64_t>(std::find(names.begin(), names.end(), "any") - names.begin());
  const auto group = f.root().read<std::uint64_t>("risk/cells/group");
  const auto p = f.root().read<double>("risk/cells/probability");
  std::uint64_t cells = 0;
  for (std::size_t i = 0; i < group.size(); ++i) cells += group[i] == any && p[i] > 0 ? 1 : 0;
  ASSERT_GT(cells, 10u);
  EXPECT_TRUE(contains_line(
      with.caption, "per flight (/risk, 200 samples, " + std::to_string(cells) + " cells hit)"))
      << joined(with.caption);
  // Without /risk: no colour layer, and the caption says there are no contours either.
  EXPECT_FALSE(contains_line(without.caption, "Colour:"));
  EXPECT_TRUE(contains_line(without.caption, "No /risk in the file: no containment contours"))
      << joined(without.caption);
  // The colour bar takes room under the map: the same map is taller.
  EXPECT_GT(with.page_height_cm, without.page_height_cm + 1.5);
  const Image a = read_png(dir_ / "risk.png");
  EXPECT_EQ(a.height, with.height_px);
}

TEST_F(Map, BadInputsAreRefusedWithNothingWritten) {
  const fs::path tmp = dir_ / "tmp_bad";
  fs::create_directories(tmp);
  const fs::path text = dir_ / "not_a_run.h5";
  { std::ofstream(text) << "not hdf5\n"; }
  const fs::path out = dir_ / "bad.png";
  struct Case {
    std::string args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {(dir_ / "missing.h5").string(), "missing.h5: no such run file"},
      {text.string(), "not_a_run.h5"},
      {run_.string() + " --region 120,20,135", "--region '120,20,135': expected W,S,E,N"},
      {run_.string() + " --dpi 10", "--dpi 10: expected 50 to 1200"},
      {run_.string() + " --shore full", "--shore full: expected crude, low or intermediate"},
  };
  for (const Case& c : cases) {
    const CommandResult r =
        run_launchmc_in("map " + c.args + " -o " + out.string(), dir_, "TMPDIR=" + tmp.string());
    EXPECT_NE(r.status, 0) << c.args;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << ": " << r.err;
    EXPECT_EQ(r.out, "") << c.args;
    EXPECT_FALSE(fs::exists(out)) << c.args;
  }
  // Outputs that cannot be written: not a PNG name, inside a file, in an unwritable place.
  for (const auto& [o, message] : std::vector<std::pair<std::string, std::string>>{
           {(dir_ / "bad.txt").string(), "expected a file name ending in .png"},
           {"/proc/launchmc_map.png", "cannot write /proc/launchmc_map.png"}}) {
    const CommandResult r =
        run_launchmc_in("map " + run_.string() + " -o " + o, dir_, "TMPDIR=" + tmp.string());
    EXPECT_NE(r.status, 0) << o;
    EXPECT_NE(r.err.find(message), std::string::npos) << o << ": " << r.err;
    EXPECT_FALSE(fs::exists(o));
  }
  // A damaged /risk: a cell index beyond the grid.
  const fs::path damaged = dir_ / "damaged_risk.h5";
  fs::copy_file(risk_, damaged, fs::copy_options::overwrite_existing);
  {
    h5::File f = h5::File::open_append(damaged);
    h5::Group cells = f.root().open_group("risk/cells");
    std::vector<std::uint64_t> cell = cells.read<std::uint64_t>("cell");
    cell.back() = std::uint64_t{1} << 40;
    cells.remove("cell");
    cells.write<std::uint64_t>("cell", cell);
    f.close();
  }
  const CommandResult r = run_launchmc_in("map " + damaged.string() + " -o " + out.string(), dir_,
                                          "TMPDIR=" + tmp.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("damaged_risk.h5: /risk: cells/cell row"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(fs::is_empty(tmp));
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

// Points where they belong: a set's impacts and the launch site drawn at pixels found by GMT's
// mapproject program (a swapped latitude and longitude would put them elsewhere, or off the map).
TEST_F(Map, ImpactsAndTheSiteAreDrawnWhereTheyAre) {
  MapData d;
  d.run_path = "synthetic.h5";
  d.scenario = "synthetic";
  d.site = {35.0, 125.0};
  launchmc::map::ImpactSet s;
  s.name = "stage1";
  s.total = 1;
  s.shown = {{24.0, 131.0}};  // Philippine Sea: nothing else there
  s.south_deg = s.north_deg = 24.0;
  s.west_deg = s.east_deg = 131.0;
  d.impacts = {s};
  MapOptions o;
  o.region = MapRegion{120, 20, 135, 40};
  o.dpi = 100;
  const MapLayout L = draw_map(d, o, dir_ / "synthetic.png");
  const Image im = read_png(dir_ / "synthetic.png");
  // The first set's colour (docs/map.md: matplotlib's tab10, 31/119/180) at the impact, none at
  // the point with latitude and longitude swapped into the map (lat 31, lon 124).
  constexpr Rgb kFirstSet{31, 119, 180};
  const auto px = pixels_of(L, im, {{131.0, 24.0}, {124.0, 31.0}, {125.0, 35.0}}, dir_);
  const auto [ic, ir] = px[0];
  EXPECT_GE(count_near(im, ic, ir, kFirstSet), 2) << ic << "," << ir;
  const auto [wc, wr] = px[1];
  EXPECT_EQ(count_near(im, wc, wr, kFirstSet), 0);
  // The launch site's red star.
  const auto [sc, sr] = px[2];
  EXPECT_GE(count_near(im, sc, sr, Rgb{255, 0, 0}), 5) << sc << "," << sr;
  EXPECT_TRUE(contains_line(L.legend, "stage1: 1 impact")) << joined(L.legend);
  EXPECT_TRUE(contains_line(L.legend, "launch site (35.00N 125.00E)")) << joined(L.legend);
}

// The drawn 95 % ellipses against the run's own summary (`launchmc summarize --json`): about the
// mean impact, the farthest outline point at the semi-major axis along its azimuth, the nearest at
// the semi-minor axis (geodesic distances and azimuths by GeographicLib).
TEST_F(Map, EllipsesHaveTheSummarysAxesAndOrientation) {
  const CommandResult r = run_launchmc_in("summarize --json " + run_.string(), dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto summary = nlohmann::json::parse(r.out);
  const MapData d = read_map_data(run_, 10);
  const GeographicLib::Geodesic& g = GeographicLib::Geodesic::WGS84();
  int checked = 0;
  for (const auto& body : summary["bodies"]) {
    const auto it = std::find_if(d.ellipses_95.begin(), d.ellipses_95.end(),
                                 [&](const auto& o) { return o.name == body["name"]; });
    if (!body["ellipses"].contains("95") || body["impacted"].get<int>() < 30 ||
        body["rms_distance_km"].get<double>() > 1000) {
      EXPECT_EQ(it, d.ellipses_95.end()) << body["name"];
      continue;
    }
    ASSERT_NE(it, d.ellipses_95.end()) << body["name"];
    const auto& e = body["ellipses"]["95"];
    const double lat0 = body["impact_mean_lat_deg"], lon0 = body["impact_mean_lon_deg"];
    double far_km = 0, near_km = 1e9, far_azimuth = 0;
    for (const auto& p : it->points) {
      double s12, azi1, azi2;
      g.Inverse(lat0, lon0, p.lat_deg, p.lon_deg, s12, azi1, azi2);
      if (s12 / 1e3 > far_km) far_km = s12 / 1e3, far_azimuth = azi1;
      near_km = std::min(near_km, s12 / 1e3);
    }
    const double a = e["semi_major_km"], b = e["semi_minor_km"], az = e["orientation_deg"];
    // 144 vertices: the outline's extremes within 0.1 % of the axes.
    EXPECT_NEAR(far_km, a, 1e-3 * a) << body["name"];
    EXPECT_NEAR(near_km, b, 1e-3 * a) << body["name"];
    // The major axis is a line: its azimuth modulo 180 deg.
    const double d_az = std::remainder(far_azimuth - az, 180.0);
    EXPECT_LT(std::abs(d_az), 1.0) << body["name"] << ": " << far_azimuth << " vs " << az;
    ++checked;
  }
  EXPECT_GE(checked, 4);  // stage1, the two fairings, stage2
}

TEST(MapRegion, ParsesFourNumbersAndAcceptsTheAntimeridian) {
  const MapRegion r = launchmc::map::parse_map_region("170,-10,200.5,10");
  EXPECT_EQ(r.west_deg, 170);
  EXPECT_EQ(r.south_deg, -10);
  EXPECT_EQ(r.east_deg, 200.5);
  EXPECT_EQ(r.north_deg, 10);
  EXPECT_THROW(launchmc::map::parse_map_region("1,2,3,4,5"), std::invalid_argument);
  EXPECT_THROW(launchmc::map::parse_map_region("120,40,135,20"), std::invalid_argument);  // S > N
  EXPECT_THROW(launchmc::map::parse_map_region("135,20,120,40"), std::invalid_argument);  // W > E
  EXPECT_THROW(launchmc::map::parse_map_region("120,20,13x,40"), std::invalid_argument);
  EXPECT_THROW(launchmc::map::parse_map_region("0,-91,10,0"), std::invalid_argument);
  EXPECT_THROW(launchmc::map::parse_map_region("0,0,400,10"), std::invalid_argument);
  EXPECT_THROW(launchmc::map::parse_map_region(""), std::invalid_argument);
}

TEST(MapOptions, OutOfRangeValuesAreRefusedNamingTheOption) {
  const auto message = [](MapOptions o) {
    try {
      launchmc::map::validate(o);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  MapOptions o;
  EXPECT_EQ(message(o), "accepted");
  o.dpi = 49;
  EXPECT_EQ(message(o), "--dpi 49: expected 50 to 1200");
  o = {};
  o.width_cm = 11.9;
  EXPECT_EQ(message(o), "--width-cm 11.9: expected 12 to 100");
  o = {};
  o.max_points = 0;
  EXPECT_EQ(message(o), "--max-points 0: expected 1 to 1,000,000");
}

TEST(MapRegionDefault, NothingToDrawIsAnErrorNamingTheFile) {
  MapData d;
  d.run_path = "empty_run.h5";
  d.site = {39.66, 124.7};
  d.impacts.push_back({});  // a body that never came down
  try {
    launchmc::map::default_region(d);
    FAIL() << "no impacts and no track must be refused";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("empty_run.h5 has no impacts and no IIP track"),
              std::string::npos)
        << e.what();
  }
}

TEST(MapRegionDefault, HoldsTheCompactFootprintsTheSiteAndTheTrackWithAMargin) {
  MapData d;
  d.run_path = "x.h5";
  d.site = {40.0, 125.0};
  launchmc::map::ImpactSet near;
  near.name = "stage1";
  near.total = 2;
  near.shown = {{35.0, 124.0}, {34.0, 124.5}};
  near.south_deg = 34.0, near.north_deg = 35.0, near.west_deg = 124.0, near.east_deg = 124.5;
  launchmc::map::ImpactSet far;  // scattered over thousands of km: not in the default box
  far.name = "vehicle";
  far.kind = launchmc::map::ImpactSet::Kind::vehicle;
  far.total = 2;
  far.shown = {{-40.0, 100.0}, {10.0, 170.0}};
  far.south_deg = -40, far.north_deg = 10, far.west_deg = 100, far.east_deg = 170;
  far.rms_km = 3000;
  d.impacts = {near, far};
  d.nominal_iip = {{39.0, 124.9}, {36.0, 124.5}, {-60.0, 20.0}};  // the last beyond any impact
  const MapRegion r = launchmc::map::default_region(d);
  // Box 34..40 N, 124..125 E (the site, stage1 and two track points); margin 1 deg (8 % of 6 deg
  // is less), then widened in longitude to an aspect of at most 1.5.
  EXPECT_NEAR(r.south_deg, 33.0, 1e-9);
  EXPECT_NEAR(r.north_deg, 41.0, 1e-9);
  EXPECT_LT(r.west_deg, 123.0);
  EXPECT_GT(r.east_deg, 126.0);
  EXPECT_LT(r.east_deg - r.west_deg, 20.0);
}

}  // namespace
