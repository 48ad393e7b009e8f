// A Snapshot is one state of the repository's files (a commit, the index or
// the working tree) as path -> blob id; contents are read on demand.
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/object_id.hpp"

namespace hc {

struct SnapshotFile {
  std::string path;       // relative to the repository root, with '/'
  ObjectId id;            // git blob id (hashed from disk for working-tree files)
  bool on_disk = false;   // content lives in the working tree, not the object store
};

// Files in path order (bytewise, as git orders them), in one vector: a
// snapshot of a large repository holds ~15,000 files, and a tree of nodes
// cost three allocations each.
class Snapshot {
 public:
  using Files = std::vector<SnapshotFile>;
  std::string name;  // "develop", "merge-base", "staged", "worktree", a sha...

  const SnapshotFile* find(std::string_view path) const;
  // The files whose path starts with `prefix`, in order.
  std::span<const SnapshotFile> under(std::string_view prefix) const;
  Files::const_iterator begin() const { return files_.begin(); }
  Files::const_iterator end() const { return files_.end(); }
  std::size_t size() const { return files_.size(); }
  bool empty() const { return files_.empty(); }

  // Adds or replaces `file`; cheapest when paths come in order.
  void put(SnapshotFile file);
  bool erase(std::string_view path);
  template <class Predicate>
  void erase_if(Predicate drop) {
    std::erase_if(files_, drop);
  }
  void reserve(std::size_t n) { files_.reserve(n); }

 private:
  Files files_;
};

// Reads the bytes of a snapshot's file; implemented by the git repository and
// by a plain directory (fixtures).
class ContentReader {
 public:
  virtual ~ContentReader() = default;
  virtual std::string read(const SnapshotFile& file) const = 0;
};

// Builds a snapshot of the *.py and config files under a plain directory.
Snapshot snapshot_of_directory(const std::string& root, std::string name);

class DirectoryReader : public ContentReader {
 public:
  explicit DirectoryReader(std::string root) : root_(std::move(root)) {}
  std::string read(const SnapshotFile& file) const override;

 private:
  std::string root_;
};

// Which files a snapshot keeps: Python sources and the project's config.
bool is_tracked_kind(std::string_view path);

}  // namespace hc
