#include "provisioning/schema_copy.h"

#include <algorithm>
#include <map>
#include <optional>
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

// The columns a row is written with: every one but the generated ones, with their type and
// character set ("" for none).
struct Column {
  std::string name, type, charset;
};

std::vector<Column> stored_columns(db::Connection& c, const std::string& schema, const std::string& table) {
  auto r = c.query(
      "SELECT COLUMN_NAME, LOWER(DATA_TYPE), COALESCE(CHARACTER_SET_NAME, '') FROM information_schema.COLUMNS "
      "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND IS_GENERATED = 'NEVER' ORDER BY ORDINAL_POSITION",
      {schema, table});
  std::vector<Column> out;
  while (r.next()) out.push_back({r.str(0), r.str(1), r.str(2)});
  return out;
}

std::string column_list(const std::vector<Column>& columns) {
  std::string out;
  for (const auto& col : columns) out += (out.empty() ? "" : ", ") + db::quote_identifier(col.name);
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

// A column of the primary key, and how a value read from it is written back into SQL.
struct KeyColumn {
  size_t position = 0;  // among the stored columns
  enum Kind { Integer, Text, Binary } kind = Text;
  std::string charset;  // of a Text column ("utf8mb4" for dates and decimals)
};

// How a key column of type `type` (DATA_TYPE, lower case) is paged by: the types whose text
// compares as it orders. None for any other type.
std::optional<KeyColumn::Kind> key_kind(const std::string& type) {
  using enum KeyColumn::Kind;
  static const std::map<std::string, KeyColumn::Kind> kKinds = {
      {"tinyint", Integer}, {"smallint", Integer}, {"mediumint", Integer}, {"int", Integer}, {"bigint", Integer},
      {"binary", Binary}, {"varbinary", Binary}, {"tinyblob", Binary}, {"blob", Binary}, {"mediumblob", Binary},
      {"longblob", Binary}, {"char", Text}, {"varchar", Text}, {"tinytext", Text}, {"text", Text}, {"mediumtext", Text},
      {"longtext", Text}, {"decimal", Text}, {"date", Text}, {"datetime", Text}, {"timestamp", Text}, {"time", Text},
      {"year", Text}};
  auto it = kKinds.find(type);
  return it == kKinds.end() ? std::nullopt : std::optional(it->second);
}

// The primary key's columns when rows can be paged by it: every column stored (not generated),
// whole (no prefix) and of a type whose text compares as it orders (integers, decimals, strings,
// binary strings, dates and times). Empty otherwise.
std::vector<KeyColumn> paging_key(db::Connection& c, const std::string& schema, const std::string& table,
                                  const std::vector<Column>& columns) {
  auto r = c.query(
      "SELECT COLUMN_NAME, SUB_PART IS NULL FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? "
      "AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX",
      {schema, table});
  std::vector<KeyColumn> key;
  while (r.next()) {
    const std::string name = r.str(0);
    auto at = std::find_if(columns.begin(), columns.end(), [&](const Column& col) { return col.name == name; });
    if (at == columns.end() || r.i64(1) != 1) return {};
    const std::string charset = at->charset.empty() ? "utf8mb4" : at->charset;
    if (!db::safe_identifier(charset)) return {};
    std::optional<KeyColumn::Kind> kind = key_kind(at->type);
    if (!kind) return {};
    key.push_back({static_cast<size_t>(at - columns.begin()), *kind, *kind == KeyColumn::Text ? charset : ""});
  }
  return key;
}

// A value of a key column as an SQL literal: an integer as it is, anything else as hex bytes
// with the column's character set (so that it compares under the column's collation).
std::string key_literal(const KeyColumn& k, const std::string& value) {
  if (k.kind == KeyColumn::Integer) {
    bool digits = !value.empty();
    for (size_t i = 0; i < value.size(); ++i)
      digits = digits && ((value[i] >= '0' && value[i] <= '9') || (i == 0 && value[i] == '-' && value.size() > 1));
    if (!digits) throw std::runtime_error("unexpected value in an integer key column: " + value);
    return value;
  }
  static const char kHex[] = "0123456789ABCDEF";
  std::string out = (k.kind == KeyColumn::Binary ? std::string("_binary") : "_" + k.charset) + " X'";
  for (unsigned char ch : value) {
    out += kHex[ch >> 4];
    out += kHex[ch & 15];
  }
  return out + "'";
}

// "(k1 > v1) OR (k1 = v1 AND k2 > v2) OR ...": the rows after `last` in key order.
std::string after(const std::vector<KeyColumn>& key, const std::vector<Column>& columns,
                  const std::vector<std::string>& last) {
  std::string out, equal;
  for (size_t i = 0; i < key.size(); ++i) {
    const std::string col = db::quote_identifier(columns[key[i].position].name);
    const std::string value = key_literal(key[i], last[i]);
    out += (i ? " OR (" : "(") + equal + col + " > " + value + ")";
    equal += col + " = " + value + " AND ";
  }
  return out;
}

// The rows of one table, read `chunk_rows` at a time in primary key order (each read starting
// after the last row of the one before), or whole when the table has no key to page by.
int64_t copy_rows(db::Connection& from, db::Connection& to, const std::string& schema, const std::string& table,
                  size_t chunk_rows) {
  auto columns = stored_columns(from, schema, table);
  if (columns.empty()) return 0;
  const std::string qualified = db::quote_identifier(schema) + "." + db::quote_identifier(table);
  const std::string list = column_list(columns);
  const std::string head = "INSERT INTO " + qualified + " (" + list + ") VALUES ";
  const auto key = paging_key(from, schema, table, columns);
  std::string order;
  for (const auto& k : key) order += (order.empty() ? "" : ", ") + db::quote_identifier(columns[k.position].name);
  std::vector<db::Param> params;
  std::vector<std::string> last;  // the key of the last row read
  int64_t n = 0;
  const int ncols = static_cast<int>(columns.size());
  for (;;) {
    std::string select = "SELECT " + list + " FROM " + qualified;
    if (!key.empty()) {
      if (!last.empty()) select += " WHERE " + after(key, columns, last);
      select += " ORDER BY " + order + " LIMIT " + std::to_string(chunk_rows);
    }
    auto rows = from.query_plain(select);
    size_t read = 0;
    while (rows.next()) {
      for (int i = 0; i < ncols; ++i) {
        if (rows.is_null(i)) params.emplace_back(nullptr);
        else params.emplace_back(rows.str(i));
      }
      ++n;
      ++read;
      if (!key.empty()) {
        last.clear();
        for (const auto& k : key) last.push_back(rows.str(static_cast<int>(k.position)));
      }
      if (params.size() >= kBatchRows * columns.size()) flush(to, head, columns.size(), params);
    }
    flush(to, head, columns.size(), params);
    if (key.empty() || read < chunk_rows) return n;
  }
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

CopyStats copy_schema(db::Connection& from, db::Connection& to, const std::string& schema, size_t chunk_rows) {
  if (!db::safe_identifier(schema)) throw std::runtime_error("not a plain schema name: " + schema);
  if (chunk_rows == 0) throw std::runtime_error("chunk_rows must be at least 1");
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
    for (const auto& t : tables) stats.rows += copy_rows(from, to, schema, t, chunk_rows);
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
