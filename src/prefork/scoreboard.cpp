#include "prefork/scoreboard.h"

#include <sys/mman.h>

#include <cstring>
#include <ctime>

#include "common/clock.h"

namespace ecom::prefork {
namespace {

Scoreboard* g_scoreboard = nullptr;
int g_own_slot = -1;  // a worker's slot (set_own_slot)
std::atomic<uint64_t> g_local_generations[kStoreGenerationSlots];  // without a scoreboard

// FNV-1a: the id's slot in the generation table.
size_t generation_slot(std::string_view id) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : id) h = (h ^ c) * 1099511628211ull;
  return static_cast<size_t>(h % kStoreGenerationSlots);
}

std::atomic<uint64_t>& generation_of(std::string_view id) {
  size_t i = generation_slot(id);
  return g_scoreboard ? g_scoreboard->store_generations[i] : g_local_generations[i];
}

void copy_field(char* dst, size_t cap, const std::string& src) {
  size_t n = std::min(cap - 1, src.size());
  std::memcpy(dst, src.data(), n);
  dst[n] = '\0';
}

}  // namespace

Scoreboard* scoreboard_create() {
  void* p = mmap(nullptr, sizeof(Scoreboard), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  std::memset(p, 0, sizeof(Scoreboard));  // atomics of zero bytes are zero values
  g_scoreboard = static_cast<Scoreboard*>(p);
  g_scoreboard->master_started_unix = std::time(nullptr);
  return g_scoreboard;
}

Scoreboard* scoreboard() { return g_scoreboard; }

void announce_tenancy_change() {
  if (g_scoreboard) g_scoreboard->tenancy_generation.fetch_add(1, std::memory_order_acq_rel);
}

uint64_t store_generation(std::string_view tenant_id) {
  return generation_of(tenant_id).load(std::memory_order_acquire);
}

void bump_store_generation(std::string_view tenant_id) {
  generation_of(tenant_id).fetch_add(1, std::memory_order_acq_rel);
}

void set_own_slot(int index) { g_own_slot = index; }

int own_slot() { return g_own_slot; }

void slot_begin_request(WorkerSlot& s, const std::string& method, const std::string& path, const std::string& tenant,
                        const std::string& request_id) {
  s.seq.fetch_add(1, std::memory_order_acq_rel);  // odd: writing
  copy_field(s.method, sizeof s.method, method);
  copy_field(s.path, sizeof s.path, path);
  copy_field(s.tenant, sizeof s.tenant, tenant);
  copy_field(s.request_id, sizeof s.request_id, request_id);
  s.slow_reported.store(0, std::memory_order_relaxed);
  s.request_start_ms.store(clock::mono_ms(), std::memory_order_relaxed);
  s.state.store(static_cast<int32_t>(SlotState::Busy), std::memory_order_relaxed);
  s.seq.fetch_add(1, std::memory_order_acq_rel);  // even: done
}

void slot_end_request(WorkerSlot& s) {
  s.requests.fetch_add(1, std::memory_order_relaxed);
  s.request_start_ms.store(0, std::memory_order_relaxed);
  s.state.store(static_cast<int32_t>(SlotState::Idle), std::memory_order_release);
}

std::vector<SlotView> scoreboard_snapshot(const Scoreboard& sb) {
  std::vector<SlotView> out;
  int64_t now = clock::mono_ms();
  for (int i = 0; i < kMaxSlots; ++i) {
    const WorkerSlot& s = sb.slots[i];
    int32_t pid = s.pid.load(std::memory_order_acquire);
    if (pid == 0) continue;
    SlotView v;
    for (int attempt = 0; attempt < 8; ++attempt) {
      uint32_t before = s.seq.load(std::memory_order_acquire);
      if (before & 1) continue;
      v.method.assign(s.method, strnlen(s.method, sizeof s.method));
      v.path.assign(s.path, strnlen(s.path, sizeof s.path));
      v.tenant.assign(s.tenant, strnlen(s.tenant, sizeof s.tenant));
      v.request_id.assign(s.request_id, strnlen(s.request_id, sizeof s.request_id));
      if (s.seq.load(std::memory_order_acquire) == before) break;
    }
    v.index = i;
    v.pid = pid;
    v.state = static_cast<SlotState>(s.state.load(std::memory_order_acquire));
    v.requests = s.requests.load(std::memory_order_relaxed);
    v.started_unix = s.started_unix.load(std::memory_order_relaxed);
    int64_t started = s.request_start_ms.load(std::memory_order_relaxed);
    v.request_age_ms = (v.state == SlotState::Busy && started > 0) ? now - started : -1;
    if (v.state != SlotState::Busy) v.method.clear(), v.path.clear(), v.tenant.clear(), v.request_id.clear();
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace ecom::prefork
