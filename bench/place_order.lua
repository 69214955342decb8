-- Run with as many threads as connections (wrk -tN -cN): the add/place sequence is kept
-- per thread, and a thread with several connections would interleave them.
-- wrk script: each connection loops "add one item to a fresh session's cart" then
-- "place the order" with a fresh Idempotency-Key, over several stores.
-- Env: BENCH_STORES (comma-separated slugs), BENCH_PRODUCTS (comma-separated
-- "slug=productId|productId|..." entries: in-stock products per store, one picked at random
-- per order).
local stores, products = {}, {}
for s in string.gmatch(os.getenv("BENCH_STORES") or "", "[^,]+") do table.insert(stores, s) end
for pair in string.gmatch(os.getenv("BENCH_PRODUCTS") or "", "[^,]+") do
  local slug, ids = string.match(pair, "([^=]+)=(.+)")
  products[slug] = {}
  for pid in string.gmatch(ids, "[^|]+") do table.insert(products[slug], pid) end
end

local counter = 0
local function uuid()
  local t = {}
  for i = 1, 32 do t[i] = string.format("%x", math.random(0, 15)) end
  t[13] = "4"
  t[17] = string.format("%x", 8 + math.random(0, 3))
  local s = table.concat(t)
  return s:sub(1, 8) .. "-" .. s:sub(9, 12) .. "-" .. s:sub(13, 16) .. "-" .. s:sub(17, 20) .. "-" .. s:sub(21, 32)
end

-- The next request depends on the last answer, not on how often request() was called
-- (wrk may call it once more than it sends).
local need_add, store, session, key = true, nil, nil, nil

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() + (seed or 0) * 7919)
end

function request()
  if need_add then
    store = stores[math.random(1, #stores)]
    session = "bench-" .. uuid()
    return wrk.format("POST", "/api/cart/items",
      {["X-Tenant-Slug"] = store, ["X-Session-Id"] = session, ["Content-Type"] = "application/json"},
      '{"productId":"' .. products[store][math.random(1, #products[store])] .. '","quantity":1}')
  end
  key = uuid()
  return wrk.format("POST", "/api/checkout/place-order",
    {["X-Tenant-Slug"] = store, ["X-Session-Id"] = session, ["Idempotency-Key"] = key,
     ["Content-Type"] = "application/json"},
    '{"idempotencyKey":"' .. key .. '","email":"bench@example.com","phone":"+1234567890",' ..
    '"shippingAddress":"1 Bench Street, Testville","paymentMethod":"CreditCard"}')
end

local orders, failures = 0, 0
function response(status, headers, body)
  if need_add then  -- the add's answer: place the order next if it worked
    if status == 200 then need_add = false else failures = failures + 1 end
  else  -- the place-order's answer: a new cart next
    if status == 200 then orders = orders + 1 else failures = failures + 1 end
    need_add = true
  end
end

function done(summary, latency, requests)
  io.write(string.format("requests: %d in %.1f s (two per order)\n", summary.requests, summary.duration / 1e6))
  io.write(string.format("non-2xx: %d, socket errors: %d\n", summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("orders/s ≈ %.1f\n", summary.requests / 2 / (summary.duration / 1e6)))
end
