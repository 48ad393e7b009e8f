#include "git/snapshot.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace hc {

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
    f.path = rel;
    f.on_disk = true;
    // Fixture ids only need to differ per content; a cheap hash fills the bytes.
    auto content = read_whole_file(it->path());
    std::size_t h = std::hash<std::string>{}(content);
    for (std::size_t i = 0; i < sizeof h; ++i) f.id.bytes[i] = static_cast<std::uint8_t>(h >> (8 * i));
    snap.files.emplace(rel, std::move(f));
  }
  return snap;
}

std::string DirectoryReader::read(const SnapshotFile& file) const {
  return read_whole_file(std::filesystem::path(root_) / file.path);
}

}  // namespace hc
