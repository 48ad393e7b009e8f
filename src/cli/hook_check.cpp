// `hook-check`: the command-line front end. Parses options, calls the
// library, prints; no checking logic lives here.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "check/check_run.hpp"
#include "check/project_view.hpp"
#include "config/config.hpp"
#include "fix/file_writer.hpp"
#include "fix/merge_migration.hpp"
#include "fix/rebase_migrations.hpp"
#include "git/repository.hpp"
#include "python/syntax_tree.hpp"
#include "cli/commands.hpp"
#include "cli/demo.hpp"
#include "cli/guarded.hpp"
#include "core/error.hpp"
#include "git/hook_installer.hpp"
#include "report/ci_reports.hpp"
#include "report/graph_reports.hpp"
#include "report/review_report.hpp"
#include "report/json_report.hpp"
#include "report/text_report.hpp"
#include "rules/registry.hpp"

namespace hc {
namespace {

std::vector<std::string> split_codes(const std::vector<std::string>& raw) {
  std::vector<std::string> out;
  for (const auto& item : raw) {
    std::size_t start = 0;
    while (start <= item.size()) {
      std::size_t end = item.find(',', start);
      std::string code = item.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (!code.empty()) out.push_back(code);
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  return out;
}

int print_result(const CheckResult& result, const std::string& format, std::ostream& out, int fd) {
  for (const auto& note : result.notes) std::cerr << "hook-check: " << note << '\n';
  if (format == "json")
    out << json_report(result).dump(2) << '\n';
  else if (format == "sarif")
    out << sarif_report(result).dump(2) << '\n';
  else if (format == "github")
    write_github_report(result, out);
  else if (format == "junit")
    write_junit_report(result, out);
  else
    write_text_report(result, out, want_colour(fd));
  return result.errors() > 0 ? 1 : 0;
}

std::string executable_dir() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : self.parent_path().string();
}

// --repo, --base and the target: what every command that reads a branch takes.
struct TargetFlags {
  std::string repo = ".";
  std::string base;
  bool staged = false;
  bool worktree = false;
  std::string commit;
  std::string format = "text";
  bool no_cache = false;

  void add_to(CLI::App& app, std::vector<std::string> formats = {"text", "json"}) {
    app.add_option("--repo", repo, "repository (any folder inside it)");
    app.add_option("--base", base, "base revision (default: develop, origin/develop, main, ...)");
    auto* s = app.add_flag("--staged", staged, "the index (what `git commit` would record)");
    auto* c = app.add_option("--commit", commit, "a commit");
    auto* w = app.add_flag("--worktree", worktree, "the working tree (default)");
    s->excludes(c)->excludes(w);
    c->excludes(w);
    app.add_option("--format", format, "output format")->check(CLI::IsMember(formats));
    app.add_flag("--no-cache", no_cache, "parse every migration again: neither read nor write the facts cache under .git/");
  }
  CheckOptions options() const {
    CheckOptions o;
    o.repo = repo;
    o.cache = !no_cache;
    if (!base.empty()) o.base = base;
    if (staged) o.target = TargetKind::Staged;
    if (!commit.empty()) {
      o.target = TargetKind::Commit;
      o.commit = commit;
    }
    return o;
  }
};

struct CheckFlags : TargetFlags {
  bool all = false;
  bool verbose = false;
  std::vector<std::string> select, ignore;

  void add_to(CLI::App& app) {
    TargetFlags::add_to(app, {"text", "json", "sarif", "github", "junit"});
    app.add_flag("--all", all, "audit every migration, not only what the target changes");
    app.add_option("--select", select, "only these rule codes or prefixes (comma-separated)");
    app.add_option("--ignore", ignore, "skip these rule codes or prefixes (comma-separated)");
    app.add_flag("-v,--verbose", verbose, "also say where hook-check could not tell (notes)");
  }
  CheckOptions options() const {
    CheckOptions o = TargetFlags::options();
    o.all = all;
    o.select = split_codes(select);
    o.ignore = split_codes(ignore);
    o.verbose = verbose;
    return o;
  }
};

int run_graph_command(const TargetFlags& flags, bool plan, const std::string& dot_app) {
  CheckSession session(flags.options());
  for (const auto& note : session.notes()) std::cerr << "hook-check: " << note << '\n';
  GraphReportInput in{session.target(), session.merge_base(), session.base(), session.base_name()};
  if (!dot_app.empty())
    write_dot(in, dot_app, std::cout);
  else if (plan)
    flags.format == "json" ? void(std::cout << plan_json(in).dump(2) << '\n') : write_plan_text(in, std::cout);
  else
    flags.format == "json" ? void(std::cout << show_json(in).dump(2) << '\n') : write_show_text(in, std::cout);
  return 0;
}

int run_rebase_command(const TargetFlags& flags, const std::string& app) {
  CheckSession session(flags.options());
  for (const auto& note : session.notes()) std::cerr << "hook-check: " << note << '\n';
  if (!session.base() || !session.merge_base())
    throw Error("rebase needs a base branch to renumber after: pass --base REF");
  RebasePlan plan = plan_rebase(session.target(), *session.merge_base(), *session.base(), session.base_name(), app,
                                session.repository());
  apply_rebase(plan, session.repository().workdir());
  std::cout << "Renumbered " << app << "'s migrations to follow `" << plan.onto << "` on `" << session.base_name() << "`:\n";
  for (const auto& [old_name, new_name] : plan.names) std::cout << "  " << old_name << " -> " << new_name << '\n';
  for (const auto& r : plan.rewrites)
    std::cout << (r.new_path == r.path ? "  edited  " : "  renamed ") << r.path
              << (r.new_path == r.path ? std::string() : " -> " + r.new_path) << '\n';
  std::cout << "Review the changes, then stage them.\n";
  return 0;
}

int run_review_command(const TargetFlags& flags, const std::string& format) {
  CheckOptions o = flags.options();
  CheckSession session(o);
  for (const auto& note : session.notes()) std::cerr << "hook-check: " << note << '\n';
  CheckResult result = session.run();
  GraphReportInput in{session.target(), session.merge_base(), session.base(), session.base_name()};
  if (format == "json")
    std::cout << review_json(result, in).dump(2) << '\n';
  else
    write_review_markdown(result, in, std::cout);
  return 0;
}

int run_rules_command() {
  for (const auto& rule : rule_registry()) {
    const auto& i = rule->info();
    std::cout << i.code << "  " << i.name;
    for (std::size_t pad = i.name.size(); pad < 34; ++pad) std::cout << ' ';
    std::cout << to_string(i.severity) << (i.severity == Severity::Error ? "    " : "  ") << i.summary << '\n';
  }
  return 0;
}

int run_explain_command(const std::string& code) {
  const Rule* rule = find_rule(code);
  if (!rule) throw Error("unknown rule `" + code + "` (see `hook-check rules`)");
  auto doc = rule_doc(rule->info().code);
  if (!doc) throw Error("rule " + std::string(rule->info().code) + " has no documentation page");
  std::cout << *doc;
  if (!doc->empty() && doc->back() != '\n') std::cout << '\n';
  return 0;
}

int run_install_command(const std::string& repo_path, bool chain) {
  Repository repo = Repository::open(repo_path);
  auto outcomes = install_hooks(repo, chain ? ForeignHookPolicy::Chain : ForeignHookPolicy::Refuse, executable_dir());
  for (const auto& o : outcomes) std::cout << o.hook << ": " << o.action << " at " << o.path << '\n';
  return 0;
}

int run_merge_command(const std::string& repo_path, const std::string& app) {
  Repository repo = Repository::open(repo_path);
  PythonParser parser;
  FactsCache cache(repo, parser);
  Snapshot worktree = repo.worktree_snapshot();
  Config config = read_config(repo, worktree);
  auto view = configured_view(std::move(worktree), config, cache);
  std::time_t now = std::time(nullptr);
  char stamp[32], human[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d_%H%M", std::localtime(&now));
  std::strftime(human, sizeof human, "%Y-%m-%d %H:%M", std::localtime(&now));
  auto merge = plan_merge_migration(*view, app, stamp, human);
  if (!merge) {
    std::cout << "No conflicts detected to merge: app `" << app << "` has one leaf migration.\n";
    return 0;
  }
  create_file_atomically(repo.workdir() + merge->path, merge->source);
  std::cout << "Wrote " << merge->path << ", merging";
  for (const auto& leaf : merge->leaves) std::cout << ' ' << leaf.name;
  std::cout << ".\nReview it, test the migrations on a copy of the database, then `git add` it.\n";
  return 0;
}

int run_demo_command(std::string dir) {
  if (dir.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "hook-check-demo-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw Error("cannot create a temporary directory for the demo");
    dir = pattern;
  }
  build_demo_repository(dir);
  std::cout << "A demo repository is at " << dir << ":\n"
            << "  develop           added shop/migrations/0002_order_discount.py\n"
            << "  feature/backfill  (checked out) added shop/migrations/0002_backfill_totals.py,\n"
            << "                    with a RunPython that cannot be reversed\n\n"
            << "$ hook-check check --repo " << dir << "\n";
  CheckOptions o;
  o.repo = dir;
  CheckResult result = run_check(o);
  int status = print_result(result, "text", std::cout, STDOUT_FILENO);
  std::cout << "\n(exit status " << status << ": the commit would be stopped. Try `cd " << dir
            << " && hook-check install`, or `hook-check explain DJM102`.)\n";
  return 0;
}

}  // namespace

int hook_check_main(int argc, char** argv) {
  return guarded([&]() -> int {
    // `hook-check [check] [options]`: with no subcommand, `check` is meant.
    static const std::set<std::string> subcommands = {"check", "install", "rules", "explain", "demo", "merge", "rebase", "plan", "show", "review", "help"};
    std::vector<std::string> args(argv + 1, argv + argc);
    bool top_level_flag = !args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "--version");
    if (!top_level_flag && (args.empty() || !subcommands.count(args[0]))) args.insert(args.begin(), "check");
    if (args[0] == "help") args[0] = "--help";

    CLI::App app{"hook-check: enforce the Django migration protocol before a change leaves your machine"};
    app.set_version_flag("--version", std::string("hook-check ") + HOOK_CHECK_VERSION);
    app.require_subcommand(1);

    CheckFlags check_flags;
    auto* check = app.add_subcommand("check", "check migrations (the default)");
    check_flags.add_to(*check);

    std::string install_repo = ".";
    bool chain = false;
    auto* install = app.add_subcommand("install", "install the pre-commit and pre-push hooks into a repository");
    install->add_option("--repo", install_repo, "repository (any folder inside it)");
    install->add_flag("--chain", chain, "keep an existing foreign hook and run it first");

    auto* rules = app.add_subcommand("rules", "list the rules");
    std::string code;
    auto* explain = app.add_subcommand("explain", "print a rule's documentation");
    explain->add_option("CODE", code, "rule code or name")->required();
    TargetFlags plan_flags, show_flags;
    auto* plan = app.add_subcommand("plan", "the migrations the target adds over the base, in the order Django applies them");
    plan_flags.add_to(*plan);
    auto* show = app.add_subcommand("show", "each app's migration graph, leaves and squashes, like showmigrations");
    show_flags.add_to(*show);
    std::string dot_app;
    show->add_option("--dot", dot_app, "draw APP's graph as Graphviz (base's and branch's migrations told apart)");
    TargetFlags rebase_flags;
    std::string rebase_app;
    auto* rebase = app.add_subcommand("rebase", "renumber the branch's new migrations of APP after the base's latest");
    rebase->add_option("APP", rebase_app, "app label")->required();
    rebase->add_option("--repo", rebase_flags.repo, "repository (any folder inside it)");
    rebase->add_option("--base", rebase_flags.base, "base revision (default: develop, origin/develop, main, ...)");
    TargetFlags review_flags;
    std::string review_format = "markdown";
    auto* review = app.add_subcommand("review", "the protocol's review checklist for each migration the branch adds (Markdown)");
    review->add_option("--repo", review_flags.repo, "repository (any folder inside it)");
    review->add_option("--base", review_flags.base, "base revision (default: develop, origin/develop, main, ...)");
    review->add_option("--commit", review_flags.commit, "review a commit (default: the working tree)");
    review->add_option("--format", review_format, "output format")->check(CLI::IsMember({"markdown", "json"}));
    std::string merge_app, merge_repo = ".";
    auto* merge = app.add_subcommand("merge", "write a merge migration for an app with several leaves");
    merge->add_option("APP", merge_app, "app label")->required();
    merge->add_option("--repo", merge_repo, "repository (any folder inside it)");
    std::string demo_dir;
    auto* demo = app.add_subcommand("demo", "build a conflicting demo repository and check it");
    demo->add_option("DIR", demo_dir, "where to build it (default: a new temporary folder)");

    std::vector<const char*> cargv{argv[0]};
    for (const auto& a : args) cargv.push_back(a.c_str());
    try {
      app.parse(static_cast<int>(cargv.size()), cargv.data());
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      std::cerr << "hook-check: " << e.what() << " (see `hook-check --help`)\n";
      return 2;
    }

    if (check->parsed()) {
      CheckOptions options = check_flags.options();
      options.exits_after = true;
      CheckResult result = run_check(options);
      return print_result(result, check_flags.format, std::cout, STDOUT_FILENO);
    }
    if (install->parsed()) return run_install_command(install_repo, chain);
    if (rules->parsed()) return run_rules_command();
    if (explain->parsed()) return run_explain_command(code);
    if (demo->parsed()) return run_demo_command(demo_dir);
    if (merge->parsed()) return run_merge_command(merge_repo, merge_app);
    if (plan->parsed()) return run_graph_command(plan_flags, true, "");
    if (rebase->parsed()) return run_rebase_command(rebase_flags, rebase_app);
    if (review->parsed()) return run_review_command(review_flags, review_format);
    if (show->parsed()) return run_graph_command(show_flags, false, dot_app);
    return 2;
  });
}

}  // namespace hc
