#include "report/review_report.hpp"

#include <functional>
#include <set>
#include <sstream>

namespace hc {
namespace {

// §4's questions, and the rules whose findings answer each.
struct Question {
  const char* key;
  const char* text;
  std::set<std::string> codes;
};

const std::vector<Question>& questions() {
  static const std::vector<Question> q = {
      {"dependencies", "Are migration dependencies correct?", {"DJM001", "DJM101", "DJM102", "DJM103", "DJM104", "DJM105", "DJM106", "DJM107"}},
      {"reversible", "Are data migrations reversible?", {"DJM201", "DJM202", "DJM204", "DJM205"}},
      {"destructive_isolated", "Are destructive changes isolated?", {"DJM301", "DJM302"}},
      // Answered by the Django-backed `verify` once it exists; until then, "not run".
      {"tested", "Has the migration been tested on fresh and existing databases?", {}},
      {"names", "Are migration names descriptive and meaningful?", {"DJM401", "DJM402"}},
  };
  return q;
}

bool has_kind(const Migration& m, std::initializer_list<std::string_view> kinds) {
  if (!m.facts) return false;
  std::function<bool(const std::vector<Operation>&)> any = [&](const std::vector<Operation>& ops) {
    for (const auto& op : ops) {
      for (auto k : kinds)
        if (op.kind == k) return true;
      if (any(op.nested)) return true;
    }
    return false;
  };
  return any(m.facts->operations);
}

}  // namespace

nlohmann::json review_json(const CheckResult& result, const GraphReportInput& in) {
  nlohmann::json migrations = nlohmann::json::array();
  for (const auto& [path, m] : in.target.migrations) {
    if (in.merge_base && (in.merge_base->find(m.key) || in.merge_base->at(path))) continue;
    if (!in.merge_base && !in.base_name.empty()) continue;
    nlohmann::json answers = nlohmann::json::object();
    for (const auto& q : questions()) {
      nlohmann::json findings = nlohmann::json::array();
      for (const auto& d : result.diagnostics)
        if (d.path == path && q.codes.count(d.code) && d.severity != Severity::Note)
          findings.push_back({{"code", d.code}, {"line", d.span.start.line}, {"message", d.message},
                              {"severity", std::string(to_string(d.severity))}, {"docs", "docs/rules/" + d.code + ".md"}});
      std::string answer = findings.empty() ? "yes" : "no";
      std::string note;
      if (std::string(q.key) == "reversible" && findings.empty() && !has_kind(m, {"RunPython", "RunSQL"})) {
        answer = "n/a";
        note = "no data migration";
      } else if (std::string(q.key) == "destructive_isolated" && findings.empty() &&
                 !has_kind(m, {"RemoveField", "DeleteModel", "RunSQL"})) {
        answer = "n/a";
        note = "no destructive operation";
      } else if (std::string(q.key) == "tested" && findings.empty()) {
        answer = "unknown";
        note = "not run: apply it to a fresh database and to a copy of an existing one (`manage.py migrate`)";
      }
      answers[q.key] = {{"question", q.text}, {"answer", answer}, {"note", note}, {"findings", findings}};
    }
    migrations.push_back({{"app", m.label}, {"name", m.key.name}, {"path", path}, {"checklist", answers}});
  }
  return {{"base", in.base_name.empty() ? nlohmann::json() : nlohmann::json(in.base_name)},
          {"migrations", migrations},
          {"plan", plan_json(in)["plan"]}};
}

void write_review_markdown(const CheckResult& result, const GraphReportInput& in, std::ostream& out) {
  nlohmann::json j = review_json(result, in);
  out << "## Migration review (hook-check)\n\n";
  if (j["migrations"].empty()) {
    out << "This change adds no migration" << (in.base_name.empty() ? "" : " over `" + in.base_name + "`") << ".\n";
    return;
  }
  out << j["migrations"].size() << " migration" << (j["migrations"].size() == 1 ? "" : "s") << " added"
      << (in.base_name.empty() ? "" : " over `" + in.base_name + "`") << ", checked against the protocol's review checklist (§4).\n";
  for (const auto& m : j["migrations"]) {
    out << "\n### `" << m["path"].get<std::string>() << "`\n\n| | Checklist | Details |\n|---|---|---|\n";
    for (const auto& q : questions()) {
      const auto& a = m["checklist"][q.key];
      std::string answer = a["answer"];
      const char* mark = answer == "yes" ? "✅" : answer == "no" ? "❌" : answer == "n/a" ? "➖" : "❔";
      std::ostringstream details;
      for (const auto& f : a["findings"])
        details << "[" << f["code"].get<std::string>() << "](" << f["docs"].get<std::string>() << ") line " << f["line"]
                << ": " << f["message"].get<std::string>() << "<br>";
      if (!a["note"].get<std::string>().empty()) details << a["note"].get<std::string>();
      std::string text = details.str();
      for (std::size_t p = 0; (p = text.find('|', p)) != std::string::npos; p += 2) text.replace(p, 1, "\\|");
      out << "| " << mark << " | " << q.text << " | " << text << " |\n";
    }
  }
  out << "\n### Plan\n\n```\n";
  std::ostringstream plan;
  write_plan_text(in, plan);
  out << plan.str() << "```\n";
}

}  // namespace hc
