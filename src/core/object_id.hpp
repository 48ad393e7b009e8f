// A git object id, kept free of libgit2 types so rules and parsers need no git headers.
#pragma once
#include <array>
#include <compare>
#include <cstdint>
#include <string>

namespace hc {

struct ObjectId {
  std::array<std::uint8_t, 20> bytes{};
  auto operator<=>(const ObjectId&) const = default;
  std::string hex() const;
  bool is_zero() const;
};

}  // namespace hc
