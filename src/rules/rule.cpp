#include "rules/rule.hpp"

namespace hc {

void Findings::report(const RuleInfo& rule, std::string path, Span span, std::string message, std::string help,
                      std::vector<RelatedLocation> related) {
  report_as(rule.severity, rule, std::move(path), span, std::move(message), std::move(help), std::move(related));
}

void Findings::report_as(Severity severity, const RuleInfo& rule, std::string path, Span span, std::string message,
                         std::string help, std::vector<RelatedLocation> related) {
  Diagnostic d;
  d.code = std::string(rule.code);
  d.rule = std::string(rule.name);
  d.severity = severity;
  d.path = std::move(path);
  d.span = span;
  d.message = std::move(message);
  d.help = std::move(help);
  d.related = std::move(related);
  diagnostics_.push_back(std::move(d));
}

}  // namespace hc
