// The audit's operations memo (.git/hook-check/operations-v1/): a second
// `check --all` replays what the first evaluated without parsing it again,
// and says the same; a cold audit fills it from the parse that reads the
// facts, with what the replay's own evaluation would have kept; a migration whose operations read another module of the
// repository is never memoised, since its blob id no longer decides them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "support/process.hpp"

namespace hc::test {
namespace {

const std::string kHookCheck = HOOK_CHECK_BIN;

std::string initial(const std::string& imports, const std::string& max_length) {
  return order_initial_migration(imports, max_length);
}

const std::string kModels =
    "from django.db import models\n\n\n"
    "class Order(models.Model):\n"
    "    reference = models.CharField(max_length=10)\n";

std::size_t files_in(const std::string& dir) {
  std::error_code ec;
  std::size_t n = 0;
  for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator(); ++it) ++n;
  return n;
}

// Every file of a directory, by name, with its bytes.
std::map<std::string, std::string> contents_of(const std::string& dir) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator(); ++it) {
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    out[it->path().filename().string()] = bytes.str();
  }
  return out;
}

class OperationsMemo : public ::testing::Test {
 protected:
  void SetUp() override {
    repo = std::make_unique<GitRepo>(tmp.path() + "/project");
    repo->write("orders/__init__.py", "");
    repo->write("orders/migrations/__init__.py", "");
    repo->write("orders/models.py", kModels);
  }
  ProcessResult audit() const { return run_process({kHookCheck, "check", "--all", "--select", "DJM501"}, repo->dir()); }
  std::string memo_dir() const { return repo->dir() + "/.git/hook-check/operations-v1"; }
  TempDir tmp;
  std::unique_ptr<GitRepo> repo;
};

TEST_F(OperationsMemo, ASecondAuditReadsTheMemoAndSaysTheSame) {
  repo->write("orders/migrations/0001_initial.py", initial("", "12"));
  repo->commit_all("orders");
  ProcessResult first = audit();
  EXPECT_EQ(first.status, 1) << first.out;
  EXPECT_NE(first.out.find("orders/models.py:5:5: error: Order.reference: max_length 12 → 10"), std::string::npos) << first.out;
  EXPECT_GT(files_in(memo_dir()), 0u);
  ProcessResult second = audit();
  EXPECT_EQ(second.status, first.status);
  EXPECT_EQ(second.out, first.out);
  ProcessResult uncached = run_process({kHookCheck, "check", "--all", "--select", "DJM501", "--no-cache"}, repo->dir());
  EXPECT_EQ(uncached.out, first.out);
}

TEST_F(OperationsMemo, TheFactsParseKeepsWhatTheReplayWouldHaveKept) {
  repo->write("orders/migrations/0001_initial.py", initial("", "10"));
  repo->write("orders/migrations/0002_backfill.py",
              "from django.db import migrations\n\n\n"
              "def forwards(apps, schema_editor):\n"
              "    apps.get_model(\"orders\", \"Order\").objects.update(reference=\"x\")\n\n\n"
              "class Migration(migrations.Migration):\n"
              "    dependencies = [(\"orders\", \"0001_initial\")]\n"
              "    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]\n");
  repo->write("orders/migrations/0003_note.py",
              "from django.db import migrations, models\n\n\n"
              "class Migration(migrations.Migration):\n"
              "    dependencies = [(\"orders\", \"0002_backfill\")]\n"
              "    operations = [\n"
              "        migrations.AddField(\"order\", \"note\", models.TextField(blank=True, default=\"\")),\n"
              "        migrations.AlterModelOptions(name=\"order\", options={\"ordering\": [\"-id\"]}),\n"
              "    ]\n");
  // Enough migrations for the parse to run on parser threads (64 and up).
  std::string previous = "0003_note";
  for (int n = 4; n < 80; ++n) {
    std::string name = (n < 10 ? "000" : "00") + std::to_string(n) + "_touch";
    repo->write("orders/migrations/" + name + ".py",
                "from django.db import migrations, models\n\n\n"
                "class Migration(migrations.Migration):\n"
                "    dependencies = [(\"orders\", \"" + previous + "\")]\n"
                "    operations = [migrations.AlterField(\"order\", \"reference\", models.CharField(max_length=10))]\n");
    previous = name;
  }
  repo->write("orders/models.py",
              "from django.db import models\n\n\n"
              "class Order(models.Model):\n"
              "    reference = models.CharField(max_length=10)\n"
              "    note = models.TextField(blank=True, default=\"\")\n\n"
              "    class Meta:\n"
              "        ordering = [\"-id\"]\n");
  repo->commit_all("orders");
  // Cold: the facts parse evaluates the operations.
  ProcessResult cold = audit();
  EXPECT_EQ(cold.status, 0) << cold.out;
  auto from_facts_parse = contents_of(memo_dir());
  ASSERT_FALSE(from_facts_parse.empty());
  // Facts cached first by an audit without DJM501: the replay evaluates them.
  std::filesystem::remove_all(repo->dir() + "/.git/hook-check");
  ProcessResult facts_only = run_process({kHookCheck, "check", "--all", "--select", "DJM1"}, repo->dir());
  EXPECT_EQ(facts_only.status, 0) << facts_only.out;
  EXPECT_TRUE(contents_of(memo_dir()).empty());
  ProcessResult replayed = audit();
  EXPECT_EQ(replayed.out, cold.out);
  EXPECT_EQ(contents_of(memo_dir()), from_facts_parse);
}

TEST_F(OperationsMemo, OperationsThatReadAnotherModuleAreNotMemoised) {
  // The migration's blob stays the same while the constant it reads changes.
  repo->write("orders/limits.py", "LENGTH = 10\n");
  repo->write("orders/migrations/0001_initial.py", initial("\nfrom orders.limits import LENGTH\n", "LENGTH"));
  repo->commit_all("orders");
  ProcessResult agree = audit();
  EXPECT_EQ(agree.status, 0) << agree.out;
  EXPECT_EQ(agree.out.find("DJM501]"), std::string::npos) << agree.out;
  repo->write("orders/limits.py", "LENGTH = 12\n");
  repo->commit_all("longer references");
  ProcessResult differ = audit();
  EXPECT_EQ(differ.status, 1) << differ.out;
  EXPECT_NE(differ.out.find("orders/models.py:5:5: error: Order.reference: max_length 12 → 10"), std::string::npos) << differ.out;
}

}  // namespace
}  // namespace hc::test
