// ModelValues to bytes and back, for the operations memo (a migration's
// evaluated `operations`, kept by blob id between runs). Decoding checks
// every length and kind: damaged bytes are nullopt, never a crash.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "models/model_value.hpp"

namespace hc {

std::string encode_model_value(const ModelValue& value);
std::optional<ModelValue> decode_model_value(std::string_view bytes);

// The codec's parts, for records that hold ModelValues among other things
// (the models memo): sizes as LEB128, strings by length.
void put_size(std::string& out, std::size_t n);
void put_string(std::string& out, const std::string& s);
void put_model_value(std::string& out, const ModelValue& value);

// Reads what the put_ functions wrote; any damage clears `ok` and the reads
// that follow return empty values.
struct CodecReader {
  std::string_view in;
  bool ok = true;

  std::size_t size();
  std::string string();
  unsigned char byte();
  // A count of records of at least `min_bytes` each: a count past what is left is damage.
  std::size_t count(std::size_t min_bytes = 6);
  ModelValue value(int depth = 0);
};

}  // namespace hc
