// The repository as the checks see it, through libgit2: refs resolved to
// commits, merge-bases, and snapshots of a commit, the index or the working tree.
#pragma once
#include <git2.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/handle.hpp"
#include "core/object_id.hpp"
#include "git/snapshot.hpp"

namespace hc {

using RepositoryHandle = Handle<git_repository, git_repository_free>;

// Throws hc::Error naming the libgit2 call and git's own message when rc < 0.
void git_check(int rc, std::string_view call);

struct IndexFile;

class Repository : public ContentReader {
 public:
  // Opens the repository containing `path` (any subfolder, a worktree too).
  static Repository open(const std::string& path);
  // Creates an empty non-bare repository at `path`.
  static Repository init(const std::string& path);
  // A second handle on the same repository, for another thread: a
  // git_repository is not shared between threads.
  Repository another_handle() const;

  git_repository* raw() const { return repo_.get(); }
  // The working tree's root with a trailing '/', or "" for a bare repository.
  std::string workdir() const;
  bool is_shallow() const;
  // The git dir shared by all worktrees (`.git/` of the main one).
  std::string common_dir() const;

  // The commit HEAD points at; nullopt before the first commit.
  std::optional<ObjectId> head_commit() const;
  bool head_detached() const;
  // Short name of the branch HEAD is on, or "HEAD" when detached.
  std::string head_name() const;
  // Any revision git understands (branch, remote branch, tag, sha, HEAD~3), peeled to a commit.
  std::optional<ObjectId> resolve_commit(std::string_view rev) const;
  std::optional<ObjectId> merge_base(const ObjectId& a, const ObjectId& b) const;
  std::optional<ObjectId> first_parent(const ObjectId& commit) const;
  // The commit's root tree; none when the commit cannot be read.
  std::optional<ObjectId> tree_of(const ObjectId& commit) const;

  Snapshot commit_snapshot(const ObjectId& commit, std::string name) const;
  Snapshot index_snapshot() const;
  Snapshot worktree_snapshot() const;
  // The same, from the index's snapshot read before (a check starts work on it meanwhile).
  Snapshot worktree_snapshot(Snapshot staged) const;

  // Paths of tracked kinds that differ between `commit`'s tree (or an empty
  // tree when nullopt) and the index.
  std::vector<std::string> staged_paths(const std::optional<ObjectId>& commit) const;

  std::string read(const SnapshotFile& file) const override;

  std::optional<std::string> config_string(const char* key) const;
  // Where git runs hooks from: core.hooksPath when set, else the common dir's hooks/.
  std::string hooks_dir() const;

  // The index git would use: $GIT_INDEX_FILE when set (git sets it for hooks
  // of `git commit -a` and `git commit PATH`), else the git dir's.
  std::string index_path() const;

 private:
  explicit Repository(RepositoryHandle repo) : repo_(std::move(repo)) {}
  // The index as read by index_file.hpp, once; null where libgit2 must read it.
  const IndexFile* fast_index() const;
  // The working tree's snapshot from the index read by index_file.hpp; see the definition.
  std::optional<Snapshot> worktree_from_index(Snapshot& staged) const;
  bool may_filter(const IndexFile& index) const;
  mutable std::optional<bool> may_filter_;
  // Points libgit2 at $GIT_INDEX_FILE, before a call that reads the index through it.
  void use_index_for_libgit2() const;
  // Throws the one-line reason when libgit2 fails on an index kind it cannot read.
  void explain_unreadable_index() const;
  RepositoryHandle repo_;
  mutable bool libgit2_index_set_ = false;
  mutable std::shared_ptr<const IndexFile> fast_index_;
  mutable bool fast_index_read_ = false;
};

git_oid to_git_oid(const ObjectId& id);
ObjectId from_git_oid(const git_oid& oid);
// The git blob id of `bytes` (SHA-1 of "blob <size>\0" and them).
ObjectId hash_bytes_as_blob(std::string_view bytes);

}  // namespace hc
