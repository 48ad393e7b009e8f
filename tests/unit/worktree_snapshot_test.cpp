// Repository::worktree_snapshot: the tracked kinds of files as the working
// tree holds them, judged as git status judges them (the index's stat data,
// then contents; ignores for untracked files), and compared with what
// `git status` itself lists for the same repository.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>
#include <sstream>
#include <string>

#include "git/repository.hpp"
#include "git/snapshot.hpp"
#include "support/process.hpp"

namespace hc::test {
namespace {

std::set<std::string> paths_of(const Snapshot& snap) {
  std::set<std::string> out;
  for (const SnapshotFile& f : snap) out.emplace(f.path);
  return out;
}

void set_times(const std::string& path, const struct timespec& accessed, const struct timespec& modified) {
  struct timespec times[2] = {accessed, modified};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

std::string blob_of(const GitRepo& repo, const std::string& path) {
  std::string id = repo.git({"hash-object", path});
  while (!id.empty() && id.back() == '\n') id.pop_back();
  return id;
}

class WorktreeSnapshot : public ::testing::Test {
 protected:
  void SetUp() override {
    repo = std::make_unique<GitRepo>(tmp.path() + "/r");
    repo->write(".gitignore", "build/\n*_local.py\n");
    repo->write("shop/__init__.py", "");
    repo->write("shop/models.py", "A = 1\n");
    repo->write("shop/migrations/__init__.py", "");
    repo->write("shop/migrations/0001_initial.py", "B = 2\n");
    repo->write("README.md", "# r\n");
    repo->commit_all("base");
  }
  Snapshot worktree() const { return Repository::open(repo->dir()).worktree_snapshot(); }
  TempDir tmp;
  std::unique_ptr<GitRepo> repo;
};

TEST_F(WorktreeSnapshot, AnUntouchedTreeIsTheIndex) {
  Snapshot snap = worktree();
  EXPECT_EQ(paths_of(snap), (std::set<std::string>{"shop/__init__.py", "shop/migrations/0001_initial.py",
                                                    "shop/migrations/__init__.py", "shop/models.py"}));
  for (const SnapshotFile& f : snap) EXPECT_FALSE(f.on_disk) << f.path;
  EXPECT_EQ(snap.find("shop/models.py")->id.hex(), blob_of(*repo, "shop/models.py"));
}

TEST_F(WorktreeSnapshot, EditsDeletionsAndNewFilesAreSeen) {
  repo->write("shop/models.py", "A = 10\n");
  std::filesystem::remove(repo->dir() + "/shop/migrations/0001_initial.py");
  repo->write("shop/migrations/0002_new.py", "C = 3\n");
  Snapshot snap = worktree();
  const SnapshotFile* models = snap.find("shop/models.py");
  ASSERT_NE(models, nullptr);
  EXPECT_TRUE(models->on_disk);
  EXPECT_EQ(models->id.hex(), blob_of(*repo, "shop/models.py"));
  EXPECT_EQ(snap.find("shop/migrations/0001_initial.py"), nullptr);
  const SnapshotFile* added = snap.find("shop/migrations/0002_new.py");
  ASSERT_NE(added, nullptr);
  EXPECT_TRUE(added->on_disk);
  EXPECT_EQ(added->id.hex(), blob_of(*repo, "shop/migrations/0002_new.py"));
}

TEST_F(WorktreeSnapshot, IgnoredFilesAndOtherRepositoriesAreNotListed) {
  repo->write("build/lib/gen.py", "x = 1\n");           // an ignored directory
  repo->write("shop/settings_local.py", "DEBUG = 1\n");  // an ignored file beside tracked ones
  repo->write("vendor/pkg/mod.py", "y = 1\n");          // untracked, not ignored: listed
  GitRepo nested(repo->dir() + "/nested");               // another repository inside
  nested.write("inner.py", "z = 1\n");
  Snapshot snap = worktree();
  std::set<std::string> paths = paths_of(snap);
  EXPECT_FALSE(paths.count("build/lib/gen.py"));
  EXPECT_FALSE(paths.count("shop/settings_local.py"));
  EXPECT_FALSE(paths.count("nested/inner.py"));
  EXPECT_TRUE(paths.count("vendor/pkg/mod.py"));
  // What git status lists of the tracked kinds, and no more.
  std::set<std::string> listed;
  std::istringstream status(repo->git({"status", "--porcelain", "--untracked-files=all"}));
  for (std::string line; std::getline(status, line);)
    if (line.size() > 3 && line.ends_with(".py")) listed.insert(line.substr(3));
  EXPECT_EQ(listed, (std::set<std::string>{"vendor/pkg/mod.py"}));
}

TEST_F(WorktreeSnapshot, ATouchedButUnchangedFileIsTheIndexs) {
  // New times, same bytes: read, and found the same.
  std::string path = repo->dir() + "/shop/models.py";
  repo->write("shop/models.py", "A = 1\n");
  set_times(path, {1000000000, 0}, {1000000000, 0});
  Snapshot snap = worktree();
  const SnapshotFile* models = snap.find("shop/models.py");
  ASSERT_NE(models, nullptr);
  EXPECT_FALSE(models->on_disk);
}

TEST_F(WorktreeSnapshot, AFileAFilterRewritesIsUnchangedWhenOnlyTouched) {
  // Checked out with CRLF line ends (eol=crlf), stored with LF: touching it changes nothing.
  repo->write(".gitattributes", "*.py text eol=crlf\n");
  repo->commit_all("crlf");
  std::filesystem::remove(repo->dir() + "/shop/models.py");
  repo->git({"checkout", "--", "shop/models.py"});
  std::string path = repo->dir() + "/shop/models.py";
  set_times(path, {1000000000, 0}, {1000000000, 0});
  Snapshot snap = worktree();
  const SnapshotFile* models = snap.find("shop/models.py");
  ASSERT_NE(models, nullptr);
  EXPECT_FALSE(models->on_disk);
}

TEST_F(WorktreeSnapshot, AModifiedFileOfAnotherSizeIsSeenEvenWithTheSameTimes) {
  std::string path = repo->dir() + "/shop/models.py";
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  repo->write("shop/models.py", "A = 12345\n");
  set_times(path, before.st_atim, before.st_mtim);
  Snapshot snap = worktree();
  const SnapshotFile* models = snap.find("shop/models.py");
  ASSERT_NE(models, nullptr);
  EXPECT_TRUE(models->on_disk);
  EXPECT_EQ(models->id.hex(), blob_of(*repo, "shop/models.py"));
}

}  // namespace
}  // namespace hc::test
