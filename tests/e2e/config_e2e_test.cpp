// Configuration and history rules end to end: pyproject.toml read from the
// target, DJM106/DJM107 against a real merge-base.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace hc::test {
namespace {

using nlohmann::json;
const std::string kHookCheck = HOOK_CHECK_BIN;

class HistoryRepo : public ::testing::Test {
 protected:
  void SetUp() override {
    repo = std::make_unique<GitRepo>(tmp.path() + "/p");
    repo->write_app("shop", {{"0001_initial", migration_source({})},
                             {"0002_order_total", migration_source({{"shop", "0001_initial"}})}});
    repo->commit_all("initial");
    repo->git({"checkout", "-q", "-b", "feature"});
  }
  json check(std::vector<std::string> args, int expected_status) const {
    args.insert(args.begin(), kHookCheck);
    args.push_back("--format");
    args.push_back("json");
    ProcessResult r = run_process(args, repo->dir());
    EXPECT_EQ(r.status, expected_status) << r.out << r.err;
    return r.out.empty() ? json() : json::parse(r.out);
  }
  TempDir tmp;
  std::unique_ptr<GitRepo> repo;
};

TEST_F(HistoryRepo, EditingAMergedMigrationIsAnError) {
  repo->write("shop/migrations/0002_order_total.py",
              migration_source({{"shop", "0001_initial"}}, "        migrations.DeleteModel(name=\"Order\"),\n"));
  json j = check({"--select", "DJM106"}, 1);
  ASSERT_EQ(j["diagnostics"].size(), 1u) << j.dump(2);
  EXPECT_EQ(j["diagnostics"][0]["code"], "DJM106");
  EXPECT_EQ(j["diagnostics"][0]["severity"], "error");
  EXPECT_EQ(j["diagnostics"][0]["path"], "shop/migrations/0002_order_total.py");
}

TEST_F(HistoryRepo, ReformattingAMergedMigrationIsAWarning) {
  std::string src = migration_source({{"shop", "0001_initial"}});
  std::string reformatted = "# reviewed\n" + src;
  for (auto pos = reformatted.find('"'); pos != std::string::npos; pos = reformatted.find('"', pos)) reformatted[pos] = '\'';
  repo->write("shop/migrations/0002_order_total.py", reformatted);
  json j = check({"--select", "DJM106"}, 0);
  ASSERT_EQ(j["diagnostics"].size(), 1u) << j.dump(2);
  EXPECT_EQ(j["diagnostics"][0]["severity"], "warning");
}

TEST_F(HistoryRepo, DeletingAMergedMigrationIsAnError) {
  repo->remove("shop/migrations/0002_order_total.py");
  json j = check({"--select", "DJM107"}, 1);
  ASSERT_EQ(j["diagnostics"].size(), 1u) << j.dump(2);
  EXPECT_EQ(j["diagnostics"][0]["code"], "DJM107");
  EXPECT_EQ(j["diagnostics"][0]["path"], "shop/migrations/0002_order_total.py");
  // The staged target does not see an unstaged deletion.
  EXPECT_TRUE(check({"--staged", "--select", "DJM107"}, 0)["diagnostics"].empty());
}

TEST_F(HistoryRepo, ConfigurationComesFromTheTargetsPyproject) {
  repo->write("shop/migrations/0003_backfill.py",
              "from django.db import migrations\n\n\ndef f(apps, schema_editor):\n    pass\n\n\n"
              "class Migration(migrations.Migration):\n    dependencies = [(\"shop\", \"0002_order_total\")]\n"
              "    operations = [migrations.RunPython(f)]\n");
  EXPECT_EQ(check({}, 1)["diagnostics"][0]["code"], "DJM201");
  repo->write("pyproject.toml", "[tool.hook-check.severity]\nDJM201 = \"warning\"\n");
  json j = check({}, 0);
  EXPECT_EQ(j["diagnostics"][0]["severity"], "warning");
  repo->write("pyproject.toml", "[tool.hook-check]\nignore = [\"DJM2\"]\n");
  EXPECT_TRUE(check({}, 0)["diagnostics"].empty());
  repo->write("pyproject.toml", "[tool.hook-check]\nexclude = [\"shop/migrations/0003_*.py\"]\n");
  EXPECT_TRUE(check({}, 0)["diagnostics"].empty());
  repo->write("pyproject.toml", "[tool.hook-check]\nbase = \"nope\"\n");
  ProcessResult r = run_process({kHookCheck}, repo->dir());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "hook-check: unknown base revision `nope` (from pyproject.toml)\n");
  repo->write("pyproject.toml", "[tool.hook-check]\nsevrity = 1\n");
  r = run_process({kHookCheck}, repo->dir());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("pyproject.toml:2: unknown key `sevrity`"), std::string::npos) << r.err;
  repo->write("pyproject.toml", "[tool.hook-check\n");
  r = run_process({kHookCheck}, repo->dir());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("not valid TOML"), std::string::npos) << r.err;
}

TEST_F(HistoryRepo, AppLabelOverride) {
  repo->write("legacy/migrations/__init__.py", "");
  repo->write("legacy/models.py", "");
  repo->write("legacy/migrations/0001_initial.py", migration_source({}));
  repo->write("legacy/migrations/0002_x.py", migration_source({{"old_shop", "0001_initial"}}));
  // Read as app `legacy`, its second migration's own-app dependency goes elsewhere: two leaves.
  EXPECT_EQ(check({"--select", "DJM101"}, 1)["diagnostics"].size(), 2u);
  repo->write("pyproject.toml", "[tool.hook-check.app-labels]\n\"legacy\" = \"old_shop\"\n");
  EXPECT_TRUE(check({"--select", "DJM101"}, 0)["diagnostics"].empty());
}

}  // namespace
}  // namespace hc::test
