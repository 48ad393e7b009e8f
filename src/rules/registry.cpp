#include "rules/registry.hpp"

#include <string_view>
#include <utility>

#include "rules/graph/base_diverged.hpp"
#include "rules/graph/duplicate_number.hpp"
#include "rules/graph/missing_dependency.hpp"
#include "rules/graph/multiple_leaves.hpp"
#include "rules/parse/parse_error.hpp"
#include "rules/reversibility/runpython_no_reverse.hpp"
#include "rules/reversibility/runsql_no_reverse.hpp"

namespace hc {

// Generated from docs/rules/*.md at build time (cmake/embed_rule_docs.cmake).
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_rule_docs();

const std::vector<std::unique_ptr<Rule>>& rule_registry() {
  static const std::vector<std::unique_ptr<Rule>> rules = [] {
    std::vector<std::unique_ptr<Rule>> r;
    r.push_back(std::make_unique<ParseError>());
    r.push_back(std::make_unique<MultipleLeaves>());
    r.push_back(std::make_unique<BaseDiverged>());
    r.push_back(std::make_unique<DuplicateNumber>());
    r.push_back(std::make_unique<MissingDependency>());
    r.push_back(std::make_unique<RunPythonNoReverse>());
    r.push_back(std::make_unique<RunSqlNoReverse>());
    return r;
  }();
  return rules;
}

const Rule* find_rule(std::string_view code_or_name) {
  for (const auto& rule : rule_registry())
    if (rule->info().code == code_or_name || rule->info().name == code_or_name) return rule.get();
  return nullptr;
}

std::optional<std::string_view> rule_doc(std::string_view code) {
  for (const auto& [c, text] : embedded_rule_docs())
    if (c == code) return text;
  return std::nullopt;
}

std::vector<std::string_view> documented_codes() {
  std::vector<std::string_view> out;
  for (const auto& [c, text] : embedded_rule_docs()) out.push_back(c);
  return out;
}

}  // namespace hc
