#include "fix/rebase_migrations.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "core/error.hpp"
#include "fix/file_writer.hpp"

namespace hc {
namespace {

std::size_t leading_digits(const std::string& name) {
  std::size_t n = 0;
  while (n < name.size() && std::isdigit(static_cast<unsigned char>(name[n]))) ++n;
  return n;
}

// The byte offset of a 1-based line and character column in UTF-8 text.
std::size_t byte_offset(const std::string& text, Position p) {
  std::size_t i = 0;
  for (int line = 1; line < p.line && i < text.size(); ++i)
    if (text[i] == '\n') ++line;
  for (int col = 1; col < p.column && i < text.size(); ++col) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xc0) == 0x80) ++i;
  }
  return i;
}

struct Replacement {
  std::size_t begin, end;
  std::string text;
};

// Rewrites the migration name inside one dependency-like tuple, keeping its quotes.
std::optional<Replacement> rename_in_tuple(const std::string& text, const Span& span, const std::string& old_name,
                                           const std::string& new_name) {
  std::size_t b = byte_offset(text, span.start), e = byte_offset(text, span.end);
  std::string tuple = text.substr(b, e - b);
  for (char q : {'"', '\''}) {
    std::string needle = std::string(1, q) + old_name + q;
    auto at = tuple.find(needle);
    if (at != std::string::npos) {
      tuple.replace(at, needle.size(), std::string(1, q) + new_name + q);
      return Replacement{b, e, tuple};
    }
  }
  return std::nullopt;
}

}  // namespace

RebasePlan plan_rebase(const ProjectView& target, const ProjectView& merge_base, const ProjectView& base,
                       const std::string& base_name, const std::string& app_label, const ContentReader& reader) {
  const App* app = target.layout.app(app_label);
  if (!app) throw Error("no app labelled `" + app_label + "` has a migrations package here");
  if (!target.graph_reliable(app->id))
    throw Error("app `" + app_label + "` has migrations hook-check cannot read (see `hook-check check --all`): fix those first");

  // The branch's own migrations of the app, in the order Django applies them.
  std::vector<const Migration*> ours;
  for (const auto& key : target.graph.full_plan()) {
    if (key.app != app->id) continue;
    const Migration* m = target.find(key);
    if (!m || merge_base.find(key) || merge_base.at(m->path)) continue;
    if (base.find(key) || base.at(m->path))
      throw Error("`" + m->path + "` is already on `" + base_name + "`: renumbering it would rename a migration others have");
    ours.push_back(m);
  }
  if (ours.empty()) throw Error("this branch adds no migration to `" + app_label + "` since it forked from `" + base_name + "`: nothing to rebase");

  auto base_leaves = base.graph.leaves(app->id);
  if (base_leaves.size() != 1)
    throw Error("`" + base_name + "` has " + std::to_string(base_leaves.size()) + " leaf migrations in `" + app_label +
                "`: merge them there first");
  const MigrationKey onto = base_leaves.front();
  int next = 1;
  std::size_t width = 4;
  if (std::size_t d = leading_digits(onto.name)) {
    next = std::stoi(onto.name.substr(0, std::min<std::size_t>(d, 9))) + 1;
    width = d;
  }

  RebasePlan plan;
  plan.onto = onto.name;
  std::map<std::string, std::string> renamed;  // old -> new name
  std::set<std::string> ours_names;
  for (const Migration* m : ours) ours_names.insert(m->key.name);
  for (const Migration* m : ours) {
    std::string rest = m->key.name.substr(leading_digits(m->key.name));
    if (!rest.empty() && rest[0] != '_') rest = "_" + rest;
    char number[16];
    std::snprintf(number, sizeof number, "%0*d", static_cast<int>(width), next++);
    std::string new_name = number + rest;
    if (new_name != m->key.name && (target.find({app->id, new_name}) || base.find({app->id, new_name})))
      throw Error("cannot rename `" + m->key.name + "` to `" + new_name + "`: a migration of that name exists");
    renamed[m->key.name] = new_name;
    plan.names.emplace_back(m->key.name, new_name);
  }

  // Every new migration of the branch, in any app, may name a renamed one.
  for (const auto& [path, m] : target.migrations) {
    if (merge_base.find(m.key) || merge_base.at(path) || !m.facts || !m.facts->usable()) continue;
    const bool is_ours = m.key.app == app->id && ours_names.count(m.key.name);
    std::string text = reader.read(*target.snapshot.find(path));
    std::vector<Replacement> edits;
    bool onto_added = false;
    auto visit = [&](const std::vector<DependencyRef>& refs, bool are_dependencies) {
      for (const auto& ref : refs) {
        if (ref.swappable || ref.app != app->label) continue;
        if (auto it = renamed.find(ref.name); it != renamed.end()) {
          if (auto r = rename_in_tuple(text, ref.span, ref.name, it->second)) edits.push_back(*r);
        } else if (is_ours && are_dependencies && !ours_names.count(ref.name) && ref.name != onto.name) {
          // Where the branch left the app's history: it now follows the base's latest.
          if (onto_added) continue;
          if (auto r = rename_in_tuple(text, ref.span, ref.name, onto.name)) {
            edits.push_back(*r);
            onto_added = true;
          }
        }
      }
    };
    visit(m.facts->dependencies, true);
    visit(m.facts->run_before, false);
    visit(m.facts->replaces, false);
    std::sort(edits.begin(), edits.end(), [](const Replacement& a, const Replacement& b) { return a.begin > b.begin; });
    for (const auto& e : edits) text.replace(e.begin, e.end - e.begin, e.text);
    std::string new_path = path;
    if (is_ours && renamed[m.key.name] != m.key.name) new_path = app->migrations_dir + "/" + renamed[m.key.name] + ".py";
    if (!edits.empty() || new_path != path) plan.rewrites.push_back({path, new_path, text});
  }
  return plan;
}

void apply_rebase(const RebasePlan& plan, const std::string& workdir) {
  namespace fs = std::filesystem;
  for (const auto& r : plan.rewrites)
    if (r.new_path != r.path) create_file_atomically(workdir + r.new_path, r.content);
  for (const auto& r : plan.rewrites)
    if (r.new_path == r.path) replace_file_atomically(workdir + r.path, r.content);
  for (const auto& r : plan.rewrites)
    if (r.new_path != r.path) fs::remove(workdir + r.path);
}

}  // namespace hc
