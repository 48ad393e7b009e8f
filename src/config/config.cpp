#include "config/config.hpp"

#include <regex>
#include <set>
#include <toml++/toml.h>

#include "core/error.hpp"
#include "rules/registry.hpp"

namespace hc {
namespace {

const std::set<std::string> kKeys = {"base", "select", "ignore", "severity", "exclude", "app-labels", "app_labels",
                                     "django_version", "django-version", "django_command", "django-command",
                                     "outdated_on_commit", "outdated-on-commit"};

std::string where(const toml::node& node, const std::string& source) {
  const auto& src = node.source();
  if (src.begin.line == 0) return source;
  return source + ":" + std::to_string(src.begin.line);
}

std::string expect_string(const toml::node& node, const std::string& key, const std::string& source) {
  if (auto s = node.value<std::string>()) return *s;
  throw Error(where(node, source) + ": [tool.hook-check] " + key + " must be a string");
}

std::vector<std::string> expect_strings(const toml::node& node, const std::string& key, const std::string& source) {
  std::vector<std::string> out;
  if (auto s = node.value<std::string>()) {
    out.push_back(*s);
    return out;
  }
  const toml::array* arr = node.as_array();
  if (!arr) throw Error(where(node, source) + ": [tool.hook-check] " + key + " must be a list of strings");
  for (const auto& item : *arr) out.push_back(expect_string(item, key, source));
  return out;
}

std::vector<std::string> expect_codes(const toml::node& node, const std::string& key, const std::string& source) {
  auto codes = expect_strings(node, key, source);
  for (const auto& c : codes)
    if (!is_known_code_or_prefix(c))
      throw Error(where(node, source) + ": [tool.hook-check] " + key + " names unknown rule code `" + c + "`");
  return codes;
}

Severity expect_severity(const toml::node& node, const std::string& key, const std::string& source) {
  std::string s = expect_string(node, key, source);
  auto sev = parse_severity(s);
  if (!sev) throw Error(where(node, source) + ": [tool.hook-check] " + key + " = \"" + s + "\": use \"error\", \"warning\" or \"note\"");
  return *sev;
}

}  // namespace

bool is_known_code_or_prefix(const std::string& code) {
  if (code.size() < 3) return false;
  for (const auto& rule : rule_registry())
    if (std::string_view(rule->info().code).starts_with(code)) return true;
  return false;
}

bool glob_match(std::string_view pattern, std::string_view path) {
  std::string re;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '*' && i + 1 < pattern.size() && pattern[i + 1] == '*') {
      bool slash = i + 2 < pattern.size() && pattern[i + 2] == '/';
      re += slash ? "(.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c == '*') {
      re += "[^/]*";
    } else if (c == '?') {
      re += "[^/]";
    } else if (std::string_view(".+()[]{}^$|\\").find(c) != std::string_view::npos) {
      re += '\\';
      re += c;
    } else {
      re += c;
    }
  }
  // A pattern naming a folder covers what is inside it.
  std::string full = "^" + re + "(/.*)?$";
  return std::regex_match(path.begin(), path.end(), std::regex(full));
}

std::optional<Severity> Config::severity_for(const std::string& code) const {
  std::optional<Severity> best;
  std::size_t best_len = 0;
  for (const auto& [prefix, sev] : severity)
    if (code.starts_with(prefix) && prefix.size() >= best_len) {
      best = sev;
      best_len = prefix.size();
    }
  return best;
}

bool Config::excluded(const std::string& path) const {
  for (const auto& g : exclude)
    if (glob_match(g, path)) return true;
  return false;
}

Config parse_config(std::string_view toml_text, const std::string& source) {
  Config config;
  config.source = source;
  toml::table doc;
  try {
    doc = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    throw Error(source + ":" + std::to_string(e.source().begin.line) + ": not valid TOML: " + std::string(e.description()));
  }
  const toml::node* section = doc.at_path("tool.hook-check").node();
  if (!section) return config;
  const toml::table* table = section->as_table();
  if (!table) throw Error(where(*section, source) + ": [tool.hook-check] must be a table");

  for (const auto& [k, node] : *table) {
    std::string key(k.str());
    if (!kKeys.count(key))
      throw Error(where(node, source) + ": unknown key `" + key + "` in [tool.hook-check] (known: base, select, ignore, "
                  "severity, exclude, app-labels, django_version, django_command, outdated_on_commit)");
    if (key == "base") {
      config.base = expect_string(node, key, source);
    } else if (key == "select") {
      config.select = expect_codes(node, key, source);
    } else if (key == "ignore") {
      config.ignore = expect_codes(node, key, source);
    } else if (key == "exclude") {
      config.exclude = expect_strings(node, key, source);
    } else if (key == "severity") {
      const toml::table* sev = node.as_table();
      if (!sev) throw Error(where(node, source) + ": [tool.hook-check] severity must be a table of CODE = \"error\"|\"warning\"|\"note\"");
      for (const auto& [code_key, value] : *sev) {
        std::string code(code_key.str());
        if (!is_known_code_or_prefix(code))
          throw Error(where(value, source) + ": [tool.hook-check.severity] names unknown rule code `" + code + "`");
        config.severity[code] = expect_severity(value, "severity." + code, source);
      }
    } else if (key == "app-labels" || key == "app_labels") {
      const toml::table* labels = node.as_table();
      if (!labels) throw Error(where(node, source) + ": [tool.hook-check] app-labels must be a table of \"app/dir\" = \"label\"");
      for (const auto& [dir, value] : *labels) {
        std::string d(dir.str());
        while (d.size() > 1 && d.back() == '/') d.pop_back();
        config.app_labels[d] = expect_string(value, "app-labels", source);
      }
    } else if (key == "django_version" || key == "django-version") {
      std::string v = expect_string(node, key, source);
      if (!std::regex_match(v, std::regex(R"(\d+\.\d+(\.\d+)?)")))
        throw Error(where(node, source) + ": [tool.hook-check] django_version = \"" + v + "\": use a version such as \"4.2\"");
      config.django_version = v;
    } else if (key == "django_command" || key == "django-command") {
      config.django_command = expect_string(node, key, source);
    } else if (key == "outdated_on_commit" || key == "outdated-on-commit") {
      Severity s = expect_severity(node, key, source);
      if (s == Severity::Note)
        throw Error(where(node, source) + ": [tool.hook-check] outdated_on_commit must be \"error\" or \"warning\"");
      config.outdated_on_commit = s;
    }
  }
  return config;
}

}  // namespace hc
