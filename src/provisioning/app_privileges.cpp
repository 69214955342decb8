#include "provisioning/app_privileges.h"

#include "db/identifier.h"

namespace ecom::provisioning {

void grant_app_control_privileges(db::Connection& admin, const std::string& control_schema,
                                  const std::vector<std::string>& accounts) {
  const std::string schema = db::quote_identifier(control_schema);
  // Table privileges only: a database-level GRANT needs the grantor's privileges on exactly that
  // name, which the administrative account (holding them through a pattern) does not have. The
  // database-level SELECT is the installer's (README "Database accounts").
  for (const auto& acc : accounts)
    for (const auto& t : kAppControlPrivileges)
      admin.execute(std::string("GRANT ") + t.privileges + " ON " + schema + "." + db::quote_identifier(t.table) +
                    " TO " + acc);
}

}  // namespace ecom::provisioning
