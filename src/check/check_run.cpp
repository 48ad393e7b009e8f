#include "check/check_run.hpp"

#include <algorithm>

#include "check/project_view.hpp"
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

std::set<std::string> changed_since(const Snapshot& target, const Snapshot* reference) {
  std::set<std::string> out;
  for (const auto& [path, file] : target.files) {
    const SnapshotFile* before = reference ? reference->find(path) : nullptr;
    if (!before || before->id != file.id) out.insert(path);
  }
  return out;
}

// Drops what the configuration excludes, so excluded files are invisible to every rule.
Snapshot without_excluded(Snapshot snap, const Config& config) {
  if (config.exclude.empty()) return snap;
  for (auto it = snap.files.begin(); it != snap.files.end();)
    it = config.excluded(it->first) ? snap.files.erase(it) : std::next(it);
  return snap;
}

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

std::vector<Diagnostic> run_rules(const CheckContext& ctx, const Config& settings) {
  Findings findings;
  for (const auto& rule : rule_registry())
    if (rule_selected(std::string(rule->info().code), settings.select, settings.ignore)) rule->check(ctx, findings);

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

std::unique_ptr<ProjectView> configured_view(Snapshot snapshot, const Config& config, FactsCache& cache) {
  return build_project_view(without_excluded(std::move(snapshot), config), cache, config.app_labels);
}

CheckResult run_check(const CheckOptions& options) {
  for (const auto* list : {&options.select, &options.ignore})
    for (const auto& code : *list) {
      if (!is_known_code_or_prefix(code)) throw Error("unknown rule code or prefix `" + code + "` (see `hook-check rules`)");
    }

  Repository repo = Repository::open(options.repo);
  CheckResult result;

  // The target, and the commit its branch stands on.
  std::optional<ObjectId> tip;
  if (options.target == TargetKind::Commit) {
    tip = repo.resolve_commit(options.commit);
    if (!tip) throw Error("unknown revision `" + options.commit + "`");
    result.target = tip->hex();
  } else {
    tip = repo.head_commit();
    result.target = options.target == TargetKind::Staged ? "staged" : "worktree";
  }

  Snapshot target_snapshot = options.target == TargetKind::Commit   ? repo.commit_snapshot(*tip, result.target)
                             : options.target == TargetKind::Staged ? repo.index_snapshot()
                                                                    : repo.worktree_snapshot();
  // The configuration is the target's own: a branch may change it.
  Config config = read_config(repo, target_snapshot);
  if (!options.select.empty()) config.select = options.select;
  config.ignore.insert(config.ignore.end(), options.ignore.begin(), options.ignore.end());

  // The base: explicit, else configured, else the first default that exists.
  std::string base_name;
  std::optional<ObjectId> base_tip;
  if (options.base || config.base) {
    base_name = options.base ? *options.base : *config.base;
    base_tip = repo.resolve_commit(base_name);
    if (!base_tip)
      throw Error("unknown base revision `" + base_name + "`" + (options.base ? "" : " (from " + config.source + ")"));
  } else {
    for (const auto& candidate : default_base_candidates())
      if ((base_tip = repo.resolve_commit(candidate))) {
        base_name = candidate;
        break;
      }
    if (!base_tip)
      result.notes.push_back("no base branch found (tried develop, origin/develop, main, origin/main, master, "
                             "origin/master): running the checks that need no base; pass --base REF to compare");
  }
  std::optional<ObjectId> fork;
  if (base_tip && tip) {
    const std::string shallow_hint = "`" + base_name + "` and the target share no commit in this shallow clone: fetch more history "
                                     "(`git fetch --unshallow`, or `fetch-depth: 0` in CI)";
    try {
      fork = repo.merge_base(*base_tip, *tip);
    } catch (const Error&) {
      // A shallow clone cuts history off: libgit2 then fails to find a parent object.
      if (repo.is_shallow()) throw Error(shallow_hint);
      throw;
    }
    if (!fork) {
      if (repo.is_shallow())
        throw Error(shallow_hint);
      throw Error("`" + base_name + "` and the target share no history: pass --base with a branch this one forked from");
    }
  } else if (base_tip && !tip) {
    result.notes.push_back("the repository has no commits yet: comparing with `" + base_name + "` is skipped");
    base_tip.reset();
  }

  PythonParser parser;
  FactsCache cache(repo, parser);
  auto target = configured_view(std::move(target_snapshot), config, cache);
  std::unique_ptr<ProjectView> base_view, fork_view;
  if (base_tip && fork) {
    fork_view = configured_view(repo.commit_snapshot(*fork, "merge-base"), config, cache);
    base_view = configured_view(repo.commit_snapshot(*base_tip, base_name), config, cache);
    result.base = BaseInfo{base_name, base_tip->hex(), fork->hex()};
  }

  CheckContext ctx{*target, fork_view.get(), base_view.get(), base_name, options.all, {}};
  if (!options.all) {
    // Without a base, the change is what the target adds over the commit it stands on.
    if (fork_view) {
      ctx.changed_paths = changed_since(target->snapshot, &fork_view->snapshot);
    } else {
      std::optional<ObjectId> parent = tip;
      if (options.target == TargetKind::Commit && tip) parent = repo.first_parent(*tip);
      Snapshot ref = parent ? repo.commit_snapshot(*parent, "parent") : Snapshot{};
      ctx.changed_paths = changed_since(target->snapshot, &ref);
    }
  }
  for (const auto& [path, m] : target->migrations)
    if (ctx.in_scope(path)) ++result.files_checked;

  result.diagnostics = run_rules(ctx, config);
  result.migrations_parsed = cache.migrations_parsed();
  return result;
}

}  // namespace hc
