#include "tenancy/registry.h"

#include "common/clock.h"
#include "db/identifier.h"

namespace ecom::tenancy {

std::shared_ptr<const Tenant> load_tenant(db::Connection& c, const std::string& slug) {
  auto rows = c.query(
      "SELECT t.id, t.slug, t.name, t.plan_code, t.status, t.schema_name, s.url "
      "FROM tenants t JOIN db_servers s ON s.id = t.db_server_id WHERE t.slug = ?",
      {slug});
  if (!rows.next()) return nullptr;
  auto t = std::make_shared<Tenant>();
  t->id = rows.str(0);
  t->slug = rows.str(1);
  t->name = rows.str(2);
  t->plan_code = rows.str(3);
  t->status = rows.str(4);
  t->schema = rows.str(5);
  t->quoted_schema = db::quote_identifier(t->schema);
  t->server_url = rows.str(6);

  auto fl = c.query(
      "SELECT 0, feature, 1 FROM plan_features WHERE plan_code = ? "
      "UNION ALL SELECT 1, feature, enabled FROM tenant_feature_overrides WHERE tenant_id = ? "
      "UNION ALL SELECT 2, limit_code, value FROM plan_limits WHERE plan_code = ? "
      "UNION ALL SELECT 3, limit_code, value FROM tenant_limit_overrides WHERE tenant_id = ? "
      "ORDER BY 1",
      {t->plan_code, t->id, t->plan_code, t->id});
  while (fl.next()) {
    int64_t kind = fl.i64(0);
    std::string name = fl.str(1);
    int64_t value = fl.i64(2);
    if (kind == 0) t->features.insert(name);
    else if (kind == 1) {
      if (value) t->features.insert(name);
      else t->features.erase(name);
    } else {
      t->limits[name] = value;  // plan first, overrides after (ORDER BY 1)
    }
  }
  return t;
}

std::shared_ptr<const Tenant> Registry::find(db::Connection& c, const std::string& slug) {
  int64_t now = clock::mono_ms();
  auto it = cache_.find(slug);
  if (it != cache_.end() && it->second.expires_ms > now) return it->second.tenant;
  auto t = load_tenant(c, slug);
  if (cache_.size() >= kMaxEntries) cache_.clear();
  cache_[slug] = Entry{t, now + ttl_ms_};
  return t;
}

}  // namespace ecom::tenancy
