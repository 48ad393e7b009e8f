// A Snapshot is one state of the repository's files (a commit, the index or
// the working tree) as path -> blob id; contents are read on demand.
#pragma once
#include <map>
#include <string>
#include <string_view>

#include "core/object_id.hpp"

namespace hc {

struct SnapshotFile {
  std::string path;       // relative to the repository root, with '/'
  ObjectId id;            // git blob id (hashed from disk for working-tree files)
  bool on_disk = false;   // content lives in the working tree, not the object store
};

class Snapshot {
 public:
  std::string name;  // "develop", "merge-base", "staged", "worktree", a sha...
  std::map<std::string, SnapshotFile, std::less<>> files;

  const SnapshotFile* find(std::string_view path) const {
    auto it = files.find(path);
    return it == files.end() ? nullptr : &it->second;
  }
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
