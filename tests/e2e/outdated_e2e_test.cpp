// DJM501 where it bites: the pre-commit and pre-push hooks on a real
// repository, `outdated_on_commit`, and the "could not tell" notes.
#include <gtest/gtest.h>

#include "support/process.hpp"

namespace hc::test {
namespace {

const std::string kHookCheck = HOOK_CHECK_BIN;
const std::string kPreCommit = HOOK_CHECK_PRE_COMMIT_BIN;
const std::string kPrePush = HOOK_CHECK_PRE_PUSH_BIN;

const std::string kModels =
    "from django.db import models\n\n\n"
    "class Order(models.Model):\n"
    "    reference = models.CharField(max_length=10)\n";
const std::string kAlterReference =
    "        migrations.AlterField(\n"
    "            model_name=\"order\",\n"
    "            name=\"reference\",\n"
    "            field=models.CharField(max_length=12),\n"
    "        ),\n";

class Outdated : public ::testing::Test {
 protected:
  void SetUp() override {
    repo = std::make_unique<GitRepo>(tmp.path() + "/project");
    repo->write_app("orders", {{"0001_initial", migration_source({})}});
    repo->write("orders/models.py", kModels);
    repo->commit_all("orders");
    repo->git({"checkout", "-q", "-b", "feature"});
  }
  void widen_reference() const {
    std::string changed = kModels;
    changed.replace(changed.find("max_length=10"), 13, "max_length=12");
    repo->write("orders/models.py", changed);
    repo->git({"add", "-A"});
  }
  ProcessResult push_head() const {
    std::string sha = repo->git({"rev-parse", "HEAD"});
    sha.pop_back();
    return run_process({kPrePush, "origin", "file:///dev/null"}, repo->dir(),
                       "refs/heads/feature " + sha + " refs/heads/feature " + std::string(40, '0') + "\n");
  }
  TempDir tmp;
  std::unique_ptr<GitRepo> repo;
};

TEST_F(Outdated, PreCommitStopsAModelChangeWithoutItsMigration) {
  widen_reference();
  ProcessResult r = run_process({kPreCommit}, repo->dir());
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("orders/models.py:5:5: error: Order.reference: max_length 10 → 12 (no migration in orders alters it) [DJM501]"),
            std::string::npos)
      << r.err;
}

TEST_F(Outdated, TheMigrationInTheSameCommitSatisfiesIt) {
  widen_reference();
  repo->write("orders/migrations/0002_alter_order_reference.py", migration_source({{"orders", "0001_initial"}}, kAlterReference));
  repo->git({"add", "-A"});
  ProcessResult r = run_process({kPreCommit}, repo->dir());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("DJM501"), std::string::npos) << r.err;
}

TEST_F(Outdated, OutdatedOnCommitWarnsAtCommitAndStopsThePush) {
  repo->write("pyproject.toml", "[tool.hook-check]\noutdated_on_commit = \"warning\"\n");
  widen_reference();
  ProcessResult r = run_process({kPreCommit}, repo->dir());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("warning: Order.reference: max_length 10 → 12"), std::string::npos) << r.err;
  repo->git({"commit", "-q", "-m", "wider reference, migration to follow"});
  // At push the whole branch is compared with develop: an error.
  r = push_head();
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("error: Order.reference: max_length 10 → 12"), std::string::npos) << r.err;
  // The next commit brings the migration: the push goes through.
  repo->write("orders/migrations/0002_alter_order_reference.py", migration_source({{"orders", "0001_initial"}}, kAlterReference));
  repo->commit_all("its migration");
  r = push_head();
  EXPECT_EQ(r.status, 0) << r.err;
}

TEST_F(Outdated, WhatCannotBeKnownIsANoteWithVerboseAndNeverAFinding) {
  repo->git({"checkout", "-q", "develop"});
  repo->write("orders/models.py", "from django.db import models\n\nfrom orders.numbers import first\n\n\n"
                                  "class Order(models.Model):\n"
                                  "    reference = models.CharField(max_length=10, default=first())\n");
  repo->write("orders/numbers.py", "def first():\n    return 'A'\n\n\ndef second():\n    return 'B'\n");
  repo->commit_all("a default from a function");
  repo->git({"checkout", "-q", "-B", "feature"});
  repo->write("orders/models.py", "from django.db import models\n\nfrom orders.numbers import second\n\n\n"
                                  "class Order(models.Model):\n"
                                  "    reference = models.CharField(max_length=10, default=second())\n");
  repo->git({"add", "-A"});
  ProcessResult quiet = run_process({kHookCheck, "check", "--staged"}, repo->dir());
  EXPECT_EQ(quiet.status, 0) << quiet.out;
  EXPECT_EQ(quiet.out.find("DJM501"), std::string::npos) << quiet.out;
  ProcessResult verbose = run_process({kHookCheck, "check", "--staged", "--verbose"}, repo->dir());
  EXPECT_EQ(verbose.status, 0) << verbose.out;
  EXPECT_NE(verbose.out.find("note: could not tell whether Order.reference: default first() → second() needs a migration: "
                             "`default`: calls `second()`, known only when Python runs"),
            std::string::npos)
      << verbose.out;
  // A default that goes away is a change whatever its value was: that much is known.
  repo->write("orders/models.py", kModels);
  repo->git({"add", "-A"});
  ProcessResult removed = run_process({kHookCheck, "check", "--staged"}, repo->dir());
  EXPECT_EQ(removed.status, 1) << removed.out;
  EXPECT_NE(removed.out.find("error: Order.reference: default first() → (unset)"), std::string::npos) << removed.out;
}

TEST_F(Outdated, AModelsModuleThatDoesNotParseIsSaidAndNotGuessed) {
  repo->write("orders/models.py", "from django.db import models\n\n\nclass Order(models.Model:\n    reference = 1\n");
  repo->git({"add", "-A"});
  ProcessResult r = run_process({kHookCheck, "check", "--staged", "--select", "DJM501"}, repo->dir());
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("orders/models.py:1:1: note: could not tell whether the models of this module need a migration: it is not "
                       "valid Python [DJM501]"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("error:"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace hc::test
