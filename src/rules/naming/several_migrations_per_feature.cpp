#include "rules/naming/several_migrations_per_feature.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "rules/destructive/destructive_operations.hpp"
#include "rules/naming/migration_names.hpp"

namespace hc {
namespace {

// Migrations the protocol itself wants on their own: data migrations (§3
// "Separate Schema and Data Migrations") and drops (§2 "Separate destructive
// changes"). Counting them would have this rule fight DJM203 and DJM301.
bool stands_alone_by_protocol(const ProjectView& view, const Migration& m) {
  const MigrationFacts& facts = *m.facts;
  if (facts.operations.empty()) return true;
  bool data_only = std::all_of(facts.operations.begin(), facts.operations.end(), [](const Operation& op) {
    return op.from_django && (op.kind == "RunPython" || op.kind == "RunSQL");
  });
  if (data_only) return true;
  DestructiveSplit split = split_destructive(view, m);
  return !split.drops.empty() && split.work.empty();
}

}  // namespace

void SeveralMigrationsPerFeature::check(const CheckContext& ctx, Findings& out) const {
  if (!ctx.merge_base) return;  // what the branch added is unknown without a fork point

  // A squash the branch wrote stands for the migrations it replaces.
  std::set<MigrationKey> squashed;
  for (const auto& [path, m] : ctx.target.migrations)
    if (m.facts && m.facts->usable())
      for (const auto& r : m.facts->replaces)
        if (r.app == m.label) squashed.insert({m.key.app, r.name});

  std::map<std::string, std::vector<const Migration*>> added;  // by app id
  for (const auto& [path, m] : ctx.target.migrations) {
    if (ctx.merge_base->at(path) || !m.facts || !m.facts->usable()) continue;
    if (is_merge_migration(m) || squashed.count(m.key) || stands_alone_by_protocol(ctx.target, m)) continue;
    added[m.key.app].push_back(&m);
  }

  for (auto& [app, migrations] : added) {
    if (migrations.size() < 2) continue;
    std::sort(migrations.begin(), migrations.end(),
              [](const Migration* a, const Migration* b) { return a->key.name < b->key.name; });
    std::string names;
    for (const Migration* m : migrations) names += (names.empty() ? "`" : ", `") + m->key.name + "`";
    const std::string& label = migrations.front()->label;
    for (std::size_t i = 1; i < migrations.size(); ++i) {
      const Migration& m = *migrations[i];
      if (!ctx.in_scope(m.path)) continue;
      out.report(kInfo, m.path, kFileStart,
                 "this branch adds " + std::to_string(migrations.size()) + " migrations to app `" + label + "` (" + names +
                     "): one feature should add one",
                 "squash them into one before merging: delete the branch's migrations of `" + label +
                     "` and run `python manage.py makemigrations " + label +
                     "` again, or run `python manage.py squashmigrations " + label + " " + migrations.front()->key.name +
                     " " + migrations.back()->key.name + "`");
    }
  }
}

}  // namespace hc
