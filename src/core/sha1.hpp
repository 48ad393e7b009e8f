// SHA-1 over fields fed piecewise, as OpenSSL computes it (with the CPU's SHA
// instructions where it has them): the replay memo's keys hash every
// migration's path and blob id, per app. Fields are gathered and hashed at
// once: a digest update call per 20-byte id cost more than the hashing.
#pragma once
#include <string>
#include <string_view>

#include "core/object_id.hpp"

namespace hc {

class Sha1 {
 public:
  // A string, then a NUL: two fields never run together.
  Sha1& field(std::string_view text) {
    bytes_ += text;
    bytes_.push_back('\0');
    return *this;
  }
  Sha1& id(const ObjectId& id) {
    bytes_.append(reinterpret_cast<const char*>(id.bytes.data()), id.bytes.size());
    return *this;
  }
  ObjectId finish() const;

 private:
  std::string bytes_;
};

}  // namespace hc
