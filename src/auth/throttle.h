// Bounds on password hashing, the one thing an anonymous client can make a worker spend
// ~0.1 s of CPU on (login, register, activate). Kept in memory shared by every worker of one
// ecom-fcgi master: the master maps it before it forks (MAP_SHARED | MAP_ANONYMOUS), so every
// worker, including those started by a reload, sees the same table. Each application host
// therefore limits on its own; N hosts let a client through N times.
//
//  - Attempts per client address: a token bucket per address (`burst`, refilled at
//    `per_minute`), in a fixed table of kEntries. An address not in the table is treated as
//    new; when its few candidate places are taken, the entry that knows least (the fullest
//    bucket) makes room, so a flood of other addresses can only forget addresses that were
//    close to their full allowance anyway.
//  - Hashes at once: at most `max` holders. A holder that died mid-hash (a worker killed by
//    request_timeout or a crash) is reclaimed once its pid is gone or its hold is older than
//    `stale_ms`, so a lost permit never shrinks the allowance for good.
//
// One robust, process-shared mutex guards the table: a worker killed while holding it leaves
// it to the next locker (EOWNERDEAD), which marks it consistent and carries on; at worst one
// bucket holds a half-written value. The critical sections are a few hundred instructions.
#pragma once

#include <pthread.h>

#include <cstdint>
#include <string_view>

namespace ecom::auth {

class Throttle {
 public:
  static constexpr int kEntries = 16384;  // addresses remembered (24 bytes each)
  static constexpr int kProbe = 8;        // candidate places per address
  static constexpr int kHolders = 256;    // at least server.workers' maximum

  // Maps a zeroed, initialised table shared with processes forked afterwards; nullptr on failure.
  static Throttle* map_shared();
  static void unmap(Throttle* t);

  struct Verdict {
    bool allowed = true;
    int64_t retry_after = 0;  // seconds, when refused
  };
  // Takes one attempt from `key`'s bucket. per_minute <= 0: no limit.
  Verdict take(std::string_view key, int64_t per_minute, int64_t burst, int64_t now_ms);

  // A hash permit: its holder index, or -1 when `max` are held.
  int hold(int64_t max, int64_t now_ms, int64_t stale_ms);
  void release(int index);
  int held();  // permits held now (status and tests)

  // The lock (public so that a test can kill a process that holds it).
  void lock();
  void unlock();

 private:
  Throttle() = default;
  struct Entry {
    uint64_t key;  // keyed hash of the address; 0 = free
    double tokens;
    int64_t updated_ms;
  };
  struct Holder {
    int32_t pid;  // 0 = free
    int64_t since_ms;
  };
  uint64_t hash(std::string_view key) const;

  pthread_mutex_t mutex_;
  uint64_t seed_;
  Holder holders_[kHolders];
  Entry entries_[kEntries];
};

// The table of this process tree (set by throttle_create in the master), or nullptr.
Throttle* throttle();
Throttle* throttle_create();

// RAII hash permit. Without a table (nullptr) it is always granted.
class HashPermit {
 public:
  HashPermit(Throttle* t, int64_t max, int64_t stale_ms);
  ~HashPermit();
  HashPermit(const HashPermit&) = delete;
  HashPermit& operator=(const HashPermit&) = delete;
  bool granted() const { return !t_ || index_ >= 0; }

 private:
  Throttle* t_;
  int index_ = -1;
};

}  // namespace ecom::auth
