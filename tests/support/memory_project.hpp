// Test support: a project held in memory (path -> content) that the real
// layout, parser, graph and rules read as they read a git snapshot.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "check/project_view.hpp"
#include "git/snapshot.hpp"
#include "python/syntax_tree.hpp"

namespace hc::test {

class MemoryReader : public ContentReader {
 public:
  explicit MemoryReader(std::map<std::string, std::string> files) : files_(std::move(files)) {}
  std::string read(const SnapshotFile& file) const override { return files_.at(std::string(file.path)); }
  Snapshot snapshot(const std::string& name) const;

 private:
  std::map<std::string, std::string> files_;
};

// A view of `files` built by the production pipeline.
struct MemoryProject {
  // With a `store`, facts come from it when it holds them (a warm cache) and go into it when parsed.
  explicit MemoryProject(std::map<std::string, std::string> files, FactsStore* store = nullptr);
  MemoryReader reader;
  PythonParser parser;
  FactsCache cache;
  std::unique_ptr<ProjectView> view;
};

std::string read_text_file(const std::string& path);

// A layout as lines, one an app (ids, label, directories, each module's
// name, path and blob, the models modules): two layouts compare as these do.
std::vector<std::string> describe_layout(const ProjectLayout& layout);

}  // namespace hc::test
