// The provisioning job queue in the control database. Jobs are claimed with
// SELECT … FOR UPDATE SKIP LOCKED, so overlapping runners never take the same
// job (on a Galera cluster: the node-local lock is backed by certification and a retry, see
// claim), and held by a lease: a job whose runner died is claimable again once
// its lease has expired.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "db/connection.h"

namespace ecom::provisioning {

struct Job {
  std::string id;
  std::string tenant_id;
  int64_t attempts = 0;
};

class JobQueue {
 public:
  JobQueue(db::Connection& control, std::string owner, int64_t lease_seconds)
      : c_(control), owner_(std::move(owner)), lease_seconds_(lease_seconds) {}

  // Queues a job for a tenant (called on confirm).
  void enqueue(const std::string& tenant_id);

  // Claims the oldest claimable job (none of `skip`, by id), or nullopt when there is none.
  std::optional<Job> claim(const std::set<std::string>& skip = {});
  // Extends the lease of a job this runner holds.
  void renew(const Job& j);
  void finish(const Job& j, bool ok);
  // Gives a job back to the queue untried (its store cannot be built yet): Queued again, the
  // attempt not counted.
  void defer(const Job& j);

 private:
  db::Connection& c_;
  std::string owner_;
  int64_t lease_seconds_;
};

}  // namespace ecom::provisioning
