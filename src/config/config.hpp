// `[tool.hook-check]` in the repository's pyproject.toml: the team's settings.
// Unknown keys, codes and values are errors, never silently ignored.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"

namespace hc {

struct Config {
  std::optional<std::string> base;
  std::vector<std::string> select;  // codes or prefixes
  std::vector<std::string> ignore;
  std::map<std::string, Severity> severity;           // code or prefix -> severity
  std::vector<std::string> exclude;                   // globs over repository paths
  std::map<std::string, std::string> app_labels;      // app directory -> label
  std::optional<std::string> django_version;          // "4.2"
  std::optional<std::string> django_command;          // for `verify`
  std::optional<Severity> outdated_on_commit;         // DJM501 at the commit stage
  std::string source;                                 // where it was read from, for messages

  // The severity configured for `code` (the longest matching prefix wins).
  std::optional<Severity> severity_for(const std::string& code) const;
  bool excluded(const std::string& path) const;
};

// Parses pyproject.toml text; `source` names the file in errors. A file
// without a [tool.hook-check] table gives the defaults.
Config parse_config(std::string_view toml_text, const std::string& source);

// Whether `code` names a rule or a prefix of at least one rule's code.
bool is_known_code_or_prefix(const std::string& code);

// Glob over '/'-separated paths: `*` and `?` stay within a segment, `**` spans segments.
bool glob_match(std::string_view pattern, std::string_view path);

}  // namespace hc
