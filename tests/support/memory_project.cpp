#include "support/memory_project.hpp"

#include <fstream>
#include <sstream>

namespace hc::test {

Snapshot MemoryReader::snapshot(const std::string& name) const {
  Snapshot snap;
  snap.name = name;
  for (const auto& [path, content] : files_) {
    if (!is_tracked_kind(path)) continue;
    SnapshotFile f{path, {}, false};
    std::size_t h = std::hash<std::string>{}(content);
    for (std::size_t i = 0; i < sizeof h; ++i) f.id.bytes[i] = static_cast<std::uint8_t>(h >> (8 * i));
    std::size_t hp = std::hash<std::string>{}(path);
    for (std::size_t i = 0; i < sizeof hp; ++i) f.id.bytes[8 + i] = static_cast<std::uint8_t>(hp >> (8 * i));
    snap.put(f);
  }
  return snap;
}

MemoryProject::MemoryProject(std::map<std::string, std::string> files, FactsStore* store)
    : reader(std::move(files)), cache(reader, parser, store), view(build_project_view(reader.snapshot("memory"), cache)) {}

std::vector<std::string> describe_layout(const ProjectLayout& layout) {
  std::vector<std::string> out;
  for (const App& a : layout.apps) {
    std::string line = a.id + " " + a.label + " " + a.directory + " " + a.migrations_dir + ":";
    for (const auto& m : a.migrations) line += " " + std::string(m.name) + "@" + std::string(m.path) + "#" + m.id.hex();
    for (const auto& p : a.models_paths) line += " models=" + p;
    out.push_back(line);
  }
  return out;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace hc::test
