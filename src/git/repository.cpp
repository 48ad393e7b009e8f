#include "git/git_handles.hpp"
#include <git2/sys/repository.h>
#include "git/repository.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <thread>
#include <unordered_set>
#include <cstring>
#include <filesystem>
#include <set>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/file_bytes.hpp"
#include "core/sha1.hpp"
#include "git/index_file.hpp"

namespace hc {
namespace {

struct LibGit2 {
  LibGit2() {
    git_libgit2_init();
    // Objects are read from the repository git itself wrote; git does not rehash them on read either.
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  }
  ~LibGit2() { git_libgit2_shutdown(); }
};

void ensure_libgit2() { static LibGit2 instance; }


void git_buf_free(git_buf* b) { git_buf_dispose(b); }

std::string read_file_bytes(const std::filesystem::path& p) {
  std::string bytes;
  if (!read_whole_file(p.string(), bytes)) throw Error("cannot read " + p.string());
  return bytes;
}

// Pathspecs restricting libgit2's diffs and status to the files checks read.
struct TrackedPathspec {
  char py[5] = "*.py";
  char toml[15] = "pyproject.toml";
  char* items[2] = {py, toml};
  git_strarray array{items, 2};
};

}  // namespace

void git_check(int rc, std::string_view call) {
  if (rc >= 0) return;
  const git_error* e = git_error_last();
  std::string msg = std::string(call) + ": " + (e && e->message ? e->message : "unknown libgit2 error");
  throw Error(msg);
}

git_oid to_git_oid(const ObjectId& id) {
  git_oid oid;
  std::copy(id.bytes.begin(), id.bytes.end(), oid.id);
  return oid;
}

ObjectId from_git_oid(const git_oid& oid) {
  ObjectId id;
  std::copy(oid.id, oid.id + 20, id.bytes.begin());
  return id;
}

Repository Repository::open(const std::string& path) {
  ensure_libgit2();
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, path.c_str(), 0, nullptr);
  RepositoryHandle repo(raw);
  if (rc == GIT_ENOTFOUND) throw Error("not a git repository: " + path);
  git_check(rc, "git_repository_open_ext");
  return Repository(std::move(repo));
}

Repository Repository::another_handle() const {
  std::string where = workdir();
  if (where.empty()) where = git_repository_path(repo_.get());  // bare
  return open(where);
}

void Repository::use_index_for_libgit2() const {
  if (libgit2_index_set_) return;
  libgit2_index_set_ = true;
  // libgit2 reads the git dir's index unless told: a hook of `git commit -a`
  // must see git's temporary one. (git sets the variable for every hook, so
  // this is done only where libgit2 reads the index, not at open.)
  if (const char* env = std::getenv("GIT_INDEX_FILE"); env && *env) {
    git_index* index = nullptr;
    git_check(git_index_open(&index, index_path().c_str()), "git_index_open");
    IndexHandle owned(index);
    git_repository_set_index(repo_.get(), owned.get());
  }
}


std::string Repository::index_path() const {
  if (const char* env = std::getenv("GIT_INDEX_FILE"); env && *env) return std::filesystem::absolute(env).string();
  return (std::filesystem::path(git_repository_path(repo_.get())) / "index").string();
}

// libgit2 1.5 reads neither a split nor a sparse index: say so in one line
// (the reader of index_file.hpp reads split ones, but libgit2's status needs its own).
void Repository::explain_unreadable_index() const {
  // No libgit2 call here: the caller's git_check reads libgit2's last error.
  std::string bytes;
  try {
    bytes = read_file_bytes(index_path());
  } catch (const Error&) {
    return;
  }
  if (looks_like_sparse_index(bytes))
    throw Error("the index is a sparse index (index.sparse), which hook-check cannot read yet: "
                "`git sparse-checkout disable` or `git config index.sparse false`, and run again");
  if (const IndexFile* fast = fast_index(); fast && fast->split)
    throw Error("the index is a split index, which a working-tree check cannot read yet: "
                "use `hook-check check --staged`, or `git update-index --no-split-index`");
}

const IndexFile* Repository::fast_index() const {
  if (!fast_index_read_) {
    fast_index_read_ = true;
    std::error_code ec;
    std::string path = index_path();
    if (!std::filesystem::exists(path, ec)) {
      fast_index_ = std::make_shared<const IndexFile>();  // nothing staged yet
    } else {
      // Read into a buffer the entries' paths then view: neither cleared first nor copied.
      std::optional<FileBuffer> buffer = read_file_buffer(path);
      if (!buffer) return nullptr;  // libgit2 says why
      std::string_view bytes(buffer->data.get(), buffer->size);
      // A split index's shared index is in the git dir, wherever GIT_INDEX_FILE puts the index.
      const std::filesystem::path git_dir = git_repository_path(repo_.get());
      auto read_shared = [&git_dir](const std::string& hex) -> std::optional<std::string> {
        try {
          return read_file_bytes(git_dir / ("sharedindex." + hex));
        } catch (const Error&) {
          return std::nullopt;
        }
      };
      if (auto parsed = parse_index_file(bytes, read_shared, std::shared_ptr<const void>(buffer->data, buffer->data.get())))
        fast_index_ = std::make_shared<const IndexFile>(std::move(*parsed));
    }
  }
  return fast_index_.get();
}

Repository Repository::init(const std::string& path) {
  ensure_libgit2();
  git_repository* raw = nullptr;
  int rc = git_repository_init(&raw, path.c_str(), 0);
  RepositoryHandle repo(raw);
  git_check(rc, "git_repository_init");
  return Repository(std::move(repo));
}

std::string Repository::workdir() const {
  const char* wd = git_repository_workdir(repo_.get());
  return wd ? wd : "";
}

std::string Repository::common_dir() const {
  const char* dir = git_repository_commondir(repo_.get());
  return dir ? dir : git_repository_path(repo_.get());
}

bool Repository::is_shallow() const { return git_repository_is_shallow(repo_.get()) == 1; }

std::optional<ObjectId> Repository::head_commit() const {
  git_reference* raw = nullptr;
  int rc = git_repository_head(&raw, repo_.get());
  ReferenceHandle head(raw);
  if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) return std::nullopt;
  git_check(rc, "git_repository_head");
  git_object* peeled = nullptr;
  git_check(git_reference_peel(&peeled, head.get(), GIT_OBJECT_COMMIT), "git_reference_peel");
  ObjectHandle obj(peeled);
  return from_git_oid(*git_object_id(obj.get()));
}

bool Repository::head_detached() const { return git_repository_head_detached(repo_.get()) == 1; }

std::string Repository::head_name() const {
  if (head_detached()) return "HEAD";
  git_reference* raw = nullptr;
  int rc = git_repository_head(&raw, repo_.get());
  ReferenceHandle head(raw);
  if (rc == GIT_EUNBORNBRANCH) {
    // HEAD names a branch that has no commit yet; read the symbolic target.
    git_reference* sym = nullptr;
    if (git_reference_lookup(&sym, repo_.get(), "HEAD") == 0) {
      ReferenceHandle s(sym);
      const char* target = git_reference_symbolic_target(s.get());
      if (target) {
        std::string t = target;
        const std::string prefix = "refs/heads/";
        return t.rfind(prefix, 0) == 0 ? t.substr(prefix.size()) : t;
      }
    }
    return "HEAD";
  }
  if (rc < 0) return "HEAD";
  return git_reference_shorthand(head.get());
}

std::optional<ObjectId> Repository::resolve_commit(std::string_view rev) const {
  git_object* raw = nullptr;
  std::string spec(rev);
  int rc = git_revparse_single(&raw, repo_.get(), spec.c_str());
  ObjectHandle obj(raw);
  if (rc == GIT_ENOTFOUND || rc == GIT_EAMBIGUOUS || rc == GIT_EINVALIDSPEC) return std::nullopt;
  git_check(rc, "git_revparse_single");
  git_object* peeled = nullptr;
  rc = git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT);
  ObjectHandle commit(peeled);
  if (rc < 0) return std::nullopt;  // a tree or blob is not a base
  return from_git_oid(*git_object_id(commit.get()));
}

std::optional<ObjectId> Repository::merge_base(const ObjectId& a, const ObjectId& b) const {
  git_oid out;
  git_oid ga = to_git_oid(a), gb = to_git_oid(b);
  int rc = git_merge_base(&out, repo_.get(), &ga, &gb);
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  git_check(rc, "git_merge_base");
  return from_git_oid(out);
}

std::optional<ObjectId> Repository::first_parent(const ObjectId& commit) const {
  git_commit* raw = nullptr;
  git_oid oid = to_git_oid(commit);
  git_check(git_commit_lookup(&raw, repo_.get(), &oid), "git_commit_lookup");
  CommitHandle c(raw);
  if (git_commit_parentcount(c.get()) == 0) return std::nullopt;
  const git_oid* parent = git_commit_parent_id(c.get(), 0);
  if (!parent) return std::nullopt;
  return from_git_oid(*parent);
}

std::optional<ObjectId> Repository::tree_of(const ObjectId& commit) const {
  git_commit* raw = nullptr;
  git_oid oid = to_git_oid(commit);
  if (git_commit_lookup(&raw, repo_.get(), &oid) != 0) return std::nullopt;
  CommitHandle c(raw);
  return from_git_oid(*git_commit_tree_id(c.get()));
}

namespace {

GitTreeHandle subtree(git_repository* repo, const git_tree_entry* entry) {
  git_tree* raw = nullptr;
  git_check(git_tree_lookup(&raw, repo, git_tree_entry_id(entry)), "git_tree_lookup");
  return GitTreeHandle(raw);
}

constexpr std::uint32_t kGitlinkMode = 0160000;  // a submodule's commit, not a file

// Whether the cache-tree `node` says the index's directory is the tree `id`.
bool same_tree(const CacheTree* node, const git_oid& id) {
  return node && node->valid() && std::memcmp(node->id.bytes.data(), id.id, 20) == 0;
}

// The index's tracked files under `prefix` (a directory it holds unchanged);
// their paths view the index's entries, which `snap` keeps.
void copy_index_files(const IndexFile& index, const std::string& prefix, Snapshot& snap) {
  auto it = std::lower_bound(index.entries.begin(), index.entries.end(), prefix,
                             [](const IndexEntry& e, const std::string& p) { return e.path < p; });
  for (; it != index.entries.end() && it->path.starts_with(prefix); ++it)
    if (it->stage == 0 && !it->intent_to_add && it->mode != kGitlinkMode && is_tracked_kind(it->path))
      snap.put_viewing(SnapshotFile{it->path, it->id, false});
}

// The tracked files of `tree` (the directory `prefix`) into `snap`. Where the
// index's cache-tree names the same tree, the index already lists its files:
// they are taken from there, and the objects are not read (a commit near HEAD
// shares all but a few directories with the index).
void tree_files(git_repository* repo, const git_tree* tree, const CacheTree* node, const IndexFile* index,
                const std::string& prefix, Snapshot& snap) {
  if (same_tree(node, *git_tree_id(tree))) return copy_index_files(*index, prefix, snap);
  for (std::size_t i = 0, n = git_tree_entrycount(tree); i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(tree, i);
    std::string path = prefix + git_tree_entry_name(e);
    if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
      const CacheTree* child = node ? node->child(git_tree_entry_name(e)) : nullptr;
      if (same_tree(child, *git_tree_entry_id(e))) copy_index_files(*index, path + "/", snap);
      else tree_files(repo, subtree(repo, e).get(), child, index, path + "/", snap);
    } else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB && is_tracked_kind(path)) {
      snap.put(SnapshotFile{std::move(path), from_git_oid(*git_tree_entry_id(e)), false});
    }
  }
}

// Every file path under `tree`, for a directory only one side has.
void all_paths(git_repository* repo, const git_tree* tree, const std::string& prefix, std::vector<std::string>& out) {
  for (std::size_t i = 0, n = git_tree_entrycount(tree); i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(tree, i);
    std::string path = prefix + git_tree_entry_name(e);
    if (git_tree_entry_type(e) == GIT_OBJECT_TREE) all_paths(repo, subtree(repo, e).get(), path + "/", out);
    else out.push_back(std::move(path));
  }
}

// The paths that differ between `tree` (the directory `prefix` of the
// commit; null where the commit has none) and the index entries under
// `prefix`. A directory whose cache-tree names the commit's own tree holds
// nothing staged and is skipped, as git does.
void staged_diff(git_repository* repo, const git_tree* tree, const CacheTree* node, const IndexEntry* first,
                 const IndexEntry* last, const std::string& prefix, std::vector<std::string>& out) {
  if (tree && same_tree(node, *git_tree_id(tree))) return;
  std::set<std::string_view> seen;  // names of `tree` the index still has
  auto lookup = [&](std::string_view name) -> const git_tree_entry* {
    if (!tree) return nullptr;
    const git_tree_entry* e = git_tree_entry_byname(tree, std::string(name).c_str());
    if (e) seen.insert(name);
    return e;
  };
  for (const IndexEntry* e = first; e != last;) {
    std::string_view rest = std::string_view(e->path).substr(prefix.size());
    std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos) {
      // A file of this directory, maybe in several stages.
      const IndexEntry* same = e;
      bool conflicted = false;
      for (; same != last && same->path == e->path; ++same)
        if (same->stage != 0) conflicted = true;
      // `git add -N` makes a path known, not staged: `git diff --cached` leaves it out.
      if (e->intent_to_add && !conflicted) {
        e = same;
        continue;
      }
      const git_tree_entry* before = lookup(rest);
      bool changed = conflicted || !before || git_tree_entry_type(before) != GIT_OBJECT_BLOB ||
                     std::memcmp(git_tree_entry_id(before)->id, e->id.bytes.data(), 20) != 0 ||
                     static_cast<std::uint32_t>(git_tree_entry_filemode(before)) != e->mode;
      if (changed) out.emplace_back(e->path);
      if (before && git_tree_entry_type(before) == GIT_OBJECT_TREE) all_paths(repo, subtree(repo, before).get(), std::string(e->path) + "/", out);
      e = same;
      continue;
    }
    // A subdirectory: its entries are contiguous in the index's order.
    std::string_view name = rest.substr(0, slash);
    std::string child_prefix = prefix + std::string(name) + "/";
    const IndexEntry* end = e;
    while (end != last && std::string_view(end->path).starts_with(child_prefix)) ++end;
    const git_tree_entry* before = lookup(name);
    const CacheTree* child_node = node ? node->child(name) : nullptr;
    bool is_tree = before && git_tree_entry_type(before) == GIT_OBJECT_TREE;
    // The same tree on both sides: not even read.
    if (!(is_tree && same_tree(child_node, *git_tree_entry_id(before)))) {
      GitTreeHandle child;
      if (is_tree) child = subtree(repo, before);
      else if (before) out.push_back(prefix + std::string(name));  // a file became a directory
      staged_diff(repo, child.get(), child_node, e, end, child_prefix, out);
    }
    e = end;
  }
  // What the commit has and the index no longer does.
  for (std::size_t i = 0, n = tree ? git_tree_entrycount(tree) : 0; i < n; ++i) {
    const git_tree_entry* gone = git_tree_entry_byindex(tree, i);
    if (seen.count(git_tree_entry_name(gone))) continue;
    std::string path = prefix + git_tree_entry_name(gone);
    if (git_tree_entry_type(gone) == GIT_OBJECT_TREE) all_paths(repo, subtree(repo, gone).get(), path + "/", out);
    else out.push_back(std::move(path));
  }
}

}  // namespace

Snapshot Repository::commit_snapshot(const ObjectId& commit, std::string name) const {
  git_commit* raw = nullptr;
  git_oid oid = to_git_oid(commit);
  int rc = git_commit_lookup(&raw, repo_.get(), &oid);
  CommitHandle c(raw);
  if (rc == GIT_ENOTFOUND)
    throw Error("commit " + commit.hex() + " is not in the repository (a shallow clone? fetch more history)");
  git_check(rc, "git_commit_lookup");
  git_tree* traw = nullptr;
  git_check(git_commit_tree(&traw, c.get()), "git_commit_tree");
  GitTreeHandle tree(traw);

  Snapshot snap;
  snap.name = std::move(name);
  const IndexFile* index = fast_index();
  if (index) {
    snap.reserve(index->entries.size());  // a commit near HEAD has about the index's files
    snap.keep(fast_index_);
  }
  tree_files(repo_.get(), tree.get(), index && index->cache_tree ? &*index->cache_tree : nullptr, index, "", snap);
  return snap;
}

Snapshot Repository::index_snapshot() const {
  if (const IndexFile* fast = fast_index()) {
    Snapshot snap;
    snap.name = "staged";
    snap.reserve(fast->entries.size());
    snap.keep(fast_index_);  // the paths view the index's entries
    for (const IndexEntry& e : fast->entries) {
      // During a conflicted merge the index holds stages 1-3; "ours" (2) is what the user keeps.
      if ((e.stage != 0 && e.stage != 2) || e.intent_to_add || e.mode == kGitlinkMode || !is_tracked_kind(e.path)) continue;
      // In path order: each insertion lands at the end.
      snap.put_viewing(SnapshotFile{e.path, e.id, false});
    }
    return snap;
  }
  use_index_for_libgit2();
  git_index* raw = nullptr;
  int rc = git_repository_index(&raw, repo_.get());
  if (rc < 0) explain_unreadable_index();
  git_check(rc, "git_repository_index");
  IndexHandle index(raw);
  Snapshot snap;
  snap.name = "staged";
  std::size_t n = git_index_entrycount(index.get());
  for (std::size_t i = 0; i < n; ++i) {
    const git_index_entry* e = git_index_get_byindex(index.get(), i);
    int stage = git_index_entry_stage(e);
    // During a conflicted merge the index holds stages 1-3; "ours" (2) is what the user keeps.
    if (stage != 0 && stage != 2) continue;
    std::string path = e->path;
    if (!is_tracked_kind(path)) continue;
    snap.put(SnapshotFile{std::move(path), from_git_oid(e->id), false});
  }
  return snap;
}

Snapshot Repository::worktree_snapshot() const {
  if (workdir().empty()) throw Error("the repository is bare: it has no working tree to check (use --commit REV)");
  return worktree_snapshot(index_snapshot());
}

namespace {

// What lstat says of a tracked file, against what the index recorded.
enum class OnDisk : std::uint8_t { Same, Check, Gone, NotAFile };

OnDisk compare_with_index(const std::string& root, const IndexEntry& e, const struct timespec& index_mtime) {
  struct stat st;
  if (::lstat((root + std::string(e.path)).c_str(), &st) != 0) return errno == ENOENT || errno == ENOTDIR ? OnDisk::Gone : OnDisk::Check;
  if (!S_ISREG(st.st_mode)) return OnDisk::NotAFile;
  const IndexStat& s = e.stat;
  auto low = [](auto v) { return static_cast<std::uint32_t>(v); };
  bool same = s.mtime_s == low(st.st_mtim.tv_sec) && s.mtime_ns == low(st.st_mtim.tv_nsec) && s.ctime_s == low(st.st_ctim.tv_sec) &&
              s.ctime_ns == low(st.st_ctim.tv_nsec) && s.ino == low(st.st_ino) && s.size == low(st.st_size);
  // git's is_racy_timestamp: written in the index's own instant, or after, a
  // change of the same size may not show in the stat data.
  bool racy = low(index_mtime.tv_sec) < s.mtime_s || (low(index_mtime.tv_sec) == s.mtime_s && low(index_mtime.tv_nsec) <= s.mtime_ns);
  return same && !racy ? OnDisk::Same : OnDisk::Check;
}

}  // namespace

// Whether git may store a file other than as it is on disk: line-end
// conversion, or attributes (which may name filters) from any of their places.
bool Repository::may_filter(const IndexFile& index) const {
  if (may_filter_) return *may_filter_;
  bool may = std::any_of(index.entries.begin(), index.entries.end(), [](const IndexEntry& e) {
    return e.path == ".gitattributes" || e.path.ends_with("/.gitattributes");
  });
  std::error_code ec;
  may = may || std::filesystem::exists(std::filesystem::path(git_repository_commondir(repo_.get())) / "info" / "attributes", ec);
  git_config* raw = nullptr;
  if (!may && git_repository_config_snapshot(&raw, repo_.get()) == 0) {
    ConfigHandle config(raw);
    git_buf value = GIT_BUF_INIT;
    for (const char* key : {"core.autocrlf", "core.attributesfile", "core.eol"}) {
      if (git_config_get_string_buf(&value, config.get(), key) == 0) {
        std::string v(value.ptr, value.size);
        may = may || !(std::string_view(key) == "core.autocrlf" && (v == "false" || v.empty()));
      }
      git_buf_dispose(&value);
    }
  }
  // The global attributes file git reads without core.attributesFile.
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  std::filesystem::path global = xdg && *xdg ? std::filesystem::path(xdg) / "git" / "attributes"
                                 : home && *home ? std::filesystem::path(home) / ".config" / "git" / "attributes"
                                                 : std::filesystem::path();
  may = may || (!global.empty() && std::filesystem::exists(global, ec));
  may_filter_ = may;
  return may;
}

// git status for the tracked kinds, as git computes it: the index's stat
// data tell which files to read; untracked files come from a walk of the
// directories, where an ignored directory without tracked files is not
// entered. libgit2's status read the index again (checksumming 1.3 MB with
// the collision-detecting SHA-1) and compared on one core: a fifth of a warm
// audit. Null where the index holds what this does not judge (conflicts,
// intent-to-add or sparse entries, symbolic links): libgit2 then does.
std::optional<Snapshot> Repository::worktree_from_index(Snapshot& staged) const {
  const IndexFile* index = fast_index();
  if (!index) return std::nullopt;
  std::vector<const IndexEntry*> tracked;
  tracked.reserve(index->entries.size());
  for (const IndexEntry& e : index->entries) {
    if (e.stage != 0 || e.intent_to_add || e.skip_worktree || e.assume_unchanged) return std::nullopt;
    if (e.mode == kGitlinkMode || !is_tracked_kind(e.path)) continue;
    if ((e.mode & 0170000) != 0100000) return std::nullopt;
    tracked.push_back(&e);
  }
  struct stat index_stat {};
  if (index->entries.size() > 0 && ::stat(index_path().c_str(), &index_stat) != 0) return std::nullopt;
  const std::string root = workdir();

  // The tracked files, compared on two threads (the kernel's lstat is most of it).
  std::vector<OnDisk> state(tracked.size(), OnDisk::Same);
  auto compare_range = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) state[i] = compare_with_index(root, *tracked[i], index_stat.st_mtim);
  };
  std::thread other;
  std::size_t half = tracked.size() / 2;
  if (tracked.size() >= 512) other = std::thread(compare_range, half, tracked.size());
  else half = tracked.size();

  // Meanwhile, untracked files of the tracked kinds, in directories git would list.
  std::unordered_set<std::string_view> in_index, dirs_with_entries;
  in_index.reserve(index->entries.size());
  for (const IndexEntry& e : index->entries) {
    std::string_view path = e.path;
    in_index.insert(path);
    for (auto slash = path.rfind('/'); slash != std::string_view::npos; slash = path.rfind('/', slash - 1)) {
      if (!dirs_with_entries.insert(path.substr(0, slash)).second || slash == 0) break;
    }
  }
  auto ignored = [&](const std::string& rel) {
    int flag = 0;
    return git_ignore_path_is_ignored(&flag, repo_.get(), rel.c_str()) == 0 && flag == 1;
  };
  std::vector<std::string> untracked;
  std::vector<std::string> pending{""};
  while (!pending.empty()) {
    std::string dir = std::move(pending.back());
    pending.pop_back();
    DIR* handle = ::opendir((root + dir).c_str());
    if (!handle) continue;
    while (const dirent* d = ::readdir(handle)) {
      std::string_view name = d->d_name;
      if (name == "." || name == ".." || (dir.empty() && name == ".git")) continue;
      std::string rel = dir + std::string(name);
      unsigned char type = d->d_type;
      if (type == DT_UNKNOWN) {
        struct stat st;
        if (::lstat((root + rel).c_str(), &st) != 0) continue;
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : S_ISLNK(st.st_mode) ? DT_LNK : DT_UNKNOWN;
      }
      if (type == DT_DIR) {
        if (in_index.count(rel)) continue;  // a submodule
        if (!dirs_with_entries.count(rel)) {
          std::error_code ec;
          if (std::filesystem::exists(root + rel + "/.git", ec) || ignored(rel)) continue;  // another repository, or ignored
        }
        pending.push_back(rel + "/");
      } else if ((type == DT_REG || type == DT_LNK) && is_tracked_kind(rel) && !in_index.count(rel) && !ignored(rel)) {
        untracked.push_back(std::move(rel));
      }
    }
    ::closedir(handle);
  }
  compare_range(0, half);
  if (other.joinable()) other.join();

  Snapshot snap = std::move(staged);
  snap.name = "worktree";
  snap.keep(fast_index_);
  for (std::size_t i = 0; i < tracked.size(); ++i) {
    const IndexEntry& e = *tracked[i];
    if (state[i] == OnDisk::Same) continue;
    if (state[i] == OnDisk::Gone) {
      snap.erase(e.path);
      continue;
    }
    std::error_code ec;
    const std::string path(e.path);
    if (!std::filesystem::is_regular_file(root + path, ec)) continue;  // a directory now: as libgit2 left it
    std::string bytes = read_file_bytes(root + path);
    ObjectId id = hash_bytes_as_blob(bytes);
    if (id == e.id) continue;
    // Touched, not changed, where a filter (core.autocrlf, .gitattributes) makes the stored blob differ from the file.
    // (libgit2 reads the index and the attributes to say: 90M instructions, asked only where filters may be.)
    git_oid filtered;
    if (may_filter(*index) && git_repository_hashfile(&filtered, repo_.get(), path.c_str(), GIT_OBJECT_BLOB, nullptr) == 0 &&
        from_git_oid(filtered) == e.id)
      continue;
    snap.put_viewing(SnapshotFile{e.path, id, true});
  }
  std::sort(untracked.begin(), untracked.end());
  for (auto& path : untracked) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(root + path, ec)) continue;
    ObjectId id = hash_bytes_as_blob(read_file_bytes(root + path));
    snap.put(SnapshotFile{std::move(path), id, true});
  }
  return snap;
}

Snapshot Repository::worktree_snapshot(Snapshot staged) const {
  if (workdir().empty()) throw Error("the repository is bare: it has no working tree to check (use --commit REV)");
  if (auto fast = worktree_from_index(staged)) return std::move(*fast);
  Snapshot snap = std::move(staged);
  snap.name = "worktree";
  git_status_options opts = GIT_STATUS_OPTIONS_INIT;
  opts.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
  opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
               GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  TrackedPathspec spec;
  opts.pathspec = spec.array;
  use_index_for_libgit2();
  git_status_list* raw = nullptr;
  int rc = git_status_list_new(&raw, repo_.get(), &opts);
  if (rc < 0) explain_unreadable_index();
  git_check(rc, "git_status_list_new");
  StatusListHandle list(raw);
  std::size_t n = git_status_list_entrycount(list.get());
  const std::filesystem::path root = workdir();
  for (std::size_t i = 0; i < n; ++i) {
    const git_status_entry* e = git_status_byindex(list.get(), i);
    if (!e->index_to_workdir) continue;
    const git_diff_delta* d = e->index_to_workdir;
    std::string path = d->new_file.path ? d->new_file.path : d->old_file.path;
    if (!is_tracked_kind(path)) continue;
    if (e->status & GIT_STATUS_WT_DELETED) {
      snap.erase(path);
      continue;
    }
    if (e->status & (GIT_STATUS_WT_NEW | GIT_STATUS_WT_MODIFIED | GIT_STATUS_WT_TYPECHANGE | GIT_STATUS_WT_RENAMED)) {
      std::error_code ec;
      if (!std::filesystem::is_regular_file(root / path, ec)) continue;
      std::string bytes = read_file_bytes(root / path);
      git_oid oid;
      git_check(git_odb_hash(&oid, bytes.data(), bytes.size(), GIT_OBJECT_BLOB), "git_odb_hash");
      snap.put(SnapshotFile{std::move(path), from_git_oid(oid), true});
    }
  }
  return snap;
}


std::vector<std::string> Repository::staged_paths(const std::optional<ObjectId>& commit) const {
  GitTreeHandle tree;
  if (commit) {
    git_commit* craw = nullptr;
    git_oid oid = to_git_oid(*commit);
    git_check(git_commit_lookup(&craw, repo_.get(), &oid), "git_commit_lookup");
    CommitHandle c(craw);
    git_tree* traw = nullptr;
    git_check(git_commit_tree(&traw, c.get()), "git_commit_tree");
    tree.reset(traw);
  }
  if (const IndexFile* fast = fast_index()) {
    std::vector<std::string> all;
    const IndexEntry* first = fast->entries.data();
    staged_diff(repo_.get(), tree.get(), fast->cache_tree ? &*fast->cache_tree : nullptr, first,
                first + fast->entries.size(), "", all);
    std::vector<std::string> out;
    for (auto& path : all)
      if (is_tracked_kind(path)) out.push_back(std::move(path));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  TrackedPathspec spec;
  opts.pathspec = spec.array;
  use_index_for_libgit2();
  git_diff* raw = nullptr;
  int rc = git_diff_tree_to_index(&raw, repo_.get(), tree.get(), nullptr, &opts);
  if (rc < 0) explain_unreadable_index();
  git_check(rc, "git_diff_tree_to_index");
  DiffHandle diff(raw);
  std::vector<std::string> out;
  std::size_t n = git_diff_num_deltas(diff.get());
  for (std::size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    if (d->old_file.path) out.emplace_back(d->old_file.path);
    if (d->new_file.path && (!d->old_file.path || std::string_view(d->new_file.path) != d->old_file.path))
      out.emplace_back(d->new_file.path);
  }
  return out;
}

std::string Repository::read(const SnapshotFile& file) const {
  if (file.on_disk) {
    // The snapshot named these bytes by their hash, and caches file what is
    // read under it: an edit since then would be filed under the old id.
    std::string bytes = read_file_bytes(std::filesystem::path(workdir()) / file.path);
    if (hash_bytes_as_blob(bytes) != file.id)
      throw Error(std::string(file.path) + " changed while hook-check was reading the working tree: run the check again");
    return bytes;
  }
  git_blob* raw = nullptr;
  git_oid oid = to_git_oid(file.id);
  git_check(git_blob_lookup(&raw, repo_.get(), &oid), "git_blob_lookup");
  BlobHandle blob(raw);
  auto size = static_cast<std::size_t>(git_blob_rawsize(blob.get()));
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())), size);
}

std::optional<std::string> Repository::config_string(const char* key) const {
  git_config* raw = nullptr;
  git_check(git_repository_config_snapshot(&raw, repo_.get()), "git_repository_config_snapshot");
  ConfigHandle cfg(raw);
  const char* value = nullptr;
  int rc = git_config_get_string(&value, cfg.get(), key);
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  git_check(rc, "git_config_get_string");
  return std::string(value);
}

std::string Repository::hooks_dir() const {
  namespace fs = std::filesystem;
  if (auto configured = config_string("core.hooksPath")) {
    fs::path p = *configured;
    if (!configured->empty() && (*configured)[0] == '~') {
      const char* home = std::getenv("HOME");
      p = fs::path(home ? home : "") / configured->substr(configured->find_first_not_of("~/"));
    }
    if (p.is_relative()) p = fs::path(workdir().empty() ? git_repository_path(repo_.get()) : workdir()) / p;
    return p.lexically_normal().string();
  }
  git_buf buf = GIT_BUF_INIT;
  int rc = git_repository_item_path(&buf, repo_.get(), GIT_REPOSITORY_ITEM_HOOKS);
  Handle<git_buf, git_buf_free> guard(&buf);
  git_check(rc, "git_repository_item_path");
  return std::string(buf.ptr, buf.size);
}

ObjectId hash_bytes_as_blob(std::string_view bytes) {
  // OpenSSL's SHA-1: the working tree's changed files and the read checks hash whole files.
  return Sha1().raw("blob " + std::to_string(bytes.size())).raw(std::string_view("\0", 1)).raw(bytes).finish();
}

}  // namespace hc
