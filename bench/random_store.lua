-- wrk: GET the product list of a random store among BENCH_SLUG_PREFIX-1..BENCH_SLUG_COUNT.
local prefix = os.getenv("BENCH_SLUG_PREFIX") or "tiny"
local count = tonumber(os.getenv("BENCH_SLUG_COUNT") or "1000")
math.randomseed(os.time())
function request()
  return wrk.format("GET", "/api/catalog/products", {["X-Tenant-Slug"] = prefix .. "-" .. math.random(1, count)})
end
