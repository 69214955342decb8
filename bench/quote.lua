-- wrk: POST /api/checkout/quote for a prepared cart (BENCH_STORE, BENCH_SESSION).
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Tenant-Slug"] = os.getenv("BENCH_STORE")
wrk.headers["X-Session-Id"] = os.getenv("BENCH_SESSION")
