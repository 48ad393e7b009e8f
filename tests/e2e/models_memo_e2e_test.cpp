// The audit's models memo (.git/hook-check/models-v1/): an audit after an
// edit of a migration reads the models it extracted before instead of
// parsing the models modules again, and says what a fresh audit says; an
// edit of any file the extraction read (the models module, a module it
// imports) means a fresh extraction; a damaged entry is a miss.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "support/process.hpp"

namespace hc::test {
namespace {

const std::string kHookCheck = HOOK_CHECK_BIN;

const std::string kInitial = order_initial_migration("", "10");

std::string models_with_length(const std::string& length) {
  return "from django.db import models\n\nfrom orders.limits import LENGTH\n\n\n"
         "class Order(models.Model):\n"
         "    reference = models.CharField(max_length=" + length + ")\n";
}

class ModelsMemo : public ::testing::Test {
 protected:
  void SetUp() override {
    repo = std::make_unique<GitRepo>(tmp.path() + "/project");
    repo->write("orders/__init__.py", "");
    repo->write("orders/migrations/__init__.py", "");
    repo->write("orders/limits.py", "LENGTH = 10\n");
    repo->write("orders/models.py", models_with_length("LENGTH"));
    repo->write("orders/migrations/0001_initial.py", kInitial);
    repo->commit_all("orders");
  }
  ProcessResult audit(bool cache = true) const {
    std::vector<std::string> args{kHookCheck, "check", "--all", "--select", "DJM501"};
    if (!cache) args.push_back("--no-cache");
    return run_process(args, repo->dir());
  }
  std::string memo_dir() const { return repo->dir() + "/.git/hook-check/models-v1"; }
  std::vector<std::filesystem::path> entries() const {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(memo_dir(), ec); !ec && it != std::filesystem::directory_iterator(); ++it)
      out.push_back(it->path());
    return out;
  }
  // An entry rewritten is a new file (written aside, renamed over): its inode says which.
  static ino_t inode(const std::filesystem::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
  }
  void edit_migration_comment(const std::string& comment) {
    repo->write("orders/migrations/0001_initial.py", "# " + comment + "\n" + kInitial);
  }
  TempDir tmp;
  std::unique_ptr<GitRepo> repo;
};

TEST_F(ModelsMemo, AnAuditAfterAMigrationEditReadsTheModelsKept) {
  ProcessResult first = audit();
  EXPECT_EQ(first.status, 0) << first.out;
  auto kept = entries();
  ASSERT_EQ(kept.size(), 1u);
  ino_t before = inode(kept[0]);
  edit_migration_comment("an edit that changes no operation");
  ProcessResult second = audit();
  EXPECT_EQ(second.status, 0) << second.out;
  EXPECT_EQ(second.out, audit(false).out);
  ASSERT_EQ(entries().size(), 1u);
  EXPECT_EQ(inode(kept[0]), before) << "the entry was written again: the memo did not answer";
}

TEST_F(ModelsMemo, AnEditOfTheModelsModuleIsReadAgain) {
  EXPECT_EQ(audit().status, 0);
  repo->write("orders/models.py", models_with_length("12"));
  ProcessResult changed = audit();
  EXPECT_EQ(changed.status, 1) << changed.out;
  EXPECT_NE(changed.out.find("orders/models.py:7:5: error: Order.reference: max_length 10 → 12"), std::string::npos) << changed.out;
  EXPECT_EQ(changed.out, audit(false).out);
}

TEST_F(ModelsMemo, AnEditOfAModuleTheModelsImportIsReadAgain) {
  EXPECT_EQ(audit().status, 0);
  auto kept = entries();
  ASSERT_EQ(kept.size(), 1u);
  ino_t before = inode(kept[0]);
  repo->write("orders/limits.py", "LENGTH = 12\n");
  ProcessResult changed = audit();
  EXPECT_EQ(changed.status, 1) << changed.out;
  EXPECT_NE(changed.out.find("max_length 10 → 12"), std::string::npos) << changed.out;
  EXPECT_EQ(changed.out, audit(false).out);
  EXPECT_NE(inode(kept[0]), before) << "the entry of the old limits was not replaced";
}

TEST_F(ModelsMemo, ADamagedEntryIsAMiss) {
  EXPECT_EQ(audit().status, 0);
  repo->write("orders/models.py", models_with_length("12"));
  EXPECT_EQ(audit().status, 1);
  auto kept = entries();
  ASSERT_EQ(kept.size(), 1u);
  for (std::size_t cut : {std::size_t{0}, std::size_t{9}, std::size_t{100}}) {
    std::string bytes;
    {
      std::ifstream in(kept[0], std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    ASSERT_GT(bytes.size(), cut + 8);
    std::string damaged = bytes;
    damaged[damaged.size() / 2] ^= 0x5a;  // a flipped byte the checksum sees
    if (cut) damaged.resize(cut);         // or a file cut short
    {
      std::ofstream out(kept[0], std::ios::binary | std::ios::trunc);
      out << damaged;
    }
    edit_migration_comment("edit " + std::to_string(cut));  // the results memo must miss too
    ProcessResult again = audit();
    EXPECT_EQ(again.status, 1) << again.out;
    EXPECT_NE(again.out.find("max_length 10 → 12"), std::string::npos) << again.out;
  }
}

}  // namespace
}  // namespace hc::test
