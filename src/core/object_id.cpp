#include "core/object_id.hpp"

namespace hc {

std::string ObjectId::hex() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(40);
  for (auto b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xf]);
  }
  return out;
}

bool ObjectId::is_zero() const {
  for (auto b : bytes)
    if (b) return false;
  return true;
}

}  // namespace hc
