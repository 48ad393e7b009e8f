#include "rules/graph/edited_merged_migration.hpp"

namespace hc {

void EditedMergedMigration::check(const CheckContext& ctx, Findings& out) const {
  if (!ctx.merge_base) return;
  for (const auto& [path, m] : ctx.target.migrations) {
    const Migration* before = ctx.merge_base->at(path);
    if (!before || before->blob == m.blob || !ctx.in_scope(path)) continue;
    // Databases that applied the old version will never run the new one.
    bool same_code = m.facts && before->facts && !m.facts->problem && !before->facts->problem &&
                     m.facts->code_fingerprint == before->facts->code_fingerprint;
    if (same_code) {
      out.report_as(Severity::Warning, kInfo, path, kFileStart,
                    "`" + m.key.str() + "` was already on `" + ctx.base_name +
                        "` and this change edits it (comments or formatting only)",
                    "harmless to the database, but keep merged migrations as they were: revert the edit");
    } else {
      out.report(kInfo, path, kFileStart,
                 "`" + m.key.str() + "` was already on `" + ctx.base_name +
                     "` and this change edits it: databases that applied it will not run the new version",
                 "revert the edit and put the change in a new migration (`python manage.py makemigrations`)");
    }
  }
}

}  // namespace hc
