#include "rules/parse/parse_error.hpp"

namespace hc {

void ParseError::check(const CheckContext& ctx, Findings& out) const {
  for (const auto& [path, m] : ctx.target.migrations) {
    if (!ctx.in_scope(path) || !m.facts) continue;
    if (m.facts->problem) {
      out.report(kInfo, path, m.facts->problem->span, "migration `" + m.key.str() + "` " + m.facts->problem->message,
                 "fix the file so Python can import it; Django cannot load any migration while one fails to parse");
    } else if (!m.facts->has_migration_class) {
      out.report(kInfo, path, kFileStart, "migration module `" + m.key.str() + "` has no `Migration` class",
                 "define `class Migration(migrations.Migration)`, or move helper code out of `migrations/` "
                 "(or name the module with a leading `_`)");
    }
  }
}

}  // namespace hc
