// A git object id, kept free of libgit2 types so rules and parsers need no git headers.
#pragma once
#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <string>

namespace hc {

struct ObjectId {
  std::array<std::uint8_t, 20> bytes{};
  // memcmp, not the element-wise default: ids are compared in every map and
  // sorted table of a run (tens of thousands of times in a hook's 20 ms).
  friend std::strong_ordering operator<=>(const ObjectId& a, const ObjectId& b) {
    return std::memcmp(a.bytes.data(), b.bytes.data(), a.bytes.size()) <=> 0;
  }
  friend bool operator==(const ObjectId& a, const ObjectId& b) {
    return std::memcmp(a.bytes.data(), b.bytes.data(), a.bytes.size()) == 0;
  }
  std::string hex() const;
  bool is_zero() const;
};

// Ids are uniformly distributed: their first bytes are a good hash already.
struct ObjectIdHash {
  std::size_t operator()(const ObjectId& id) const {
    std::size_t h;
    std::memcpy(&h, id.bytes.data(), sizeof h);
    return h;
  }
};

}  // namespace hc
