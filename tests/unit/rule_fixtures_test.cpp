// Runs every fixture under tests/fixtures/rules/<CODE>/ through the real
// pipeline and compares the findings with the `# expect:` comments, both ways.
//
// A fixture is a migration file (placed at shop/migrations/<name>.py, beside
// shop/__init__.py, shop/models.py and shop/migrations/__init__.py) or a
// folder holding a project tree. Expectations, in any .py file of it:
//   # expect: DJM201 9             at column 9 of this line (or, alone on its
//                                  line, of the next line)
//   # expect: DJM101 1:1           at an absolute line:column
//   # expect: DJM201 9 "reverse"   ... with a message containing the text
//   # expect: DJM107 shop/migrations/0002_x.py:1:1   in another file (one the
//                                  target deleted, say)
// Several expectations in one comment are separated by `;`.
// Only the rule named by the fixture's folder runs, and any other rule the
// fixture expects findings of, as clang-tidy's check tests do.
// A folder holding target/, merge-base/ and base/ trees is a branch fixture:
// the target is checked against the base as `hook-check check` does.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "check/check_run.hpp"
#include "check/models_view.hpp"
#include "models/model_extractor.hpp"
#include "config/config.hpp"
#include "rules/registry.hpp"
#include "support/memory_project.hpp"

namespace hc::test {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtureRoot = fs::path(HOOK_CHECK_SOURCE_DIR) / "tests" / "fixtures" / "rules";

struct Expectation {
  std::string path, code;
  int line = 0, column = 0;
  std::string substring;
  bool operator<(const Expectation& o) const {
    return std::tie(path, line, column, code) < std::tie(o.path, o.line, o.column, o.code);
  }
  std::string str() const {
    return path + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + code +
           (substring.empty() ? "" : " \"" + substring + "\"");
  }
};

std::map<std::string, std::string> fixture_files(const fs::path& fixture) {
  std::map<std::string, std::string> files;
  if (fs::is_regular_file(fixture)) {
    files["shop/__init__.py"] = "";
    files["shop/models.py"] = "from django.db import models\n";
    files["shop/migrations/__init__.py"] = "";
    files["shop/migrations/" + fixture.stem().string() + ".py"] = read_text_file(fixture.string());
    return files;
  }
  for (const auto& e : fs::recursive_directory_iterator(fixture))
    if (e.is_regular_file()) files[fs::relative(e.path(), fixture).generic_string()] = read_text_file(e.path().string());
  return files;
}

std::vector<Expectation> parse_expectations(const std::string& path, const std::string& text) {
  static const std::regex comment(R"(#\s*expect:\s*(.*)$)");
  static const std::regex item(R"(^\s*(DJM\d{3})\s+(?:([\w./-]+\.py):)?(?:(\d+):)?(\d+)(?:\s+\"([^\"]*)\")?\s*$)");
  std::vector<Expectation> out;
  std::istringstream lines(text);
  std::string line;
  for (int n = 1; std::getline(lines, line); ++n) {
    std::smatch m;
    if (!std::regex_search(line, m, comment)) continue;
    bool own_line = line.substr(0, m.position(0)).find_first_not_of(" \t") == std::string::npos;
    std::string rest = m[1];
    std::size_t start = 0;
    while (start <= rest.size()) {
      std::size_t end = rest.find(';', start);
      std::string one = rest.substr(start, end == std::string::npos ? std::string::npos : end - start);
      std::smatch im;
      if (std::regex_match(one, im, item)) {
        Expectation e{im[2].matched ? std::string(im[2]) : path, im[1], 0, std::stoi(im[4]), im[5]};
        e.line = im[3].matched ? std::stoi(im[3]) : (own_line ? n + 1 : n);
        out.push_back(e);
      } else {
        ADD_FAILURE() << path << ":" << n << ": malformed expectation `" << one << "`";
      }
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  return out;
}

std::vector<fs::path> all_fixtures() {
  std::vector<fs::path> out;
  if (!fs::exists(kFixtureRoot)) return out;
  for (const auto& rule_dir : fs::directory_iterator(kFixtureRoot))
    if (rule_dir.is_directory())
      for (const auto& f : fs::directory_iterator(rule_dir.path()))
        if (f.is_directory() || f.path().extension() == ".py") out.push_back(f.path());
  std::sort(out.begin(), out.end());
  return out;
}

class RuleFixture : public ::testing::TestWithParam<fs::path> {};

TEST_P(RuleFixture, FindingsMatchExpectations) {
  const fs::path fixture = GetParam();
  // A folder with target/ and merge-base/ (and base/) is a branch: the target
  // is checked against the base as a commit would be; otherwise --all.
  const bool branch = fs::is_directory(fixture / "target") && fs::is_directory(fixture / "merge-base");
  const fs::path target_dir = branch ? fixture / "target" : fixture;
  MemoryProject project(fixture_files(target_dir));
  std::unique_ptr<MemoryProject> fork, base;
  if (branch) {
    fork = std::make_unique<MemoryProject>(fixture_files(fixture / "merge-base"));
    base = std::make_unique<MemoryProject>(fixture_files(fs::is_directory(fixture / "base") ? fixture / "base" : fixture / "merge-base"));
  }
  std::vector<Expectation> expected;
  for (const auto& [path, content] : fixture_files(target_dir))
    if (path.ends_with(".py"))
      for (auto& e : parse_expectations(path, content)) expected.push_back(e);

  CheckContext ctx{*project.view, fork ? fork->view.get() : nullptr, base ? base->view.get() : nullptr, "develop", !branch, {}};
  if (branch)
    for (const SnapshotFile& file : project.view->snapshot) {
      const SnapshotFile* before = fork->view->snapshot.find(file.path);
      if (!before || before->id != file.id) ctx.changed_paths.insert(std::string(file.path));
    }
  // DJM501 reads the models on both sides, as a check session does.
  std::unique_ptr<ProjectModels> models_before, models_after;
  if (branch) {
    DjangoVersion version = detect_django_version(std::nullopt, project.view->snapshot,
                                                  [&](const SnapshotFile& f) { return project.reader.read(f); });
    models_after = read_project_models(*project.view, project.reader, project.parser, version);
    models_before = read_project_models(*fork->view, fork->reader, fork->parser, version);
    ctx.models_before = models_before.get();
    ctx.models_after = models_after.get();
  }
  // As clang-tidy runs only the check under test: the fixture's rule, plus
  // any other rule whose findings the fixture expects.
  // DJM002 (unused suppression) speaks of the other rules: its fixtures run them all.
  Config settings;
  const std::string code = fixture.parent_path().filename().string();
  if (code != "DJM002") settings.select.push_back(code);
  for (const auto& e : expected)
    if (!settings.select.empty() && std::find(settings.select.begin(), settings.select.end(), e.code) == settings.select.end())
      settings.select.push_back(e.code);
  auto findings = run_rules(ctx, settings);
  // "Could not tell" notes are shown only with --verbose: not findings.
  std::erase_if(findings, [](const Diagnostic& d) { return d.verbose_only; });

  std::multiset<Expectation> unmatched(expected.begin(), expected.end());
  std::vector<std::string> unexpected;
  for (const auto& d : findings) {
    Expectation key{d.path, d.code, d.span.start.line, d.span.start.column, ""};
    auto range = unmatched.equal_range(key);
    auto hit = std::find_if(range.first, range.second,
                            [&](const Expectation& e) { return d.message.find(e.substring) != std::string::npos; });
    if (hit == range.second)
      unexpected.push_back(key.str() + " " + d.message);
    else
      unmatched.erase(hit);
  }
  std::ostringstream diff;
  for (const auto& e : unmatched) diff << "  missing:    " << e.str() << '\n';
  for (const auto& u : unexpected) diff << "  unexpected: " << u << '\n';
  EXPECT_TRUE(unmatched.empty() && unexpected.empty()) << "fixture " << fixture.string() << ":\n" << diff.str();
  // A fixture named fires_* must expect something; silent_* must expect nothing.
  std::string name = fixture.filename().string();
  if (name.rfind("fires", 0) == 0) EXPECT_FALSE(expected.empty()) << name << " expects no finding";
  if (name.rfind("silent", 0) == 0) EXPECT_TRUE(expected.empty()) << name << " is a near miss and must expect nothing";
}

std::string fixture_test_name(const ::testing::TestParamInfo<fs::path>& info) {
  std::string name = info.param.parent_path().filename().string() + "_" + info.param.stem().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Rules, RuleFixture, ::testing::ValuesIn(all_fixtures()), fixture_test_name);

// Every rule has a docs page and fixtures that fire and stay silent; every page has a rule.
TEST(RuleCatalogue, EveryRuleHasDocsAndFixtures) {
  for (const auto& rule : rule_registry()) {
    std::string code(rule->info().code);
    EXPECT_TRUE(rule_doc(code).has_value()) << code << " has no docs/rules page";
    int fires = 0, silent = 0;
    fs::path dir = kFixtureRoot / code;
    if (fs::exists(dir))
      for (const auto& f : fs::directory_iterator(dir)) {
        std::string n = f.path().filename().string();
        fires += n.rfind("fires", 0) == 0;
        silent += n.rfind("silent", 0) == 0;
      }
    EXPECT_GE(fires, 3) << code << " needs at least three fires_* fixtures";
    EXPECT_GE(silent, 3) << code << " needs at least three silent_* near misses";
  }
  for (auto code : documented_codes()) EXPECT_NE(find_rule(code), nullptr) << "docs page " << code << " has no rule";
}

TEST(RuleCatalogue, CodesAndNamesAreUnique) {
  std::set<std::string_view> codes, names;
  for (const auto& rule : rule_registry()) {
    EXPECT_TRUE(codes.insert(rule->info().code).second) << rule->info().code;
    EXPECT_TRUE(names.insert(rule->info().name).second) << rule->info().name;
  }
}

}  // namespace
}  // namespace hc::test
