// `hook-check rebase APP` on real repositories: DJM102 goes away, and after
// git's rebase real Django loads one leaf.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <nlohmann/json.hpp>

#include "support/django_project.hpp"
#include "support/memory_project.hpp"

namespace hc::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
const std::string kHookCheck = HOOK_CHECK_BIN;

class RebaseCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    repo = std::make_unique<GitRepo>(tmp.path() + "/p");
    repo->write_app("shop", {{"0001_initial", migration_source({})},
                             {"0002_order_total", migration_source({{"shop", "0001_initial"}})}});
    repo->write("billing/__init__.py", "");
    repo->write("billing/models.py", "from django.db import models\n");
    repo->write("billing/migrations/__init__.py", "");
    repo->write("billing/migrations/0001_initial.py", migration_source({{"shop", "0001_initial"}}));
    write_django_project(*repo, {"shop", "billing"});
    repo->commit_all("initial");
    repo->git({"checkout", "-q", "-b", "feature"});
    repo->write("shop/migrations/0003_note.py", migration_source({{"shop", "0002_order_total"}}));
    repo->write("shop/migrations/0004_gift.py", migration_source({{"shop", "0003_note"}}));
    repo->write("billing/migrations/0002_invoice.py", migration_source({{"billing", "0001_initial"}, {"shop", "0004_gift"}}));
    repo->commit_all("feature");
    repo->git({"checkout", "-q", "develop"});
    repo->write("shop/migrations/0003_discount.py", migration_source({{"shop", "0002_order_total"}}));
    repo->commit_all("develop: discount");
    repo->git({"checkout", "-q", "feature"});
  }
  json check() const { return json::parse(run_process({kHookCheck, "--format", "json"}, repo->dir()).out); }
  TempDir tmp;
  std::unique_ptr<GitRepo> repo;
};

TEST_F(RebaseCommand, RenumbersRenamesAndRewritesEveryReference) {
  ASSERT_EQ(check().at("diagnostics").at(0).at("code"), "DJM102");
  ProcessResult r = run_process({kHookCheck, "rebase", "shop"}, repo->dir());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("0003_note -> 0004_note"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0004_gift -> 0005_gift"), std::string::npos);
  EXPECT_FALSE(fs::exists(repo->dir() + "/shop/migrations/0003_note.py"));
  std::string note = read_text_file(repo->dir() + "/shop/migrations/0004_note.py");
  EXPECT_NE(note.find("(\"shop\", \"0003_discount\")"), std::string::npos) << note;
  std::string gift = read_text_file(repo->dir() + "/shop/migrations/0005_gift.py");
  EXPECT_NE(gift.find("(\"shop\", \"0004_note\")"), std::string::npos) << gift;
  std::string invoice = read_text_file(repo->dir() + "/billing/migrations/0002_invoice.py");
  EXPECT_NE(invoice.find("(\"shop\", \"0005_gift\")"), std::string::npos) << invoice;
  // DJM102 is gone; what is left says the base's migration is not in the branch yet.
  json after = check();
  for (const auto& d : after.at("diagnostics")) EXPECT_NE(d.at("code"), "DJM102") << d.dump();

  repo->commit_all("renumber");
  repo->git({"rebase", "-q", "develop"});
  EXPECT_TRUE(check().at("diagnostics").empty()) << check().dump(2);
  if (!django_available()) GTEST_SKIP() << "Debian's python3-django is not installed: the Django half is skipped";
  ProcessResult migrate = manage(*repo, {"migrate", "--no-input"});
  EXPECT_EQ(migrate.status, 0) << migrate.out << migrate.err;
  ProcessResult merge = manage(*repo, {"makemigrations", "--merge", "--dry-run"});
  EXPECT_NE(merge.out.find("No conflicts detected to merge"), std::string::npos) << merge.out << merge.err;
}

TEST_F(RebaseCommand, AfterGitRebaseItFixesTheTwoLeaves) {
  repo->git({"rebase", "-q", "develop"});
  std::set<std::string> codes;
  json before = check();
  for (const auto& d : before.at("diagnostics")) codes.insert(d.at("code").get<std::string>());
  ASSERT_TRUE(codes.count("DJM101")) << check().dump(2);
  ASSERT_EQ(run_process({kHookCheck, "rebase", "shop"}, repo->dir()).status, 0);
  EXPECT_TRUE(check().at("diagnostics").empty()) << check().dump(2);
}

TEST_F(RebaseCommand, RefusesWhatIsAlreadyOnTheBase) {
  ProcessResult r = run_process({kHookCheck, "rebase", "billing"}, repo->dir());
  EXPECT_EQ(r.status, 0) << r.err;  // billing's new migration follows billing's latest already: renumbered in place
  repo->git({"checkout", "-q", "-f", "develop"});
  r = run_process({kHookCheck, "rebase", "shop"}, repo->dir());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("nothing to rebase"), std::string::npos) << r.err;
  // A branch migration that develop also has (pushed there) is never renamed.
  repo->git({"checkout", "-q", "feature"});
  repo->git({"checkout", "-q", "develop", "--", "."});
  repo->git({"checkout", "-q", "-b", "develop2", "develop"});
  repo->git({"checkout", "-q", "feature", "--", "shop/migrations/0003_note.py"});
  repo->commit_all("develop2 has the branch's migration");
  repo->git({"checkout", "-q", "feature"});
  r = run_process({kHookCheck, "rebase", "shop", "--base", "develop2"}, repo->dir());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("already on `develop2`"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace hc::test
