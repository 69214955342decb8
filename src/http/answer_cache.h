// A worker's cache of rendered answers (the public catalog's JSON), and HTTP validators.
//
// Entries are keyed by the caller (store id + normalised request) and carry the stamp they were
// rendered under; an entry is served only while its stamp is still the current one and it is
// younger than the TTL. Memory is bounded by bytes: the least recently used entries go first.
// One process, one thread: no locking.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ecom::http {

// What an answer was rendered under (the store's catalog generation, the tenancy generation).
struct AnswerStamp {
  uint64_t store = 0;
  uint64_t tenancy = 0;
  bool operator==(const AnswerStamp&) const = default;
};

struct CachedAnswer {
  std::string key;
  std::string body;
  std::string etag;
  AnswerStamp stamp;
  int64_t stored_ms = 0;
  size_t cost = 0;
};

class AnswerCache {
 public:
  // max_bytes or ttl_ms 0: nothing is ever kept.
  AnswerCache(size_t max_bytes, int64_t ttl_ms) : max_bytes_(max_bytes), ttl_ms_(ttl_ms) {}
  AnswerCache(const AnswerCache&) = delete;
  AnswerCache& operator=(const AnswerCache&) = delete;

  bool enabled() const { return max_bytes_ > 0 && ttl_ms_ > 0; }

  // The entry for `key` rendered under `stamp` less than the TTL before `now_ms` (and now the
  // most recently used), else nullptr; an entry found stale is dropped.
  const CachedAnswer* find(std::string_view key, const AnswerStamp& stamp, int64_t now_ms);
  // Keeps an answer (replacing any under the same key), evicting the least recently used
  // entries until the total fits; an answer larger than the whole budget is not kept.
  void put(std::string key, std::string body, std::string etag, const AnswerStamp& stamp, int64_t now_ms);

  size_t bytes() const { return bytes_; }
  size_t entries() const { return lru_.size(); }
  size_t max_bytes() const { return max_bytes_; }

  // What an entry counts against the budget: its strings and the bookkeeping around them.
  static size_t cost(size_t key, size_t body, size_t etag) { return key + body + etag + kOverhead; }
  static constexpr size_t kOverhead = 192;

 private:
  void erase(std::list<CachedAnswer>::iterator it);

  size_t max_bytes_;
  int64_t ttl_ms_;
  size_t bytes_ = 0;
  std::list<CachedAnswer> lru_;  // most recently used first
  std::unordered_map<std::string_view, std::list<CachedAnswer>::iterator> index_;  // views into lru_ keys
};

// A strong entity tag for `body`: 128 bits of its SHA-256 in hex, quoted ("\"…\"").
std::string strong_etag(std::string_view body);

// Whether an If-None-Match field value matches `etag` (RFC 9110 §13.1.2: "*", or a list of
// entity tags compared weakly, so W/"x" matches "x"). A malformed list matches nothing past
// the point where it stops making sense.
bool none_match(std::string_view if_none_match, std::string_view etag);

}  // namespace ecom::http
