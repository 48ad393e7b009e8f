// The audit's replay memo (.git/hook-check/replay-v1/states.bin): each app's
// state as its migrations build it, kept by a key of the app's migrations
// and of every migration of the apps whose operations reach other apps (a
// RenameModel repoints their relations). An audit with the memo says what
// one without it says, after edits in one app, after a rename in another,
// and with the file damaged; an app whose replay reads another module of
// the repository (a custom field's class) is never kept.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/process.hpp"

namespace hc::test {
namespace {

const std::string kHookCheck = HOOK_CHECK_BIN;

const std::string kAutoField =
    "                (\"id\", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name=\"ID\")),\n";

std::string create_model(const std::string& deps, const std::string& name, const std::string& fields,
                         const std::string& imports = "") {
  return "from django.db import migrations, models\n" + imports +
         "\n\nclass Migration(migrations.Migration):\n"
         "    initial = True\n"
         "    dependencies = [" + deps + "]\n\n"
         "    operations = [\n"
         "        migrations.CreateModel(\n"
         "            name=\"" + name + "\",\n"
         "            fields=[\n" + kAutoField + fields +
         "            ],\n"
         "        ),\n"
         "    ]\n";
}

std::string migration(const std::string& deps, const std::string& operations) {
  return "from django.db import migrations, models\n\n\n"
         "class Migration(migrations.Migration):\n"
         "    dependencies = [" + deps + "]\n"
         "    operations = [" + operations + "]\n";
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

class ReplayMemo : public ::testing::Test {
 protected:
  void SetUp() override {
    repo = std::make_unique<GitRepo>(tmp.path() + "/project");
    for (const char* app : {"catalog", "orders"}) {
      repo->write(std::string(app) + "/__init__.py", "");
      repo->write(std::string(app) + "/migrations/__init__.py", "");
    }
    repo->write("catalog/migrations/0001_initial.py", create_model("", "Product", ""));
    repo->write("catalog/models.py", "from django.db import models\n\n\nclass Product(models.Model):\n    pass\n");
    repo->write("orders/migrations/0001_initial.py",
                create_model("(\"catalog\", \"0001_initial\")", "Order",
                             "                (\"reference\", models.CharField(max_length=10)),\n"
                             "                (\"product\", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, "
                             "to=\"catalog.product\")),\n",
                             "import django.db.models.deletion\n"));
    orders_models("Product", "10");
  }
  void orders_models(const std::string& product_class, const std::string& max_length) const {
    repo->write("orders/models.py",
                "from django.db import models\n\n\n"
                "class Order(models.Model):\n"
                "    reference = models.CharField(max_length=" + max_length + ")\n"
                "    product = models.ForeignKey(\"catalog." + product_class + "\", on_delete=models.CASCADE)\n");
  }
  ProcessResult audit(bool cache = true) const {
    std::vector<std::string> args = {kHookCheck, "check", "--all", "--select", "DJM501"};
    if (!cache) args.push_back("--no-cache");
    return run_process(args, repo->dir());
  }
  // The audit, with the memo and without: they must agree.
  ProcessResult audit_agreeing() const {
    ProcessResult cached = audit();
    ProcessResult uncached = audit(false);
    EXPECT_EQ(cached.status, uncached.status) << cached.out << uncached.out;
    EXPECT_EQ(cached.out, uncached.out);
    return cached;
  }
  std::string states_file() const { return repo->dir() + "/.git/hook-check/replay-v1/states.bin"; }
  TempDir tmp;
  std::unique_ptr<GitRepo> repo;
};

TEST_F(ReplayMemo, AnEditInOneAppIsSeenAndTheOtherAppIsKept) {
  repo->commit_all("two apps");
  ProcessResult first = audit_agreeing();
  EXPECT_EQ(first.status, 0) << first.out;
  ASSERT_TRUE(std::filesystem::exists(states_file()));
  // orders' migrations now say 12; its models still say 10.
  repo->write("orders/migrations/0002_longer.py",
              migration("(\"orders\", \"0001_initial\")",
                        "migrations.AlterField(\"order\", \"reference\", models.CharField(max_length=12))"));
  repo->commit_all("longer references");
  ProcessResult edited = audit_agreeing();
  EXPECT_EQ(edited.status, 1) << edited.out;
  EXPECT_NE(edited.out.find("orders/models.py:5:5: error: Order.reference: max_length 12 → 10"), std::string::npos)
      << edited.out;
  // A comment in the other app: its state is replayed again, the finding stays.
  repo->write("catalog/migrations/0001_initial.py", create_model("", "Product", "") + "# reviewed\n");
  ProcessResult commented = audit_agreeing();
  EXPECT_EQ(commented.out, edited.out);
}

// After orders' relation is made, as makemigrations orders a rename.
const std::string kRenameDeps = "(\"catalog\", \"0001_initial\"), (\"orders\", \"0001_initial\")";

TEST_F(ReplayMemo, ARenameInAnotherAppRepointsTheKeptAppsRelations) {
  repo->write("catalog/migrations/0002_rename.py",
              migration(kRenameDeps, "migrations.RenameModel(\"Product\", \"Item\")"));
  repo->write("catalog/models.py", "from django.db import models\n\n\nclass Item(models.Model):\n    pass\n");
  orders_models("Item", "10");
  repo->commit_all("renamed");
  ProcessResult first = audit_agreeing();
  EXPECT_EQ(first.status, 0) << first.out;
  // The rename now names another model; orders' migrations are unchanged, but
  // its relation must follow: a state kept from before would still say catalog.item.
  repo->write("catalog/migrations/0002_rename.py",
              migration(kRenameDeps, "migrations.RenameModel(\"Product\", \"Thing\")"));
  repo->write("catalog/models.py", "from django.db import models\n\n\nclass Thing(models.Model):\n    pass\n");
  orders_models("Thing", "10");
  repo->commit_all("renamed again");
  ProcessResult second = audit_agreeing();
  EXPECT_EQ(second.status, 0) << second.out;
  EXPECT_EQ(second.out.find("DJM501]"), std::string::npos) << second.out;
}

TEST_F(ReplayMemo, ADamagedFileIsNoMemoAndIsRewritten) {
  repo->commit_all("two apps");
  ProcessResult first = audit_agreeing();
  ASSERT_TRUE(std::filesystem::exists(states_file()));
  std::string damaged = read_bytes(states_file());
  damaged[damaged.size() / 2] ^= 0x5a;
  {
    std::ofstream out(states_file(), std::ios::binary | std::ios::trunc);
    out << damaged;
  }
  // A comment, so the results memo does not answer and the replay runs.
  repo->write("catalog/migrations/0001_initial.py", create_model("", "Product", "") + "# reviewed\n");
  ProcessResult again = audit_agreeing();
  EXPECT_EQ(again.out, first.out);
  std::string rewritten = read_bytes(states_file());
  EXPECT_NE(rewritten, damaged);
  EXPECT_EQ(rewritten.substr(0, 8), "HCREPLAY");
}

TEST_F(ReplayMemo, AnAppWhoseReplayReadsAnotherModuleIsNotKept) {
  TempDir other;
  GitRepo single(other.path() + "/project");
  single.write("orders/__init__.py", "");
  single.write("orders/migrations/__init__.py", "");
  single.write("orders/fields.py", "from django.db import models\n\n\nclass Reference(models.CharField):\n    pass\n");
  single.write("orders/migrations/0001_initial.py",
               create_model("", "Order", "                (\"reference\", orders.fields.Reference(max_length=10)),\n",
                            "import orders.fields\n"));
  single.write("orders/models.py",
               "from django.db import models\n\nfrom orders.fields import Reference\n\n\n"
               "class Order(models.Model):\n    reference = Reference(max_length=10)\n");
  single.commit_all("a custom field");
  ProcessResult result = run_process({kHookCheck, "check", "--all", "--select", "DJM501"}, single.dir());
  EXPECT_EQ(result.status, 0) << result.out;
  EXPECT_FALSE(std::filesystem::exists(single.dir() + "/.git/hook-check/replay-v1/states.bin"));
}

}  // namespace
}  // namespace hc::test
