// A project's models (ProjectModels, as model_extractor reads them) to bytes
// and back, for the models memo: an audit whose models modules did not
// change since the last one does not extract them again. Decoding checks
// every length: damaged bytes are nullopt, never a crash.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "models/model_state.hpp"

namespace hc {

struct ExtractedModels {
  ProjectModels models;
  // What the extraction told the evaluator (ModuleIndex::model_labels): the
  // replay that follows resolves model classes by it.
  std::map<std::string, std::string> model_labels;
};

std::string encode_extracted_models(const ProjectModels& models, const std::map<std::string, std::string>& model_labels);
std::optional<ExtractedModels> decode_extracted_models(std::string_view bytes);
// One app's models (by label) and, when its state is unknown, why; decoded
// as above (the rest empty). The replay keeps each app's state so.
std::string encode_app_models(const ProjectModels& models, const std::string& label);

}  // namespace hc
