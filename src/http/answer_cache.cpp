#include "http/answer_cache.h"

#include "common/digest.h"

namespace ecom::http {

const CachedAnswer* AnswerCache::find(std::string_view key, const AnswerStamp& stamp, int64_t now_ms) {
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  auto entry = it->second;
  if (!(entry->stamp == stamp) || now_ms - entry->stored_ms >= ttl_ms_) {
    erase(entry);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, entry);
  return &*entry;
}

void AnswerCache::put(std::string key, std::string body, std::string etag, const AnswerStamp& stamp,
                      int64_t now_ms) {
  if (!enabled()) return;
  size_t c = cost(key.size(), body.size(), etag.size());
  if (auto it = index_.find(key); it != index_.end()) erase(it->second);
  if (c > max_bytes_) return;
  while (bytes_ + c > max_bytes_ && !lru_.empty()) erase(std::prev(lru_.end()));
  lru_.push_front(CachedAnswer{std::move(key), std::move(body), std::move(etag), stamp, now_ms, c});
  index_.emplace(lru_.front().key, lru_.begin());
  bytes_ += c;
}

void AnswerCache::erase(std::list<CachedAnswer>::iterator it) {
  bytes_ -= it->cost;
  index_.erase(it->key);
  lru_.erase(it);
}

std::string strong_etag(std::string_view body) {
  std::string hex = digest::sha256_hex(body);
  return "\"" + hex.substr(0, 32) + "\"";
}

namespace {

bool is_ows(char c) { return c == ' ' || c == '\t'; }

}  // namespace

bool none_match(std::string_view v, std::string_view etag) {
  size_t i = 0;
  while (i < v.size()) {
    while (i < v.size() && (is_ows(v[i]) || v[i] == ',')) ++i;
    if (i >= v.size()) break;
    if (v[i] == '*') return true;
    if (v.compare(i, 2, "W/") == 0) i += 2;
    if (i >= v.size() || v[i] != '"') return false;
    size_t close = v.find('"', i + 1);
    if (close == std::string_view::npos) return false;
    if (v.substr(i, close + 1 - i) == etag) return true;
    i = close + 1;
    while (i < v.size() && is_ows(v[i])) ++i;
    if (i < v.size() && v[i] != ',') return false;
  }
  return false;
}

}  // namespace ecom::http
