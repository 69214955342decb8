"""The storefront's static files (web/) as each web server serves them: the development stack's
nginx (conf/nginx/dev.conf.template), the shipped production nginx site (conf/nginx/ecom-site.conf,
in a private nginx, as nginx_site.py runs it) with and without its optional host-to-store map.
"/" is the storefront's page, /storefront/ and /shared/ its files, with the right content types;
every API path still reaches the application. (Apache: tests/apache/test_apache_site.py.)
"""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import nginx_site  # noqa: E402

REPO = ecom.repo_dir()
FILES = {"/storefront/app.js": "text/javascript", "/storefront/catalog.js": "text/javascript",
         "/shared/api.js": "text/javascript", "/shared/base.css": "text/css",
         "/console/app.js": "text/javascript", "/console/console.css": "text/css"}


def check_serves_the_storefront(fetch):
    """fetch(method, path, headers) → Response; the checks common to every site."""
    page = fetch("GET", "/?store=demo-store", {})
    assert page.status == 200, page
    assert page.headers.get("Content-Type", "").startswith("text/html"), page.headers.get("Content-Type")
    assert '<script type="module" src="/storefront/app.js">' in page.text, page.text[:300]
    with open(os.path.join(REPO, "web", "storefront", "index.html"), encoding="utf-8") as fh:
        assert page.text == fh.read(), "the page is web/storefront/index.html"
    # The console's page at /console/ (README "Console").
    page = fetch("GET", "/console/", {})
    assert page.status == 200 and page.headers.get("Content-Type", "").startswith("text/html"), page
    with open(os.path.join(REPO, "web", "console", "index.html"), encoding="utf-8") as fh:
        assert page.text == fh.read(), "the console's page is web/console/index.html"
    for path, ctype in FILES.items():
        r = fetch("GET", path, {})
        assert r.status == 200, r
        assert r.headers.get("Content-Type", "").startswith(ctype), (path, r.headers.get("Content-Type"))
        with open(os.path.join(REPO, "web", path.lstrip("/")), "rb") as fh:
            assert r.raw == fh.read(), f"{path} differs from the file"
    # What is not a file stays a 404 Problem Details; nothing outside web/ is reachable.
    for path in ("/storefront/no-such.js", "/shared/../../conf/ecom.conf.example", "/shared/no-such.css"):
        r = fetch("GET", path, {})
        assert r.status in (400, 403, 404), (path, r)
        assert "[server]" not in r.text, path
    # The application keeps every other path.
    assert fetch("GET", "/health", {}).json()["status"] == "Healthy"
    r = fetch("GET", "/no-such-path", {})
    assert r.status == 404 and r.headers.get("Content-Type") == "application/problem+json", r
    r = fetch("GET", "/index.html", {})
    assert r.status == 404 and r.headers.get("Content-Type") == "application/problem+json", r


def unrecorded(method, path, headers=None):
    """ecom.http without adding the exchange to $ECOM_RECORD_RESPONSES: the storefront's files are
    not part of the API that docs/openapi.yaml describes."""
    saved = os.environ.pop("ECOM_RECORD_RESPONSES", None)
    try:
        return ecom.http(method, path, headers=headers)
    finally:
        if saved is not None:
            os.environ["ECOM_RECORD_RESPONSES"] = saved


def test_dev_stack_serves_the_storefront_and_opens_the_demo_store():
    def fetch(method, path, headers):
        return unrecorded(method, path, headers)
    slug = ecom.new_store()
    r = ecom.http("GET", "/public/tenant-config", headers={"X-Tenant-Slug": slug})
    assert r.status == 200, r
    check_serves_the_storefront(fetch)
    r = unrecorded("GET", "/")
    assert r.status == 302 and r.headers.get("Location", "").endswith("/?store=demo-store"), r
    assert unrecorded("GET", f"/?store={slug}").status == 200


def test_production_site_serves_the_storefront():
    ng = nginx_site.PrivateNginx("ecom-web-").start()
    try:
        check_serves_the_storefront(ng.fetch)
        # No default store in production: "/" is the page itself (the host map, or ?store=).
        r = ng.fetch("GET", "/", {})
        assert r.status == 200 and "storefront/app.js" in r.text, r
        assert ng.fetch("GET", "/shared/base.css", {}).headers.get("Cache-Control") == "no-cache"
    finally:
        ng.stop()


def with_host_map(slug):
    """The site's commented host-to-store map and its fastcgi_param line, uncommented, with the
    example host shop-a.example.com mapped to slug."""
    def prepare(lines, nginx):
        original = list(lines)
        start = [i for i, ln in enumerate(original) if ln.startswith("#map $host $ecom_host_tenant {")]
        assert len(start) == 1, "the site file has one commented host map"
        i = start[0]
        while True:
            assert original[i].startswith("#"), f"line {i + 1} of the commented map is not commented"
            lines[i] = original[i][1:].replace("shop-a;", f"{slug};")
            if original[i].startswith("#}"):
                break
            i += 1
        params = [i for i, ln in enumerate(original) if ln.strip() == "#fastcgi_param HTTP_X_TENANT_SLUG $ecom_host_tenant;"]
        assert len(params) == 1, "the site file has one commented HTTP_X_TENANT_SLUG line"
        lines[params[0]] = original[params[0]].replace("#", "", 1)
        return {}
    return prepare


def test_production_site_host_map_chooses_the_store_by_host():
    slug = ecom.new_store()
    other = ecom.new_store()
    ng = nginx_site.PrivateNginx("ecom-hostmap-", with_host_map(slug)).start()
    try:
        site = open(ng.site, encoding="utf-8").read()
        assert re.search(rf"^\s+shop-a\.example\.com\s+{slug};", site, re.M), "the map is active"
        # The mapped host: no header needed, and a client's header cannot pick another store.
        for headers in ({"Host": "shop-a.example.com"}, {"Host": "shop-a.example.com", "X-Tenant-Slug": other}):
            r = ng.fetch("GET", "/public/tenant-config", headers)
            assert r.status == 200 and r.json()["slug"] == slug, (headers, r)
        # Any other host keeps the client's header (or none: not resolved).
        r = ng.fetch("GET", "/public/tenant-config", {"Host": "localhost", "X-Tenant-Slug": other})
        assert r.status == 200 and r.json()["slug"] == other, r
        r = ng.fetch("GET", "/public/tenant-config", {"Host": "localhost"})
        assert r.status == 409, r
        # The storefront's page on the mapped host.
        r = ng.fetch("GET", "/", {"Host": "shop-a.example.com"})
        assert r.status == 200 and "storefront/app.js" in r.text, r
    finally:
        ng.stop()
