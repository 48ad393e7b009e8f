#include "git/index_file.hpp"

#include <algorithm>
#include <cstring>

namespace hc {
namespace {

constexpr std::size_t kHashSize = 20;
constexpr std::uint16_t kExtendedFlag = 0x4000;
constexpr std::uint16_t kIntentToAdd = 0x2000;  // in the extended flags

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
  return true;
}

}  // namespace

const CacheTree* CacheTree::child(std::string_view component) const {
  for (const auto& c : children)
    if (c.name == component) return &c;
  return nullptr;
}

std::optional<IndexFile> parse_index_file(std::string_view bytes) {
  if (bytes.size() < 12 + kHashSize || bytes.substr(0, 4) != "DIRC") return std::nullopt;
  const std::uint32_t version = be32(bytes.data() + 4);
  if (version < 2 || version > 4) return std::nullopt;
  const std::uint32_t count = be32(bytes.data() + 8);
  Cursor in{bytes.data() + 12, bytes.data() + bytes.size() - kHashSize};
  if (count > in.left() / 62) return std::nullopt;  // an entry takes 62 bytes at least

  IndexFile index;
  index.entries.reserve(count);
  std::string previous;  // format 4 compresses each path against the one before
  for (std::uint32_t i = 0; i < count && in.ok; ++i) {
    const char* start = in.p;
    const char* fixed = in.take(62);
    if (!in.ok) return std::nullopt;
    IndexEntry e;
    e.mode = be32(fixed + 24);
    std::memcpy(e.id.bytes.data(), fixed + 40, kHashSize);
    const std::uint16_t flags = be16(fixed + 60);
    e.stage = (flags >> 12) & 3;
    if (flags & kExtendedFlag) {
      if (version < 3) return std::nullopt;
      const char* extended = in.take(2);
      if (!in.ok) return std::nullopt;
      e.intent_to_add = be16(extended) & kIntentToAdd;
    }
    // A sparse index keeps whole directories as entries: libgit2 expands them.
    if ((e.mode & 0170000) == 0040000) return std::nullopt;
    if (version == 4) {
      std::uint64_t strip = in.varint();
      std::string_view suffix = in.until('\0');
      if (!in.ok || strip > previous.size()) return std::nullopt;
      previous.resize(previous.size() - strip);
      previous.append(suffix);
      e.path = previous;
    } else {
      e.path = std::string(in.until('\0'));
      if (!in.ok) return std::nullopt;
      // Entries are padded with NULs to a multiple of 8 bytes (the one read counts).
      std::size_t used = static_cast<std::size_t>(in.p - start);
      std::size_t padded = (used + 7) & ~std::size_t{7};
      in.take(padded - used);
      if (!in.ok) return std::nullopt;
    }
    if (e.path.empty()) return std::nullopt;
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
    } else if (signature[0] < 'A' || signature[0] > 'Z') {
      return std::nullopt;  // "link" (split index), "sdir" (sparse), or unknown and required
    }
  }
  return index;
}

}  // namespace hc
