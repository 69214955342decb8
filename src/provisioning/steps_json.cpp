#include "provisioning/steps_json.h"

namespace ecom::provisioning {

void write_steps(http::JsonWriter& w, const std::vector<StepRecord>& steps, StepDetail detail) {
  auto opt = [&](const char* k, const std::optional<std::string>& v) {
    if (v) w.field(k, *v);
    else w.key(k).null();
  };
  w.key("steps").begin_array();
  for (const auto& s : steps) {
    w.begin_object();
    w.field("step", s.step);
    w.field("status", s.status);
    opt("startedAt", s.started_at);
    opt("completedAt", s.completed_at);
    opt("log", s.log);
    if (s.error_message && detail == StepDetail::Public) w.field("errorMessage", kPublicStepError);
    else opt("errorMessage", s.error_message);
    w.end_object();
  }
  w.end_array();
}

void write_tenant_summary(http::JsonWriter& w, const TenantRecord& t) {
  w.field("slug", t.slug);
  w.field("name", t.name);
  w.field("plan", t.plan_name);
  w.field("planCode", t.plan_code);
  w.field("status", t.status);
  w.field("dbName", t.schema);
  w.field("createdAt", t.created_at);
}

}  // namespace ecom::provisioning
