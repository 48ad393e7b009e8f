#include "cli/demo.hpp"

#include <filesystem>

#include "core/error.hpp"
#include "git/commit_writer.hpp"

namespace hc {
namespace {

const char* kInitial = R"(from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Order",
            fields=[
                ("id", models.AutoField(primary_key=True, serialize=False)),
                ("total", models.DecimalField(decimal_places=2, max_digits=10)),
            ],
        ),
    ]
)";

const char* kDevelopDiscount = R"(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="discount",
            field=models.DecimalField(decimal_places=2, default=0, max_digits=10),
        ),
    ]
)";

const char* kFeatureBackfill = R"(from django.db import migrations


def backfill_totals(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    Order.objects.filter(total__isnull=True).update(total=0)


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.RunPython(backfill_totals),
    ]
)";

const char* kModels = R"(from django.db import models


class Order(models.Model):
    total = models.DecimalField(max_digits=10, decimal_places=2)
)";

}  // namespace

void build_demo_repository(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(dir) && !fs::is_empty(dir, ec)) throw Error("demo directory " + dir + " exists and is not empty");
  fs::create_directories(dir, ec);
  if (ec) throw Error("cannot create " + dir + ": " + ec.message());
  Repository repo = Repository::init(dir);
  std::map<std::string, std::string> files = {
      {"shop/__init__.py", ""},
      {"shop/models.py", kModels},
      {"shop/migrations/__init__.py", ""},
      {"shop/migrations/0001_initial.py", kInitial},
  };
  ObjectId fork = commit_files(repo, "develop", std::nullopt, files, "shop: initial models");
  auto develop_files = files;
  develop_files["shop/migrations/0002_order_discount.py"] = kDevelopDiscount;
  commit_files(repo, "develop", fork, develop_files, "shop: add Order.discount");
  auto feature_files = files;
  feature_files["shop/migrations/0002_backfill_totals.py"] = kFeatureBackfill;
  commit_files(repo, "feature/backfill", fork, feature_files, "shop: backfill order totals");
  checkout_branch(repo, "feature/backfill");
}

}  // namespace hc
