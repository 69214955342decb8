#include "common/clock.h"

#include <time.h>

namespace ecom::clock {

std::string iso_from_time(std::time_t t) {
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string iso_now() { return iso_from_time(std::time(nullptr)); }

std::string iso_from_sql(std::string_view s) {
  if (s.size() < 19 || s[10] != ' ') return std::string(s);
  std::string out(s.substr(0, 19));
  out[10] = 'T';
  out.push_back('Z');
  return out;
}

int64_t mono_ms() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

double mono_seconds() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace ecom::clock
