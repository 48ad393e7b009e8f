#include "rules/graph/base_diverged.hpp"

#include <map>

#include "rules/graph/graph_helpers.hpp"

namespace hc {
namespace {

// Where the fix goes: the dependency on a migration the two branches share.
Span anchor(const Migration& m, const ProjectView& merge_base) {
  if (m.facts && m.facts->usable())
    for (const auto& dep : m.facts->dependencies)
      if (!dep.swappable && dep.app == m.label && merge_base.find({m.key.app, dep.name})) return dep.span;
  return kFileStart;
}

}  // namespace

void BaseDiverged::check(const CheckContext& ctx, Findings& out) const {
  if (!ctx.base || !ctx.merge_base) return;
  const ProjectView& fork = *ctx.merge_base;

  // Migrations each side added since the fork, per app.
  std::map<std::string, std::vector<const Migration*>> ours, theirs;
  for (const auto& [path, m] : ctx.target.migrations)
    if (!fork.at(path) && !fork.find(m.key)) ours[m.key.app].push_back(&m);
  std::vector<const Migration*> base_additions;
  for (const auto& [path, m] : ctx.base->migrations) {
    if (fork.at(path) || fork.find(m.key) || ctx.target.at(path) || ctx.target.find(m.key)) continue;
    if (!ours.count(m.key.app)) continue;
    theirs[m.key.app].push_back(&m);
    base_additions.push_back(&m);
  }
  if (base_additions.empty()) return;

  MigrationGraph merged = merged_graph(ctx.target, base_additions);
  for (const auto& [app, added] : theirs) {
    if (!ctx.target.graph_reliable(app) || !ctx.base->graph_reliable(app)) continue;
    auto leaves = merged.leaves(app);
    if (leaves.size() < 2) continue;
    std::set<MigrationKey> leaf_set(leaves.begin(), leaves.end());
    std::vector<RelatedLocation> related;
    std::string their_files;
    for (const Migration* t : added) {
      related.push_back({t->path, kFileStart, "added on `" + ctx.base_name + "`"});
      if (!their_files.empty()) their_files += ", ";
      their_files += "`" + t->path + "`";
    }
    auto base_leaves = ctx.base->graph.leaves(app);
    std::string latest = base_leaves.empty() ? added.back()->key.name : base_leaves.back().name;
    for (const Migration* m : ours[app]) {
      if (!leaf_set.count(m->key) || !ctx.in_scope(m->path)) continue;
      out.report(kInfo, m->path, anchor(*m, fork),
                 "`" + ctx.base_name + "` also added " + their_files + " since this branch forked: merging will leave app `" +
                     app + "` with " + std::to_string(leaves.size()) + " leaf migrations (" + join_names(leaves) + ")",
                 "rebase onto `" + ctx.base_name + "` and renumber `" + m->key.name + "` to depend on `" + latest +
                     "`, or merge `" + ctx.base_name + "` and add a merge migration (`python manage.py makemigrations --merge " +
                     app + "`)",
                 related);
    }
  }
}

}  // namespace hc
