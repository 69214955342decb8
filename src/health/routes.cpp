#include "health/routes.h"

#include "app/context.h"
#include "common/clock.h"
#include "http/json_writer.h"

namespace ecom::health {
namespace {

// Healthy when the control database answers a round trip.
void get_health(Context& ctx) {
  bool ok = ctx.control_db().ping();
  http::JsonWriter w(ctx.res.body);
  w.begin_object();
  w.field("status", ok ? "Healthy" : "Unhealthy");
  w.field("timestamp", clock::iso_now());
  if (!ok) w.field("detail", "The control database does not answer.");
  w.end_object();
  ctx.res.status = ok ? http::status::kOk : http::status::kServiceUnavailable;
  ctx.res.add_header("Cache-Control", "no-store");
}

}  // namespace

void add_routes(http::Router& r) { r.add("GET", "/health", get_health); }

}  // namespace ecom::health
