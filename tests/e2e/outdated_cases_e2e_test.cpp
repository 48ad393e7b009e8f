// DJM501 against real Django's verdicts: every outdated-migration case (a
// consistent sample project, one models module mutated, and what
// `makemigrations --check --dry-run` said) is replayed as a user meets it: the
// project committed on develop, a feature branch, the mutated file staged,
// `hook-check check --staged`. DJM501 must fire exactly when Django saw
// changes, for the apps Django named. Two sets: the project's own
// (tests/outdated, judged by Django 3.2 and 4.2) and the shared sample beside
// the clone (../shared/outdated-cases), skipped when absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <tuple>
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "support/memory_project.hpp"
#include "support/process.hpp"

namespace hc::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kHookCheck = HOOK_CHECK_BIN;

struct Case {
  std::string id;
  std::string file;
  std::string kind;
  bool changes = false;
  std::set<std::string> apps;
};

struct Confusion {
  int tp = 0, fp = 0, tn = 0, fn = 0, apps_differ = 0;
  std::vector<std::string> mismatches;
  double precision() const { return tp + fp ? double(tp) / (tp + fp) : 1.0; }
  double recall() const { return tp + fn ? double(tp) / (tp + fn) : 1.0; }
};

// The labels a finding names: "(no migration in LABEL ...)".
std::set<std::string> apps_named(const json& diagnostics) {
  static const std::regex in_app(R"(\(no migration in (\S+) )");
  std::set<std::string> out;
  for (const auto& d : diagnostics) {
    if (d["code"] != "DJM501" || d["severity"] != "error") continue;
    std::smatch m;
    std::string msg = d["message"];
    if (std::regex_search(msg, m, in_app)) out.insert(m[1]);
  }
  return out;
}

// `audit`: `check --all` replays every migration and compares with the models,
// instead of comparing the branch with the merge-base.
Confusion replay(const fs::path& base, const fs::path& cases_dir, const std::vector<Case>& cases, const std::string& django_version,
                 bool audit) {
  TempDir tmp;
  GitRepo repo(tmp.path() + "/project");
  fs::copy(base, repo.dir(), fs::copy_options::recursive);
  if (!django_version.empty())
    repo.write("pyproject.toml", "[tool.hook-check]\ndjango_version = \"" + django_version + "\"\n");
  repo.commit_all("the consistent project");
  repo.git({"checkout", "-q", "-b", "feature"});
  Confusion c;
  for (const auto& k : cases) {
    repo.git({"reset", "-q", "--hard"});
    fs::copy_file(cases_dir / k.id / k.file, fs::path(repo.dir()) / k.file, fs::copy_options::overwrite_existing);
    repo.git({"add", "-A"});
    std::vector<std::string> argv = {kHookCheck, "check", "--staged", "--select", "DJM501", "--format", "json"};
    if (audit) argv.push_back("--all");
    ProcessResult r = run_process(argv, repo.dir());
    if (r.status != 0 && r.status != 1) {
      ADD_FAILURE() << k.id << ": hook-check exited " << r.status << ": " << r.err;
      continue;
    }
    std::set<std::string> named = apps_named(json::parse(r.out)["diagnostics"]);
    bool fired = !named.empty();
    if (fired && k.changes) ++c.tp;
    if (fired && !k.changes) ++c.fp;
    if (!fired && !k.changes) ++c.tn;
    if (!fired && k.changes) ++c.fn;
    if (fired != k.changes)
      c.mismatches.push_back(k.id + " (" + k.kind + "): Django " + (k.changes ? "saw changes" : "saw none") + ", DJM501 " +
                             (fired ? "fired" : "was silent"));
    else if (fired && named != k.apps) {
      ++c.apps_differ;
      std::string got;
      for (const auto& a : named) got += a + " ";
      c.mismatches.push_back(k.id + " (" + k.kind + "): apps differ, DJM501 named " + got);
    }
  }
  return c;
}

void report(const std::string& title, const Confusion& c) {
  std::printf("\n%s\n", title.c_str());
  std::printf("| | Django: changes | Django: none |\n|---|---|---|\n");
  std::printf("| DJM501 fires | %d | %d |\n| DJM501 silent | %d | %d |\n", c.tp, c.fp, c.fn, c.tn);
  std::printf("precision %.3f, recall %.3f, apps differ in %d\n", c.precision(), c.recall(), c.apps_differ);
  for (const auto& m : c.mismatches) std::printf("  %s\n", m.c_str());
}

std::vector<json> read_jsonl(const fs::path& path) {
  std::vector<json> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(json::parse(line));
  return out;
}

// Every case in a plain run; every Nth under the sanitizers
// (HOOK_CHECK_CASE_STRIDE, set by tests/run.sh --sanitize), whose job is the
// memory safety of the same paths, at twenty times the cost of each case.
std::vector<Case> sampled(std::vector<Case> cases) {
  const char* env = std::getenv("HOOK_CHECK_CASE_STRIDE");
  std::size_t stride = env && std::atoi(env) > 1 ? static_cast<std::size_t>(std::atoi(env)) : 1;
  if (stride == 1) return cases;
  std::vector<Case> out;
  for (std::size_t i = 0; i < cases.size(); i += stride) out.push_back(cases[i]);
  std::printf("sampled: every %zu-th case, %zu of %zu\n", stride, out.size(), cases.size());
  return out;
}

void expect_bar(const Confusion& c) {
  // The issue's bar; every disagreement is listed above.
  EXPECT_GE(c.precision(), 0.99);
  EXPECT_GE(c.recall(), 0.95);
  EXPECT_EQ(c.apps_differ, 0);
  EXPECT_GT(c.tp + c.fp + c.tn + c.fn, 0);
}

TEST(OutdatedCases, SharedSampleAgreesWithDjango) {
  fs::path root = fs::path(HOOK_CHECK_SOURCE_DIR).parent_path() / "shared" / "outdated-cases";
  if (!fs::exists(root / "cases.jsonl")) GTEST_SKIP() << "the shared outdated-cases are not beside this clone (" << root << ")";
  std::vector<Case> cases;
  for (const auto& j : read_jsonl(root / "cases.jsonl")) {
    Case k{j["id"], j["file"], j["mutation_kind"], j["django_says_changes"], {}};
    for (const auto& a : j["apps_with_changes"]) k.apps.insert(a.get<std::string>());
    cases.push_back(k);
  }
  cases = sampled(std::move(cases));
  // The sample pins Django 3.2 in its requirements.txt: hook-check reads the pin.
  for (bool audit : {false, true}) {
    Confusion c = replay(root / "base", root / "cases", cases, "", audit);
    report(std::string(audit ? "audit (--all)" : "branch (--staged)") + ", shared outdated-cases (" + std::to_string(cases.size()) +
               " cases, Django 3.2 pinned by the project)",
           c);
    expect_bar(c);
  }
}

// One test per Django version and mode, so each stays short under the sanitizers.
class OwnCases : public ::testing::TestWithParam<std::tuple<std::string, bool>> {};

TEST_P(OwnCases, AgreeWithDjango) {
  const auto& [version, audit] = GetParam();
  fs::path root = fs::path(HOOK_CHECK_SOURCE_DIR) / "tests" / "outdated";
  ASSERT_TRUE(fs::exists(root / "cases.jsonl")) << "tests/outdated/cases.jsonl is missing";
  std::vector<Case> cases;
  for (const auto& j : read_jsonl(root / "cases.jsonl")) {
    if (!j["verdicts"].contains(version) || j["verdicts"][version].contains("error")) continue;
    const auto& verdict = j["verdicts"][version];
    Case k{j["id"], j["file"], j["mutation_kind"], verdict["changes"], {}};
    for (const auto& a : verdict["apps"]) k.apps.insert(a.get<std::string>());
    cases.push_back(k);
  }
  if (cases.empty()) GTEST_SKIP() << "no case judged by Django " << version;
  cases = sampled(std::move(cases));
  Confusion c = replay(root / "project", root / "cases", cases, version, audit);
  report(std::string(audit ? "audit (--all)" : "branch (--staged)") + ", tests/outdated (" + std::to_string(cases.size()) +
             " cases) judged by Django " + version,
         c);
  expect_bar(c);
}

INSTANTIATE_TEST_SUITE_P(OutdatedCases, OwnCases,
                         ::testing::Combine(::testing::Values(std::string("3.2"), std::string("4.2")), ::testing::Bool()),
                         [](const auto& info) {
                           std::string v = std::get<0>(info.param);
                           std::replace(v.begin(), v.end(), '.', '_');
                           return "Django" + v + (std::get<1>(info.param) ? "_audit" : "_branch");
                         });

}  // namespace
}  // namespace hc::test
