// Field validation shared by sign-up (init) and the super admin's create.
#pragma once

#include <optional>
#include <string>

#include "common/error.h"

namespace ecom::provisioning {

// Returns the slug when valid, else records an error under `field`.
std::optional<std::string> check_slug(const std::optional<std::string>& slug, const char* field, Validator& v);
// Returns the trimmed name when valid (1–200 characters), else records an error.
std::optional<std::string> check_name(const std::optional<std::string>& name, Validator& v);

}  // namespace ecom::provisioning
