#include "check/replay_memo.hpp"

#include <cstring>
#include <filesystem>

#include "check/facts_store.hpp"
#include "check/memo_files.hpp"
#include "models/model_value_codec.hpp"
#include "models/project_models_codec.hpp"

#ifndef HOOK_CHECK_SOURCES_HASH
#define HOOK_CHECK_SOURCES_HASH "unknown"
#endif

namespace hc {
namespace {

// Bumped when the file's layout or an entry's meaning changes.
constexpr int kReplayFormat = 1;
constexpr std::string_view kMagic = "HCREPLAY";
constexpr char kFileName[] = "states.bin";

}  // namespace

std::string ReplayStatesStore::dir_for(const std::string& git_common_dir) {
  return (std::filesystem::path(git_common_dir) / "hook-check" / ("replay-v" + std::to_string(kReplayFormat))).string();
}

// The replay's code (the build key hashes src/models) and the check layer's,
// which decides what each migration's plan entry says.
std::string ReplayStatesStore::salt() const { return FactsStore::build_key() + "\n" + HOOK_CHECK_SOURCES_HASH; }

void ReplayStatesStore::load() {
  loaded_ = true;
  auto bytes = read_memo_file(dir_ + "/" + kFileName);
  if (!bytes) return;
  file_ = std::move(*bytes);  // the states view it
  auto body = memo_body(kMagic, file_);
  if (!body) return;
  CodecReader r{*body};
  if (r.string() != salt()) return;
  std::map<ObjectId, std::string_view> stored;
  std::vector<ObjectId> order;
  for (std::size_t n = r.count(21); r.ok && n > 0; --n) {
    if (r.in.size() < 20) return;
    ObjectId key;
    std::memcpy(key.bytes.data(), r.in.data(), 20);
    r.in.remove_prefix(20);
    std::size_t size = r.size();
    if (!r.ok || size > r.in.size()) return;
    if (stored.emplace(key, r.in.substr(0, size)).second) order.push_back(key);
    r.in.remove_prefix(size);
  }
  if (!r.ok || !r.in.empty()) return;
  stored_ = std::move(stored);
  order_ = std::move(order);
}

std::optional<ProjectModels> ReplayStatesStore::find(const ObjectId& key) {
  if (!loaded_) load();
  auto it = stored_.find(key);
  if (it == stored_.end()) return std::nullopt;
  auto decoded = decode_extracted_models(it->second);
  if (!decoded) {
    stored_.erase(it);  // damaged: replayed, and rewritten
    return std::nullopt;
  }
  used_.insert(key);
  return std::move(decoded->models);
}

void ReplayStatesStore::add(const ObjectId& key, const ProjectModels& state, const std::string& label) {
  added_[key] = encode_app_models(state, label);
}

void ReplayStatesStore::save() {
  if (added_.empty()) return;
  if (!loaded_) load();
  std::string body;
  put_string(body, salt());
  std::vector<std::pair<const ObjectId*, std::string_view>> entries;
  for (const auto& [key, bytes] : added_) entries.emplace_back(&key, bytes);
  for (const auto& key : order_)
    if (used_.count(key) && !added_.count(key)) entries.emplace_back(&key, stored_.at(key));
  const std::size_t bound = 2 * entries.size();
  for (const auto& key : order_) {
    if (entries.size() >= bound) break;
    if (!used_.count(key) && !added_.count(key) && stored_.count(key)) entries.emplace_back(&key, stored_.at(key));
  }
  put_size(body, entries.size());
  for (const auto& [key, bytes] : entries) {
    body.append(reinterpret_cast<const char*>(key->bytes.data()), key->bytes.size());
    put_size(body, bytes.size());
    body.append(bytes);
  }
  write_memo_file(dir_, kFileName, framed_memo(kMagic, body), 1, kFileName);
  added_.clear();
}

}  // namespace hc
