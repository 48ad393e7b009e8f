#include "support/process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "support/memory_project.hpp"

namespace hc::test {

namespace fs = std::filesystem;

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& cwd, const std::string& input,
                          const std::map<std::string, std::string>& env) {
  TempDir io;
  std::string in_path = io.path() + "/in", out_path = io.path() + "/out", err_path = io.path() + "/err";
  std::ofstream(in_path, std::ios::binary) << input;
  pid_t pid = fork();
  if (pid == 0) {
    int in = open(in_path.c_str(), O_RDONLY);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    if (chdir(cwd.c_str()) != 0) _exit(127);
    setenv("NO_COLOR", "1", 1);
    setenv("GIT_AUTHOR_NAME", "Test", 1);
    setenv("GIT_AUTHOR_EMAIL", "test@example.invalid", 1);
    setenv("GIT_COMMITTER_NAME", "Test", 1);
    setenv("GIT_COMMITTER_EMAIL", "test@example.invalid", 1);
    setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  ProcessResult r;
  r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  r.out = read_text_file(out_path);
  r.err = read_text_file(err_path);
  return r;
}

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "hook-check-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

GitRepo::GitRepo(const std::string& dir, const std::string& initial_branch) : dir_(dir) {
  fs::create_directories(dir);
  git({"init", "-q", "-b", initial_branch});
}

std::string GitRepo::git(const std::vector<std::string>& args, bool allow_failure) const {
  std::vector<std::string> argv = {"git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c",
                                   "commit.gpgsign=false"};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult r = run_process(argv, dir_);
  if (r.status != 0 && !allow_failure) ADD_FAILURE() << "git " << args[0] << " failed: " << r.err;
  return r.out;
}

void GitRepo::write(const std::string& path, const std::string& content) const {
  fs::path p = fs::path(dir_) / path;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

void GitRepo::remove(const std::string& path) const { fs::remove(fs::path(dir_) / path); }

void GitRepo::commit_all(const std::string& message) const {
  git({"add", "-A"});
  git({"commit", "-q", "-m", message});
}

void GitRepo::write_app(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& migrations) const {
  write(dir + "/__init__.py", "");
  write(dir + "/models.py", "from django.db import models\n");
  write(dir + "/migrations/__init__.py", "");
  for (const auto& [name, source] : migrations) write(dir + "/migrations/" + name + ".py", source);
}

std::string migration_source(const std::vector<std::pair<std::string, std::string>>& deps, const std::string& operations) {
  std::string s = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n";
  s += "    dependencies = [\n";
  for (const auto& [app, name] : deps) s += "        (\"" + app + "\", \"" + name + "\"),\n";
  s += "    ]\n\n    operations = [\n" + operations + "    ]\n";
  return s;
}

std::string order_initial_migration(const std::string& imports, const std::string& max_length) {
  return "from django.db import migrations, models\n" + imports +
         "\n\nclass Migration(migrations.Migration):\n"
         "    initial = True\n"
         "    dependencies = []\n\n"
         "    operations = [\n"
         "        migrations.CreateModel(\n"
         "            name=\"Order\",\n"
         "            fields=[\n"
         "                (\"id\", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name=\"ID\")),\n"
         "                (\"reference\", models.CharField(max_length=" + max_length + ")),\n"
         "            ],\n"
         "        ),\n"
         "    ]\n";
}

}  // namespace hc::test
