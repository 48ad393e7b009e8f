// The CI formats, checked for shape: SARIF against its schema (the official
// one from ../shared when present, else its required properties), JUnit XML
// parsed back, GitHub workflow commands line by line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace hc::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
const std::string kHookCheck = HOOK_CHECK_BIN;
const std::string kDebianPython = "/usr/bin/python3";

class Formats : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = tmp.path() + "/demo";
    ASSERT_EQ(run_process({kHookCheck, "demo", dir}, tmp.path()).status, 0);
  }
  ProcessResult run(const std::string& format) const { return run_process({kHookCheck, "--format", format}, dir); }
  TempDir tmp;
  std::string dir;
};

TEST_F(Formats, SarifHasTheRequiredShape) {
  ProcessResult r = run("sarif");
  EXPECT_EQ(r.status, 1) << r.err;
  json s = json::parse(r.out);
  EXPECT_EQ(s.at("version"), "2.1.0");
  ASSERT_EQ(s.at("runs").size(), 1u);
  const json& run = s.at("runs").at(0);
  EXPECT_EQ(run.at("tool").at("driver").at("name"), "hook-check");
  const json& rules = run.at("tool").at("driver").at("rules");
  ASSERT_FALSE(rules.empty());
  for (const auto& rule : rules) {
    EXPECT_TRUE(rule.contains("id"));
    EXPECT_TRUE(rule.at("help").at("text").is_string()) << rule.at("id");
  }
  ASSERT_EQ(run.at("results").size(), 2u);
  for (const auto& result : run.at("results")) {
    EXPECT_TRUE(result.at("message").at("text").is_string());
    EXPECT_EQ(rules.at(result.at("ruleIndex").get<std::size_t>()).at("id"), result.at("ruleId"));
    const json& region = result.at("locations").at(0).at("physicalLocation").at("region");
    EXPECT_GE(region.at("startLine").get<int>(), 1);
    EXPECT_GE(region.at("startColumn").get<int>(), 1);
  }
  EXPECT_EQ(run.at("results").at(0).at("locations").at(0).at("physicalLocation").at("artifactLocation").at("uri"),
            "shop/migrations/0002_backfill_totals.py");
}

TEST_F(Formats, SarifValidatesAgainstTheOfficialSchema) {
  fs::path schema = fs::path(HOOK_CHECK_SOURCE_DIR).parent_path() / "shared" / "schemas" / "sarif-schema-2.1.0.json";
  if (!fs::exists(schema)) GTEST_SKIP() << "the shared SARIF schema is not beside this clone (" << schema << ")";
  if (run_process({kDebianPython, "-c", "import jsonschema"}, tmp.path()).status != 0)
    GTEST_SKIP() << "Debian's python3-jsonschema is not installed";
  ProcessResult r = run("sarif");
  std::ofstream(tmp.path() + "/out.sarif") << r.out;
  ProcessResult v = run_process(
      {kDebianPython, "-c",
       "import json, sys, jsonschema\n"
       "schema = json.load(open(sys.argv[1]))\n"
       "jsonschema.Draft4Validator(schema).validate(json.load(open(sys.argv[2])))\n",
       schema.string(), tmp.path() + "/out.sarif"},
      tmp.path());
  EXPECT_EQ(v.status, 0) << v.err;
}

TEST_F(Formats, JunitParsesBack) {
  ProcessResult r = run("junit");
  EXPECT_EQ(r.status, 1);
  std::ofstream(tmp.path() + "/out.xml") << r.out;
  ProcessResult p = run_process(
      {kDebianPython, "-c",
       "import sys, xml.etree.ElementTree as ET\n"
       "root = ET.parse(sys.argv[1]).getroot()\n"
       "suite = root.find('testsuite')\n"
       "cases = suite.findall('testcase')\n"
       "failed = [c for c in cases if c.find('failure') is not None]\n"
       "assert int(suite.get('tests')) == len(cases), (suite.get('tests'), len(cases))\n"
       "assert int(suite.get('failures')) == len(failed) == 2, len(failed)\n"
       "print(sorted(c.get('classname') for c in failed))\n",
       tmp.path() + "/out.xml"},
      tmp.path());
  EXPECT_EQ(p.status, 0) << p.err;
  EXPECT_EQ(p.out, "['DJM102', 'DJM201']\n");
}

TEST_F(Formats, GithubAnnotations) {
  ProcessResult r = run("github");
  EXPECT_EQ(r.status, 1);
  std::istringstream lines(r.out);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    EXPECT_EQ(line.rfind("::error file=shop/migrations/0002_backfill_totals.py,line=", 0), 0u) << line;
    EXPECT_NE(line.find(",title=DJM"), std::string::npos);
    EXPECT_NE(line.find("%0Ahelp: "), std::string::npos);  // one annotation per line, newlines escaped
  }
  EXPECT_EQ(n, 2);
}

}  // namespace
}  // namespace hc::test
