#include "core/answer.h"

#include "common/clock.h"
#include "prefork/scoreboard.h"

namespace ecom {
namespace {

void count(bool hit) {
  if (prefork::Scoreboard* sb = prefork::scoreboard())
    (hit ? sb->metrics.answer_cache_hits : sb->metrics.answer_cache_misses).fetch_add(1, std::memory_order_relaxed);
}

// Publishes what this worker's cache holds in its own scoreboard slot.
void publish_bytes(const http::AnswerCache& cache) {
  prefork::Scoreboard* sb = prefork::scoreboard();
  int i = prefork::own_slot();
  if (sb && i >= 0 && i < prefork::kMaxSlots)
    sb->slots[i].answer_cache_bytes.store(cache.bytes(), std::memory_order_relaxed);
}

}  // namespace

http::AnswerStamp answer_stamp(const tenancy::Tenant& t) {
  prefork::Scoreboard* sb = prefork::scoreboard();
  return {prefork::store_generation(t.id), sb ? sb->tenancy_generation.load(std::memory_order_acquire) : 0};
}

void catalog_changed(const tenancy::Tenant& t) { prefork::bump_store_generation(t.id); }

namespace answer_detail {

std::string key(const tenancy::Tenant& t, char route, std::string_view canonical) {
  std::string k;
  k.reserve(t.id.size() + 2 + canonical.size());
  k += t.id;
  k += '|';
  k += route;
  k += canonical;
  return k;
}

bool from_cache(Context& ctx, std::string_view key, const http::AnswerStamp& stamp) {
  http::AnswerCache& cache = ctx.services.answers;
  if (!cache.enabled()) return false;
  const http::CachedAnswer* a = cache.find(key, stamp, clock::mono_ms());
  count(a != nullptr);
  if (!a) return false;
  ctx.res.body = a->body;
  ctx.res.add_header("ETag", a->etag);
  return true;
}

void keep(Context& ctx, std::string key, const http::AnswerStamp& stamp) {
  if (ctx.res.status != http::status::kOk) return;
  std::string etag = http::strong_etag(ctx.res.body);
  ctx.res.add_header("ETag", etag);
  http::AnswerCache& cache = ctx.services.answers;
  if (!cache.enabled()) return;
  cache.put(std::move(key), ctx.res.body, std::move(etag), stamp, clock::mono_ms());
  publish_bytes(cache);
}

void answer_conditionally(Context& ctx) {
  if (ctx.res.status != http::status::kOk) return;
  const std::string* inm = ctx.req.header("if-none-match");
  if (!inm) return;
  for (const auto& [name, value] : ctx.res.headers) {
    if (name != "ETag") continue;
    if (http::none_match(*inm, value)) {
      ctx.res.status = 304;
      ctx.res.body.clear();
    }
    return;
  }
}

}  // namespace answer_detail
}  // namespace ecom
