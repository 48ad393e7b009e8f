// Helpers of the naming family: the names Django makes up, the names it would
// suggest, and which migrations are bookkeeping (merges) rather than work.
#pragma once
#include <string>
#include <string_view>

#include "check/project_view.hpp"

namespace hc {

// `0007_auto_20240101_1200`: makemigrations' name when it finds nothing better.
bool is_automatic_name(std::string_view name);

// A merge migration: named `NNNN_merge...`, or joining two or more
// migrations of its own app without operations of its own.
// Whether a module name is one `makemigrations --merge` writes: "0004_merge",
// "0004_merge_20240101_1200", "0004_merge_0002_a_0003_b".
bool is_merge_name(std::string_view name);
bool is_merge_migration(const Migration& m);

// The name makemigrations gives these operations (Django's
// Migration.suggest_name, without the number): `order_discount`,
// `remove_order_legacy_total`. "" when Django would fall back on `auto_`.
std::string suggested_name(const MigrationFacts& facts);

}  // namespace hc
