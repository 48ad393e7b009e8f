#include "git/snapshot.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace hc {

const SnapshotFile* Snapshot::find(std::string_view path) const {
  auto it = std::lower_bound(files_.begin(), files_.end(), path,
                             [](const SnapshotFile& f, std::string_view p) { return f.path < p; });
  return it != files_.end() && it->path == path ? &*it : nullptr;
}

std::span<const SnapshotFile> Snapshot::under(std::string_view prefix) const {
  auto first = std::lower_bound(files_.begin(), files_.end(), prefix,
                                [](const SnapshotFile& f, std::string_view p) { return f.path < p; });
  auto last = first;
  while (last != files_.end() && last->path.starts_with(prefix)) ++last;
  return {first, last};
}

std::string_view PathArena::add(std::string_view path) {
  if (path.size() > left_) {
    constexpr std::size_t kChunk = 64 * 1024;
    std::size_t size = std::max(kChunk, path.size());
    chunks_.push_back(std::make_unique_for_overwrite<char[]>(size));
    next_ = chunks_.back().get();
    left_ = size;
  }
  if (!path.empty()) std::memcpy(next_, path.data(), path.size());
  std::string_view out(next_, path.size());
  next_ += path.size();
  left_ -= path.size();
  return out;
}

void Snapshot::put(SnapshotFile file) {
  // A copy of this snapshot may view the arena: it gets one of its own, the old one kept.
  if (!arena_ || arena_.use_count() > 1) {
    if (arena_) kept_.push_back(std::move(arena_));
    arena_ = std::make_shared<PathArena>();
  }
  file.path = arena_->add(file.path);
  insert(file);
}

void Snapshot::put_viewing(SnapshotFile file) { insert(file); }

void Snapshot::insert(SnapshotFile file) {
  if (files_.empty() || files_.back().path < file.path) {
    files_.push_back(file);
    return;
  }
  auto it = std::lower_bound(files_.begin(), files_.end(), file.path,
                             [](const SnapshotFile& f, std::string_view p) { return f.path < p; });
  if (it != files_.end() && it->path == file.path) *it = file;
  else files_.insert(it, file);
}

bool Snapshot::erase(std::string_view path) {
  auto it = std::lower_bound(files_.begin(), files_.end(), path,
                             [](const SnapshotFile& f, std::string_view p) { return f.path < p; });
  if (it == files_.end() || it->path != path) return false;
  files_.erase(it);
  return true;
}

bool is_tracked_kind(std::string_view path) {
  auto ends_with = [&](std::string_view s) {
    return path.size() >= s.size() && path.substr(path.size() - s.size()) == s;
  };
  if (ends_with(".py") || path == "pyproject.toml") return true;
  // Where a project pins its Django version (DJM501 follows that version).
  std::string_view name = path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
  bool top = path.find('/') == std::string_view::npos || path.starts_with("requirements/");
  return top && (name == "poetry.lock" || name == "uv.lock" || name == "Pipfile" || name == "Pipfile.lock" ||
                 name == "setup.cfg" || (name.starts_with("requirements") && (ends_with(".txt") || ends_with(".in"))));
}

static std::string read_whole_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw Error("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Snapshot snapshot_of_directory(const std::string& root, std::string name) {
  namespace fs = std::filesystem;
  Snapshot snap;
  snap.name = std::move(name);
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    if (!it->is_regular_file()) continue;
    auto rel = fs::relative(it->path(), root).generic_string();
    if (!is_tracked_kind(rel)) continue;
    SnapshotFile f;
    f.path = rel;  // put() copies it
    f.on_disk = true;
    // Fixture ids only need to differ per content; a cheap hash fills the bytes.
    auto content = read_whole_file(it->path());
    std::size_t h = std::hash<std::string>{}(content);
    for (std::size_t i = 0; i < sizeof h; ++i) f.id.bytes[i] = static_cast<std::uint8_t>(h >> (8 * i));
    snap.put(std::move(f));
  }
  return snap;
}

std::string DirectoryReader::read(const SnapshotFile& file) const {
  return read_whole_file(std::filesystem::path(root_) / file.path);
}

}  // namespace hc
