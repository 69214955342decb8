// libFuzzer target: the INI reader and the configuration table on arbitrary text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/config.h"
#include "common/ini.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  ecom::ini::parse(text);
  auto r = ecom::parse_config(text, false);
  if (r.ok()) ecom::secret_problems(r.config);
  return 0;
}
