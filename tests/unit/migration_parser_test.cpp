// parse_migration on real Python: the facts every rule reads.
#include <gtest/gtest.h>

#include "python/app_config.hpp"
#include "python/migration_facts.hpp"
#include "python/syntax_tree.hpp"

namespace hc::test {
namespace {

MigrationFacts parse(const std::string& src) {
  static PythonParser parser;
  return parse_migration(parser, src);
}

TEST(MigrationParser, DependenciesOfEveryShape) {
  auto f = parse(R"(from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    atomic = False
    dependencies = [
        ("shop", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('billing', '__first__'),
    ]
    replaces = [("shop", "0001_a"), ("old_shop", "0002_b")]
    run_before = [("orders", "0003_c")]
    operations = []
)");
  ASSERT_TRUE(f.usable());
  ASSERT_EQ(f.dependencies.size(), 3u);
  EXPECT_EQ(f.dependencies[0].app, "shop");
  EXPECT_EQ(f.dependencies[0].name, "0001_initial");
  EXPECT_EQ(f.dependencies[0].span.start, (Position{9, 9}));
  EXPECT_EQ(f.dependencies[0].span.end, (Position{9, 33}));
  EXPECT_TRUE(f.dependencies[1].swappable);
  EXPECT_EQ(f.dependencies[1].app, "settings.AUTH_USER_MODEL");
  EXPECT_EQ(f.dependencies[2].name, "__first__");
  EXPECT_TRUE(f.dependencies_complete);
  ASSERT_EQ(f.replaces.size(), 2u);
  EXPECT_EQ(f.replaces[1].app, "old_shop");
  ASSERT_EQ(f.run_before.size(), 1u);
  EXPECT_EQ(f.initial, true);
  EXPECT_EQ(f.atomic, false);
}

TEST(MigrationParser, OperationsWithArgumentsAndSpans) {
  auto f = parse(R"(from django.db import migrations as m, models


def forwards(apps, schema_editor):
    pass


COMMON = [m.RunSQL("SELECT 1", reverse_sql=m.RunSQL.noop)]


class Migration(m.Migration):
    dependencies = []
    operations = COMMON + [
        m.AddField("order", "total", models.DecimalField(max_digits=10, decimal_places=2)),
        m.RunPython(forwards, m.RunPython.noop),
        pgtrigger.migrations.AddTrigger(model_name="x"),
        *[m.RunPython(forwards)],
    ]
)");
  ASSERT_TRUE(f.usable());
  EXPECT_TRUE(f.operations_complete);
  ASSERT_EQ(f.operations.size(), 5u);
  EXPECT_EQ(f.operations[0].kind, "RunSQL");
  EXPECT_EQ(f.operations[0].span.start, (Position{8, 11}));
  const Operation& add = f.operations[1];
  EXPECT_EQ(add.kind, "AddField");
  EXPECT_TRUE(add.from_django);
  EXPECT_EQ(add.span.start, (Position{14, 9}));
  ASSERT_EQ(add.arguments.size(), 3u);
  EXPECT_EQ(add.argument(0, "model_name")->value.str, "order");
  EXPECT_EQ(add.argument(1, "name")->value.str, "total");
  EXPECT_EQ(add.argument(2, "field")->value.kind, PyValue::Kind::Call);
  EXPECT_EQ(add.argument(2, "field")->value.str, "models.DecimalField");
  const Operation& rp = f.operations[2];
  EXPECT_EQ(rp.argument(1, "reverse_code")->value.str, "m.RunPython.noop");
  EXPECT_EQ(f.operations[3].kind, "AddTrigger");
  EXPECT_FALSE(f.operations[3].from_django);
  EXPECT_EQ(f.operations[4].kind, "RunPython");
}

TEST(MigrationParser, UnknownPartsAreMarkedIncomplete) {
  auto f = parse(R"(from django.db import migrations
from .helpers import make_operations, DEPS


class Migration(migrations.Migration):
    dependencies = DEPS
    operations = make_operations()
)");
  ASSERT_TRUE(f.usable());
  EXPECT_FALSE(f.dependencies_complete);
  EXPECT_FALSE(f.operations_complete);
}

TEST(MigrationParser, StringLiteralsDecodeAsPython) {
  auto f = parse("from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
                 "    dependencies = [(\"sh\" 'op', r'0001_\\x41'), (u'caf\\u00e9', '''x\\ty''')]\n");
  ASSERT_EQ(f.dependencies.size(), 2u);
  EXPECT_EQ(f.dependencies[0].app, "shop");
  EXPECT_EQ(f.dependencies[0].name, "0001_\\x41");
  EXPECT_EQ(f.dependencies[1].app, "caf\xc3\xa9");
  EXPECT_EQ(f.dependencies[1].name, "x\ty");
}

TEST(MigrationParser, ProblemsArePositioned) {
  auto broken = parse("from django.db import migrations\n\nclass Migration(migrations.Migration)\n    pass\n");
  ASSERT_TRUE(broken.problem);
  EXPECT_EQ(broken.problem->span.start.line, 3);
  auto binary = parse(std::string("abc\0def", 7));
  ASSERT_TRUE(binary.problem);
  EXPECT_NE(binary.problem->message.find("binary"), std::string::npos);
  auto latin1 = parse("# -*- coding: latin-1 -*-\nfrom django.db import migrations\n# caf\xe9\nclass Migration(migrations.Migration):\n    pass\n");
  EXPECT_FALSE(latin1.problem);
  EXPECT_TRUE(latin1.has_migration_class);
  auto no_class = parse("def helper():\n    return 1\n");
  EXPECT_FALSE(no_class.problem);
  EXPECT_FALSE(no_class.has_migration_class);
}

TEST(MigrationParser, SuppressionComments) {
  auto f = parse("from django.db import migrations  # hook-check: ignore-file[DJM2]\n"
                 "class Migration(migrations.Migration):\n"
                 "    # hook-check: ignore[DJM201, DJM202]\n"
                 "    operations = []  # hook-check: ignore\n");
  ASSERT_EQ(f.suppressions.size(), 3u);
  EXPECT_TRUE(f.suppressions[0].whole_file);
  EXPECT_TRUE(suppresses(f.suppressions[0], "DJM203", 99));
  EXPECT_FALSE(suppresses(f.suppressions[0], "DJM101", 99));
  EXPECT_TRUE(f.suppressions[1].own_line);
  EXPECT_TRUE(suppresses(f.suppressions[1], "DJM202", 4));
  EXPECT_FALSE(suppresses(f.suppressions[1], "DJM202", 3));
  EXPECT_TRUE(suppresses(f.suppressions[2], "DJM001", 4));
}

TEST(AppConfig, LabelIsRead) {
  PythonParser parser;
  EXPECT_EQ(parse_app_config_label(parser, "from django.apps import AppConfig\n\nclass ShopConfig(AppConfig):\n"
                                           "    name = 'project.apps.shop'\n    label = \"store\"\n"),
            "store");
  EXPECT_EQ(parse_app_config_label(parser, "from django.apps import AppConfig\n\nclass ShopConfig(AppConfig):\n    name = 'shop'\n"),
            std::nullopt);
}

}  // namespace
}  // namespace hc::test
