"""GET /api/catalog/products: envelope, pagination, ProductDto, filters, sorting (§3, CONTRACT §1, §5)."""

import math
import os
import sys
import uuid
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
from ecom import http, assert_problem, tenant_headers, url, dec, round2  # noqa: E402

PRODUCT_KEYS = {"id", "name", "description", "price", "discount", "finalPrice", "stock", "isActive",
                "images", "categories", "dynamicAttributes"}
ENVELOPE_KEYS = {"items", "totalCount", "page", "pageSize", "totalPages"}
LIST = "/api/catalog/products"

S = None       # the store
TOK = None     # unique token in every fixture product name
FX = {}        # fixture name -> product id
CAT = {}       # fixture category name -> id
DOC_ATTRS = {"brand": "AudioTech", "color": "Black", "bluetooth": "5.0", "weight": 1.25,
             "wireless": True, "ports": 2}
DOC_IMAGES = []


def setup_module():
    global S, TOK
    S = ecom.new_store("PREMIUM")
    TOK = uuid.uuid4().hex[:8]
    CAT["alpha"] = ecom.insert_category(S, f"Alpha Fx {TOK}", "alpha fixture")
    CAT["bravo"] = ecom.insert_category(S, f"Bravo Fx {TOK}", "bravo fixture")
    CAT["able_inactive"] = ecom.insert_category(S, f"Able Fx {TOK}", "inactive fixture", active=False)
    DOC_IMAGES.extend([f"https://img.example/{TOK}/z.jpg", f"https://img.example/{TOK}/a.jpg",
                       f"https://img.example/{TOK}/m.jpg"])
    FX["doc"] = ecom.insert_product(
        S, f"Fx {TOK} Wireless Headphones", "299.99", "0.15", stock=50,
        description="Premium noise-cancelling headphones", images=DOC_IMAGES,
        categories=[CAT["bravo"], CAT["able_inactive"], CAT["alpha"]], attributes=DOC_ATTRS)
    FX["round"] = ecom.insert_product(S, f"Fx {TOK} Rounding", "10.05", "0.50", stock=3,
                                      categories=[CAT["alpha"]])
    FX["round2"] = ecom.insert_product(S, f"Fx {TOK} Tiny rounding", "0.05", "0.50", stock=3)
    FX["pct"] = ecom.insert_product(S, f"Fx {TOK} 50% off", "12.00", "0", categories=[CAT["alpha"]])
    FX["pctx"] = ecom.insert_product(S, f"Fx {TOK} 50x off", "13.00", "0")
    FX["us"] = ecom.insert_product(S, f"Fx {TOK} a_b", "14.00", "0.10")
    FX["usx"] = ecom.insert_product(S, f"Fx {TOK} axb", "15.00", "0.10")
    FX["case"] = ecom.insert_product(S, f"Fx {TOK} MiXeD CaSe", "16.00", "0.25")
    FX["zero"] = ecom.insert_product(S, f"Fx {TOK} Out of stock", "17.00", "0", stock=0)
    FX["free"] = ecom.insert_product(S, f"Fx {TOK} Free sample", "0.00", "0", stock=5)
    FX["full"] = ecom.insert_product(S, f"Fx {TOK} Fully discounted", "20.00", "1.00", stock=5)
    FX["hidden"] = ecom.insert_product(S, f"Fx {TOK} hidden", "18.00", "0", active=False,
                                       categories=[CAT["alpha"]])
    FX["new1"] = ecom.insert_product(S, f"Fx {TOK} New one", "21.00", "0", created_at="2099-01-01 00:00:01")
    FX["new2"] = ecom.insert_product(S, f"Fx {TOK} New two", "22.00", "0", created_at="2099-01-01 00:00:02")
    FX["new3"] = ecom.insert_product(S, f"Fx {TOK} New three", "23.00", "0", created_at="2099-01-01 00:00:03")
    FX["new_hidden"] = ecom.insert_product(S, f"Fx {TOK} New hidden", "24.00", "0", active=False,
                                           created_at="2099-01-01 00:00:04")


def get_list(**params):
    resp = http("GET", url(LIST, **params), headers=tenant_headers(S))
    assert resp.status == 200, resp
    body = resp.json()
    assert set(body) == ENVELOPE_KEYS, body.keys()
    return body


def ids(items):
    return [p["id"] for p in items]


def expected(pred=lambda p: True):
    return [p for p in ecom.active_products(S) if pred(p)]


def assert_bad_param(params, key):
    resp = http("GET", url(LIST, **params), headers=tenant_headers(S))
    body = assert_problem(resp, 400)
    errors = body.get("errors")
    assert isinstance(errors, dict) and key in errors, f"{params}: errors should name {key!r}: {body}"
    assert isinstance(errors[key], list) and errors[key] and all(isinstance(m, str) for m in errors[key]), body


# --------------------------------------------------------------------------- envelope & pagination

def test_default_page_is_first_20_by_name_then_id():
    exp = expected()
    body = get_list()
    assert body["page"] == 1 and body["pageSize"] == 20, body
    assert body["totalCount"] == len(exp), (body["totalCount"], len(exp))
    assert body["totalPages"] == math.ceil(len(exp) / 20)
    assert ids(body["items"]) == ids(exp[:20])


def test_walking_all_pages_gives_every_active_product_once_in_order():
    exp = expected()
    for size in (7, 100):
        got = []
        pages = math.ceil(len(exp) / size)
        for page in range(1, pages + 1):
            body = get_list(page=page, pageSize=size)
            assert body["page"] == page and body["pageSize"] == size
            assert body["totalCount"] == len(exp) and body["totalPages"] == pages, body
            expected_len = size if page < pages else len(exp) - size * (pages - 1)
            assert len(body["items"]) == expected_len, (page, len(body["items"]))
            got.extend(ids(body["items"]))
        assert got == ids(exp), f"pageSize {size}: walked order differs from name,id order"


def test_page_size_bounds_accepted():
    exp = expected()
    body = get_list(pageSize=1)
    assert ids(body["items"]) == ids(exp[:1]) and body["totalPages"] == len(exp)
    body = get_list(pageSize=100)
    assert ids(body["items"]) == ids(exp[:100]) and body["totalPages"] == math.ceil(len(exp) / 100)


def test_page_past_end_is_empty_200():
    exp = expected()
    pages = math.ceil(len(exp) / 10)
    for page in (pages + 1, pages + 50, 100000):
        body = get_list(page=page, pageSize=10)
        assert body["items"] == [], body
        assert body["page"] == page and body["pageSize"] == 10
        assert body["totalCount"] == len(exp) and body["totalPages"] == pages


def test_invalid_page_is_400_with_errors():
    for value in ("0", "-1", "abc", "1.5", "1e2", "1x"):
        assert_bad_param({"page": value}, "page")


def test_huge_page_number_is_not_a_server_error():
    resp = http("GET", url(LIST, page="99999999999999999999"), headers=tenant_headers(S))
    assert resp.status in (200, 400), resp
    resp = http("GET", url(LIST, page="2147483648", pageSize="100"), headers=tenant_headers(S))
    assert resp.status in (200, 400), resp
    if resp.status == 200:
        assert resp.json()["items"] == []


def test_invalid_page_size_is_400_with_errors():
    for value in ("0", "-5", "101", "1000", "abc", "2.0"):
        assert_bad_param({"pageSize": value}, "pageSize")


def test_both_pagination_errors_reported():
    resp = http("GET", url(LIST, page="x", pageSize="y"), headers=tenant_headers(S))
    body = assert_problem(resp, 400)
    assert {"page", "pageSize"} <= set(body.get("errors") or {}), body


def test_empty_result_has_zero_pages():
    body = get_list(search="no-such-product-" + uuid.uuid4().hex)
    assert body["items"] == [] and body["totalCount"] == 0 and body["totalPages"] == 0, body
    assert body["page"] == 1 and body["pageSize"] == 20


# --------------------------------------------------------------------------- ProductDto

def test_every_item_has_exact_fields_and_consistent_prices():
    items, _ = ecom.fetch_all_pages(LIST, S)
    sql_rows = {p["id"]: p for p in expected()}
    assert len(items) == len(sql_rows)
    for item in items:
        assert set(item) == PRODUCT_KEYS, f"fields {sorted(item)}"
        row = sql_rows[item["id"]]
        assert ecom.UUID_RE.match(item["id"]), item["id"]
        assert item["name"] == row["name"]
        assert isinstance(item["description"], str)
        assert item["isActive"] is True
        assert isinstance(item["stock"], int) and not isinstance(item["stock"], bool) and item["stock"] == row["stock"]
        for key in ("price", "discount", "finalPrice"):
            assert isinstance(item[key], (int, float)) and not isinstance(item[key], bool), (key, item[key])
        assert dec(item["price"]) == row["price"], (item["price"], row["price"])
        assert dec(item["discount"]) == row["discount"]
        assert dec(item["finalPrice"]) == round2(row["price"] * (1 - row["discount"])), item
        assert isinstance(item["images"], list) and all(isinstance(u, str) for u in item["images"])
        assert isinstance(item["categories"], list)
        for c in item["categories"]:
            assert set(c) == {"id", "name"}, c
        assert isinstance(item["dynamicAttributes"], dict)


def test_json_numbers_have_at_most_two_decimals():
    resp = http("GET", url(LIST, pageSize=100), headers=tenant_headers(S))
    body = resp.json(decimal=True)
    for item in body["items"]:
        for key in ("price", "discount", "finalPrice"):
            v = Decimal(item[key])
            assert v == v.quantize(Decimal("0.01")), (key, item[key])


def test_fixture_product_dto_values():
    body = get_list(search=f"{TOK} Wireless")
    assert body["totalCount"] == 1, body
    item = body["items"][0]
    assert item["id"] == FX["doc"]
    assert item["name"] == f"Fx {TOK} Wireless Headphones"
    assert item["description"] == "Premium noise-cancelling headphones"
    assert dec(item["price"]) == Decimal("299.99")
    assert dec(item["discount"]) == Decimal("0.15")
    assert dec(item["finalPrice"]) == Decimal("254.99")
    assert item["stock"] == 50 and item["isActive"] is True
    assert item["images"] == DOC_IMAGES, item["images"]
    assert item["categories"] == [{"id": CAT["alpha"], "name": f"Alpha Fx {TOK}"},
                                  {"id": CAT["bravo"], "name": f"Bravo Fx {TOK}"}], item["categories"]
    assert item["dynamicAttributes"] == DOC_ATTRS, item["dynamicAttributes"]


def test_final_price_rounds_half_away_from_zero():
    by_id = {p["id"]: p for p in get_list(search=TOK, pageSize=100)["items"]}
    assert dec(by_id[FX["round"]]["finalPrice"]) == Decimal("5.03")    # 10.05 * 0.5 = 5.025
    assert dec(by_id[FX["round2"]]["finalPrice"]) == Decimal("0.03")   # 0.05 * 0.5 = 0.025
    assert dec(by_id[FX["us"]]["finalPrice"]) == Decimal("12.60")
    assert dec(by_id[FX["case"]]["finalPrice"]) == Decimal("12.00")
    assert dec(by_id[FX["full"]]["finalPrice"]) == Decimal("0.00")
    assert dec(by_id[FX["free"]]["price"]) == Decimal("0.00")


def test_product_without_images_categories_attributes():
    body = get_list(search=f"{TOK} 50x off")
    assert body["totalCount"] == 1
    item = body["items"][0]
    assert item["images"] == [] and item["categories"] == [] and item["dynamicAttributes"] == {}, item


def test_out_of_stock_is_listed_inactive_is_not():
    got = set(ids(get_list(search=TOK, pageSize=100)["items"]))
    assert FX["zero"] in got
    assert FX["hidden"] not in got and FX["new_hidden"] not in got


# --------------------------------------------------------------------------- search

def test_search_is_case_insensitive_substring():
    for term in (TOK.upper(), f"fx {TOK} mixed case", f"{TOK} MIXED", "ixed ca"):
        exp = expected(lambda p: term.lower() in p["name"].lower())
        body = get_list(search=term, pageSize=100)
        assert ids(body["items"]) == ids(exp), term
        assert body["totalCount"] == len(exp)
    assert FX["case"] in ids(get_list(search=f"{TOK} mixed")["items"])


def test_search_percent_and_underscore_are_literals():
    body = get_list(search=f"{TOK} 50%")
    assert ids(body["items"]) == [FX["pct"]], body
    body = get_list(search=f"{TOK} a_b")
    assert ids(body["items"]) == [FX["us"]], body
    for term in ("%", "_", "50%", "%%", "_b"):
        exp = expected(lambda p: term in p["name"])
        items, first = ecom.fetch_all_pages(LIST, S, search=term)
        assert ids(items) == ids(exp), term
        assert first["totalCount"] == len(exp)


def test_search_with_sql_metacharacters_is_harmless():
    for term in ("'", "\"", "\\", "'; DROP TABLE products; --", "a' OR '1'='1"):
        exp = expected(lambda p: term.lower() in p["name"].lower())
        body = get_list(search=term, pageSize=100)
        assert ids(body["items"]) == ids(exp), term
    assert get_list()["totalCount"] == len(expected())


# --------------------------------------------------------------------------- categoryId

def product_ids_in_category(cid):
    return {r[0] for r in ecom.sql(f"SELECT product_id FROM product_categories WHERE category_id = {ecom.q(cid)}",
                                   db=ecom.schema_of(S))}


def test_category_filter_fixture():
    body = get_list(categoryId=CAT["alpha"], pageSize=100)
    in_cat = product_ids_in_category(CAT["alpha"])
    exp = expected(lambda p: p["id"] in in_cat)
    assert ids(body["items"]) == ids(exp)
    assert set(ids(exp)) == {FX["doc"], FX["round"], FX["pct"]}
    assert body["totalCount"] == 3


def test_category_filter_on_seeded_categories():
    cats = ecom.sql("SELECT id FROM categories WHERE is_active = 1 ORDER BY name", db=ecom.schema_of(S))
    assert cats
    for (cid,) in cats[:6]:
        in_cat = product_ids_in_category(cid)
        exp = expected(lambda p: p["id"] in in_cat)
        items, first = ecom.fetch_all_pages(LIST, S, categoryId=cid)
        assert ids(items) == ids(exp), cid
        assert first["totalCount"] == len(exp)


def test_category_filter_combined_with_search_and_price():
    in_cat = product_ids_in_category(CAT["alpha"])
    exp = expected(lambda p: p["id"] in in_cat and TOK in p["name"] and Decimal("5") <= p["finalPrice"] <= Decimal("20"))
    body = get_list(categoryId=CAT["alpha"], search=TOK, minPrice="5", maxPrice="20")
    assert set(ids(exp)) == {FX["pct"], FX["round"]}
    assert ids(body["items"]) == ids(exp), body


def test_unknown_category_is_empty_200():
    body = get_list(categoryId=str(uuid.uuid4()))
    assert body["items"] == [] and body["totalCount"] == 0 and body["totalPages"] == 0, body


def test_inactive_category_filter_is_empty_200():
    # the doc fixture is active and linked to the inactive category: still nothing is listed
    body = get_list(categoryId=CAT["able_inactive"])
    assert body["items"] == [] and body["totalCount"] == 0, body


def test_malformed_category_is_400():
    for value in ("abc", "1234", str(uuid.uuid4())[:-1], str(uuid.uuid4()) + "0", "' OR 1=1 --"):
        assert_bad_param({"categoryId": value}, "categoryId")


# --------------------------------------------------------------------------- price filters

def test_price_range_is_inclusive_on_final_price():
    body = get_list(search=TOK, minPrice="5.03", maxPrice="5.03")
    assert ids(body["items"]) == [FX["round"]], body
    body = get_list(search=TOK, minPrice="254.99", maxPrice="254.99")
    assert ids(body["items"]) == [FX["doc"]], body
    # price is 299.99 but finalPrice 254.99: a filter on price would include it
    body = get_list(search=TOK, minPrice="255")
    assert FX["doc"] not in ids(body["items"])


def test_price_filters_match_computed_sets():
    cases = [{"minPrice": "50"}, {"maxPrice": "20"}, {"minPrice": "10", "maxPrice": "100.5"},
             {"minPrice": "0"}, {"maxPrice": "0"}, {"minPrice": "12.6", "maxPrice": "12.60"}]
    for params in cases:
        lo = Decimal(params.get("minPrice", "0"))
        hi = Decimal(params["maxPrice"]) if "maxPrice" in params else None
        exp = expected(lambda p: p["finalPrice"] >= lo and (hi is None or p["finalPrice"] <= hi))
        items, first = ecom.fetch_all_pages(LIST, S, **params)
        assert ids(items) == ids(exp), params
        assert first["totalCount"] == len(exp), params


def test_invalid_price_filters_are_400():
    for params, key in [({"minPrice": "-1"}, "minPrice"), ({"maxPrice": "-0.01"}, "maxPrice"),
                        ({"minPrice": "abc"}, "minPrice"), ({"maxPrice": "1.2.3"}, "maxPrice"),
                        ({"minPrice": "ten"}, "minPrice")]:
        assert_bad_param(params, key)


def test_min_greater_than_max_is_400():
    resp = http("GET", url(LIST, minPrice="10", maxPrice="5"), headers=tenant_headers(S))
    assert_problem(resp, 400)
    resp = http("GET", url(LIST, minPrice="10.01", maxPrice="10"), headers=tenant_headers(S))
    assert_problem(resp, 400)


def test_min_equal_max_is_ok():
    assert http("GET", url(LIST, minPrice="10", maxPrice="10"), headers=tenant_headers(S)).status == 200


# --------------------------------------------------------------------------- sort

def test_sort_name_equals_default():
    items, _ = ecom.fetch_all_pages(LIST, S, sort="name")
    assert ids(items) == ids(expected())


def _walk_sorted(sort, size=7):
    items, first = ecom.fetch_all_pages(LIST, S, page_size=size, sort=sort)
    got = ids(items)
    assert len(got) == len(set(got)), f"sort={sort}: a product appears on two pages"
    assert set(got) == set(ids(expected())), f"sort={sort}: not every active product listed"
    return items


def test_sort_price_ascending_and_descending():
    asc = _walk_sorted("price")
    prices = [dec(p["finalPrice"]) for p in asc]
    assert prices == sorted(prices), "sort=price is not ascending by finalPrice"
    desc = _walk_sorted("-price")
    prices = [dec(p["finalPrice"]) for p in desc]
    assert prices == sorted(prices, reverse=True), "sort=-price is not descending by finalPrice"


def test_sort_newest_first():
    items = _walk_sorted("newest")
    created = {p["id"]: p["createdAt"] for p in expected()}
    stamps = [created[p["id"]] for p in items]
    assert stamps == sorted(stamps, reverse=True), "sort=newest is not by created_at descending"
    assert ids(items[:3]) == [FX["new3"], FX["new2"], FX["new1"]], ids(items[:3])


def test_sort_with_filter():
    body = get_list(search=TOK, sort="-price", pageSize=3)
    exp = sorted(expected(lambda p: TOK in p["name"]), key=lambda p: p["finalPrice"], reverse=True)
    assert [dec(p["finalPrice"]) for p in body["items"]] == [p["finalPrice"] for p in exp[:3]]
    assert body["totalCount"] == len(exp)


def test_unknown_sort_is_400():
    for value in ("bogus", "-name", "price desc", "created_at", "oldest", "1"):
        resp = http("GET", url(LIST, sort=value), headers=tenant_headers(S))
        assert_problem(resp, 400)


def test_odd_query_strings_never_cause_server_errors():
    odd = ["page=%00", "pageSize=%FF", "search=%E2%82%AC", "search=" + "x" * 3000, "minPrice=1%00",
           "categoryId=%27", "sort=%22", "page=1&&&pageSize=2", "=&=&", "search=%", "search=%25%5F%5C",
           "page=-0", "pageSize=00000000000000000000000000005", "minPrice=0.00&maxPrice=0.00",
           "unknownParam=1", "search=%F0%9F%98%80"]
    for qs in odd:
        resp = http("GET", f"{LIST}?{qs}", headers=tenant_headers(S))
        assert resp.status < 500, resp
        assert resp.status in (200, 400), resp
        if resp.status == 400:
            assert_problem(resp, 400)
