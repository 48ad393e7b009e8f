#include "check/project_view.hpp"

#include "python/app_config.hpp"
#include "python/syntax_tree.hpp"

namespace hc {

std::shared_ptr<const MigrationFacts> FactsCache::migration(const SnapshotFile& file) {
  auto it = migrations_.find(file.id);
  if (it != migrations_.end()) return it->second;
  auto facts = std::make_shared<const MigrationFacts>(parse_migration(parser_, reader_.read(file)));
  migrations_.emplace(file.id, facts);
  if (on_parse) on_parse(migrations_.size());
  return facts;
}

std::optional<std::string> FactsCache::app_label(const SnapshotFile& file) {
  auto it = labels_.find(file.id);
  if (it != labels_.end()) return it->second;
  auto label = parse_app_config_label(parser_, reader_.read(file));
  labels_.emplace(file.id, label);
  return label;
}

const Migration* ProjectView::at(const std::string& path) const {
  auto it = migrations.find(path);
  return it == migrations.end() ? nullptr : &it->second;
}

const Migration* ProjectView::find(const MigrationKey& key) const {
  auto it = by_key.find(key);
  return it == by_key.end() ? nullptr : it->second;
}

namespace {

std::vector<GraphInput> graph_inputs(const std::map<std::string, Migration>& migrations) {
  std::vector<GraphInput> inputs;
  inputs.reserve(migrations.size());
  for (const auto& [path, m] : migrations)
    inputs.push_back(GraphInput{m.key, m.label, m.facts && m.facts->usable() ? m.facts.get() : nullptr});
  // Django orders disk migrations by app, then name; keep that order for __first__/__latest__.
  std::sort(inputs.begin(), inputs.end(), [](const GraphInput& a, const GraphInput& b) { return a.key < b.key; });
  return inputs;
}

// Each label with a migrations package -> the id of the app that answers to it.
std::map<std::string, std::string> label_ids(const ProjectLayout& layout) {
  std::map<std::string, std::string> ids;
  for (const auto& app : layout.apps)
    if (app.id == app.label) ids[app.label] = app.id;
  return ids;
}

}  // namespace

std::unique_ptr<ProjectView> build_project_view(Snapshot snapshot, FactsCache& cache,
                                               const std::map<std::string, std::string>& label_overrides) {
  auto view = std::make_unique<ProjectView>();
  view->snapshot = std::move(snapshot);
  view->layout = discover_layout(view->snapshot, [&](const SnapshotFile& f) { return cache.app_label(f); }, label_overrides);
  for (const auto& app : view->layout.apps) {
    for (const auto& module : app.migrations) {
      const SnapshotFile* file = view->snapshot.find(module.path);
      Migration m{{app.id, module.name}, app.label, module.path, file->id, cache.migration(*file)};
      view->migrations.emplace(module.path, std::move(m));
    }
  }
  for (const auto& [path, m] : view->migrations) view->by_key.emplace(m.key, &m);
  view->graph = MigrationGraph::build(graph_inputs(view->migrations), label_ids(view->layout));
  for (const auto& [path, m] : view->migrations)
    if (!m.facts || !m.facts->usable() || !m.facts->dependencies_complete) view->unreliable_apps.insert(m.key.app);
  for (const auto& missing : view->graph.missing()) view->unreliable_apps.insert(missing.from.app);
  return view;
}

MigrationGraph merged_graph(const ProjectView& target, const std::vector<const Migration*>& extra) {
  std::map<std::string, Migration> all = target.migrations;
  auto ids = label_ids(target.layout);
  for (const Migration* m : extra) {
    all.emplace(m->path, *m);
    ids.emplace(m->label, m->key.app);
  }
  return MigrationGraph::build(graph_inputs(all), ids);
}

}  // namespace hc
