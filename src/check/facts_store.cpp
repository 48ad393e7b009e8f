#include "check/facts_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>
#include <tuple>

#include "core/file_bytes.hpp"
#include "python/facts_codec.hpp"
#include "python/syntax_tree.hpp"

#ifndef HOOK_CHECK_PARSER_HASH
#define HOOK_CHECK_PARSER_HASH "unknown"
#endif

namespace hc {
namespace {

constexpr char kMagic[8] = {'H', 'C', 'F', 'A', 'C', 'T', 'S', '3'};
constexpr std::size_t kIndexEntry = 20 + 4 + 8 + 1;  // id, length, hash, flags
// A shard past this size drops the entries this run did not use: 256 shards
// keep the cache under ~128 MB whatever the history of the repository.
constexpr std::size_t kMaxShardBytes = 512 * 1024;
constexpr char kFlagsMagic[8] = {'H', 'C', 'F', 'L', 'A', 'G', 'S', '1'};
constexpr std::size_t kFlagEntry = 20 + 1;
// ~5 MB of flags.bin: twenty times the largest repository's migrations.
constexpr std::size_t kMaxFlagEntries = 256 * 1024;

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
std::uint64_t get_le(const char* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

std::string hex_byte(std::uint8_t b) {
  static const char* digits = "0123456789abcdef";
  return {digits[b >> 4], digits[b & 15]};
}

bool write_whole_file(const std::string& path, const std::string& bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  std::size_t done = 0;
  bool ok = true;
  while (ok && done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) ok = false;
    else done += static_cast<std::size_t>(n);
  }
  return ::close(fd) == 0 && ok;
}

}  // namespace

std::uint64_t facts_payload_hash(std::string_view bytes) {
  // FNV-1a over 8-byte words, then the tail: cheap, and any damage shows.
  std::uint64_t h = 0xcbf29ce484222325ull ^ bytes.size();
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, bytes.data() + i, 8);
    h = (h ^ w) * 0x100000001b3ull;
    h ^= h >> 29;
  }
  for (; i < bytes.size(); ++i) h = (h ^ static_cast<unsigned char>(bytes[i])) * 0x100000001b3ull;
  return h;
}

namespace {
// The flags decide what a view may leave out: a damaged one must not pass.
std::uint64_t entry_hash(std::string_view bytes, std::uint8_t flags) {
  return facts_payload_hash(bytes) ^ (static_cast<std::uint64_t>(flags) + 1) * 0x9e3779b97f4a7c15ull;
}
}  // namespace

std::uint8_t facts_graph_flags(const MigrationFacts& facts) {
  return static_cast<std::uint8_t>((facts.run_before.empty() ? 0 : kHasRunBefore) | (facts.replaces.empty() ? 0 : kHasReplaces));
}

FactsStore::FactsStore(std::string dir) : dir_(std::move(dir)), key_(build_key()) {}

std::string FactsStore::dir_for(const std::string& git_common_dir) {
  return (std::filesystem::path(git_common_dir) / "hook-check" / ("facts-v" + std::to_string(kFactsFormat))).string();
}

std::string FactsStore::build_key() {
  return std::string("hook-check ") + HOOK_CHECK_VERSION + "; facts " + std::to_string(kFactsFormat) + "; parser " +
         HOOK_CHECK_PARSER_HASH + "; grammar abi " + std::to_string(ts_language_version(tree_sitter_python())) + "/" +
         std::to_string(ts_language_symbol_count(tree_sitter_python()));
}

FactsStore::Shard& FactsStore::shard(const ObjectId& blob) {
  auto& s = shards_[blob.bytes[0]];
  if (!s) s = std::make_unique<Shard>();
  if (!s->loaded) load(blob.bytes[0], *s);
  return *s;
}

void FactsStore::load(std::uint8_t index, Shard& s) const {
  s.loaded = true;
  if (dir_.empty()) return;
  if (!read_whole_file(dir_ + "/" + hex_byte(index) + ".bin", s.bytes)) return;
  // Anything but a whole file of this build is no cache at all.
  const std::string& b = s.bytes;
  auto reject = [&] {
    s.stored.clear();
    s.bytes.clear();
  };
  std::size_t at = sizeof kMagic;
  if (b.size() < at + 4 || std::memcmp(b.data(), kMagic, sizeof kMagic) != 0) return reject();
  std::size_t key_len = get_le(b.data() + at, 4);
  at += 4;
  if (b.size() - at < key_len + 4 || b.compare(at, key_len, key_) != 0 || key_len != key_.size()) return reject();
  at += key_len;
  std::size_t count = get_le(b.data() + at, 4);
  at += 4;
  if (b.size() - at < 8 || (b.size() - at - 8) / kIndexEntry < count) return reject();
  // The table (ids, lengths, checksums, flags) has a checksum of its own: the
  // flags decide what a view may leave out, and are read without the payloads.
  std::string_view table(b.data() + at, count * kIndexEntry);
  if (get_le(b.data() + at + table.size(), 8) != facts_payload_hash(table)) return reject();
  std::size_t payload = at + table.size() + 8;
  for (std::size_t i = 0; i < count; ++i, at += kIndexEntry) {
    ObjectId id;
    std::memcpy(id.bytes.data(), b.data() + at, 20);
    std::size_t len = get_le(b.data() + at + 20, 4);
    std::uint64_t hash = get_le(b.data() + at + 24, 8);
    auto flags = static_cast<std::uint8_t>(b[at + 32]);
    if (b.size() - payload < len) return reject();
    std::string_view bytes(b.data() + payload, len);
    payload += len;
    if (id.bytes[0] != index) continue;
    s.stored.push_back({id, Shard::Entry{bytes, flags, hash}});
  }
  if (payload != b.size()) return reject();
  // Written sorted; a file that is not is still read, its first entry for an id kept.
  auto by_id = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (!std::is_sorted(s.stored.begin(), s.stored.end(), by_id)) std::stable_sort(s.stored.begin(), s.stored.end(), by_id);
  s.stored.erase(std::unique(s.stored.begin(), s.stored.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
                 s.stored.end());
}

FactsStore::Shard::Entry* FactsStore::Shard::find_stored(const ObjectId& id) {
  auto it = std::lower_bound(stored.begin(), stored.end(), id, [](const auto& e, const ObjectId& k) { return e.first < k; });
  return it != stored.end() && it->first == id ? &it->second : nullptr;
}

void FactsStore::Shard::erase_stored(const ObjectId& id) {
  auto it = std::lower_bound(stored.begin(), stored.end(), id, [](const auto& e, const ObjectId& k) { return e.first < k; });
  if (it != stored.end() && it->first == id) stored.erase(it);
}

std::optional<std::string_view> FactsStore::payload(const ObjectId& blob) {
  Shard& s = shard(blob);
  std::string_view bytes;
  std::uint8_t flags = 0;
  if (auto it = s.added.find(blob); it != s.added.end()) std::tie(bytes, flags) = it->second;
  else if (Shard::Entry* st = s.find_stored(blob)) {
    // Payloads are checked when first used, not all at load: a run reads few of them.
    Shard::Entry& e = *st;
    if (!e.checked && entry_hash(e.bytes, e.flags) != e.hash) {
      s.erase_stored(blob);  // damaged: parsed again and rewritten
      return std::nullopt;
    }
    e.checked = true;
    std::tie(bytes, flags) = std::tie(e.bytes, e.flags);
  } else {
    return std::nullopt;
  }
  if (flags & kFlagsOnly) return std::nullopt;
  return bytes;
}

std::shared_ptr<const MigrationFacts> FactsStore::find(const ObjectId& blob) {
  return find_many({blob}).front();
}

std::vector<std::shared_ptr<const MigrationFacts>> FactsStore::find_many(const std::vector<ObjectId>& blobs,
                                                                         const std::atomic<bool>* stop) {
  auto stopped = [stop] { return stop && stop->load(std::memory_order_relaxed); };
  std::vector<std::optional<std::string_view>> bytes(blobs.size());
  for (std::size_t i = 0; i < blobs.size() && !stopped(); ++i) bytes[i] = payload(blobs[i]);
  std::vector<std::shared_ptr<const MigrationFacts>> out(blobs.size());
  // Entries a stop left undecoded are not damaged ones: those are forgotten.
  std::vector<char> decoded(blobs.size(), 0);
  auto decode = [&](std::size_t i) {
    if (!bytes[i] || stopped()) return;
    decoded[i] = 1;
    if (auto facts = decode_facts(*bytes[i])) out[i] = std::make_shared<const MigrationFacts>(std::move(*facts));
  };
  std::size_t threads = std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()), 8);
  if (blobs.size() < 256) threads = 1;  // not worth starting threads
  if (threads == 1) {
    for (std::size_t i = 0; i < blobs.size(); ++i) decode(i);
  } else {
    // decode_facts throws nothing (a failure is nullopt, memory exhaustion included).
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < threads; ++t)
      pool.emplace_back([&] {
        for (std::size_t i; (i = next++) < blobs.size();) decode(i);
      });
    for (auto& th : pool) th.join();
  }
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    if (!decoded[i]) continue;
    Shard& s = shard(blobs[i]);
    if (!out[i]) {
      s.erase_stored(blobs[i]);  // damaged: parsed again and rewritten
      continue;
    }
    s.used.insert(blobs[i]);
    ++hits_;
  }
  return out;
}

void FactsStore::load_flags() {
  flags_loaded_ = true;
  std::string b;
  if (dir_.empty() || !read_whole_file(dir_ + "/flags.bin", b)) return;
  // Magic, key, count, (id, flags) sorted by id, then a checksum of all before it.
  std::size_t at = sizeof kFlagsMagic;
  if (b.size() < at + 4 + 8 || std::memcmp(b.data(), kFlagsMagic, sizeof kFlagsMagic) != 0) return;
  if (get_le(b.data() + b.size() - 8, 8) != facts_payload_hash(std::string_view(b).substr(0, b.size() - 8))) return;
  std::size_t key_len = get_le(b.data() + at, 4);
  at += 4;
  if (b.size() - 8 - at < key_len + 4 || key_len != key_.size() || b.compare(at, key_len, key_) != 0) return;
  at += key_len;
  std::size_t count = get_le(b.data() + at, 4);
  at += 4;
  if ((b.size() - 8 - at) / kFlagEntry != count || (b.size() - 8 - at) % kFlagEntry != 0) return;
  flag_table_.resize(count);
  for (std::size_t i = 0; i < count; ++i, at += kFlagEntry) {
    std::memcpy(flag_table_[i].first.bytes.data(), b.data() + at, 20);
    flag_table_[i].second = static_cast<std::uint8_t>(b[at + 20]);
    if (i > 0 && !(flag_table_[i - 1].first < flag_table_[i].first)) return flag_table_.clear();
  }
  flag_used_.assign(count, false);
  for (std::size_t i = 0, byte = 0; byte <= 256; ++byte) {
    while (i < count && flag_table_[i].first.bytes[0] < byte) ++i;
    flag_bucket_[byte] = static_cast<std::uint32_t>(i);
  }
}

std::optional<std::uint8_t> FactsStore::flags(const ObjectId& blob) {
  if (auto it = new_flags_.find(blob); it != new_flags_.end()) return it->second;
  if (!flags_loaded_) load_flags();
  if (flag_table_.empty()) return std::nullopt;
  auto first = flag_table_.begin() + flag_bucket_[blob.bytes[0]], last = flag_table_.begin() + flag_bucket_[blob.bytes[0] + 1];
  auto it = std::lower_bound(first, last, blob, [](const auto& entry, const ObjectId& id) { return entry.first < id; });
  if (it == last || it->first != blob) return std::nullopt;
  flag_used_[static_cast<std::size_t>(it - flag_table_.begin())] = true;
  return it->second;
}

void FactsStore::add_flags(const ObjectId& blob, std::uint8_t flags) {
  if (!this->flags(blob)) new_flags_[blob] = flags;
}

bool FactsStore::save_flags(const std::string& tmp_suffix) {
  // Merge what was read with what was learnt; past the cap, keep what this run used.
  std::vector<std::pair<ObjectId, std::uint8_t>> all;
  all.reserve(flag_table_.size() + new_flags_.size());
  bool prune = flag_table_.size() + new_flags_.size() > kMaxFlagEntries;
  auto n = new_flags_.begin();
  for (std::size_t i = 0; i <= flag_table_.size(); ++i) {
    const ObjectId* id = i < flag_table_.size() ? &flag_table_[i].first : nullptr;
    for (; n != new_flags_.end() && (!id || n->first < *id); ++n) all.push_back(*n);
    if (!id) break;
    if (n != new_flags_.end() && n->first == *id) continue;  // learnt again: the new entry follows
    if (!prune || flag_used_[i]) all.push_back(flag_table_[i]);
  }
  std::string out(kFlagsMagic, sizeof kFlagsMagic);
  put_u32(out, static_cast<std::uint32_t>(key_.size()));
  out += key_;
  put_u32(out, static_cast<std::uint32_t>(all.size()));
  for (const auto& [id, flags] : all) {
    out.append(reinterpret_cast<const char*>(id.bytes.data()), 20);
    out.push_back(static_cast<char>(flags));
  }
  put_u64(out, facts_payload_hash(out));
  const std::string path = dir_ + "/flags.bin", tmp = path + tmp_suffix;
  if (!write_whole_file(tmp, out) || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return false;
  }
  new_flags_.clear();
  return true;
}

std::optional<std::string_view> FactsStore::find_bytes(const ObjectId& blob) {
  auto bytes = payload(blob);
  if (bytes) {
    shard(blob).used.insert(blob);
    ++hits_;
  }
  return bytes;
}

void FactsStore::add_bytes(const ObjectId& blob, std::string bytes) {
  Shard& s = shard(blob);
  s.added[blob] = {std::move(bytes), 0};
  s.used.insert(blob);
  s.dirty = true;
}

void FactsStore::add(const ObjectId& blob, const MigrationFacts& facts) {
  add_encoded(blob, encode_facts(facts), facts_graph_flags(facts));
}

void FactsStore::add_encoded(const ObjectId& blob, std::string bytes, std::uint8_t flags) {
  add_flags(blob, flags);
  Shard& s = shard(blob);
  s.added[blob] = {std::move(bytes), flags};
  s.used.insert(blob);
  s.dirty = true;
}

void FactsStore::save(bool release) {
  if (dir_.empty()) return;
  static std::atomic<unsigned> counter{0};
  bool made_dir = false;
  for (std::size_t index = 0; index < shards_.size(); ++index) {
    Shard* s = shards_[index].get();
    if (!s || !s->dirty) {
      if (release) shards_[index].reset();
      continue;
    }
    std::map<ObjectId, Shard::Entry> entries;
    std::size_t total = 0;
    for (const auto& [id, added] : s->added)
      total += entries.emplace(id, Shard::Entry{added.first, added.second, entry_hash(added.first, added.second)}).first->second.bytes.size();
    for (const auto& [id, entry] : s->stored)
      if (entries.emplace(id, entry).second) total += entry.bytes.size();
    if (total > kMaxShardBytes)
      for (auto it = entries.begin(); it != entries.end();) it = s->used.count(it->first) ? std::next(it) : entries.erase(it);

    std::string out(kMagic, sizeof kMagic);
    put_u32(out, static_cast<std::uint32_t>(key_.size()));
    out += key_;
    put_u32(out, static_cast<std::uint32_t>(entries.size()));
    const std::size_t table = out.size();
    for (const auto& [id, entry] : entries) {
      out.append(reinterpret_cast<const char*>(id.bytes.data()), 20);
      put_u32(out, static_cast<std::uint32_t>(entry.bytes.size()));
      put_u64(out, entry.hash);
      out.push_back(static_cast<char>(entry.flags));
    }
    put_u64(out, facts_payload_hash(std::string_view(out).substr(table)));
    for (const auto& [id, entry] : entries) out += entry.bytes;

    if (!made_dir) {
      std::error_code ec;
      std::filesystem::create_directories(dir_, ec);
      if (ec) return;  // a read-only repository: run without saving
      made_dir = true;
    }
    const std::string path = dir_ + "/" + hex_byte(static_cast<std::uint8_t>(index)) + ".bin";
    const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
    if (!write_whole_file(tmp, out) || std::rename(tmp.c_str(), path.c_str()) != 0) {
      std::remove(tmp.c_str());
      return;  // not writable: later shards would fail alike
    }
    s->dirty = false;
    // Each shard as soon as it is written: a cold audit's peak is here.
    if (release) shards_[index].reset();
  }
  if (!new_flags_.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (!ec) save_flags(".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++));
  }
}

}  // namespace hc
