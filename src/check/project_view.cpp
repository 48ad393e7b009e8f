#include "check/project_view.hpp"

#include <malloc.h>

#include <atomic>
#include <cstring>
#include <exception>
#include <set>
#include <thread>

#include "check/facts_store.hpp"
#include "check/operations_store.hpp"
#include "models/migration_replay.hpp"
#include "models/model_value_codec.hpp"
#include "python/app_config.hpp"
#include "python/facts_codec.hpp"
#include "python/syntax_tree.hpp"

namespace hc {

std::shared_ptr<const MigrationFacts> FactsCache::migration(const SnapshotFile& file) {
  auto it = migrations_.find(file.id);
  if (it != migrations_.end()) return it->second;
  std::shared_ptr<const MigrationFacts> facts;
  if (auto spare = spare_.find(file.id); spare != spare_.end()) {
    facts = std::move(spare->second);
    spare_.erase(spare);
  } else if (store_) {
    facts = store_->find(file.id);
  }
  if (!facts) {
    facts = std::make_shared<const MigrationFacts>(parse_migration(parser_, reader_.read(file)));
    if (store_) store_->add(file.id, *facts);
  }
  migrations_.emplace(file.id, facts);
  if (on_parse) on_parse(migrations_.size());
  return facts;
}

void FactsCache::add_spare(const std::vector<ObjectId>& ids, std::vector<std::shared_ptr<const MigrationFacts>> facts) {
  spare_.reserve(spare_.size() + ids.size());
  for (std::size_t i = 0; i < ids.size() && i < facts.size(); ++i)
    if (facts[i]) spare_.emplace(ids[i], std::move(facts[i]));
}

void FactsCache::prefetch(const std::vector<const SnapshotFile*>& files, const Snapshot* home) {
  std::set<ObjectId> queued;
  std::vector<const SnapshotFile*> wanted;
  for (const SnapshotFile* f : files) {
    if (migrations_.count(f->id)) continue;
    if (auto it = spare_.find(f->id); it != spare_.end()) {
      migrations_.emplace(f->id, std::move(it->second));
      spare_.erase(it);
      if (on_parse) on_parse(migrations_.size());
      continue;
    }
    if (queued.insert(f->id).second) wanted.push_back(f);
  }
  std::vector<std::shared_ptr<const MigrationFacts>> cached(wanted.size());
  if (store_) {
    std::vector<ObjectId> ids;
    for (const SnapshotFile* f : wanted) ids.push_back(f->id);
    cached = store_->find_many(ids);
  }
  std::vector<const SnapshotFile*> missed;
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (cached[i]) {
      migrations_.emplace(wanted[i]->id, std::move(cached[i]));
      if (on_parse) on_parse(migrations_.size());
    } else {
      missed.push_back(wanted[i]);
    }
  }
  // In batches: the texts of 12,000 migrations read at once, with their
  // trees, were the peak of a cold audit.
  constexpr std::size_t kBatch = 1024;
  for (std::size_t from = 0; from < missed.size(); from += kBatch) {
    std::vector<ParseWork> work;
    for (std::size_t i = from; i < std::min(missed.size(), from + kBatch); ++i)
      work.push_back({missed[i]->id, reader_.read(*missed[i]), missed[i]->path});
    parse_batch(work, home);
  }
  // What the parsers freed stays in their threads' arenas, where this thread
  // cannot reuse it: handed back, it is no part of the run's peak.
  if (missed.size() >= 64) malloc_trim(0);
}

void FactsCache::parse_batch(std::vector<ParseWork>& work, const Snapshot* home) {
  std::size_t threads = std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()), 8);
  if (work.size() < 64) threads = 1;  // not worth starting threads
  const bool evaluate = home && operations_;
  std::vector<std::shared_ptr<const MigrationFacts>> parsed(work.size());
  std::vector<std::string> encoded(store_ ? work.size() : 0);
  std::vector<std::optional<std::string>> operations(evaluate ? work.size() : 0);
  // Each parse is encoded for the store by the thread that made it, and in
  // an audit its tree evaluated for the operations memo there too.
  auto parse_one = [&](const PythonParser& parser, std::optional<StandaloneOperations>& evaluator, std::size_t i) {
    std::optional<SyntaxTree> tree;
    parsed[i] = std::make_shared<const MigrationFacts>(parse_migration(parser, std::move(work[i].text), evaluate ? &tree : nullptr));
    if (store_) encoded[i] = encode_facts(*parsed[i]);
    if (tree && parsed[i]->usable()) {
      if (!evaluator) evaluator.emplace(*home, parser);
      if (auto ops = evaluator->evaluate(std::string(work[i].path), std::move(*tree))) operations[i] = encode_model_value(*ops);
    }
  };
  if (threads == 1) {
    std::optional<StandaloneOperations> evaluator;
    for (std::size_t i = 0; i < work.size(); ++i) parse_one(parser_, evaluator, i);
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::exception_ptr> errors(threads);
  std::vector<std::thread> pool;
  for (std::size_t t = 0; threads > 1 && t < threads; ++t)
    pool.emplace_back([&, t] {
      try {
        PythonParser parser;  // one per thread: a TSParser is not shareable
        std::optional<StandaloneOperations> evaluator;
        for (std::size_t i; (i = next++) < work.size();) parse_one(parser, evaluator, i);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
  for (auto& th : pool) th.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  // The facts a run keeps are decoded here, in this thread's heap: made by a
  // parser thread, they would pin its arena's pages, which hold the parse's
  // garbage too, for the rest of the run. All are decoded before any parser
  // thread's facts is freed: this thread's tcache takes the chunks it frees,
  // whatever their arena, and hands them to its next allocations, which put
  // half the decoded facts back in the parser threads' arenas (14 MB of
  // their pages pinned in a cold audit).
  if (threads > 1 && store_) {
    std::vector<std::shared_ptr<const MigrationFacts>> compact(work.size());
    for (std::size_t i = 0; i < work.size(); ++i)
      if (auto decoded = decode_facts(encoded[i])) compact[i] = std::make_shared<const MigrationFacts>(std::move(*decoded));
    // The encodings the caches keep until they are saved, likewise: copied
    // here, densely, and the threads' scattered ones freed after.
    std::vector<std::string> encoded_here(encoded.begin(), encoded.end());
    std::vector<std::optional<std::string>> operations_here(operations.begin(), operations.end());
    for (std::size_t i = 0; i < work.size(); ++i)
      if (compact[i]) parsed[i] = std::move(compact[i]);
    encoded.swap(encoded_here);
    operations.swap(operations_here);
  }
  for (std::size_t i = 0; i < work.size(); ++i) {
    if (store_) store_->add_encoded(work[i].id, std::move(encoded[i]), facts_graph_flags(*parsed[i]));
    if (evaluate && operations[i]) operations_->add_encoded(work[i].id, std::move(*operations[i]));
    migrations_.emplace(work[i].id, parsed[i]);
    if (on_parse) on_parse(migrations_.size());
  }
}

std::optional<std::string> FactsCache::app_label(const SnapshotFile& file) {
  auto it = labels_.find(file.id);
  if (it != labels_.end()) return it->second;
  // Every app has an apps.py, and few name a label: those that do not are
  // remembered by blob id, so a run reads none of them.
  if (store_)
    if (auto flags = store_->flags(file.id); flags && (*flags & kAppConfigWithoutLabel)) {
      labels_.emplace(file.id, std::nullopt);
      return std::nullopt;
    }
  auto label = parse_app_config_label(parser_, reader_.read(file));
  if (!label && store_) store_->add_flags(file.id, kAppConfigWithoutLabel);
  labels_.emplace(file.id, label);
  return label;
}

const Migration* ProjectView::at(const std::string& path) const {
  auto it = by_path.find(path);
  return it == by_path.end() ? nullptr : it->second;
}

const Migration* ProjectView::find(const MigrationKey& key) const {
  auto it = by_key.find(key);
  return it == by_key.end() ? nullptr : it->second;
}

namespace {

std::vector<GraphInput> graph_inputs(const std::map<std::string, Migration>& migrations) {
  // Django orders disk migrations by app, then name; keep that order for __first__/__latest__.
  // Sorted as pointers: moving whole inputs around costs more than the comparisons.
  std::vector<const Migration*> order;
  order.reserve(migrations.size());
  for (const auto& [path, m] : migrations) order.push_back(&m);
  auto by_key = [](const Migration* a, const Migration* b) { return a->key < b->key; };
  // Paths mostly sort as keys do already (a package named as its label).
  if (!std::is_sorted(order.begin(), order.end(), by_key)) std::sort(order.begin(), order.end(), by_key);
  std::vector<GraphInput> inputs;
  inputs.reserve(order.size());
  for (const Migration* m : order) inputs.push_back(GraphInput{m->key, m->label, m->facts && m->facts->usable() ? m->facts.get() : nullptr});
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

namespace {

// The app ids a focused view needs (see ViewFocus); nullopt for all of them.
std::optional<std::set<std::string>> focused_apps(const ProjectView& view, FactsCache& cache, const ViewFocus& focus,
                                                  const std::map<std::string, std::string>& ids) {
  const ProjectLayout& layout = view.layout;
  std::map<std::string, const App*> by_id;
  for (const auto& app : layout.apps) by_id[app.id] = &app;
  auto file_of = [&](const MigrationModule& m) { return view.snapshot.find(m.path); };

  std::set<std::string> included;
  std::set<MigrationKey> reached;
  std::vector<std::pair<const App*, const MigrationModule*>> todo;
  auto reach = [&](const App& app, std::string_view name) {
    for (const auto& m : app.migrations)
      if ((name.empty() || m.name == name) && reached.insert({app.id, std::string(m.name)}).second) todo.push_back({&app, &m});
  };
  std::vector<const App*> wave;
  auto include = [&](const App& app) {
    if (!included.insert(app.id).second) return;
    wave.push_back(&app);
  };
  // Parses (or reads from the cache) the newly included apps together, on every core.
  auto load_wave = [&] {
    std::vector<const SnapshotFile*> files;
    for (const App* app : wave)
      for (const auto& m : app->migrations) files.push_back(file_of(m));
    cache.prefetch(files);
    // A squash may stand for the named node: follow the app's squashes too.
    for (const App* app : wave)
      for (const auto& m : app->migrations)
        if (!cache.migration(*file_of(m))->replaces.empty()) reach(*app, m.name);
    wave.clear();
  };

  for (const auto& app : layout.apps) {
    if (focus.apps.count(app.id)) include(app);
    bool changed = false;
    for (const auto& path : focus.paths)
      if (app.directory.empty() || path.starts_with(app.directory + "/")) changed = true;
    if (!changed) continue;
    include(app);
    reach(app, "");
  }
  load_wave();
  while (!todo.empty() || !wave.empty()) {
    if (todo.empty()) {
      load_wave();
      continue;
    }
    auto [app, module] = todo.back();
    todo.pop_back();
    auto facts = cache.migration(*file_of(*module));
    auto follow = [&](const DependencyRef& dep) {
      if (dep.swappable) return;
      const App* target = app;
      if (dep.app != app->label) {
        auto id = ids.find(dep.app);
        if (id == ids.end()) return;  // an installed package, not in the graph
        auto it = by_id.find(id->second);
        if (it == by_id.end()) return;
        target = it->second;
      }
      include(*target);
      reach(*target, dep.name == "__first__" || dep.name == "__latest__" ? "" : dep.name);
    };
    for (const auto& dep : facts->dependencies) follow(dep);
    for (const auto& rb : facts->run_before) follow(rb);
    for (const auto& r : facts->replaces) follow(r);
  }

  // Edges into the included apps from outside: only run_before and squashes
  // naming another app make them. Should one exist, keep every app.
  for (const auto& app : layout.apps)
    if (!included.count(app.id) && cache.app_reaches_out(app, view.snapshot)) return std::nullopt;
  return included;
}

}  // namespace

std::uint8_t FactsCache::graph_flags(const SnapshotFile& file) {
  if (auto it = migrations_.find(file.id); it != migrations_.end()) return facts_graph_flags(*it->second);
  if (store_)
    if (auto flags = store_->flags(file.id); flags && !(*flags & kNotMigrationFlags)) return *flags;
  std::string bytes = reader_.read(file);
  if (bytes.find("run_before") == std::string::npos && bytes.find("replaces") == std::string::npos) {
    if (store_) store_->add_flags(file.id, 0);
    return 0;
  }
  return facts_graph_flags(*migration(file));
}

namespace {

// The flags.bin key of an app's migrations as a whole: its label (which
// decides what "another app" is) and every migration's blob (whether one
// reaches out depends on its text alone). Not a git object id: the last bytes
// say "app!", which a SHA-1 can have only by chance.
ObjectId app_summary_key(const App& app) {
  std::string bytes;
  bytes.reserve(app.label.size() + 2 + 20 * app.migrations.size());
  bytes = app.label;
  bytes.push_back('\0');
  for (const auto& m : app.migrations) bytes.append(reinterpret_cast<const char*>(m.id.bytes.data()), m.id.bytes.size());
  ObjectId key;
  std::uint64_t a = facts_payload_hash(bytes);
  bytes.push_back('#');  // a second, different hash of the same bytes
  std::uint64_t b = facts_payload_hash(bytes);
  std::memcpy(key.bytes.data(), &a, 8);
  std::memcpy(key.bytes.data() + 8, &b, 8);
  std::memcpy(key.bytes.data() + 16, "app!", 4);
  return key;
}

}  // namespace

bool FactsCache::app_reaches_out(const App& app, const Snapshot& snapshot) {
  const ObjectId key = app_summary_key(app);
  if (auto it = reaches_out_.find(key); it != reaches_out_.end()) return it->second;
  if (store_)
    if (auto flags = store_->flags(key); flags && (*flags & kAppSummary)) {
      reaches_out_.emplace(key, (*flags & kAppReachesOut) != 0);
      return (*flags & kAppReachesOut) != 0;
    }
  bool reaches = false;
  for (const auto& m : app.migrations) {
    const SnapshotFile* file = snapshot.find(m.path);
    if (!file) continue;
    std::uint8_t flags = graph_flags(*file);
    if (flags & kHasRunBefore) reaches = true;
    if (flags & kHasReplaces)
      for (const auto& r : migration(*file)->replaces)
        if (r.app != app.label) reaches = true;
    if (reaches) break;
  }
  reaches_out_.emplace(key, reaches);
  if (store_) store_->add_flags(key, static_cast<std::uint8_t>(kAppSummary | (reaches ? kAppReachesOut : 0)));
  return reaches;
}

std::unique_ptr<ProjectView> build_project_view(Snapshot snapshot, FactsCache& cache,
                                               const std::map<std::string, std::string>& label_overrides,
                                               const ViewFocus* focus, const LayoutReady& layout_ready,
                                               const SiblingLayout& sibling) {
  auto view = std::make_unique<ProjectView>();
  view->snapshot = std::move(snapshot);
  const LabelReader read_label = [&](const SnapshotFile& f) { return cache.app_label(f); };
  std::optional<ProjectLayout> patched;
  if (sibling.layout && sibling.differing)
    patched = patched_layout(*sibling.layout, view->snapshot, *sibling.differing, read_label, label_overrides);
  if (sibling.exact) view->layout = std::move(*sibling.exact);
  else view->layout = patched ? std::move(*patched) : discover_layout(view->snapshot, read_label, label_overrides);
  if (layout_ready) layout_ready(*view);
  const auto ids = label_ids(view->layout);
  std::optional<std::set<std::string>> apps;
  if (focus) apps = focused_apps(*view, cache, *focus, ids);
  if (!apps) {
    apps.emplace();
    for (const auto& app : view->layout.apps) apps->insert(app.id);
  }
  std::vector<const SnapshotFile*> files;
  for (const auto& app : view->layout.apps)
    if (apps->count(app.id))
      for (const auto& module : app.migrations) files.push_back(view->snapshot.find(module.path));
  cache.prefetch(files, &view->snapshot);
  // Apps and their migrations come in path order, mostly: each lands at the end.
  auto file = files.begin();
  for (const auto& app : view->layout.apps) {
    if (!apps->count(app.id)) continue;
    for (const auto& module : app.migrations) {
      const SnapshotFile* f = *file++;
      std::string path(module.path);
      Migration m{{app.id, std::string(module.name)}, app.label, path, f->id, cache.migration(*f)};
      view->migrations.emplace_hint(view->migrations.end(), std::move(path), std::move(m));
    }
  }
  view->loaded_apps = std::move(*apps);
  view->by_path.reserve(view->migrations.size());
  for (const auto& [path, m] : view->migrations) {
    view->by_key.emplace_hint(view->by_key.end(), m.key, &m);
    view->by_path.emplace(path, &m);
  }
  view->graph = MigrationGraph::build(graph_inputs(view->migrations), ids);
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
