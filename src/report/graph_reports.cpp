#include "report/graph_reports.hpp"

#include <map>
#include <set>

#include "core/error.hpp"

namespace hc {
namespace {

std::string arg_str(const Operation& op, std::size_t pos, std::string_view kw) {
  const Argument* a = op.argument(pos, kw);
  if (!a) return "?";
  if (a->value.kind == PyValue::Kind::Str || a->value.kind == PyValue::Kind::Name) return a->value.str;
  return a->value.text;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Migrations the target has that the merge-base had not: the branch's work.
std::set<MigrationKey> added_keys(const GraphReportInput& in) {
  std::set<MigrationKey> out;
  for (const auto& [key, m] : in.target.by_key)
    if (!in.merge_base || !in.merge_base->find(key)) out.insert(key);
  return out;
}

std::string dot_id(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string describe_operation(const Operation& op) {
  const std::string& k = op.kind;
  if (k == "CreateModel") return "Create model " + arg_str(op, 0, "name");
  if (k == "DeleteModel") return "Delete model " + arg_str(op, 0, "name");
  if (k == "RenameModel") return "Rename model " + arg_str(op, 0, "old_name") + " to " + arg_str(op, 1, "new_name");
  if (k == "AddField") return "Add field " + arg_str(op, 1, "name") + " to " + lower(arg_str(op, 0, "model_name"));
  if (k == "RemoveField") return "Remove field " + arg_str(op, 1, "name") + " from " + lower(arg_str(op, 0, "model_name"));
  if (k == "AlterField") return "Alter field " + arg_str(op, 1, "name") + " on " + lower(arg_str(op, 0, "model_name"));
  if (k == "RenameField")
    return "Rename field " + arg_str(op, 1, "old_name") + " on " + lower(arg_str(op, 0, "model_name")) + " to " +
           arg_str(op, 2, "new_name");
  if (k == "AlterModelTable") return "Rename table for " + arg_str(op, 0, "name") + " to " + arg_str(op, 1, "table");
  if (k == "AlterUniqueTogether") return "Alter unique_together for " + arg_str(op, 0, "name");
  if (k == "AlterIndexTogether") return "Alter index_together for " + arg_str(op, 0, "name");
  if (k == "AlterModelOptions") return "Change Meta options on " + arg_str(op, 0, "name");
  if (k == "AlterModelManagers") return "Change managers on " + arg_str(op, 0, "name");
  if (k == "AlterOrderWithRespectTo") return "Set order_with_respect_to on " + arg_str(op, 0, "name");
  if (k == "AddIndex") return "Create index on model " + lower(arg_str(op, 0, "model_name"));
  if (k == "RemoveIndex") return "Remove index " + arg_str(op, 1, "name") + " from " + lower(arg_str(op, 0, "model_name"));
  if (k == "AddConstraint") return "Create constraint on model " + lower(arg_str(op, 0, "model_name"));
  if (k == "RemoveConstraint")
    return "Remove constraint " + arg_str(op, 1, "name") + " from model " + lower(arg_str(op, 0, "model_name"));
  if (k == "RunPython") return "Raw Python operation -> " + arg_str(op, 0, "code");
  if (k == "RunSQL") return "Raw SQL operation";
  if (k == "SeparateDatabaseAndState") return "Custom state/database change combination";
  return k + " (" + op.callee + ")";
}

nlohmann::json plan_json(const GraphReportInput& in) {
  auto added = added_keys(in);
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& key : in.target.graph.full_plan()) {
    if (!added.count(key)) continue;
    const Migration* m = in.target.find(key);
    nlohmann::json ops = nlohmann::json::array();
    if (m && m->facts)
      for (const auto& op : m->facts->operations) ops.push_back({{"kind", op.kind}, {"description", describe_operation(op)}, {"line", op.span.start.line}});
    steps.push_back({{"app", m ? m->label : key.app}, {"name", key.name}, {"path", m ? m->path : ""}, {"operations", ops},
                     {"operations_complete", m && m->facts ? m->facts->operations_complete : false}});
  }
  return {{"base", in.base_name.empty() ? nlohmann::json() : nlohmann::json(in.base_name)}, {"plan", steps}};
}

void write_plan_text(const GraphReportInput& in, std::ostream& out) {
  nlohmann::json j = plan_json(in);
  if (j["plan"].empty()) {
    out << "No migrations to apply" << (in.base_name.empty() ? "." : " over `" + in.base_name + "`.") << '\n';
    return;
  }
  out << "Planned operations" << (in.base_name.empty() ? "" : " over `" + in.base_name + "`") << ":\n";
  for (const auto& step : j["plan"]) {
    out << step["app"].get<std::string>() << '.' << step["name"].get<std::string>() << '\n';
    if (step["operations"].empty()) out << "    (no operations)\n";
    for (const auto& op : step["operations"]) out << "    " << op["description"].get<std::string>() << '\n';
    if (!step["operations_complete"].get<bool>()) out << "    (and operations hook-check could not read statically)\n";
  }
}

nlohmann::json show_json(const GraphReportInput& in) {
  auto added = added_keys(in);
  nlohmann::json apps = nlohmann::json::array();
  auto plan = in.target.graph.full_plan();
  for (const auto& app : in.target.layout.apps) {
    nlohmann::json migrations = nlohmann::json::array();
    std::set<MigrationKey> listed;
    auto emit = [&](const MigrationKey& key) {
      const Migration* m = in.target.find(key);
      if (!m || !listed.insert(key).second) return;
      nlohmann::json entry = {{"name", key.name}, {"path", m->path}, {"added", added.count(key) > 0}};
      if (m->facts && !m->facts->replaces.empty()) {
        nlohmann::json replaces = nlohmann::json::array();
        for (const auto& r : m->facts->replaces) replaces.push_back(r.app + "." + r.name);
        entry["replaces"] = replaces;
      }
      migrations.push_back(std::move(entry));
    };
    for (const auto& key : plan)
      if (key.app == app.id) emit(key);
    for (const auto& key : in.target.graph.nodes(app.id)) emit(key);  // anything a cycle kept out of the plan
    nlohmann::json leaves = nlohmann::json::array();
    for (const auto& leaf : in.target.graph.leaves(app.id)) leaves.push_back(leaf.name);
    nlohmann::json replaced = nlohmann::json::array();
    for (const auto& [old_key, squash] : in.target.graph.replaced())
      if (squash.app == app.id && in.target.find(old_key)) replaced.push_back(old_key.name);
    apps.push_back({{"label", app.label}, {"id", app.id}, {"directory", app.migrations_dir}, {"migrations", migrations},
                    {"leaves", leaves}, {"replaced_on_disk", replaced}});
  }
  return {{"apps", apps}};
}

void write_show_text(const GraphReportInput& in, std::ostream& out) {
  nlohmann::json j = show_json(in);
  for (const auto& app : j["apps"]) {
    out << app["id"].get<std::string>() << "  (" << app["directory"].get<std::string>() << ")\n";
    std::set<std::string> leaves;
    for (const auto& l : app["leaves"]) leaves.insert(l.get<std::string>());
    for (const auto& m : app["migrations"]) {
      std::string name = m["name"];
      out << "  " << (m["added"].get<bool>() && in.merge_base ? "+ " : "  ") << name;
      if (m.contains("replaces")) out << "  (squash: replaces " << m["replaces"].size() << ")";
      if (leaves.count(name)) out << "  (leaf)";
      out << '\n';
    }
    if (!app["replaced_on_disk"].empty()) {
      out << "  replaced by a squash, still on disk:";
      for (const auto& r : app["replaced_on_disk"]) out << ' ' << r.get<std::string>();
      out << '\n';
    }
    if (leaves.size() > 1) out << "  ! " << leaves.size() << " leaves: run `hook-check merge " << app["label"].get<std::string>() << "`\n";
  }
}

void write_dot(const GraphReportInput& in, const std::string& app_label, std::ostream& out) {
  const App* app = in.target.layout.app(app_label);
  if (!app) throw Error("no app labelled `" + app_label + "` has a migrations package here");
  // The drawing shows the merge to come: the target plus what the base added since the fork.
  std::vector<const Migration*> theirs;
  if (in.base && in.merge_base)
    for (const auto& [path, m] : in.base->migrations)
      if (m.key.app == app->id && !in.merge_base->find(m.key) && !in.target.find(m.key)) theirs.push_back(&m);
  MigrationGraph graph = theirs.empty() ? in.target.graph : merged_graph(in.target, theirs);
  std::set<MigrationKey> their_keys;
  for (const Migration* m : theirs) their_keys.insert(m->key);
  auto leaves = graph.leaves(app->id);
  std::set<MigrationKey> leaf_set(leaves.begin(), leaves.end());
  std::set<MigrationKey> fork_leaves;
  if (in.merge_base)
    for (const auto& k : in.merge_base->graph.leaves(app->id)) fork_leaves.insert(k);

  out << "digraph " << dot_id(app->label) << " {\n"
      << "  rankdir=TB;\n  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fillcolor=\"#eeeeee\"];\n"
      << "  label=" << dot_id("migrations of " + app->label + (leaves.size() > 1 ? ": " + std::to_string(leaves.size()) + " leaves" : "")) << ";\n";
  for (const auto& key : graph.nodes(app->id)) {
    std::string role = "shared";
    std::string colour = "#eeeeee";
    if (their_keys.count(key)) {
      role = "on " + in.base_name;
      colour = "#ffd8a8";
    } else if (in.merge_base && !in.merge_base->find(key)) {
      role = "this branch";
      colour = "#a5d8ff";
    }
    if (fork_leaves.count(key)) role += ", merge-base";
    if (leaf_set.count(key)) role += ", leaf";
    out << "  " << dot_id(key.name) << " [label=" << dot_id(key.name + "\\n(" + role + ")") << ", fillcolor=\"" << colour << "\"";
    if (leaf_set.count(key)) out << ", penwidth=3, peripheries=2";
    if (fork_leaves.count(key)) out << ", shape=box, style=\"rounded,filled,bold\"";
    out << "];\n";
  }
  for (const auto& key : graph.nodes(app->id))
    for (const auto& parent : graph.parents(key)) {
      if (parent.app == app->id)
        out << "  " << dot_id(parent.name) << " -> " << dot_id(key.name) << ";\n";
      else
        out << "  " << dot_id(parent.str()) << " [shape=note, fillcolor=\"#ffffff\"];\n  " << dot_id(parent.str()) << " -> "
            << dot_id(key.name) << " [style=dashed];\n";
    }
  out << "}\n";
}

}  // namespace hc
