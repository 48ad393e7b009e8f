// Snapshot: one path-ordered vector; lookups, prefixes and edits keep git's
// bytewise path order whatever order files arrive in.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "git/snapshot.hpp"

namespace hc::test {
namespace {

// The path is viewed, not copied: put() copies it.
SnapshotFile file(std::string_view path, std::uint8_t tag = 0) {
  SnapshotFile f{path, {}, false};
  f.id.bytes[0] = tag;
  return f;
}

std::vector<std::string> paths(const Snapshot& snap) {
  std::vector<std::string> out;
  for (const SnapshotFile& f : snap) out.emplace_back(f.path);
  return out;
}

TEST(Snapshot, FilesAddedOutOfOrderAreKeptInBytewisePathOrder) {
  Snapshot snap;
  for (const char* p : {"b/x.py", "a/y.py", "a.py", "a-b/z.py", "a/x.py", "\xc3\xa9/u.py"}) snap.put(file(p));
  // '-' (0x2d) < '.' (0x2e) < '/' (0x2f); bytes above 0x7f sort last, unsigned.
  EXPECT_EQ(paths(snap), (std::vector<std::string>{"a-b/z.py", "a.py", "a/x.py", "a/y.py", "b/x.py", "\xc3\xa9/u.py"}));
}

TEST(Snapshot, PutReplacesTheFileOfTheSamePath) {
  Snapshot snap;
  snap.put(file("a/x.py", 1));
  snap.put(file("b/x.py", 1));
  snap.put(file("a/x.py", 2));
  ASSERT_EQ(snap.size(), 2u);
  EXPECT_EQ(snap.find("a/x.py")->id.bytes[0], 2);
}

TEST(Snapshot, FindAnswersOnlyExactPaths) {
  Snapshot snap;
  snap.put(file("a/x.py"));
  snap.put(file("a/x.pyc.py"));
  EXPECT_NE(snap.find("a/x.py"), nullptr);
  EXPECT_EQ(snap.find("a/x"), nullptr);
  EXPECT_EQ(snap.find("a/x.pyc"), nullptr);
  EXPECT_EQ(snap.find(""), nullptr);
  EXPECT_EQ(Snapshot().find("a/x.py"), nullptr);
}

TEST(Snapshot, UnderListsExactlyThePrefixedRange) {
  Snapshot snap;
  for (const char* p : {"app/migrations/0001.py", "app/migrations/0002.py", "app/migrations.py", "app/models.py", "apps/x.py"})
    snap.put(file(p));
  std::vector<std::string> got;
  for (const SnapshotFile& f : snap.under("app/migrations/")) got.emplace_back(f.path);
  EXPECT_EQ(got, (std::vector<std::string>{"app/migrations/0001.py", "app/migrations/0002.py"}));
  EXPECT_EQ(snap.under("app/").size(), 4u);
  EXPECT_TRUE(snap.under("zzz/").empty());
  EXPECT_EQ(snap.under("").size(), 5u);
}

TEST(Snapshot, EraseAndEraseIfDropOnlyWhatTheyName) {
  Snapshot snap;
  for (const char* p : {"a.py", "b.py", "c/x.py", "c/y.py"}) snap.put(file(p));
  EXPECT_TRUE(snap.erase("b.py"));
  EXPECT_FALSE(snap.erase("b.py"));
  EXPECT_FALSE(snap.erase("c"));
  snap.erase_if([](const SnapshotFile& f) { return f.path.starts_with("c/x"); });
  EXPECT_EQ(paths(snap), (std::vector<std::string>{"a.py", "c/y.py"}));
}

}  // namespace
}  // namespace hc::test
