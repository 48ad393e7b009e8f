#include "python/app_config.hpp"

#include "python/py_value.hpp"
#include "python/syntax_tree.hpp"

namespace hc {

std::optional<std::string> parse_app_config_label(const PythonParser& parser, std::string bytes) {
  // Most apps.py files (startapp's) name no label: no parse for them.
  if (bytes.find("label") == std::string::npos) return std::nullopt;
  std::optional<DecodeProblem> problem;
  SourceText source = SourceText::decode(std::move(bytes), problem);
  if (problem) return std::nullopt;
  SyntaxTree tree = parser.parse(std::move(source));
  for (TSNode def : top_level_classes(tree.root())) {
    auto body = field(def, "body");
    if (!body) continue;
    for (TSNode s : named_children(*body)) {
      if (!is(s, "expression_statement")) continue;
      for (TSNode e : named_children(s)) {
        if (!is(e, "assignment")) continue;
        auto left = field(e, "left");
        auto right = field(e, "right");
        if (!left || !right || tree.source.slice(*left) != "label") continue;
        PyValue v = evaluate(*right, tree.source);
        if (v.kind == PyValue::Kind::Str && !v.str.empty()) return v.str;
      }
    }
  }
  return std::nullopt;
}

}  // namespace hc
