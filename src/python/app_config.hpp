// Reads an app's apps.py: the `label` its AppConfig declares, if any.
#pragma once
#include <optional>
#include <string>

namespace hc {

class PythonParser;
std::optional<std::string> parse_app_config_label(const PythonParser& parser, std::string bytes);

}  // namespace hc
