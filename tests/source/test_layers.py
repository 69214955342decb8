"""The architecture's rules, read from the source (no stack needed).

- Every folder of src/ includes only the folders its row of docs/architecture.md's map allows,
  and the includes between folders form no cycle.
- A repository includes nothing from http/ and throws no ApiError.
- libfcgi is included only by http/fcgi_transport.cpp.
- No function in src/ reaches 80 lines.
"""

import importlib.util
import os
import re

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SRC = os.path.join(REPO, "src")
DOC = os.path.join(REPO, "docs", "architecture.md")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/([^"]+)"', re.M)
SYSTEM_INCLUDE = re.compile(r"^\s*#\s*include\s+<([^>]+)>", re.M)

# Files that speak to the database for their module and must not know about HTTP.
REPOSITORY_FILES = re.compile(r"(_repository|^place_order|^pricing|^rate_limit|^control_store)\.(h|cpp)$")


def source_files():
    for folder in sorted(os.listdir(SRC)):
        path = os.path.join(SRC, folder)
        if not os.path.isdir(path):
            continue
        for name in sorted(os.listdir(path)):
            if name.endswith((".h", ".cpp")):
                yield folder, name, os.path.join(path, name)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def documented_map():
    """{folder: allowed folders} from the map's table; "every folder" allows all."""
    allowed = {}
    row = re.compile(r"^\|\s*`([a-z_]+)/`\s*\|[^|]*\|\s*([^|]*)\|\s*$")
    for line in read(DOC).splitlines():
        m = row.match(line)
        if not m:
            continue
        folder, may = m.group(1), m.group(2).strip()
        if may == "every folder":
            allowed[folder] = None
        elif may in ("—", "-", ""):
            allowed[folder] = set()
        else:
            allowed[folder] = {f.strip() for f in may.split(",")}
    return allowed


def actual_includes():
    """{folder: {included folder: [file, ...]}} for includes of other folders."""
    found = {}
    for folder, name, path in source_files():
        deps = found.setdefault(folder, {})
        for other, _ in INCLUDE.findall(read(path)):
            if other != folder:
                deps.setdefault(other, []).append(f"{folder}/{name}")
    return found


def test_every_folder_of_src_is_on_the_map():
    folders = {f for f in os.listdir(SRC) if os.path.isdir(os.path.join(SRC, f))}
    documented = set(documented_map())
    assert folders == documented, (
        f"on the map but not in src/: {sorted(documented - folders)}; "
        f"in src/ but not on the map: {sorted(folders - documented)}")


def test_folders_include_only_what_the_map_allows():
    allowed = documented_map()
    wrong = []
    for folder, deps in actual_includes().items():
        may = allowed.get(folder, set())
        if may is None:
            continue
        for other, files in sorted(deps.items()):
            if other not in may:
                wrong.append(f"{folder}/ includes {other}/ ({', '.join(sorted(set(files)))})")
    assert not wrong, "includes the map does not allow:\n  " + "\n  ".join(wrong)


def test_the_map_allows_only_what_is_used():
    # A stale row hides a change of the architecture: every allowed folder is really included.
    actual = actual_includes()
    unused = []
    for folder, may in documented_map().items():
        if may is None:
            continue
        for other in sorted(may - set(actual.get(folder, {}))):
            unused.append(f"{folder}/ may include {other}/ but does not")
    assert not unused, "\n  ".join(unused)


def test_folder_includes_form_no_cycle():
    graph = {f: set(d) for f, d in actual_includes().items()}
    state = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                raise AssertionError("include cycle: " + " -> ".join(path + [node, nxt]))
            if nxt not in state:
                visit(nxt, path + [node])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])


def test_only_the_app_includes_the_app():
    offenders = [f for f, files in actual_includes().items() if f != "app" and "app" in files]
    assert not offenders, f"folders including app/: {offenders}"


def test_repositories_know_nothing_of_http():
    offenders = []
    checked = 0
    for folder, name, path in source_files():
        if not REPOSITORY_FILES.search(name):
            continue
        checked += 1
        text = read(path)
        if any(other == "http" for other, _ in INCLUDE.findall(text)):
            offenders.append(f"{folder}/{name} includes http/")
        if "ApiError" in text or '"common/error.h"' in text:
            offenders.append(f"{folder}/{name} uses ApiError")
    assert checked >= 10, f"only {checked} repository files found: has the naming changed?"
    assert not offenders, "\n  ".join(offenders)


def test_libfcgi_is_included_only_by_the_transport():
    users = [f"{folder}/{name}" for folder, name, path in source_files()
             if any(h.startswith("fcgi") for h in SYSTEM_INCLUDE.findall(read(path)))]
    assert users == ["http/fcgi_transport.cpp"], users


def _function_lengths():
    spec = importlib.util.spec_from_file_location(
        "function_lengths", os.path.join(REPO, "scripts", "function-lengths.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_function_in_src_reaches_80_lines():
    fl = _function_lengths()
    long_ones = []
    count = 0
    for folder, name, path in source_files():
        for first, last, fname in fl.functions(path):
            count += 1
            if last - first + 1 >= 80:
                long_ones.append(f"{folder}/{name}:{first} {fname} ({last - first + 1} lines)")
    assert count > 500, f"only {count} functions found: is the reader still working?"
    assert not long_ones, "\n  ".join(long_ones)


def test_the_function_reader_sees_a_long_function():
    # The rule above must be able to fail: a made-up 91-line function is measured as such.
    fl = _function_lengths()
    import tempfile
    body = "int f(int x) {\n" + "  x += 1;\n" * 88 + "  return x;\n}\n"
    with tempfile.NamedTemporaryFile("w", suffix=".cpp", delete=False) as f:
        f.write("namespace a {\n// }\nconst char* s = \"{\";\n" + body + "}  // namespace a\n")
    try:
        found = fl.functions(f.name)
    finally:
        os.unlink(f.name)
    assert [(last - first + 1, name) for first, last, name in found] == [(91, "f")], found
