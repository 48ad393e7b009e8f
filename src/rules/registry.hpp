// The one table of rules, read by the check, `rules`, `explain` and the tests.
#pragma once
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "rules/rule.hpp"

namespace hc {

const std::vector<std::unique_ptr<Rule>>& rule_registry();
const Rule* find_rule(std::string_view code_or_name);
// The rule's documentation page (docs/rules/CODE.md), compiled in.
std::optional<std::string_view> rule_doc(std::string_view code);
// Codes of every page compiled in, to check pages and rules match.
std::vector<std::string_view> documented_codes();

}  // namespace hc
