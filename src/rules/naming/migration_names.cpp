#include "rules/naming/migration_names.hpp"

#include <cctype>
#include <regex>
#include <vector>

#include "rules/destructive/destructive_operations.hpp"

namespace hc {
namespace {

// Django's migration_name_fragment of one operation, "" when it has none
// (RunPython, RunSQL, operations of other packages) or it cannot be read here.
std::string name_fragment(const Operation& op) {
  if (!op.from_django) return "";
  auto arg = [&](std::size_t position, std::string_view keyword) { return lowercase(string_argument(op, position, keyword)); };
  auto all = [](std::initializer_list<std::string> parts) {
    std::string out;
    for (const auto& p : parts) {
      if (p.empty()) return std::string();
      out += (out.empty() ? "" : "_") + p;
    }
    return out;
  };
  const std::string& k = op.kind;
  if (k == "AddField") return all({arg(0, "model_name"), arg(1, "name")});
  if (k == "RemoveField") return all({"remove", arg(0, "model_name"), arg(1, "name")});
  if (k == "AlterField") return all({"alter", arg(0, "model_name"), arg(1, "name")});
  if (k == "RenameField") return all({"rename", arg(1, "old_name"), arg(0, "model_name"), arg(2, "new_name")});
  if (k == "CreateModel") return arg(0, "name");
  if (k == "DeleteModel") return all({"delete", arg(0, "name")});
  if (k == "RenameModel") return all({"rename", arg(0, "old_name"), arg(1, "new_name")});
  if (k == "AlterModelTable") return all({"alter", arg(0, "name"), "table"});
  if (k == "AlterUniqueTogether") return all({"alter", arg(0, "name"), "unique_together"});
  if (k == "AlterIndexTogether") return all({"alter", arg(0, "name"), "index_together"});
  if (k == "AlterOrderWithRespectTo") return all({"alter", arg(0, "name"), "order_with_respect_to"});
  if (k == "AlterModelOptions") return all({"alter", arg(0, "name"), "options"});
  if (k == "AlterModelManagers") return all({"alter", arg(0, "name"), "managers"});
  if (k == "RemoveIndex" || k == "RemoveConstraint") return all({"remove", arg(0, "model_name"), arg(1, "name")});
  return "";
}

}  // namespace

namespace {

// The run of ASCII digits at the start of `s`, consumed.
std::size_t take_digits(std::string_view& s) {
  std::size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
  s.remove_prefix(n);
  return n;
}

bool take(std::string_view& s, std::string_view prefix) {
  if (!s.starts_with(prefix)) return false;
  s.remove_prefix(prefix.size());
  return true;
}

}  // namespace

// Hand-matched, not std::regex: the hook asks on every run, and compiling the
// two patterns cost more than the rest of the rules together.
bool is_automatic_name(std::string_view name) {
  // \d{4,}_auto_\d{8}_\d{4}
  return take_digits(name) >= 4 && take(name, "_auto_") && take_digits(name) == 8 && take(name, "_") &&
         take_digits(name) == 4 && name.empty();
}

bool is_merge_name(std::string_view name) {
  // \d+_merge(_.*)?
  return take_digits(name) >= 1 && take(name, "_merge") && (name.empty() || name.front() == '_');
}

bool is_merge_migration(const Migration& m) {
  if (is_merge_name(m.key.name)) return true;
  if (!m.facts || !m.facts->usable() || !m.facts->operations.empty() || !m.facts->operations_complete) return false;
  int own_app = 0;
  for (const auto& dep : m.facts->dependencies) own_app += !dep.swappable && dep.app == m.label;
  return own_app >= 2;
}

std::string suggested_name(const MigrationFacts& facts) {
  if (facts.initial.value_or(false)) return "initial";
  if (facts.operations.empty() || !facts.operations_complete) return "";
  static const std::regex kNonWord(R"([^A-Za-z0-9_]+)");
  std::vector<std::string> fragments;
  for (const auto& op : facts.operations) {
    fragments.push_back(std::regex_replace(name_fragment(op), kNonWord, "_"));
    if (fragments.back().empty()) return "";
  }
  std::string name = fragments.front();
  for (std::size_t i = 1; i < fragments.size(); ++i) {
    if (name.size() + 1 + fragments[i].size() > 52) return name + "_and_more";
    name += "_" + fragments[i];
  }
  return name;
}

}  // namespace hc
