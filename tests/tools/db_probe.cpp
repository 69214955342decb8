// db-probe: runs SQL through db::Connection — the class every database connection of
// ecom-fcgi's workers and of ecom-provision goes through — so that tests can see the
// session such a connection gets (e.g. its sql_mode).
//
//   db-probe URL USER PASSWORD STATEMENT...
//
// Each STATEMENT runs in order on one connection. SELECT and SHOW print the first column of
// each row, one line per row (NULL as "NULL"). The first failing statement prints
// "error CODE: MESSAGE" and the exit status is 3. Usage errors exit 2.
//
//   db-probe --prepared|--plain URL USER PASSWORD STATEMENT [PARAM...]
//
// One statement with parameters through Connection::query (SELECT, SHOW) or exec (others),
// run as a prepared statement (--prepared) or unprepared with its parameters inlined (--plain),
// the two ways a worker runs a statement. PARAM is null, i:INTEGER or s:TEXT. A query prints
// every row, its columns separated by tabs (NULL as \N; tab, newline and backslash as \t, \n,
// \\); a column whose name starts with i_ is read as an integer (Rows::i64). Other
// statements print "affected N".
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "common/strings.h"
#include "db/connection.h"

namespace {

std::string shown(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\t') out += "\\t";
    else if (c == '\n') out += "\\n";
    else if (c == '\\') out += "\\\\";
    else out += c;
  }
  return out;
}

int one_statement(bool prepared, int argc, char** argv) {
  if (argc < 6) {
    std::cerr << "usage: db-probe --prepared|--plain URL USER PASSWORD STATEMENT [PARAM...]\n";
    return 2;
  }
  std::vector<ecom::db::Param> params;
  for (int i = 6; i < argc; ++i) {
    std::string p = argv[i];
    if (p == "null") params.emplace_back(nullptr);
    else if (p.rfind("i:", 0) == 0) params.emplace_back(static_cast<int64_t>(std::strtoll(p.c_str() + 2, nullptr, 10)));
    else if (p.rfind("s:", 0) == 0) params.emplace_back(p.substr(2));
    else {
      std::cerr << "db-probe: a parameter is null, i:INTEGER or s:TEXT, got '" << p << "'\n";
      return 2;
    }
  }
  ecom::db::ConnectOptions o{argv[2], argv[3], argv[4], "", 2, 10, 10, 16};
  o.prepare_at = prepared ? 1 : 0;
  ecom::db::Connection c(o);
  std::string stmt = argv[5];
  std::string head = ecom::to_upper(ecom::trim(stmt).substr(0, 4));
  try {
    if (head == "SELE" || head == "SHOW") {
      auto rows = c.query(stmt, params);
      while (rows.next()) {
        int n = rows.columns();
        std::string line;
        for (int k = 0; k < n; ++k) {
          if (k) line += '\t';
          if (rows.is_null(k)) line += "\\N";
          else if (rows.column_name(k).rfind("i_", 0) == 0) line += std::to_string(rows.i64(k));
          else line += shown(rows.str(k));
        }
        std::cout << line << '\n';
      }
    } else {
      std::cout << "affected " << c.exec(stmt, params) << '\n';
    }
  } catch (const ecom::db::Error& e) {
    std::cout << "error " << e.code() << ": " << e.what() << std::endl;
    return 3;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && (std::string(argv[1]) == "--prepared" || std::string(argv[1]) == "--plain"))
    return one_statement(std::string(argv[1]) == "--prepared", argc, argv);
  if (argc < 5) {
    std::cerr << "usage: db-probe URL USER PASSWORD STATEMENT...\n";
    return 2;
  }
  ecom::db::Connection c(ecom::db::ConnectOptions{argv[1], argv[2], argv[3], "", 2, 10, 10, 16});
  for (int i = 4; i < argc; ++i) {
    std::string stmt = argv[i];
    std::string head = ecom::to_upper(ecom::trim(stmt).substr(0, 4));
    try {
      if (head == "SELE" || head == "SHOW") {
        auto rows = c.query_plain(stmt);
        while (rows.next()) std::cout << (rows.is_null(0) ? "NULL" : rows.str(0)) << '\n';
      } else {
        c.execute(stmt);
      }
    } catch (const ecom::db::Error& e) {
      std::cout << "error " << e.code() << ": " << e.what() << std::endl;
      return 3;
    }
  }
  return 0;
}
