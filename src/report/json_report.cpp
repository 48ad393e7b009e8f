#include "report/json_report.hpp"

namespace hc {

nlohmann::json diagnostic_json(const Diagnostic& d) {
  nlohmann::json j = {{"code", d.code},
                      {"rule", d.rule},
                      {"severity", std::string(to_string(d.severity))},
                      {"path", d.path},
                      {"line", d.span.start.line},
                      {"column", d.span.start.column},
                      {"end_line", d.span.end.line},
                      {"end_column", d.span.end.column},
                      {"message", d.message},
                      {"help", d.help}};
  if (!d.related.empty()) {
    nlohmann::json related = nlohmann::json::array();
    for (const auto& r : d.related)
      related.push_back({{"path", r.path}, {"line", r.span.start.line}, {"column", r.span.start.column}, {"message", r.message}});
    j["related"] = std::move(related);
  }
  return j;
}

nlohmann::json json_report(const CheckResult& result) {
  nlohmann::json j;
  j["version"] = 1;
  if (result.base)
    j["base"] = {{"ref", result.base->ref}, {"commit", result.base->commit}, {"merge_base", result.base->merge_base}};
  else
    j["base"] = nullptr;
  j["target"] = result.target;
  j["diagnostics"] = nlohmann::json::array();
  for (const auto& d : result.diagnostics) j["diagnostics"].push_back(diagnostic_json(d));
  j["summary"] = {{"errors", result.errors()},
                  {"warnings", result.warnings()},
                  {"files_checked", result.files_checked},
                  {"migrations_parsed", result.migrations_parsed}};
  return j;
}

}  // namespace hc
