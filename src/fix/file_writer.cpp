#include "fix/file_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/error.hpp"

namespace hc {
namespace {

std::string write_temp_beside(const std::string& path, const std::string& content, mode_t mode) {
  std::string tmp = path + ".hook-check-" + std::to_string(::getpid()) + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, mode);
  if (fd < 0) throw Error("cannot write " + tmp + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      throw Error("cannot write " + tmp + ": " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    throw Error("cannot write " + tmp + ": " + std::strerror(errno));
  }
  return tmp;
}

}  // namespace

void create_file_atomically(const std::string& path, const std::string& content) {
  std::string tmp = write_temp_beside(path, content, 0644);
  // link() refuses an existing target: nothing there is ever replaced.
  int rc = ::link(tmp.c_str(), path.c_str());
  int err = errno;
  ::unlink(tmp.c_str());
  if (rc != 0) {
    if (err == EEXIST) throw Error(path + " already exists: hook-check does not overwrite files");
    throw Error("cannot create " + path + ": " + std::strerror(err));
  }
}

void replace_file_atomically(const std::string& path, const std::string& content) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw Error("cannot replace " + path + ": it does not exist");
  std::string tmp = write_temp_beside(path, content, st.st_mode & 07777);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw Error("cannot replace " + path + ": " + std::strerror(err));
  }
}

}  // namespace hc
