-- wrk: POST /api/cart/items with a fresh session each request (BENCH_STORE, BENCH_PRODUCT).
local store, product = os.getenv("BENCH_STORE"), os.getenv("BENCH_PRODUCT")
local n = 0
function setup(thread) thread:set("id", math.random(1, 1e9)) end
function request()
  n = n + 1
  return wrk.format("POST", "/api/cart/items",
    {["X-Tenant-Slug"] = store, ["X-Session-Id"] = "bench-" .. (id or 0) .. "-" .. n, ["Content-Type"] = "application/json"},
    '{"productId":"' .. product .. '","quantity":1}')
end
