"""The storefront's static files (web/) through the Apache site (conf/apache/ecom-site.conf): "/" is
the storefront's page, /storefront/ and /shared/ its files with their content types, and every
other path still reaches the application (the nginx sites: tests/integration/test_storefront_sites.py).
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402

REPO = ecom.repo_dir()


def test_apache_serves_the_storefront_page_and_files():
    for path in ("/", "/?store=demo-store"):
        page = ecom.http("GET", path)
        assert page.status == 200, page
        assert page.headers.get("Content-Type") == "text/html; charset=utf-8", page.headers.get("Content-Type")
        with open(os.path.join(REPO, "web", "storefront", "index.html"), encoding="utf-8") as fh:
            assert page.text == fh.read(), "the page is web/storefront/index.html"
    for path, ctype in (("/storefront/app.js", "text/javascript"), ("/shared/api.js", "text/javascript"),
                        ("/shared/base.css", "text/css")):
        r = ecom.http("GET", path)
        assert r.status == 200 and r.headers.get("Content-Type", "").startswith(ctype), (path, r)
        assert r.headers.get("Cache-Control") == "no-cache", r.headers.get("Cache-Control")
        with open(os.path.join(REPO, "web", path.lstrip("/")), "rb") as fh:
            assert r.raw == fh.read(), f"{path} differs from the file"


def test_apache_serves_the_console():
    page = ecom.http("GET", "/console/")
    assert page.status == 200, page
    assert page.headers.get("Content-Type") == "text/html; charset=utf-8", page.headers.get("Content-Type")
    with open(os.path.join(REPO, "web", "console", "index.html"), encoding="utf-8") as fh:
        assert page.text == fh.read(), "the console's page is web/console/index.html"
    for path, ctype in (("/console/app.js", "text/javascript"), ("/console/console.css", "text/css")):
        r = ecom.http("GET", path)
        assert r.status == 200 and r.headers.get("Content-Type", "").startswith(ctype), (path, r)
        with open(os.path.join(REPO, "web", path.lstrip("/")), "rb") as fh:
            assert r.raw == fh.read(), f"{path} differs from the file"
    r = ecom.http("GET", "/console/no-such.js")
    assert r.status == 404, r


def test_apache_keeps_every_other_path_for_the_application():
    r = ecom.http("GET", "/storefront/no-such.js")
    assert r.status == 404 and r.headers.get("Content-Type") == "application/problem+json", r
    assert ecom.http("GET", "/health").json()["status"] == "Healthy"
    for path in ("/no-such-path", "/index.html", "/api/no-such"):
        r = ecom.http("GET", path)
        assert r.status == 404 and r.headers.get("Content-Type") == "application/problem+json", (path, r)
        assert r.json().get("instance") == path, r
    r = ecom.http("GET", "/public/tenant-config", headers={"X-Tenant-Slug": ecom.new_store()})
    assert r.status == 200, r
