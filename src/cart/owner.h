// Who a cart (and an order) belongs to: a guest session named by X-Session-Id
// (CONTRACT §6: 8–128 chars of [A-Za-z0-9_-]).
#pragma once

#include <string>

#include "app/context.h"

namespace ecom::cart {

struct Owner {
  std::string session_id;
  // "session:<id>" — the key orders and rate limits are recorded under.
  std::string key() const { return "session:" + session_id; }
};

bool valid_session_id(const std::string& s);

// The request's owner; throws ApiError 400 when X-Session-Id is missing or invalid.
Owner require_owner(Context& ctx);

}  // namespace ecom::cart
