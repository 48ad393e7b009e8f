// What `hook-check plan` and `hook-check show` print: the branch's migrations
// in the order Django applies them, each app's graph, and a Graphviz drawing
// of one app with the base's and the branch's migrations told apart.
#pragma once
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "check/project_view.hpp"

namespace hc {

struct GraphReportInput {
  const ProjectView& target;
  const ProjectView* merge_base = nullptr;
  const ProjectView* base = nullptr;
  std::string base_name;
};

// Django's Operation.describe(), from the facts: "Add field note to order".
std::string describe_operation(const Operation& op);

nlohmann::json plan_json(const GraphReportInput& in);
void write_plan_text(const GraphReportInput& in, std::ostream& out);
nlohmann::json show_json(const GraphReportInput& in);
void write_show_text(const GraphReportInput& in, std::ostream& out);
// Throws hc::Error when no app has that label.
void write_dot(const GraphReportInput& in, const std::string& app_label, std::ostream& out);

}  // namespace hc
