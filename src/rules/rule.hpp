// The rule interface: each rule declares its code, name, default severity and
// summary once, reads a CheckContext and reports through Findings.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "rules/check_context.hpp"

namespace hc {

struct RuleInfo {
  std::string_view code;     // "DJM201"
  std::string_view name;     // "runpython-no-reverse"
  Severity severity;         // the default; config may change it
  std::string_view summary;  // one line, for `hook-check rules`
};

class Findings {
 public:
  void report(const RuleInfo& rule, std::string path, Span span, std::string message, std::string help,
              std::vector<RelatedLocation> related = {});
  // For a rule whose findings differ in weight (an edit of comments only is a warning).
  void report_as(Severity severity, const RuleInfo& rule, std::string path, Span span, std::string message,
                 std::string help, std::vector<RelatedLocation> related = {});
  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

class Rule {
 public:
  virtual ~Rule() = default;
  virtual const RuleInfo& info() const = 0;
  virtual void check(const CheckContext& ctx, Findings& out) const = 0;
  // Whether check() reads the context's models (DJM501's inputs): the other
  // rules of an audit run while the migrations are replayed.
  virtual bool reads_models() const { return false; }
};

// The span of a file-level finding: the first character of the file.
inline constexpr Span kFileStart{{1, 1}, {1, 1}};

}  // namespace hc
