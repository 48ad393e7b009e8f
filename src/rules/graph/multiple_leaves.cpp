#include "rules/graph/multiple_leaves.hpp"

#include "rules/graph/graph_helpers.hpp"

namespace hc {

void MultipleLeaves::check(const CheckContext& ctx, Findings& out) const {
  for (const auto& app : ctx.target.layout.apps) {
    auto leaves = ctx.target.graph.leaves(app.id);
    if (leaves.size() < 2 || !ctx.target.graph_reliable(app.id)) continue;
    for (const auto& leaf : leaves) {
      const Migration* m = ctx.target.find(leaf);
      if (!m || !ctx.in_scope(m->path)) continue;
      out.report(kInfo, m->path, kFileStart,
                 "app `" + app.id + "` has " + std::to_string(leaves.size()) + " leaf migrations: " + join_names(leaves),
                 "add a merge migration (`hook-check merge " + app.label + "` or `python manage.py makemigrations --merge " + app.label +
                     "`), or make one of them depend on the other");
    }
  }
}

}  // namespace hc
