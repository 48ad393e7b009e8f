#include "check/models_memo.hpp"

#include <cstring>
#include <filesystem>

#include "check/facts_store.hpp"
#include "check/memo_files.hpp"
#include "core/sha1.hpp"
#include "git/repository.hpp"
#include "git/snapshot.hpp"
#include "layout/project_layout.hpp"
#include "models/model_value_codec.hpp"

#ifndef HOOK_CHECK_SOURCES_HASH
#define HOOK_CHECK_SOURCES_HASH "unknown"
#endif

namespace hc {
namespace {

constexpr int kModelsFormat = 1;
constexpr std::size_t kKept = 4;  // a few branches' models at once
constexpr std::string_view kMagic = "HCMODELS";

void put(std::string& out, std::string_view s) {
  out += s;
  out.push_back('\0');
}

}  // namespace

std::string ModelsMemo::dir_for(const std::string& git_common_dir) {
  return (std::filesystem::path(git_common_dir) / "hook-check" / ("models-v" + std::to_string(kModelsFormat))).string();
}

ObjectId ModelsMemo::key_for(const Snapshot& snapshot, const ProjectLayout& layout, const DjangoVersion& version) {
  std::string bytes;
  put(bytes, FactsStore::build_key());
  put(bytes, HOOK_CHECK_SOURCES_HASH);
  for (const auto& s : {std::to_string(version.major), std::to_string(version.minor), version.source, version.auth_user_model})
    put(bytes, s);
  for (const App& app : layout.apps) {
    for (const auto* s : {&app.label, &app.id, &app.directory, &app.migrations_dir}) put(bytes, *s);
    put(bytes, std::to_string(app.models_paths.size()));
    for (const auto& p : app.models_paths) put(bytes, p);
  }
  // Paths only: which modules exist decides what an import finds; the
  // contents that matter are the read files' ids, checked by find().
  for (const SnapshotFile& f : snapshot) put(bytes, f.path);
  return sha1_of(bytes);
}

std::optional<ExtractedModels> ModelsMemo::find(const ObjectId& key, const Snapshot& snapshot) const {
  auto bytes = read_memo_file(dir_ + "/" + key.hex() + ".bin");
  if (!bytes) return std::nullopt;
  auto body = memo_body(kMagic, *bytes);
  if (!body) return std::nullopt;
  CodecReader r{*body};
  if (r.string() != FactsStore::build_key()) return std::nullopt;
  for (std::size_t n = r.count(21); r.ok && n > 0; --n) {
    std::string path = r.string();
    if (r.in.size() < 20) return std::nullopt;
    ObjectId id;
    std::memcpy(id.bytes.data(), r.in.data(), 20);
    r.in.remove_prefix(20);
    const SnapshotFile* now = snapshot.find(path);
    if (!now || now->id != id) return std::nullopt;  // a file the models were read from has changed
  }
  if (!r.ok) return std::nullopt;
  return decode_extracted_models(r.in);
}

void ModelsMemo::add(const ObjectId& key, const ReadFiles& read, const ProjectModels& models,
                     const std::map<std::string, std::string>& model_labels) const {
  std::string body;
  put_string(body, FactsStore::build_key());
  put_size(body, read.size());
  for (const auto& [path, id] : read) {
    put_string(body, path);
    body.append(reinterpret_cast<const char*>(id.bytes.data()), id.bytes.size());
  }
  body += encode_extracted_models(models, model_labels);
  write_memo_file(dir_, key.hex() + ".bin", framed_memo(kMagic, body), kKept, ".bin");
}

}  // namespace hc
