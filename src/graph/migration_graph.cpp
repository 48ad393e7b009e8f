#include "graph/migration_graph.hpp"

#include <algorithm>
#include <functional>

#include "python/migration_facts.hpp"

namespace hc {
namespace {

std::size_t key_hash(const MigrationKey& key) {
  std::hash<std::string> h;
  return h(key.app) * 1000003u ^ h(key.name);
}

}  // namespace

MigrationGraph::Id MigrationGraph::find(const MigrationKey& key) const {
  if (slots_.empty()) return kNone;
  std::size_t mask = slots_.size() - 1;
  for (std::size_t i = key_hash(key) & mask;; i = (i + 1) & mask) {
    Id id = slots_[i];
    if (id == kNone) return kNone;
    if (keys_[id] == key) return nodes_[id].present ? id : kNone;
  }
}

MigrationGraph::Id MigrationGraph::intern(const MigrationKey& key, bool dummy) {
  if (2 * (keys_.size() + 1) > slots_.size()) {
    std::vector<Id> grown(std::max<std::size_t>(64, slots_.size() * 2), kNone);
    std::size_t mask = grown.size() - 1;
    for (Id id = 0; id < keys_.size(); ++id) {
      std::size_t i = key_hash(keys_[id]) & mask;
      while (grown[i] != kNone) i = (i + 1) & mask;
      grown[i] = id;
    }
    slots_ = std::move(grown);
  }
  std::size_t mask = slots_.size() - 1;
  std::size_t i = key_hash(key) & mask;
  for (; slots_[i] != kNone; i = (i + 1) & mask) {
    Id id = slots_[i];
    if (keys_[id] != key) continue;
    // A squash replaced it earlier: it comes back as a new, empty node, as a
    // std::map entry erased and then indexed would.
    if (!nodes_[id].present) nodes_[id] = Node{{}, {}, dummy, true};
    return id;
  }
  Id id = static_cast<Id>(keys_.size());
  slots_[i] = id;
  keys_.push_back(key);
  nodes_.push_back(Node{{}, {}, dummy, true});
  // Keys come app by app: the app's list is the one used last, mostly.
  if (!last_app_ || keys_[last_app_key_].app != key.app) {
    last_app_ = &by_app_[key.app];
    last_app_key_ = id;
  }
  last_app_->push_back(id);
  return id;
}

void MigrationGraph::add_dependency(const MigrationKey& child, const MigrationKey& parent) {
  // Like Django's add_dummy_node: an unknown end becomes a placeholder that
  // validate_consistency later reports, unless a squash replaces it first.
  Id c = find(child);
  if (c == kNone) c = intern(child, true);
  Id p = find(parent);
  if (p == kNone) p = intern(parent, true);
  nodes_[c].parents.push_back(p);  // duplicates go in finish()
  nodes_[p].children.push_back(c);
}

void MigrationGraph::remove_replaced_nodes(const MigrationKey& replacement, const std::vector<MigrationKey>& replaced_list) {
  std::set<MigrationKey> replaced(replaced_list.begin(), replaced_list.end());
  for (const auto& key : replaced) {
    if (key == replacement) continue;
    replaced_[key] = replacement;
    Id gone = find(key);
    if (gone == kNone) continue;
    Node node = std::move(nodes_[gone]);
    nodes_[gone] = Node{{}, {}, false, false};
    // An edge to the gone node moves to the replacement, unless its other end
    // is replaced too (that edge is inside the squash).
    auto relink = [&](const std::vector<Id>& neighbours, std::vector<Id> Node::*back, std::vector<Id> Node::*forward) {
      for (Id other : neighbours) {
        if (!nodes_[other].present) continue;
        std::erase(nodes_[other].*back, gone);
        if (replaced.count(keys_[other])) continue;
        Id r = intern(replacement, false);
        (nodes_[r].*forward).push_back(other);
        (nodes_[other].*back).push_back(r);
      }
    };
    relink(node.children, &Node::parents, &Node::children);
    relink(node.parents, &Node::children, &Node::parents);
  }
}

namespace {

// The inputs come sorted and only the few nodes added after them are not:
// sort that tail and merge it in, rather than sorting everything again.
template <class T, class Less>
void sort_mostly_sorted(std::vector<T>& ids, Less less) {
  auto tail = std::is_sorted_until(ids.begin(), ids.end(), less);
  if (tail == ids.end()) return;
  std::sort(tail, ids.end(), less);
  std::inplace_merge(ids.begin(), tail, ids.end(), less);
}

}  // namespace

void MigrationGraph::finish() {
  by_key_.clear();
  for (Id id = 0; id < keys_.size(); ++id)
    if (nodes_[id].present) by_key_.push_back(id);
  auto by_key = [&](Id a, Id b) { return keys_[a] < keys_[b]; };
  sort_mostly_sorted(by_key_, by_key);
  std::vector<Id> rank(keys_.size(), kNone);
  for (Id r = 0; r < by_key_.size(); ++r) rank[by_key_[r]] = r;
  auto by_rank = [&](Id a, Id b) { return rank[a] < rank[b]; };
  for (auto& node : nodes_) {
    for (auto* edges : {&node.parents, &node.children}) {
      std::sort(edges->begin(), edges->end(), by_rank);
      edges->erase(std::unique(edges->begin(), edges->end()), edges->end());
    }
  }
  for (auto& [app, ids] : by_app_) sort_mostly_sorted(ids, by_key);
  last_app_ = nullptr;  // a copy of the graph would point into this one's map
  built_ = true;
}

MigrationGraph MigrationGraph::build(const std::vector<GraphInput>& migrations, const std::map<std::string, std::string>& apps) {
  MigrationGraph g;
  g.keys_.reserve(migrations.size() + 16);
  g.nodes_.reserve(migrations.size() + 16);
  // Sized for every input at once: growing rehashes every key so far.
  std::size_t slots = 64;
  while (slots < 2 * (migrations.size() + 16)) slots *= 2;
  g.slots_.assign(slots, kNone);
  for (const auto& m : migrations) g.intern(m.key, false);

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
    Id to = g.find(c.to);
    if (to != kNone && g.nodes_[to].dummy) g.missing_.push_back({c.from, c.to, c.span});
  }
  g.finish();
  return g;
}

bool MigrationGraph::contains(const MigrationKey& key) const {
  Id id = find(key);
  return id != kNone && !nodes_[id].dummy;
}

std::vector<MigrationKey> MigrationGraph::app_nodes(const std::string& app,
                                                    bool (*keep)(const MigrationGraph&, Id, const std::string&)) const {
  std::vector<MigrationKey> out;
  auto it = by_app_.find(app);
  if (it == by_app_.end()) return out;
  for (Id id : it->second)
    if (nodes_[id].present && !nodes_[id].dummy && keep(*this, id, app)) out.push_back(keys_[id]);
  if (!built_) std::sort(out.begin(), out.end());
  return out;
}

std::vector<MigrationKey> MigrationGraph::nodes(const std::string& app) const {
  return app_nodes(app, [](const MigrationGraph&, Id, const std::string&) { return true; });
}

std::vector<MigrationKey> MigrationGraph::leaves(const std::string& app) const {
  return app_nodes(app, [](const MigrationGraph& g, Id id, const std::string& a) {
    return std::none_of(g.nodes_[id].children.begin(), g.nodes_[id].children.end(), [&](Id c) { return g.keys_[c].app == a; });
  });
}

std::vector<MigrationKey> MigrationGraph::roots(const std::string& app) const {
  return app_nodes(app, [](const MigrationGraph& g, Id id, const std::string& a) {
    return std::none_of(g.nodes_[id].parents.begin(), g.nodes_[id].parents.end(), [&](Id p) { return g.keys_[p].app == a; });
  });
}

std::vector<MigrationKey> MigrationGraph::keys_of(const std::vector<Id>& ids) const {
  std::vector<MigrationKey> out;
  out.reserve(ids.size());
  for (Id id : ids) out.push_back(keys_[id]);
  return out;
}

std::vector<MigrationKey> MigrationGraph::parents(const MigrationKey& key) const {
  Id id = find(key);
  return id == kNone ? std::vector<MigrationKey>{} : keys_of(nodes_[id].parents);
}

std::vector<MigrationKey> MigrationGraph::children(const MigrationKey& key) const {
  Id id = find(key);
  return id == kNone ? std::vector<MigrationKey>{} : keys_of(nodes_[id].children);
}

void MigrationGraph::plan_from(Id target, std::vector<char>& done, std::vector<MigrationKey>& order) const {
  // Django's iterative_dfs: a stack of (node, processed) with parents pushed sorted.
  std::vector<std::pair<Id, bool>> stack{{target, false}};
  while (!stack.empty()) {
    auto [node, processed] = stack.back();
    stack.pop_back();
    if (done[node]) continue;
    if (processed) {
      done[node] = 1;
      if (!nodes_[node].dummy) order.push_back(keys_[node]);
      continue;
    }
    stack.push_back({node, true});
    for (Id p : nodes_[node].parents)
      if (!done[p]) stack.push_back({p, false});
    if (stack.size() > 4 * by_key_.size() + 16) break;  // a cycle: DJM105 reports it
  }
}

std::vector<MigrationKey> MigrationGraph::forwards_plan(const MigrationKey& target) const {
  std::vector<MigrationKey> order;
  Id id = find(target);
  if (id == kNone) return order;
  std::vector<char> done(keys_.size(), 0);
  plan_from(id, done, order);
  return order;
}

std::vector<MigrationKey> MigrationGraph::full_plan() const {
  // One walk shared by every leaf: what an earlier leaf's plan holds, with all
  // its ancestors, is skipped, which is the union of the leaves' plans in order.
  std::vector<MigrationKey> plan;
  std::vector<char> done(keys_.size(), 0);
  for (const auto& [app, ids] : by_app_)
    for (const auto& leaf : leaves(app)) plan_from(find(leaf), done, plan);
  return plan;
}

std::vector<std::vector<MigrationKey>> MigrationGraph::cycles() const {
  // Iterative colouring DFS; each back edge closes one cycle, reported from its lowest key.
  std::vector<std::vector<MigrationKey>> out;
  std::vector<char> colour(keys_.size(), 0);  // 0 new, 1 on stack, 2 done
  std::set<std::vector<MigrationKey>> seen;
  for (Id start : by_key_) {
    if (colour[start]) continue;
    std::vector<std::pair<Id, std::vector<Id>>> stack;
    std::vector<Id> path;
    stack.push_back({start, nodes_[start].parents});
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
      Id next = pending.back();
      pending.pop_back();
      if (colour[next] == 1) {
        auto from = std::find(path.begin(), path.end(), next);
        std::vector<MigrationKey> cycle;
        for (auto it = path.end(); it != from;) cycle.push_back(keys_[*--it]);  // dependency order: parent first
        auto lowest = std::min_element(cycle.begin(), cycle.end());
        std::rotate(cycle.begin(), lowest, cycle.end());
        if (seen.insert(cycle).second) out.push_back(cycle);
      } else if (colour[next] == 0) {
        colour[next] = 1;
        path.push_back(next);
        stack.push_back({next, nodes_[next].parents});
      }
    }
  }
  return out;
}

}  // namespace hc
