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

}  // namespace hc
