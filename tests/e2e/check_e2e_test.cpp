// End to end: real git repositories, the real hook-check and hook executables
// run as processes; exact codes, paths, positions and exit statuses.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace hc::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kHookCheck = HOOK_CHECK_BIN;
const std::string kPreCommit = HOOK_CHECK_PRE_COMMIT_BIN;
const std::string kPrePush = HOOK_CHECK_PRE_PUSH_BIN;

const std::string kRunPythonNoReverse = "        migrations.RunPython(forwards),\n";

std::string data_migration(const std::vector<std::pair<std::string, std::string>>& deps) {
  return "from django.db import migrations\n\n\ndef forwards(apps, schema_editor):\n    pass\n\n\n" +
         migration_source(deps, kRunPythonNoReverse).substr(std::string("from django.db import migrations, models\n\n\n").size());
}

// develop: shop 0001, 0002; the branch `feature` forks there.
class CheckRepo : public ::testing::Test {
 protected:
  void SetUp() override {
    repo = std::make_unique<GitRepo>(tmp.path() + "/project");
    repo->write_app("shop", {{"0001_initial", migration_source({})},
                             {"0002_order_total", migration_source({{"shop", "0001_initial"}})}});
    repo->write("billing/__init__.py", "");
    repo->write("billing/migrations/__init__.py", "");
    repo->write("billing/migrations/0001_initial.py", migration_source({{"shop", "0001_initial"}}));
    repo->write("README.md", "demo\n");
    repo->commit_all("initial");
    repo->git({"checkout", "-q", "-b", "feature"});
  }

  ProcessResult check(std::vector<std::string> args) const {
    args.insert(args.begin(), kHookCheck);
    return run_process(args, repo->dir());
  }

  json check_json(std::vector<std::string> args, int expected_status) const {
    args.push_back("--format");
    args.push_back("json");
    ProcessResult r = check(args);
    EXPECT_EQ(r.status, expected_status) << r.out << r.err;
    return json::parse(r.out);
  }

  // develop gains shop/0003_discount after the fork.
  void develop_adds_discount() const {
    repo->git({"checkout", "-q", "develop"});
    repo->write("shop/migrations/0003_discount.py", migration_source({{"shop", "0002_order_total"}}));
    repo->commit_all("develop: discount");
    repo->git({"checkout", "-q", "feature"});
  }

  TempDir tmp;
  std::unique_ptr<GitRepo> repo;
};

TEST_F(CheckRepo, BaseDivergedIsReportedAtCommitTimeNamingTheBaseFile) {
  develop_adds_discount();
  repo->write("shop/migrations/0003_backfill.py", migration_source({{"shop", "0002_order_total"}}));
  repo->git({"add", "-A"});

  json j = check_json({"--staged"}, 1);
  ASSERT_EQ(j["diagnostics"].size(), 1u) << j.dump(2);
  const json& d = j["diagnostics"][0];
  EXPECT_EQ(d["code"], "DJM102");
  EXPECT_EQ(d["rule"], "base-diverged");
  EXPECT_EQ(d["severity"], "error");
  EXPECT_EQ(d["path"], "shop/migrations/0003_backfill.py");
  EXPECT_EQ(d["line"], 6);
  EXPECT_EQ(d["column"], 9);
  EXPECT_NE(d["message"].get<std::string>().find("shop/migrations/0003_discount.py"), std::string::npos);
  EXPECT_EQ(j["base"]["ref"], "develop");
  EXPECT_EQ(j["target"], "staged");

  ProcessResult hook = run_process({kPreCommit}, repo->dir());
  EXPECT_EQ(hook.status, 1);
  EXPECT_NE(hook.err.find("shop/migrations/0003_backfill.py:6:9: error:"), std::string::npos) << hook.err;
  EXPECT_NE(hook.err.find("[DJM102]"), std::string::npos);
  EXPECT_NE(hook.err.find("help:"), std::string::npos);
}

TEST_F(CheckRepo, FactsCacheLivesUnderTheGitDirAndChangesNoFinding) {
  develop_adds_discount();
  repo->write("shop/migrations/0003_backfill.py", data_migration({{"shop", "0002_order_total"}}));
  repo->git({"add", "-A"});
  const fs::path cache = fs::path(repo->dir()) / ".git" / "hook-check";

  ProcessResult uncached = check({"--staged", "--no-cache", "--format", "json"});
  EXPECT_FALSE(fs::exists(cache));
  ProcessResult cold = check({"--staged", "--format", "json"});
  EXPECT_TRUE(fs::is_directory(cache));
  ProcessResult warm = check({"--staged", "--format", "json"});
  EXPECT_EQ(cold.status, 1);
  EXPECT_EQ(cold.out, uncached.out);
  EXPECT_EQ(warm.out, uncached.out);
  EXPECT_EQ(warm.status, uncached.status);
  // The cache is invisible to git: the working tree stays clean of it.
  EXPECT_EQ(repo->git({"status", "--porcelain", "--untracked-files=all"}), "A  shop/migrations/0003_backfill.py\n");
  ProcessResult env_off = run_process({kHookCheck, "--staged", "--format", "json"}, repo->dir(), "", {{"HOOK_CHECK_NO_CACHE", "1"}});
  EXPECT_EQ(env_off.out, uncached.out);
}

TEST_F(CheckRepo, RebasedBranchIsClean) {
  develop_adds_discount();
  repo->git({"rebase", "-q", "develop"});
  repo->write("shop/migrations/0004_backfill.py", migration_source({{"shop", "0003_discount"}}));
  repo->git({"add", "-A"});
  ProcessResult r = check({"--staged"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(run_process({kPreCommit}, repo->dir()).status, 0);
}

TEST_F(CheckRepo, CleanChangeHasNoOutput) {
  repo->write("shop/migrations/0003_backfill.py", migration_source({{"shop", "0002_order_total"}}));
  repo->git({"add", "-A"});
  ProcessResult r = check({"--staged"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
}

TEST_F(CheckRepo, DivergenceInAnotherAppIsNoConflict) {
  develop_adds_discount();
  repo->write("billing/migrations/0002_invoice.py", migration_source({{"billing", "0001_initial"}}));
  repo->git({"add", "-A"});
  EXPECT_EQ(check({"--staged"}).status, 0);
}

TEST_F(CheckRepo, StagedIgnoresUnstagedAndWorktreeSeesUntracked) {
  repo->write("shop/migrations/0003_backfill.py", data_migration({{"shop", "0002_order_total"}}));
  // Untracked: the worktree target sees it, the staged target does not.
  EXPECT_EQ(check({"--staged"}).status, 0);
  json j = check_json({}, 1);
  ASSERT_EQ(j["diagnostics"].size(), 1u);
  EXPECT_EQ(j["diagnostics"][0]["code"], "DJM201");
  EXPECT_EQ(j["diagnostics"][0]["line"], 14);
  EXPECT_EQ(j["diagnostics"][0]["column"], 9);
  EXPECT_EQ(j["target"], "worktree");
}

TEST_F(CheckRepo, MultipleLeavesInTheTarget) {
  repo->write("shop/migrations/0003_a.py", migration_source({{"shop", "0002_order_total"}}));
  repo->write("shop/migrations/0003_b.py", migration_source({{"shop", "0002_order_total"}}));
  repo->git({"add", "-A"});
  json j = check_json({"--staged", "--select", "DJM101"}, 1);
  ASSERT_EQ(j["diagnostics"].size(), 2u) << j.dump(2);
  EXPECT_EQ(j["diagnostics"][0]["path"], "shop/migrations/0003_a.py");
  EXPECT_EQ(j["diagnostics"][1]["path"], "shop/migrations/0003_b.py");
  EXPECT_EQ(j["diagnostics"][0]["line"], 1);
  // Merging them removes the conflict, as makemigrations --merge would.
  repo->write("shop/migrations/0004_merge.py",
              migration_source({{"shop", "0003_a"}, {"shop", "0003_b"}}));
  repo->git({"add", "-A"});
  json after = check_json({"--staged"}, 0);
  EXPECT_TRUE(after["diagnostics"].empty()) << after.dump(2);
}

TEST_F(CheckRepo, SquashReplacesItsKeysAsDjangoDoes) {
  repo->write("shop/migrations/0001_squashed_0002_order_total.py",
              "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
              "    replaces = [(\"shop\", \"0001_initial\"), (\"shop\", \"0002_order_total\")]\n"
              "    dependencies = []\n    operations = []\n");
  // Depends on a replaced key: remapped onto the squash, so one leaf and nothing missing.
  repo->write("shop/migrations/0003_after.py", migration_source({{"shop", "0002_order_total"}}));
  repo->commit_all("squash");
  json j = check_json({"--all"}, 0);
  EXPECT_TRUE(j["diagnostics"].empty()) << j.dump(2);
  // The replaced files may go; dependencies on them still resolve through the squash.
  repo->remove("shop/migrations/0001_initial.py");
  repo->remove("shop/migrations/0002_order_total.py");
  repo->write("billing/migrations/0001_initial.py", migration_source({{"shop", "0001_initial"}}));
  repo->commit_all("drop replaced");
  j = check_json({"--all"}, 0);
  // Only the deletions of migrations develop has are worth a word: a warning, since the squash replaces them.
  ASSERT_EQ(j["diagnostics"].size(), 2u) << j.dump(2);
  for (const auto& d : j["diagnostics"]) {
    EXPECT_EQ(d["code"], "DJM107");
    EXPECT_EQ(d["severity"], "warning");
  }
}

TEST_F(CheckRepo, MissingDependencyPointsAtTheTuple) {
  repo->write("shop/migrations/0003_x.py", migration_source({{"shop", "0002_order_totl"}}));
  repo->git({"add", "-A"});
  json j = check_json({"--staged", "--select", "DJM104"}, 1);
  ASSERT_EQ(j["diagnostics"].size(), 1u);
  EXPECT_EQ(j["diagnostics"][0]["code"], "DJM104");
  EXPECT_EQ(j["diagnostics"][0]["line"], 6);
  EXPECT_EQ(j["diagnostics"][0]["column"], 9);
}

TEST_F(CheckRepo, BrokenBinaryAndNonUtf8MigrationsAreDjm001) {
  repo->write("shop/migrations/0003_broken.py", "from django.db import migrations\n\nclass Migration(migrations.Migration)\n    operations = []\n");
  repo->write("shop/migrations/0004_binary.py", std::string("\x7f" "ELF\0\0\x01", 7));
  repo->write("shop/migrations/0005_latin.py", "# caf\xe9\nfrom django.db import migrations\n");
  repo->git({"add", "-A"});
  json j = check_json({"--staged", "--select", "DJM001"}, 1);
  ASSERT_EQ(j["diagnostics"].size(), 3u) << j.dump(2);
  EXPECT_EQ(j["diagnostics"][0]["path"], "shop/migrations/0003_broken.py");
  EXPECT_EQ(j["diagnostics"][0]["line"], 3);
  EXPECT_NE(j["diagnostics"][1]["message"].get<std::string>().find("binary"), std::string::npos);
  EXPECT_NE(j["diagnostics"][2]["message"].get<std::string>().find("UTF-8"), std::string::npos);
  EXPECT_EQ(j["diagnostics"][2]["line"], 1);
  EXPECT_EQ(j["diagnostics"][2]["column"], 6);
}

TEST_F(CheckRepo, UnknownBaseIsExit2WithOneLine) {
  ProcessResult r = check({"--base", "no-such-branch"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "hook-check: unknown base revision `no-such-branch`\n");
}

TEST_F(CheckRepo, BaseAcceptsAnyRevision) {
  develop_adds_discount();
  repo->write("shop/migrations/0003_backfill.py", migration_source({{"shop", "0002_order_total"}}));
  repo->git({"add", "-A"});
  std::string sha = repo->git({"rev-parse", "develop"});
  sha.pop_back();
  for (const std::string& base : std::vector<std::string>{"develop", sha, "develop~0"}) {
    json j = check_json({"--staged", "--base", base}, 1);
    EXPECT_EQ(j["base"]["commit"], sha);
    EXPECT_EQ(j["diagnostics"][0]["code"], "DJM102");
  }
}

TEST_F(CheckRepo, NoBaseBranchSaysSoAndRunsTheRest) {
  repo->git({"branch", "-q", "-m", "develop", "trunk"});
  repo->write("shop/migrations/0003_backfill.py", data_migration({{"shop", "0002_order_total"}}));
  ProcessResult r = check({"--format", "json"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("no base branch found"), std::string::npos);
  json j = json::parse(r.out);
  EXPECT_TRUE(j["base"].is_null());
  EXPECT_EQ(j["diagnostics"][0]["code"], "DJM201");
}

TEST_F(CheckRepo, DetachedHeadAndSubfolderWork) {
  develop_adds_discount();
  repo->write("shop/migrations/0003_backfill.py", migration_source({{"shop", "0002_order_total"}}));
  repo->commit_all("feature work");
  repo->git({"checkout", "-q", "--detach"});
  ProcessResult r = run_process({kHookCheck, "check", "--format", "json"}, repo->dir() + "/shop/migrations");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(json::parse(r.out)["diagnostics"][0]["code"], "DJM102");
  json by_commit = check_json({"--commit", "HEAD"}, 1);
  EXPECT_EQ(by_commit["diagnostics"][0]["code"], "DJM102");
}

TEST_F(CheckRepo, LinkedWorktreeIsARepository) {
  develop_adds_discount();
  repo->write("shop/migrations/0003_backfill.py", migration_source({{"shop", "0002_order_total"}}));
  repo->commit_all("feature work");
  std::string wt = tmp.path() + "/wt";
  repo->git({"worktree", "add", "-q", "--detach", wt, "feature"});
  ProcessResult r = run_process({kHookCheck, "--format", "json"}, wt);
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(json::parse(r.out)["diagnostics"][0]["code"], "DJM102");
}

TEST_F(CheckRepo, ShallowCloneWithoutMergeBaseIsExit2WithAHint) {
  develop_adds_discount();
  repo->write("shop/migrations/0003_backfill.py", migration_source({{"shop", "0002_order_total"}}));
  repo->commit_all("feature work");
  std::string clone = tmp.path() + "/shallow";
  run_process({"git", "clone", "-q", "--depth", "1", "--no-single-branch", "file://" + repo->dir(), clone}, tmp.path());
  ProcessResult r = run_process({kHookCheck, "--base", "origin/develop"}, clone);
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("shallow"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("fetch-depth"), std::string::npos) << r.err;
}

TEST_F(CheckRepo, TextFormatIsCompilerStyleWithoutColourWhenPiped) {
  repo->write("shop/migrations/0003_backfill.py", data_migration({{"shop", "0002_order_total"}}));
  ProcessResult r = check({});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out.rfind("shop/migrations/0003_backfill.py:14:9: error: `RunPython(forwards)` has no `reverse_code` [DJM201]\n", 0), 0u)
      << r.out;
  EXPECT_NE(r.out.find("\n  help: "), std::string::npos);
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
}

TEST_F(CheckRepo, SuppressionCommentSilencesTheLine) {
  std::string src = data_migration({{"shop", "0002_order_total"}});
  auto pos = src.find("migrations.RunPython(forwards),");
  src.insert(src.find('\n', pos), "  # hook-check: ignore[DJM201]");
  repo->write("shop/migrations/0003_backfill.py", src);
  EXPECT_EQ(check({}).status, 0);
}

TEST_F(CheckRepo, PreCommitFastExitWhenNoMigrationIsStaged) {
  // A conflicting migration in the working tree is not what this commit records.
  develop_adds_discount();
  repo->write("shop/migrations/0003_backfill.py", migration_source({{"shop", "0002_order_total"}}));
  repo->write("README.md", "changed\n");
  repo->git({"add", "README.md"});
  ProcessResult r = run_process({kPreCommit}, repo->dir());
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.err, "");
}

TEST_F(CheckRepo, PrePushChecksEachPushedTip) {
  develop_adds_discount();
  repo->write("shop/migrations/0003_backfill.py", migration_source({{"shop", "0002_order_total"}}));
  repo->commit_all("feature work");
  std::string sha = repo->git({"rev-parse", "HEAD"});
  sha.pop_back();
  std::string zeros(40, '0');
  std::string input = "refs/heads/feature " + sha + " refs/heads/feature " + zeros + "\n" +
                      "(delete) " + zeros + " refs/heads/old " + sha + "\n";
  ProcessResult r = run_process({kPrePush, "origin", "file:///dev/null"}, repo->dir(), input);
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("[DJM102]"), std::string::npos);
  // Pushing develop itself is fine.
  std::string dev = repo->git({"rev-parse", "develop"});
  dev.pop_back();
  r = run_process({kPrePush, "origin", "x"}, repo->dir(), "refs/heads/develop " + dev + " refs/heads/develop " + zeros + "\n");
  EXPECT_EQ(r.status, 0) << r.err;
}

TEST(CheckErrors, NotARepositoryIsExit2) {
  TempDir tmp;
  ProcessResult r = run_process({kHookCheck}, tmp.path());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind("hook-check: not a git repository", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
}

TEST(CheckErrors, RepositoryWithNoCommitsStillChecksTheIndex) {
  TempDir tmp;
  GitRepo repo(tmp.path() + "/p");
  repo.write("shop/migrations/__init__.py", "");
  repo.write("shop/migrations/0001_initial.py", data_migration({}));
  repo.git({"add", "-A"});
  ProcessResult r = run_process({kPreCommit}, repo.dir());
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("shop/migrations/0001_initial.py:13:9: error:"), std::string::npos) << r.err;
}

TEST(CheckErrors, UnknownRuleCodeAndBadOptionAreExit2) {
  TempDir tmp;
  GitRepo repo(tmp.path() + "/p");
  ProcessResult r = run_process({kHookCheck, "--select", "DJM999"}, repo.dir());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("DJM999"), std::string::npos);
  r = run_process({kHookCheck, "--format", "yaml"}, repo.dir());
  EXPECT_EQ(r.status, 2);
  r = run_process({kHookCheck, "--staged", "--commit", "HEAD"}, repo.dir());
  EXPECT_EQ(r.status, 2);
}

TEST(Commands, RulesAndExplain) {
  TempDir tmp;
  ProcessResult r = run_process({kHookCheck, "rules"}, tmp.path());
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("DJM102  base-diverged"), std::string::npos) << r.out;
  r = run_process({kHookCheck, "explain", "DJM201"}, tmp.path());
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out.rfind("# DJM201 runpython-no-reverse", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("## Instead"), std::string::npos);
  r = run_process({kHookCheck, "explain", "runsql-no-reverse"}, tmp.path());
  EXPECT_EQ(r.status, 0);
  r = run_process({kHookCheck, "explain", "DJM999"}, tmp.path());
  EXPECT_EQ(r.status, 2);
}

TEST(Commands, DemoShowsTheConflictAndTheIrreversibleMigration) {
  TempDir tmp;
  std::string dir = tmp.path() + "/demo";
  ProcessResult r = run_process({kHookCheck, "demo", dir}, tmp.path());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("[DJM102]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[DJM201]"), std::string::npos);
  // The demo is a real repository: the hook sees the same thing.
  r = run_process({kHookCheck, "--format", "json"}, dir);
  EXPECT_EQ(r.status, 1);
  // Never builds over something that is there.
  r = run_process({kHookCheck, "demo", dir}, tmp.path());
  EXPECT_EQ(r.status, 2);
}

}  // namespace
}  // namespace hc::test
