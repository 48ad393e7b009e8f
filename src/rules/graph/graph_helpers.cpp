#include "rules/graph/graph_helpers.hpp"

#include <cctype>

namespace hc {

std::string join_names(const std::vector<MigrationKey>& keys) {
  std::string out;
  for (const auto& k : keys) {
    if (!out.empty()) out += ", ";
    out += "`" + k.name + "`";
  }
  return out;
}

std::string number_prefix(const std::string& name) {
  std::size_t n = 0;
  while (n < name.size() && std::isdigit(static_cast<unsigned char>(name[n]))) ++n;
  return name.substr(0, n);
}

}  // namespace hc
