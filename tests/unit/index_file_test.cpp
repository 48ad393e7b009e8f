// The direct reader of git's index (git/index_file.hpp) against indexes git
// itself wrote, and the two Repository calls built on it: staged_paths (the
// cache-tree-guided diff of a commit against the index) and index_snapshot,
// each compared with what git reports for the same repository.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "core/error.hpp"
#include "git/index_file.hpp"
#include "git/repository.hpp"
#include "git/snapshot.hpp"
#include "support/process.hpp"

namespace hc::test {
namespace {

namespace fs = std::filesystem;

// (path, blob id, stage, mode) as `git ls-files -s` prints them.
using Row = std::tuple<std::string, std::string, int, std::uint32_t>;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::vector<Row> ls_files(const GitRepo& repo) {
  std::vector<Row> rows;
  for (const auto& line : lines_of(repo.git({"ls-files", "-s"}))) {
    // "<mode> <id> <stage>\t<path>"
    std::size_t tab = line.find('\t');
    std::istringstream fields(line.substr(0, tab));
    std::string mode, id;
    int stage = -1;
    fields >> mode >> id >> stage;
    rows.emplace_back(line.substr(tab + 1), id, stage, static_cast<std::uint32_t>(std::stoul(mode, nullptr, 8)));
  }
  return rows;
}

std::vector<Row> rows_of(const IndexFile& index) {
  std::vector<Row> rows;
  for (const auto& e : index.entries) rows.emplace_back(e.path, e.id.hex(), e.stage, e.mode);
  return rows;
}

std::string index_bytes(const GitRepo& repo) { return read_bytes(repo.dir() + "/.git/index"); }

std::uint32_t version_of(const std::string& bytes) {
  auto b = [&](int i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes.at(i))); };
  return b(4) << 24 | b(5) << 16 | b(6) << 8 | b(7);
}

// Reads the shared indexes of a split index from `git_dir`, as Repository does.
SharedIndexReader shared_reader(const std::string& git_dir) {
  return [git_dir](const std::string& hex) -> std::optional<std::string> {
    std::string path = git_dir + "/sharedindex." + hex;
    if (!fs::is_regular_file(path)) return std::nullopt;
    return read_bytes(path);
  };
}

std::optional<IndexFile> parse_repo_index(const GitRepo& repo) {
  return parse_index_file(index_bytes(repo), shared_reader(repo.dir() + "/.git"));
}

std::string rev(const GitRepo& repo, const std::string& spec) { return trimmed(repo.git({"rev-parse", spec})); }

// The base repository of the state tests: files of tracked kinds in nested
// directories, and files of other kinds beside them.
void write_base(const GitRepo& repo) {
  repo.write("pyproject.toml", "[project]\nname = \"p\"\n");
  repo.write("README.md", "readme\n");
  repo.write("top.py", "TOP = 1\n");
  repo.write("a/x.py", "X = 1\n");
  repo.write("a/notes.txt", "notes\n");
  repo.write("a/deep/y.py", "Y = 1\n");
  repo.write("b/z.py", "Z = 1\n");
  repo.write("b/w.py", "W = 1\n");
  repo.write("c.py", "C = 1\n");
  repo.write("d.py/m.py", "M = 1\n");  // a directory whose name ends in .py
  repo.write("lib/util.py", "U = 1\n");
  repo.write("tools", "a file, later a directory\n");
  repo.write("shop/migrations/__init__.py", "");
  repo.write("shop/migrations/0001_initial.py", migration_source({}));
}

// `git diff --cached --name-only` (renames off: staged_paths names both
// sides), kept to the kinds the reader keeps, sorted.
std::vector<std::string> git_staged(const GitRepo& repo, bool has_head = true) {
  std::vector<std::string> args = {"diff", "--cached", "--name-only", "--no-renames"};
  if (has_head) args.push_back("HEAD");
  std::vector<std::string> out;
  for (auto& p : lines_of(repo.git(args)))
    if (is_tracked_kind(p)) out.push_back(p);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// What libgit2 reads from the index: stage 0, or 2 ("ours") during a conflict.
std::map<std::string, std::string> git_index_files(const GitRepo& repo, const std::vector<std::string>& leave_out = {}) {
  std::map<std::string, std::string> out;
  for (const auto& [path, id, stage, mode] : ls_files(repo))
    if ((stage == 0 || stage == 2) && is_tracked_kind(path) &&
        std::find(leave_out.begin(), leave_out.end(), path) == leave_out.end())
      out[path] = id;
  return out;
}

std::map<std::string, std::string> files_of(const Snapshot& snap) {
  std::map<std::string, std::string> out;
  std::string previous;
  for (const SnapshotFile& file : snap) {
    EXPECT_LT(previous, file.path) << "out of path order";
    previous = file.path;
    EXPECT_FALSE(file.on_disk) << file.path;
    out[std::string(file.path)] = file.id.hex();
  }
  return out;
}

// GIT_INDEX_FILE for the lifetime of the guard.
class IndexFileEnv {
 public:
  explicit IndexFileEnv(const std::string& value) {
    if (const char* old = std::getenv("GIT_INDEX_FILE")) old_ = old;
    setenv("GIT_INDEX_FILE", value.c_str(), 1);
  }
  ~IndexFileEnv() {
    if (old_) setenv("GIT_INDEX_FILE", old_->c_str(), 1);
    else unsetenv("GIT_INDEX_FILE");
  }

 private:
  std::optional<std::string> old_;
};

// ---------------------------------------------------------------------------
// parse_index_file on the formats git writes

TEST(IndexFile, Format2EntriesAreGitsOwn) {
  TempDir tmp;
  GitRepo repo(tmp.path() + "/r");
  // Paths of every length modulo 8 exercise the padding of format 2 entries.
  for (const std::string p : {"a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh", "q/r/s.py"})
    repo.write(p, "content of " + p + "\n");
  repo.write("run.sh", "#!/bin/sh\n");
  fs::permissions(repo.dir() + "/run.sh", fs::perms::owner_exec, fs::perm_options::add);
  fs::create_symlink("abc", repo.dir() + "/link");
  repo.git({"add", "-A"});
  // A submodule's commit (gitlink) without a submodule checkout.
  repo.git({"update-index", "--add", "--cacheinfo", "160000,0123456789abcdef0123456789abcdef01234567,sub"});
  repo.git({"update-index", "--chmod=+x", "run.sh"});

  std::string bytes = index_bytes(repo);
  ASSERT_EQ(version_of(bytes), 2u);
  auto index = parse_index_file(bytes);
  ASSERT_TRUE(index);
  EXPECT_EQ(rows_of(*index), ls_files(repo));
  ASSERT_EQ(index->entries.size(), 12u);
  std::map<std::string, std::uint32_t> modes;
  for (const auto& e : index->entries) {
    modes[std::string(e.path)] = e.mode;
    EXPECT_EQ(e.stage, 0) << e.path;
    EXPECT_FALSE(e.intent_to_add) << e.path;
  }
  EXPECT_EQ(modes.at("abc"), 0100644u);
  EXPECT_EQ(modes.at("run.sh"), 0100755u);
  EXPECT_EQ(modes.at("link"), 0120000u);
  EXPECT_EQ(modes.at("sub"), 0160000u);
  EXPECT_EQ(index->entries[0].path, "a");
  EXPECT_EQ(index->entries[11].path, "sub");
  EXPECT_EQ(index->entries[11].id.hex(), "0123456789abcdef0123456789abcdef01234567");
}

TEST(IndexFile, Format3IntentToAddAndSkipWorktree) {
  TempDir tmp;
  GitRepo repo(tmp.path() + "/r");
  repo.write("kept.py", "K = 1\n");
  repo.write("skipped.py", "S = 1\n");
  repo.commit_all("init");
  repo.write("later.py", "L = 1\n");
  repo.git({"add", "-N", "later.py"});
  repo.git({"update-index", "--skip-worktree", "skipped.py"});

  std::string bytes = index_bytes(repo);
  ASSERT_EQ(version_of(bytes), 3u);  // git moves to format 3 for the extended flags
  auto index = parse_index_file(bytes);
  ASSERT_TRUE(index);
  EXPECT_EQ(rows_of(*index), ls_files(repo));
  ASSERT_EQ(index->entries.size(), 3u);
  EXPECT_EQ(index->entries[0].path, "kept.py");
  EXPECT_FALSE(index->entries[0].intent_to_add);
  EXPECT_EQ(index->entries[1].path, "later.py");
  EXPECT_TRUE(index->entries[1].intent_to_add);
  EXPECT_EQ(index->entries[1].id.hex(), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");  // git records the empty blob
  EXPECT_EQ(index->entries[2].path, "skipped.py");
  EXPECT_FALSE(index->entries[2].intent_to_add);  // skip-worktree is another extended flag
  EXPECT_EQ(index->entries[2].id.hex(), trimmed(repo.git({"rev-parse", "HEAD:skipped.py"})));
}

TEST(IndexFile, Format4PrefixCompressedPaths) {
  TempDir tmp;
  GitRepo repo(tmp.path() + "/r");
  const std::string longdir(200, 'd');  // a strip count over 127 takes two varint bytes
  for (const std::string p : {"a/b/c/one.py", "a/b/c/two.py", "a/b/d.py", "a/bb.py", "z.py"})
    repo.write(p, p + "\n");
  repo.write(longdir + "/first.py", "1\n");
  repo.write(longdir + "/second.py", "2\n");
  repo.write("e.py", "e\n");
  repo.commit_all("init");
  repo.git({"update-index", "--index-version", "4"});
  repo.write("a/b/c/two.py", "changed\n");
  repo.git({"add", "a/b/c/two.py"});

  std::string bytes = index_bytes(repo);
  ASSERT_EQ(version_of(bytes), 4u);
  auto index = parse_index_file(bytes);
  ASSERT_TRUE(index);
  std::vector<Row> expected = ls_files(repo);
  ASSERT_EQ(expected.size(), 8u);
  EXPECT_EQ(rows_of(*index), expected);
  EXPECT_EQ(index->entries[1].path, "a/b/c/two.py");
  EXPECT_EQ(index->entries[1].id.hex(), trimmed(repo.git({"rev-parse", ":a/b/c/two.py"})));
  EXPECT_EQ(index->entries[4].path, longdir + "/first.py");
  EXPECT_EQ(index->entries[6].path, "e.py");
}

// The name length in an entry's flags saturates at 0xFFF; the path runs to its NUL.
TEST(IndexFile, PathsLongerThan4095Bytes) {
  TempDir tmp;
  GitRepo repo(tmp.path() + "/r");
  repo.write("blob", "x\n");
  std::string blob = trimmed(repo.git({"hash-object", "-w", "blob"}));
  std::string longpath;
  for (int i = 0; i < 25; ++i) longpath += std::string(200, static_cast<char>('a' + i)) + "/";
  longpath += "m.py";  // 5029 bytes
  repo.git({"update-index", "--add", "--cacheinfo", "100644," + blob + "," + longpath});
  repo.git({"update-index", "--add", "--cacheinfo", "100644," + blob + ",zz.py"});
  for (const char* version : {"2", "4"}) {
    repo.git({"update-index", "--index-version", version});
    std::string bytes = index_bytes(repo);
    ASSERT_EQ(version_of(bytes), static_cast<std::uint32_t>(std::stoi(version)));
    auto index = parse_index_file(bytes);
    ASSERT_TRUE(index) << "format " << version;
    ASSERT_EQ(index->entries.size(), 2u);
    EXPECT_EQ(index->entries[0].path, longpath);
    EXPECT_EQ(index->entries[0].path.size(), 5029u);
    EXPECT_EQ(index->entries[1].path, "zz.py");
    EXPECT_EQ(rows_of(*index), ls_files(repo));
  }
}

TEST(IndexFile, ConflictStages) {
  TempDir tmp;
  GitRepo repo(tmp.path() + "/r");
  repo.write("m.py", "base\n");
  repo.write("other.py", "o\n");
  repo.commit_all("base");
  repo.git({"checkout", "-q", "-b", "theirs"});
  repo.write("m.py", "theirs\n");
  repo.commit_all("theirs");
  repo.git({"checkout", "-q", "develop"});
  repo.write("m.py", "ours\n");
  repo.commit_all("ours");
  repo.git({"merge", "theirs"}, /*allow_failure=*/true);

  auto index = parse_repo_index(repo);
  ASSERT_TRUE(index);
  std::vector<Row> rows = ls_files(repo);
  EXPECT_EQ(rows_of(*index), rows);
  ASSERT_EQ(index->entries.size(), 4u);
  EXPECT_EQ(index->entries[0].path, "m.py");
  EXPECT_EQ(index->entries[0].stage, 1);
  EXPECT_EQ(index->entries[0].id.hex(), rev(repo, "develop~1:m.py"));
  EXPECT_EQ(index->entries[1].stage, 2);
  EXPECT_EQ(index->entries[1].id.hex(), rev(repo, "develop:m.py"));
  EXPECT_EQ(index->entries[2].stage, 3);
  EXPECT_EQ(index->entries[2].id.hex(), rev(repo, "theirs:m.py"));
  EXPECT_EQ(index->entries[3].path, "other.py");
  EXPECT_EQ(index->entries[3].stage, 0);
}

// Optional extensions git may add (end-of-entries, offset table, untracked
// cache, resolve-undo) are skipped; the entries stay the same.
TEST(IndexFile, OptionalExtensionsAreSkipped) {
  TempDir tmp;
  GitRepo repo(tmp.path() + "/r");
  repo.write("a/x.py", "x\n");
  repo.write("b.py", "b\n");
  repo.commit_all("init");
  repo.git({"-c", "core.untrackedCache=true", "-c", "index.recordEndOfIndexEntries=true", "-c",
            "index.recordOffsetTable=true", "-c", "index.threads=2", "update-index", "--untracked-cache", "--force-write-index"});
  repo.git({"-c", "core.untrackedCache=true", "-c", "index.recordEndOfIndexEntries=true", "status", "--porcelain"});
  std::string bytes = index_bytes(repo);
  EXPECT_NE(bytes.find("UNTR"), std::string::npos);
  EXPECT_NE(bytes.find("EOIE"), std::string::npos);
  auto index = parse_index_file(bytes);
  ASSERT_TRUE(index);
  EXPECT_EQ(rows_of(*index), ls_files(repo));
  ASSERT_TRUE(index->cache_tree);
  EXPECT_EQ(index->cache_tree->id.hex(), rev(repo, "HEAD^{tree}"));
}

// ---------------------------------------------------------------------------
// The cache-tree (TREE extension)

void write_tree_base(const GitRepo& repo) {
  repo.write("top.py", "t\n");
  repo.write("a/x.py", "x\n");
  repo.write("a/notes.txt", "n\n");
  repo.write("a/deep/y.py", "y\n");
  repo.write("b/z.py", "z\n");
  repo.write("b/w.py", "w\n");
  repo.commit_all("init");
}

void expect_full_tree(const GitRepo& repo, const CacheTree& root) {
  EXPECT_EQ(root.name, "");
  EXPECT_TRUE(root.valid());
  EXPECT_EQ(root.entry_count, 6);
  EXPECT_EQ(root.id.hex(), rev(repo, "HEAD^{tree}"));
  ASSERT_EQ(root.children.size(), 2u);
  const CacheTree* a = root.child("a");
  const CacheTree* b = root.child("b");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->entry_count, 3);
  EXPECT_EQ(a->id.hex(), rev(repo, "HEAD:a"));
  ASSERT_EQ(a->children.size(), 1u);
  const CacheTree* deep = a->child("deep");
  ASSERT_TRUE(deep);
  EXPECT_EQ(deep->entry_count, 1);
  EXPECT_EQ(deep->id.hex(), rev(repo, "HEAD:a/deep"));
  EXPECT_TRUE(deep->children.empty());
  EXPECT_EQ(b->entry_count, 2);
  EXPECT_EQ(b->id.hex(), rev(repo, "HEAD:b"));
  EXPECT_TRUE(b->children.empty());
  EXPECT_EQ(root.child("deep"), nullptr);
  EXPECT_EQ(root.child("c"), nullptr);
}

TEST(IndexFileCacheTree, ValidAfterCommitReadTreeAndWriteTree) {
  TempDir tmp;
  GitRepo repo(tmp.path() + "/r");
  write_tree_base(repo);
  auto after_commit = parse_repo_index(repo);
  ASSERT_TRUE(after_commit && after_commit->cache_tree);
  expect_full_tree(repo, *after_commit->cache_tree);

  repo.git({"read-tree", "HEAD"});
  auto after_read_tree = parse_repo_index(repo);
  ASSERT_TRUE(after_read_tree && after_read_tree->cache_tree);
  expect_full_tree(repo, *after_read_tree->cache_tree);
}

TEST(IndexFileCacheTree, StagingInvalidatesTheDirectoryAndItsAncestorsOnly) {
  TempDir tmp;
  GitRepo repo(tmp.path() + "/r");
  write_tree_base(repo);
  repo.write("a/x.py", "x changed\n");
  repo.git({"add", "a/x.py"});

  auto index = parse_repo_index(repo);
  ASSERT_TRUE(index && index->cache_tree);
  const CacheTree& root = *index->cache_tree;
  EXPECT_FALSE(root.valid());
  EXPECT_EQ(root.entry_count, -1);
  const CacheTree* a = root.child("a");
  const CacheTree* b = root.child("b");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->entry_count, -1);
  const CacheTree* deep = a->child("deep");
  ASSERT_TRUE(deep);
  EXPECT_EQ(deep->entry_count, 1);  // nothing under a/deep was staged
  EXPECT_EQ(deep->id.hex(), rev(repo, "HEAD:a/deep"));
  EXPECT_TRUE(b->valid());
  EXPECT_EQ(b->entry_count, 2);
  EXPECT_EQ(b->id.hex(), rev(repo, "HEAD:b"));

  // write-tree fills the cache-tree in again, with the staged tree.
  std::string staged_tree = trimmed(repo.git({"write-tree"}));
  auto rewritten = parse_repo_index(repo);
  ASSERT_TRUE(rewritten && rewritten->cache_tree);
  EXPECT_EQ(rewritten->cache_tree->entry_count, 6);
  EXPECT_EQ(rewritten->cache_tree->id.hex(), staged_tree);
  EXPECT_NE(staged_tree, rev(repo, "HEAD^{tree}"));
  ASSERT_TRUE(rewritten->cache_tree->child("a"));
  EXPECT_EQ(rewritten->cache_tree->child("a")->entry_count, 3);
  EXPECT_EQ(rewritten->cache_tree->child("a")->id.hex(), trimmed(repo.git({"rev-parse", staged_tree + ":a"})));
}

TEST(IndexFileCacheTree, NoCacheTreeBeforeAnyTreeIsWritten) {
  TempDir tmp;
  GitRepo repo(tmp.path() + "/r");
  repo.write("a/x.py", "x\n");
  repo.git({"add", "-A"});
  auto index = parse_repo_index(repo);
  ASSERT_TRUE(index);
  ASSERT_EQ(index->entries.size(), 1u);
  EXPECT_FALSE(index->cache_tree);  // git writes no TREE extension until a tree is written
  std::string tree = trimmed(repo.git({"write-tree"}));
  index = parse_repo_index(repo);
  ASSERT_TRUE(index && index->cache_tree);
  EXPECT_EQ(index->cache_tree->id.hex(), tree);
  EXPECT_EQ(index->cache_tree->entry_count, 1);
}

// ---------------------------------------------------------------------------
// What the reader turns down (the caller then asks libgit2)

class IndexFileRejects : public ::testing::Test {
 protected:
  void SetUp() override {
    repo = std::make_unique<GitRepo>(tmp.path() + "/r");
    write_tree_base(*repo);
    bytes = index_bytes(*repo);
    ASSERT_EQ(version_of(bytes), 2u);
    ASSERT_TRUE(parse_index_file(bytes));
  }
  // Where the extensions start: each format 2 entry is 62 bytes, its path and
  // 1 to 8 NULs, a multiple of 8.
  std::size_t entries_end() const {
    std::size_t at = 12;
    for (const auto& row : ls_files(*repo)) at += (62 + std::get<0>(row).size() + 8) & ~std::size_t{7};
    return at;
  }
  TempDir tmp;
  std::unique_ptr<GitRepo> repo;
  std::string bytes;
};

TEST_F(IndexFileRejects, WrongSignature) {
  std::string b = bytes;
  b[3] = 'X';
  EXPECT_FALSE(parse_index_file(b));
  EXPECT_FALSE(parse_index_file(std::string("TREE") + bytes.substr(4)));
}

TEST_F(IndexFileRejects, OtherVersions) {
  for (unsigned char v : {0, 1, 5, 255}) {
    std::string b = bytes;
    b[7] = static_cast<char>(v);
    EXPECT_FALSE(parse_index_file(b)) << "version " << int(v);
  }
  std::string b = bytes;
  b[4] = 1;  // 0x01000002
  EXPECT_FALSE(parse_index_file(b));
}

TEST_F(IndexFileRejects, EveryTruncation) {
  const std::size_t tree_at = entries_end();
  ASSERT_EQ(bytes.substr(tree_at, 4), "TREE");
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    // Cut right after the entries plus 20 bytes, the file reads as an index
    // with no extension (git does not check the trailing hash on read either).
    if (n == tree_at + 20) continue;
    EXPECT_FALSE(parse_index_file(bytes.substr(0, n))) << "truncated to " << n << " of " << bytes.size();
  }
}

TEST_F(IndexFileRejects, Garbage) {
  EXPECT_FALSE(parse_index_file(""));
  EXPECT_FALSE(parse_index_file(std::string(4096, '\0')));
  std::string noise;
  unsigned state = 12345;
  for (int i = 0; i < 4096; ++i) noise.push_back(static_cast<char>((state = state * 1103515245u + 12345u) >> 16));
  EXPECT_FALSE(parse_index_file(noise));
  // A valid header over noise.
  EXPECT_FALSE(parse_index_file(bytes.substr(0, 12) + noise));
  // A count larger than the entries there are.
  std::string b = bytes;
  b[8] = 0x7f;
  EXPECT_FALSE(parse_index_file(b));
  b = bytes;
  b[11] = static_cast<char>(b[11] + 1);
  EXPECT_FALSE(parse_index_file(b));
}

// An extension is inserted before the trailing 20-byte hash.
std::string with_extension(const std::string& bytes, const std::string& signature, const std::string& data) {
  std::string ext = signature;
  std::uint32_t n = static_cast<std::uint32_t>(data.size());
  for (int shift : {24, 16, 8, 0}) ext.push_back(static_cast<char>((n >> shift) & 0xff));
  ext += data;
  return bytes.substr(0, bytes.size() - 20) + ext + bytes.substr(bytes.size() - 20);
}

TEST_F(IndexFileRejects, UnknownRequiredExtensionButNotOptionalOne) {
  EXPECT_FALSE(parse_index_file(with_extension(bytes, "abcd", "xyz")));
  EXPECT_FALSE(parse_index_file(with_extension(bytes, "sdir", "")));
  EXPECT_FALSE(parse_index_file(with_extension(bytes, "link", std::string(20, '\1'))));
  auto optional = parse_index_file(with_extension(bytes, "ZZZZ", "anything"));
  ASSERT_TRUE(optional);
  EXPECT_EQ(rows_of(*optional), ls_files(*repo));
  ASSERT_TRUE(optional->cache_tree);
  EXPECT_EQ(optional->cache_tree->id.hex(), rev(*repo, "HEAD^{tree}"));
  // An extension whose size runs past the end.
  std::string overlong = with_extension(bytes, "ZZZZ", "abc");
  overlong[overlong.size() - 20 - 3 - 1] = 9;
  EXPECT_FALSE(parse_index_file(overlong));
}

// A split index is read with its shared index (more in IndexFileSplit below).
TEST_F(IndexFileRejects, SplitIndex) {
  repo->git({"update-index", "--split-index"});
  std::string split = index_bytes(*repo);
  EXPECT_NE(split.find("link"), std::string::npos);
  // Without a reader of the shared index, it cannot be read.
  EXPECT_FALSE(parse_index_file(split));
  auto merged = parse_index_file(split, shared_reader(repo->dir() + "/.git"));
  ASSERT_TRUE(merged);
  EXPECT_EQ(rows_of(*merged), ls_files(*repo));
  // The shared index it points at is an ordinary index.
  std::vector<std::string> shared;
  for (const auto& entry : fs::directory_iterator(repo->dir() + "/.git"))
    if (entry.path().filename().string().starts_with("sharedindex.")) shared.push_back(entry.path().string());
  ASSERT_EQ(shared.size(), 1u);
  auto base = parse_index_file(read_bytes(shared[0]));
  ASSERT_TRUE(base);
  EXPECT_EQ(rows_of(*base), ls_files(*repo));
}

TEST_F(IndexFileRejects, SparseIndex) {
  repo->git({"sparse-checkout", "init", "--cone", "--sparse-index"});
  repo->git({"sparse-checkout", "set", "a"});
  std::string sparse = index_bytes(*repo);
  EXPECT_NE(sparse.find("sdir"), std::string::npos);
  EXPECT_FALSE(parse_index_file(sparse));
  // Neither this reader nor libgit2 reads it: a one-line reason with the way out, not libgit2's message.
  Repository opened = Repository::open(repo->dir());
  try {
    (void)opened.index_snapshot();
    ADD_FAILURE() << "a sparse index was read";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "the index is a sparse index (index.sparse), which hook-check cannot read yet: "
              "`git sparse-checkout disable` or `git config index.sparse false`, and run again");
  }
}

TEST_F(IndexFileRejects, SplitIndexIsReadByAWorkingTreeCheckUnlessLibgit2MustReadIt) {
  repo->git({"update-index", "--split-index"});
  repo->write("b/late.py", "x = 1\n");
  repo->git({"add", "b/late.py"});
  auto parsed = parse_index_file(index_bytes(*repo), shared_reader(repo->dir() + "/.git"));
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->split);
  Repository opened = Repository::open(repo->dir());
  EXPECT_EQ(opened.staged_paths(opened.head_commit()), std::vector<std::string>{"b/late.py"});
  // The working tree is compared with the index as this reader reads it.
  Snapshot worktree = opened.worktree_snapshot();
  const SnapshotFile* late = worktree.find("b/late.py");
  ASSERT_NE(late, nullptr);
  EXPECT_EQ(late->id, hash_bytes_as_blob("x = 1\n"));
  // An intent-to-add entry is left to libgit2's status, which cannot read a split index.
  repo->write("b/later.py", "y = 2\n");
  repo->git({"add", "-N", "b/later.py"});
  Repository reopened = Repository::open(repo->dir());
  try {
    (void)reopened.worktree_snapshot();
    ADD_FAILURE() << "libgit2 read a split index";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "the index is a split index, which a working-tree check cannot read yet: "
              "use `hook-check check --staged`, or `git update-index --no-split-index`");
  }
}

// ---------------------------------------------------------------------------
// Split indexes (`git update-index --split-index`, core.splitIndex)

std::uint32_t be32_at(const std::string& bytes, std::size_t at) {
  auto b = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes.at(at + i))); };
  return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
}

std::string be32_bytes(std::uint32_t n) {
  std::string out;
  for (int shift : {24, 16, 8, 0}) out.push_back(static_cast<char>((n >> shift) & 0xff));
  return out;
}

std::string be64_bytes(std::uint64_t n) {
  return be32_bytes(static_cast<std::uint32_t>(n >> 32)) + be32_bytes(static_cast<std::uint32_t>(n));
}

// The id of the shared index the split index at `bytes` names, read from its
// "link" extension, and where that extension's data starts.
struct Link {
  std::size_t at = std::string::npos;  // the data: the id, then the two bitmaps
  std::uint32_t size = 0;
  std::string hex;
};

Link find_link(const std::string& bytes, const std::string& git_dir) {
  // The extension whose 20 bytes after the header name a sharedindex.<id> in the git dir.
  for (std::size_t at = bytes.find("link"); at != std::string::npos; at = bytes.find("link", at + 1)) {
    if (at + 8 + 20 > bytes.size()) break;
    std::string hex;
    static const char* digits = "0123456789abcdef";
    for (std::size_t i = 0; i < 20; ++i) {
      unsigned char c = static_cast<unsigned char>(bytes[at + 8 + i]);
      hex += digits[c >> 4];
      hex += digits[c & 15];
    }
    if (fs::exists(git_dir + "/sharedindex." + hex)) return {at + 8, be32_at(bytes, at + 4), hex};
  }
  return {};
}

// The number of bits (one past the last set bit) of the delete and the replace bitmaps.
std::pair<std::uint32_t, std::uint32_t> bitmap_sizes(const std::string& bytes, const Link& link) {
  std::size_t deletes = link.at + 20;
  std::size_t replaces = deletes + 8 + 8 * std::size_t{be32_at(bytes, deletes + 4)} + 4;
  return {be32_at(bytes, deletes), be32_at(bytes, replaces)};
}

// The index with the link extension's data replaced by `data`.
std::string with_link_data(const std::string& bytes, const Link& link, const std::string& data) {
  return bytes.substr(0, link.at - 4) + be32_bytes(static_cast<std::uint32_t>(data.size())) + data +
         bytes.substr(link.at + link.size);
}

class IndexFileSplit : public ::testing::Test {
 protected:
  void SetUp() override {
    repo = std::make_unique<GitRepo>(tmp.path() + "/r");
    write_base(*repo);
    repo->commit_all("base");
    // git writes a new shared index when over 20% of the entries are not in
    // the shared one; the tests here keep the one they start with.
    repo->git({"config", "splitIndex.maxPercentChange", "100"});
    repo->git({"update-index", "--split-index"});
  }
  std::string git_dir() const { return repo->dir() + "/.git"; }
  // Deletions (git rm), replacements (modified files) and additions, so that
  // both bitmaps have bits and the added entries land between shared ones.
  void change_much() const {
    repo->write("a/x.py", "X = 2\n");
    repo->write("b/z.py", "Z = 2\n");
    repo->write("shop/migrations/0001_initial.py", migration_source({}, "    # changed\n"));
    repo->git({"add", "a/x.py", "b/z.py", "shop/migrations/0001_initial.py"});
    repo->git({"rm", "-q", "lib/util.py", "c.py"});
    repo->git({"rm", "-q", "--cached", "README.md"});
    repo->write("0first.py", "F = 1\n");
    repo->write("a/deep/new.py", "N = 1\n");
    repo->write("zz/last.py", "L = 1\n");
    repo->git({"add", "0first.py", "a/deep/new.py", "zz/last.py"});
  }
  // What the reader returns is what git lists, and what Repository reads is what git diffs.
  void expect_as_git(const std::string& when) const {
    auto index = parse_repo_index(*repo);
    ASSERT_TRUE(index) << when;
    EXPECT_EQ(rows_of(*index), ls_files(*repo)) << when;
    Repository r = Repository::open(repo->dir());
    EXPECT_EQ(r.staged_paths(r.head_commit()), git_staged(*repo)) << when;
    EXPECT_EQ(files_of(r.index_snapshot()), git_index_files(*repo)) << when;
  }
  TempDir tmp;
  std::unique_ptr<GitRepo> repo;
};

TEST_F(IndexFileSplit, BothBitmapsAfterAddsRemovalsAndChanges) {
  Link link = find_link(index_bytes(*repo), git_dir());
  ASSERT_NE(link.at, std::string::npos);
  expect_as_git("right after --split-index");

  change_much();
  std::string bytes = index_bytes(*repo);
  Link after = find_link(bytes, git_dir());
  ASSERT_NE(after.at, std::string::npos);
  EXPECT_EQ(after.hex, link.hex);  // the same shared index
  auto [deletes, replaces] = bitmap_sizes(bytes, after);
  EXPECT_GT(deletes, 0u);
  EXPECT_GT(replaces, 0u);
  expect_as_git("after adds, removals and changes");
  auto index = parse_repo_index(*repo);
  ASSERT_TRUE(index);
  for (const auto& e : index->entries) EXPECT_FALSE(e.path.empty());
  EXPECT_EQ(git_staged(*repo), (std::vector<std::string>{"0first.py", "a/deep/new.py", "a/x.py", "b/z.py", "c.py",
                                                         "lib/util.py", "shop/migrations/0001_initial.py",
                                                         "zz/last.py"}));

  // A new shared index (what --split-index does when the index is split
  // already), then changes to entries that are in it and to ones that are not.
  repo->git({"update-index", "--split-index"});
  Link renewed = find_link(index_bytes(*repo), git_dir());
  ASSERT_NE(renewed.at, std::string::npos);
  EXPECT_NE(renewed.hex, link.hex);
  expect_as_git("in a new shared index");
  repo->write("0first.py", "F = 2\n");
  repo->write("top.py", "TOP = 2\n");
  repo->git({"add", "0first.py", "top.py"});
  repo->git({"rm", "-q", "-f", "zz/last.py", "b/w.py"});
  repo->write("b/again.py", "A = 1\n");
  repo->git({"add", "b/again.py"});
  repo->git({"update-index", "--chmod=+x", "a/deep/y.py"});
  bytes = index_bytes(*repo);
  Link last = find_link(bytes, git_dir());
  ASSERT_NE(last.at, std::string::npos);
  EXPECT_EQ(last.hex, renewed.hex);
  auto [deletes2, replaces2] = bitmap_sizes(bytes, last);
  EXPECT_GT(deletes2, 0u);
  EXPECT_GT(replaces2, 0u);
  expect_as_git("after more changes");

  // The cache-tree is the split file's: write-tree fills it in.
  std::string tree = trimmed(repo->git({"write-tree"}));
  index = parse_repo_index(*repo);
  ASSERT_TRUE(index && index->cache_tree);
  EXPECT_EQ(index->cache_tree->id.hex(), tree);
  EXPECT_EQ(rows_of(*index), ls_files(*repo));
}

// With core.splitIndex, every write is split, including the merge's stages.
TEST_F(IndexFileSplit, ConflictedMergeAndItsResolution) {
  repo->git({"config", "core.splitIndex", "true"});
  repo->git({"checkout", "-q", "-b", "theirs"});
  repo->write("a/x.py", "X = 'theirs'\n");
  repo->write("b/w.py", "W = 'theirs'\n");
  repo->write("lib/added_by_them.py", "T = 1\n");
  repo->commit_all("theirs");
  repo->git({"checkout", "-q", "develop"});
  repo->write("a/x.py", "X = 'ours'\n");
  repo->git({"rm", "-q", "c.py"});
  repo->commit_all("ours");
  repo->git({"merge", "theirs"}, /*allow_failure=*/true);
  ASSERT_NE(find_link(index_bytes(*repo), git_dir()).at, std::string::npos);
  std::vector<Row> rows = ls_files(*repo);
  ASSERT_EQ(std::count_if(rows.begin(), rows.end(), [](const Row& r) { return std::get<2>(r) != 0; }), 3);
  expect_as_git("during the conflict");
  repo->git({"update-index", "--split-index"});  // a new shared index, with the stages in it
  expect_as_git("during the conflict, in a new shared index");

  repo->write("a/x.py", "X = 'both'\n");
  repo->git({"add", "a/x.py"});  // stage 0 ends the conflict
  ASSERT_NE(find_link(index_bytes(*repo), git_dir()).at, std::string::npos);
  expect_as_git("resolved");
  repo->git({"commit", "-q", "--no-edit"});
  expect_as_git("committed");
}

TEST_F(IndexFileSplit, Format4) {
  repo->git({"update-index", "--index-version", "4"});  // git writes the whole index then
  repo->git({"update-index", "--split-index"});
  change_much();
  std::string bytes = index_bytes(*repo);
  ASSERT_EQ(version_of(bytes), 4u);
  Link link = find_link(bytes, git_dir());
  ASSERT_NE(link.at, std::string::npos);
  auto [deletes, replaces] = bitmap_sizes(bytes, link);
  EXPECT_GT(deletes, 0u);
  EXPECT_GT(replaces, 0u);
  expect_as_git("format 4");
}

// The index GIT_INDEX_FILE names is split too; its shared index is in the git dir.
TEST_F(IndexFileSplit, GitIndexFileElsewhere) {
  const std::string other = tmp.path() + "/other-index";
  fs::copy_file(git_dir() + "/index", other);
  repo->write("a/x.py", "X = 'other'\n");
  ProcessResult add = run_process({"git", "add", "a/x.py"}, repo->dir(), "", {{"GIT_INDEX_FILE", other}});
  ASSERT_EQ(add.status, 0) << add.err;
  std::string bytes = read_bytes(other);
  ASSERT_NE(find_link(bytes, git_dir()).at, std::string::npos);
  auto index = parse_index_file(bytes, shared_reader(git_dir()));
  ASSERT_TRUE(index);
  std::string other_id = trimmed(repo->git({"hash-object", "a/x.py"}));

  IndexFileEnv env(other);
  Repository r = Repository::open(repo->dir());
  EXPECT_EQ(r.staged_paths(r.head_commit()), std::vector<std::string>{"a/x.py"});
  EXPECT_EQ(r.index_snapshot().find("a/x.py")->id.hex(), other_id);
  EXPECT_EQ(r.index_snapshot().size(), git_index_files(*repo).size());
}

TEST_F(IndexFileSplit, DamagedLinkExtension) {
  change_much();
  const std::string bytes = index_bytes(*repo);
  const Link link = find_link(bytes, git_dir());
  ASSERT_NE(link.at, std::string::npos);
  const SharedIndexReader reader = shared_reader(git_dir());
  ASSERT_TRUE(parse_index_file(bytes, reader));
  ASSERT_TRUE(parse_index_file(with_link_data(bytes, link, bytes.substr(link.at, link.size)), reader));
  const std::string data = bytes.substr(link.at, link.size);

  // Every truncation of the extension, and bytes after its bitmaps.
  for (std::size_t n = 0; n < data.size(); ++n)
    EXPECT_FALSE(parse_index_file(with_link_data(bytes, link, data.substr(0, n)), reader)) << "cut to " << n;
  EXPECT_FALSE(parse_index_file(with_link_data(bytes, link, data + std::string(4, '\0')), reader));

  // The shared index here has fewer than 64 entries: each bitmap is one
  // run-length word (no run, one literal word) and the literal word.
  const std::size_t deletes = 20, replaces = deletes + 8 + 8 * 2 + 4;
  ASSERT_EQ(be32_at(data, deletes + 4), 2u);
  ASSERT_EQ(be32_at(data, replaces + 4), 2u);
  ASSERT_EQ(data.size(), replaces + 8 + 8 * 2 + 4);
  ASSERT_EQ(data.substr(deletes + 8, 8), be64_bytes(std::uint64_t{1} << 33));
  ASSERT_EQ(data.substr(replaces + 8, 8), be64_bytes(std::uint64_t{1} << 33));
  auto damaged = [&](std::size_t at, const std::string& replacement) {
    std::string d = data;
    d.replace(at, replacement.size(), replacement);
    return parse_index_file(with_link_data(bytes, link, d), reader);
  };
  // A word count past the extension's end.
  EXPECT_FALSE(damaged(deletes + 4, be32_bytes(0xffffffffu)));
  EXPECT_FALSE(damaged(replaces + 4, be32_bytes(3)));
  // A run-length word announcing more literal words than there are.
  EXPECT_FALSE(damaged(deletes + 8, be64_bytes(std::uint64_t{2} << 33)));
  EXPECT_FALSE(damaged(replaces + 8, be64_bytes(std::uint64_t{0x7fffffff} << 33)));
  // A run of 64 set bits, past the shared index's entries.
  EXPECT_FALSE(damaged(deletes + 8, be64_bytes(std::uint64_t{1} << 33 | 1 << 1 | 1)));
  // A set bit past the shared index's entries.
  const std::uint64_t delete_bits = std::uint64_t{be32_at(data, deletes + 16)} << 32 | be32_at(data, deletes + 20);
  const std::uint64_t replace_bits = std::uint64_t{be32_at(data, replaces + 16)} << 32 | be32_at(data, replaces + 20);
  ASSERT_NE(delete_bits, 0u);
  ASSERT_NE(replace_bits, 0u);
  ASSERT_EQ(delete_bits & replace_bits, 0u);
  EXPECT_FALSE(damaged(deletes + 16, be64_bytes(delete_bits | std::uint64_t{1} << 63)));
  EXPECT_FALSE(damaged(replaces + 16, be64_bytes(replace_bits | std::uint64_t{1} << 63)));
  // One replacement more than the entries without a path (a deleted entry
  // marked replaced instead), or one fewer.
  const std::uint64_t a_deleted = delete_bits & -delete_bits;
  std::string more = data;
  more.replace(deletes + 16, 8, be64_bytes(delete_bits ^ a_deleted));
  more.replace(replaces + 16, 8, be64_bytes(replace_bits | a_deleted));
  EXPECT_FALSE(parse_index_file(with_link_data(bytes, link, more), reader));
  EXPECT_FALSE(damaged(replaces + 16, be64_bytes(replace_bits & (replace_bits - 1))));
  // Marked both replaced and deleted: git replaces, then deletes.
  auto both = damaged(deletes + 16, be64_bytes(delete_bits | (replace_bits & -replace_bits)));
  ASSERT_TRUE(both);
  EXPECT_EQ(both->entries.size(), ls_files(*repo).size() - 1);
  // No bitmaps at all (git has nothing to merge with), and no shared index
  // (an id of zeros) while the file has entries without a path.
  EXPECT_FALSE(parse_index_file(with_link_data(bytes, link, data.substr(0, 20)), reader));
  EXPECT_FALSE(damaged(0, std::string(20, '\0')));

  // A shared index other than the one named (its trailing hash is its id).
  const std::string shared = read_bytes(git_dir() + "/sharedindex." + link.hex);
  auto reading = [](const std::string& shared_bytes) {
    return [shared_bytes](const std::string&) { return std::optional<std::string>(shared_bytes); };
  };
  EXPECT_TRUE(parse_index_file(bytes, reading(shared)));
  std::string other = shared;
  other.back() = static_cast<char>(other.back() ^ 1);
  EXPECT_FALSE(parse_index_file(bytes, reading(other)));
  // A shared index that is itself split (with_extension keeps its trailing hash).
  ASSERT_TRUE(parse_index_file(with_extension(shared, "ZZZZ", "")));
  EXPECT_FALSE(parse_index_file(bytes, reading(with_extension(shared, "link", std::string(20, '\0')))));
  EXPECT_TRUE(parse_index_file(bytes, reading(with_extension(shared, "ZZZZ", ""))));
  // A shared index that is sparse.
  EXPECT_FALSE(parse_index_file(bytes, reading(with_extension(shared, "sdir", ""))));
}

TEST_F(IndexFileSplit, MissingSharedIndex) {
  change_much();
  const std::string bytes = index_bytes(*repo);
  const Link link = find_link(bytes, git_dir());
  ASSERT_NE(link.at, std::string::npos);
  ASSERT_TRUE(parse_repo_index(*repo));
  fs::remove(git_dir() + "/sharedindex." + link.hex);
  EXPECT_FALSE(parse_repo_index(*repo));
  EXPECT_FALSE(parse_index_file(bytes, [](const std::string&) { return std::optional<std::string>(); }));
  EXPECT_FALSE(parse_index_file(bytes, [](const std::string&) { return std::optional<std::string>(""); }));
  // git cannot read the index either; nor can Repository, and it says so.
  EXPECT_NE(run_process({"git", "ls-files", "-s"}, repo->dir()).status, 0);
  Repository r = Repository::open(repo->dir());
  EXPECT_ANY_THROW(r.index_snapshot());
}

// ---------------------------------------------------------------------------
// Repository::staged_paths and Repository::index_snapshot in many index states

struct State {
  const char* name;
  void (*apply)(const GitRepo&);
  std::vector<std::string> staged;  // what `git diff --cached` names, of the tracked kinds
  bool fast = true;                 // the index is one parse_index_file reads
  std::vector<std::string> intent_to_add = {};
};

void nothing(const GitRepo&) {}
void deep_new_file(const GitRepo& r) {
  r.write("a/deep/er/and/deeper/new.py", "N = 1\n");
  r.git({"add", "a/deep/er/and/deeper/new.py"});
}
void modified_file(const GitRepo& r) {
  r.write("a/deep/y.py", "Y = 2\n");
  r.git({"add", "a/deep/y.py"});
}
void modified_not_staged(const GitRepo& r) {
  r.write("a/deep/y.py", "Y = 2\n");
  r.write("b/new.py", "untracked\n");
}
void other_kinds_only(const GitRepo& r) {
  r.write("a/notes.txt", "changed\n");
  r.write("README.md", "changed\n");
  r.git({"add", "-A"});
}
void deleted_file(const GitRepo& r) { r.git({"rm", "-q", "b/z.py"}); }
void deleted_directory(const GitRepo& r) { r.git({"rm", "-q", "-r", "a"}); }
void file_to_directory(const GitRepo& r) {
  r.git({"rm", "-q", "c.py", "tools"});
  r.write("c.py/inner.py", "I = 1\n");
  r.write("tools/__init__.py", "");
  r.git({"add", "c.py", "tools"});
}
void directory_to_file(const GitRepo& r) {
  r.git({"rm", "-q", "-r", "d.py", "lib"});
  r.write("d.py", "D = 1\n");
  r.write("lib", "now a file\n");
  r.git({"add", "d.py", "lib"});
}
void mode_change(const GitRepo& r) {
  fs::permissions(r.dir() + "/b/w.py", fs::perms::owner_exec, fs::perm_options::add);
  r.git({"add", "b/w.py"});
}
void mode_change_update_index(const GitRepo& r) { r.git({"update-index", "--chmod=+x", "top.py"}); }
void renamed_file(const GitRepo& r) { r.git({"mv", "b/w.py", "a/deep/w.py"}); }
void intent_to_add(const GitRepo& r) {
  r.write("b/later.py", "L = 1\n");
  r.git({"add", "-N", "b/later.py"});
}
void conflicted_merge(const GitRepo& r) {
  r.git({"checkout", "-q", "-b", "theirs"});
  r.write("a/x.py", "X = 'theirs'\n");
  r.write("b/w.py", "W = 'theirs, merges cleanly'\n");
  r.write("lib/added_by_them.py", "T = 1\n");
  r.commit_all("theirs");
  r.git({"checkout", "-q", "develop"});
  r.write("a/x.py", "X = 'ours'\n");
  r.commit_all("ours");
  r.git({"merge", "theirs"}, /*allow_failure=*/true);
}
void split_index(const GitRepo& r) {
  r.git({"update-index", "--split-index"});
  r.write("a/deep/y.py", "Y = 2\n");
  r.write("b/new.py", "B = 1\n");
  r.git({"add", "a/deep/y.py", "b/new.py"});
}
void format_4(const GitRepo& r) {
  r.git({"update-index", "--index-version", "4"});
  r.write("a/deep/y.py", "Y = 2\n");
  r.write("a/deep/z.py", "Z = 2\n");
  r.git({"rm", "-q", "lib/util.py"});
  r.git({"add", "a/deep"});
}
void format_4_nothing(const GitRepo& r) { r.git({"update-index", "--index-version", "4"}); }
void after_read_tree(const GitRepo& r) {
  r.write("b/z.py", "Z = 2\n");
  r.git({"add", "b/z.py"});
  r.git({"read-tree", "HEAD"});  // unstages everything, with a full cache-tree
}
void staged_then_write_tree(const GitRepo& r) {
  r.write("b/z.py", "Z = 2\n");
  r.git({"add", "b/z.py"});
  r.git({"write-tree"});  // the cache-tree now names the staged trees, not HEAD's
}
void staged_then_reverted(const GitRepo& r) {
  r.write("a/x.py", "X = 2\n");
  r.git({"add", "a/x.py"});
  r.write("a/x.py", "X = 1\n");
  r.git({"add", "a/x.py"});  // the index matches HEAD again, the cache-tree of a/ is invalid
}
void pyproject_and_migration(const GitRepo& r) {
  r.write("pyproject.toml", "[project]\nname = \"q\"\n");
  r.write("shop/migrations/0002_more.py", migration_source({{"shop", "0001_initial"}}));
  r.git({"add", "-A"});
}

std::vector<State> states() {
  return {
      {"Nothing", nothing, {}},
      {"DeepNewFile", deep_new_file, {"a/deep/er/and/deeper/new.py"}},
      {"ModifiedFile", modified_file, {"a/deep/y.py"}},
      {"WorkingTreeChangesOnly", modified_not_staged, {}},
      {"OtherKindsOnly", other_kinds_only, {}},
      {"DeletedFile", deleted_file, {"b/z.py"}},
      {"DeletedDirectory", deleted_directory, {"a/deep/y.py", "a/x.py"}},
      {"FileToDirectory", file_to_directory, {"c.py", "c.py/inner.py", "tools/__init__.py"}},
      {"DirectoryToFile", directory_to_file, {"d.py", "d.py/m.py", "lib/util.py"}},
      {"ModeChange", mode_change, {"b/w.py"}},
      {"ModeChangeUpdateIndex", mode_change_update_index, {"top.py"}},
      {"RenamedFile", renamed_file, {"a/deep/w.py", "b/w.py"}},
      {"IntentToAdd", intent_to_add, {}, true, {"b/later.py"}},
      {"ConflictedMerge", conflicted_merge, {"a/x.py", "b/w.py", "lib/added_by_them.py"}},
      {"SplitIndex", split_index, {"a/deep/y.py", "b/new.py"}},
      {"Format4", format_4, {"a/deep/y.py", "a/deep/z.py", "lib/util.py"}},
      {"Format4Nothing", format_4_nothing, {}},
      {"AfterReadTree", after_read_tree, {}},
      {"StagedThenWriteTree", staged_then_write_tree, {"b/z.py"}},
      {"StagedThenReverted", staged_then_reverted, {}},
      {"PyprojectAndMigration", pyproject_and_migration, {"pyproject.toml", "shop/migrations/0002_more.py"}},
  };
}

void PrintTo(const State& s, std::ostream* os) { *os << s.name; }

class IndexStates : public ::testing::TestWithParam<State> {};

TEST_P(IndexStates, StagedPathsAreGitDiffCached) {
  const State& s = GetParam();
  TempDir tmp;
  GitRepo repo(tmp.path() + "/r");
  write_base(repo);
  repo.commit_all("base");
  s.apply(repo);

  ASSERT_EQ(git_staged(repo), s.staged) << "git itself disagrees with the state's expectation";
  EXPECT_EQ(parse_repo_index(repo).has_value(), s.fast);
  Repository r = Repository::open(repo.dir());
  EXPECT_EQ(r.staged_paths(r.head_commit()), s.staged);
}

TEST_P(IndexStates, IndexSnapshotIsTheIndex) {
  const State& s = GetParam();
  TempDir tmp;
  GitRepo repo(tmp.path() + "/r");
  write_base(repo);
  repo.commit_all("base");
  s.apply(repo);

  // An intent-to-add entry is known, not staged: `git commit` leaves it out,
  // as git write-tree does (checked below where a tree can be written).
  std::map<std::string, std::string> expected = git_index_files(repo, s.intent_to_add);
  Repository r = Repository::open(repo.dir());
  EXPECT_EQ(files_of(r.index_snapshot()), expected);
  EXPECT_EQ(r.index_snapshot().name, "staged");
  if (std::string(s.name) != "ConflictedMerge") {
    std::string tree = trimmed(repo.git({"write-tree"}));
    std::map<std::string, std::string> committed;
    for (const auto& line : lines_of(repo.git({"ls-tree", "-r", tree}))) {
      std::string path = line.substr(line.find('\t') + 1);
      if (is_tracked_kind(path)) committed[path] = line.substr(line.find(' ', 7) + 1, 40);
    }
    EXPECT_EQ(expected, committed);
  }
}

// The tracked blobs of a commit as `git ls-tree -r` lists them.
std::map<std::string, std::string> git_tree_files(const GitRepo& repo, const std::string& rev) {
  std::map<std::string, std::string> out;
  for (const auto& line : lines_of(repo.git({"ls-tree", "-r", rev}))) {
    // "<mode> <type> <id>\t<path>"
    std::size_t tab = line.find('\t');
    std::istringstream fields(line.substr(0, tab));
    std::string mode, type, id;
    fields >> mode >> type >> id;
    std::string path = line.substr(tab + 1);
    if (type == "blob" && is_tracked_kind(path)) out[path] = id;
  }
  return out;
}

// commit_snapshot may take the files of a directory from the index where the
// cache-tree names the commit's tree: it must still be the commit's files.
TEST_P(IndexStates, CommitSnapshotIsTheCommit) {
  const State& s = GetParam();
  TempDir tmp;
  GitRepo repo(tmp.path() + "/r");
  write_base(repo);
  repo.commit_all("base");
  std::string base = rev(repo, "HEAD");
  repo.write("b/z.py", "Z = 'second'\n");
  repo.commit_all("second");
  s.apply(repo);

  Repository r = Repository::open(repo.dir());
  for (const std::string& commit : {rev(repo, "HEAD"), base}) {
    Snapshot snap = r.commit_snapshot(*r.resolve_commit(commit), "c");
    EXPECT_EQ(files_of(snap), git_tree_files(repo, commit)) << commit;
    EXPECT_EQ(snap.name, "c");
  }
}

INSTANTIATE_TEST_SUITE_P(States, IndexStates, ::testing::ValuesIn(states()),
                         [](const ::testing::TestParamInfo<State>& info) { return std::string(info.param.name); });

// The staged diff against the commit that is not HEAD (an older one): the
// cache-tree names HEAD's trees, and must not hide a difference from the older one.
TEST(IndexStagedPaths, AgainstAnOlderCommit) {
  TempDir tmp;
  GitRepo repo(tmp.path() + "/r");
  write_base(repo);
  repo.commit_all("base");
  std::string base = rev(repo, "HEAD");
  repo.write("b/z.py", "Z = 2\n");
  repo.write("a/deep/new.py", "");
  repo.commit_all("second");
  repo.git({"read-tree", "HEAD"});
  auto index = parse_repo_index(repo);
  ASSERT_TRUE(index && index->cache_tree && index->cache_tree->valid());

  Repository r = Repository::open(repo.dir());
  ObjectId older = *r.resolve_commit(base);
  std::vector<std::string> expected = {"a/deep/new.py", "b/z.py"};
  std::vector<std::string> from_git;
  for (auto& p : lines_of(repo.git({"diff", "--cached", "--name-only", "--no-renames", base})))
    if (is_tracked_kind(p)) from_git.push_back(p);
  ASSERT_EQ(sorted(from_git), expected);
  EXPECT_EQ(r.staged_paths(older), expected);
  EXPECT_EQ(r.staged_paths(r.head_commit()), std::vector<std::string>{});
}

TEST(IndexStagedPaths, NoCommitYet) {
  TempDir tmp;
  GitRepo repo(tmp.path() + "/r");
  write_base(repo);
  repo.git({"add", "-A"});
  repo.git({"rm", "-q", "--cached", "c.py"});
  std::vector<std::string> expected = {"a/deep/y.py", "a/x.py", "b/w.py", "b/z.py", "d.py/m.py", "lib/util.py",
                                       "pyproject.toml", "shop/migrations/0001_initial.py",
                                       "shop/migrations/__init__.py", "top.py"};
  ASSERT_EQ(git_staged(repo, /*has_head=*/false), expected);
  Repository r = Repository::open(repo.dir());
  ASSERT_FALSE(r.head_commit());
  EXPECT_EQ(r.staged_paths(std::nullopt), expected);
  EXPECT_EQ(files_of(r.index_snapshot()), git_index_files(repo));
  EXPECT_EQ(r.index_snapshot().size(), 10u);
}

TEST(IndexStagedPaths, NoIndexAtAll) {
  TempDir tmp;
  GitRepo repo(tmp.path() + "/r");
  ASSERT_FALSE(fs::exists(repo.dir() + "/.git/index"));
  Repository r = Repository::open(repo.dir());
  EXPECT_EQ(r.staged_paths(std::nullopt), std::vector<std::string>{});
  EXPECT_TRUE(r.index_snapshot().empty());
}

// Requirement files are of the tracked kinds (they pin Django's version).
TEST(IndexStagedPaths, RequirementsFiles) {
  TempDir tmp;
  GitRepo repo(tmp.path() + "/r");
  write_base(repo);
  repo.commit_all("base");
  repo.write("requirements.txt", "Django==4.2\n");
  repo.write("requirements/requirements-dev.in", "pytest\n");
  repo.write("requirements/dev.in", "not a requirements name\n");
  repo.write("sub/requirements.txt", "not at the top\n");
  repo.git({"add", "-A"});
  std::vector<std::string> expected = {"requirements.txt", "requirements/requirements-dev.in"};
  ASSERT_EQ(git_staged(repo), expected);
  Repository r = Repository::open(repo.dir());
  EXPECT_EQ(r.staged_paths(r.head_commit()), expected);
}

// A submodule is a commit in the tree, not a file, whatever its name.
TEST(IndexCommitSnapshot, GitlinkIsNotAFile) {
  TempDir tmp;
  GitRepo repo(tmp.path() + "/r");
  write_base(repo);
  repo.git({"add", "-A"});
  repo.git({"update-index", "--add", "--cacheinfo", "160000,0123456789abcdef0123456789abcdef01234567,vendor.py"});
  repo.git({"commit", "-q", "-m", "with a submodule"});
  repo.git({"read-tree", "HEAD"});
  auto index = parse_repo_index(repo);
  ASSERT_TRUE(index && index->cache_tree && index->cache_tree->valid());
  std::map<std::string, std::string> expected = git_tree_files(repo, "HEAD");
  ASSERT_EQ(expected.count("vendor.py"), 0u);
  ASSERT_EQ(expected.size(), 11u);
  Repository r = Repository::open(repo.dir());
  EXPECT_EQ(files_of(r.commit_snapshot(*r.head_commit(), "HEAD")), expected);
}

// ---------------------------------------------------------------------------
// GIT_INDEX_FILE

TEST(IndexFileEnvironment, GitIndexFileIsReadInsteadOfTheGitDirs) {
  TempDir tmp;
  GitRepo repo(tmp.path() + "/r");
  write_base(repo);
  repo.commit_all("base");
  // Another index, as `git commit -a` prepares one: a/x.py changed in it only.
  fs::copy_file(repo.dir() + "/.git/index", repo.dir() + "/.git/other-index");
  repo.write("a/x.py", "X = 'other'\n");
  ProcessResult add = run_process({"git", "add", "a/x.py"}, repo.dir(), "", {{"GIT_INDEX_FILE", ".git/other-index"}});
  ASSERT_EQ(add.status, 0) << add.err;
  std::string other_id = trimmed(repo.git({"hash-object", "a/x.py"}));
  std::string head_id = rev(repo, "HEAD:a/x.py");

  {
    Repository plain = Repository::open(repo.dir());
    EXPECT_EQ(plain.index_path(), repo.dir() + "/.git/index");
    EXPECT_EQ(plain.staged_paths(plain.head_commit()), std::vector<std::string>{});
    EXPECT_EQ(plain.index_snapshot().find("a/x.py")->id.hex(), head_id);
    EXPECT_TRUE(plain.worktree_snapshot().find("a/x.py")->on_disk);
  }
  {
    IndexFileEnv env(repo.dir() + "/.git/other-index");
    Repository r = Repository::open(repo.dir());
    EXPECT_EQ(r.index_path(), repo.dir() + "/.git/other-index");
    EXPECT_EQ(r.staged_paths(r.head_commit()), std::vector<std::string>{"a/x.py"});
    EXPECT_EQ(r.index_snapshot().find("a/x.py")->id.hex(), other_id);
    // The working tree is seen against that index too: a/x.py is not modified there.
    EXPECT_FALSE(r.worktree_snapshot().find("a/x.py")->on_disk);
  }
}

// git names the index in GIT_INDEX_FILE for every pre-commit hook, plain
// `git commit` included (GIT_INDEX_FILE=.git/index): naming the git dir's own
// index must read it as not naming it does. Its trailing hash is damaged here,
// which git does not check on read (nor does parse_index_file).
TEST(IndexFileEnvironment, NamingTheGitDirsIndexReadsItTheSame) {
  TempDir tmp;
  GitRepo repo(tmp.path() + "/r");
  write_base(repo);
  repo.commit_all("base");
  repo.write("a/x.py", "X = 2\n");
  repo.git({"add", "a/x.py"});
  std::string bytes = index_bytes(repo);
  bytes.back() = static_cast<char>(bytes.back() ^ 1);
  write_bytes(repo.dir() + "/.git/index", bytes);
  ASSERT_EQ(git_staged(repo), std::vector<std::string>{"a/x.py"});  // git reads it
  ASSERT_TRUE(parse_index_file(bytes));

  Repository plain = Repository::open(repo.dir());
  EXPECT_EQ(plain.staged_paths(plain.head_commit()), std::vector<std::string>{"a/x.py"});
  EXPECT_EQ(files_of(plain.index_snapshot()), git_index_files(repo));

  IndexFileEnv env(repo.dir() + "/.git/index");
  try {
    Repository named = Repository::open(repo.dir());
    EXPECT_EQ(named.staged_paths(named.head_commit()), std::vector<std::string>{"a/x.py"});
    EXPECT_EQ(files_of(named.index_snapshot()), git_index_files(repo));
  } catch (const std::exception& e) {
    ADD_FAILURE() << "Repository::open with GIT_INDEX_FILE=.git/index threw: " << e.what();
  }
}

}  // namespace
}  // namespace hc::test
