// A Snapshot is one state of the repository's files (a commit, the index or
// the working tree) as path -> blob id; contents are read on demand.
#pragma once
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/object_id.hpp"

namespace hc {

// `path` views storage its snapshot keeps alive: a file copied out of a
// snapshot is valid while the snapshot (or a copy of it) is.
struct SnapshotFile {
  std::string_view path;  // relative to the repository root, with '/'
  ObjectId id;            // git blob id (hashed from disk for working-tree files)
  bool on_disk = false;   // content lives in the working tree, not the object store
};

// Append-only storage for paths: what is added never moves.
class PathArena {
 public:
  std::string_view add(std::string_view path);

 private:
  std::vector<std::unique_ptr<char[]>> chunks_;
  std::size_t left_ = 0;
  char* next_ = nullptr;
};

// Files in path order (bytewise, as git orders them), in one vector: a
// snapshot of a large repository holds ~15,000 files, and a tree of nodes
// cost three allocations each. Paths are not copied per file: they view an
// arena of the snapshot's own, or storage it shares (the index's entries);
// copies of a snapshot share both.
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

  // Adds or replaces `file`, copying its path; cheapest when paths come in order.
  void put(SnapshotFile file);
  // Adds or replaces `file`, whose path views storage kept with keep().
  void put_viewing(SnapshotFile file);
  void keep(std::shared_ptr<const void> storage) { kept_.push_back(std::move(storage)); }
  bool erase(std::string_view path);
  template <class Predicate>
  void erase_if(Predicate drop) {
    std::erase_if(files_, drop);
  }
  void reserve(std::size_t n) { files_.reserve(n); }

 private:
  void insert(SnapshotFile file);
  Files files_;
  std::shared_ptr<PathArena> arena_;  // shared by copies until one of them adds a path
  std::vector<std::shared_ptr<const void>> kept_;
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
