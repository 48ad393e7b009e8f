#include "rules/graph/duplicate_number.hpp"

#include <map>

#include "rules/graph/graph_helpers.hpp"

namespace hc {
namespace {

// A merge migration depending on two members means the clash was already reconciled.
bool reconciled_by_merge(const MigrationGraph& graph, const std::vector<MigrationKey>& group) {
  std::set<MigrationKey> members(group.begin(), group.end());
  for (const auto& member : group) {
    for (const auto& child : graph.children(member)) {
      int joined = 0;
      for (const auto& parent : graph.parents(child)) joined += members.count(parent);
      if (joined >= 2) return true;
    }
  }
  return false;
}

}  // namespace

void DuplicateNumber::check(const CheckContext& ctx, Findings& out) const {
  const MigrationGraph& graph = ctx.target.graph;
  for (const auto& app : ctx.target.layout.apps) {
    std::map<std::string, std::vector<MigrationKey>> by_number;
    for (const auto& key : graph.nodes(app.label)) {
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
        auto leaves = graph.leaves(app.label);
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
