// Whole files read with one fstat and read() calls: caches, memos and the
// index are read on every hook run, and a stream copy of the 1.4 MB index
// cost 3.6 M instructions.
#pragma once
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace hc {

// The file's bytes into `out`; false when it cannot be read.
bool read_whole_file(const std::string& path, std::string& out);

// The same into a buffer that is not cleared first, for a large file whose
// bytes are then viewed where they are (the index's entries).
struct FileBuffer {
  std::shared_ptr<char[]> data;
  std::size_t size = 0;
};
std::optional<FileBuffer> read_file_buffer(const std::string& path);

}  // namespace hc
