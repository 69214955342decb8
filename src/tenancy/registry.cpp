#include "tenancy/registry.h"

#include "common/clock.h"
#include "common/log.h"
#include "db/identifier.h"

namespace ecom::tenancy {

// One round trip: the tenant row (kind 0), then its plan's features (1), its feature
// overrides (2), its plan's limits (3) and its limit overrides (4), in that order, so that
// overrides are applied after what they override.
std::shared_ptr<const Tenant> load_tenant(db::Connection& c, const std::string& slug) {
  auto rows = c.query(
      "SELECT 0, t.id, t.slug, t.name, t.plan_code, t.status, t.schema_name, s.url, t.suspended, s.name, "
      "IF(t.locked_until > UTC_TIMESTAMP(3), TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(3), t.locked_until) DIV 1000, 0) "
      "FROM tenants t JOIN db_servers s ON s.id = t.db_server_id WHERE t.slug = ? "
      "UNION ALL SELECT 1, f.feature, NULL, NULL, NULL, NULL, NULL, NULL, 1, NULL, 0 "
      "FROM tenants t JOIN plan_features f ON f.plan_code = t.plan_code WHERE t.slug = ? "
      "UNION ALL SELECT 2, o.feature, NULL, NULL, NULL, NULL, NULL, NULL, o.enabled, NULL, 0 "
      "FROM tenants t JOIN tenant_feature_overrides o ON o.tenant_id = t.id WHERE t.slug = ? "
      "UNION ALL SELECT 3, l.limit_code, NULL, NULL, NULL, NULL, NULL, NULL, l.value, NULL, 0 "
      "FROM tenants t JOIN plan_limits l ON l.plan_code = t.plan_code WHERE t.slug = ? "
      "UNION ALL SELECT 4, o.limit_code, NULL, NULL, NULL, NULL, NULL, NULL, o.value, NULL, 0 "
      "FROM tenants t JOIN tenant_limit_overrides o ON o.tenant_id = t.id WHERE t.slug = ? "
      "ORDER BY 1",
      {slug, slug, slug, slug, slug});
  std::shared_ptr<Tenant> t;
  bool tampered = false;
  while (rows.next()) {
    int64_t kind = rows.i64(0);
    if (kind == 0) {
      t = std::make_shared<Tenant>();
      t->id = rows.str(1);
      t->slug = rows.str(2);
      t->name = rows.str(3);
      t->plan_code = rows.str(4);
      t->status = rows.str(5);
      // Suspension is a flag of its own (a legacy 'Suspended' status means the same).
      if (rows.i64(8) != 0) t->status = state::kSuspended;
      t->schema = rows.str(6);
      t->server_url = rows.str(7);
      t->server_name = rows.str(9);
      // A move's lock, as a point on this worker's clock (it ends by itself: see Tenant).
      if (int64_t left = rows.i64(10); left > 0) t->locked_until_ms = clock::mono_ms() + left;
      // Never derived from anything but the slug: a row saying otherwise was tampered with.
      tampered = t->schema != db::tenant_schema_name(t->slug);
      if (!tampered) t->quoted_schema = db::quote_identifier(t->schema);
      continue;
    }
    if (!t) break;  // no tenant row: nothing else can match either
    std::string name = rows.str(1);
    int64_t value = rows.i64(8);
    if (kind == 1) t->features.insert(name);
    else if (kind == 2) {
      if (value) t->features.insert(name);
      else t->features.erase(name);
    } else {
      t->limits[name] = value;  // plan first, overrides after (ORDER BY 1)
    }
  }
  if (tampered) {
    log::error("store '" + t->slug + "': its schema name in the control database is not the one its slug gives; not served");
    return nullptr;
  }
  return t;
}

std::shared_ptr<const Tenant> Registry::find(db::Connection& c, const std::string& slug) {
  if (generation_) {
    uint64_t g = generation_->load(std::memory_order_acquire);
    if (g != seen_generation_) {
      cache_.clear();
      seen_generation_ = g;
    }
  }
  int64_t now = clock::mono_ms();
  auto it = cache_.find(slug);
  if (it != cache_.end() && it->second.expires_ms > now) {
    if (hits_) hits_->fetch_add(1, std::memory_order_relaxed);
    return it->second.tenant;
  }
  if (misses_) misses_->fetch_add(1, std::memory_order_relaxed);
  auto t = load_tenant(c, slug);
  if (cache_.size() >= kMaxEntries) cache_.clear();
  cache_[slug] = Entry{t, now + ttl_ms_};
  return t;
}

}  // namespace ecom::tenancy
