// SHA-1 as OpenSSL computes it (with the CPU's SHA instructions where it has
// them, ten times libgit2's collision-detecting one): the memos' keys hash
// every path and blob id of a tree. Fields are gathered and hashed at
// once: a digest update call per 20-byte id cost more than the hashing.
#pragma once
#include <string>
#include <string_view>

#include "core/object_id.hpp"

namespace hc {

ObjectId sha1_of(std::string_view bytes);

class Sha1 {
 public:
  // A string, then a NUL: two fields never run together.
  Sha1& field(std::string_view text) {
    bytes_ += text;
    bytes_.push_back('\0');
    return *this;
  }
  // Bytes as they are, nothing added.
  Sha1& raw(std::string_view bytes) {
    bytes_ += bytes;
    return *this;
  }
  Sha1& id(const ObjectId& id) {
    bytes_.append(reinterpret_cast<const char*>(id.bytes.data()), id.bytes.size());
    return *this;
  }
  ObjectId finish() const { return sha1_of(bytes_); }

 private:
  std::string bytes_;
};

}  // namespace hc
