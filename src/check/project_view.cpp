#include "check/project_view.hpp"

#include <atomic>
#include <exception>
#include <set>
#include <thread>

#include "check/facts_store.hpp"
#include "python/app_config.hpp"
#include "python/facts_codec.hpp"
#include "python/syntax_tree.hpp"

namespace hc {

std::shared_ptr<const MigrationFacts> FactsCache::migration(const SnapshotFile& file) {
  auto it = migrations_.find(file.id);
  if (it != migrations_.end()) return it->second;
  std::shared_ptr<const MigrationFacts> facts = store_ ? store_->find(file.id) : nullptr;
  if (!facts) {
    facts = std::make_shared<const MigrationFacts>(parse_migration(parser_, reader_.read(file)));
    if (store_) store_->add(file.id, *facts);
  }
  migrations_.emplace(file.id, facts);
  if (on_parse) on_parse(migrations_.size());
  return facts;
}

void FactsCache::prefetch(const std::vector<const SnapshotFile*>& files) {
  std::vector<std::pair<ObjectId, std::string>> work;
  std::set<ObjectId> queued;
  for (const SnapshotFile* f : files) {
    if (migrations_.count(f->id) || !queued.insert(f->id).second) continue;
    if (auto cached = store_ ? store_->find(f->id) : nullptr) {
      migrations_.emplace(f->id, std::move(cached));
      if (on_parse) on_parse(migrations_.size());
      continue;
    }
    work.emplace_back(f->id, reader_.read(*f));
  }
  std::size_t threads = std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()), 8);
  if (work.size() < 64) threads = 1;  // not worth starting threads
  std::vector<std::shared_ptr<const MigrationFacts>> parsed(work.size());
  std::vector<std::string> encoded(store_ ? work.size() : 0);
  // Each parse is encoded for the store by the thread that made it.
  auto parse_one = [&](const PythonParser& parser, std::size_t i) {
    parsed[i] = std::make_shared<const MigrationFacts>(parse_migration(parser, std::move(work[i].second)));
    if (store_) encoded[i] = encode_facts(*parsed[i]);
  };
  if (threads == 1)
    for (std::size_t i = 0; i < work.size(); ++i) parse_one(parser_, i);
  std::atomic<std::size_t> next{0};
  std::vector<std::exception_ptr> errors(threads);
  std::vector<std::thread> pool;
  for (std::size_t t = 0; threads > 1 && t < threads; ++t)
    pool.emplace_back([&, t] {
      try {
        PythonParser parser;  // one per thread: a TSParser is not shareable
        for (std::size_t i; (i = next++) < work.size();) parse_one(parser, i);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
  for (auto& th : pool) th.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  for (std::size_t i = 0; i < work.size(); ++i) {
    if (store_) store_->add_encoded(work[i].first, std::move(encoded[i]));
    migrations_.emplace(work[i].first, parsed[i]);
    if (on_parse) on_parse(migrations_.size());
  }
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
  std::vector<const SnapshotFile*> files;
  for (const auto& app : view->layout.apps)
    for (const auto& module : app.migrations) files.push_back(view->snapshot.find(module.path));
  cache.prefetch(files);
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
