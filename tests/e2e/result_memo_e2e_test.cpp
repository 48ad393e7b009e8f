// The results memo of whole audits: an audit answered from it says exactly
// what a fresh one says, and any change of input (a file, the options, the
// base) or a damaged entry means a fresh audit.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "check/check_run.hpp"
#include "check/result_memo.hpp"
#include "core/error.hpp"
#include "git/repository.hpp"
#include "support/process.hpp"

namespace hc::test {
namespace {

std::string findings(const CheckResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) {
    out += d.path + ":" + std::to_string(d.span.start.line) + ":" + std::to_string(d.span.start.column) + "-" +
           std::to_string(d.span.end.line) + ":" + std::to_string(d.span.end.column) + " " + d.code + " " +
           std::string(to_string(d.severity)) + " " + d.rule + " " + d.message + " | " + d.help;
    for (const auto& rel : d.related) out += " [" + rel.path + ":" + std::to_string(rel.span.start.line) + " " + rel.message + "]";
    out += "\n";
  }
  for (const auto& n : r.notes) out += "note: " + n + "\n";
  return out + "files " + std::to_string(r.files_checked) + "\n";
}

class ResultMemoE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    repo = std::make_unique<GitRepo>(tmp.path() + "/project");
    repo->write_app("shop", {{"0001_initial", migration_source({})}, {"0002_more", migration_source({{"shop", "0001_initial"}})}});
    repo->write_app("blog", {{"0001_initial", migration_source({{"shop", "0001_initial"}})}});
    repo->commit_all("initial");
  }

  CheckOptions audit(bool cache = true) const {
    CheckOptions o;
    o.repo = repo->dir();
    o.all = true;
    o.cache = cache;
    return o;
  }

  std::string memo_dir() const { return repo->dir() + "/.git/hook-check/results-v1"; }
  std::size_t memo_entries() const {
    std::size_t n = 0;
    if (std::filesystem::exists(memo_dir()))
      for (const auto& e : std::filesystem::directory_iterator(memo_dir())) n += e.path().extension() == ".json";
    return n;
  }

  TempDir tmp;
  std::unique_ptr<GitRepo> repo;
};

TEST_F(ResultMemoE2E, ASecondAuditOfTheSameTreeIsAnsweredFromTheMemoAlike) {
  repo->write("shop/migrations/0003_left.py", migration_source({{"shop", "0002_more"}}));
  repo->write("shop/migrations/0003_right.py", migration_source({{"shop", "0002_more"}}, "        migrations.RunPython(print),\n"));
  CheckResult first = run_check(audit());
  EXPECT_EQ(memo_entries(), 1u);
  CheckResult second = run_check(audit());
  EXPECT_EQ(findings(second), findings(first));
  EXPECT_EQ(findings(second), findings(run_check(audit(false))));
  EXPECT_NE(findings(first).find("DJM101"), std::string::npos) << findings(first);  // two leaves
  EXPECT_NE(findings(first).find("DJM201"), std::string::npos) << findings(first);  // RunPython without reverse
  EXPECT_EQ(memo_entries(), 1u);
  // The memo is what answers: an entry rewritten to say otherwise is believed.
  for (const auto& e : std::filesystem::directory_iterator(memo_dir())) {
    CheckResult planted;
    planted.target = "worktree";
    planted.notes = {"planted"};
    std::ofstream(e.path(), std::ios::trunc) << encode_check_result(planted);
  }
  EXPECT_EQ(run_check(audit()).notes, std::vector<std::string>{"planted"});
}

TEST_F(ResultMemoE2E, AnyChangedInputIsAFreshAudit) {
  CheckResult clean = run_check(audit());
  EXPECT_TRUE(clean.diagnostics.empty()) << findings(clean);
  // A file of the working tree.
  repo->write("blog/migrations/0002_cycle.py", migration_source({{"blog", "0001_initial"}, {"shop", "0003_cycle"}}));
  repo->write("shop/migrations/0003_cycle.py", migration_source({{"shop", "0002_more"}, {"blog", "0002_cycle"}}));
  CheckResult cycle = run_check(audit());
  EXPECT_NE(findings(cycle).find("DJM105"), std::string::npos) << findings(cycle);
  EXPECT_EQ(findings(cycle), findings(run_check(audit(false))));
  // The options.
  CheckOptions only_naming = audit();
  only_naming.select = {"DJM3"};
  EXPECT_EQ(findings(run_check(only_naming)).find("DJM105"), std::string::npos);
  EXPECT_NE(findings(run_check(audit())).find("DJM105"), std::string::npos);
  // The configuration, through the target's pyproject.toml.
  repo->write("pyproject.toml", "[tool.hook-check]\nignore = [\"DJM105\"]\n");
  EXPECT_EQ(findings(run_check(audit())), findings(run_check(audit(false))));
  EXPECT_EQ(findings(run_check(audit())).find("DJM105"), std::string::npos);
  // Back to the first tree: its entry answers again.
  repo->remove("pyproject.toml");
  repo->remove("blog/migrations/0002_cycle.py");
  repo->remove("shop/migrations/0003_cycle.py");
  EXPECT_EQ(findings(run_check(audit())), findings(clean));
}

TEST_F(ResultMemoE2E, ADamagedEntryIsAFreshAuditAndNoCacheNeverReadsIt) {
  repo->write("shop/migrations/0003_left.py", migration_source({{"shop", "0002_more"}}));
  repo->write("shop/migrations/0003_right.py", migration_source({{"shop", "0002_more"}}));
  const std::string expected = findings(run_check(audit()));
  ASSERT_EQ(memo_entries(), 1u);
  for (const char* damage : {"", "{", "{\"format\": 1}", "not json at all", "{\"format\": 99, \"diagnostics\": []}"}) {
    for (const auto& e : std::filesystem::directory_iterator(memo_dir())) std::ofstream(e.path(), std::ios::trunc) << damage;
    EXPECT_EQ(findings(run_check(audit())), expected) << "with the entry \"" << damage << "\"";
  }
  // An entry that says nothing is wrong is not read back by --no-cache.
  for (const auto& e : std::filesystem::directory_iterator(memo_dir())) {
    CheckResult lie;
    lie.target = "worktree";
    std::ofstream(e.path(), std::ios::trunc) << encode_check_result(lie);
  }
  EXPECT_EQ(findings(run_check(audit(false))), expected);
}

TEST_F(ResultMemoE2E, FindingsOnAPathThatIsNotUtf8AreReportedAndNotMemoised) {
  // Git paths are bytes: a Latin-1 file name cannot be written as JSON text.
  repo->write("shop/migrations/0003_caf\xe9.py", migration_source({{"shop", "0002_more"}}));
  repo->write("shop/migrations/0003_other.py", migration_source({{"shop", "0002_more"}}));
  CheckResult first = run_check(audit());
  EXPECT_NE(findings(first).find("DJM101"), std::string::npos) << findings(first);
  EXPECT_EQ(findings(run_check(audit())), findings(first));
  EXPECT_EQ(findings(first), findings(run_check(audit(false))));
  EXPECT_EQ(memo_entries(), 0u);
}

TEST_F(ResultMemoE2E, AWorkingTreeFileEditedAfterTheSnapshotIsAnErrorNotAStaleAnswer) {
  // What a run reads of the working tree must be what its snapshot hashed:
  // caches file results under that hash.
  repo->write("shop/migrations/0003_new.py", migration_source({{"shop", "0002_more"}}));
  Repository r = Repository::open(repo->dir());
  Snapshot snap = r.worktree_snapshot();
  const SnapshotFile* file = snap.find("shop/migrations/0003_new.py");
  ASSERT_TRUE(file && file->on_disk);
  EXPECT_EQ(r.read(*file), migration_source({{"shop", "0002_more"}}));
  repo->write("shop/migrations/0003_new.py", migration_source({{"shop", "0001_initial"}}));
  try {
    r.read(*file);
    ADD_FAILURE() << "an edited file was read as the snapshot's";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("shop/migrations/0003_new.py changed while"), std::string::npos) << e.what();
  }
}

TEST(ResultMemoCodec, EveryFieldRoundTrips) {
  CheckResult r;
  r.base = BaseInfo{"develop", std::string(40, 'a'), std::string(40, 'b')};
  r.target = "staged";
  r.notes = {"one", "two \"quoted\"\n"};
  r.files_checked = 7;
  r.migrations_parsed = 3;
  Diagnostic d;
  d.code = "DJM101";
  d.rule = "multiple-leaves";
  d.severity = Severity::Warning;
  d.path = "shop/migrations/0003_x.py";
  d.span = {{3, 5}, {4, 1}};
  d.message = "m\u00e9ssage";
  d.help = "help";
  d.related = {{"shop/migrations/0003_y.py", {{1, 1}, {1, 9}}, "the other leaf"}};
  d.verbose_only = true;
  r.diagnostics = {d, d};
  r.diagnostics[1].severity = Severity::Note;
  auto back = decode_check_result(encode_check_result(r));
  ASSERT_TRUE(back);
  EXPECT_EQ(findings(*back), findings(r));
  EXPECT_EQ(back->base->merge_base, r.base->merge_base);
  EXPECT_EQ(back->migrations_parsed, 3u);
  EXPECT_TRUE(back->diagnostics[0].verbose_only);
  EXPECT_EQ(back->diagnostics[1].severity, Severity::Note);
  CheckResult no_base;
  EXPECT_FALSE(decode_check_result(encode_check_result(no_base))->base);
}

}  // namespace
}  // namespace hc::test
