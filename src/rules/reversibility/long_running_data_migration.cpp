#include "rules/reversibility/long_running_data_migration.hpp"

#include <regex>
#include <set>

#include "rules/reversibility/data_functions.hpp"

namespace hc {
namespace {

// A queryset over a model's whole table, or a filtered part of it, read in
// one go: `Order.objects.all()`, `apps.get_model(...).objects.filter(...)
// .select_related()`. No `.iterator()`, no slice, no `values()`: those batch
// or hand back rows that cannot be saved.
bool walks_whole_table(const std::string& chain) {
  static const std::regex kWholeTable(
      R"(^(?:[A-Za-z_]\w*|(?:[A-Za-z_]\w*\.)*get_model\(\))\.(?:objects|_default_manager|_base_manager))"
      R"(\.(?:all|filter|exclude)\(\))"
      R"((?:\.(?:all|filter|exclude|order_by|select_related|prefetch_related|only|defer|annotate|distinct|using)\(\))*$)");
  return std::regex_match(chain, kWholeTable);
}

bool is_identifier(const std::string& s) {
  static const std::regex kIdentifier(R"([A-Za-z_]\w*)");
  return std::regex_match(s, kIdentifier);
}

// Writing rows in bulk anywhere in the function shows the author thought
// about volume; the loop may be a rare-case fallback.
bool writes_in_bulk(const FunctionFacts& function) {
  for (const auto& call : function.calls)
    if (call.method == "bulk_update" || call.method == "bulk_create" || (call.method == "update" && !call.receiver.empty()))
      return true;
  return false;
}

// The assignment `name` gets, when it gets exactly one in the function.
const AssignmentFact* only_assignment(const FunctionFacts& function, const std::string& name) {
  const AssignmentFact* found = nullptr;
  for (const auto& a : function.assignments) {
    if (a.name != name) continue;
    if (found) return nullptr;
    found = &a;
  }
  return found;
}

// The model a queryset reads, when its text names it: `Order` in
// `Order.objects.all()`, `User` in `apps.get_model("auth", "User").objects.all()`.
std::string model_of(const std::string& chain, const std::string& text) {
  static const std::regex kGetModel(R"re(get_model\(\s*["'](?:[\w]+\.)?(\w+)["']\s*(?:,\s*["'](\w+)["'])?)re");
  std::smatch match;
  if (std::regex_search(text, match, kGetModel)) return match[2].matched ? match[2].str() : match[1].str();
  return chain.substr(0, chain.find('.'));
}

// Settings, configuration and template tables hold a handful of rows: walking
// them one by one costs nothing worth a warning.
bool names_a_small_table(const std::string& model) {
  static const std::regex kSmallTable(R"((Settings?|Config|Configuration|Preferences|Site|Template)$)");
  return std::regex_search(model, kSmallTable);
}

// `order.save()` on the loop's row, else `order.delete()`: the write the message names.
const CallFact* row_write(const ForLoopFact& loop) {
  const CallFact* found = nullptr;
  for (const auto& call : loop.body_calls) {
    if (call.method != "save" && call.method != "delete") continue;
    if (call.receiver != loop.target && !call.receiver.starts_with(loop.target + ".")) continue;
    if (call.method == "save") return &call;
    if (!found) found = &call;
  }
  return found;
}

// The iterable as the message shows it: as written when short, else its chain.
std::string shown(const std::string& text, const std::string& chain) {
  if (text.find('\n') == std::string::npos && text.size() <= 60) return text;
  std::string out;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    out += chain[i];
    if (chain[i] == '(' && i + 1 < chain.size() && chain[i + 1] == ')') out += "…";
  }
  return out;
}

}  // namespace

void LongRunningDataMigration::check(const CheckContext& ctx, Findings& out) const {
  for_each_data_function(ctx, [&](const Migration& m, const FunctionFacts& function) {
    if (writes_in_bulk(function)) return;
    for (const auto& loop : function.loops) {
      if (!is_identifier(loop.target)) continue;
      std::string queryset = loop.iterable;
      std::string queryset_text = loop.iterable_text;
      bool through_name = is_identifier(loop.iterable);
      if (through_name) {
        const AssignmentFact* assigned = only_assignment(function, loop.iterable);
        // A parameter or loop variable of the same name could hold anything.
        if (!assigned || loop.iterable == loop.target) continue;
        queryset = assigned->value_chain;
        queryset_text = assigned->value_text;
      }
      if (!walks_whole_table(queryset) || names_a_small_table(model_of(queryset, queryset_text))) continue;
      const CallFact* write = row_write(loop);
      if (!write) continue;

      std::string header = "`for " + loop.target + " in " + shown(loop.iterable_text, loop.iterable) + "`";
      std::string message = header + " calls `" + shortened(write->text, 50) + "` for every row";
      if (through_name) message += " of `" + shown(queryset_text, queryset) + "`";
      out.report(kInfo, m.path, loop.span, message,
                 "write in one statement with `queryset.update(...)`, or in batches with `bulk_update(objs, fields, "
                 "batch_size=...)`, reading rows with `.iterator(chunk_size=...)`; or run it apart from the deploy "
                 "(protocol §3: avoid long-running data migrations)");
    }
  });
}

}  // namespace hc
