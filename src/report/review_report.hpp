// `hook-check review`: the protocol's code-review checklist (§4) answered for
// each migration the branch adds, for a pull-request comment.
#pragma once
#include <ostream>

#include <nlohmann/json.hpp>

#include "check/check_run.hpp"
#include "report/graph_reports.hpp"

namespace hc {

nlohmann::json review_json(const CheckResult& result, const GraphReportInput& in);
void write_review_markdown(const CheckResult& result, const GraphReportInput& in, std::ostream& out);

}  // namespace hc
