"""A worker prepares a statement only when it runs again soon (src/db/connection.h): a store
touched once costs the worker and the server no prepared statement, and a store's hot path
(its list and detail, request after request) is served from prepared statements. One worker of
a private master, straight over FastCGI, its answer cache off (every request reaches the
database); counted with the server's status counters."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import ecom  # noqa: E402
import fcgi_client  # noqa: E402
from test_master import Master  # noqa: E402


def counter(name):
    return int(ecom.sql_value("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                              f"WHERE VARIABLE_NAME = '{name}'"))


def counters():
    return {name: counter(name) for name in ("COM_STMT_PREPARE", "COM_STMT_EXECUTE")}


def moved(before):
    now = counters()
    return {name: now[name] - before[name] for name in now}


def get(m, slug, uri):
    code, body = fcgi_client.request(m.sock, "GET", uri, headers={"X-Tenant-Slug": slug})[:2]
    assert code == 200, (uri, code, body)
    return body


def touch(m, slug):
    """The list, the categories and one product's detail: the statements of the store's own.
    The product is an active one: the seed holds an inactive product, whose detail is a 404."""
    product = ecom.active_products(slug)[0]["id"]
    get(m, slug, "/api/catalog/products")
    get(m, slug, "/api/catalog/categories")
    get(m, slug, f"/api/catalog/products/{product}")


def store_with_a_product():
    slug = ecom.new_store("BASIC")
    if not ecom.active_products(slug):
        ecom.insert_product(slug, "Thing", "9.99")
    return slug


def test_a_store_touched_once_costs_no_prepared_statement_and_a_hot_store_runs_prepared():
    warm, cold = store_with_a_product(), store_with_a_product()
    m = Master(workers=1, env={"ECOM_CATALOG_CACHE_BYTES": "0"})
    try:
        # What every store shares (the store lookup, ...) made hot first.
        for _ in range(3):
            touch(m, warm)
        before = counters()
        touch(m, cold)
        once = moved(before)
        # Before: the store's own statements (three or more) were prepared at once. The stack's
        # provisioner runs beside this test and may prepare one of its own.
        assert once["COM_STMT_PREPARE"] <= 1, once

        # The same store again and again: prepared once more at most, then executed prepared.
        touch(m, cold)
        before = counters()
        for _ in range(10):
            touch(m, cold)
        hot = moved(before)
        assert hot["COM_STMT_PREPARE"] <= 1, hot
        assert hot["COM_STMT_EXECUTE"] >= 30, hot  # three requests, a statement or more each
    finally:
        m.stop()
