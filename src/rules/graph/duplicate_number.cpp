#include "rules/graph/duplicate_number.hpp"

#include <map>

#include "rules/graph/graph_helpers.hpp"

namespace hc {
namespace {

// A clash that a merge migration already reconciled is history: migrations
// that were applied somewhere cannot be renumbered, so only unsettled ones count.
std::set<MigrationKey> descendants_in_app(const MigrationGraph& graph, const MigrationKey& start) {
  std::set<MigrationKey> seen;
  std::vector<MigrationKey> todo{start};
  while (!todo.empty()) {
    MigrationKey k = todo.back();
    todo.pop_back();
    for (const auto& child : graph.children(k))
      if (child.app == start.app && seen.insert(child).second) todo.push_back(child);
  }
  return seen;
}

// Settled: the members were parallel branches (none depends on another) that
// a merge migration later joined. One that follows another under the same
// number was renumbered by hand and forgotten, and still counts.
bool reconciled_by_merge(const MigrationGraph& graph, const std::vector<MigrationKey>& group) {
  std::vector<std::set<MigrationKey>> below;
  for (const auto& member : group) below.push_back(descendants_in_app(graph, member));
  for (std::size_t i = 0; i < group.size(); ++i)
    for (std::size_t j = 0; j < group.size(); ++j)
      if (i != j && below[i].count(group[j])) return false;
  std::set<MigrationKey> common = below.front();
  for (std::size_t i = 1; i < below.size() && !common.empty(); ++i) {
    std::set<MigrationKey> next;
    for (const auto& k : below[i])
      if (common.count(k)) next.insert(k);
    common = std::move(next);
  }
  for (const auto& k : common) {
    int same_app_parents = 0;
    for (const auto& p : graph.parents(k)) same_app_parents += p.app == k.app;
    if (same_app_parents >= 2) return true;
  }
  return false;
}

}  // namespace

void DuplicateNumber::check(const CheckContext& ctx, Findings& out) const {
  const MigrationGraph& graph = ctx.target.graph;
  for (const auto& app : ctx.target.layout.apps) {
    std::map<std::string, std::vector<MigrationKey>> by_number;
    for (const auto& key : graph.nodes(app.id)) {
      std::string number = number_prefix(key.name);
      if (!number.empty()) by_number[number].push_back(key);
    }
    for (const auto& [number, group] : by_number) {
      if (group.size() < 2 || reconciled_by_merge(graph, group)) continue;
      for (const auto& key : group) {
        const Migration* m = ctx.target.find(key);
        if (!m || !ctx.in_scope(m->path)) continue;
        std::vector<MigrationKey> others;
        for (const auto& o : group)
          if (o != key) others.push_back(o);
        auto leaves = graph.leaves(app.id);
        out.report(kInfo, m->path, kFileStart,
                   "`" + key.name + "` shares the number " + number + " with " + join_names(others),
                   "renumber it to follow the app's latest migration" +
                       (leaves.empty() ? std::string() : " (`" + leaves.back().name + "`)") +
                       " and update its dependencies");
      }
    }
  }
}

}  // namespace hc
