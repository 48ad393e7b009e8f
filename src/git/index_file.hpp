// The index (.git/index) read the way git reads it for `git diff --cached`:
// the entries, and the cache-tree, which names the tree of every directory
// nothing was staged in since the last commit, so a staged diff descends only
// into the directories that changed. libgit2 first hashes the whole file and
// builds a map of every entry (~80M instructions for 13,000 entries, most of
// a hook's budget); git does not verify the hash on read, and neither does this.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/object_id.hpp"

namespace hc {

struct IndexEntry {
  std::string path;
  ObjectId id;
  std::uint32_t mode = 0;  // 0100644, 0100755, 0120000, 0160000
  int stage = 0;           // 1-3 during a conflicted merge
  bool intent_to_add = false;  // `git add -N`: known, not staged
};

// One directory of the cache-tree extension.
struct CacheTree {
  std::string name;      // the path component; "" for the root
  int entry_count = -1;  // -1: something under it was staged, its tree is not known
  ObjectId id;           // the directory's tree, when entry_count >= 0
  std::vector<CacheTree> children;

  bool valid() const { return entry_count >= 0; }
  const CacheTree* child(std::string_view component) const;
};

struct IndexFile {
  std::vector<IndexEntry> entries;  // in git's order: by path, then stage
  std::optional<CacheTree> cache_tree;
};

// Parses an index file of format 2, 3 or 4. nullopt for what this reader
// does not handle (a split or sparse index, a required extension it does not
// know, another format, a damaged file): the caller then asks libgit2, which
// reads those or says what is wrong.
std::optional<IndexFile> parse_index_file(std::string_view bytes);

}  // namespace hc
