// The provisioning steps as JSON ("steps": [{step, status, startedAt,
// completedAt, log, errorMessage}]) — for the status endpoint and ecom-provision.
#pragma once

#include <vector>

#include "http/json_writer.h"
#include "provisioning/control_store.h"

namespace ecom::provisioning {

void write_steps(http::JsonWriter& w, const std::vector<StepRecord>& steps);

}  // namespace ecom::provisioning
