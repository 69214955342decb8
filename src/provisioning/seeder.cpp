#include "provisioning/seeder.h"

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "common/uuid.h"
#include "db/identifier.h"
#include "db/sql_script.h"

namespace ecom::provisioning {

std::string expand_seed_placeholders(const std::string& text) {
  std::map<std::string, std::string> ids;
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for (;;) {
    size_t open = text.find("{{", pos);
    if (open == std::string::npos) {
      out.append(text, pos, std::string::npos);
      break;
    }
    out.append(text, pos, open - pos);
    size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) throw std::runtime_error("unterminated {{ placeholder in seed file");
    std::string inner = text.substr(open + 2, close - open - 2);
    if (inner.rfind("id:", 0) != 0 || inner.size() == 3)
      throw std::runtime_error("unknown seed placeholder {{" + inner + "}}");
    auto [it, inserted] = ids.emplace(inner.substr(3), std::string());
    if (inserted) it->second = uuid::v4();
    out += it->second;
    pos = close + 2;
  }
  return out;
}

std::string seed_store(db::Connection& admin, const std::string& schema, const std::string& seed_file) {
  std::ifstream in(seed_file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read seed file " + seed_file);
  std::stringstream ss;
  ss << in.rdbuf();
  auto statements = db::split_statements(expand_seed_placeholders(ss.str()));

  const std::string marks = db::quote_identifier(schema) + ".provisioning_marks";
  admin.use_schema(schema);
  db::Transaction tx(admin);
  // The marker row first: a concurrent seeder blocks on it, then sees a duplicate.
  try {
    admin.exec("INSERT INTO " + marks + " (name) VALUES ('demo_seed')");
  } catch (const db::Error& e) {
    if (e.is_duplicate_of("PRIMARY")) return "Demo data already present; nothing to do";
    throw;
  }
  for (const auto& s : statements) admin.execute(s);
  tx.commit();
  return "Demo data seeded successfully (" + std::to_string(statements.size()) + " statements)";
}

}  // namespace ecom::provisioning
