// The catalogue of bad inputs (tests/data/bad_inputs.txt): every case runs the real binary in a
// scratch directory holding copies of the bundled configs, and checks its exit status, a pattern
// of its stderr, that it ended by itself within a minute (no hang, no crash by signal), and that
// no file in the directory was created, changed or removed.
//
// Catalogue format: cases separated by "== NAME" lines (NAME: letters, digits, '_', '-').
//   args: launchmc's arguments, split at spaces; '...' quotes one argument
//   exit: expected exit status
//   stderr: an ECMAScript regular expression that must occur in stderr
//   base: a bundled config (chollima1, hs15, hs17, hs18, unha3) copied to case.yaml, then edited by
//   replace: OLD => NEW    (OLD must occur exactly once; both exactly as written, with C escapes)
//   append: TEXT            (a line appended; repeatable)
//   bytes: NAME = TEXT      (file NAME with C escapes \n \t \\ \0 \xHH)
//   mkdir: NAME, mkfifo: NAME
//   sized: NAME = BYTES     (a file of YAML comment lines, BYTES long)
// Placeholders in args: {chollima1} {hs15} {hs17} {hs18} {unha3} (the copies), {case} (case.yaml),
// {dir} (the scratch directory), {out} ({dir}/out.h5), {run} (a small valid run file made for
// the case, {dir}/run.h5), {file:NAME} ({dir}/NAME).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../support/cli_runner.hpp"

extern char** environ;

namespace {

using launchmc::test_support::kBinary;
using launchmc::test_support::kConfigDir;
using launchmc::test_support::slurp;

namespace fs = std::filesystem;
const std::string kCatalogue = std::string(LAUNCHMC_TEST_DATA_DIR) + "/bad_inputs.txt";

const std::map<std::string, std::string> kBundled = {{"chollima1", "chollima1_2023.yaml"},
                                                     {"hs15", "hwasong15_2017.yaml"},
                                                     {"hs17", "hwasong17_2022.yaml"},
                                                     {"hs18", "hwasong18_2023.yaml"},
                                                     {"unha3", "unha3_2012.yaml"}};

struct Case {
  std::string name;
  int line = 0;  // of the "==" line, for messages
  std::string args;
  int exit_status = -1;
  std::string stderr_pattern;
  std::string base;
  std::vector<std::pair<std::string, std::string>> replaces;
  std::vector<std::string> appends;
  std::vector<std::pair<std::string, std::string>> bytes;
  std::vector<std::string> mkdirs, mkfifos;
  std::vector<std::pair<std::string, std::size_t>> sized;
  bool needs_run = false;
};

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    const char c = s[++i];
    if (c == 'n')
      out += '\n';
    else if (c == 't')
      out += '\t';
    else if (c == '0')
      out += '\0';
    else if (c == '\\')
      out += '\\';
    else if (c == 'x' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += '\\';
      out += c;
    }
  }
  return out;
}

std::vector<Case> load_catalogue() {
  std::vector<Case> cases;
  std::ifstream in(kCatalogue);
  if (!in) throw std::runtime_error("cannot read " + kCatalogue);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("== ", 0) == 0) {
      cases.push_back({});
      cases.back().name = trim(line.substr(3));
      cases.back().line = n;
      continue;
    }
    if (cases.empty())
      throw std::runtime_error(kCatalogue + ":" + std::to_string(n) +
                               ": text before the first case");
    Case& c = cases.back();
    const auto colon = line.find(':');
    const std::string key = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
    if (key == "args")
      c.args = value;
    else if (key == "exit")
      c.exit_status = std::stoi(value);
    else if (key == "stderr")
      c.stderr_pattern = value;
    else if (key == "base")
      c.base = value;
    else if (key == "replace") {  // exactly as written after "replace: " (indentation matters)
      const std::string raw = line.substr(colon + 2);
      const auto arrow = raw.find(" =>");
      c.replaces.emplace_back(
          raw.substr(0, arrow),
          arrow == std::string::npos || arrow + 4 > raw.size() ? "" : raw.substr(arrow + 4));
    } else if (key == "append")
      c.appends.push_back(line.substr(colon + 2));
    else if (key == "bytes") {  // "NAME = TEXT"; TEXT may be empty
      const std::string raw = line.substr(colon + 2);
      const auto eq = raw.find(" =");
      c.bytes.emplace_back(trim(raw.substr(0, eq)),
                           eq + 3 <= raw.size() ? unescape(raw.substr(eq + 3)) : "");
    } else if (key == "mkdir")
      c.mkdirs.push_back(value);
    else if (key == "mkfifo")
      c.mkfifos.push_back(value);
    else if (key == "sized") {
      const auto eq = value.find(" = ");
      c.sized.emplace_back(value.substr(0, eq), std::stoull(value.substr(eq + 3)));
    } else
      throw std::runtime_error(kCatalogue + ":" + std::to_string(n) + ": unknown key '" + key +
                               "'");
  }
  for (auto& c : cases) c.needs_run = c.args.find("{run}") != std::string::npos;
  return cases;
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

const std::vector<Case>& catalogue() {
  static const std::vector<Case> cases = load_catalogue();
  return cases;
}

std::vector<std::string> split_args(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false, any = false;
  for (char ch : text) {
    if (ch == '\'') {
      quoted = !quoted;
      any = true;
    } else if (ch == ' ' && !quoted) {
      if (any) out.push_back(cur);
      cur.clear();
      any = false;
    } else {
      cur += ch;
      any = true;
    }
  }
  if (any) out.push_back(cur);
  return out;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// Name -> content of every regular file under dir (FIFOs and directories by name only).
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> s;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string rel = fs::relative(e.path(), dir).string();
    if (e.is_regular_file())
      s[rel] = slurp(e.path());
    else
      s[rel] = e.is_directory() ? "<dir>" : "<special>";
  }
  return s;
}

struct Outcome {
  int status = -1;  // exit status, or -signal
  bool timed_out = false;
};

Outcome run_binary(const std::vector<std::string>& args, const fs::path& io_dir) {
  std::vector<std::string> all = {kBinary};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, (io_dir / "stdout").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, (io_dir / "stderr").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  Outcome o;
  if (posix_spawn(&pid, kBinary.c_str(), &fa, nullptr, argv.data(), environ) != 0) return o;
  posix_spawn_file_actions_destroy(&fa);
  int st = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (waitpid(pid, &st, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &st, 0);
      o.timed_out = true;
      return o;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  o.status = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
  return o;
}

class BadInput : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("launchmc_bad_" + std::to_string(getpid()) + "_" + GetParam().name);
    fs::remove_all(root_);
    dir_ = root_ / "work";
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  fs::path root_, dir_;
};

TEST_P(BadInput, RefusedClearlyAndNothingWritten) {
  const Case& c = GetParam();
  SCOPED_TRACE(kCatalogue + ":" + std::to_string(c.line) + ": " + c.name);
  ASSERT_GE(c.exit_status, 0) << "case without 'exit:'";
  ASSERT_FALSE(c.stderr_pattern.empty()) << "case without 'stderr:'";
  std::map<std::string, std::string> subst;
  for (const auto& [key, file] : kBundled) {
    fs::copy_file(kConfigDir + "/" + file, dir_ / file);
    subst["{" + key + "}"] = (dir_ / file).string();
  }
  if (!c.base.empty()) {
    ASSERT_TRUE(kBundled.count(c.base)) << c.base;
    std::string text = slurp(kConfigDir + "/" + kBundled.at(c.base));
    for (const auto& [from, to] : c.replaces) {
      const std::string from_text = unescape(from);
      const auto at = text.find(from_text);
      ASSERT_NE(at, std::string::npos) << "replace: '" << from << "' not in " << c.base;
      ASSERT_EQ(text.find(from_text, at + 1), std::string::npos)
          << "replace: '" << from << "' occurs twice";
      text.replace(at, from_text.size(), unescape(to));
    }
    for (const auto& a : c.appends) text += "\n" + unescape(a);
    std::ofstream(dir_ / "case.yaml", std::ios::binary) << text;
  }
  for (const auto& [name, content] : c.bytes)
    std::ofstream(dir_ / name, std::ios::binary) << content;
  for (const auto& d : c.mkdirs) fs::create_directories(dir_ / d);
  for (const auto& [name, size] : c.sized) {
    std::string text;
    while (text.size() < size) text += "# a comment line of a config that is far too long\n";
    text.resize(size);
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  for (const auto& f : c.mkfifos) ASSERT_EQ(mkfifo((dir_ / f).c_str(), 0644), 0);
  if (c.needs_run) {
    const std::string cmd = kBinary + " run " + subst["{hs18}"] + " -n 8 -o " +
                            (dir_ / "run.h5").string() + " > /dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  subst["{case}"] = (dir_ / "case.yaml").string();
  subst["{dir}"] = dir_.string();
  subst["{out}"] = (dir_ / "out.h5").string();
  subst["{run}"] = (dir_ / "run.h5").string();
  std::vector<std::string> args = split_args(c.args);
  for (auto& a : args) {
    for (const auto& [k, v] : subst) a = replace_all(a, k, v);
    for (auto at = a.find("{file:"); at != std::string::npos; at = a.find("{file:")) {
      const auto end = a.find('}', at);
      a.replace(at, end - at + 1, (dir_ / a.substr(at + 6, end - at - 6)).string());
    }
  }
  const auto before = snapshot(dir_);
  const Outcome o = run_binary(args, root_);
  const std::string err = slurp(root_ / "stderr");
  EXPECT_FALSE(o.timed_out) << "no exit within 60 s";
  EXPECT_EQ(o.status, c.exit_status) << "stderr: " << err;
  EXPECT_TRUE(std::regex_search(err, std::regex(c.stderr_pattern)))
      << "stderr does not match /" << c.stderr_pattern << "/:\n"
      << err;
  EXPECT_EQ(err.find("terminate called"), std::string::npos) << err;
  const auto after = snapshot(dir_);
  for (const auto& [name, content] : after) {
    const auto it = before.find(name);
    EXPECT_TRUE(it != before.end()) << "created: " << name;
    if (it != before.end()) {
      EXPECT_TRUE(it->second == content) << "changed: " << name;
    }
  }
  for (const auto& [name, content] : before) EXPECT_TRUE(after.count(name)) << "removed: " << name;
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string n = info.param.name;
  for (char& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Catalogue, BadInput, ::testing::ValuesIn(catalogue()), case_name);

TEST(BadInputCatalogue, HasAtLeastAHundredDistinctCases) {
  std::set<std::string> names;
  for (const auto& c : catalogue())
    EXPECT_TRUE(names.insert(c.name).second) << "duplicate case " << c.name;
  EXPECT_GE(catalogue().size(), 100u);
}

}  // namespace
