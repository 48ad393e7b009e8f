#include "graph/migration_graph.hpp"

#include <algorithm>
#include <functional>

#include "python/migration_facts.hpp"

namespace hc {
namespace {
const std::set<MigrationKey> kNoKeys;
}

void MigrationGraph::add_dependency(const MigrationKey& child, const MigrationKey& parent) {
  // Like Django's add_dummy_node: an unknown end becomes a placeholder that
  // validate_consistency later reports, unless a squash replaces it first.
  for (const auto* k : {&child, &parent})
    if (!nodes_.count(*k)) nodes_[*k].dummy = true;
  nodes_[child].parents.insert(parent);
  nodes_[parent].children.insert(child);
}

void MigrationGraph::remove_replaced_nodes(const MigrationKey& replacement, const std::vector<MigrationKey>& replaced_list) {
  std::set<MigrationKey> replaced(replaced_list.begin(), replaced_list.end());
  for (const auto& key : replaced) {
    auto it = nodes_.find(key);
    if (key == replacement) continue;
    replaced_[key] = replacement;
    if (it == nodes_.end()) continue;
    Node node = std::move(it->second);
    nodes_.erase(it);
    for (const auto& child : node.children) {
      auto c = nodes_.find(child);
      if (c == nodes_.end()) continue;
      c->second.parents.erase(key);
      if (!replaced.count(child)) {
        nodes_[replacement].children.insert(child);
        c->second.parents.insert(replacement);
      }
    }
    for (const auto& parent : node.parents) {
      auto p = nodes_.find(parent);
      if (p == nodes_.end()) continue;
      p->second.children.erase(key);
      if (!replaced.count(parent)) {
        nodes_[replacement].parents.insert(parent);
        p->second.children.insert(replacement);
      }
    }
  }
}

MigrationGraph MigrationGraph::build(const std::vector<GraphInput>& migrations, const std::map<std::string, std::string>& apps) {
  MigrationGraph g;
  for (const auto& m : migrations) g.nodes_[m.key];

  struct PendingCheck {
    MigrationKey from, to;
    Span span;
  };
  std::vector<PendingCheck> checks;

  // A label as a file writes it -> the key's app id, for the file's own app or another.
  auto app_id = [&](const GraphInput& m, const std::string& label) -> std::optional<std::string> {
    if (label == m.label) return m.key.app;
    auto it = apps.find(label);
    if (it == apps.end()) return std::nullopt;
    return it->second;
  };

  // Internal dependencies first, as the loader does, so __first__/__latest__ see whole apps.
  for (const auto& m : migrations) {
    if (!m.facts) continue;
    for (const auto& dep : m.facts->dependencies) {
      if (dep.swappable || dep.app != m.label || dep.name == "__first__") continue;
      MigrationKey parent{m.key.app, dep.name};
      g.add_dependency(m.key, parent);
      checks.push_back({m.key, parent, dep.span});
    }
  }
  auto check_key = [&](const MigrationKey& key, const std::string& current_app) -> std::optional<MigrationKey> {
    if ((key.name != "__first__" && key.name != "__latest__") || g.contains(key)) return key;
    if (key.app == current_app) return std::nullopt;
    auto found = key.name == "__first__" ? g.roots(key.app) : g.leaves(key.app);
    if (found.empty()) return std::nullopt;
    return found.front();
  };
  for (const auto& m : migrations) {
    if (!m.facts) continue;
    for (const auto& dep : m.facts->dependencies) {
      if (dep.swappable || dep.app == m.label) continue;
      auto id = app_id(m, dep.app);
      if (!id) continue;
      auto parent = check_key({*id, dep.name}, m.key.app);
      if (!parent) continue;
      g.add_dependency(m.key, *parent);
      checks.push_back({m.key, *parent, dep.span});
    }
    for (const auto& rb : m.facts->run_before) {
      auto id = app_id(m, rb.app);
      if (!id) continue;
      auto child = check_key({*id, rb.name}, m.key.app);
      if (!child) continue;
      g.add_dependency(*child, m.key);
      checks.push_back({m.key, *child, rb.span});  // the file that names a missing child is at fault
    }
  }
  // With no database nothing is applied, so every squash is used.
  for (const auto& m : migrations) {
    if (!m.facts || m.facts->replaces.empty()) continue;
    std::vector<MigrationKey> replaced;
    for (const auto& r : m.facts->replaces) replaced.push_back({app_id(m, r.app).value_or(r.app), r.name});
    g.remove_replaced_nodes(m.key, replaced);
  }
  for (const auto& c : checks) {
    auto it = g.nodes_.find(c.to);
    if (it != g.nodes_.end() && it->second.dummy) g.missing_.push_back({c.from, c.to, c.span});
  }
  return g;
}

bool MigrationGraph::contains(const MigrationKey& key) const {
  auto it = nodes_.find(key);
  return it != nodes_.end() && !it->second.dummy;
}

std::vector<MigrationKey> MigrationGraph::nodes(const std::string& app) const {
  std::vector<MigrationKey> out;
  for (auto it = nodes_.lower_bound({app, ""}); it != nodes_.end() && it->first.app == app; ++it)
    if (!it->second.dummy) out.push_back(it->first);
  return out;
}

std::vector<MigrationKey> MigrationGraph::leaves(const std::string& app) const {
  std::vector<MigrationKey> out;
  for (auto it = nodes_.lower_bound({app, ""}); it != nodes_.end() && it->first.app == app; ++it) {
    if (it->second.dummy) continue;
    bool has_same_app_child = std::any_of(it->second.children.begin(), it->second.children.end(),
                                          [&](const MigrationKey& c) { return c.app == app; });
    if (!has_same_app_child) out.push_back(it->first);
  }
  return out;
}

std::vector<MigrationKey> MigrationGraph::roots(const std::string& app) const {
  std::vector<MigrationKey> out;
  for (auto it = nodes_.lower_bound({app, ""}); it != nodes_.end() && it->first.app == app; ++it) {
    if (it->second.dummy) continue;
    bool has_same_app_parent = std::any_of(it->second.parents.begin(), it->second.parents.end(),
                                           [&](const MigrationKey& p) { return p.app == app; });
    if (!has_same_app_parent) out.push_back(it->first);
  }
  return out;
}

const std::set<MigrationKey>& MigrationGraph::parents(const MigrationKey& key) const {
  auto it = nodes_.find(key);
  return it == nodes_.end() ? kNoKeys : it->second.parents;
}

const std::set<MigrationKey>& MigrationGraph::children(const MigrationKey& key) const {
  auto it = nodes_.find(key);
  return it == nodes_.end() ? kNoKeys : it->second.children;
}

std::vector<MigrationKey> MigrationGraph::forwards_plan(const MigrationKey& target) const {
  // Django's iterative_dfs: a stack of (node, processed) with parents pushed sorted.
  std::vector<MigrationKey> order;
  std::set<MigrationKey> done;
  std::vector<std::pair<MigrationKey, bool>> stack{{target, false}};
  while (!stack.empty()) {
    auto [node, processed] = stack.back();
    stack.pop_back();
    if (done.count(node)) continue;
    if (processed) {
      done.insert(node);
      if (contains(node)) order.push_back(node);
      continue;
    }
    stack.push_back({node, true});
    for (const auto& p : parents(node))
      if (!done.count(p)) stack.push_back({p, false});
    if (stack.size() > 4 * nodes_.size() + 16) break;  // a cycle: DJM105 reports it
  }
  return order;
}

std::vector<MigrationKey> MigrationGraph::full_plan() const {
  std::vector<MigrationKey> plan;
  std::set<MigrationKey> seen;
  std::set<std::string> apps;
  for (const auto& [key, node] : nodes_)
    if (!node.dummy) apps.insert(key.app);
  for (const auto& app : apps)
    for (const auto& leaf : leaves(app))
      for (const auto& k : forwards_plan(leaf))
        if (seen.insert(k).second) plan.push_back(k);
  return plan;
}

std::vector<std::vector<MigrationKey>> MigrationGraph::cycles() const {
  // Iterative colouring DFS; each back edge closes one cycle, reported from its lowest key.
  std::vector<std::vector<MigrationKey>> out;
  std::map<MigrationKey, int> colour;  // 0 new, 1 on stack, 2 done
  std::set<std::vector<MigrationKey>> seen;
  for (const auto& [start, _] : nodes_) {
    if (colour[start]) continue;
    std::vector<std::pair<MigrationKey, std::vector<MigrationKey>>> stack;
    std::vector<MigrationKey> path;
    stack.push_back({start, std::vector<MigrationKey>(parents(start).begin(), parents(start).end())});
    colour[start] = 1;
    path.push_back(start);
    while (!stack.empty()) {
      auto& [node, pending] = stack.back();
      if (pending.empty()) {
        colour[node] = 2;
        path.pop_back();
        stack.pop_back();
        continue;
      }
      MigrationKey next = pending.back();
      pending.pop_back();
      int c = colour[next];
      if (c == 1) {
        auto from = std::find(path.begin(), path.end(), next);
        std::vector<MigrationKey> cycle(from, path.end());
        std::reverse(cycle.begin(), cycle.end());  // dependency order: parent first
        auto lowest = std::min_element(cycle.begin(), cycle.end());
        std::rotate(cycle.begin(), lowest, cycle.end());
        if (seen.insert(cycle).second) out.push_back(cycle);
      } else if (c == 0) {
        colour[next] = 1;
        path.push_back(next);
        stack.push_back({next, std::vector<MigrationKey>(parents(next).begin(), parents(next).end())});
      }
    }
  }
  return out;
}

}  // namespace hc
