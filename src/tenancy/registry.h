// Tenant lookups in the control database, cached per worker for
// tenancy.cache_ttl_ms (unknown slugs too, so random slugs cost one query per
// TTL) or until a change on this host moves the shared generation counter.
// The cache is bounded.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <unordered_map>

#include "db/connection.h"
#include "tenancy/tenant.h"

namespace ecom::tenancy {

class Registry {
 public:
  // `generation`: a counter shared by the processes of this host, bumped when a store's control
  // data changes here; when it moves, everything cached is read again. nullptr: the TTL only.
  // `hits`/`misses` (optional, shared counters for /metrics): lookups answered from the cache /
  // that queried the control database.
  explicit Registry(int64_t ttl_ms, const std::atomic<uint64_t>* generation = nullptr,
                    std::atomic<uint64_t>* hits = nullptr, std::atomic<uint64_t>* misses = nullptr)
      : ttl_ms_(ttl_ms), generation_(generation), hits_(hits), misses_(misses) {}

  // nullptr when no store has this slug. Throws db::Error on database failure.
  std::shared_ptr<const Tenant> find(db::Connection& control, const std::string& slug);

  void clear() { cache_.clear(); }

 private:
  struct Entry {
    std::shared_ptr<const Tenant> tenant;
    int64_t expires_ms;
  };
  static constexpr size_t kMaxEntries = 20000;
  int64_t ttl_ms_;
  const std::atomic<uint64_t>* generation_;
  std::atomic<uint64_t>* hits_;
  std::atomic<uint64_t>* misses_;
  uint64_t seen_generation_ = 0;
  std::unordered_map<std::string, Entry> cache_;
};

// Loads one tenant without caching (the provisioner and the cache both use it).
std::shared_ptr<const Tenant> load_tenant(db::Connection& control, const std::string& slug);

}  // namespace ecom::tenancy
