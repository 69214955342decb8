#include "provisioning/jobs.h"

#include "common/uuid.h"
#include "db/retry.h"

namespace ecom::provisioning {

void JobQueue::enqueue(const std::string& tenant_id) {
  c_.exec("INSERT INTO provisioning_jobs (id, tenant_id, status) VALUES (?, ?, 'Queued')", {uuid::v4(), tenant_id});
}

std::optional<Job> JobQueue::claim(const std::set<std::string>& skip) {
  std::string not_these;
  std::vector<db::Param> params;
  for (const auto& id : skip) {
    not_these += not_these.empty() ? "AND id NOT IN (?" : ", ?";
    params.emplace_back(id);
  }
  if (!not_these.empty()) not_these += ") ";
  // On a Galera cluster, SKIP LOCKED holds on one node only: two runners on two nodes may both
  // take the same row, and the second to commit gets a certification conflict (1213) — it then
  // claims again and, reading after the first's commit, finds the job Running and takes the next.
  return db::retry_transaction(c_, [&]() -> std::optional<Job> {
    auto rows = c_.query(
        "SELECT id, tenant_id, attempts FROM provisioning_jobs "
        "WHERE (status = 'Queued' OR (status = 'Running' AND lease_until < UTC_TIMESTAMP())) " + not_these +
            "ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
        params);
    if (!rows.next()) return std::nullopt;
    Job j{rows.str(0), rows.str(1), rows.i64(2) + 1};
    c_.exec(
        "UPDATE provisioning_jobs SET status = 'Running', lease_owner = ?, "
        "lease_until = UTC_TIMESTAMP() + INTERVAL ? SECOND, attempts = attempts + 1, updated_at = UTC_TIMESTAMP() "
        "WHERE id = ?",
        {owner_, lease_seconds_, j.id});
    return j;
  });
}

void JobQueue::renew(const Job& j) {
  c_.exec(
      "UPDATE provisioning_jobs SET lease_until = UTC_TIMESTAMP() + INTERVAL ? SECOND, updated_at = UTC_TIMESTAMP() "
      "WHERE id = ? AND lease_owner = ?",
      {lease_seconds_, j.id, owner_});
}

void JobQueue::finish(const Job& j, bool ok) {
  c_.exec(
      "UPDATE provisioning_jobs SET status = ?, lease_until = NULL, updated_at = UTC_TIMESTAMP() "
      "WHERE id = ? AND lease_owner = ?",
      {std::string(ok ? "Done" : "Failed"), j.id, owner_});
}

void JobQueue::defer(const Job& j) {
  c_.exec(
      "UPDATE provisioning_jobs SET status = 'Queued', lease_owner = NULL, lease_until = NULL, "
      "attempts = GREATEST(attempts, 1) - 1, updated_at = UTC_TIMESTAMP() WHERE id = ? AND lease_owner = ?",
      {j.id, owner_});
}

}  // namespace ecom::provisioning
