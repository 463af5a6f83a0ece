// The layers of `launchmc map`, drawn bottom to top on one GMT figure. Each layer draws itself
// and says what it adds to the legend and to the caption (what it shows, what it leaves out), so
// that adding a layer (contours, hazard areas, user regions) is one class here and one line in
// make_layers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "geo/land_classifier.hpp"
#include "map/gmt_figure.hpp"
#include "map/map_data.hpp"
#include "map/map_render.hpp"

namespace launchmc::map {

// The figure with the map's frame set up: every module call gets the map's -R and -J.
class Canvas {
 public:
  Canvas(GmtFigure& figure, const MapRegion& region, std::string projection, double map_width_cm,
         double map_height_cm);
  GmtFigure& figure() { return figure_; }
  const MapRegion& region() const { return region_; }
  std::string region_arg() const;
  std::string projection_arg() const { return "-J" + projection_; }
  double map_width_cm() const { return map_width_cm_; }
  double map_height_cm() const { return map_height_cm_; }
  // Runs a module on the map (its -R and -J added).
  void on_map(const std::string& module, std::vector<std::string> args);
  // Runs a module in page centimetres about the map's lower left corner (x right, y up; outside
  // the frame allowed): titles, captions.
  void on_page(const std::string& module, std::vector<std::string> args);
  // Writes lon/lat points as a data file ("lon lat" lines) and returns its path.
  std::string points_file(const std::vector<LatLon>& points);
  // Writes polygons as a multi-segment file, every ring closed, holes (rings after the first)
  // marked "-Ph" so that a fill leaves them open; longitudes as given (GMT wraps them onto the
  // map's -R). Returns its path.
  std::string polygons_file(const std::vector<risk::Polygon>& polygons);
  // Room the layers take under the map, below the frame's annotations [cm]: a layer that draws
  // there (the colour bar) starts at -below_map_cm() and adds what it uses.
  double below_map_cm() const { return below_map_cm_; }
  void add_below_map(double cm) { below_map_cm_ += cm; }

 private:
  GmtFigure& figure_;
  MapRegion region_;
  std::string projection_;
  double map_width_cm_, map_height_cm_;
  double below_map_cm_ = 0;
  int files_ = 0;
};

class MapLayer {
 public:
  virtual ~MapLayer() = default;
  virtual void draw(Canvas& canvas) = 0;
  // GMT legend lines (the `legend` module's specification: "S ..." symbol lines) and their
  // labels, appended in order.
  virtual void legend(std::vector<std::string>& /*lines*/,
                      std::vector<std::string>& /*labels*/) const {}
  // Sentences for the caption (what is shown, what is left out); known before draw().
  virtual void caption(std::vector<std::string>& /*lines*/) const {}
  // Space the layer needs under the map [cm] (a colour bar), for the page's layout.
  virtual double height_below_map_cm() const { return 0.0; }
};

// The layers of a map of `data` over `region`, bottom to top.
std::vector<std::unique_ptr<MapLayer>> make_layers(const MapData& data, const MapOptions& options,
                                                   const MapRegion& region);
// True if the point is inside the box (longitudes taken modulo 360).
bool region_contains(const MapRegion& region, const LatLon& p);

// Escapes text for GMT's text and legend modules ('@' starts GMT's escape sequences).
std::string gmt_text(const std::string& text);

}  // namespace launchmc::map
