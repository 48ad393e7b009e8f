// `hook-check merge APP` writes what makemigrations --merge would, and real
// Django (Debian's python3-django) loads and applies the result.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/django_project.hpp"
#include "fix/file_writer.hpp"
#include "core/error.hpp"
#include "support/memory_project.hpp"

namespace hc::test {
namespace {

namespace fs = std::filesystem;
const std::string kHookCheck = HOOK_CHECK_BIN;

class MergeCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    repo = std::make_unique<GitRepo>(tmp.path() + "/p");
    repo->write_app("shop", {{"0001_initial", migration_source({})},
                             {"0002_a", migration_source({{"shop", "0001_initial"}})},
                             {"0002_b", migration_source({{"shop", "0001_initial"}})}});
    write_django_project(*repo, {"shop"});
    repo->commit_all("two leaves");
  }
  TempDir tmp;
  std::unique_ptr<GitRepo> repo;
};

TEST_F(MergeCommand, WritesTheMergeMigrationDjangoWouldAndDjangoAppliesIt) {
  ProcessResult r = run_process({kHookCheck, "merge", "shop"}, repo->dir());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("Wrote shop/migrations/0003_merge_0002_a_0002_b.py", 0), 0u) << r.out;
  std::string written = read_text_file(repo->dir() + "/shop/migrations/0003_merge_0002_a_0002_b.py");
  EXPECT_NE(written.find("(\"shop\", \"0002_a\"),\n        (\"shop\", \"0002_b\"),"), std::string::npos) << written;
  EXPECT_EQ(run_process({kHookCheck, "--all"}, repo->dir()).status, 0);
  // Nothing staged: the user reviews and adds it.
  EXPECT_EQ(repo->git({"diff", "--cached", "--name-only"}), "");

  if (!django_available()) GTEST_SKIP() << "Debian's python3-django is not installed: the Django half is skipped";
  ProcessResult migrate = manage(*repo, {"migrate", "--no-input"});
  EXPECT_EQ(migrate.status, 0) << migrate.out << migrate.err;
  ProcessResult check = manage(*repo, {"makemigrations", "--check", "--dry-run", "--merge"});
  EXPECT_NE(check.out.find("No conflicts detected to merge"), std::string::npos) << check.out << check.err;
}

TEST_F(MergeCommand, DjangoRefusesTheConflictBeforeTheMerge) {
  if (!django_available()) GTEST_SKIP() << "Debian's python3-django is not installed";
  ProcessResult migrate = manage(*repo, {"migrate", "--no-input"});
  EXPECT_NE(migrate.status, 0);
  EXPECT_NE((migrate.out + migrate.err).find("Conflicting migrations detected"), std::string::npos) << migrate.err;
}

TEST_F(MergeCommand, SaysWhenThereIsNothingToMerge) {
  repo->remove("shop/migrations/0002_b.py");
  ProcessResult r = run_process({kHookCheck, "merge", "shop"}, repo->dir());
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("No conflicts detected to merge"), std::string::npos);
  r = run_process({kHookCheck, "merge", "nope"}, repo->dir());
  EXPECT_EQ(r.status, 2);
}

TEST(FileWriter, CreatesButNeverOverwrites) {
  TempDir tmp;
  std::string path = tmp.path() + "/0003_merge.py";
  create_file_atomically(path, "new\n");
  EXPECT_EQ(read_text_file(path), "new\n");
  EXPECT_THROW(create_file_atomically(path, "other\n"), Error);
  EXPECT_EQ(read_text_file(path), "new\n");
  replace_file_atomically(path, "replaced\n");
  EXPECT_EQ(read_text_file(path), "replaced\n");
  EXPECT_THROW(replace_file_atomically(tmp.path() + "/missing.py", "x"), Error);
  // No temporary files are left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path()), fs::directory_iterator()), 1);
}

}  // namespace
}  // namespace hc::test
