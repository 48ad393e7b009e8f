#include "check/operations_store.hpp"

#include <filesystem>

#include "models/model_value_codec.hpp"

namespace hc {

// Bumped when the encoding or the meaning of a stored value changes (the
// build key also changes with the evaluator's sources).
constexpr int kOperationsFormat = 1;

std::string OperationsStore::dir_for(const std::string& git_common_dir) {
  return (std::filesystem::path(git_common_dir) / "hook-check" / ("operations-v" + std::to_string(kOperationsFormat))).string();
}

std::optional<ModelValue> OperationsStore::find(const ObjectId& blob) {
  auto bytes = store_.find_bytes(blob);
  if (!bytes) return std::nullopt;
  return decode_model_value(*bytes);
}

void OperationsStore::add(const ObjectId& blob, const ModelValue& operations) {
  store_.add_bytes(blob, encode_model_value(operations));
}

}  // namespace hc
