// End to end for the rules about how a branch shapes its migrations (DJM402,
// DJM401): real git repositories, the real hook-check run as a process.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace hc::test {
namespace {

using nlohmann::json;

const std::string kHookCheck = HOOK_CHECK_BIN;

const std::string kAddDiscount =
    "        migrations.AddField(\n"
    "            model_name=\"order\",\n"
    "            name=\"discount\",\n"
    "            field=models.DecimalField(decimal_places=2, max_digits=10, null=True),\n"
    "        ),\n";
const std::string kDiscountDefault =
    "        migrations.AlterField(\n"
    "            model_name=\"order\",\n"
    "            name=\"discount\",\n"
    "            field=models.DecimalField(decimal_places=2, default=0, max_digits=10),\n"
    "            preserve_default=False,\n"
    "        ),\n";
const std::string kAddNote =
    "        migrations.AddField(\n"
    "            model_name=\"order\",\n"
    "            name=\"note\",\n"
    "            field=models.TextField(blank=True),\n"
    "        ),\n";

// A project whose shop app has 0001 and 0002 on `initial_branch`.
class FeatureRules : public ::testing::Test {
 protected:
  void make_repo(const std::string& initial_branch) {
    repo = std::make_unique<GitRepo>(tmp.path() + "/project", initial_branch);
    repo->write_app("shop", {{"0001_initial", migration_source({})},
                             {"0002_order_total", migration_source({{"shop", "0001_initial"}})}});
    repo->commit_all("initial");
  }

  json check_json(std::vector<std::string> args, int expected_status) const {
    args.insert(args.begin(), kHookCheck);
    args.insert(args.end(), {"--format", "json"});
    ProcessResult r = run_process(args, repo->dir());
    EXPECT_EQ(r.status, expected_status) << r.out << r.err;
    return json::parse(r.out);
  }

  static std::vector<json> with_code(const json& report, const std::string& code) {
    std::vector<json> out;
    for (const auto& d : report["diagnostics"])
      if (d["code"] == code) out.push_back(d);
    return out;
  }

  TempDir tmp;
  std::unique_ptr<GitRepo> repo;
};

TEST_F(FeatureRules, SecondMigrationOfABranchIsReportedAgainstDevelop) {
  make_repo("develop");
  repo->git({"checkout", "-q", "-b", "feature/discount"});
  repo->write("shop/migrations/0003_order_discount.py", migration_source({{"shop", "0002_order_total"}}, kAddDiscount));
  repo->commit_all("discount");
  repo->write("shop/migrations/0004_alter_order_discount.py",
              migration_source({{"shop", "0003_order_discount"}}, kDiscountDefault));
  repo->git({"add", "-A"});

  // A warning: the commit may go ahead.
  json j = check_json({"--staged", "--base", "develop"}, 0);
  auto found = with_code(j, "DJM402");
  ASSERT_EQ(found.size(), 1u) << j.dump(2);
  const json& d = found[0];
  EXPECT_EQ(d["rule"], "several-migrations-per-feature");
  EXPECT_EQ(d["severity"], "warning");
  EXPECT_EQ(d["path"], "shop/migrations/0004_alter_order_discount.py");
  EXPECT_EQ(d["line"], 1);
  EXPECT_EQ(d["column"], 1);
  const std::string message = d["message"];
  EXPECT_NE(message.find("`0003_order_discount`, `0004_alter_order_discount`"), std::string::npos) << message;
  const std::string help = d["help"];
  EXPECT_NE(help.find("squashmigrations shop 0003_order_discount 0004_alter_order_discount"), std::string::npos) << help;
  EXPECT_EQ(j["summary"]["warnings"], 1);
}

TEST_F(FeatureRules, BranchSquashedToOneMigrationIsClean) {
  make_repo("develop");
  repo->git({"checkout", "-q", "-b", "feature/discount"});
  repo->write("shop/migrations/0003_order_discount.py", migration_source({{"shop", "0002_order_total"}}, kAddDiscount));
  repo->write("shop/migrations/0004_order_note.py", migration_source({{"shop", "0003_order_discount"}}, kAddNote));
  repo->commit_all("two migrations");
  EXPECT_EQ(with_code(check_json({"--commit", "HEAD", "--base", "develop"}, 0), "DJM402").size(), 1u);

  // What the help says: delete them and run makemigrations again.
  repo->remove("shop/migrations/0004_order_note.py");
  repo->write("shop/migrations/0003_order_discount.py",
              migration_source({{"shop", "0002_order_total"}}, kAddDiscount + kAddNote));
  repo->commit_all("one migration");
  json j = check_json({"--commit", "HEAD", "--base", "develop"}, 0);
  EXPECT_TRUE(j["diagnostics"].empty()) << j.dump(2);
}

TEST_F(FeatureRules, WithoutABaseNothingIsCountedAsAdded) {
  make_repo("trunk");  // none of develop, main, master: no base is found
  repo->write("shop/migrations/0003_order_discount.py", migration_source({{"shop", "0002_order_total"}}, kAddDiscount));
  repo->write("shop/migrations/0004_order_note.py", migration_source({{"shop", "0003_order_discount"}}, kAddNote));
  json j = check_json({"--worktree", "--select", "DJM402"}, 0);
  EXPECT_TRUE(j["diagnostics"].empty()) << j.dump(2);
  EXPECT_TRUE(j["base"].is_null());
}

TEST_F(FeatureRules, AutomaticNameOnTheBranchGetsTheNameMakemigrationsWouldGive) {
  make_repo("develop");
  repo->git({"checkout", "-q", "-b", "feature/discount"});
  repo->write("shop/migrations/0003_auto_20240311_0942.py", migration_source({{"shop", "0002_order_total"}}, kAddDiscount));
  repo->git({"add", "-A"});

  auto found = with_code(check_json({"--staged", "--base", "develop"}, 0), "DJM401");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["path"], "shop/migrations/0003_auto_20240311_0942.py");
  EXPECT_EQ(found[0]["line"], 1);
  const std::string help = found[0]["help"];
  EXPECT_NE(help.find("`0003_order_discount`"), std::string::npos) << help;
}

}  // namespace
}  // namespace hc::test
