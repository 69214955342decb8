// The scoreboard: one shared-memory page set the master maps before forking,
// where each worker publishes its state (idle/busy, requests served, the
// request in hand and since when). The master reads it to enforce
// request_timeout and log slow requests; the status page shows it.
//
// Writers are single (a slot belongs to one worker at a time); text fields are
// published under a sequence counter so readers never show a torn value.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"

namespace ecom::prefork {

inline constexpr int kMaxSlots = kMaxWorkers;  // one per worker
// Per-store catalog generations: a fixed table indexed by a hash of the store's id. Two stores
// sharing a slot only ever cost each other an extra invalidation, never a stale answer.
inline constexpr int kStoreGenerationSlots = 4096;

enum class SlotState : int32_t { Free = 0, Idle = 1, Busy = 2 };

struct WorkerSlot {
  std::atomic<int32_t> pid;
  std::atomic<int32_t> state;
  std::atomic<uint64_t> requests;          // served by this process
  std::atomic<int64_t> started_unix;       // process start (wall clock)
  std::atomic<int64_t> request_start_ms;   // monotonic ms; 0 when idle
  std::atomic<int32_t> slow_reported;      // the master warned about this request
  std::atomic<uint32_t> seq;               // odd while the text below is written
  std::atomic<uint64_t> answer_cache_bytes;  // what this worker's catalog answer cache holds
  char method[8];
  char path[128];
  char tenant[64];
  char request_id[65];
};

// Counters for /metrics, shared by every process of the tree so that they survive a worker's
// restart. Workers add to them with relaxed atomics (a few adds per request); the exposition
// reads them. Indexes: the route groups and database error kinds of health/metrics.h.
struct Metrics {
  static constexpr int kGroups = 11;       // route groups (catalog, cart, ... other)
  static constexpr int kClasses = 5;       // status classes 1xx..5xx
  static constexpr int kBuckets = 14;      // latency buckets, the last one +Inf
  static constexpr int kDbErrorKinds = 4;  // unavailable, deadlock, lock_wait, other
  std::atomic<uint64_t> requests[kGroups][kClasses];
  std::atomic<uint64_t> latency[kBuckets];  // per bucket (not cumulative)
  std::atomic<uint64_t> latency_sum_us;
  std::atomic<uint64_t> db_errors[kDbErrorKinds];
  std::atomic<uint64_t> tenant_cache_hits;
  std::atomic<uint64_t> tenant_cache_misses;
  std::atomic<uint64_t> answer_cache_hits;    // catalog answers served from a worker's cache
  std::atomic<uint64_t> answer_cache_misses;  // catalog answers rendered from the database
};

struct Scoreboard {
  std::atomic<int64_t> master_started_unix;
  std::atomic<uint64_t> accepted;        // requests served by every worker since start
  std::atomic<uint64_t> restarts;        // workers respawned after an exit
  std::atomic<uint64_t> slow_requests;   // requests over slow_request_ms
  std::atomic<uint64_t> timeouts;        // workers killed for request_timeout
  std::atomic<uint64_t> reloads;
  // Bumped whenever what the control database says about a store changes on this host (the
  // super admin's PATCH, create and repair in the agent, ecom-provision through SIGUSR2 to the
  // master). Each worker compares it with the value its store cache was filled under, once per
  // lookup, and starts afresh when it moved.
  std::atomic<uint64_t> tenancy_generation;
  // Bumped after every write to a store's catalog on this host (admin writes, orders taking or
  // putting back stock, settings): each worker's answer cache compares the store's slot with
  // the value its entry was rendered under (prefork::store_generation).
  alignas(64) std::atomic<uint64_t> store_generations[kStoreGenerationSlots];
  alignas(64) Metrics metrics;
  WorkerSlot slots[kMaxSlots];
};

// Maps a zeroed scoreboard shared with future children. nullptr on failure.
Scoreboard* scoreboard_create();

// The scoreboard of this process tree (set by scoreboard_create), or nullptr.
Scoreboard* scoreboard();

// Announces that a store's control data changed (no-op without a scoreboard).
void announce_tenancy_change();

// The catalog generation of the store `tenant_id` (one atomic load), and its bump after a write
// committed. Without a scoreboard (tests, tools) a table of this process stands in.
uint64_t store_generation(std::string_view tenant_id);
void bump_store_generation(std::string_view tenant_id);

// This process's own slot index, set once when a worker starts (run_worker), -1 elsewhere
// (the master, the agent, tools and tests).
void set_own_slot(int index);
int own_slot();

// Worker side: claim `index` for pid, mark a request's start and end.
void slot_begin_request(WorkerSlot& s, const std::string& method, const std::string& path, const std::string& tenant,
                        const std::string& request_id);
void slot_end_request(WorkerSlot& s);

struct SlotView {
  int index;
  int32_t pid;
  SlotState state;
  uint64_t requests;
  int64_t started_unix;
  int64_t request_age_ms;  // -1 when idle
  std::string method, path, tenant, request_id;
};

// A consistent copy of every used slot (readers: master, status page).
std::vector<SlotView> scoreboard_snapshot(const Scoreboard& sb);

}  // namespace ecom::prefork
