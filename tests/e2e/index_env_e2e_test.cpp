// GIT_INDEX_FILE through real `git commit` runs with the installed pre-commit
// hook: `git commit -a` and `git commit PATH` build a temporary index and
// name it to the hook in GIT_INDEX_FILE; the hook must check that index (what
// is being committed), not .git/index.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "support/memory_project.hpp"
#include "support/process.hpp"

namespace hc::test {
namespace {

namespace fs = std::filesystem;
const std::string kHookCheck = HOOK_CHECK_BIN;
const std::string kPreCommit = HOOK_CHECK_PRE_COMMIT_BIN;

const std::string kBroken = "from django.db import migrations\n\n\nclass Migration(migrations.Migration:\n"
                            "    dependencies = [(\"shop\", \"0001_initial\")]\n";
// What the hook prints for kBroken at shop/migrations/0002_total.py.
const std::string kBrokenFinding =
    "shop/migrations/0002_total.py:4:37: error: migration `shop.0002_total` is not valid Python: missing `)` [DJM001]";

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l == line) return true;
  return false;
}

class IndexEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    // The installed hook runs the first hook-check-pre-commit on PATH: the one built with this suite.
    env = {{"PATH", fs::path(kPreCommit).parent_path().string() + ":" + std::getenv("PATH")}};
    ProcessResult which = run_process({"sh", "-c", "command -v hook-check-pre-commit"}, tmp.path(), "", env);
    ASSERT_EQ(which.out, kPreCommit + "\n");

    repo = std::make_unique<GitRepo>(tmp.path() + "/p");
    repo->write("README.md", "x\n");
    repo->write_app("shop", {{"0001_initial", migration_source({})}});
    repo->commit_all("init");
    ProcessResult r = run_process({kHookCheck, "install"}, repo->dir(), "", env);
    ASSERT_EQ(r.status, 0) << r.err;
    // A feature branch that adds its own migration (which it may edit: no DJM106).
    repo->git({"checkout", "-q", "-b", "feature"});
    repo->write("shop/migrations/0002_total.py", migration_source({{"shop", "0001_initial"}}));
    repo->git({"add", "-A"});
    ProcessResult first = commit({"-m", "0002"});
    ASSERT_EQ(first.status, 0) << first.err;
    ASSERT_EQ(commits(), 2);
  }

  ProcessResult commit(std::vector<std::string> args) const {
    std::vector<std::string> argv = {"git", "commit", "-q"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, repo->dir(), "", env);
  }
  int commits() const { return std::stoi(repo->git({"rev-list", "--count", "HEAD"})); }
  std::string staged() const { return repo->git({"diff", "--cached", "--name-only"}); }
  std::string unstaged() const { return repo->git({"diff", "--name-only"}); }

  TempDir tmp;
  std::unique_ptr<GitRepo> repo;
  std::map<std::string, std::string> env;
};

// The control: the breakage staged the ordinary way is refused.
TEST_F(IndexEnv, StagedBreakageIsRefused) {
  repo->write("shop/migrations/0002_total.py", kBroken);
  repo->git({"add", "shop/migrations/0002_total.py"});
  ProcessResult r = commit({"-m", "x"});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(has_line(r.err, kBrokenFinding)) << r.err;
  EXPECT_EQ(r.err.find("[DJM106]"), std::string::npos) << r.err;
  EXPECT_EQ(commits(), 2);
}

// Only in the working tree; `git commit -a` stages it into .git/index.lock.
TEST_F(IndexEnv, CommitAllChecksTheWorkingTreeChange) {
  repo->write("shop/migrations/0002_total.py", kBroken);
  ASSERT_EQ(staged(), "");
  ProcessResult r = commit({"-a", "-m", "x"});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(has_line(r.err, kBrokenFinding)) << r.err;
  EXPECT_EQ(commits(), 2);
  // git rolls its temporary index back: nothing was staged.
  EXPECT_EQ(staged(), "");
  EXPECT_EQ(unstaged(), "shop/migrations/0002_total.py\n");
}

// `git commit PATH` builds a temporary next-index-*.lock from HEAD and PATH.
TEST_F(IndexEnv, CommitPathChecksThatPath) {
  repo->write("shop/migrations/0002_total.py", kBroken);
  ProcessResult r = commit({"-m", "x", "shop/migrations/0002_total.py"});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(has_line(r.err, kBrokenFinding)) << r.err;
  EXPECT_EQ(commits(), 2);
  EXPECT_EQ(staged(), "");
}

// The converse: a change left unstaged is not part of a plain commit, and not seen.
TEST_F(IndexEnv, UnstagedChangeIsNotSeenByAPlainCommit) {
  repo->write("shop/migrations/0002_total.py", kBroken);
  repo->write("shop/models.py", "from django.db import models\n\n\nX = 1\n");  // runs the whole check
  repo->git({"add", "shop/models.py"});
  ProcessResult r = commit({"-m", "models"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(commits(), 3);
  EXPECT_EQ(repo->git({"show", "--name-only", "--format=", "HEAD"}), "shop/models.py\n");
  EXPECT_EQ(unstaged(), "shop/migrations/0002_total.py\n");
}

// The breakage staged in .git/index and fixed in the working tree: `git commit -a`
// commits the fix, and the hook must judge the fix, not the stale .git/index.
TEST_F(IndexEnv, CommitAllChecksTheFixNotTheStaleIndex) {
  repo->write("shop/migrations/0002_total.py", kBroken);
  repo->git({"add", "shop/migrations/0002_total.py"});
  std::string fixed = migration_source({{"shop", "0001_initial"}}) + "# fixed\n";
  repo->write("shop/migrations/0002_total.py", fixed);
  ProcessResult r = commit({"-a", "-m", "fixed"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(commits(), 3);
  EXPECT_EQ(repo->git({"show", "HEAD:shop/migrations/0002_total.py"}), fixed);
}

// The breakage staged in .git/index; `git commit shop/models.py` commits only
// models.py (from HEAD's tree), so the staged breakage is not part of it.
TEST_F(IndexEnv, CommitOtherPathLeavesTheStagedBreakageOut) {
  repo->write("shop/migrations/0002_total.py", kBroken);
  repo->git({"add", "shop/migrations/0002_total.py"});
  repo->write("shop/models.py", "from django.db import models\n\n\nX = 1\n");
  ProcessResult r = commit({"-m", "models", "shop/models.py"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(commits(), 3);
  EXPECT_EQ(repo->git({"show", "--name-only", "--format=", "HEAD"}), "shop/models.py\n");
  EXPECT_EQ(staged(), "shop/migrations/0002_total.py\n");
}

// The hook run by hand with GIT_INDEX_FILE relative to the working tree's root.
TEST_F(IndexEnv, RelativeGitIndexFile) {
  fs::copy_file(repo->dir() + "/.git/index", repo->dir() + "/.git/other-index");
  repo->write("shop/migrations/0002_total.py", kBroken);
  std::map<std::string, std::string> other = env;
  other["GIT_INDEX_FILE"] = ".git/other-index";
  ASSERT_EQ(run_process({"git", "add", "shop/migrations/0002_total.py"}, repo->dir(), "", other).status, 0);
  ASSERT_EQ(staged(), "");

  ProcessResult plain = run_process({kPreCommit}, repo->dir(), "", env);
  EXPECT_EQ(plain.status, 0) << plain.err;
  EXPECT_EQ(plain.err, "");
  ProcessResult with_other = run_process({kPreCommit}, repo->dir(), "", other);
  EXPECT_EQ(with_other.status, 1) << with_other.err;
  EXPECT_TRUE(has_line(with_other.err, kBrokenFinding)) << with_other.err;
}

}  // namespace
}  // namespace hc::test
