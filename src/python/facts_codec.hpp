// MigrationFacts to bytes and back, for the facts cache on disk. The bytes are
// this build's own: any change to the facts' shape changes kFactsFormat.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "python/migration_facts.hpp"

namespace hc {

// Bump when the encoding changes; the cache also keys on the tool's version
// and a hash of the parser's sources, so a changed extractor is a new cache.
inline constexpr unsigned kFactsFormat = 1;

std::string encode_facts(const MigrationFacts& facts);
// nullopt when the bytes are not a whole, well-formed encoding (a corrupt
// cache entry is a miss, never a crash).
std::optional<MigrationFacts> decode_facts(std::string_view bytes);

}  // namespace hc
