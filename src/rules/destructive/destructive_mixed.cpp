#include "rules/destructive/destructive_mixed.hpp"

#include <algorithm>

#include "rules/destructive/destructive_operations.hpp"

namespace hc {

namespace {

// What the code must stop using before the drop is deployed.
std::string dropped_thing(const Operation& drop) {
  if (drop.kind == "RemoveField")
    return "`" + string_argument(drop, 0, "model_name") + "." + string_argument(drop, 1, "name") + "`";
  if (drop.kind == "DeleteModel") return "`" + string_argument(drop, 0, "name") + "`";
  return "what it drops";
}

}  // namespace

void DestructiveMixed::check(const CheckContext& ctx, Findings& out) const {
  for (const auto& [path, m] : ctx.target.migrations) {
    if (!ctx.in_scope(path) || !m.facts || !m.facts->usable()) continue;
    DestructiveSplit split = split_destructive(ctx.target, m);
    if (split.drops.empty() || split.work.empty()) continue;

    std::vector<std::string> other_work;
    for (const Operation* op : split.work) {
      std::string label = operation_label(*op);
      if (std::find(other_work.begin(), other_work.end(), label) == other_work.end()) other_work.push_back(label);
    }
    for (const Operation* drop : split.drops) {
      std::string label = operation_label(*drop);
      out.report(kInfo, m.path, drop->span,
                 "`" + label + "` destroys data in a migration that also does other work: " + join_labels(other_work),
                 "move `" + label + "` into a migration of its own, deployed after the code stops using " +
                     dropped_thing(*drop) + "; keep the other operations here");
    }
  }
}

}  // namespace hc
