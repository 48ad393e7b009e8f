// The files of the whole-run memos (results-v<N>/, models-v<N>/): one file
// an entry, written to a temporary name and renamed, so a concurrent reader
// sees a whole entry or none; only the newest few are kept. Failures are
// never errors: an unwritable place only means no memo.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace hc {

// A memo file's framing: an 8-byte magic, the body, a checksum of the body.
std::string framed_memo(std::string_view magic, std::string_view body);
// The body of `file`, when its magic and checksum are right.
std::optional<std::string_view> memo_body(std::string_view magic, std::string_view file);

// The file's bytes, or nullopt when it cannot be read.
std::optional<std::string> read_memo_file(const std::string& path);

// Writes `bytes` as dir/name atomically, then keeps the newest `kept` files
// of `dir` whose names end in `suffix`.
void write_memo_file(const std::string& dir, const std::string& name, const std::string& bytes, std::size_t kept,
                     const std::string& suffix);

}  // namespace hc
