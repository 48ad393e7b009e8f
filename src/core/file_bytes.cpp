#include "core/file_bytes.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace hc {
namespace {

// Opens `path` and hands its size to `place`, which returns where its bytes go.
template <class Place>
bool read_file(const std::string& path, Place&& place) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0 && st.st_size >= 0;
  if (ok) {
    const auto size = static_cast<std::size_t>(st.st_size);
    char* into = place(size);
    for (std::size_t done = 0; ok && done < size;) {
      ssize_t n = ::read(fd, into + done, size - done);
      if (n < 0 && errno == EINTR) continue;
      ok = n > 0;
      if (ok) done += static_cast<std::size_t>(n);
    }
  }
  ::close(fd);
  return ok;
}

}  // namespace

bool read_whole_file(const std::string& path, std::string& out) {
  return read_file(path, [&](std::size_t size) {
    out.resize(size);
    return out.data();
  });
}

std::optional<FileBuffer> read_file_buffer(const std::string& path) {
  FileBuffer buffer;
  bool ok = read_file(path, [&](std::size_t size) {
    buffer.data.reset(new char[size == 0 ? 1 : size]);  // not value-initialised: not cleared
    buffer.size = size;
    return buffer.data.get();
  });
  if (!ok) return std::nullopt;
  return buffer;
}

}  // namespace hc
