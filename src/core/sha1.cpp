#include "core/sha1.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <new>

namespace hc {

ObjectId sha1_of(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha1(), nullptr) != 1) throw std::bad_alloc();
  ObjectId out;
  std::copy(digest, digest + std::min<std::size_t>(size, out.bytes.size()), out.bytes.begin());
  return out;
}

}  // namespace hc
