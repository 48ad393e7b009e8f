// The facts cache on disk: parsed migrations kept by blob id under the git
// dir (`hook-check/facts-v<N>/`), so a run parses only blobs no run has seen.
// 256 shards by the id's first byte: adding one migration rewrites one small
// file. Every failure here is a miss or a skipped write, never an error: a
// missing, stale, corrupt or unwritable cache only costs a parse.
#pragma once
#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/object_id.hpp"
#include "python/migration_facts.hpp"

namespace hc {

class FactsStore {
 public:
  // The store kept in `dir` (created on the first save); nothing is read yet.
  explicit FactsStore(std::string dir);
  // The store for a repository's git dir (the common dir for worktrees).
  static std::string dir_for(const std::string& git_common_dir);
  // What identifies this build's facts: tool version, codec format, parser sources, grammar.
  static std::string build_key();

  // Decoded facts for `blob`, or null when the cache does not hold it (or holds it damaged).
  std::shared_ptr<const MigrationFacts> find(const ObjectId& blob);
  // find() for many blobs, decoded on every core; null where the cache misses.
  // Once `stop` is set, what is left is not looked up (null too).
  std::vector<std::shared_ptr<const MigrationFacts>> find_many(const std::vector<ObjectId>& blobs,
                                                               const std::atomic<bool>* stop = nullptr);
  void add(const ObjectId& blob, const MigrationFacts& facts);
  // The same, with the facts already encoded (by the thread that parsed them).
  void add_encoded(const ObjectId& blob, std::string bytes, std::uint8_t flags);
  // The entry's graph flags (facts_graph_flags), read from the index without decoding.
  std::optional<std::uint8_t> flags(const ObjectId& blob);
  // Records a blob's flags alone, known without parsing it (a file that never
  // says run_before or replaces); find() still misses it.
  void add_flags(const ObjectId& blob, std::uint8_t flags);
  // Payloads other than facts (the operations memo keeps its own store):
  // bytes as added, checked like facts, without graph flags.
  std::optional<std::string_view> find_bytes(const ObjectId& blob);
  void add_bytes(const ObjectId& blob, std::string bytes);
  // Writes the shards that gained entries, each to a temporary file renamed
  // over the old one, so a concurrent reader sees one whole version or the other.
  void save() { save(false); }
  // save(), then frees the shards it wrote or found clean (they are read
  // again if asked for): the facts they held are decoded by now, and the
  // audit that follows needs the memory more. Each goes once written.
  void save_and_release() { save(true); }

  const std::string& dir() const { return dir_; }
  std::size_t hits() const { return hits_; }

 private:
  struct Shard {
    bool loaded = false;
    bool dirty = false;
    std::string bytes;                                  // the file as read
    struct Entry {
      std::string_view bytes;  // into `bytes` or `added`
      std::uint8_t flags = 0;
      std::uint64_t hash = 0;  // entry_hash of bytes and flags, as stored
      bool checked = false;    // hash compared with the bytes
    };
    // Payloads, into `bytes`, sorted by id as the file lists them: a check
    // loads a hundred shards to look a hundred entries up.
    std::vector<std::pair<ObjectId, Entry>> stored;
    Entry* find_stored(const ObjectId& id);
    void erase_stored(const ObjectId& id);
    std::map<ObjectId, std::pair<std::string, std::uint8_t>> added;  // encoded this run
    std::set<ObjectId> used;                            // looked up or added this run
  };
  void save(bool release);
  Shard& shard(const ObjectId& blob);
  // The encoded facts of `blob`, if the cache holds them.
  std::optional<std::string_view> payload(const ObjectId& blob);
  void load(std::uint8_t index, Shard& s) const;
  // Graph flags of every blob the store has seen, in one file (flags.bin):
  // a focused view asks them of every migration it leaves out, so they are
  // read without opening the 256 shards.
  void load_flags();
  bool save_flags(const std::string& tmp_suffix);
  bool flags_loaded_ = false;
  std::vector<std::pair<ObjectId, std::uint8_t>> flag_table_;  // sorted by id, as read
  std::vector<bool> flag_used_;                                // parallel: looked up this run
  std::array<std::uint32_t, 257> flag_bucket_{};               // where each first byte's ids start
  std::map<ObjectId, std::uint8_t> new_flags_;                 // learnt this run
  std::string dir_;
  std::string key_;
  std::array<std::unique_ptr<Shard>, 256> shards_;
  std::size_t hits_ = 0;
};

// What a migration says about other apps' graphs: the bits that decide
// whether a check may leave its app out of a view (run_before reaches into
// other apps; replaces may name them).
inline constexpr std::uint8_t kHasRunBefore = 1, kHasReplaces = 2;
inline constexpr std::uint8_t kFlagsOnly = 4;  // an entry without facts
// Entries of flags.bin that are not a migration's graph flags:
// an apps.py blob read as naming no label (FactsCache::app_label);
inline constexpr std::uint8_t kAppConfigWithoutLabel = 8;
// an app's migrations as a whole (FactsCache::app_reaches_out), keyed by
// app_summary_key; with kAppReachesOut when one of them reaches other apps.
inline constexpr std::uint8_t kAppSummary = 16, kAppReachesOut = 32;
inline constexpr std::uint8_t kNotMigrationFlags = kAppConfigWithoutLabel | kAppSummary;
std::uint8_t facts_graph_flags(const MigrationFacts& facts);

// The shard file's checksum of one payload (exposed for the tests that damage one).
std::uint64_t facts_payload_hash(std::string_view bytes);

}  // namespace hc
