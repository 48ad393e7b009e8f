// [tool.hook-check] in pyproject.toml: every key, and every way to get it wrong.
#include <gtest/gtest.h>

#include "config/config.hpp"
#include "core/error.hpp"

namespace hc::test {
namespace {

std::string error_of(const std::string& toml) {
  try {
    parse_config(toml, "pyproject.toml");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Config, EveryKey) {
  Config c = parse_config(R"(
[project]
name = "shop"

[tool.hook-check]
base = "origin/develop"
select = ["DJM1", "DJM201"]
ignore = ["DJM103"]
exclude = ["legacy/**", "**/tests/**"]
django_version = "4.2"
django_command = "python manage.py"
outdated_on_commit = "warning"

[tool.hook-check.severity]
DJM103 = "error"
DJM2 = "note"

[tool.hook-check.app-labels]
"src/apps/shop/" = "store"
)",
                          "pyproject.toml");
  EXPECT_EQ(c.base, "origin/develop");
  EXPECT_EQ(c.select, (std::vector<std::string>{"DJM1", "DJM201"}));
  EXPECT_EQ(c.ignore, std::vector<std::string>{"DJM103"});
  EXPECT_EQ(c.django_version, "4.2");
  EXPECT_EQ(c.django_command, "python manage.py");
  EXPECT_EQ(c.outdated_on_commit, Severity::Warning);
  EXPECT_EQ(c.severity_for("DJM103"), Severity::Error);
  EXPECT_EQ(c.severity_for("DJM201"), Severity::Note);
  EXPECT_EQ(c.severity_for("DJM101"), std::nullopt);
  EXPECT_EQ(c.app_labels.at("src/apps/shop"), "store");
  EXPECT_TRUE(c.excluded("legacy/shop/migrations/0001_initial.py"));
  EXPECT_TRUE(c.excluded("src/tests/site/migrations/0001_initial.py"));
  EXPECT_FALSE(c.excluded("shop/migrations/0001_initial.py"));
}

TEST(Config, NoTableMeansDefaults) {
  Config c = parse_config("[project]\nname = 'x'\n", "pyproject.toml");
  EXPECT_FALSE(c.base);
  EXPECT_TRUE(c.select.empty());
}

TEST(Config, ErrorsNameTheKeyAndTheFile) {
  EXPECT_EQ(error_of("[tool.hook-check]\nbsae = 'develop'\n").rfind("pyproject.toml:2: unknown key `bsae`", 0), 0u)
      << error_of("[tool.hook-check]\nbsae = 'develop'\n");
  EXPECT_NE(error_of("[tool.hook-check]\nselect = ['DJM999']\n").find("unknown rule code `DJM999`"), std::string::npos);
  EXPECT_NE(error_of("[tool.hook-check]\nignore = ['E501']\n").find("unknown rule code `E501`"), std::string::npos);
  EXPECT_NE(error_of("[tool.hook-check.severity]\nDJM201 = 'fatal'\n").find("use \"error\", \"warning\" or \"note\""),
            std::string::npos);
  EXPECT_NE(error_of("[tool.hook-check.severity]\nDJM9 = 'error'\n").find("unknown rule code `DJM9`"), std::string::npos);
  EXPECT_NE(error_of("[tool.hook-check]\nselect = 3\n").find("must be a list of strings"), std::string::npos);
  EXPECT_NE(error_of("[tool.hook-check]\ndjango_version = 'latest'\n").find("django_version"), std::string::npos);
  EXPECT_NE(error_of("[tool.hook-check]\noutdated_on_commit = 'note'\n").find("outdated_on_commit"), std::string::npos);
  EXPECT_NE(error_of("[tool.hook-check\nbase = 1\n").find("pyproject.toml:1: not valid TOML"), std::string::npos)
      << error_of("[tool.hook-check\nbase = 1\n");
}

TEST(Config, GlobMatching) {
  EXPECT_TRUE(glob_match("*/migrations/0001_*.py", "shop/migrations/0001_initial.py"));
  EXPECT_FALSE(glob_match("*/migrations/0001_*.py", "a/shop/migrations/0001_initial.py"));
  EXPECT_TRUE(glob_match("**/migrations/0001_*.py", "a/shop/migrations/0001_initial.py"));
  EXPECT_TRUE(glob_match("vendor", "vendor/x/migrations/0001_initial.py"));
  EXPECT_FALSE(glob_match("vendor", "vendors/x.py"));
}

}  // namespace
}  // namespace hc::test
