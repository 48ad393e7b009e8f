// The layout memo (.git/hook-check/layout-v1/): a check finds the merge-base's
// layout kept by its tree, patches the target's from it, and says what a
// check without caches says; a layout read back is the layout written; a
// damaged entry is a miss, written again.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "check/check_run.hpp"
#include "check/layout_memo.hpp"
#include "git/repository.hpp"
#include "support/memory_project.hpp"
#include "support/process.hpp"

namespace hc::test {
namespace {

std::string findings(const CheckResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics)
    out += d.path + ":" + std::to_string(d.span.start.line) + ":" + std::to_string(d.span.start.column) + " " + d.code + "\n";
  return out;
}

TEST(LayoutCodec, ALayoutReadBackIsTheLayoutWritten) {
  std::map<std::string, std::string> files;
  for (const std::string app : {"shop", "src/apps/billing"}) {
    files[app + "/models.py"] = "";
    files[app + "/migrations/__init__.py"] = "";
    files[app + "/migrations/0001_initial.py"] = migration_source({});
    files[app + "/migrations/0002_more.py"] = migration_source({{"x", "0001_initial"}});
  }
  files["src/apps/billing/apps.py"] = "from django.apps import AppConfig\n\nclass C(AppConfig):\n    label = 'shop'\n";
  files["src/apps/billing/models/__init__.py"] = "";
  files["src/apps/billing/models/invoice.py"] = "";
  MemoryProject p(files);
  ASSERT_EQ(p.view->layout.apps.size(), 2u);
  std::string bytes = encode_layout(p.view->layout);
  std::optional<ProjectLayout> back = decode_layout(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(describe_layout(*back), describe_layout(p.view->layout));
  // Cut anywhere, or with a byte changed in a path, it is refused, never misread.
  for (std::size_t n = 0; n < bytes.size(); ++n) EXPECT_FALSE(decode_layout(bytes.substr(0, n))) << "cut to " << n;
  std::string bent = bytes;
  bent[bent.find("shop/migrations/0001")] = 'X';
  EXPECT_FALSE(decode_layout(bent));
}

class LayoutMemoCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    repo = std::make_unique<GitRepo>(tmp.path() + "/project");
    repo->write_app("shop", {{"0001_initial", migration_source({})}, {"0002_more", migration_source({{"shop", "0001_initial"}})}});
    repo->write_app("billing", {{"0001_initial", migration_source({{"shop", "0001_initial"}})}});
    repo->commit_all("initial");
    repo->git({"checkout", "-q", "-b", "feature"});
  }
  CheckResult run(bool cache) const {
    CheckOptions o;
    o.repo = repo->dir();
    o.target = TargetKind::Staged;
    o.cache = cache;
    return run_check(o);
  }
  std::vector<std::filesystem::path> entries() const {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    const std::string dir = repo->dir() + "/.git/hook-check/layout-v1";
    for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator(); ++it)
      out.push_back(it->path());
    return out;
  }
  static ino_t inode(const std::filesystem::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
  }
  TempDir tmp;
  std::unique_ptr<GitRepo> repo;
};

TEST_F(LayoutMemoCheck, TheMergeBasesLayoutIsKeptAndAnswersLaterChecks) {
  // A second leaf in shop: DJM101 on the staged file.
  repo->write("shop/migrations/0002_other.py", migration_source({{"shop", "0001_initial"}}));
  repo->git({"add", "-A"});
  CheckResult first = run(true);
  auto kept = entries();
  ASSERT_EQ(kept.size(), 1u);
  ino_t before = inode(kept[0]);
  EXPECT_NE(findings(first).find("shop/migrations/0002_other.py:1:1 DJM101"), std::string::npos) << findings(first);
  EXPECT_EQ(findings(first), findings(run(false)));

  // Other changes over the same merge-base: the entry answers, and the findings are a fresh check's.
  const std::vector<std::pair<std::string, std::string>> changes = {
      {"billing/migrations/0002_next.py", migration_source({{"billing", "0001_initial"}})},  // a migration patched in
      {"orders/migrations/__init__.py", ""},                                                 // a new app: found again
      {"billing/apps.py", "from django.apps import AppConfig\n\nclass C(AppConfig):\n    label = 'shop'\n"},
  };
  for (const auto& [path, text] : changes) {
    repo->write(path, text);
    if (path.starts_with("orders/")) repo->write("orders/migrations/0001_initial.py", migration_source({{"shop", "0002_more"}}));
    repo->git({"add", "-A"});
    CheckResult warm = run(true);
    EXPECT_EQ(findings(warm), findings(run(false))) << "after " << path;
    ASSERT_EQ(entries().size(), 1u);
    EXPECT_EQ(inode(kept[0]), before) << "the entry was written again: the memo did not answer";
  }
}

TEST_F(LayoutMemoCheck, ADamagedEntryIsAMissAndWrittenAgain) {
  repo->write("shop/migrations/0002_other.py", migration_source({{"shop", "0001_initial"}}));
  repo->git({"add", "-A"});
  const std::string fresh = findings(run(false));
  run(true);
  auto kept = entries();
  ASSERT_EQ(kept.size(), 1u);
  std::string bytes;
  {
    std::ifstream in(kept[0], std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  for (std::string damaged : {bytes.substr(0, bytes.size() / 2), std::string("garbage"), bytes}) {
    if (damaged == bytes) damaged[damaged.size() / 2] ^= 0x20;  // one byte flipped: the checksum says so
    std::ofstream(kept[0], std::ios::binary | std::ios::trunc) << damaged;
    EXPECT_EQ(findings(run(true)), fresh);
    std::ifstream in(kept[0], std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), bytes) << "the damaged entry was not written again";
  }
}

}  // namespace
}  // namespace hc::test
