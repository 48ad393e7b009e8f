// The index (.git/index) read the way git reads it for `git diff --cached`:
// the entries, and the cache-tree, which names the tree of every directory
// nothing was staged in since the last commit, so a staged diff descends only
// into the directories that changed. libgit2 first hashes the whole file and
// builds a map of every entry (~80M instructions for 13,000 entries, most of
// a hook's budget); git does not verify the hash on read, and neither does this.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/object_id.hpp"

namespace hc {

// What git recorded of the file when it last read it: a working-tree file
// with the same data is taken to be unchanged (unless racily clean).
struct IndexStat {
  std::uint32_t ctime_s = 0, ctime_ns = 0, mtime_s = 0, mtime_ns = 0;
  std::uint32_t dev = 0, ino = 0, uid = 0, gid = 0, size = 0;
};

struct IndexEntry {
  std::string_view path;  // views its IndexFile's storage
  ObjectId id;
  std::uint32_t mode = 0;  // 0100644, 0100755, 0120000, 0160000
  int stage = 0;           // 1-3 during a conflicted merge
  bool intent_to_add = false;  // `git add -N`: known, not staged
  bool assume_unchanged = false;  // `git update-index --assume-unchanged`
  bool skip_worktree = false;     // sparse checkout: not in the working tree by design
  IndexStat stat;
};

// One directory of the cache-tree extension.
struct CacheTree {
  std::string name;      // the path component; "" for the root
  int entry_count = -1;  // -1: something under it was staged, its tree is not known
  ObjectId id;           // the directory's tree, when entry_count >= 0
  std::vector<CacheTree> children;  // sorted by name

  bool valid() const { return entry_count >= 0; }
  const CacheTree* child(std::string_view component) const;
};

struct IndexFile {
  std::vector<IndexEntry> entries;  // in git's order: by path, then stage
  std::optional<CacheTree> cache_tree;
  bool split = false;  // read from a split index (which libgit2 1.5 cannot read)
  // What the entries' paths view (the file's bytes; format 4's paths,
  // rebuilt), shared by copies: a path string per entry was most of a read.
  std::vector<std::shared_ptr<const void>> storage;
};

// The bytes of the shared index a split index names, `sharedindex.<hex>` in
// the git dir (git's own, even when GIT_INDEX_FILE names the index), given
// the 40-digit hex id; nullopt when it cannot be read.
using SharedIndexReader = std::function<std::optional<std::string>(const std::string& shared_hex)>;

// Parses an index file of format 2, 3 or 4. A split index (core.splitIndex,
// `git update-index --split-index`: a "link" extension) is merged with the
// shared index `read_shared` returns, as git's merge_base_index does: the
// entries the replace bitmap marks take, in order, the first entries of this
// file (which keep the shared entry's path), those the delete bitmap marks are
// removed, and the rest of this file's entries are added; the cache-tree is
// this file's. nullopt for what this reader does not handle or finds damaged
// (a sparse index, a required extension it does not know, another format, a
// split index whose shared index is missing or does not match, a malformed
// bitmap): the caller then asks libgit2, which reads some of those or says
// what is wrong. Without `read_shared`, a split index that names a shared
// index is nullopt.
// With an `owner` of `bytes`, the entries view them (kept alive by the
// IndexFile) instead of a copy.
std::optional<IndexFile> parse_index_file(std::string_view bytes, const SharedIndexReader& read_shared = {},
                                          std::shared_ptr<const void> owner = {});

// Whether the bytes end with a sparse index's (empty) "sdir" extension, last
// before the trailing hash or before git's end-of-index entry ("EOIE").
bool looks_like_sparse_index(std::string_view bytes);

}  // namespace hc
