// Tests of the IIP corridor reducer (engine/iip_corridor) on hand-built tracks whose statistics
// are worked out here by hand: the mean track, the cross- and along-track offsets from the nominal
// IIP and their containment, the overflight table (line crossings, region entries, their times),
// the grid taken from the time column, and exact merging of split runs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "common/constants.hpp"
#include "engine/columns.hpp"
#include "engine/iip_corridor.hpp"
#include "engine/outcome.hpp"
#include "engine/state_buffer.hpp"

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

// The bytes of a reducer's saved state.
std::vector<std::byte> saved_bytes(const IipCorridorReducer& r) {
  StateBuffer state;
  r.save(state);
  return state.bytes();
}

TEST(IipCorridor, ASavedStateSentAsBytesRestoresBitForBit) {
  // How `mpirun ... risk` hands rank 0 a rank's corridor: save, bytes, restore, merge. Two
  // strata (rows alternate), so that the per-stratum state under "stratum1." travels too.
  IipZoneSpec line{"parallel", false, {{31.1, 124.0}, {31.1, 126.0}}};
  IipZoneSpec box{"box", true, {{30.4, 124.8}, {30.4, 125.2}, {31.6, 125.2}, {31.6, 124.8}}};
  IipCorridorSetup setup = setup_with({line, box});
  setup.strata = FailureStrata({"none", "engine_shutdown"}, {0.9, 0.1}, {32768, 32768});
  std::vector<Track> all;
  for (int i = 0; i < 11; ++i)
    all.push_back(shifted(0.017 * i - 0.08, 0.023 * (i % 5) - 0.04, i == 6 ? 2 : 4));
  auto block = [&](std::size_t from, std::size_t to) {
    Block b = block_of({all.begin() + static_cast<std::ptrdiff_t>(from),
                        all.begin() + static_cast<std::ptrdiff_t>(to)});
    b.stratum.resize(b.count);
    for (std::size_t r = 0; r < b.count; ++r) b.stratum[r] = (from + r) % 2;
    return b;
  };
  IipCorridorReducer whole(setup), first(setup), second(setup);
  whole.add(block(0, all.size()));
  first.add(block(0, 5));
  second.add(block(5, all.size()));
  const std::vector<std::byte> sent = saved_bytes(second);
  IipCorridorReducer received(setup);
  received.restore(StateBuffer::from_bytes(sent));
  EXPECT_EQ(saved_bytes(received), sent);  // the same state, bit for bit
  first.merge(received);
  EXPECT_EQ(saved_bytes(first), saved_bytes(whole));
  const IipCorridorSummary x = whole.finish(), y = first.finish();
  ASSERT_EQ(x.track.size(), y.track.size());
  for (std::size_t k = 0; k < x.track.size(); ++k) {
    EXPECT_EQ(x.track[k].tracks, y.track[k].tracks);
    EXPECT_EQ(x.track[k].mean_lon_deg, y.track[k].mean_lon_deg);
    EXPECT_EQ(x.track[k].along_sd_km, y.track[k].along_sd_km);
    EXPECT_EQ(x.track[k].cross_halfwidth_km, y.track[k].cross_halfwidth_km);
  }
  ASSERT_EQ(y.overflight.size(), 2u);
  for (std::size_t z = 0; z < 2; ++z) {
    EXPECT_GT(y.overflight[z].count, 0u) << z;
    EXPECT_EQ(x.overflight[z].count, y.overflight[z].count);
    EXPECT_EQ(x.overflight[z].time_sd_s, y.overflight[z].time_sd_s);
  }
  // A state of another setup (one zone fewer) is refused, not misread.
  IipCorridorReducer other(setup_with({line}));
  EXPECT_THROW(other.restore(StateBuffer::from_bytes(sent)), std::runtime_error);
}

TEST(StateBuffer, BytesCarryEveryArrayAndNameListExactly) {
  StateBuffer s;
  const std::vector<double> reals = {1.5, -0.0, std::numeric_limits<double>::infinity(), kNaN,
                                     5e-324};
  const std::vector<std::uint64_t> counts = {0, 1, ~std::uint64_t{0}};
  s.put("a.reals", std::span<const double>(reals));
  s.put("b.counts", std::span<const std::uint64_t>(counts));
  s.put("empty", std::span<const double>());
  s.put_names("groups", {"any", "", "stage 1 (spent)"});
  const StateBuffer t = StateBuffer::from_bytes(s.bytes());
  const std::vector<double> back = t.doubles("a.reals");
  ASSERT_EQ(back.size(), reals.size());
  for (std::size_t i = 0; i < reals.size(); ++i)  // bit patterns: -0 and NaN included
    EXPECT_EQ(std::memcmp(&back[i], &reals[i], sizeof(double)), 0) << i;
  EXPECT_EQ(t.counts("b.counts"), counts);
  EXPECT_TRUE(t.doubles("empty").empty());
  EXPECT_EQ(t.names("groups"), (std::vector<std::string>{"any", "", "stage 1 (spent)"}));
  EXPECT_EQ(t.bytes(), s.bytes());
  // Asked for what is not there, or of another kind: an error naming it.
  EXPECT_THROW(t.doubles("b.counts"), std::runtime_error);
  EXPECT_THROW(t.counts("missing"), std::runtime_error);
  EXPECT_THROW(s.put_names("groups", {}), std::runtime_error);
  // Damaged bytes are refused, at every truncation and with a wrong mark or a trailing byte.
  const std::vector<std::byte> bytes = s.bytes();
  for (std::size_t n = 0; n < bytes.size(); ++n)
    EXPECT_THROW(StateBuffer::from_bytes(std::span<const std::byte>(bytes.data(), n)),
                 std::runtime_error)
        << n;
  std::vector<std::byte> longer = bytes;
  longer.push_back(std::byte{0});
  EXPECT_THROW(StateBuffer::from_bytes(longer), std::runtime_error);
  std::vector<std::byte> other_order = bytes;
  std::swap(other_order[8], other_order[15]);  // the byte-order mark
  EXPECT_THROW(StateBuffer::from_bytes(other_order), std::runtime_error);
}

}  // namespace
}  // namespace launchmc::engine
