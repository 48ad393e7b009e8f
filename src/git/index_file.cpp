#include "git/index_file.hpp"

#include "git/snapshot.hpp"  // PathArena

#include <algorithm>
#include <bit>
#include <cstring>

namespace hc {
namespace {

constexpr std::size_t kHashSize = 20;
constexpr std::uint16_t kExtendedFlag = 0x4000;
constexpr std::uint16_t kIntentToAdd = 0x2000;  // in the extended flags
constexpr std::uint16_t kSkipWorktree = 0x4000;  // in the extended flags
constexpr std::uint16_t kAssumeValid = 0x8000;

std::uint32_t be32(const char* p) {
  auto b = [&](int i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(p[i])); };
  return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
}
std::uint16_t be16(const char* p) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(p[0]) << 8 | static_cast<unsigned char>(p[1]));
}

// A reader over the bytes that fails closed: any read past the end sets `ok` false.
struct Cursor {
  const char* p;
  const char* end;
  bool ok = true;

  std::size_t left() const { return static_cast<std::size_t>(end - p); }
  const char* take(std::size_t n) {
    if (!ok || left() < n) {
      ok = false;
      return end;
    }
    const char* at = p;
    p += n;
    return at;
  }
  // Up to (not including) the terminator; the terminator is consumed.
  std::string_view until(char terminator) {
    if (!ok) return {};
    const void* hit = std::memchr(p, terminator, left());
    if (!hit) {
      ok = false;
      return {};
    }
    std::string_view s(p, static_cast<std::size_t>(static_cast<const char*>(hit) - p));
    p += s.size() + 1;
    return s;
  }
  // Format 4's offset encoding (git's decode_varint).
  std::uint64_t varint() {
    const char* b = take(1);
    if (!ok) return 0;
    std::uint64_t v = static_cast<unsigned char>(*b) & 0x7f;
    while (ok && (static_cast<unsigned char>(*b) & 0x80)) {
      b = take(1);
      if (!ok || v > (std::uint64_t{1} << 56)) return ok = false, 0;
      v = ((v + 1) << 7) | (static_cast<unsigned char>(*b) & 0x7f);
    }
    return v;
  }
};

bool parse_int(std::string_view s, int& out) {
  bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  if (s.empty() || s.size() > 9) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = negative ? -v : v;
  return true;
}

bool parse_cache_tree(Cursor& in, CacheTree& node, int depth) {
  if (depth > 4096) return false;
  node.name = std::string(in.until('\0'));
  int entries = 0, subtrees = 0;
  if (!parse_int(in.until(' '), entries) || !parse_int(in.until('\n'), subtrees) || subtrees < 0 || entries < -1) return false;
  node.entry_count = entries;
  if (entries >= 0) std::memcpy(node.id.bytes.data(), in.take(kHashSize), in.ok ? kHashSize : 0);
  if (!in.ok) return false;
  node.children.resize(static_cast<std::size_t>(subtrees));
  for (auto& child : node.children)
    if (!parse_cache_tree(in, child, depth + 1)) return false;
  // Git orders subtrees by name length first; sorted by name, child() can
  // search them (the root of a 300-app repository has 300).
  std::sort(node.children.begin(), node.children.end(), [](const CacheTree& a, const CacheTree& b) { return a.name < b.name; });
  return true;
}

}  // namespace

const CacheTree* CacheTree::child(std::string_view component) const {
  auto it = std::lower_bound(children.begin(), children.end(), component,
                             [](const CacheTree& c, std::string_view name) { return c.name < name; });
  return it != children.end() && it->name == component ? &*it : nullptr;
}

namespace {

// One index file as it is on disk, before a split index is merged with its shared index.
struct OneFile {
  IndexFile index;                     // entries may have an empty path (replacements in a split index)
  std::optional<std::string_view> link;  // the data of the "link" extension
};

std::optional<OneFile> parse_one_file(std::string_view input, std::shared_ptr<const void> owner = {}) {
  std::string_view bytes = input;
  if (!owner) {
    auto copy = std::make_shared<const std::string>(input);
    bytes = *copy;
    owner = std::move(copy);
  }
  if (bytes.size() < 12 + kHashSize || bytes.substr(0, 4) != "DIRC") return std::nullopt;
  const std::uint32_t version = be32(bytes.data() + 4);
  if (version < 2 || version > 4) return std::nullopt;
  const std::uint32_t count = be32(bytes.data() + 8);
  Cursor in{bytes.data() + 12, bytes.data() + bytes.size() - kHashSize};
  if (count > in.left() / 62) return std::nullopt;  // an entry takes 62 bytes at least

  OneFile file;
  IndexFile& index = file.index;
  index.entries.reserve(count);
  index.storage.push_back(std::move(owner));
  std::shared_ptr<PathArena> rebuilt;  // format 4's paths
  std::string previous;  // format 4 compresses each path against the one before
  for (std::uint32_t i = 0; i < count && in.ok; ++i) {
    const char* start = in.p;
    const char* fixed = in.take(62);
    if (!in.ok) return std::nullopt;
    IndexEntry e;
    e.stat = IndexStat{be32(fixed), be32(fixed + 4), be32(fixed + 8), be32(fixed + 12), be32(fixed + 16),
                       be32(fixed + 20), be32(fixed + 28), be32(fixed + 32), be32(fixed + 36)};
    e.mode = be32(fixed + 24);
    std::memcpy(e.id.bytes.data(), fixed + 40, kHashSize);
    const std::uint16_t flags = be16(fixed + 60);
    e.stage = (flags >> 12) & 3;
    e.assume_unchanged = flags & kAssumeValid;
    if (flags & kExtendedFlag) {
      if (version < 3) return std::nullopt;
      const char* extended = in.take(2);
      if (!in.ok) return std::nullopt;
      e.intent_to_add = be16(extended) & kIntentToAdd;
      e.skip_worktree = be16(extended) & kSkipWorktree;
    }
    // A sparse index keeps whole directories as entries: libgit2 expands them.
    if ((e.mode & 0170000) == 0040000) return std::nullopt;
    if (version == 4) {
      std::uint64_t strip = in.varint();
      std::string_view suffix = in.until('\0');
      if (!in.ok || strip > previous.size()) return std::nullopt;
      previous.resize(previous.size() - strip);
      previous.append(suffix);
      if (!rebuilt) index.storage.push_back(rebuilt = std::make_shared<PathArena>());
      e.path = rebuilt->add(previous);
    } else {
      e.path = in.until('\0');
      if (!in.ok) return std::nullopt;
      // Entries are padded with NULs to a multiple of 8 bytes (the one read counts).
      std::size_t used = static_cast<std::size_t>(in.p - start);
      std::size_t padded = (used + 7) & ~std::size_t{7};
      in.take(padded - used);
      if (!in.ok) return std::nullopt;
    }
    index.entries.push_back(std::move(e));
  }
  if (!in.ok) return std::nullopt;

  // Extensions: 4-byte signature, 4-byte size, data. Upper-case signatures are optional.
  while (in.left() > 0) {
    const char* header = in.take(8);
    if (!in.ok) return std::nullopt;
    std::string_view signature(header, 4);
    std::uint32_t size = be32(header + 4);
    const char* data = in.take(size);
    if (!in.ok) return std::nullopt;
    if (signature == "TREE") {
      Cursor tree{data, data + size};
      CacheTree root;
      // A damaged cache-tree only costs speed: the diff then walks every directory.
      if (size > 0 && parse_cache_tree(tree, root, 0) && root.name.empty()) index.cache_tree = std::move(root);
    } else if (signature == "link") {
      if (file.link) return std::nullopt;
      file.link = std::string_view(data, size);
    } else if (signature[0] < 'A' || signature[0] > 'Z') {
      return std::nullopt;  // "sdir" (sparse), or unknown and required
    }
  }
  return file;
}

std::uint64_t be64(const char* p) { return std::uint64_t{be32(p)} << 32 | be32(p + 4); }

// An EWAH-compressed bitmap as git serializes it (ewah/ewah_io.c): the number
// of bits (32 bits, big-endian), the number of 64-bit words (32 bits), the
// words (big-endian), the position of the last run-length word (32 bits).
struct Ewah {
  const char* words = nullptr;
  std::size_t count = 0;
};

bool read_ewah(Cursor& in, Ewah& out) {
  const char* header = in.take(8);
  if (!in.ok) return false;
  out.count = be32(header + 4);
  if (out.count > in.left() / 8) return false;
  out.words = in.take(out.count * 8);
  in.take(4);
  return in.ok;
}

// Calls on_bit(position) for every set bit, in increasing order, as git's
// ewah_each_bit does: each run-length word holds the bit of its run (bit 0),
// the run's length in words (bits 1-32) and the number of literal words that
// follow it (bits 33-63). False when the words end inside a run-length word's
// literals, when a set bit is at `limit` or past it, or when on_bit says false.
template <class OnBit>
bool each_bit(const Ewah& bitmap, std::uint64_t limit, OnBit&& on_bit) {
  // Past the limit no bit may be set: positions are kept from overflowing there.
  constexpr std::uint64_t kFar = std::uint64_t{1} << 62;
  std::uint64_t pos = 0;
  std::size_t i = 0;
  while (i < bitmap.count) {
    const std::uint64_t word = be64(bitmap.words + 8 * i++);
    const std::uint64_t run = ((word >> 1) & 0xffffffffu) * 64;
    const std::uint64_t literals = word >> 33;
    if (word & 1) {
      if (run > 0 && (run > limit || pos > limit - run)) return false;
      for (std::uint64_t end = pos + run; pos < end; ++pos)
        if (!on_bit(pos)) return false;
    } else {
      pos = std::min(pos + run, kFar);
    }
    if (literals > bitmap.count - i) return false;
    for (std::uint64_t k = 0; k < literals; ++k) {
      for (std::uint64_t bits = be64(bitmap.words + 8 * i++); bits; bits &= bits - 1) {
        const std::uint64_t at = pos + static_cast<std::uint64_t>(std::countr_zero(bits));
        if (at >= limit || !on_bit(at)) return false;
      }
      pos = std::min(pos + 64, kFar);
    }
  }
  return true;
}

// git's order of entries (cache_name_stage_compare): by path, bytes unsigned, then stage.
bool before(const IndexEntry& a, const IndexEntry& b) {
  int c = a.path.compare(b.path);
  return c < 0 || (c == 0 && a.stage < b.stage);
}

bool strictly_sorted(const IndexEntry* first, const IndexEntry* last) {
  for (const IndexEntry* e = first; e != last && e + 1 != last; ++e)
    if (!before(e[0], e[1])) return false;
  return true;
}

// git's merge_base_index (split-index.c) over the shared index's entries.
std::optional<IndexFile> merge_split_index(IndexFile split, std::vector<IndexEntry> shared, const Ewah& deletes,
                                           const Ewah& replaces) {
  std::vector<IndexEntry>& own = split.entries;
  // Replacements first: the n-th marked entry takes the n-th entry of this
  // file, which has no path of its own (git copies all but the name).
  std::size_t replaced = 0;
  bool ok = each_bit(replaces, shared.size(), [&](std::uint64_t pos) {
    if (replaced >= own.size() || !own[replaced].path.empty()) return false;
    IndexEntry& target = shared[pos];
    own[replaced].path = target.path;
    target = std::move(own[replaced++]);
    return true;
  });
  if (!ok) return std::nullopt;
  // Then deletions (after the replacements, by the original positions).
  std::vector<bool> deleted(shared.size());
  if (!each_bit(deletes, shared.size(), [&](std::uint64_t pos) {
        deleted[pos] = true;
        return true;
      }))
    return std::nullopt;
  std::vector<IndexEntry> kept;
  kept.reserve(shared.size());
  for (std::size_t i = 0; i < shared.size(); ++i)
    if (!deleted[i]) kept.push_back(std::move(shared[i]));

  // The rest of this file's entries are added, each as git's add_index_entry
  // does: one of the same path and stage is replaced; a stage 0 entry ends
  // the conflict of its path (its stages 1-3 go). Both lists are in git's
  // order (git writes them so): one pass merges them.
  const IndexEntry* added = own.data() + replaced;
  const IndexEntry* added_end = own.data() + own.size();
  for (const IndexEntry* e = added; e != added_end; ++e)
    if (e->path.empty()) return std::nullopt;
  if (!strictly_sorted(added, added_end) || !strictly_sorted(kept.data(), kept.data() + kept.size()))
    return std::nullopt;
  std::vector<IndexEntry> merged;
  merged.reserve(kept.size() + (own.size() - replaced));
  std::size_t k = 0;
  for (std::size_t i = replaced; i < own.size(); ++i) {
    IndexEntry& e = own[i];
    while (k < kept.size() && before(kept[k], e)) merged.push_back(std::move(kept[k++]));
    if (k < kept.size() && kept[k].path == e.path) {
      if (kept[k].stage == e.stage) ++k;
      else if (e.stage == 0)
        while (k < kept.size() && kept[k].path == e.path) ++k;
    }
    merged.push_back(std::move(e));
  }
  while (k < kept.size()) merged.push_back(std::move(kept[k++]));
  split.entries = std::move(merged);
  return split;
}

bool has_empty_path(const IndexFile& index) {
  return std::any_of(index.entries.begin(), index.entries.end(), [](const IndexEntry& e) { return e.path.empty(); });
}

}  // namespace

std::optional<IndexFile> parse_index_file(std::string_view bytes, const SharedIndexReader& read_shared,
                                          std::shared_ptr<const void> owner) {
  std::optional<OneFile> file = parse_one_file(bytes, std::move(owner));
  if (!file) return std::nullopt;
  if (!file->link) {
    if (has_empty_path(file->index)) return std::nullopt;
    return std::move(file->index);
  }

  // A split index (git's read_link_extension): the shared index's id, then,
  // when there is a shared index, the delete and the replace bitmaps.
  std::string_view link = *file->link;
  if (link.size() < kHashSize) return std::nullopt;
  ObjectId shared_id;
  std::memcpy(shared_id.bytes.data(), link.data(), kHashSize);
  Cursor bitmaps{link.data() + kHashSize, link.data() + link.size()};
  Ewah deletes, replaces;
  const bool has_bitmaps = bitmaps.left() > 0;
  if (has_bitmaps && (!read_ewah(bitmaps, deletes) || !read_ewah(bitmaps, replaces) || bitmaps.left() != 0))
    return std::nullopt;
  // An id of zeros: no shared index, the entries are all here.
  if (shared_id.is_zero()) {
    if (has_empty_path(file->index)) return std::nullopt;
    file->index.split = true;
    return std::move(file->index);
  }
  if (!has_bitmaps || !read_shared) return std::nullopt;  // git has nothing to merge with

  std::optional<std::string> shared_bytes = read_shared(shared_id.hex());
  if (!shared_bytes) return std::nullopt;
  std::optional<OneFile> shared = parse_one_file(*shared_bytes);
  // The shared index is a whole index of its own, and the one named: its id
  // is its trailing hash (git checks it too).
  if (!shared || shared->link || has_empty_path(shared->index) ||
      std::string_view(*shared_bytes).substr(shared_bytes->size() - kHashSize) !=
          std::string_view(reinterpret_cast<const char*>(shared_id.bytes.data()), kHashSize))
    return std::nullopt;
  std::vector<std::shared_ptr<const void>> shared_storage = std::move(shared->index.storage);
  std::optional<IndexFile> merged = merge_split_index(std::move(file->index), std::move(shared->index.entries), deletes, replaces);
  if (merged) {
    merged->split = true;
    merged->storage.insert(merged->storage.end(), shared_storage.begin(), shared_storage.end());
  }
  return merged;
}

bool looks_like_sparse_index(std::string_view bytes) {
  constexpr std::string_view sdir("sdir\0\0\0\0", 8);
  std::size_t at = bytes.rfind(sdir);
  if (at == std::string_view::npos || bytes.size() < kHashSize) return false;
  std::size_t after = at + sdir.size();
  return after == bytes.size() - kHashSize || bytes.substr(after, 4) == "EOIE";
}

}  // namespace hc
