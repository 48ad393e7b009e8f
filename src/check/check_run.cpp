#include "check/check_run.hpp"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "check/facts_store.hpp"
#include "check/layout_memo.hpp"
#include "check/models_memo.hpp"
#include "check/models_view.hpp"
#include "check/operations_store.hpp"
#include "check/project_view.hpp"
#include "check/replay_memo.hpp"
#include "check/result_memo.hpp"
#include "models/model_extractor.hpp"
#include "rules/outdated/models_changed_without_migration.hpp"
#include "config/config.hpp"
#include "core/error.hpp"
#include "git/repository.hpp"
#include "python/syntax_tree.hpp"
#include "rules/parse/unused_suppression.hpp"
#include "rules/registry.hpp"

namespace hc {
namespace {

bool matches_any(const std::string& code, const std::vector<std::string>& patterns) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return code.rfind(p, 0) == 0; });
}

// The paths `target` adds or changes over `reference`; with `both_ways`, also
// those it drops. One walk over both path-ordered snapshots: a snapshot holds every
// file of the repository, a change a handful.
std::set<std::string> changed_since(const Snapshot& target, const Snapshot* reference, bool both_ways = false) {
  std::set<std::string> out;
  static const Snapshot empty;
  const Snapshot& after = target;
  const Snapshot& before = reference ? *reference : empty;
  auto a = after.begin(), b = before.begin();
  while (a != after.end() || b != before.end()) {
    int order = a == after.end() ? 1 : b == before.end() ? -1 : a->path.compare(b->path);
    if (order < 0) {
      out.insert(out.end(), std::string(a->path));
      ++a;
    } else if (order > 0) {
      if (both_ways) out.insert(out.end(), std::string(b->path));
      ++b;
    } else {
      if (a->id != b->id) out.insert(out.end(), std::string(a->path));
      ++a, ++b;
    }
  }
  return out;
}

bool cache_disabled_by_environment() {
  const char* v = std::getenv("HOOK_CHECK_NO_CACHE");
  return v && *v && std::string_view(v) != "0";
}

// Drops what the configuration excludes, so excluded files are invisible to every rule.
Snapshot without_excluded(Snapshot snap, const Config& config) {
  if (config.exclude.empty()) return snap;
  snap.erase_if([&](const SnapshotFile& f) { return config.excluded(std::string(f.path)); });
  return snap;
}

// The facts of the index's migrations, read from the store on other cores
// while the main thread compares the working tree with the index (git's
// status, a fifth of a warm audit): most are the working tree's too. Stopped
// and waited for on every way out, so the store is never read by two threads.
class FactsLookAhead {
 public:
  FactsLookAhead(FactsStore& store, const Snapshot& staged) {
    for (const SnapshotFile& f : staged)
      if (f.path.find("/migrations/") != std::string::npos && !f.path.ends_with("/__init__.py")) ids_.push_back(f.id);
    found_ = std::async(std::launch::async, [&store, this] { return store.find_many(ids_, &stop_); });
  }
  FactsLookAhead(const FactsLookAhead&) = delete;
  FactsLookAhead& operator=(const FactsLookAhead&) = delete;
  ~FactsLookAhead() {
    stop_ = true;
    if (found_.valid()) found_.wait();
  }
  void hand_to(FactsCache& cache) {
    if (found_.valid()) cache.add_spare(ids_, found_.get());
  }

 private:
  std::vector<ObjectId> ids_;
  std::atomic<bool> stop_{false};
  std::future<std::vector<std::shared_ptr<const MigrationFacts>>> found_;
};

}  // namespace

int CheckResult::errors() const {
  return static_cast<int>(std::count_if(diagnostics.begin(), diagnostics.end(),
                                        [](const Diagnostic& d) { return d.severity == Severity::Error; }));
}

int CheckResult::warnings() const {
  return static_cast<int>(std::count_if(diagnostics.begin(), diagnostics.end(),
                                        [](const Diagnostic& d) { return d.severity == Severity::Warning; }));
}

const std::vector<std::string>& default_base_candidates() {
  static const std::vector<std::string> names = {"develop", "origin/develop", "main", "origin/main", "master", "origin/master"};
  return names;
}

bool rule_selected(const std::string& code, const std::vector<std::string>& select, const std::vector<std::string>& ignore) {
  if (!select.empty() && !matches_any(code, select)) return false;
  return !matches_any(code, ignore);
}

void collect_findings(const CheckContext& ctx, const Config& settings, RuleGroup group, Findings& findings) {
  for (const auto& rule : rule_registry()) {
    if (group != RuleGroup::All && rule->reads_models() != (group == RuleGroup::ReadingModels)) continue;
    if (rule_selected(std::string(rule->info().code), settings.select, settings.ignore)) rule->check(ctx, findings);
  }
}

std::vector<Diagnostic> run_rules(const CheckContext& ctx, const Config& settings) {
  Findings findings;
  collect_findings(ctx, settings, RuleGroup::All, findings);
  return finish_findings(ctx, settings, std::move(findings));
}

std::vector<Diagnostic> finish_findings(const CheckContext& ctx, const Config& settings, Findings findings) {

  // Suppression comments, and which of them silenced something.
  std::set<std::pair<std::string, int>> used;  // (path, comment line)
  std::vector<Diagnostic> out;
  for (auto& d : findings.diagnostics()) {
    bool silenced = false;
    if (const Migration* m = ctx.target.at(d.path); m && m->facts)
      for (const auto& s : m->facts->suppressions)
        if (suppresses(s, d.code, d.span.start.line)) {
          silenced = true;
          used.insert({d.path, s.line});
        }
    if (!silenced) out.push_back(std::move(d));
  }
  const std::string unused_code(UnusedSuppression::kInfo.code);
  if (rule_selected(unused_code, settings.select, settings.ignore)) {
    for (const auto& [path, m] : ctx.target.migrations) {
      if (!ctx.in_scope(path) || !m.facts) continue;
      for (const auto& s : m.facts->suppressions) {
        if (used.count({path, s.line})) continue;
        // A comment for a rule this run did not select may still be doing its job.
        bool all_ran = std::all_of(rule_registry().begin(), rule_registry().end(), [&](const auto& r) {
          std::string code(r->info().code);
          bool named = s.codes.empty() || std::any_of(s.codes.begin(), s.codes.end(),
                                                      [&](const std::string& c) { return code.starts_with(c); });
          return !named || rule_selected(code, settings.select, settings.ignore);
        });
        if (!all_ran) continue;
        Diagnostic d;
        d.code = unused_code;
        d.rule = std::string(UnusedSuppression::kInfo.name);
        d.severity = UnusedSuppression::kInfo.severity;
        d.path = path;
        d.span = s.span;
        d.message = "this `hook-check: ignore` comment silences nothing";
        d.help = "remove it, or correct the code it names";
        out.push_back(std::move(d));
      }
    }
  }
  for (auto& d : out)
    if (auto sev = settings.severity_for(d.code)) d.severity = *sev;
  std::sort(out.begin(), out.end(), diagnostic_less);
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Diagnostic& a, const Diagnostic& b) {
                          return a.path == b.path && a.span == b.span && a.code == b.code && a.message == b.message;
                        }),
            out.end());
  return out;
}

Config read_config(const Repository& repo, const Snapshot& snapshot) {
  const SnapshotFile* file = snapshot.find("pyproject.toml");
  if (!file) return Config{};
  return parse_config(repo.read(*file), "pyproject.toml");
}

std::unique_ptr<ProjectView> configured_view(Snapshot snapshot, const Config& config, FactsCache& cache,
                                             const ViewFocus* focus, const std::function<void(const ProjectView&)>& layout_ready,
                                             const SiblingLayout& sibling) {
  return build_project_view(without_excluded(std::move(snapshot), config), cache, config.app_labels, focus, layout_ready,
                            sibling);
}

CheckSession::CheckSession(const CheckOptions& options) : CheckSession(options, nullptr) {}

CheckSession::CheckSession(const CheckOptions& options, std::unique_ptr<Repository> repository) : options_(options) {
  for (const auto* list : {&options.select, &options.ignore})
    for (const auto& code : *list)
      if (!is_known_code_or_prefix(code)) throw Error("unknown rule code or prefix `" + code + "` (see `hook-check rules`)");

  repo_ = repository ? std::move(repository) : std::make_unique<Repository>(Repository::open(options.repo));
  Repository& repo = *repo_;

  // The target, and the commit its branch stands on.
  if (options.target == TargetKind::Commit) {
    tip_ = repo.resolve_commit(options.commit);
    if (!tip_) throw Error("unknown revision `" + options.commit + "`");
    target_name_ = tip_->hex();
  } else {
    tip_ = repo.head_commit();
    target_name_ = options.target == TargetKind::Staged ? "staged" : "worktree";
  }

  const bool use_cache = options.cache && !cache_disabled_by_environment();
  std::optional<FactsLookAhead> look_ahead;
  Snapshot target_snapshot;
  if (options.target == TargetKind::Commit) {
    target_snapshot = repo.commit_snapshot(*tip_, target_name_);
  } else if (options.target == TargetKind::Staged) {
    target_snapshot = repo.index_snapshot();
  } else if (options.all && use_cache && !repo.workdir().empty()) {
    // An audit of the working tree reads every migration's facts: it starts on the index's.
    store_ = std::make_unique<FactsStore>(FactsStore::dir_for(repo.common_dir()));
    Snapshot staged = repo.index_snapshot();
    look_ahead.emplace(*store_, staged);
    target_snapshot = repo.worktree_snapshot(std::move(staged));
  } else {
    target_snapshot = repo.worktree_snapshot();
  }
  // The configuration is the target's own: a branch may change it.
  config_ = read_config(repo, target_snapshot);
  if (!options.select.empty()) config_.select = options.select;
  config_.ignore.insert(config_.ignore.end(), options.ignore.begin(), options.ignore.end());

  // The base: explicit, else configured, else the first default that exists.
  std::optional<ObjectId> base_tip;
  if (options.base || config_.base) {
    base_name_ = options.base ? *options.base : *config_.base;
    base_tip = repo.resolve_commit(base_name_);
    if (!base_tip)
      throw Error("unknown base revision `" + base_name_ + "`" + (options.base ? "" : " (from " + config_.source + ")"));
  } else {
    for (const auto& candidate : default_base_candidates())
      if ((base_tip = repo.resolve_commit(candidate))) {
        base_name_ = candidate;
        break;
      }
    if (!base_tip)
      notes_.push_back("no base branch found (tried develop, origin/develop, main, origin/main, master, "
                       "origin/master): running the checks that need no base; pass --base REF to compare");
  }
  std::optional<ObjectId> fork;
  if (base_tip && tip_) {
    const std::string shallow_hint = "`" + base_name_ + "` and the target share no commit in this shallow clone: fetch more history "
                                     "(`git fetch --unshallow`, or `fetch-depth: 0` in CI)";
    try {
      fork = repo.merge_base(*base_tip, *tip_);
    } catch (const Error&) {
      // A shallow clone cuts history off: libgit2 then fails to find a parent object.
      if (repo.is_shallow()) throw Error(shallow_hint);
      throw;
    }
    if (!fork) {
      if (repo.is_shallow()) throw Error(shallow_hint);
      throw Error("`" + base_name_ + "` and the target share no history: pass --base with a branch this one forked from");
    }
  } else if (base_tip && !tip_) {
    notes_.push_back("the repository has no commits yet: comparing with `" + base_name_ + "` is skipped");
    base_tip.reset();
  }

  if (options.memoise_audit && options.all && use_cache) {
    memo_key_ = audit_key(AuditInputs{&options, target_name_, &target_snapshot, base_name_, base_tip, fork, tip_});
    if ((memoised_ = ResultMemo(ResultMemo::dir_for(repo.common_dir())).find(*memo_key_))) return;
  }

  parser_ = std::make_unique<PythonParser>();
  if (use_cache && !store_) store_ = std::make_unique<FactsStore>(FactsStore::dir_for(repo.common_dir()));
  cache_ = std::make_unique<FactsCache>(repo, *parser_, store_.get());
  if (look_ahead) look_ahead->hand_to(*cache_);
  // An audit replays every migration for DJM501: their operations are
  // evaluated by the parse that reads their facts, not by a second one.
  if (store_ && options.all && models_selected()) {
    operations_ = std::make_unique<OperationsStore>(OperationsStore::dir_for(repo.common_dir()));
    cache_->keep_operations(operations_.get());
  }
  // A progress line for long runs, on a terminal only; cleared when done.
  const bool show_progress = isatty(STDERR_FILENO) == 1 && !std::getenv("CI");
  if (show_progress)
    cache_->on_parse = [](std::size_t n) {
      if (n % 250 == 0) std::fprintf(stderr, "\rhook-check: %zu migrations parsed", n);
    };
  std::optional<Snapshot> fork_snapshot, base_snapshot;
  if (base_tip && fork) {
    fork_snapshot = repo.commit_snapshot(*fork, "merge-base");
    // A branch whose base has not moved since it forked compares with one view, not two alike.
    if (*base_tip != *fork) base_snapshot = repo.commit_snapshot(*base_tip, base_name_);
    base_info_ = BaseInfo{base_name_, base_tip->hex(), fork->hex()};
  }
  // What the target changes over its merge-base, both ways: added, edited
  // and deleted paths. The merge-base's layout is the target's, patched there.
  std::set<std::string> fork_differs, base_differs;
  if (fork_snapshot) fork_differs = changed_since(target_snapshot, &*fork_snapshot, true);
  std::optional<ViewFocus> focus;
  if (options.focused && !options.all) {
    focus.emplace();
    if (fork_snapshot) {
      focus->paths = fork_differs;
    } else {
      Snapshot parent;
      std::optional<ObjectId> p = tip_;
      if (options.target == TargetKind::Commit && tip_) p = repo.first_parent(*tip_);
      if (p) parent = repo.commit_snapshot(*p, "parent");
      focus->paths = changed_since(target_snapshot, &parent, true);
    }
  }
  // A target with no change over its merge-base (an audit of develop itself)
  // has one view for both: a second one of 12,000 migrations is 17 MB.
  const bool fork_is_target = fork_snapshot && fork_differs.empty() && fork_snapshot->size() == target_snapshot.size();
  if (fork_is_target) fork_snapshot.reset();
  if (base_snapshot) base_differs = changed_since(*base_snapshot, fork_snapshot ? &*fork_snapshot : &target_snapshot, true);
  // The merge-base's layout, kept by its tree from an earlier run: the
  // target's is then patched from it, and the merge-base's is a copy.
  std::optional<LayoutMemo> layouts;
  std::optional<std::string> fork_layout_key;
  std::optional<ProjectLayout> fork_layout;
  if (use_cache && fork_snapshot)
    if (std::optional<ObjectId> tree = repo.tree_of(*fork)) {
      layouts.emplace(LayoutMemo::dir_for(repo.common_dir()));
      fork_layout_key = LayoutMemo::key_for(*tree, config_);
      fork_layout = layouts->find(*fork_layout_key);
    }
  const bool fork_layout_kept = fork_layout.has_value();
  // Snapshots move into the views; a second round takes them back (the
  // exclusions already applied to them are applied again, to no effect).
  // An audit's models are read beside the parse of its migrations: on a
  // thread with a repository handle of its own, from copies of the target's
  // snapshot and layout, so it shares nothing with this one.
  LayoutReady read_models_beside;
  if (options.all && models_selected())
    read_models_beside = [&](const ProjectView& view) {
      audit_version_ = detect_django_version(config_.django_version, view.snapshot,
                                             [&](const SnapshotFile& f) { return repo_->read(f); });
      std::optional<std::string> memo_dir;
      if (store_) memo_dir = ModelsMemo::dir_for(repo_->common_dir());
      declared_ = std::async(std::launch::async, [handle = repo_->another_handle(), snapshot = view.snapshot,
                                                  layout = view.layout, version = *audit_version_, memo_dir] {
        PythonParser parser;
        std::optional<ModelsMemo> memo;
        if (memo_dir) memo.emplace(*memo_dir);
        DeclaredModels out = extract_audit_models(snapshot, layout, handle, parser, version, memo ? &*memo : nullptr);
        malloc_trim(0);  // what the models modules' trees took, handed back
        return out;
      });
    };
  // Saved as soon as the target's parse ends, before the other views are
  // built: what the views parsed is kept even if the audit fails, and the
  // encodings (~15 MB cold at 12,000 migrations) are not held through the
  // audit's peak. The other views find the target's facts in memory.
  auto save_parsed = [&] {
    // What the parse evaluated, too: the replay reads it back shard by shard.
    // The two stores are written side by side, 512 files between them: on
    // one core, a sixth of a cold audit.
    std::future<void> operations_saved;
    if (operations_) operations_saved = std::async(std::launch::async, [this] { operations_->save_and_release(); });
    if (store_) store_->save_and_release();
    if (operations_saved.valid()) operations_saved.get();
    // The parser threads' arenas now hold nothing the run keeps.
    malloc_trim(0);
  };
  auto build = [&] {
    const ViewFocus* f = focus ? &*focus : nullptr;
    target_ = configured_view(std::move(target_snapshot), config_, *cache_, f, read_models_beside,
                              fork_layout ? SiblingLayout{&*fork_layout, &fork_differs} : SiblingLayout{});
    read_models_beside = nullptr;
    // Only the target is replayed; what an evaluation reads depends on its
    // snapshot's packages, so the other views' migrations are not evaluated.
    cache_->keep_operations(nullptr);
    if (options.all) save_parsed();
    if (fork_is_target) fork_ = target_;
    if (fork_snapshot) {
      // The kept layout is the merge-base's own: taken (a later round patches the target's).
      SiblingLayout like{&target_->layout, &fork_differs};
      if (fork_layout) like = SiblingLayout{nullptr, nullptr, &*fork_layout};
      fork_ = configured_view(std::move(*fork_snapshot), config_, *cache_, f, {}, like);
      fork_layout.reset();
    }
    base_ = base_snapshot ? std::shared_ptr<ProjectView>(configured_view(std::move(*base_snapshot), config_, *cache_, f, {},
                                                                         {&fork_->layout, &base_differs}))
                          : fork_;
  };
  auto take_back = [&] {
    target_snapshot = std::move(target_->snapshot);
    if (fork_snapshot) fork_snapshot = std::move(fork_->snapshot);
    if (base_snapshot) base_snapshot = std::move(base_->snapshot);
  };
  build();
  if (layouts && !fork_layout_kept) layouts->add(*fork_layout_key, fork_->layout);
  // The views' snapshots are the ones compared, less what the configuration excludes.
  if (fork_ && fork_ != target_)
    for (auto& path : fork_differs)
      if (!config_.excluded(path)) fork_differs_.insert(fork_differs_.end(), path);
  // The views of a run must hold the same apps (a rule looks a migration of
  // one up in another): build again with the apps any of them needed.
  for (int round = 0; focus && round < 3; ++round) {
    std::set<std::string> apps = target_->loaded_apps;
    for (const auto* v : {fork_.get(), base_.get()})
      if (v) apps.insert(v->loaded_apps.begin(), v->loaded_apps.end());
    // An app a snapshot does not have cannot be loaded there.
    auto holds_all = [&](const ProjectView* v) {
      return !v || std::all_of(apps.begin(), apps.end(), [&](const std::string& a) {
               return v->loaded_apps.count(a) || !v->layout.app(a) || v->layout.app(a)->id != a;
             });
    };
    if (holds_all(target_.get()) && holds_all(fork_.get()) && holds_all(base_.get())) break;
    focus->apps = std::move(apps);
    if (round == 2) focus.reset();  // not settling: whole views
    take_back();
    build();
  }
  if (show_progress && cache_->migrations_parsed() >= 250) std::fprintf(stderr, "\r\x1b[K");
  cache_->on_parse = nullptr;
  save_parsed();
  // An audit's replay is serial: the rules that do not need its models run
  // beside it, on the other core, from a context made before it starts.
  if (options.all && models_selected())
    findings_beside_replay_ = std::async(std::launch::async, [ctx = context(), settings = rule_settings()] {
      Findings findings;
      collect_findings(ctx, settings, RuleGroup::ReadingNoModels, findings);
      return findings;
    });
  read_models();
  if (store_) store_->save();
}

std::set<std::string> CheckSession::changed_paths() const {
  if (fork_) {
    std::set<std::string> out;  // added or changed: in the target
    for (const auto& path : fork_differs_)
      if (target_->snapshot.find(path)) out.insert(out.end(), path);
    return out;
  }
  std::optional<ObjectId> parent = tip_;
  if (options_.target == TargetKind::Commit && tip_) parent = repo_->first_parent(*tip_);
  Snapshot ref = parent ? repo_->commit_snapshot(*parent, "parent") : Snapshot{};
  return changed_since(target_->snapshot, &ref);
}

// DJM501 compares the target's models with the merge-base's (or, without a
// base, the parent commit's): read only when selected and a change can have
// touched a model.
bool CheckSession::models_selected() const {
  return rule_selected(std::string(ModelsChangedWithoutMigration::kInfo.code), config_.select, config_.ignore);
}

// The models thread's result, copied into this thread's heap: made there, it
// would pin that thread's arena, and the garbage around it, for the rest of
// the run (~9 MB resident at the audit's peak); the arena is handed back.
DeclaredModels CheckSession::declared_in_this_heap() {
  DeclaredModels copy;
  {
    DeclaredModels made = declared_.get();
    if (made.models) copy.models = std::make_unique<ProjectModels>(*made.models);
    copy.model_labels = made.model_labels;
  }
  malloc_trim(0);
  return copy;
}

void CheckSession::read_models() {
  if (!models_selected()) return;
  auto version = [&] {
    return detect_django_version(config_.django_version, target_->snapshot, [&](const SnapshotFile& f) { return repo_->read(f); });
  };
  if (options_.all) {
    // The audit: what every migration builds, against what the models say
    // (read beside the parse of the target's migrations).
    if (!declared_.valid()) throw std::logic_error("CheckSession: an audit's target was built without its models");
    std::optional<ReplayStatesStore> states;
    if (operations_) states.emplace(ReplayStatesStore::dir_for(repo_->common_dir()));
    AuditModels audit = read_audit_models(*target_, *repo_, *parser_, *audit_version_, declared_in_this_heap(), operations_.get(),
                                          states ? &*states : nullptr);
    if (operations_) operations_->save();
    if (states) states->save();
    models_before_ = std::move(audit.built);
    models_after_ = std::move(audit.declared);
    models_audit_ = true;
    return;
  }
  const ProjectView* before = fork_.get();
  if (!before) {
    std::optional<ObjectId> parent = tip_;
    if (options_.target == TargetKind::Commit && tip_) parent = repo_->first_parent(*tip_);
    if (!parent) return;
    reference_ = configured_view(repo_->commit_snapshot(*parent, "parent"), config_, *cache_);
    before = reference_.get();
  }
  if (!models_may_have_changed(fork_ ? changed_paths() : changed_since(target_->snapshot, &before->snapshot), target_->layout))
    return;
  // Only the apps the change can reach: the rest are the same on both sides.
  std::set<std::string> changed = fork_ ? fork_differs_ : changed_since(target_->snapshot, &before->snapshot, true);
  BlobTextCache texts(*repo_);
  std::set<std::string> apps = apps_models_may_change(*target_, texts, changed);
  for (const auto& app : apps_models_may_change(*before, texts, changed)) apps.insert(app);
  models_after_ = read_project_models(*target_, texts, *parser_, version(), &apps);
  // The project's patches to the autodetector are read once, from the target.
  models_before_ = read_project_models(*before, texts, *parser_, models_after_->version, &apps, false);
}

CheckSession::~CheckSession() = default;

void CheckSession::require_views() const {
  if (memoised_) throw std::logic_error("CheckSession: an audit answered by the results memo has no views");
}

CheckContext CheckSession::context() const {
  require_views();
  CheckContext ctx{*target_, fork_.get(), base_.get(), base_name_, options_.all, {}};
  // Without a base, the change is what the target adds over the commit it stands on.
  if (!options_.all) ctx.changed_paths = reference_ ? changed_since(target_->snapshot, &reference_->snapshot) : changed_paths();
  ctx.models_before = models_before_.get();
  ctx.models_after = models_after_.get();
  ctx.models_audit = models_audit_;
  return ctx;
}

Config CheckSession::rule_settings() const {
  Config settings = config_;
  // A model change may go in before its migration, a commit apart: the team decides at the commit stage.
  const std::string outdated(ModelsChangedWithoutMigration::kInfo.code);
  if (options_.target == TargetKind::Staged && config_.outdated_on_commit && !config_.severity.count(outdated))
    settings.severity[outdated] = *config_.outdated_on_commit;
  return settings;
}

CheckResult CheckSession::run() const {
  if (memoised_) return *memoised_;
  CheckResult result;
  result.base = base_info_;
  result.target = target_name_;
  result.notes = notes_;
  CheckContext ctx = context();
  for (const auto& [path, m] : target_->migrations)
    if (ctx.in_scope(path)) ++result.files_checked;
  Config settings = rule_settings();
  if (findings_beside_replay_.valid()) {
    Findings findings = findings_beside_replay_.get();
    collect_findings(ctx, settings, RuleGroup::ReadingModels, findings);
    result.diagnostics = finish_findings(ctx, settings, std::move(findings));
  } else {
    result.diagnostics = run_rules(ctx, settings);
  }
  if (!options_.verbose)
    std::erase_if(result.diagnostics, [](const Diagnostic& d) { return d.verbose_only; });
  result.migrations_parsed = cache_->migrations_parsed();
  if (memo_key_) ResultMemo(ResultMemo::dir_for(repo_->common_dir())).add(*memo_key_, result);
  return result;
}

CheckResult run_check(const CheckOptions& options, std::unique_ptr<Repository> repository) {
  CheckOptions focused = options;
  focused.focused = true;
  focused.memoise_audit = true;
  auto session = std::make_unique<CheckSession>(focused, std::move(repository));
  CheckResult result = session->run();
  if (options.exits_after) {
    // Still reachable, so leak checkers stay quiet; the pre-push hook checks
    // a few tips, and keeps a session per tip.
    static std::vector<std::unique_ptr<CheckSession>>* kept = new std::vector<std::unique_ptr<CheckSession>>;
    kept->push_back(std::move(session));
  }
  return result;
}

}  // namespace hc
