// The machine format pinned by DESIGN.md: one JSON object, version 1.
#pragma once
#include <nlohmann/json.hpp>

#include "check/check_run.hpp"

namespace hc {

nlohmann::json diagnostic_json(const Diagnostic& d);
nlohmann::json json_report(const CheckResult& result);

}  // namespace hc
