-- wrk: GET the product list of a random store: one of the slugs in BENCH_SLUGS_FILE (one a
-- line) when it is set, else one of BENCH_SLUG_PREFIX-1 .. BENCH_SLUG_PREFIX-BENCH_SLUG_COUNT.
local slugs = {}
local file = os.getenv("BENCH_SLUGS_FILE")
if file and file ~= "" then
  for line in io.lines(file) do
    if line ~= "" then slugs[#slugs + 1] = line end
  end
else
  local prefix = os.getenv("BENCH_SLUG_PREFIX") or "tiny"
  for i = 1, tonumber(os.getenv("BENCH_SLUG_COUNT") or "1000") do slugs[i] = prefix .. "-" .. i end
end
math.randomseed(os.time())
function request()
  return wrk.format("GET", "/api/catalog/products", {["X-Tenant-Slug"] = slugs[math.random(1, #slugs)]})
end
