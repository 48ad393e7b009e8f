// Test support: running the real executables and git as processes, and
// building real git repositories in temporary folders.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace hc::test {

struct ProcessResult {
  int status = -1;
  std::string out;
  std::string err;
};

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& cwd, const std::string& input = "",
                          const std::map<std::string, std::string>& env = {});

// A temporary folder, removed when the test ends.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A real git repository driven through the git CLI.
class GitRepo {
 public:
  explicit GitRepo(const std::string& dir, const std::string& initial_branch = "develop");
  const std::string& dir() const { return dir_; }
  // Runs git; fails the test when git fails unless `allow_failure`.
  std::string git(const std::vector<std::string>& args, bool allow_failure = false) const;
  void write(const std::string& path, const std::string& content) const;
  void remove(const std::string& path) const;
  void commit_all(const std::string& message) const;
  // An app package: __init__.py, models.py, migrations/__init__.py and the
  // given migrations (name -> source).
  void write_app(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& migrations) const;

 private:
  std::string dir_;
};

// A migration as makemigrations writes it, depending on `deps` (app, name) pairs.
std::string migration_source(const std::vector<std::pair<std::string, std::string>>& deps,
                             const std::string& operations = "");

// The initial migration of an `orders` app: one Order model whose reference
// is a CharField of `max_length` (a literal or a name `imports` brings in).
std::string order_initial_migration(const std::string& imports, const std::string& max_length);

}  // namespace hc::test
