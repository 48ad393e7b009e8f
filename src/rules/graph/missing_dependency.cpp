#include "rules/graph/missing_dependency.hpp"

namespace hc {

void MissingDependency::check(const CheckContext& ctx, Findings& out) const {
  for (const auto& missing : ctx.target.graph.missing()) {
    const Migration* m = ctx.target.find(missing.from);
    if (!m || !ctx.in_scope(m->path)) continue;
    auto nodes = ctx.target.graph.leaves(missing.to.app);
    std::string help = "point it at an existing migration of `" + missing.to.app + "`";
    if (!nodes.empty()) help += " (its latest is `" + nodes.back().name + "`)";
    out.report(kInfo, m->path, missing.span,
               "dependency `('" + missing.to.app + "', '" + missing.to.name + "')` names a migration that does not exist",
               help);
  }
}

}  // namespace hc
