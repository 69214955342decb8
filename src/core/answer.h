// Public catalog answers served from the worker's answer cache (http/answer_cache.h), with
// their ETag and 304 Not Modified.
//
// Exact on one host: every write to a store's catalog bumps the store's generation in the
// master's shared memory after it committed (catalog_changed, called by the dispatcher for the
// routes that declare `changes_catalog`), and an answer is rendered under the generation read
// before its queries ran, so a concurrent write can never leave an old body under a new
// generation. Writes made from another host or by SQL are seen within [catalog] cache_ttl_ms.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "core/context.h"
#include "http/answer_cache.h"

namespace ecom {

// The stamp the store's answers are rendered under now (two atomic loads).
http::AnswerStamp answer_stamp(const tenancy::Tenant& t);

// After a write to the store's catalog (products, categories, stock, settings) committed.
void catalog_changed(const tenancy::Tenant& t);

namespace answer_detail {
// The cache key: the store's id, the route's letter, the request's canonical form.
std::string key(const tenancy::Tenant& t, char route, std::string_view canonical);
// A hit: the response is the cached answer (body, ETag). Counts hits and misses.
bool from_cache(Context& ctx, std::string_view key, const http::AnswerStamp& stamp);
// After rendering: the ETag, and a 200 kept under `stamp`.
void keep(Context& ctx, std::string key, const http::AnswerStamp& stamp);
// 304 without a body when If-None-Match matches the response's ETag.
void answer_conditionally(Context& ctx);
}  // namespace answer_detail

// Answers a cacheable public GET of the resolved store: from the cache when an entry rendered
// under the current stamp is there, else by `render` (which fills ctx.res or throws; nothing is
// kept then). `canonical` must name the answer exactly: requests that share it share an entry.
template <typename Render>
void serve_cached(Context& ctx, char route, std::string_view canonical, Render&& render) {
  std::string key = answer_detail::key(ctx.tenant(), route, canonical);
  http::AnswerStamp stamp = answer_stamp(ctx.tenant());  // before any query runs
  if (!answer_detail::from_cache(ctx, key, stamp)) {
    std::forward<Render>(render)();
    answer_detail::keep(ctx, std::move(key), stamp);
  }
  answer_detail::answer_conditionally(ctx);
}

}  // namespace ecom
