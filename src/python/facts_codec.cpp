#include "python/facts_codec.hpp"

#include <cstdint>
#include <set>
#include <vector>

namespace hc {
namespace {

// A forgotten field would make warm runs silently differ from cold ones: on
// the platform the project is built and tested on, a new member changes these
// sizes and stops the build here until the codec below writes it too.
#if defined(__GLIBCXX__) && defined(__x86_64__) && !defined(_GLIBCXX_DEBUG)
static_assert(sizeof(Span) == 16 && sizeof(PyValue) == 104 && sizeof(Argument) == 160 && sizeof(Operation) == 144 &&
                  sizeof(DependencyRef) == 88 && sizeof(SyntaxProblem) == 48 && sizeof(Suppression) == 48 &&
                  sizeof(MigrationFacts::Comment) == 40 && sizeof(ImportFact) == 144 && sizeof(NameUse) == 80 &&
                  sizeof(CallFact) == 144 && sizeof(ForLoopFact) == 136 && sizeof(AssignmentFact) == 112 &&
                  sizeof(FunctionFacts) == 240 && sizeof(StringConstant) == 80 && sizeof(ModuleCode) == 208 &&
                  sizeof(MigrationFacts) == 272,
              "a facts struct changed: update facts_codec.cpp (and bump kFactsFormat)");
#endif

struct Malformed {};

class Writer {
 public:
  std::string out;
  void u(std::uint64_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<char>(v));
  }
  void i(std::int64_t v) { u((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63)); }
  void b(bool v) { out.push_back(v ? 1 : 0); }
  void s(const std::string& v) {
    u(v.size());
    out += v;
  }
  void span(const Span& v) {
    i(v.start.line);
    i(v.start.column);
    i(v.end.line);
    i(v.end.column);
  }
  template <class T, class F>
  void list(const T& items, F each) {
    u(items.size());
    for (const auto& item : items) each(item);
  }
};

class Reader {
 public:
  explicit Reader(std::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}
  bool done() const { return p_ == end_; }

  std::uint64_t u() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) throw Malformed{};
      auto c = static_cast<unsigned char>(*p_++);
      v |= static_cast<std::uint64_t>(c & 0x7f) << shift;
      if (!(c & 0x80)) return v;
    }
    throw Malformed{};
  }
  std::int64_t i64() {
    std::uint64_t z = u();
    return static_cast<std::int64_t>(z >> 1) ^ -static_cast<std::int64_t>(z & 1);
  }
  int i() {
    std::int64_t v = i64();
    if (v < INT32_MIN || v > INT32_MAX) throw Malformed{};
    return static_cast<int>(v);
  }
  bool b() {
    if (p_ == end_) throw Malformed{};
    char c = *p_++;
    if (c != 0 && c != 1) throw Malformed{};
    return c == 1;
  }
  std::string s() {
    std::uint64_t n = u();
    if (n > static_cast<std::uint64_t>(end_ - p_)) throw Malformed{};
    std::string v(p_, n);
    p_ += n;
    return v;
  }
  Span span() {
    Span v;
    v.start.line = i();
    v.start.column = i();
    v.end.line = i();
    v.end.column = i();
    return v;
  }
  // A count of items that each take at least one byte: bounded by what is left.
  std::size_t count() {
    std::uint64_t n = u();
    if (n > static_cast<std::uint64_t>(end_ - p_)) throw Malformed{};
    return static_cast<std::size_t>(n);
  }
  template <class T, class F>
  std::vector<T> list(F each) {
    std::vector<T> v(count());
    for (auto& item : v) item = each();
    return v;
  }

 private:
  const char* p_;
  const char* end_;
};

// Nesting that deep is not written by people; a bound keeps a corrupt entry from exhausting the stack.
constexpr int kMaxDepth = 1000;

void put(Writer& w, const PyValue& v) {
  w.u(static_cast<unsigned>(v.kind));
  w.s(v.text);
  w.s(v.str);
  w.b(v.boolean);
  w.list(v.items, [&](const PyValue& item) { put(w, item); });
}

PyValue get_value(Reader& r, int depth) {
  if (depth > kMaxDepth) throw Malformed{};
  PyValue v;
  std::uint64_t kind = r.u();
  if (kind > static_cast<unsigned>(PyValue::Kind::Call)) throw Malformed{};
  v.kind = static_cast<PyValue::Kind>(kind);
  v.text = r.s();
  v.str = r.s();
  v.boolean = r.b();
  v.items = r.list<PyValue>([&] { return get_value(r, depth + 1); });
  return v;
}

void put(Writer& w, const Operation& op) {
  w.s(op.kind);
  w.s(op.callee);
  w.b(op.from_django);
  w.span(op.span);
  w.list(op.arguments, [&](const Argument& a) {
    w.b(a.keyword.has_value());
    if (a.keyword) w.s(*a.keyword);
    put(w, a.value);
    w.span(a.span);
  });
  w.b(op.arguments_complete);
  w.list(op.nested, [&](const Operation& n) { put(w, n); });
}

Operation get_operation(Reader& r, int depth) {
  if (depth > kMaxDepth) throw Malformed{};
  Operation op;
  op.kind = r.s();
  op.callee = r.s();
  op.from_django = r.b();
  op.span = r.span();
  op.arguments = r.list<Argument>([&] {
    Argument a;
    if (r.b()) a.keyword = r.s();
    a.value = get_value(r, depth + 1);
    a.span = r.span();
    return a;
  });
  op.arguments_complete = r.b();
  op.nested = r.list<Operation>([&] { return get_operation(r, depth + 1); });
  return op;
}

void put(Writer& w, const DependencyRef& d) {
  w.s(d.app);
  w.s(d.name);
  w.span(d.span);
  w.b(d.swappable);
}

DependencyRef get_dependency(Reader& r) {
  DependencyRef d;
  d.app = r.s();
  d.name = r.s();
  d.span = r.span();
  d.swappable = r.b();
  return d;
}

void put(Writer& w, const ImportFact& f) {
  w.s(f.name);
  w.s(f.target);
  w.s(f.module);
  w.s(f.statement);
  w.span(f.span);
}

ImportFact get_import(Reader& r) {
  ImportFact f;
  f.name = r.s();
  f.target = r.s();
  f.module = r.s();
  f.statement = r.s();
  f.span = r.span();
  return f;
}

void put(Writer& w, const CallFact& f) {
  w.s(f.callee);
  w.s(f.method);
  w.s(f.receiver);
  w.s(f.text);
  w.span(f.span);
}

CallFact get_call(Reader& r) {
  CallFact f;
  f.callee = r.s();
  f.method = r.s();
  f.receiver = r.s();
  f.text = r.s();
  f.span = r.span();
  return f;
}

void put(Writer& w, const FunctionFacts& f) {
  w.s(f.name);
  w.span(f.span);
  w.list(f.parameters, [&](const std::string& p) { w.s(p); });
  w.list(f.imports, [&](const ImportFact& i) { put(w, i); });
  w.list(f.local_names, [&](const std::string& n) { w.s(n); });
  w.list(f.names, [&](const NameUse& n) {
    w.s(n.name);
    w.s(n.chain);
    w.span(n.span);
  });
  w.list(f.calls, [&](const CallFact& c) { put(w, c); });
  w.list(f.loops, [&](const ForLoopFact& l) {
    w.s(l.target);
    w.s(l.iterable);
    w.s(l.iterable_text);
    w.span(l.span);
    w.list(l.body_calls, [&](const CallFact& c) { put(w, c); });
  });
  w.list(f.assignments, [&](const AssignmentFact& a) {
    w.s(a.name);
    w.s(a.value_chain);
    w.s(a.value_text);
    w.span(a.span);
  });
}

FunctionFacts get_function(Reader& r) {
  FunctionFacts f;
  f.name = r.s();
  f.span = r.span();
  f.parameters = r.list<std::string>([&] { return r.s(); });
  f.imports = r.list<ImportFact>([&] { return get_import(r); });
  for (std::size_t n = r.count(); n > 0; --n) f.local_names.insert(r.s());
  f.names = r.list<NameUse>([&] {
    NameUse n;
    n.name = r.s();
    n.chain = r.s();
    n.span = r.span();
    return n;
  });
  f.calls = r.list<CallFact>([&] { return get_call(r); });
  f.loops = r.list<ForLoopFact>([&] {
    ForLoopFact l;
    l.target = r.s();
    l.iterable = r.s();
    l.iterable_text = r.s();
    l.span = r.span();
    l.body_calls = r.list<CallFact>([&] { return get_call(r); });
    return l;
  });
  f.assignments = r.list<AssignmentFact>([&] {
    AssignmentFact a;
    a.name = r.s();
    a.value_chain = r.s();
    a.value_text = r.s();
    a.span = r.span();
    return a;
  });
  return f;
}

void put(Writer& w, const ModuleCode& c) {
  w.list(c.imports, [&](const ImportFact& i) { put(w, i); });
  w.list(c.functions, [&](const FunctionFacts& f) { put(w, f); });
  w.list(c.string_constants, [&](const StringConstant& s) {
    w.s(s.name);
    w.s(s.text);
    w.span(s.span);
  });
  w.s(c.module_docstring);
  w.s(c.migration_docstring);
  w.list(c.comment_only_lines, [&](int line) { w.i(line); });
  w.list(c.migration_notes, [&](const std::string& n) { w.s(n); });
}

ModuleCode get_code(Reader& r) {
  ModuleCode c;
  c.imports = r.list<ImportFact>([&] { return get_import(r); });
  c.functions = r.list<FunctionFacts>([&] { return get_function(r); });
  c.string_constants = r.list<StringConstant>([&] {
    StringConstant s;
    s.name = r.s();
    s.text = r.s();
    s.span = r.span();
    return s;
  });
  c.module_docstring = r.s();
  c.migration_docstring = r.s();
  for (std::size_t n = r.count(); n > 0; --n) c.comment_only_lines.insert(r.i());
  c.migration_notes = r.list<std::string>([&] { return r.s(); });
  return c;
}

// The code section alone, as decode_facts leaves it for later.
std::optional<ModuleCode> decode_module_code(std::string_view bytes) {
  try {
    Reader r(bytes);
    ModuleCode code = get_code(r);
    if (!r.done()) return std::nullopt;
    return code;
  } catch (const std::exception&) {  // Malformed, bad_alloc: nothing said, as for an unreadable module
    return std::nullopt;
  }
}

}  // namespace

std::string encode_facts(const MigrationFacts& f) {
  Writer w;
  w.b(f.problem.has_value());
  if (f.problem) {
    w.s(f.problem->message);
    w.span(f.problem->span);
  }
  w.b(f.has_migration_class);
  w.span(f.migration_class_span);
  w.list(f.dependencies, [&](const DependencyRef& d) { put(w, d); });
  w.b(f.dependencies_complete);
  w.list(f.replaces, [&](const DependencyRef& d) { put(w, d); });
  w.list(f.run_before, [&](const DependencyRef& d) { put(w, d); });
  for (const auto& flag : {f.initial, f.atomic}) {
    w.b(flag.has_value());
    if (flag) w.b(*flag);
  }
  w.list(f.operations, [&](const Operation& op) { put(w, op); });
  w.b(f.operations_complete);
  w.list(f.suppressions, [&](const Suppression& s) {
    w.i(s.line);
    w.b(s.whole_file);
    w.b(s.own_line);
    w.list(s.codes, [&](const std::string& c) { w.s(c); });
    w.span(s.span);
  });
  w.list(f.comments, [&](const MigrationFacts::Comment& c) {
    w.i(c.line);
    w.s(c.text);
  });
  w.u(f.code_fingerprint);
  // Framed, so a reader can leave it for later and still see a truncated entry.
  Writer code;
  put(code, *f.code);
  w.s(code.out);
  return std::move(w.out);
}

std::optional<MigrationFacts> decode_facts(std::string_view bytes) {
  try {
    Reader r(bytes);
    MigrationFacts f;
    if (r.b()) {
      SyntaxProblem p;
      p.message = r.s();
      p.span = r.span();
      f.problem = std::move(p);
    }
    f.has_migration_class = r.b();
    f.migration_class_span = r.span();
    f.dependencies = r.list<DependencyRef>([&] { return get_dependency(r); });
    f.dependencies_complete = r.b();
    f.replaces = r.list<DependencyRef>([&] { return get_dependency(r); });
    f.run_before = r.list<DependencyRef>([&] { return get_dependency(r); });
    if (r.b()) f.initial = r.b();
    if (r.b()) f.atomic = r.b();
    f.operations = r.list<Operation>([&] { return get_operation(r, 0); });
    f.operations_complete = r.b();
    f.suppressions = r.list<Suppression>([&] {
      Suppression s;
      s.line = r.i();
      s.whole_file = r.b();
      s.own_line = r.b();
      s.codes = r.list<std::string>([&] { return r.s(); });
      s.span = r.span();
      return s;
    });
    f.comments = r.list<MigrationFacts::Comment>([&] {
      MigrationFacts::Comment c;
      c.line = r.i();
      c.text = r.s();
      return c;
    });
    f.code_fingerprint = r.u();
    // The module's code, decoded when a rule asks for it (the entry's
    // checksum, checked when its shard was read, stands for its bytes).
    f.code = LazyModuleCode::encoded(r.s(), decode_module_code);
    if (!r.done()) return std::nullopt;
    return f;
  } catch (const Malformed&) {
    return std::nullopt;
  } catch (const std::exception&) {  // bad_alloc, length_error: no entry is worth a crash
    return std::nullopt;
  }
}

}  // namespace hc
