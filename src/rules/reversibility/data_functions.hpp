// Helpers of the reversibility family for data migrations: the functions of a
// migration module that its RunPython operations run, and message snippets.
#pragma once
#include <functional>
#include <string>
#include <string_view>

#include "rules/check_context.hpp"

namespace hc {

// A module-level function that an in-scope migration's `RunPython` runs, as
// `code` or `reverse_code`; each function once per migration.
using DataFunctionVisitor = std::function<void(const Migration&, const FunctionFacts&)>;
void for_each_data_function(const CheckContext& ctx, const DataFunctionVisitor& visit);

// What a RunPython or RunSQL operation works on. Rows: it reads or writes
// them, as a data migration does, or its code lives elsewhere. Schema: only
// DDL (`schema_editor.execute("ALTER ...")`, `RunSQL("CREATE INDEX ...")`).
// Unknown: a function that shows neither.
enum class DataWork { Rows, Schema, Unknown };
DataWork data_work(const Operation& op, const ModuleCode& code);

// `RunPython(forwards)`, or `RunSQL(UPDATE shop_order SET …)` with the SQL's
// first line rather than its quotes.
std::string data_operation_label(const Operation& op);

// Whether Python source starts with a string literal of any kind, f-strings
// included: `"..."`, `rb'...'`, `f"""..."""`.
bool starts_with_string_literal(std::string_view text);

// Source text for a message: its first line, at most `max_chars` characters.
std::string shortened(std::string_view text, std::size_t max_chars = 60);

}  // namespace hc
