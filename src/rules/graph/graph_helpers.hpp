// Helpers of the graph family.
#pragma once
#include <string>
#include <vector>

#include "graph/migration_graph.hpp"

namespace hc {

// "`0005_a`, `0005_b`"
std::string join_names(const std::vector<MigrationKey>& keys);
// The leading digits of a migration name ("0005" of "0005_x"), or "".
std::string number_prefix(const std::string& name);

}  // namespace hc
