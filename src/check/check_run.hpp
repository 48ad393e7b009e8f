// A whole check: resolve the base and target, build the views, run the
// selected rules, apply suppressions, and return findings as values.
#pragma once
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "check/models_view.hpp"
#include "config/config.hpp"
#include "models/model_state.hpp"
#include "core/diagnostic.hpp"
#include "core/object_id.hpp"
#include "rules/rule.hpp"

namespace hc {

enum class TargetKind { Worktree, Staged, Commit };

struct CheckOptions {
  std::string repo = ".";
  std::optional<std::string> base;  // explicit --base
  TargetKind target = TargetKind::Worktree;
  std::string commit;               // with TargetKind::Commit
  bool all = false;
  std::vector<std::string> select;  // codes or prefixes; empty = all
  std::vector<std::string> ignore;
  bool verbose = false;  // keep "could not tell" notes
  // The facts cache under the git dir (off with --no-cache or HOOK_CHECK_NO_CACHE=1).
  bool cache = true;
  // Views hold only what the findings on changed paths need (run_check's
  // choice; commands that show whole graphs keep whole views).
  bool focused = false;
  // The process ends after this check (the hooks, the CLI): run_check keeps
  // the session instead of tearing down ~10^5 allocations the exit frees
  // anyway (clang's -disable-free, for the same reason).
  bool exits_after = false;
  // A whole audit (`all`) is answered from, and kept in, the results memo
  // (check/result_memo.hpp): run_check's choice, as the session then holds
  // no views for other uses.
  bool memoise_audit = false;
};

struct BaseInfo {
  std::string ref;
  std::string commit;
  std::string merge_base;
};

struct CheckResult {
  std::optional<BaseInfo> base;
  std::string target;  // "worktree", "staged", or the commit's sha
  std::vector<Diagnostic> diagnostics;
  std::vector<std::string> notes;  // one-line remarks for stderr
  std::size_t files_checked = 0;
  std::size_t migrations_parsed = 0;

  int errors() const;
  int warnings() const;
};

class Repository;
class PythonParser;
class FactsCache;
class FactsStore;
class OperationsStore;
struct ProjectView;
struct CheckContext;

// One run's repository, configuration and views (target, merge-base, base
// tip), for the check and for the commands that show or fix what it finds.
// Throws hc::Error for what ends the run with exit 2.
class CheckSession {
 public:
  explicit CheckSession(const CheckOptions& options);
  // With the repository a caller already opened (what libgit2 read stays read).
  CheckSession(const CheckOptions& options, std::unique_ptr<Repository> repository);
  ~CheckSession();
  CheckResult run() const;
  CheckContext context() const;

  const Repository& repository() const { return *repo_; }
  const Config& config() const { return config_; }
  // The views; a session answered by the results memo has none (memoise_audit).
  const ProjectView& target() const { return (require_views(), *target_); }
  const ProjectView* merge_base() const { return (require_views(), fork_.get()); }
  const ProjectView* base() const { return (require_views(), base_.get()); }
  const std::string& base_name() const { return base_name_; }
  const std::optional<BaseInfo>& base_info() const { return base_info_; }
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  CheckOptions options_;
  std::unique_ptr<Repository> repo_;
  std::unique_ptr<PythonParser> parser_;
  std::unique_ptr<FactsStore> store_;
  std::unique_ptr<FactsCache> cache_;
  std::unique_ptr<OperationsStore> operations_;  // an audit's operations memo
  Config config_;
  std::string target_name_;
  std::string base_name_;
  std::optional<ObjectId> tip_;
  std::shared_ptr<ProjectView> target_, fork_, base_;  // base_ is fork_ when the base has not moved
  std::optional<BaseInfo> base_info_;
  std::vector<std::string> notes_;
  std::unique_ptr<ProjectView> reference_;  // the parent commit, when no base is known
  std::unique_ptr<ProjectModels> models_before_, models_after_;
  // An audit's declared models, read on a thread of their own while the
  // migrations are parsed (the version they were read for beside them).
  std::optional<DjangoVersion> audit_version_;
  std::future<DeclaredModels> declared_;
  DeclaredModels declared_in_this_heap();
  bool models_audit_ = false;
  // With memoise_audit: the memo's answer (then no view is built), or the
  // key run() files its result under.
  std::optional<CheckResult> memoised_;
  std::optional<ObjectId> memo_key_;
  // The paths the target's view adds, changes or drops over the merge-base's
  // (found once: a walk over both snapshots is 14,000 comparisons).
  std::set<std::string> fork_differs_;
  std::set<std::string> changed_paths() const;
  void read_models();
  bool models_selected() const;  // DJM501
  void require_views() const;
  Config rule_settings() const;
  // An audit's rules that read no models, run while the replay builds them
  // (last: destroyed first, it waits for the thread, which reads the views).
  mutable std::future<Findings> findings_beside_replay_;
};

CheckResult run_check(const CheckOptions& options, std::unique_ptr<Repository> repository = nullptr);

class Repository;
class Snapshot;
class FactsCache;
struct ProjectView;
// The configuration a snapshot carries (its pyproject.toml), defaults without one.
Config read_config(const Repository& repo, const Snapshot& snapshot);
// A view of `snapshot` as the configuration asks: excluded paths dropped, app labels overridden.
// `sibling`: a layout of a snapshot that differs from this one at known paths (patched, not found again).
struct ViewFocus;
struct SiblingLayout;
std::unique_ptr<ProjectView> configured_view(Snapshot snapshot, const Config& config, FactsCache& cache,
                                             const ViewFocus* focus = nullptr,
                                             const std::function<void(const ProjectView&)>& layout_ready = {},
                                             const SiblingLayout& sibling = {});

// The names tried, in order, when no base is given.
const std::vector<std::string>& default_base_candidates();

struct CheckContext;
// Runs the rules `settings` selects on a context and returns their findings,
// with suppression comments and configured severities applied, in reading
// order. Comments that silenced nothing in scope become DJM002 notes.
std::vector<Diagnostic> run_rules(const CheckContext& ctx, const Config& settings);
// run_rules in two steps: the selected rules of one group report into
// `findings` (an audit runs those that read no models beside the replay),
// then the findings are finished as run_rules returns them.
enum class RuleGroup { All, ReadingNoModels, ReadingModels };
void collect_findings(const CheckContext& ctx, const Config& settings, RuleGroup group, Findings& findings);
std::vector<Diagnostic> finish_findings(const CheckContext& ctx, const Config& settings, Findings findings);

// Whether `code` is selected by `select`/`ignore` (each a list of codes or prefixes).
bool rule_selected(const std::string& code, const std::vector<std::string>& select, const std::vector<std::string>& ignore);

}  // namespace hc
