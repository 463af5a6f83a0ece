// Path -> field binding for the numeric parameters of a Scenario, and the list of the paths: two
// archives over the config schema.
#include "scenario/parameters.hpp"

#include <fmt/format.h>

#include "common/parameter_path.hpp"
#include "common/suggest.hpp"
#include "scenario/schema_fields.hpp"

namespace launchmc {

namespace {

using schema::Field;

// Walks the schema along the segments of one path and binds the number it ends at.
class BindArchive {
 public:
  explicit BindArchive(std::vector<std::string> segments) : segs_(std::move(segments)) {}

  ParameterRef result;
  bool done() const noexcept { return done_; }
  // Why nothing matched: the segment that names no key, and the nearest key that exists.
  std::string why_unmatched() const {
    std::vector<std::string> keys(level_keys_.begin(), level_keys_.end());
    const std::string& seg = segs_[level_];
    const std::string where =
        level_ == 0 ? std::string("at the top level") : "in " + walked(level_);
    return fmt::format("there is no key '{}' {}{}", seg, where, did_you_mean(seg, keys));
  }

  void number(double& x, const Field& f) { leaf(&x, f, true); }
  void number(double& x, const Field& f, bool present) { leaf(&x, f, present); }
  void number(std::optional<double>& x, const Field& f) {
    leaf(x ? &*x : nullptr, f, x.has_value());
  }
  void converted(double&, const Field& f, bool) {
    if (match(f.key))
      finish(fmt::format(
          "{} is held in another form by the model ({}): --set can change it, a "
          "dispersion cannot",
          walked(depth_ + 1), f.need == schema::Need::form ? "an alternative form" : "a unit"));
  }
  void integer(int&, const Field& f) {
    if (match(f.key))
      finish(fmt::format("{} is a whole number: --set can change it, a dispersion cannot",
                         walked(depth_ + 1)));
  }
  void boolean(bool&, const Field& f) { not_a_number(f); }
  void text(std::string&, const Field& f) { not_a_number(f); }
  void epoch(double&, const Field& f) { not_a_number(f); }
  template <class E>
  void choice(E&, const Field& f, std::span<const schema::Choice<E>>) {
    not_a_number(f);
  }
  void vector3(Eigen::Vector3d& v, const Field& f, std::string_view) {
    if (!match(f.key)) return;
    std::size_t i = 0;
    if (depth_ + 2 != segs_.size() || !parameter_index(segs_[depth_ + 1], i) || i >= 3)
      return finish(
          fmt::format("{} has three components: {}[0] radial, [1] along-track, [2] cross-track",
                      walked(depth_ + 1), f.key));
    bind(&v[static_cast<Eigen::Index>(i)], f.range, f.dispersable);
  }
  void table(Table1D& t, const Field& f, const schema::TableSpec& spec, bool present) {
    if (!match(f.key)) return;
    if (!present) return finish(absent_text(f));
    if (!spec.values_dispersable)
      return finish(
          fmt::format("the cells of the table {} are not parameters", walked(depth_ + 1)));
    std::size_t k = 0, j = 0;
    if (depth_ + 3 != segs_.size() || !parameter_index(segs_[depth_ + 1], k) ||
        !parameter_index(segs_[depth_ + 2], j))
      return finish(
          fmt::format("{} is a table: name a cell, {}[row][1]", walked(depth_ + 1), f.key));
    if (k >= t.size()) return finish(fmt::format("{} has {} rows", walked(depth_ + 1), t.size()));
    if (j != 1)
      return finish(
          fmt::format("only the value column [1] of {} can vary (column 0 holds the breakpoints)",
                      walked(depth_ + 1)));
    bind(&t.mutable_y()[k], spec.columns[1].range, f.dispersable);
  }
  void table(Table1D&, Table1D&, const Field& f, const schema::TableSpec&, bool) {
    if (match(f.key))
      finish(fmt::format("the cells of the table {} are not parameters", walked(depth_ + 1)));
  }
  template <class Fn>
  void section(const Field& f, bool present, Fn&& fn) {
    if (!match(f.key)) return;
    if (depth_ + 1 == segs_.size())
      return finish(fmt::format("{} is a map: name one of its keys", walked(depth_ + 1)));
    if (!present) return finish(absent_text(f));
    ++depth_;
    fn(*this);
    --depth_;
  }
  template <class T, class Fn>
  void section(std::optional<T>& o, const Field& f, Fn&& fn) {
    if (!match(f.key)) return;
    if (depth_ + 1 == segs_.size())
      return finish(fmt::format("{} is a map: name one of its keys", walked(depth_ + 1)));
    if (!o) return finish(absent_text(f));
    ++depth_;
    fn(*this, *o);
    --depth_;
  }
  template <class T, class Fn>
  void list(std::vector<T>& v, const Field& f, const schema::ListSpec&, Fn&& fn) {
    if (!match(f.key)) return;
    std::size_t k = 0;
    if (depth_ + 1 == segs_.size() || !parameter_index(segs_[depth_ + 1], k))
      return finish(fmt::format("{} is a list: name an entry, {}[0]", walked(depth_ + 1), f.key));
    if (k >= v.size())
      return finish(fmt::format("there are only {} {}: index {} is out of range", v.size(), f.key,
                                parameter_index_text(segs_[depth_ + 1])));
    if (depth_ + 2 == segs_.size())
      return finish(fmt::format("{} is a map: name one of its keys", walked(depth_ + 2)));
    depth_ += 2;
    fn(*this, v[k], k);
    depth_ -= 2;
  }
  void forms(const schema::Forms&) {}
  template <class Fn>
  void after_read(Fn&&) {}

 private:
  // Whether `key` is the segment looked for at this level (and notes it as a candidate).
  bool match(std::string_view key) {
    if (done_ || depth_ >= segs_.size()) return false;
    if (depth_ > level_) {
      level_ = depth_;
      level_keys_.clear();
    }
    if (depth_ == level_) level_keys_.push_back(key);
    return segs_[depth_] == key;
  }
  void leaf(double* x, const Field& f, bool present) {
    if (!match(f.key)) return;
    if (depth_ + 1 != segs_.size())
      return finish(fmt::format("{} is a number: nothing is below it", walked(depth_ + 1)));
    if (!present) return finish(absent_text(f));
    bind(x, f.range, f.dispersable);
  }
  void not_a_number(const Field& f) {
    if (match(f.key)) finish(fmt::format("{} is not a number", walked(depth_ + 1)));
  }
  void bind(double* x, const schema::Range& range, bool dispersable) {
    result = {x, range, dispersable, {}};
    done_ = true;
  }
  void finish(std::string why) {
    result = {nullptr, {}, false, std::move(why)};
    done_ = true;
  }
  std::string absent_text(const Field& f) const {
    return f.absent.empty() ? fmt::format("{} is not set in the config", walked(depth_ + 1))
                            : std::string(f.absent);
  }
  // The first n segments as a path.
  std::string walked(std::size_t n) const {
    std::string out;
    for (std::size_t i = 0; i < n && i < segs_.size(); ++i) {
      if (!out.empty() && segs_[i].front() != '[') out += '.';
      out += segs_[i];
    }
    return out;
  }

  std::vector<std::string> segs_;
  std::size_t depth_ = 0;
  bool done_ = false;
  std::size_t level_ = 0;
  std::vector<std::string_view> level_keys_;
};

// Lists every path that BindArchive binds.
class PathsArchive {
 public:
  std::vector<std::string> out;

  void number(double&, const Field& f) { add(f.key); }
  void number(double&, const Field& f, bool present) {
    if (present) add(f.key);
  }
  void number(std::optional<double>& x, const Field& f) {
    if (x) add(f.key);
  }
  void converted(double&, const Field&, bool) {}
  void integer(int&, const Field&) {}
  void boolean(bool&, const Field&) {}
  void text(std::string&, const Field&) {}
  void epoch(double&, const Field&) {}
  template <class E>
  void choice(E&, const Field&, std::span<const schema::Choice<E>>) {}
  void vector3(Eigen::Vector3d&, const Field& f, std::string_view) {
    for (int i = 0; i < 3; ++i) out.push_back(fmt::format("{}{}[{}]", prefix_, f.key, i));
  }
  void table(Table1D& t, const Field& f, const schema::TableSpec& spec, bool present) {
    if (!present || !spec.values_dispersable) return;
    for (std::size_t k = 0; k < t.size(); ++k)
      out.push_back(fmt::format("{}{}[{}][1]", prefix_, f.key, k));
  }
  void table(Table1D&, Table1D&, const Field&, const schema::TableSpec&, bool) {}
  template <class Fn>
  void section(const Field& f, bool present, Fn&& fn) {
    if (present) nested(fmt::format("{}{}.", prefix_, f.key), [&] { fn(*this); });
  }
  template <class T, class Fn>
  void section(std::optional<T>& o, const Field& f, Fn&& fn) {
    if (o) nested(fmt::format("{}{}.", prefix_, f.key), [&] { fn(*this, *o); });
  }
  template <class T, class Fn>
  void list(std::vector<T>& v, const Field& f, const schema::ListSpec&, Fn&& fn) {
    for (std::size_t i = 0; i < v.size(); ++i)
      nested(fmt::format("{}{}[{}].", prefix_, f.key, i), [&] { fn(*this, v[i], i); });
  }
  void forms(const schema::Forms&) {}
  template <class Fn>
  void after_read(Fn&&) {}

 private:
  void add(std::string_view key) { out.push_back(prefix_ + std::string(key)); }
  template <class Fn>
  void nested(std::string prefix, Fn&& fn) {
    std::swap(prefix, prefix_);
    fn();
    std::swap(prefix, prefix_);
  }
  std::string prefix_;
};

}  // namespace

ParameterRef resolve_parameter(Scenario& sc, std::string_view path) {
  std::string why;
  auto segments = split_parameter_path(path, &why);
  if (segments.empty()) return {nullptr, {}, false, "empty or malformed path: " + why};
  BindArchive b(std::move(segments));
  schema::fields(b, sc);
  if (!b.done()) return {nullptr, {}, false, b.why_unmatched()};
  return b.result;
}

std::vector<std::string> parameter_paths(const Scenario& scenario) {
  PathsArchive a;
  schema::fields(a, const_cast<Scenario&>(scenario));  // the archive only reads
  return a.out;
}

}  // namespace launchmc
