// extract_module_code on real Python: the imports, functions, loops and
// docstrings the data-migration rules follow `RunPython(forwards)` into.
#include <gtest/gtest.h>

#include <algorithm>

#include "python/migration_facts.hpp"
#include "python/syntax_tree.hpp"

namespace hc::test {
namespace {

MigrationFacts parse(const std::string& src) {
  static PythonParser parser;
  return parse_migration(parser, src);
}

const NameUse* first_use(const FunctionFacts& f, const std::string& name) {
  for (const auto& use : f.names)
    if (use.name == name) return &use;
  return nullptr;
}

TEST(FunctionFacts, ImportsOfEveryShape) {
  auto f = parse(R"(import shop.models
import shop.models as sm
from shop.models import Order, Customer as Client
from . import models
from ..models import Invoice
from billing.models import *
from django.db import migrations


class Migration(migrations.Migration):
    operations = []
)");
  ASSERT_TRUE(f.usable());
  const ModuleCode& code = *f.code;
  ASSERT_EQ(code.imports.size(), 8u);
  EXPECT_EQ(code.imports[0].name, "shop");
  EXPECT_EQ(code.imports[0].target, "shop");
  EXPECT_EQ(code.imports[0].module, "shop.models");
  EXPECT_EQ(code.imports[1].name, "sm");
  EXPECT_EQ(code.imports[1].target, "shop.models");
  EXPECT_EQ(code.imports[1].statement, "import shop.models as sm");
  EXPECT_EQ(code.imports[2].target, "shop.models.Order");
  EXPECT_EQ(code.imports[2].statement, "from shop.models import Order");
  EXPECT_EQ(code.imports[2].span.start, (Position{3, 1}));
  EXPECT_EQ(code.imports[3].name, "Client");
  EXPECT_EQ(code.imports[3].target, "shop.models.Customer");
  EXPECT_EQ(code.imports[3].statement, "from shop.models import Customer as Client");
  EXPECT_EQ(code.imports[4].target, ".models");
  EXPECT_EQ(code.imports[5].target, "..models.Invoice");
  EXPECT_EQ(code.imports[6].name, "*");
  ASSERT_NE(code.import("migrations"), nullptr);
  EXPECT_EQ(code.import("migrations")->target, "django.db.migrations");
  EXPECT_EQ(code.import("Nothing"), nullptr);
}

TEST(FunctionFacts, NamesCallsAndLoopsOfAFunction) {
  auto f = parse(R"(from django.db import migrations


def backfill_totals(apps, schema_editor):
    from shop.models import Order
    Invoice = apps.get_model("shop", "Invoice")
    pending = Invoice.objects.filter(total__isnull=True)
    for invoice in pending:
        invoice.total = sum(line.amount for line in invoice.lines.all())
        invoice.save(update_fields=["total"])
    Order.objects.all()[:10]


class Migration(migrations.Migration):
    operations = [migrations.RunPython(backfill_totals)]
)");
  ASSERT_TRUE(f.usable());
  ASSERT_EQ(f.code->functions.size(), 1u);
  const FunctionFacts& fn = *f.code->function("backfill_totals");
  EXPECT_EQ(fn.span.start, (Position{4, 5}));
  EXPECT_EQ(fn.parameters, (std::vector<std::string>{"apps", "schema_editor"}));

  ASSERT_EQ(fn.imports.size(), 1u);
  EXPECT_EQ(fn.imports[0].target, "shop.models.Order");

  EXPECT_TRUE(fn.binds_locally("Invoice"));
  EXPECT_TRUE(fn.binds_locally("pending"));
  EXPECT_TRUE(fn.binds_locally("invoice"));
  EXPECT_TRUE(fn.binds_locally("apps"));
  EXPECT_FALSE(fn.binds_locally("Order"));  // bound by the import, which is kept apart

  const NameUse* order = first_use(fn, "Order");
  ASSERT_NE(order, nullptr);
  EXPECT_EQ(order->chain, "Order.objects.all()[]");
  EXPECT_EQ(order->span.start, (Position{11, 5}));
  EXPECT_EQ(order->span.end, (Position{11, 10}));
  const NameUse* apps = first_use(fn, "apps");
  ASSERT_NE(apps, nullptr);
  EXPECT_EQ(apps->chain, "apps.get_model()");
  // `invoice.total = ...` reads `invoice`; keyword names are not reads.
  EXPECT_NE(first_use(fn, "invoice"), nullptr);
  EXPECT_EQ(first_use(fn, "update_fields"), nullptr);
  EXPECT_EQ(first_use(fn, "total__isnull"), nullptr);

  ASSERT_EQ(fn.assignments.size(), 2u);
  EXPECT_EQ(fn.assignments[1].name, "pending");
  EXPECT_EQ(fn.assignments[1].value_chain, "Invoice.objects.filter()");

  ASSERT_EQ(fn.loops.size(), 1u);
  const ForLoopFact& loop = fn.loops[0];
  EXPECT_EQ(loop.target, "invoice");
  EXPECT_EQ(loop.iterable, "pending");
  EXPECT_EQ(loop.span.start, (Position{8, 5}));
  EXPECT_EQ(loop.span.end, (Position{8, 27}));
  std::vector<std::string> methods;
  for (const auto& call : loop.body_calls) methods.push_back(call.method);
  EXPECT_EQ(methods, (std::vector<std::string>{"sum", "all", "save"}));
  const CallFact& save = loop.body_calls.back();
  EXPECT_EQ(save.callee, "invoice.save");
  EXPECT_EQ(save.receiver, "invoice");
  EXPECT_EQ(save.text, "invoice.save(update_fields=[\"total\"])");
  EXPECT_EQ(save.span.start, (Position{10, 9}));

  auto calls_to = [&](const std::string& method) {
    return std::count_if(fn.calls.begin(), fn.calls.end(), [&](const CallFact& c) { return c.method == method; });
  };
  EXPECT_EQ(calls_to("get_model"), 1);
  EXPECT_EQ(calls_to("all"), 2);
}

TEST(FunctionFacts, EveryKindOfBindingIsLocal) {
  auto f = parse(R"(from django.db import migrations


@transaction.atomic
def forwards(apps, schema_editor, *args, batch: int = 500, **kwargs):
    with schema_editor.connection.cursor() as cursor:
        pass
    try:
        pass
    except LookupError as error:
        pass
    for (pk, total) in rows:
        pass
    if (count := len(rows)) > 0:
        pass
    squares = [n * n for n in range(3)]
    total += 1

    def helper(Site):
        return Site

    class Local:
        pass

    return lambda Page: Page


class Migration(migrations.Migration):
    operations = []
)");
  ASSERT_TRUE(f.usable());
  const FunctionFacts* fn = f.code->function("forwards");
  ASSERT_NE(fn, nullptr);
  EXPECT_EQ(fn->parameters, (std::vector<std::string>{"apps", "schema_editor", "batch"}));
  for (const char* name : {"apps", "schema_editor", "args", "batch", "kwargs", "cursor", "error", "pk", "total",
                           "count", "squares", "n", "helper", "Site", "Local", "Page"})
    EXPECT_TRUE(fn->binds_locally(name)) << name;
  EXPECT_FALSE(fn->binds_locally("rows"));
  EXPECT_FALSE(fn->binds_locally("transaction"));  // the decorator is the module's business
  EXPECT_NE(first_use(*fn, "rows"), nullptr);
  EXPECT_NE(first_use(*fn, "LookupError"), nullptr);
  EXPECT_NE(first_use(*fn, "int"), nullptr);  // annotations are reads
}

TEST(FunctionFacts, DocstringsConstantsAndCommentLines) {
  auto f = parse(R"("""Backfill totals before the column becomes NOT NULL."""
from django.db import migrations

FORWARD_SQL = """
-- the ORM cannot express a trigger
CREATE TRIGGER t BEFORE UPDATE ON shop_order FOR EACH ROW EXECUTE FUNCTION touch();
"""
STATEMENTS = ["SELECT 1;", ("SELECT %s;", [1])]
LIMIT = 500


class Migration(migrations.Migration):
    """Adds the trigger."""

    # Why: the trigger keeps `updated` honest.
    operations = [
        migrations.RunSQL(FORWARD_SQL),  # trailing
    ]


def forwards(apps, schema_editor):
    pass


def forwards(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
)");
  ASSERT_TRUE(f.usable());
  EXPECT_EQ(f.code->module_docstring, "Backfill totals before the column becomes NOT NULL.");
  EXPECT_EQ(f.code->migration_docstring, "Adds the trigger.");
  const StringConstant* sql = f.code->string_constant("FORWARD_SQL");
  ASSERT_NE(sql, nullptr);
  EXPECT_NE(sql->text.find("-- the ORM"), std::string::npos);
  EXPECT_EQ(sql->span.start, (Position{4, 1}));
  EXPECT_EQ(sql->span.end.line, 7);
  EXPECT_EQ(f.code->string_constant("LIMIT"), nullptr);
  EXPECT_EQ(f.code->string_constant("STATEMENTS"), nullptr);  // a tuple with a list inside is not only strings
  EXPECT_EQ(f.code->comment_only_lines, (std::set<int>{15}));
  // The later definition is the one Python keeps.
  ASSERT_EQ(f.code->functions.size(), 2u);
  EXPECT_EQ(f.code->function("forwards"), &f.code->functions[1]);
  EXPECT_EQ(dotted_prefix("Order.objects.filter().all()[]"), "Order.objects.filter");
}

TEST(FunctionFacts, NoDocstringWhenTheFirstStatementIsCode) {
  auto f = parse(R"(from django.db import migrations
"""Not a docstring: an expression after an import."""


class Migration(migrations.Migration):
    dependencies = []
    """Not a docstring either."""
)");
  ASSERT_TRUE(f.usable());
  EXPECT_EQ(f.code->module_docstring, "");
  EXPECT_EQ(f.code->migration_docstring, "");
}

TEST(FunctionFacts, MigrationNotesAreFreeStandingComments) {
  auto f = parse(R"(# Generated by Django 4.2.11 on 2024-04-02 10:15
# expect: nothing here is a note

from django.db import migrations

# The old search triggers are replaced by the search_document column.

# Forward helpers
def forwards(apps, schema_editor):
    # inside a function: about the function
    pass


# documents the constant below
SQL = "DROP TRIGGER IF EXISTS title_vector_update ON product_product"


class Migration(migrations.Migration):
    # CONCURRENTLY cannot run in a transaction.
    atomic = False

    dependencies = []

    # Each statement is its own operation so a failure names it.
    operations = [
        # about one operation
        migrations.RunSQL(SQL),
    ]
)");
  ASSERT_TRUE(f.usable());
  EXPECT_EQ(f.code->migration_notes,
            (std::vector<std::string>{"# CONCURRENTLY cannot run in a transaction.\n",
                                      "# Each statement is its own operation so a failure names it.\n",
                                      "# The old search triggers are replaced by the search_document column.\n"}));
}

}  // namespace
}  // namespace hc::test
