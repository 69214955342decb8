#include "tenancy/resolver.h"

#include "common/clock.h"
#include "tenancy/slug.h"

namespace ecom::tenancy {

Resolution resolve(Registry& registry, const std::function<db::Connection&()>& control, const std::string* slug,
                   const std::vector<const char*>& features) {
  Resolution r;
  if (!slug || slug->empty()) {
    r.refusal = Refusal::kMissingSlug;
    return r;
  }
  if (!valid_slug(*slug)) {
    r.refusal = Refusal::kUnknown;
    return r;
  }
  r.tenant = registry.find(control(), *slug);
  if (!r.tenant) r.refusal = Refusal::kUnknown;
  else if (r.tenant->status == state::kSuspended) r.refusal = Refusal::kSuspended;
  else if (r.tenant->locked_until_ms > clock::mono_ms()) r.refusal = Refusal::kMoving;
  else if (r.tenant->status != state::kReady) r.refusal = Refusal::kNotReady;
  if (r.refusal != Refusal::kNone) return r;
  for (const char* f : features) {
    if (!r.tenant->has(f)) {
      r.refusal = Refusal::kFeatureOff;
      r.feature = f;
      break;
    }
  }
  return r;
}

}  // namespace ecom::tenancy
