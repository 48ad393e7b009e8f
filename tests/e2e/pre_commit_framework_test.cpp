// The pre-commit framework for real (Debian's `pre-commit`), trying this
// repository's .pre-commit-hooks.yaml on a Django project with staged migrations.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/process.hpp"

namespace hc::test {
namespace {

namespace fs = std::filesystem;

class PreCommitFramework : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run_process({"pre-commit", "--version"}, tmp.path()).status != 0)
      GTEST_SKIP() << "Debian's pre-commit is not installed (apt-get install pre-commit)";
    // pre-commit clones the hook repository: give it a committed copy of this one.
    source = tmp.path() + "/migration-hooks";
    fs::create_directories(source);
    for (const char* item : {".pre-commit-hooks.yaml", "hooks"})
      fs::copy(fs::path(HOOK_CHECK_SOURCE_DIR) / item, fs::path(source) / item, fs::copy_options::recursive);
    GitRepo hook_repo(source, "main");
    hook_repo.commit_all("hooks");

    project = std::make_unique<GitRepo>(tmp.path() + "/project");
    project->write("shop/__init__.py", "");
    project->write("shop/models.py", "from django.db import models\n");
    project->write("shop/migrations/__init__.py", "");
    project->write("shop/migrations/0001_initial.py", migration_source({}));
    project->commit_all("initial");
    project->git({"checkout", "-q", "-b", "feature"});
    // The hook finds the hook-check built with this suite first on PATH.
    env = {{"PATH", fs::path(HOOK_CHECK_BIN).parent_path().string() + ":" + std::getenv("PATH")},
           {"PRE_COMMIT_HOME", tmp.path() + "/pre-commit-cache"},
           {"HOME", tmp.path()}};
  }

  ProcessResult try_repo() const {
    return run_process({"pre-commit", "try-repo", source, "hook-check", "--verbose"}, project->dir(), "", env);
  }

  TempDir tmp;
  std::string source;
  std::unique_ptr<GitRepo> project;
  std::map<std::string, std::string> env;
};

TEST_F(PreCommitFramework, PassesACleanChange) {
  project->write("shop/migrations/0002_order_total.py", migration_source({{"shop", "0001_initial"}}));
  project->git({"add", "-A"});
  ProcessResult r = try_repo();
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Passed"), std::string::npos) << r.out;
}

TEST_F(PreCommitFramework, FailsWithTheFindings) {
  project->write("shop/migrations/0002_backfill.py",
                 "from django.db import migrations\n\n\ndef f(apps, schema_editor):\n    pass\n\n\n"
                 "class Migration(migrations.Migration):\n    dependencies = [(\"shop\", \"0001_initial\")]\n"
                 "    operations = [migrations.RunPython(f)]\n");
  project->git({"add", "-A"});
  ProcessResult r = try_repo();
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("Failed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("shop/migrations/0002_backfill.py:10:19: error:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[DJM201]"), std::string::npos);
}

TEST_F(PreCommitFramework, PushStageChecksThePushedCommit) {
  project->write("shop/migrations/0002_backfill.py",
                 "from django.db import migrations\n\n\ndef f(apps, schema_editor):\n    pass\n\n\n"
                 "class Migration(migrations.Migration):\n    dependencies = [(\"shop\", \"0001_initial\")]\n"
                 "    operations = [migrations.RunPython(f)]\n");
  project->commit_all("backfill");
  ProcessResult r = run_process({"pre-commit", "try-repo", source, "hook-check-push", "--hook-stage", "push",
                                 "--from-ref", "develop", "--to-ref", "HEAD", "--verbose"},
                                project->dir(), "", env);
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("[DJM201]"), std::string::npos) << r.out;
  project->write("shop/migrations/0002_backfill.py", migration_source({{"shop", "0001_initial"}}));
  project->commit_all("clean");
  r = run_process({"pre-commit", "try-repo", source, "hook-check-push", "--hook-stage", "push", "--from-ref", "develop",
                   "--to-ref", "HEAD"},
                  project->dir(), "", env);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
}

TEST_F(PreCommitFramework, WithoutTheToolSaysWhatToInstall) {
  project->write("shop/migrations/0002_order_total.py", migration_source({{"shop", "0001_initial"}}));
  project->git({"add", "-A"});
  // No hook-check on PATH and no build tools: one clear line, not a traceback or a pass.
  std::map<std::string, std::string> bare = env;
  const std::string bin = tmp.path() + "/bin";
  fs::create_directories(bin);
  for (const char* dir : {"/usr/bin", "/bin"}) {
    for (const auto& e : fs::directory_iterator(dir)) {
      std::string name = e.path().filename().string();
      bool hidden = name.starts_with("hook-check") || name == "cmake" || name == "pkg-config" || name == "npm" ||
                    name.find("g++") != std::string::npos;
      if (!hidden && !fs::exists(bin + "/" + name)) fs::create_symlink(e.path(), bin + "/" + name);
    }
  }
  bare["PATH"] = bin;
  ProcessResult r = run_process({"pre-commit", "try-repo", source, "hook-check"}, project->dir(), "", bare);
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("hook-check: not installed, and cannot be built here"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Traceback"), std::string::npos);
}

}  // namespace
}  // namespace hc::test
