// SQL identifiers. Schema names are never spliced from raw input: they are
// derived from a slug that has already passed tenancy::valid_slug, and checked
// again here.
#pragma once

#include <string>
#include <string_view>

namespace ecom::db {

// "demo-store" → "ecom_tenant_demo_store" for slugs of up to 51 characters. Longer
// slugs would reach the 64-character identifier limit: their name keeps 43
// characters of the slug and ends in "_" + 8 hex digits of the slug's SHA-256
// (exactly 64 characters, a length no plain name has).
std::string tenant_schema_name(std::string_view slug);

// True for 1–64 chars of [a-z0-9_] (the only identifiers this service builds).
bool safe_identifier(std::string_view name);

// `name` quoted with backticks; throws std::invalid_argument unless safe_identifier.
std::string quote_identifier(std::string_view name);

}  // namespace ecom::db
