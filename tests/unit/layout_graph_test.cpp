// Layout discovery and the migration graph, on projects held in memory.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/memory_project.hpp"
#include "support/process.hpp"

namespace hc::test {
namespace {

std::map<std::string, std::string> app_files(const std::string& dir, const std::map<std::string, std::string>& migrations) {
  std::map<std::string, std::string> files = {{dir + "/__init__.py", ""}, {dir + "/models.py", ""}, {dir + "/migrations/__init__.py", ""}};
  for (const auto& [name, src] : migrations) files[dir + "/migrations/" + name + ".py"] = src;
  return files;
}

TEST(Layout, LoaderRulesAndAppConfigLabel) {
  auto files = app_files("src/apps/shop", {{"0001_initial", migration_source({})},
                                           {"0002_add-cold-storage", migration_source({{"store", "0001_initial"}})},
                                           {"fix_empty_data_in_lines", migration_source({{"store", "0002_add-cold-storage"}})},
                                           {"_helpers", "X = 1\n"},
                                           {"~backup", "junk"}});
  files["src/apps/shop/apps.py"] = "from django.apps import AppConfig\n\nclass C(AppConfig):\n    label = 'store'\n";
  files["src/apps/shop/migrations/sub/__init__.py"] = "";
  files["lib/blocks/migrations/__init__.py"] = "";  // a library's helper package, not an app
  files["lib/blocks/migrations/operations.py"] = "class Op: pass\n";
  MemoryProject p(files);
  ASSERT_EQ(p.view->layout.apps.size(), 1u);
  const App& app = p.view->layout.apps[0];
  EXPECT_EQ(app.label, "store");
  EXPECT_EQ(app.directory, "src/apps/shop");
  ASSERT_EQ(app.migrations.size(), 3u);
  EXPECT_EQ(app.migrations[1].name, "0002_add-cold-storage");
  EXPECT_EQ(app.migrations[2].name, "fix_empty_data_in_lines");
  EXPECT_EQ(p.view->graph.leaves("store"), (std::vector<MigrationKey>{{"store", "fix_empty_data_in_lines"}}));
  EXPECT_EQ(app.models_paths, std::vector<std::string>{"src/apps/shop/models.py"});
}

TEST(Layout, SameLabelTwiceKeepsTwoGraphs) {
  auto files = app_files("src/partner", {{"0001_initial", migration_source({})},
                                         {"0002_a", migration_source({{"partner", "0001_initial"}})}});
  auto forked = app_files("tests/site/partner", {{"0001_initial", migration_source({})},
                                                 {"0002_b", migration_source({{"partner", "0001_initial"}})}});
  files.insert(forked.begin(), forked.end());
  MemoryProject p(files);
  ASSERT_EQ(p.view->layout.apps.size(), 2u);
  EXPECT_EQ(p.view->graph.leaves("partner").size(), 1u);
  EXPECT_EQ(p.view->graph.leaves("partner (tests/site/partner)").size(), 1u);
}

TEST(Graph, FirstLatestAndRunBefore) {
  auto files = app_files("shop", {{"0001_initial", migration_source({})},
                                  {"0002_x", migration_source({{"shop", "0001_initial"}})}});
  auto billing = app_files("billing", {{"0001_initial", migration_source({{"shop", "__first__"}})},
                                       {"0002_y", migration_source({{"shop", "__latest__"}, {"billing", "0001_initial"}})}});
  files.insert(billing.begin(), billing.end());
  MemoryProject p(files);
  const auto& g = p.view->graph;
  EXPECT_TRUE(std::ranges::count(g.parents({"billing", "0001_initial"}), MigrationKey{"shop", "0001_initial"}));
  EXPECT_TRUE(std::ranges::count(g.parents({"billing", "0002_y"}), MigrationKey{"shop", "0002_x"}));
  EXPECT_TRUE(g.missing().empty());
  EXPECT_EQ(g.leaves("shop").size(), 1u);
}

TEST(Graph, CyclesAreFoundInDependencyOrder) {
  auto files = app_files("shop", {{"0001_a", migration_source({{"shop", "0003_c"}})},
                                  {"0002_b", migration_source({{"shop", "0001_a"}})},
                                  {"0003_c", migration_source({{"shop", "0002_b"}})}});
  MemoryProject p(files);
  auto cycles = p.view->graph.cycles();
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(cycles[0], (std::vector<MigrationKey>{{"shop", "0001_a"}, {"shop", "0002_b"}, {"shop", "0003_c"}}));
}

TEST(Graph, SquashRemapsDependenciesOnReplacedKeys) {
  std::string squash =
      "from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
      "    replaces = [('shop', '0001_initial'), ('shop', '0002_x')]\n    dependencies = []\n    operations = []\n";
  auto files = app_files("shop", {{"0001_squashed_0002_x", squash}, {"0003_y", migration_source({{"shop", "0002_x"}})}});
  auto billing = app_files("billing", {{"0001_initial", migration_source({{"shop", "0001_initial"}})}});
  files.insert(billing.begin(), billing.end());
  MemoryProject p(files);
  const auto& g = p.view->graph;
  EXPECT_TRUE(g.missing().empty());
  EXPECT_TRUE(std::ranges::count(g.parents({"shop", "0003_y"}), MigrationKey{"shop", "0001_squashed_0002_x"}));
  EXPECT_TRUE(std::ranges::count(g.parents({"billing", "0001_initial"}), MigrationKey{"shop", "0001_squashed_0002_x"}));
  EXPECT_EQ(g.leaves("shop"), (std::vector<MigrationKey>{{"shop", "0003_y"}}));
  EXPECT_EQ(g.replaced().at({"shop", "0002_x"}), (MigrationKey{"shop", "0001_squashed_0002_x"}));
}

}  // namespace
}  // namespace hc::test
