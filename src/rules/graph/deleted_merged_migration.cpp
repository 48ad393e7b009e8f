#include "rules/graph/deleted_merged_migration.hpp"

namespace hc {

void DeletedMergedMigration::check(const CheckContext& ctx, Findings& out) const {
  if (!ctx.merge_base) return;
  const auto& replaced = ctx.target.graph.replaced();
  for (const auto& [path, m] : ctx.merge_base->migrations) {
    if (ctx.target.at(path)) continue;
    // Looked up by the target's own app ids: the merge-base's may differ when labels moved.
    const App* app = ctx.target.layout.app_of_migration(path);
    MigrationKey key{app ? app->id : m.key.app, m.key.name};
    if (ctx.target.find(key)) continue;  // moved within the app, still there
    auto squash = replaced.find(key);
    if (squash != replaced.end() && ctx.target.find(squash->second)) {
      const Migration* s = ctx.target.find(squash->second);
      out.report_as(Severity::Warning, kInfo, path, kFileStart,
                    "`" + m.key.str() + "` was already on `" + ctx.base_name + "` and this change deletes it; `" +
                        squash->second.name + "` replaces it",
                    "delete replaced migrations only once every database has applied the squash",
                    {{s->path, kFileStart, "the squash that replaces it"}});
      continue;
    }
    out.report(kInfo, path, kFileStart,
               "`" + m.key.str() + "` was already on `" + ctx.base_name +
                   "` and this change deletes it: databases that applied it, and migrations that depend on it, lose it",
               "restore the file; to retire old migrations, squash them (`python manage.py squashmigrations`)");
  }
}

}  // namespace hc
