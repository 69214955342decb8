// The provisioning steps as JSON ("steps": [{step, status, startedAt,
// completedAt, log, errorMessage}]) — for the status endpoint and ecom-provision.
#pragma once

#include <vector>

#include "http/json_writer.h"
#include "provisioning/control_store.h"

namespace ecom::provisioning {

// Who reads them: the public status endpoint (anyone holding a provisioning id) sees that a
// step failed, never the database's own error text; the super admin and ecom-provision see it.
enum class StepDetail { Public, Full };

// The generic errorMessage of a failed step on the public status endpoint.
inline constexpr const char* kPublicStepError =
    "This step failed; the platform's operators can see why and will repair the store.";

void write_steps(http::JsonWriter& w, const std::vector<StepRecord>& steps, StepDetail detail);

// A store's summary fields (slug, name, plan, planCode, status, dbName, createdAt), as the super
// admin's API and ecom-provision both show them, into an object the caller has opened.
void write_tenant_summary(http::JsonWriter& w, const TenantRecord& t);

}  // namespace ecom::provisioning
