// The facts cache: facts read back from it make the rules say exactly what
// fresh parses make them say, and a damaged, stale or unwritable cache is
// only a miss.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "check/check_run.hpp"
#include "check/facts_store.hpp"
#include "config/config.hpp"
#include "python/facts_codec.hpp"
#include "rules/check_context.hpp"
#include "support/memory_project.hpp"
#include "support/process.hpp"

namespace hc::test {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtureRoot = fs::path(HOOK_CHECK_SOURCE_DIR) / "tests" / "fixtures" / "rules";

// Every Python file of the rule fixtures, as one project per fixture.
std::vector<std::map<std::string, std::string>> fixture_projects() {
  std::vector<std::map<std::string, std::string>> out;
  for (const auto& rule_dir : fs::directory_iterator(kFixtureRoot))
    for (const auto& f : fs::directory_iterator(rule_dir.path())) {
      std::map<std::string, std::string> files;
      if (f.is_regular_file() && f.path().extension() == ".py") {
        files["shop/__init__.py"] = "";
        files["shop/models.py"] = "from django.db import models\n";
        files["shop/migrations/__init__.py"] = "";
        files["shop/migrations/" + f.path().stem().string() + ".py"] = read_text_file(f.path().string());
        out.push_back(std::move(files));
        continue;
      }
      if (!f.is_directory()) continue;
      // A branch fixture holds one project per state.
      std::vector<fs::path> roots;
      for (const char* state : {"target", "merge-base", "base"})
        if (fs::is_directory(f.path() / state)) roots.push_back(f.path() / state);
      if (roots.empty()) roots.push_back(f.path());
      for (const auto& root : roots) {
        std::map<std::string, std::string> project;
        for (const auto& e : fs::recursive_directory_iterator(root))
          if (e.is_regular_file()) project[fs::relative(e.path(), root).generic_string()] = read_text_file(e.path().string());
        out.push_back(std::move(project));
      }
    }
  return out;
}

std::string findings_text(const ProjectView& view) {
  CheckContext ctx{view, nullptr, nullptr, "develop", true, {}};
  std::string out;
  for (const auto& d : run_rules(ctx, Config{}))
    out += d.path + ":" + std::to_string(d.span.start.line) + ":" + std::to_string(d.span.start.column) + "-" +
           std::to_string(d.span.end.line) + ":" + std::to_string(d.span.end.column) + " " + d.code + " " + d.message + " | " +
           d.help + "\n";
  return out;
}

TEST(FactsCodec, EveryFixtureRoundTripsToTheSameBytes) {
  PythonParser parser;
  std::size_t files = 0;
  for (const auto& project : fixture_projects())
    for (const auto& [path, text] : project) {
      if (!path.ends_with(".py")) continue;
      MigrationFacts facts = parse_migration(parser, text);
      std::string bytes = encode_facts(facts);
      auto back = decode_facts(bytes);
      ASSERT_TRUE(back) << path;
      EXPECT_EQ(encode_facts(*back), bytes) << path;
      ++files;
    }
  EXPECT_GT(files, 50u);
}

TEST(FactsCodec, TruncatedOrExtendedBytesAreRejected) {
  PythonParser parser;
  std::string bytes = encode_facts(parse_migration(parser, read_text_file((kFixtureRoot / "DJM201" / "fires_no_reverse.py").string())));
  for (std::size_t n = 0; n < bytes.size(); n += 7) EXPECT_FALSE(decode_facts(std::string_view(bytes).substr(0, n))) << n;
  EXPECT_FALSE(decode_facts(bytes + "x"));
  for (std::size_t i = 0; i < bytes.size(); i += 5) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(0xff);
    (void)decode_facts(damaged);  // may decode to something else, must not crash
  }
}

// The same rules on facts parsed fresh and on facts read back from a warm store.
TEST(FactsCache, WarmFindingsEqualColdFindingsOnEveryFixture) {
  std::size_t hits = 0, findings = 0;
  for (const auto& files : fixture_projects()) {
    FactsStore store("");
    MemoryProject cold(files, &store);
    EXPECT_EQ(store.hits(), 0u);
    MemoryProject warm(files, &store);
    EXPECT_EQ(store.hits(), warm.view->migrations.size());
    hits += store.hits();
    std::string text = findings_text(*cold.view);
    findings += std::count(text.begin(), text.end(), '\n');
    EXPECT_EQ(findings_text(*warm.view), text) << files.rbegin()->first;
  }
  EXPECT_GT(hits, 200u);
  EXPECT_GT(findings, 100u);
}

MigrationFacts sample_facts() {
  PythonParser parser;
  return parse_migration(parser, read_text_file((kFixtureRoot / "DJM201" / "fires_no_reverse.py").string()));
}

ObjectId id_of(std::uint8_t first, std::uint8_t last) {
  ObjectId id;
  id.bytes[0] = first;
  id.bytes[19] = last;
  return id;
}

TEST(FactsStore, SavedFactsAreFoundByTheNextRun) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/hook-check/facts";
  MigrationFacts facts = sample_facts();
  {
    FactsStore store(dir);
    EXPECT_EQ(store.find(id_of(1, 1)), nullptr);
    store.add(id_of(1, 1), facts);
    store.add(id_of(200, 2), facts);
    store.save();
  }
  FactsStore store(dir);
  auto found = store.find(id_of(1, 1));
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(encode_facts(*found), encode_facts(facts));
  EXPECT_NE(store.find(id_of(200, 2)), nullptr);
  EXPECT_EQ(store.find(id_of(1, 2)), nullptr);
}

// The store's files but flags.bin, the graph-flags table.
std::vector<fs::path> shard_files(const std::string& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename() != "flags.bin") out.push_back(e.path());
  return out;
}

TEST(FactsStore, DamagedOrTruncatedShardsAreMisses) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/facts";
  MigrationFacts facts = sample_facts();
  {
    FactsStore store(dir);
    store.add(id_of(7, 1), facts);
    store.save();
  }
  auto shards = shard_files(dir);
  ASSERT_EQ(shards.size(), 1u);
  std::string bytes = read_text_file(shards[0].string());
  auto write = [&](const std::string& content) { std::ofstream(shards[0], std::ios::binary | std::ios::trunc) << content; };

  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x5a);
    write(damaged);
    FactsStore store(dir);
    auto found = store.find(id_of(7, 1));
    // A flipped byte either leaves the entry out or, in the index's id, names another blob.
    if (found) EXPECT_EQ(encode_facts(*found), encode_facts(facts)) << i;
  }
  for (std::size_t n : {std::size_t{0}, std::size_t{5}, bytes.size() / 2, bytes.size() - 1}) {
    write(bytes.substr(0, n));
    FactsStore store(dir);
    EXPECT_EQ(store.find(id_of(7, 1)), nullptr) << n;
    // And the next save repairs the shard.
    store.add(id_of(7, 1), facts);
    store.save();
    EXPECT_NE(FactsStore(dir).find(id_of(7, 1)), nullptr);
  }
}

TEST(FactsStore, ShardsOfAnotherBuildAreIgnored) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/facts";
  {
    FactsStore store(dir);
    store.add(id_of(9, 1), sample_facts());
    store.save();
  }
  auto shards = shard_files(dir);
  ASSERT_EQ(shards.size(), 1u);
  std::string bytes = read_text_file(shards[0].string());
  const std::string key = FactsStore::build_key();
  auto at = bytes.find(key);
  ASSERT_NE(at, std::string::npos);
  bytes[at + key.size() - 1] ^= 1;  // another grammar, parser or version: same length, other key
  std::ofstream(shards[0], std::ios::binary | std::ios::trunc) << bytes;
  EXPECT_EQ(FactsStore(dir).find(id_of(9, 1)), nullptr);
}

TEST(FactsStore, ConcurrentWritersLeaveAWholeShard) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/facts";
  MigrationFacts facts = sample_facts();
  std::vector<std::thread> writers;
  for (std::uint8_t w = 0; w < 8; ++w)
    writers.emplace_back([&, w] {
      for (int round = 0; round < 10; ++round) {
        FactsStore store(dir);
        store.add(id_of(3, static_cast<std::uint8_t>(w * 16 + round)), facts);
        store.save();
      }
    });
  for (auto& t : writers) t.join();
  // Some additions may be lost to a concurrent rename, but what is there is whole.
  FactsStore store(dir);
  int found = 0;
  for (int i = 0; i < 256; ++i)
    if (auto f = store.find(id_of(3, static_cast<std::uint8_t>(i)))) {
      EXPECT_EQ(encode_facts(*f), encode_facts(facts));
      ++found;
    }
  EXPECT_GE(found, 1);
  for (const auto& p : shard_files(dir)) EXPECT_EQ(p.extension(), ".bin") << p;  // no temporary left behind
}

TEST(FactsStore, AnUnwritablePlaceIsSkippedSilently) {
  TempDir tmp;
  // A file where the directory should be: no permission bits to defeat, even as root.
  std::ofstream(tmp.path() + "/not-a-dir") << "x";
  FactsStore store(tmp.path() + "/not-a-dir/facts");
  store.add(id_of(5, 5), sample_facts());
  EXPECT_NO_THROW(store.save());
  EXPECT_NE(store.find(id_of(5, 5)), nullptr);  // still served from memory this run
}

TEST(FactsStore, GraphFlagsAreReadFromTheirTableAndADamagedTableIsNoTable) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/facts";
  MigrationFacts with_run_before = sample_facts();
  DependencyRef other;
  other.app = "other";
  other.name = "0001_initial";
  with_run_before.run_before.push_back(other);
  {
    FactsStore store(dir);
    store.add(id_of(3, 1), with_run_before);
    store.add_flags(id_of(4, 2), 0);
    store.save();
  }
  FactsStore store(dir);
  EXPECT_EQ(store.flags(id_of(3, 1)), std::optional<std::uint8_t>(kHasRunBefore));
  EXPECT_EQ(store.flags(id_of(4, 2)), std::optional<std::uint8_t>(0));
  EXPECT_EQ(store.flags(id_of(5, 3)), std::nullopt);
  EXPECT_EQ(store.find(id_of(4, 2)), nullptr);  // flags alone are no facts

  const std::string table = dir + "/flags.bin";
  std::string bytes = read_text_file(table);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x21);
    std::ofstream(table, std::ios::binary | std::ios::trunc) << damaged;
    FactsStore reread(dir);
    // A flag that could hide a run_before must never be read from a damaged table.
    EXPECT_EQ(reread.flags(id_of(3, 1)), std::nullopt) << i;
    EXPECT_EQ(reread.flags(id_of(4, 2)), std::nullopt) << i;
  }
}

}  // namespace
}  // namespace hc::test
