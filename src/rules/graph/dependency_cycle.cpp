#include "rules/graph/dependency_cycle.hpp"

namespace hc {

void DependencyCycle::check(const CheckContext& ctx, Findings& out) const {
  for (const auto& cycle : ctx.target.graph.cycles()) {
    std::string chain;
    for (const auto& key : cycle) chain += "`" + key.str() + "` → ";
    chain += "`" + cycle.front().str() + "`";
    // Reported in each member's file the change touches, at the dependency that closes the loop there.
    for (std::size_t i = 0; i < cycle.size(); ++i) {
      const Migration* m = ctx.target.find(cycle[i]);
      if (!m || !ctx.in_scope(m->path)) continue;
      const MigrationKey& parent = cycle[(i + cycle.size() - 1) % cycle.size()];
      Span at = kFileStart;
      if (m->facts)
        for (const auto& dep : m->facts->dependencies)
          if (dep.name == parent.name && (dep.app == parent.app || dep.app == m->label)) at = dep.span;
      out.report(kInfo, m->path, at, "dependencies form a cycle: " + chain,
                 "remove the dependency of `" + cycle[i].name + "` on `" + parent.name +
                     "`; Django cannot order migrations that depend on each other");
    }
  }
}

}  // namespace hc
