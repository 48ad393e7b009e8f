// Reports for CI systems: SARIF 2.1.0 (code scanning), GitHub Actions
// workflow commands (annotations), and JUnit XML (test dashboards).
#pragma once
#include <ostream>

#include <nlohmann/json.hpp>

#include "check/check_run.hpp"

namespace hc {

nlohmann::json sarif_report(const CheckResult& result);
void write_github_report(const CheckResult& result, std::ostream& out);
void write_junit_report(const CheckResult& result, std::ostream& out);

}  // namespace hc
