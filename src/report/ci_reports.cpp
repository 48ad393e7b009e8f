#include "report/ci_reports.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "rules/registry.hpp"

namespace hc {
namespace {

std::string_view sarif_level(Severity s) {
  return s == Severity::Error ? "error" : s == Severity::Warning ? "warning" : "note";
}

nlohmann::json sarif_region(const Span& span) {
  return {{"startLine", span.start.line},
          {"startColumn", span.start.column},
          {"endLine", span.end.line},
          {"endColumn", span.end.column}};
}

nlohmann::json sarif_location(const std::string& path, const Span& span) {
  return {{"physicalLocation",
           {{"artifactLocation", {{"uri", path}, {"uriBaseId", "%SRCROOT%"}}}, {"region", sarif_region(span)}}}};
}

// GitHub's workflow-command escaping: data and property values differ.
std::string escape_data(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

std::string escape_property(std::string_view s) {
  std::string out;
  for (char c : escape_data(s)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters, even escaped.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t') out += c;
    }
  }
  return out;
}

}  // namespace

nlohmann::json sarif_report(const CheckResult& result) {
  nlohmann::json rules = nlohmann::json::array();
  std::map<std::string, int> rule_index;
  for (const auto& rule : rule_registry()) {
    const RuleInfo& info = rule->info();
    rule_index[std::string(info.code)] = static_cast<int>(rules.size());
    nlohmann::json r = {{"id", info.code},
                        {"name", info.name},
                        {"shortDescription", {{"text", info.summary}}},
                        {"defaultConfiguration", {{"level", sarif_level(info.severity)}}},
                        {"properties", {{"docs", "docs/rules/" + std::string(info.code) + ".md"}}}};
    if (auto doc = rule_doc(info.code)) r["help"] = {{"text", std::string(*doc)}, {"markdown", std::string(*doc)}};
    rules.push_back(std::move(r));
  }
  nlohmann::json results = nlohmann::json::array();
  for (const auto& d : result.diagnostics) {
    nlohmann::json r = {{"ruleId", d.code},
                        {"level", sarif_level(d.severity)},
                        {"message", {{"text", d.message + (d.help.empty() ? "" : "\nhelp: " + d.help)}}},
                        {"locations", nlohmann::json::array({sarif_location(d.path, d.span)})}};
    if (auto it = rule_index.find(d.code); it != rule_index.end()) r["ruleIndex"] = it->second;
    if (!d.related.empty()) {
      nlohmann::json related = nlohmann::json::array();
      int id = 0;
      for (const auto& rel : d.related) {
        nlohmann::json loc = sarif_location(rel.path, rel.span);
        loc["id"] = id++;
        loc["message"] = {{"text", rel.message}};
        related.push_back(std::move(loc));
      }
      r["relatedLocations"] = std::move(related);
    }
    results.push_back(std::move(r));
  }
  nlohmann::json run = {{"tool",
                         {{"driver",
                           {{"name", "hook-check"},
                            {"fullName", "migration-hooks hook-check"},
                            {"version", HOOK_CHECK_VERSION},
                            {"rules", std::move(rules)}}}}},
                        {"results", std::move(results)},
                        {"columnKind", "unicodeCodePoints"}};
  if (result.base)
    run["versionControlProvenance"] = nlohmann::json::array(
        {{{"repositoryUri", "file:///"}, {"revisionId", result.base->merge_base}, {"branch", result.base->ref}}});
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs", nlohmann::json::array({std::move(run)})}};
}

void write_github_report(const CheckResult& result, std::ostream& out) {
  for (const auto& d : result.diagnostics) {
    std::string_view command = d.severity == Severity::Error ? "error" : d.severity == Severity::Warning ? "warning" : "notice";
    out << "::" << command << " file=" << escape_property(d.path) << ",line=" << d.span.start.line
        << ",col=" << d.span.start.column << ",endLine=" << d.span.end.line << ",endColumn=" << d.span.end.column
        << ",title=" << escape_property(d.code + " " + d.rule) << "::" << escape_data(d.message);
    if (!d.help.empty()) out << escape_data("\nhelp: " + d.help);
    out << '\n';
  }
}

void write_junit_report(const CheckResult& result, std::ostream& out) {
  // One test case per rule and file that has findings, one passing case per rule that had none.
  std::map<std::string, std::map<std::string, std::vector<const Diagnostic*>>> by_rule;
  for (const auto& d : result.diagnostics) by_rule[d.code][d.path].push_back(&d);
  int cases = 0, failures = 0;
  std::ostringstream body;
  for (const auto& rule : rule_registry()) {
    std::string code(rule->info().code);
    auto it = by_rule.find(code);
    if (it == by_rule.end()) {
      ++cases;
      body << "    <testcase classname=\"" << code << "\" name=\"" << xml_escape(rule->info().name) << "\"/>\n";
      continue;
    }
    for (const auto& [path, findings] : it->second) {
      ++cases;
      bool failed = std::any_of(findings.begin(), findings.end(), [](const Diagnostic* d) { return d->severity == Severity::Error; });
      body << "    <testcase classname=\"" << code << "\" name=\"" << xml_escape(path) << "\" file=\"" << xml_escape(path) << "\">\n";
      std::ostringstream text;
      for (const Diagnostic* d : findings)
        text << d->path << ':' << d->span.start.line << ':' << d->span.start.column << ": " << to_string(d->severity)
             << ": " << d->message << " [" << d->code << "]\n  help: " << d->help << '\n';
      if (failed) {
        ++failures;
        body << "      <failure type=\"" << code << "\" message=\"" << xml_escape(findings.front()->message) << "\">"
             << xml_escape(text.str()) << "</failure>\n";
      } else {
        body << "      <system-out>" << xml_escape(text.str()) << "</system-out>\n";
      }
      body << "    </testcase>\n";
    }
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"hook-check\" tests=\"" << cases << "\" failures=\"" << failures << "\">\n"
      << "  <testsuite name=\"hook-check\" tests=\"" << cases << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\"0\">\n"
      << body.str() << "  </testsuite>\n</testsuites>\n";
}

}  // namespace hc
