// The name patterns DJM3xx and the merge rules match, without std::regex:
// each case says what the regex it replaced said.
#include <gtest/gtest.h>

#include "rules/naming/migration_names.hpp"

namespace hc::test {
namespace {

TEST(MigrationNames, AutomaticNamesAreDjangosTimestampedOnes) {
  for (const char* yes : {"0002_auto_20240101_1200", "12345_auto_20240101_1200"}) EXPECT_TRUE(is_automatic_name(yes)) << yes;
  for (const char* no : {"002_auto_20240101_1200", "0002_auto_2024010_1200", "0002_auto_202401011_1200",
                         "0002_auto_20240101_120", "0002_auto_20240101_12000", "0002_auto_20240101_1200x",
                         "0002_auto_20240101", "0002_add_field", "0002_Auto_20240101_1200", "", "0002_auto_2024o101_1200"})
    EXPECT_FALSE(is_automatic_name(no)) << no;
}

TEST(MigrationNames, MergeNamesAreWhatMakemigrationsMergeWrites) {
  for (const char* yes : {"0004_merge", "0004_merge_20240101_1200", "0004_merge_0002_a_0003_b", "4_merge_", "0004_merge_x y"})
    EXPECT_TRUE(is_merge_name(yes)) << yes;
  for (const char* no : {"0004_merged", "0004_merge2", "merge", "_merge", "0004_mergex_y", "0004_add_merge", "0004-merge", ""})
    EXPECT_FALSE(is_merge_name(no)) << no;
}

}  // namespace
}  // namespace hc::test
