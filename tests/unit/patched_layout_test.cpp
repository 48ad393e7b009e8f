// A layout patched from a sibling snapshot's equals the one found from scratch,
// or is refused: never a third answer.
#include <gtest/gtest.h>

#include "support/memory_project.hpp"
#include "support/process.hpp"

namespace hc::test {
namespace {

std::map<std::string, std::string> two_apps() {
  std::map<std::string, std::string> files;
  for (const std::string app : {"shop", "billing"}) {
    files[app + "/__init__.py"] = "";
    files[app + "/models.py"] = "";
    files[app + "/migrations/__init__.py"] = "";
    files[app + "/migrations/0001_initial.py"] = migration_source({});
    files[app + "/migrations/0002_more.py"] = migration_source({{app, "0001_initial"}});
  }
  files["lib/blocks/migrations/__init__.py"] = "";  // a helper package, not an app
  files["lib/blocks/migrations/operations.py"] = "class Op: pass\n";
  return files;
}

struct Outcome {
  bool patched = false;
  std::vector<std::string> layout;  // patched, or found from scratch
  std::vector<std::string> found;   // found from scratch
};

// The layout of `after`, patched from `before`'s.
Outcome patch(const std::map<std::string, std::string>& before, const std::map<std::string, std::string>& after) {
  MemoryReader old_reader(before), new_reader(after);
  PythonParser parser;
  FactsCache old_cache(old_reader, parser), new_cache(new_reader, parser);
  Snapshot old_snap = old_reader.snapshot("before"), new_snap = new_reader.snapshot("after");
  ProjectLayout like = discover_layout(old_snap, [&](const SnapshotFile& f) { return old_cache.app_label(f); });
  std::set<std::string> differing;
  for (const auto& [path, text] : before)
    if (!after.count(path) || after.at(path) != text) differing.insert(path);
  for (const auto& [path, text] : after)
    if (!before.count(path)) differing.insert(path);
  LabelReader read_label = [&](const SnapshotFile& f) { return new_cache.app_label(f); };
  Outcome out;
  out.found = describe_layout(discover_layout(new_snap, read_label));
  std::optional<ProjectLayout> patched = patched_layout(like, new_snap, differing, read_label);
  out.patched = patched.has_value();
  out.layout = patched ? describe_layout(*patched) : out.found;
  return out;
}

TEST(PatchedLayout, NewEditedAndDeletedMigrationsArePatched) {
  auto before = two_apps();
  auto added = before;
  added["shop/migrations/0003_new.py"] = migration_source({{"shop", "0002_more"}});
  auto edited = before;
  edited["billing/migrations/0002_more.py"] += "# edited\n";
  auto deleted = before;
  deleted.erase("shop/migrations/0002_more.py");
  auto outside = before;  // not in any migrations package
  outside["shop/views.py"] = "X = 1\n";
  for (const auto& after : {added, edited, deleted, outside}) {
    Outcome o = patch(before, after);
    EXPECT_TRUE(o.patched);
    EXPECT_EQ(o.layout, o.found);
  }
  EXPECT_NE(patch(before, added).found, describe_layout(discover_layout(MemoryReader(before).snapshot("x"), [](const SnapshotFile&) {
              return std::optional<std::string>();
            })));
}

TEST(PatchedLayout, ChangesThatMayMoveAppsAreFoundAgain) {
  auto before = two_apps();
  auto first_numbered = before;  // the helper package becomes an app
  first_numbered["lib/blocks/migrations/0001_initial.py"] = migration_source({});
  auto relabelled = before;
  relabelled["shop/apps.py"] = "from django.apps import AppConfig\n\nclass C(AppConfig):\n    label = 'store'\n";
  auto new_app = before;
  new_app["orders/migrations/__init__.py"] = "";
  new_app["orders/migrations/0001_initial.py"] = migration_source({});
  auto models_module = before;
  models_module["shop/models/__init__.py"] = "";
  auto no_numbered_left = before;  // not app-like once its numbered modules go: no models.py either
  no_numbered_left.erase("billing/models.py");
  for (const auto& after : {first_numbered, relabelled, new_app, models_module, no_numbered_left}) {
    Outcome o = patch(before, after);
    EXPECT_FALSE(o.patched);
    EXPECT_EQ(o.layout, o.found);
  }
  auto emptied = before;
  emptied.erase("billing/models.py");
  auto emptied_more = emptied;
  emptied_more.erase("billing/migrations/0001_initial.py");
  emptied_more.erase("billing/migrations/0002_more.py");
  Outcome o = patch(emptied, emptied_more);
  EXPECT_FALSE(o.patched);  // billing is no app without numbered modules or models
  EXPECT_EQ(o.found.size(), 1u);
}

}  // namespace
}  // namespace hc::test
