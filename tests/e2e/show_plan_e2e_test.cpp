// `hook-check plan` and `hook-check show` (text, JSON, Graphviz rendered by
// Debian's graphviz) on the demo repository.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/memory_project.hpp"
#include "support/process.hpp"

namespace hc::test {
namespace {

using nlohmann::json;
const std::string kHookCheck = HOOK_CHECK_BIN;

class ShowPlan : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = tmp.path() + "/demo";
    ASSERT_EQ(run_process({kHookCheck, "demo", dir}, tmp.path()).status, 0);
  }
  TempDir tmp;
  std::string dir;
};

TEST_F(ShowPlan, PlanListsTheBranchsMigrationsWithOperations) {
  ProcessResult r = run_process({kHookCheck, "plan"}, dir);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "Planned operations over `develop`:\nshop.0002_backfill_totals\n    Raw Python operation -> backfill_totals\n");
  json j = json::parse(run_process({kHookCheck, "plan", "--format", "json"}, dir).out);
  ASSERT_EQ(j.at("plan").size(), 1u);
  EXPECT_EQ(j.at("plan").at(0).at("name"), "0002_backfill_totals");
  EXPECT_EQ(j.at("plan").at(0).at("operations").at(0).at("kind"), "RunPython");
  // develop itself adds nothing over develop.
  r = run_process({kHookCheck, "plan", "--commit", "develop"}, dir);
  EXPECT_EQ(r.out, "No migrations to apply over `develop`.\n");
}

TEST_F(ShowPlan, PlanOrdersAcrossAppsAsDjangoDoes) {
  GitRepo repo(tmp.path() + "/p");
  repo.write("a/models.py", "");
  repo.write("a/migrations/__init__.py", "");
  repo.write("a/migrations/0001_initial.py", migration_source({{"b", "0001_initial"}}));
  repo.write("b/models.py", "");
  repo.write("b/migrations/__init__.py", "");
  repo.write("b/migrations/0001_initial.py", migration_source({}));
  repo.write("b/migrations/0002_more.py", migration_source({{"b", "0001_initial"}}));
  json j = json::parse(run_process({kHookCheck, "plan", "--format", "json"}, repo.dir()).out);
  std::vector<std::string> order;
  for (const auto& step : j.at("plan")) order.push_back(step.at("app").get<std::string>() + "." + step.at("name").get<std::string>());
  EXPECT_EQ(order, (std::vector<std::string>{"b.0001_initial", "a.0001_initial", "b.0002_more"}));
}

TEST_F(ShowPlan, ShowListsEachAppWithItsLeaves) {
  ProcessResult r = run_process({kHookCheck, "show"}, dir);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "shop  (shop/migrations)\n    0001_initial\n  + 0002_backfill_totals  (leaf)\n");
  json j = json::parse(run_process({kHookCheck, "show", "--format", "json"}, dir).out);
  EXPECT_EQ(j.at("apps").at(0).at("leaves"), json::array({"0002_backfill_totals"}));
}

TEST_F(ShowPlan, DotDrawsBothLeavesAndGraphvizRendersIt) {
  ProcessResult r = run_process({kHookCheck, "show", "--dot", "shop"}, dir);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("this branch, leaf"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("on develop, leaf"), std::string::npos);
  EXPECT_NE(r.out.find("merge-base"), std::string::npos);
  if (run_process({"dot", "-V"}, tmp.path()).status != 0) GTEST_SKIP() << "Debian's graphviz is not installed";
  std::ofstream(tmp.path() + "/g.dot") << r.out;
  ProcessResult svg = run_process({"dot", "-Tsvg", tmp.path() + "/g.dot"}, tmp.path());
  ASSERT_EQ(svg.status, 0) << svg.err;
  EXPECT_NE(svg.out.find("0002_backfill_totals"), std::string::npos);
  EXPECT_NE(svg.out.find("0002_order_discount"), std::string::npos);
  EXPECT_EQ(run_process({kHookCheck, "show", "--dot", "nope"}, dir).status, 2);
}

}  // namespace
}  // namespace hc::test

namespace hc::test {
namespace {

TEST_F(ShowPlan, ReviewAnswersTheChecklistWithTheFindingsBehindIt) {
  ProcessResult r = run_process({kHookCheck, "review"}, dir);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("### `shop/migrations/0002_backfill_totals.py`"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| ❌ | Are migration dependencies correct? | [DJM102](docs/rules/DJM102.md) line 10"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| ❌ | Are data migrations reversible? | [DJM201]"), std::string::npos);
  EXPECT_NE(r.out.find("| ➖ | Are destructive changes isolated? |"), std::string::npos);
  EXPECT_NE(r.out.find("| ❔ | Has the migration been tested on fresh and existing databases? | not run"), std::string::npos);
  EXPECT_NE(r.out.find("Raw Python operation -> backfill_totals"), std::string::npos);
  json j = json::parse(run_process({kHookCheck, "review", "--format", "json"}, dir).out);
  const json& checklist = j.at("migrations").at(0).at("checklist");
  EXPECT_EQ(checklist.at("dependencies").at("answer"), "no");
  EXPECT_EQ(checklist.at("reversible").at("answer"), "no");
  EXPECT_EQ(checklist.at("destructive_isolated").at("answer"), "n/a");
  EXPECT_EQ(checklist.at("tested").at("answer"), "unknown");
  EXPECT_EQ(checklist.at("names").at("answer"), "yes");
}

}  // namespace
}  // namespace hc::test
