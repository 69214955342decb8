#include "auth/throttle.h"

#include <openssl/rand.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <new>

#include "common/clock.h"

namespace ecom::auth {
namespace {

Throttle* g_throttle = nullptr;

uint64_t mix(uint64_t x) {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

double refilled(double tokens, int64_t updated_ms, int64_t now_ms, int64_t per_minute, int64_t burst) {
  double t = tokens + static_cast<double>(now_ms - updated_ms) * static_cast<double>(per_minute) / 60000.0;
  return t > static_cast<double>(burst) ? static_cast<double>(burst) : t;
}

bool gone(int32_t pid) { return kill(pid, 0) != 0 && errno == ESRCH; }

}  // namespace

Throttle* Throttle::map_shared() {
  void* p = mmap(nullptr, sizeof(Throttle), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;  // mmap zeroes the pages: every entry and holder is free
  auto* t = new (p) Throttle();
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  int rc = pthread_mutex_init(&t->mutex_, &a);
  pthread_mutexattr_destroy(&a);
  if (rc != 0 || RAND_bytes(reinterpret_cast<unsigned char*>(&t->seed_), sizeof t->seed_) != 1) {
    munmap(p, sizeof(Throttle));
    return nullptr;
  }
  return t;
}

void Throttle::unmap(Throttle* t) {
  if (!t) return;
  pthread_mutex_destroy(&t->mutex_);
  munmap(t, sizeof(Throttle));
}

void Throttle::lock() {
  if (pthread_mutex_lock(&mutex_) == EOWNERDEAD) pthread_mutex_consistent(&mutex_);
}

void Throttle::unlock() { pthread_mutex_unlock(&mutex_); }

uint64_t Throttle::hash(std::string_view key) const {
  uint64_t h = 0xcbf29ce484222325ULL ^ seed_;  // FNV-1a, keyed and finalised
  for (unsigned char c : key) h = (h ^ c) * 0x100000001b3ULL;
  h = mix(h ^ seed_);
  return h ? h : 1;
}

Throttle::Verdict Throttle::take(std::string_view key, int64_t per_minute, int64_t burst, int64_t now_ms) {
  if (per_minute <= 0) return {};
  uint64_t h = hash(key);
  size_t start = static_cast<size_t>(h % kEntries);
  lock();
  Entry* e = nullptr;
  Entry* victim = nullptr;
  double victim_tokens = -1;
  for (size_t i = 0; i < kProbe && !e; ++i) {
    Entry& c = entries_[(start + i) % kEntries];
    if (c.key == h) {
      e = &c;
    } else {
      double t = c.key == 0 ? 1e300 : refilled(c.tokens, c.updated_ms, now_ms, per_minute, burst);
      if (t > victim_tokens) victim = &c, victim_tokens = t;
    }
  }
  if (!e) {
    e = victim;
    *e = Entry{h, static_cast<double>(burst), now_ms};
  }
  e->tokens = refilled(e->tokens, e->updated_ms, now_ms, per_minute, burst);
  e->updated_ms = now_ms;
  Verdict v;
  if (e->tokens >= 1.0) {
    e->tokens -= 1.0;
  } else {
    v.allowed = false;
    v.retry_after = static_cast<int64_t>(std::ceil((1.0 - e->tokens) * 60.0 / static_cast<double>(per_minute)));
    if (v.retry_after < 1) v.retry_after = 1;
  }
  unlock();
  return v;
}

int Throttle::hold(int64_t max, int64_t now_ms, int64_t stale_ms) {
  lock();
  int used = 0, free_index = -1;
  for (int i = 0; i < kHolders; ++i) {
    if (holders_[i].pid != 0) ++used;
    else if (free_index < 0) free_index = i;
  }
  if (used >= max) {  // full: reclaim the permits of holders that died or hold for too long
    for (auto& h : holders_) {
      if (h.pid != 0 && (gone(h.pid) || now_ms - h.since_ms > stale_ms)) {
        h.pid = 0;
        --used;
      }
    }
    free_index = -1;
    for (int i = 0; i < kHolders && free_index < 0; ++i)
      if (holders_[i].pid == 0) free_index = i;
  }
  int got = -1;
  if (used < max && free_index >= 0) {
    holders_[free_index] = Holder{static_cast<int32_t>(getpid()), now_ms};
    got = free_index;
  }
  unlock();
  return got;
}

void Throttle::release(int index) {
  if (index < 0 || index >= kHolders) return;
  lock();
  if (holders_[index].pid == getpid()) holders_[index].pid = 0;
  unlock();
}

int Throttle::held() {
  lock();
  int n = 0;
  for (const auto& h : holders_) n += h.pid != 0 ? 1 : 0;
  unlock();
  return n;
}

Throttle* throttle() { return g_throttle; }

Throttle* throttle_create() {
  g_throttle = Throttle::map_shared();
  return g_throttle;
}

HashPermit::HashPermit(Throttle* t, int64_t max, int64_t stale_ms) : t_(t) {
  if (t_) index_ = t_->hold(max, clock::mono_ms(), stale_ms);
}

HashPermit::~HashPermit() {
  if (t_ && index_ >= 0) t_->release(index_);
}

}  // namespace ecom::auth
