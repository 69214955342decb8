"""The API reference page rendered from docs/openapi.yaml (tests/openapi/render.mjs): one section
per endpoint, nothing fetched at view time, and served at /docs by the dev stack's nginx."""

import os
import re
import subprocess
import tempfile
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def setup_module():
    subprocess.run([os.path.join(HERE, "install.sh")], check=True, capture_output=True, timeout=300)


def operations():
    out = subprocess.run(["node", os.path.join(HERE, "validate.mjs"), "--operations"],
                         capture_output=True, text=True, check=True, timeout=60)
    return [line for line in out.stdout.split("\n") if line]


def render():
    with tempfile.TemporaryDirectory() as d:
        target = os.path.join(d, "index.html")
        subprocess.run(["node", os.path.join(HERE, "render.mjs"), target], check=True, capture_output=True, timeout=60)
        with open(target, encoding="utf-8") as f:
            return f.read()


def test_the_page_has_a_section_per_endpoint_and_loads_nothing():
    html = render()
    ops = operations()
    sections = re.findall(r'<h2 id="[^"]+"><span class="m (\w+)">\w+</span><code>([^<]+)</code></h2>', html)
    assert sorted(f"{m.upper()} {p}" for m, p in sections) == sorted(ops)
    # Examples are on the page, e.g. the order number of place-order.
    assert "ORD-20261201-123456" in html
    # Nothing from elsewhere: no script, stylesheet, image or font link.
    assert "<script" not in html
    assert not re.search(r'<(link|img|iframe)\b', html)
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_the_dev_stack_serves_the_page_at_docs():
    base = os.environ.get("ECOM_BASE_URL")
    if not base:
        return  # no stack (the check needs scripts/test.sh's stack)
    page = os.path.join(REPO, "build", "docs", "api", "index.html")
    assert os.path.exists(page), "build/docs/api/index.html is missing: run `make docs` (make test does)"
    with urllib.request.urlopen(base + "/docs/", timeout=10) as r:
        assert r.status == 200
        assert r.headers.get_content_type() == "text/html"
        body = r.read().decode("utf-8")
    assert 'id="placeorder"' in body
    with urllib.request.urlopen(base + "/docs/openapi.yaml", timeout=10) as r:
        assert r.read().decode("utf-8").startswith("openapi: 3.1")
