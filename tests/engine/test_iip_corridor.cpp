// Tests of the IIP corridor reducer (engine/iip_corridor) on hand-built tracks whose statistics
// are worked out here by hand: the mean track, the cross- and along-track offsets from the nominal
// IIP and their containment, the overflight table (line crossings, region entries, their times),
// the grid taken from the time column, and exact merging of split runs.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "common/constants.hpp"
#include "engine/columns.hpp"
#include "engine/iip_corridor.hpp"
#include "engine/outcome.hpp"

namespace launchmc::engine {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// km per degree of latitude in the corridor's plane (R = 6371.0088 km).
const double kKmPerDeg = 6371.0088 * constants::pi / 180.0;

struct Track {
  std::vector<flight::IipPoint> points;
};

// A block of these tracks (row r = tracks[r]).
Block block_of(const std::vector<Track>& tracks) {
  Block b;
  b.resize(tracks.size(), 0, 0, 64);
  b.count = tracks.size();
  const auto cols = iip_columns();
  for (std::size_t r = 0; r < tracks.size(); ++r) {
    for (const flight::IipPoint& p : tracks[r].points)
      for (std::size_t c = 0; c < cols.size(); ++c) b.iip.columns[c].push_back(cols[c].extract(p));
    b.iip.row_end[r] = b.iip.entries();
  }
  return b;
}

// The nominal: a track going due north along 125 E from 30 N, 0.5 deg per 10 s step; the time to
// impact is made different from the time so that a reducer reading the wrong column misplaces
// every point.
std::vector<flight::IipPoint> nominal_track() {
  std::vector<flight::IipPoint> v;
  for (int k = 0; k < 4; ++k) v.push_back({10.0 * k, 30.0 + 0.5 * k, 125.0, 500.0 - 7.0 * k});
  return v;
}

IipCorridorSetup setup_with(std::vector<IipZoneSpec> zones) {
  IipCorridorSetup s;
  s.step_s = 10.0;
  s.nominal = nominal_track();
  s.max_points = 8;
  s.site_lon_deg = 124.7;
  s.zones = std::move(zones);
  return s;
}

// The nominal shifted by (dlat, dlon) at every point.
Track shifted(double dlat, double dlon, std::size_t n = 4) {
  Track t;
  for (std::size_t k = 0; k < n; ++k) {
    flight::IipPoint p = nominal_track()[k];
    p.lat_deg += dlat;
    p.lon_deg += dlon;
    t.points.push_back(p);
  }
  return t;
}

TEST(IipCorridor, MeanTrackOffsetsAndContainmentAboutTheNominal) {
  // Three samples: east by 0.1 deg, west by 0.3 deg, north by 0.2 deg (and not shifted in lon).
  // The nominal moves north, so "left" is west: cross = -east offset, along = north offset.
  IipCorridorReducer r(setup_with({}));
  r.add(block_of({shifted(0.0, 0.1), shifted(0.0, -0.3), shifted(0.2, 0.0)}));
  const IipCorridorSummary s = r.finish();
  EXPECT_EQ(s.samples, 3u);
  ASSERT_EQ(s.track.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    const CorridorPoint& p = s.track[k];
    const double lat0 = 30.0 + 0.5 * k;
    EXPECT_DOUBLE_EQ(p.t_s, 10.0 * k);
    EXPECT_EQ(p.tracks, 3u);
    EXPECT_EQ(p.impacting, 3u);
    EXPECT_NEAR(p.mean_lat_deg, lat0 + 0.2 / 3, 1e-12);
    EXPECT_NEAR(p.mean_lon_deg, 125.0 - 0.2 / 3, 1e-12);
    EXPECT_DOUBLE_EQ(p.nominal_lat_deg, lat0);
    EXPECT_DOUBLE_EQ(p.nominal_lon_deg, 125.0);
    const double east = kKmPerDeg * std::cos(lat0 * constants::deg_to_rad);
    // Cross-track offsets: -0.1 east, +0.3 east (west is left), 0.
    const double c1 = -0.1 * east, c2 = 0.3 * east, c3 = 0.0;
    const double cmean = (c1 + c2 + c3) / 3;
    const double csd = std::sqrt(
        ((c1 - cmean) * (c1 - cmean) + (c2 - cmean) * (c2 - cmean) + (c3 - cmean) * (c3 - cmean)) /
        2);
    EXPECT_NEAR(p.cross_mean_km, cmean, 1e-9);
    EXPECT_NEAR(p.cross_sd_km, csd, 1e-9);
    // Along: 0, 0, 0.2 deg north.
    EXPECT_NEAR(p.along_mean_km, 0.2 * kKmPerDeg / 3, 1e-9);
    // |cross| = {0, 0.1 e, 0.3 e}: type-7 quantiles at 0.5, 0.9, 0.99 (the sketch: within its
    // relative accuracy of 1e-3 of each order statistic).
    const double q50 = 0.1 * east, q90 = 0.1 * east + 0.8 * 0.2 * east,
                 q99 = 0.1 * east + 0.98 * 0.2 * east;
    EXPECT_NEAR(p.cross_halfwidth_km[0], q50, 2e-3 * q50);
    EXPECT_NEAR(p.cross_halfwidth_km[1], q90, 2e-3 * q90);
    EXPECT_NEAR(p.cross_halfwidth_km[2], q99, 2e-3 * q99);
  }
}

TEST(IipCorridor, NoImpactPointsAndShorterTracks) {
  // Sample 2 is in orbit from k = 2 (NaN), sample 3 stops after 2 points.
  Track orbit = shifted(0.0, 0.0);
  orbit.points[2].lat_deg = orbit.points[2].lon_deg = orbit.points[2].time_to_impact_s = kNaN;
  orbit.points[3].lat_deg = orbit.points[3].lon_deg = orbit.points[3].time_to_impact_s = kNaN;
  IipCorridorReducer r(setup_with({}));
  r.add(block_of({shifted(0.0, 0.0), orbit, shifted(0.0, 0.0, 2)}));
  const IipCorridorSummary s = r.finish();
  ASSERT_EQ(s.track.size(), 4u);
  EXPECT_EQ(s.track[1].tracks, 3u);
  EXPECT_EQ(s.track[1].impacting, 3u);
  EXPECT_EQ(s.track[2].tracks, 2u);
  EXPECT_EQ(s.track[2].impacting, 1u);
  EXPECT_EQ(s.track[3].tracks, 2u);
  EXPECT_EQ(s.track[3].impacting, 1u);
  EXPECT_TRUE(std::isnan(s.track[3].cross_sd_km));  // one sample: no spread
}

TEST(IipCorridor, OverflightOfALineAndARegionWithTimes) {
  // Line: the parallel 31.1 N from 124 E to 126 E. The nominal crosses it between k = 2 (31.0 N,
  // t = 20) and k = 3 (31.5 N, t = 30): at t = 20 + 10 * 0.1 / 0.5 = 22 s. A track 0.3 deg north
  // crosses between k = 1 (30.8) and k = 2 (31.3): t = 10 + 10 * 0.3 / 0.5 = 16 s. A track at
  // 126.5 E (east of the line's end) never crosses.
  IipZoneSpec line{"parallel", false, {{31.1, 124.0}, {31.1, 126.0}}};
  // Region: a box 30.6 .. 30.9 N, 124.9 .. 125.05 E. The nominal enters at 30.6 N, t = 12 s; the
  // 0.3 deg north track starts inside? its k = 1 point is 30.8 (inside), k = 0 is 30.3 (outside):
  // enters at 30.6 N, t = 0 + 10 * 0.3 / 0.5 = 6 s. The 126.5 E track never enters.
  IipZoneSpec box{"box", true, {{30.6, 124.9}, {30.6, 125.05}, {30.9, 125.05}, {30.9, 124.9}}};
  IipCorridorReducer r(setup_with({line, box}));
  r.add(block_of({shifted(0.0, 0.0), shifted(0.3, 0.0), shifted(0.0, 1.5)}));
  const IipCorridorSummary s = r.finish();
  ASSERT_EQ(s.overflight.size(), 2u);
  const OverflightRow& l = s.overflight[0];
  EXPECT_EQ(l.name, "parallel");
  EXPECT_FALSE(l.region);
  EXPECT_EQ(l.count, 2u);
  EXPECT_DOUBLE_EQ(l.fraction, 2.0 / 3.0);
  EXPECT_NEAR(l.time_mean_s, 19.0, 1e-9);
  EXPECT_NEAR(l.time_sd_s, std::sqrt(18.0), 1e-9);
  EXPECT_NEAR(l.time_min_s, 16.0, 1e-9);
  EXPECT_NEAR(l.time_max_s, 22.0, 1e-9);
  const OverflightRow& b = s.overflight[1];
  EXPECT_TRUE(b.region);
  EXPECT_EQ(b.count, 2u);
  EXPECT_NEAR(b.time_min_s, 6.0, 1e-9);
  EXPECT_NEAR(b.time_max_s, 12.0, 1e-9);
}

TEST(IipCorridor, FirstCrossingIgnoresGapsAndFindsARegionItStartsIn) {
  const double t[] = {0, 5, 10, 15};
  const double lat[] = {0.0, kNaN, 2.0, 3.0};
  const double lon[] = {0.0, 1.0, 2.0, 3.0};
  // The line x = 1 (lon 1 deg) is passed only across the NaN gap: no crossing.
  const IipZoneSpec line{"l", false, {{-5.0, 1.0}, {5.0, 1.0}}};
  EXPECT_TRUE(std::isnan(first_crossing_s(line, t, lat, lon, 4, 0.0)));
  // The line lon = 2.5: crossed between t = 10 and 15, halfway: 12.5 s.
  const IipZoneSpec line2{"l2", false, {{-5.0, 2.5}, {5.0, 2.5}}};
  EXPECT_NEAR(first_crossing_s(line2, t, lat, lon, 4, 0.0), 12.5, 1e-12);
  // A region around the first point: entered at t = 0.
  const IipZoneSpec box{"b", true, {{-1, -1}, {-1, 0.5}, {1, 0.5}, {1, -1}}};
  EXPECT_EQ(first_crossing_s(box, t, lat, lon, 4, 0.0), 0.0);
  // Longitudes across the antimeridian are unwrapped about the site's: a track from 179.5 E to
  // 179.5 W crosses the line at 180.
  const double lon2[] = {179.5, -179.5};
  const double lat2[] = {0.0, 0.0};
  const double t2[] = {0.0, 10.0};
  const IipZoneSpec dateline{"d", false, {{-1.0, 180.0}, {1.0, 180.0}}};
  EXPECT_NEAR(first_crossing_s(dateline, t2, lat2, lon2, 2, 170.0), 5.0, 1e-9);
}

TEST(IipCorridor, SplitRunsMergeToTheSameBits) {
  IipZoneSpec line{"parallel", false, {{31.1, 124.0}, {31.1, 126.0}}};
  std::vector<Track> all;
  for (int i = 0; i < 9; ++i) all.push_back(shifted(0.013 * i - 0.05, 0.021 * (i % 4) - 0.03));
  IipCorridorReducer whole(setup_with({line}));
  whole.add(block_of(all));
  IipCorridorReducer a(setup_with({line})), b(setup_with({line}));
  a.add(block_of({all.begin(), all.begin() + 4}));
  b.add(block_of({all.begin() + 4, all.end()}));
  b.merge(a);  // the later piece first: order does not matter
  const IipCorridorSummary x = whole.finish(), y = b.finish();
  ASSERT_EQ(x.track.size(), y.track.size());
  for (std::size_t k = 0; k < x.track.size(); ++k) {
    EXPECT_EQ(x.track[k].mean_lat_deg, y.track[k].mean_lat_deg);
    EXPECT_EQ(x.track[k].cross_sd_km, y.track[k].cross_sd_km);
    EXPECT_EQ(x.track[k].cross_halfwidth_km, y.track[k].cross_halfwidth_km);
  }
  EXPECT_EQ(x.overflight[0].count, y.overflight[0].count);
  EXPECT_EQ(x.overflight[0].time_mean_s, y.overflight[0].time_mean_s);
}

}  // namespace
}  // namespace launchmc::engine
