#include "check/memo_files.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "check/facts_store.hpp"
#include "core/file_bytes.hpp"

namespace hc {

std::string framed_memo(std::string_view magic, std::string_view body) {
  std::string file(magic);
  file += body;
  std::uint64_t sum = facts_payload_hash(body);
  file.append(reinterpret_cast<const char*>(&sum), sizeof sum);
  return file;
}

std::optional<std::string_view> memo_body(std::string_view magic, std::string_view file) {
  if (file.size() < magic.size() + 8 || !file.starts_with(magic)) return std::nullopt;
  std::string_view body = file.substr(magic.size(), file.size() - magic.size() - 8);
  std::uint64_t sum = 0;
  std::memcpy(&sum, file.data() + file.size() - 8, 8);
  if (sum != facts_payload_hash(body)) return std::nullopt;
  return body;
}

std::optional<std::string> read_memo_file(const std::string& path) {
  std::string bytes;
  if (!read_whole_file(path, bytes)) return std::nullopt;
  return bytes;
}

void write_memo_file(const std::string& dir, const std::string& name, const std::string& bytes, std::size_t kept,
                     const std::string& suffix) {
  namespace fs = std::filesystem;
  static std::atomic<unsigned> counter{0};
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return;
  const std::string path = dir + "/" + name;
  const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << bytes;
    if (!out.flush()) {
      fs::remove(tmp, ec);
      return;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    fs::remove(tmp, ec);
    return;
  }
  // The newest few stay; a concurrent run's removal of the same file is harmless.
  std::vector<std::pair<fs::file_time_type, fs::path>> entries;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
    if (it->path().filename().string().ends_with(suffix)) entries.emplace_back(it->last_write_time(ec), it->path());
  if (entries.size() <= kept) return;
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = kept; i < entries.size(); ++i) fs::remove(entries[i].second, ec);
}

}  // namespace hc
