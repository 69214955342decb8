#include "provisioning/schema_copy.h"

#include <stdexcept>

#include "db/identifier.h"

namespace ecom::provisioning {
namespace {

constexpr size_t kBatchRows = 200;

std::vector<std::string> base_tables(db::Connection& c, const std::string& schema) {
  auto r = c.query(
      "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' "
      "ORDER BY TABLE_NAME",
      {schema});
  std::vector<std::string> out;
  while (r.next()) out.push_back(r.str(0));
  return out;
}

// The columns a row is written with: every one but the generated ones.
std::vector<std::string> stored_columns(db::Connection& c, const std::string& schema, const std::string& table) {
  auto r = c.query(
      "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? "
      "AND IS_GENERATED = 'NEVER' ORDER BY ORDINAL_POSITION",
      {schema, table});
  std::vector<std::string> out;
  while (r.next()) out.push_back(r.str(0));
  return out;
}

std::string column_list(const std::vector<std::string>& columns) {
  std::string out;
  for (const auto& col : columns) out += (out.empty() ? "" : ", ") + db::quote_identifier(col);
  return out;
}

void flush(db::Connection& to, const std::string& insert_head, size_t ncols, std::vector<db::Param>& params) {
  if (params.empty()) return;
  size_t nrows = params.size() / ncols;
  std::string row = "(";
  for (size_t i = 0; i < ncols; ++i) row += i ? ",?" : "?";
  row += ")";
  std::string sql = insert_head;
  for (size_t i = 0; i < nrows; ++i) sql += (i ? "," : "") + row;
  to.exec(sql, params);
  params.clear();
}

int64_t copy_rows(db::Connection& from, db::Connection& to, const std::string& schema, const std::string& table) {
  auto columns = stored_columns(from, schema, table);
  if (columns.empty()) return 0;
  const std::string qualified = db::quote_identifier(schema) + "." + db::quote_identifier(table);
  const std::string list = column_list(columns);
  const std::string head = "INSERT INTO " + qualified + " (" + list + ") VALUES ";
  auto rows = from.query_plain("SELECT " + list + " FROM " + qualified);
  std::vector<db::Param> params;
  int64_t n = 0;
  const int ncols = static_cast<int>(columns.size());
  while (rows.next()) {
    for (int i = 0; i < ncols; ++i) {
      if (rows.is_null(i)) params.emplace_back(nullptr);
      else params.emplace_back(rows.str(i));
    }
    ++n;
    if (params.size() >= kBatchRows * columns.size()) flush(to, head, columns.size(), params);
  }
  flush(to, head, columns.size(), params);
  return n;
}

// "CREATE DEFINER=`user`@`host` TRIGGER ..." as "CREATE TRIGGER ..." (the definer is an account
// of the source server; without one the trigger runs as the account that creates it). A name is
// `quoted` (`` stands for a backquote inside) or bare.
std::string without_definer(const std::string& create) {
  const std::string head = "CREATE DEFINER=";
  if (create.compare(0, head.size(), head) != 0) return create;
  size_t i = head.size();
  for (int part = 0; part < 2; ++part) {
    if (i < create.size() && create[i] == '`') {
      for (++i; i < create.size(); ++i) {
        if (create[i] != '`') continue;
        if (i + 1 < create.size() && create[i + 1] == '`') {
          ++i;
          continue;
        }
        ++i;
        break;
      }
    } else {
      while (i < create.size() && create[i] != '@' && create[i] != ' ') ++i;
    }
    if (part == 0) {
      if (i >= create.size() || create[i] != '@') return create;
      ++i;
    }
  }
  while (i < create.size() && create[i] == ' ') ++i;
  return "CREATE " + create.substr(i);
}

// The triggers' CREATE statements, without DEFINER, with the sql_mode each was made under.
std::vector<std::pair<std::string, std::string>> triggers(db::Connection& c, const std::string& schema) {
  auto names = c.query("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? "
                       "ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER",
                       {schema});
  std::vector<std::string> list;
  while (names.next()) list.push_back(names.str(0));
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& name : list) {
    auto r = c.query_plain("SHOW CREATE TRIGGER " + db::quote_identifier(schema) + "." + db::quote_identifier(name));
    if (!r.next()) continue;
    // Trigger, sql_mode, SQL Original Statement, ...
    out.emplace_back(r.str(1), without_definer(r.str(2)));
  }
  return out;
}

}  // namespace

CopyStats copy_schema(db::Connection& from, db::Connection& to, const std::string& schema) {
  if (!db::safe_identifier(schema)) throw std::runtime_error("not a plain schema name: " + schema);
  CopyStats stats;
  const std::string qs = db::quote_identifier(schema);
  auto tables = base_tables(from, schema);
  to.execute("SET SESSION foreign_key_checks = 0, unique_checks = 0");
  for (const auto& t : tables) {
    auto r = from.query_plain("SHOW CREATE TABLE " + qs + "." + db::quote_identifier(t));
    if (!r.next()) throw std::runtime_error("no CREATE TABLE for " + t);
    to.use_schema(schema);
    to.execute(r.str(1));
    ++stats.tables;
  }
  // One snapshot for every table: the rows of all of them as of one moment.
  from.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
  from.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
  try {
    to.begin();
    for (const auto& t : tables) stats.rows += copy_rows(from, to, schema, t);
    to.commit();
    from.execute("COMMIT");
  } catch (...) {
    to.rollback();
    from.rollback();
    throw;
  }
  to.execute("SET SESSION foreign_key_checks = 1, unique_checks = 1");
  for (const auto& [mode, create] : triggers(from, schema)) {
    to.execute("SET SESSION sql_mode = '" + mode + "'");
    to.execute(create);
    ++stats.triggers;
  }
  to.execute("SET SESSION sql_mode = DEFAULT");
  return stats;
}

std::vector<TableSum> table_sums(db::Connection& c, const std::string& schema) {
  std::vector<TableSum> out;
  for (const auto& t : base_tables(c, schema)) {
    const std::string qualified = db::quote_identifier(schema) + "." + db::quote_identifier(t);
    TableSum s;
    s.table = t;
    auto count = c.query_plain("SELECT COUNT(*) FROM " + qualified);
    if (count.next()) s.rows = count.i64(0);
    auto sum = c.query_plain("CHECKSUM TABLE " + qualified + " EXTENDED");
    if (sum.next()) s.checksum = sum.is_null(1) ? "" : sum.str(1);
    out.push_back(std::move(s));
  }
  return out;
}

std::string compare_sums(const std::vector<TableSum>& source, const std::vector<TableSum>& copy) {
  if (source.size() != copy.size())
    return std::to_string(source.size()) + " tables at the source, " + std::to_string(copy.size()) + " in the copy";
  for (size_t i = 0; i < source.size(); ++i) {
    const auto& a = source[i];
    const auto& b = copy[i];
    if (a.table != b.table) return "table " + a.table + " at the source, " + b.table + " in the copy";
    if (a.rows != b.rows)
      return a.table + ": " + std::to_string(a.rows) + " rows at the source, " + std::to_string(b.rows) + " in the copy";
    if (a.checksum != b.checksum) return a.table + ": the checksums differ";
  }
  return "";
}

}  // namespace ecom::provisioning
