// db-probe: runs SQL through db::Connection — the class every database connection of
// ecom-fcgi's workers and of ecom-provision goes through — so that tests can see the
// session such a connection gets (e.g. its sql_mode).
//
//   db-probe URL USER PASSWORD STATEMENT...
//
// Each STATEMENT runs in order on one connection. SELECT and SHOW print the first column of
// each row, one line per row (NULL as "NULL"). The first failing statement prints
// "error CODE: MESSAGE" and the exit status is 3. Usage errors exit 2.
#include <iostream>
#include <string>

#include "common/strings.h"
#include "db/connection.h"

int main(int argc, char** argv) {
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
