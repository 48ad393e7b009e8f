#include "python/suppression.hpp"

#include <regex>

#include "python/syntax_tree.hpp"

namespace hc {
namespace {

void visit_comments(TSNode root, const SyntaxTree& tree, std::vector<Suppression>& out) {
  static const std::regex pattern(R"(hook-check:\s*ignore(-file)?(?:\[([A-Za-z0-9_,\s]*)\])?)");
  static const TSSymbol comment = python_symbol("comment");
  walk_tree(root, [&](TSNode n) {
    if (ts_node_symbol(n) != comment) return true;
    std::string text(tree.source.slice(n));
    std::smatch m;
    if (!std::regex_search(text, m, pattern)) return false;
    Suppression s;
    s.span = tree.source.span(n);
    s.line = s.span.start.line;
    s.whole_file = m[1].matched;
    std::string codes = m[2];
    std::size_t start = 0;
    while (start < codes.size()) {
      std::size_t end = codes.find(',', start);
      std::string code = codes.substr(start, end == std::string::npos ? std::string::npos : end - start);
      code.erase(0, code.find_first_not_of(" \t"));
      code.erase(code.find_last_not_of(" \t") + 1);
      if (!code.empty()) s.codes.push_back(code);
      if (end == std::string::npos) break;
      start = end + 1;
    }
    auto line = tree.source.line(s.line);
    auto before = line.substr(0, line.find('#'));
    s.own_line = before.find_first_not_of(" \t") == std::string_view::npos;
    out.push_back(std::move(s));
    return false;
  });
}

}  // namespace

std::vector<Suppression> collect_suppressions(const SyntaxTree& tree) {
  std::vector<Suppression> out;
  if (tree.source.text().find("hook-check:") == std::string_view::npos) return out;
  visit_comments(tree.root(), tree, out);
  return out;
}

bool suppresses(const Suppression& s, const std::string& code, int line) {
  if (!s.whole_file) {
    int target = s.own_line ? s.line + 1 : s.line;
    if (line != target) return false;
  }
  if (s.codes.empty()) return true;
  for (const auto& c : s.codes)
    if (code.rfind(c, 0) == 0) return true;
  return false;
}

}  // namespace hc
