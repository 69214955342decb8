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

}  // namespace ecom::provisioning
