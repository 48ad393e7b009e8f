// Writing files into the user's working tree: atomically, and never over a
// file that is there (a command that writes must not lose anyone's work).
#pragma once
#include <string>

namespace hc {

// Creates `path` with `content`; throws hc::Error if it exists or cannot be written.
void create_file_atomically(const std::string& path, const std::string& content);

// Replaces `path` (which must exist) with `content` in one rename.
void replace_file_atomically(const std::string& path, const std::string& content);

}  // namespace hc
