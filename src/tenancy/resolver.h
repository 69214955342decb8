// Which store a request is for: the X-Tenant-Slug header → the store → its
// status → the features the route needs. The answer is a store or the reason
// there is none; the dispatcher turns a reason into its HTTP answer.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "db/connection.h"
#include "tenancy/registry.h"
#include "tenancy/tenant.h"

namespace ecom::tenancy {

enum class Refusal {
  kNone,
  kMissingSlug,  // no header, or an empty one
  kUnknown,      // not a valid slug, or no store has it
  kSuspended,
  kMoving,       // locked for a move's switch to another database server (tenants.locked_until)
  kNotReady,     // still being built, or failed
  kFeatureOff,   // a feature the route needs is off for this store
};

struct Resolution {
  Refusal refusal = Refusal::kNone;
  std::shared_ptr<const Tenant> tenant;  // set unless kMissingSlug / kUnknown
  std::string feature;                   // for kFeatureOff: the first one that is off
};

// `control` is called only when the slug is well-formed (a malformed one costs no query).
// Throws db::Error when the control database fails.
Resolution resolve(Registry& registry, const std::function<db::Connection&()>& control, const std::string* slug,
                   const std::vector<const char*>& features);

}  // namespace ecom::tenancy
