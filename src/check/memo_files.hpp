// The files of the whole-run memos (results-v<N>/, models-v<N>/): one file
// an entry, written to a temporary name and renamed, so a concurrent reader
// sees a whole entry or none; only the newest few are kept. Failures are
// never errors: an unwritable place only means no memo.
#pragma once
#include <cstddef>
#include <optional>
#include <string>

namespace hc {

// The file's bytes, or nullopt when it cannot be read.
std::optional<std::string> read_memo_file(const std::string& path);

// Writes `bytes` as dir/name atomically, then keeps the newest `kept` files
// of `dir` whose names end in `suffix`.
void write_memo_file(const std::string& dir, const std::string& name, const std::string& bytes, std::size_t kept,
                     const std::string& suffix);

}  // namespace hc
