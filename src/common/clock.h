// Wall-clock helpers: ISO 8601 UTC with second precision ("2024-12-01T15:30:00Z").
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

namespace ecom::clock {

std::string iso_now();
std::string iso_from_time(std::time_t t);

// "2024-12-01 15:30:00" (MariaDB DATETIME, stored in UTC) → "2024-12-01T15:30:00Z".
// Returns the input unchanged when it is not in that shape.
std::string iso_from_sql(std::string_view sql_datetime);

// Monotonic milliseconds, for durations.
int64_t mono_ms();
double mono_seconds();

}  // namespace ecom::clock
