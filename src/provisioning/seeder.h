// SeedData: loads the demo catalog into a new store, once, in one transaction.
// Seed files may use {{id:NAME}}; each NAME becomes a fresh UUID v4 for this run.
#pragma once

#include <string>

#include "db/connection.h"

namespace ecom::provisioning {

// Replaces every {{id:NAME}} with a UUID v4 (same NAME → same UUID).
// Throws std::runtime_error on an unterminated or malformed placeholder.
std::string expand_seed_placeholders(const std::string& text);

// Seeds `schema` from `seed_file` unless it was seeded before. Returns a log line.
// Throws std::runtime_error / db::Error on failure (nothing is left half-seeded).
std::string seed_store(db::Connection& admin, const std::string& schema, const std::string& seed_file);

}  // namespace ecom::provisioning
