#include "check/layout_memo.hpp"

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "check/facts_store.hpp"
#include "check/memo_files.hpp"
#include "config/config.hpp"
#include "models/model_value_codec.hpp"

#ifndef HOOK_CHECK_SOURCES_HASH
#define HOOK_CHECK_SOURCES_HASH "unknown"
#endif

namespace hc {
namespace {

constexpr int kLayoutFormat = 1;
constexpr std::size_t kKept = 8;  // a few branches' merge-bases at once
constexpr std::string_view kMagic = "HCLAYOUT";
constexpr std::string_view kPy = ".py";

}  // namespace

std::string LayoutMemo::dir_for(const std::string& git_common_dir) {
  return (std::filesystem::path(git_common_dir) / "hook-check" / ("layout-v" + std::to_string(kLayoutFormat))).string();
}

std::string LayoutMemo::key_for(const ObjectId& tree, const Config& config) {
  // The tree names the entry; the rest is hashed beside it (no digest
  // library's start-up on the pre-commit hook's path for a few bytes).
  std::string rest;
  put_string(rest, FactsStore::build_key());
  put_string(rest, HOOK_CHECK_SOURCES_HASH);
  put_size(rest, config.exclude.size());
  for (const auto& glob : config.exclude) put_string(rest, glob);
  put_size(rest, config.app_labels.size());
  for (const auto& [dir, label] : config.app_labels) put_string(rest, dir), put_string(rest, label);
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(facts_payload_hash(rest)));
  return tree.hex() + "-" + hash;
}

std::string encode_layout(const ProjectLayout& layout) {
  std::string out;
  put_string(out, FactsStore::build_key());
  put_size(out, layout.apps.size());
  for (const App& app : layout.apps) {
    for (const auto* s : {&app.label, &app.id, &app.directory, &app.migrations_dir}) put_string(out, *s);
    // The modules' paths as one block, then each one's length and blob.
    std::string paths;
    for (const MigrationModule& m : app.migrations) paths += m.path;
    put_string(out, paths);
    put_size(out, app.migrations.size());
    for (const MigrationModule& m : app.migrations) {
      put_size(out, m.path.size());
      out.append(reinterpret_cast<const char*>(m.id.bytes.data()), m.id.bytes.size());
    }
    put_size(out, app.models_paths.size());
    for (const auto& p : app.models_paths) put_string(out, p);
  }
  return out;
}

std::optional<ProjectLayout> decode_layout(std::string_view bytes) {
  CodecReader r{bytes};
  if (r.string() != FactsStore::build_key() || !r.ok) return std::nullopt;
  ProjectLayout layout;
  layout.apps.resize(r.count(7));
  for (App& app : layout.apps) {
    for (auto* s : {&app.label, &app.id, &app.directory, &app.migrations_dir}) *s = r.string();
    // Names and paths view the block, as discover_layout makes them: "<migrations_dir>/<name>.py".
    auto paths = std::make_shared<const std::string>(r.string());
    const std::size_t prefix = app.migrations_dir.size() + 1;
    const std::size_t n = r.count(21);
    app.migrations.resize(n);
    std::size_t at = 0;
    for (MigrationModule& m : app.migrations) {
      std::size_t size = r.size();
      if (!r.ok || r.in.size() < 20 || size > paths->size() - at || size <= prefix + kPy.size()) return std::nullopt;
      m.path = std::string_view(*paths).substr(at, size);
      if (m.path.compare(0, prefix - 1, app.migrations_dir) != 0 || m.path[prefix - 1] != '/' || !m.path.ends_with(kPy))
        return std::nullopt;
      m.name = m.path.substr(prefix, size - prefix - kPy.size());
      std::memcpy(m.id.bytes.data(), r.in.data(), 20);
      r.in.remove_prefix(20);
      at += size;
    }
    if (at != paths->size()) return std::nullopt;
    app.module_paths = std::move(paths);
    app.models_paths.resize(r.count(1));
    for (auto& p : app.models_paths) p = r.string();
    if (!r.ok) return std::nullopt;
  }
  if (!r.ok || !r.in.empty()) return std::nullopt;
  return layout;
}

std::optional<ProjectLayout> LayoutMemo::find(const std::string& key) const {
  auto bytes = read_memo_file(dir_ + "/" + key + ".bin");
  if (!bytes) return std::nullopt;
  auto body = memo_body(kMagic, *bytes);
  return body ? decode_layout(*body) : std::nullopt;
}

void LayoutMemo::add(const std::string& key, const ProjectLayout& layout) const {
  write_memo_file(dir_, key + ".bin", framed_memo(kMagic, encode_layout(layout)), kKept, ".bin");
}

}  // namespace hc
