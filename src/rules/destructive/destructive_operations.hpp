// Helpers of the destructive family: which operations of a migration reach
// the database, which of those lose data, short labels for messages, and the
// fields each model had before a migration, replayed from its ancestors.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check/project_view.hpp"

namespace hc {

// Where an operation runs. SeparateDatabaseAndState's state_operations change
// only Django's idea of the models; its database_operations change the
// database and nothing else. Unknown: nested, but in neither argument as written.
enum class OperationRole { Database, StateOnly, Unknown };

struct PlacedOperation {
  const Operation* op = nullptr;
  OperationRole role = OperationRole::Database;
};

// The migration's operations in order, each SeparateDatabaseAndState replaced
// by the operations it holds.
std::vector<PlacedOperation> placed_operations(const MigrationFacts& facts);

// Django operations that lose data when they run against the database:
// RemoveField, DeleteModel, and RunSQL whose SQL drops or deletes (the
// statement, shortened, is the returned text). nullopt for anything else.
std::optional<std::string> data_loss(const Operation& op);

// A migration's operations, split for DJM301: those that lose data and,
// when there are any, those that do other work in the database. In neither:
// what goes with a drop (indexes, constraints, unique_together of a model
// being dropped, a RunPython that only deletes rows, a RunSQL that only drops
// a sequence or a view), drops that lose nothing (a model without a table,
// what the migration itself created, the old primary key of a model given a
// new one), changes Django keeps out of the database (model options, an
// AlterField of choices alone), state_operations, and everything in a squash.
struct DestructiveSplit {
  std::vector<const Operation*> drops;
  std::vector<const Operation*> work;  // empty when there is no drop
};
DestructiveSplit split_destructive(const ProjectView& view, const Migration& m);

// A literal string argument, or "" when it is absent or not a literal string.
std::string string_argument(const Operation& op, std::size_t position, std::string_view keyword);

// The operation as messages name it: `RemoveField(order.legacy_total)`,
// `DeleteModel(LegacyInvoice)`, `RunSQL(DROP TABLE shop_legacyinvoice)`.
std::string operation_label(const Operation& op);

// "`A`, `B`, `C` and 2 more"
std::string join_labels(const std::vector<std::string>& labels, std::size_t shown = 3);

std::string lowercase(std::string_view text);

// What identifies a field for rename detection: its class and, for a
// relation, the model it points at (lowercased, without its app label).
struct FieldShape {
  std::string field_class;  // "DecimalField"; "" when the field is not a plain call
  std::string target;       // "customer" for ForeignKey(to="shop.Customer")
  bool nullable = false;    // null=True
  std::string database;     // what the database sees of the definition, for AlterField
  bool known() const { return !field_class.empty(); }
  // The same field for rename detection: options may differ.
  bool operator==(const FieldShape& o) const {
    return field_class == o.field_class && target == o.target && nullable == o.nullable;
  }
};
FieldShape field_shape(const PyValue& field);

struct ModelShape {
  std::map<std::string, FieldShape> fields;  // by lowercased field name
  bool complete = true;                       // false when some field could not be read
  bool managed = true;                        // Meta.managed
  bool proxy = false;                         // Meta.proxy
  bool has_table() const { return managed && !proxy; }
};
using AppModels = std::map<std::string, ModelShape>;  // by lowercased model name

// The model a CreateModel describes: its fields and whether it has a table.
ModelShape created_model(const Operation& create_model);

// The models of `m`'s app as the migrations it depends on (in its app) leave
// them. A model whose history cannot be followed is missing or incomplete.
AppModels models_before(const ProjectView& view, const Migration& m);

}  // namespace hc
