#include "rules/graph/missing_dependency.hpp"

namespace hc {

void MissingDependency::check(const CheckContext& ctx, Findings& out) const {
  for (const auto& missing : ctx.target.graph.missing()) {
    const Migration* m = ctx.target.find(missing.from);
    if (!m || !ctx.in_scope(m->path)) continue;
    std::string tuple = "`('" + missing.to.app + "', '" + missing.to.name + "')`";
    // Mid-rebase: the migration is on the base, this branch has not taken it in yet.
    if (ctx.base && ctx.base->find(missing.to)) {
      out.report(kInfo, m->path, missing.span,
                 "dependency " + tuple + " names a migration that is on `" + ctx.base_name + "` but not in this branch",
                 "rebase onto `" + ctx.base_name + "` (or merge it) so the branch has it");
      continue;
    }
    auto nodes = ctx.target.graph.leaves(missing.to.app);
    std::string help = "point it at an existing migration of `" + missing.to.app + "`";
    if (!nodes.empty()) help += " (its latest is `" + nodes.back().name + "`)";
    out.report(kInfo, m->path, missing.span, "dependency " + tuple + " names a migration that does not exist", help);
  }
}

}  // namespace hc
