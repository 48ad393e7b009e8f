// A check that loads only the apps a change needs finds exactly what a check
// of whole views finds: the same findings on a multi-app repository with
// cross-app dependencies, squashes, cycles, edits, deletions and a moved base.
#include <gtest/gtest.h>

#include "check/check_run.hpp"
#include "support/process.hpp"

namespace hc::test {
namespace {

std::string migration_with(const std::vector<std::pair<std::string, std::string>>& deps, const std::string& extra) {
  std::string s = migration_source(deps);
  return s.insert(s.find("    dependencies"), extra);
}

std::string findings(const CheckResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) {
    out += d.path + ":" + std::to_string(d.span.start.line) + ":" + std::to_string(d.span.start.column) + " " + d.code + " " +
           d.message + " | " + d.help;
    for (const auto& rel : d.related) out += " [" + rel.path + " " + rel.message + "]";
    out += "\n";
  }
  return out;
}

// Chains of apps a <- b <- c (each depends on the previous one's 0001), a
// squash in e, and apps d, f and g that nothing touches.
class FocusedCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    repo = std::make_unique<GitRepo>(tmp.path() + "/project");
    repo->write_app("a", {{"0001_initial", migration_source({})}, {"0002_more", migration_source({{"a", "0001_initial"}})}});
    repo->write_app("b", {{"0001_initial", migration_source({{"a", "0001_initial"}})},
                          {"0002_more", migration_source({{"b", "0001_initial"}})}});
    repo->write_app("c", {{"0001_initial", migration_source({{"b", "0001_initial"}})},
                          {"0002_more", migration_source({{"c", "0001_initial"}, {"a", "__latest__"}})}});
    repo->write_app("d", {{"0001_initial", migration_source({})}, {"0002_more", migration_source({{"d", "0001_initial"}})}});
    repo->write_app("e", {{"0001_initial", migration_source({})},
                          {"0002_more", migration_source({{"e", "0001_initial"}})},
                          {"0001_squashed_0002_more",
                           migration_with({{"b", "0001_initial"}}, "    replaces = [(\"e\", \"0001_initial\"), (\"e\", \"0002_more\")]\n\n")},
                          {"0003_after", migration_source({{"e", "0002_more"}})}});
    repo->write_app("f", {{"0001_initial", migration_source({{"d", "0001_initial"}})}});
    repo->write_app("g", {{"0001_initial", migration_source({})}});
    repo->commit_all("initial");
    repo->git({"checkout", "-q", "-b", "feature"});
  }

  CheckResult run(bool focused) const {
    CheckOptions o;
    o.repo = repo->dir();
    o.target = TargetKind::Staged;
    o.cache = false;  // each run parses: no cache to hide a difference
    o.focused = focused;
    return CheckSession(o).run();
  }

  // A focused run with the facts cache of the repository: what earlier runs
  // learnt (per-app summaries, labels) is read back.
  CheckResult run_cached() const {
    CheckOptions o;
    o.repo = repo->dir();
    o.target = TargetKind::Staged;
    o.focused = true;
    return CheckSession(o).run();
  }

  // On develop, g's new migration makes a's 0002 wait for it, closing a loop
  // through c; feature merges it and stages a new migration of a.
  void stage_run_before_from_develop() const {
    repo->git({"checkout", "-q", "develop"});
    repo->write("g/migrations/0002_first.py",
                migration_with({{"g", "0001_initial"}, {"c", "0002_more"}}, "    run_before = [(\"a\", \"0002_more\")]\n\n"));
    repo->commit_all("develop: run_before");
    repo->git({"checkout", "-q", "feature"});
    repo->git({"merge", "-q", "develop"});
    repo->write("a/migrations/0003_new.py", migration_source({{"a", "0002_more"}}));
    repo->git({"add", "-A"});
  }

  // The findings of both, which must agree; returns the focused run.
  CheckResult expect_same() const {
    CheckResult whole = run(false), focused = run(true);
    EXPECT_EQ(findings(focused), findings(whole));
    EXPECT_EQ(focused.files_checked, whole.files_checked);
    return focused;
  }

  TempDir tmp;
  std::unique_ptr<GitRepo> repo;
};

TEST_F(FocusedCheck, ACleanChangeLoadsOnlyWhatItNeeds) {
  repo->write("c/migrations/0003_new.py", migration_source({{"c", "0002_more"}}));
  repo->git({"add", "-A"});
  CheckResult focused = expect_same();
  EXPECT_TRUE(focused.diagnostics.empty()) << findings(focused);
  CheckResult whole = run(false);
  EXPECT_LT(focused.migrations_parsed, whole.migrations_parsed);  // d, f and g stay unread
}

TEST_F(FocusedCheck, FindingsOfEveryKindAgree) {
  // A cycle through two apps, a missing dependency, an edited and a deleted
  // merged migration, two leaves, a shared number, an unreversible RunPython.
  repo->write("b/migrations/0003_loop.py", migration_source({{"b", "0002_more"}, {"c", "0003_loop"}}));
  repo->write("c/migrations/0003_loop.py", migration_source({{"c", "0002_more"}, {"b", "0003_loop"}}));
  repo->write("a/migrations/0003_missing.py", migration_source({{"a", "0002_more"}, {"d", "0009_nothing"}}));
  repo->write("a/migrations/0002_more.py", migration_source({{"a", "0001_initial"}}) + "# edited\n");
  repo->remove("d/migrations/0002_more.py");
  repo->write("e/migrations/0003_other.py", migration_source({{"e", "0002_more"}}, "        migrations.RunPython(print),\n"));
  repo->git({"add", "-A"});
  CheckResult focused = expect_same();
  std::string text = findings(focused);
  for (const char* code : {"DJM105", "DJM104", "DJM106", "DJM107", "DJM101", "DJM103", "DJM201"})
    EXPECT_NE(text.find(code), std::string::npos) << code << " missing from\n" << text;
}

TEST_F(FocusedCheck, TheMovedBaseAgrees) {
  repo->git({"checkout", "-q", "develop"});
  repo->write("b/migrations/0003_theirs.py", migration_source({{"b", "0002_more"}}));
  repo->write("a/migrations/0003_base.py", migration_source({{"a", "0002_more"}}));
  repo->write_app("h", {{"0001_initial", migration_source({{"g", "0001_initial"}})}});
  repo->commit_all("develop moves on");
  repo->git({"checkout", "-q", "feature"});
  repo->write("b/migrations/0003_ours.py", migration_source({{"b", "0002_more"}}));
  repo->write("d/migrations/0003_needs_base.py", migration_source({{"d", "0002_more"}, {"a", "0003_base"}}));
  repo->git({"add", "-A"});
  CheckResult focused = expect_same();
  std::string text = findings(focused);
  EXPECT_NE(text.find("DJM104"), std::string::npos) << text;  // a's 0003 is on develop only: mid-rebase
  EXPECT_NE(text.find("DJM102"), std::string::npos) << text;
}

TEST_F(FocusedCheck, RunBeforeElsewhereKeepsEveryApp) {
  stage_run_before_from_develop();
  CheckResult focused = expect_same();
  EXPECT_NE(findings(focused).find("DJM105"), std::string::npos) << findings(focused);
  EXPECT_EQ(focused.migrations_parsed, run(false).migrations_parsed);
}

TEST_F(FocusedCheck, ACachedSummaryOfALeftOutAppStillKeepsEveryApp) {
  // The first run records a summary of every left-out app; the run_before
  // arriving in g must not be hidden behind g's old summary.
  repo->write("a/migrations/0003_new.py", migration_source({{"a", "0002_more"}}));
  repo->git({"add", "-A"});
  CheckResult before = run_cached();
  EXPECT_EQ(findings(before), findings(run(false)));
  repo->git({"reset", "-q"});
  repo->remove("a/migrations/0003_new.py");
  stage_run_before_from_develop();
  for (int pass = 0; pass < 2; ++pass) {  // cold, then with this state's summaries
    CheckResult cached = run_cached();
    EXPECT_EQ(findings(cached), findings(run(false))) << "pass " << pass;
    EXPECT_NE(findings(cached).find("DJM105"), std::string::npos) << findings(cached);
    EXPECT_EQ(cached.migrations_parsed, run(false).migrations_parsed) << "pass " << pass;
  }
}

TEST_F(FocusedCheck, AppLabelsAreHonouredWhenRememberedAndReadAgainWhenEdited) {
  repo->write("a/apps.py", "from django.apps import AppConfig\n\n\nclass AConfig(AppConfig):\n    name = \"a\"\n");
  repo->write("d/apps.py", "from django.apps import AppConfig\n\n\nclass DConfig(AppConfig):\n    name = \"d\"\n");
  repo->write("g/apps.py",
              "from django.apps import AppConfig\n\n\nclass GConfig(AppConfig):\n    name = \"g\"\n    label = \"gee\"\n");
  repo->write("f/migrations/0002_uses_gee.py", migration_source({{"f", "0001_initial"}, {"gee", "0001_initial"}}));
  repo->git({"add", "-A"});
  for (int pass = 0; pass < 2; ++pass) {
    CheckResult cached = run_cached();
    EXPECT_TRUE(cached.diagnostics.empty()) << "pass " << pass << "\n" << findings(cached);
    EXPECT_EQ(findings(cached), findings(run(false)));
  }
  // d's apps.py, remembered as naming no label, now names one: read again.
  repo->write("d/apps.py",
              "from django.apps import AppConfig\n\n\nclass DConfig(AppConfig):\n    name = \"d\"\n    label = \"dee\"\n");
  repo->write("f/migrations/0002_uses_gee.py",
              migration_source({{"f", "0001_initial"}, {"gee", "0001_initial"}, {"dee", "0001_initial"}}));
  repo->git({"add", "-A"});
  CheckResult relabelled = run_cached();
  EXPECT_EQ(findings(relabelled), findings(run(false)));
  EXPECT_TRUE(relabelled.diagnostics.empty()) << findings(relabelled);
  // The new label names d's graph: a migration it lacks is missing there.
  repo->write("f/migrations/0003_uses_dee.py", migration_source({{"f", "0002_uses_gee"}, {"dee", "0009_nothing"}}));
  repo->git({"add", "-A"});
  CheckResult dangling = run_cached();
  EXPECT_EQ(findings(dangling), findings(run(false)));
  EXPECT_NE(findings(dangling).find("DJM104"), std::string::npos) << findings(dangling);
}

}  // namespace
}  // namespace hc::test
